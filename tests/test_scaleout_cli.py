"""crawler.cli.worker_commands and the --redis options, through the click group (CliRunner); no crawl runs here."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from crawler.cli.main import cli
from crawler.scheduling.scheduler import SchedulerConfig


def test_worker_and_crawl_redis_are_documented_with_examples():
    worker = CliRunner().invoke(cli, ["worker", "-h"])
    assert worker.exit_code == 0 and "Example: newsarchive worker --redis" in worker.output
    crawl = CliRunner().invoke(cli, ["crawl", "-h"])
    assert "--redis URL" in crawl.output and "newsarchive crawl --redis" in crawl.output
    top = CliRunner().invoke(cli, ["-h"])
    assert "worker " in top.output and "worker-crawl" not in top.output  # the child's command is internal


def test_bad_redis_url_and_lease_are_usage_errors(tmp_path: Path):
    bad_url = CliRunner().invoke(cli, ["worker", "--redis", "http://127.0.0.1:6379", "--data", str(tmp_path)])
    assert bad_url.exit_code == 2 and "not a Redis URL" in bad_url.output
    bad_lease = CliRunner().invoke(cli, ["worker", "--redis", "redis://127.0.0.1:1/0", "-s", "CRAWL_LEASE_TIMEOUT=0"])
    assert bad_lease.exit_code == 2 and "CRAWL_LEASE_TIMEOUT" in bad_lease.output


def test_a_worker_name_that_cannot_name_a_warc_file_is_refused(tmp_path: Path):
    from redisserver import RedisServer

    server = RedisServer()
    server.start()
    try:
        result = CliRunner().invoke(cli, ["worker", "--redis", server.url, "--data", str(tmp_path),
                                          "--name", "a/b"])
    finally:
        server.close()
    assert result.exit_code == 1 and "worker name 'a/b'" in result.output


def test_schedule_with_redis_runs_each_crawl_as_a_coordinator(tmp_path: Path):
    config = SchedulerConfig(data_dir=tmp_path, seeds=tmp_path / "s.toml", redis_url="redis://10.0.0.5:6379/0")
    cmd = config.crawl_command("alwasat")
    assert cmd[cmd.index("crawl"):][:1] == ["crawl"] and cmd[-2:] == ["--redis", "redis://10.0.0.5:6379/0"]
    assert "--redis" not in SchedulerConfig(data_dir=tmp_path, seeds=tmp_path / "s.toml").crawl_command("alwasat")


def test_sigterm_stops_a_coordinator_cleanly(tmp_path: Path):
    """No worker runs: the coordinator waits; SIGTERM records the crawl as stopped and deletes its Redis keys."""
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    import redis
    from helpers import ROOT
    from redisserver import RedisServer

    seeds = tmp_path / "seeds.toml"
    seeds.write_text('[[outlet]]\nname = "portal"\nstart_urls = ["http://127.0.0.9:9/"]\n', encoding="utf-8")
    server = RedisServer()
    server.start()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "crawl", "--redis", server.url,
                                 "--seeds", str(seeds), "--data", str(tmp_path / "data")],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        client = redis.Redis.from_url(server.url, decode_responses=True)
        deadline = time.monotonic() + 30
        while not client.zrange("newsarchive:crawls", 0, -1) and time.monotonic() < deadline:
            time.sleep(0.1)
        crawl = client.zrange("newsarchive:crawls", 0, -1)
        assert crawl and client.xlen(f"newsarchive:crawl:{crawl[0]}:work") == 1  # the outlet, queued
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        assert proc.returncode != 0
        assert not client.keys("newsarchive:crawl*")
    finally:
        server.close()
    with sqlite3.connect(tmp_path / "data" / "catalogue.db") as conn:
        assert conn.execute("select status from crawls").fetchall() == [("stopped: SIGTERM",)]


def test_the_one_machine_crawl_does_not_load_the_scale_out_code():
    import subprocess
    import sys

    from helpers import ROOT

    code = ("import sys, crawler.cli.main, crawler.extensions, crawler.runner, crawler.pipelines, "
            "crawler.middlewares, crawler.spiders.outlets; "
            "print(sorted(m for m in sys.modules if m == 'redis' or m.startswith('crawler.scaleout')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
