"""The real scheduler against a local site, with intervals of seconds: runs, no overlap, crashes, restarts, SIGTERM."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.catalogue.db import Catalogue
from crawler.cli.schedule_commands import status
from crawler.scheduling.scheduler import Scheduler, SchedulerConfig, pid_alive
from crawler.scheduling.timing import first_run, trigger_for

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("أعلنت حكومة الوحدة الوطنية في طرابلس اتفاقا لوقف إطلاق النار في سرت بعد اشتباكات عنيفة استمرت أياما، "
        "وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات المسلحة من المدينة ومحيطها.")
SETTINGS = ("AUTOTHROTTLE_ENABLED=0", "EXTRACT_WORKERS=1")


class SlowSite(ThreadingHTTPServer):
    """A local outlet whose article pages take ``delay`` seconds each, so a crawl lasts a few seconds."""

    def __init__(self, delay: float, articles: int = 4) -> None:
        site = self
        self.delay = delay

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif self.path == "/":
                    body = "".join(f'<a href="/news/{i}">خبر {i}</a>' for i in range(articles)).encode()
                    ctype = "text/html"
                else:
                    time.sleep(site.delay)
                    body = (f'<html lang="ar"><head><meta charset="utf-8"><title>خبر {self.path}</title></head>'
                            f"<body><article><h1>خبر {self.path}</h1><p>{TEXT}</p><p>{TEXT}</p></article>"
                            "</body></html>").encode()
                    ctype = "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def write_seeds(path: Path, outlets: dict[str, tuple[SlowSite, str]]) -> Path:
    """A seeds file with one outlet per (site, schedule)."""
    path.write_text("".join(
        f'[[outlet]]\nname = "{name}"\nhomepage = "{site.base}/"\narticle_urls = ["/news/\\\\d+$"]\n'
        f'topic_filter = false\ndownload_delay = 0\nrobots_sitemaps = false\nschedule = "{schedule}"\n\n'
        for name, (site, schedule) in outlets.items()), encoding="utf-8")
    return path


def crawls(data: Path, outlet: str) -> list[dict]:
    """The crawl rows of one outlet, oldest first."""
    catalogue = Catalogue(data / "catalogue.db")
    try:
        return [r for r in catalogue.db["crawls"].rows_where(order_by="id") if outlet in json.loads(r["outlets"])]
    finally:
        catalogue.close()


def add_past_crawl(data: Path, outlet: str, started: datetime) -> None:
    """Record a finished scheduled crawl of ``outlet`` that started at ``started``."""
    catalogue = Catalogue(data / "catalogue.db")
    try:
        crawl_id = catalogue.start_crawl("past", "schedule", [outlet], pid=None)
        catalogue.finish_crawl(crawl_id, "finished", {})
        with catalogue.db.conn:
            catalogue.db["crawls"].update(crawl_id, {"started_at": started.isoformat(timespec="seconds"),
                                                     "ended_at": started.isoformat(timespec="seconds")})
    finally:
        catalogue.close()


# -- planning ---------------------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("schedule, last, expected", [
    ("30m", None, NOW),  # never crawled: now
    ("30m", NOW - timedelta(minutes=10), NOW + timedelta(minutes=20)),  # a restart keeps the rhythm
    ("30m", NOW - timedelta(days=3), NOW),  # 144 missed runs: one run, now
    ("0 6 * * *", NOW - timedelta(hours=2), NOW + timedelta(hours=18)),  # cron: next 06:00
    ("0 6 * * *", NOW - timedelta(days=2), NOW),  # cron, missed: once, now
])
def test_first_run(schedule: str, last: datetime | None, expected: datetime) -> None:
    assert first_run(schedule, last, NOW) == expected


@pytest.mark.parametrize("schedule", ["90s", "30m", "2h", "1d", "*/15 * * * *", "0 6 * * 1-5"])
def test_trigger_for_accepts_intervals_and_cron(schedule: str) -> None:
    assert trigger_for(schedule).get_next_fire_time(None, NOW) is not None


@pytest.mark.parametrize("schedule", ["0s", "61 * * * *"])
def test_trigger_for_refuses_nonsense(schedule: str) -> None:
    with pytest.raises(ValueError):
        trigger_for(schedule)


# -- the real scheduler -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Scheduler, dict]]:
    """Two outlets every 2 s whose crawls last longer than that; the first crawl of "crashy" is killed (-9).

    It runs until what the tests below read has happened (it ran a fixed 16 s, mostly waiting): each outlet
    has two runs that ended with exit 0 and one that outlasted the 2 s interval (so a run fell due while one
    was going), and crashy ran again after it was killed."""
    root = tmp_path_factory.mktemp("sched")
    # slow enough that even a crawl with nothing new lasts > 2 s (two articles: a crawl lasts a few seconds)
    slow, crashy = SlowSite(1.2, articles=2), SlowSite(1.2, articles=2)
    seeds = write_seeds(root / "seeds.toml", {"slow": (slow, "2s"), "crashy": (crashy, "2s")})
    scheduler = Scheduler(SchedulerConfig(data_dir=root / "data", seeds=seeds, settings=SETTINGS, stop_grace=20,
                                          kill_grace=5, watch_every=None))
    killed: dict = {}

    def seen_enough() -> bool:
        ended = [r for r in scheduler.runs if r.ended is not None]
        for job in ("slow", "crashy"):
            runs = [r for r in ended if r.job == job]
            if sum(r.exit_code == 0 for r in runs) < 2 or not any(r.ended - r.started > 2.0 for r in runs):
                return False
        crashed = [r for r in ended if r.process.pid == killed.get("pid")]
        return bool(crashed) and any(r.job == "crashy" and r.exit_code == 0 and r.started > crashed[0].ended
                                     for r in ended)

    scheduler.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not seen_enough():
        for run in scheduler.running():
            if run.job == "crashy" and not killed and time.monotonic() - run.started > 1.5:
                killed["pid"] = run.process.pid
                os.kill(run.process.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        time.sleep(0.1)
    scheduler.stop()
    yield root / "data", scheduler, killed
    slow.shutdown()
    crashy.shutdown()


def test_scheduled_runs_happen(busy_run: tuple[Path, Scheduler, dict]) -> None:
    data, _, _ = busy_run
    rows = crawls(data, "slow")
    finished = [r for r in rows if r["status"] == "finished"]
    assert len(finished) >= 2, rows
    assert all(r["trigger"] == "schedule" and r["exit_code"] == 0 and r["pages_fetched"] >= 1 for r in finished)
    assert all(r["log_file"] and Path(r["log_file"]).exists() for r in rows)


def test_runs_of_one_outlet_never_overlap(busy_run: tuple[Path, Scheduler, dict]) -> None:
    _, scheduler, _ = busy_run
    for job in ("slow", "crashy"):
        runs = sorted((r for r in scheduler.runs if r.job == job), key=lambda r: r.started)
        assert len(runs) >= 2
        # a run that falls due while the last one still runs is skipped, never started alongside
        assert all(b.started >= a.ended for a, b in itertools.pairwise(runs)), [(r.started, r.ended) for r in runs]
        # and there was a chance to overlap: some crawl outlasted the 2 s interval (later crawls, with every
        # article already archived, can be shorter)
        assert any(r.ended - r.started > 2.0 for r in runs), [(r.ended - r.started, r.exit_code) for r in runs]


def test_crashed_crawl_is_recorded_and_the_next_still_runs(busy_run: tuple[Path, Scheduler, dict]) -> None:
    data, _, killed = busy_run
    rows = crawls(data, "crashy")
    crashed = [r for r in rows if r["pid"] == killed["pid"]]
    assert len(crashed) == 1 and crashed[0]["status"] == "failed" and crashed[0]["exit_code"] == -9
    assert crashed[0]["ended_at"] and "exit status -9" in crashed[0]["error"]
    assert any(r["status"] == "finished" and r["id"] > crashed[0]["id"] for r in rows)
    assert not any(r["status"] == "running" for r in rows)


def test_status_shows_schedule_last_and_next_run(busy_run: tuple[Path, Scheduler, dict]) -> None:
    data, scheduler, _ = busy_run
    result = CliRunner().invoke(status, ["--seeds", str(scheduler.config.seeds), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["outlet"]: r for r in map(json.loads, result.output.splitlines())}
    last = crawls(data, "slow")[-1]
    assert rows["slow"]["schedule"] == "2s" and rows["slow"]["last_run"] == last["started_at"]
    assert rows["slow"]["outcome"] == last["status"] and rows["slow"]["pages"] == last["pages_fetched"] >= 1
    assert rows["slow"]["next_run"] and rows["slow"]["scheduler"] == "not running"
    text = CliRunner().invoke(status, ["--seeds", str(scheduler.config.seeds), "--data", str(data)]).output
    assert "slow  schedule 2s" in text and "next run:" in text and "took" in text


def test_missed_runs_coalesce_into_one(tmp_path: Path) -> None:
    site = SlowSite(0.0, articles=1)
    seeds = write_seeds(tmp_path / "seeds.toml", {"daily": (site, "10m")})
    add_past_crawl(tmp_path / "data", "daily", datetime.now(UTC) - timedelta(hours=5))  # 29 runs missed
    scheduler = Scheduler(SchedulerConfig(data_dir=tmp_path / "data", seeds=seeds, settings=SETTINGS,
                                          watch_every=None))
    scheduler.start()
    try:
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline and not [r for r in scheduler.runs if r.ended]:
            time.sleep(0.1)
        time.sleep(1.0)
        next_run = scheduler.next_runs()["daily"]
    finally:
        scheduler.stop()
        site.shutdown()
    assert len(scheduler.runs) == 1
    assert [r["status"] for r in crawls(tmp_path / "data", "daily")] == ["finished", "finished"]
    assert timedelta(minutes=9) < next_run - datetime.now(UTC) <= timedelta(minutes=10)


def test_restart_keeps_the_schedule(tmp_path: Path) -> None:
    site = SlowSite(0.0, articles=1)
    seeds = write_seeds(tmp_path / "seeds.toml", {"hourly": (site, "1m")})
    last = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=20)
    add_past_crawl(tmp_path / "data", "hourly", last)
    scheduler = Scheduler(SchedulerConfig(data_dir=tmp_path / "data", seeds=seeds, watch_every=None))
    scheduler.start()
    try:
        time.sleep(2.0)
        assert scheduler.next_runs()["hourly"] == last + timedelta(minutes=1)
        assert scheduler.runs == []  # not due: nothing ran at start-up
        planned = Catalogue(tmp_path / "data" / "catalogue.db").schedules()["hourly"]
        assert planned["next_run_at"] == (last + timedelta(minutes=1)).isoformat(timespec="seconds")
    finally:
        scheduler.stop()
        site.shutdown()


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    site = SlowSite(1.0, articles=20)  # a crawl of 10 s or more: it must outlive the 1 s grace
    seeds = write_seeds(tmp_path / "seeds.toml", {"slow": (site, "1h")})
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "crawler.cli.main", "schedule", "--seeds", str(seeds), "--data", str(data),
           "--stop-grace", "1", "--kill-grace", "15", "--watch-every", "off"]
    for item in SETTINGS:
        cmd += ["-s", item]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(r["pages_fetched"] is not None and r["status"] == "running"
                                                      for r in _rows(data)):
            time.sleep(0.2)
        running = [r for r in _rows(data) if r["status"] == "running"]
        assert running, "no crawl started"
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        site.shutdown()
    assert proc.returncode == 0, err[-3000:]
    assert "received SIGTERM: stopping" in err and "scheduler stopped" in err
    row = next(r for r in _rows(data) if r["id"] == running[0]["id"])
    # the crawl outlived the 1 s grace, was asked to stop, and closed its WARC and its row itself
    assert row["status"] == "stopped: shutdown", row
    assert row["ended_at"] and not pid_alive(row["pid"])
    assert not list((data / "warc").glob("*.open"))


def _rows(data: Path) -> list[dict]:
    if not (data / "catalogue.db").exists():
        return []
    catalogue = Catalogue(data / "catalogue.db")
    try:
        return list(catalogue.db["crawls"].rows)
    finally:
        catalogue.close()


def test_status_also_shows_the_folders_outlets_that_seeds_do_not_configure(tmp_path: Path) -> None:
    # `status --data DIR` read the outlets of --seeds (default seeds/) only: a folder crawled with other seeds showed
    # fourteen "never run" outlets and none of its own (a black-box probe, stop 35)
    site = SlowSite(0.0, articles=1)
    try:
        seeds = write_seeds(tmp_path / "seeds.toml", {"daily": (site, "10m")})
    finally:
        site.shutdown()
    add_past_crawl(tmp_path / "data", "elsewhere", datetime.now(UTC) - timedelta(hours=1))
    catalogue = Catalogue(tmp_path / "data" / "catalogue.db")
    try:
        catalogue.upsert_outlets([{"name": "elsewhere", "schedule": "6h"}])
    finally:
        catalogue.close()
    result = CliRunner().invoke(status, ["--seeds", str(seeds), "--data", str(tmp_path / "data"), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["outlet"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["daily"]["outcome"] == "never run" and rows["daily"]["next_run"]
    assert rows["elsewhere"]["schedule"] == "6h" and rows["elsewhere"]["outcome"] == "finished"
    assert rows["elsewhere"]["next_run"] is None and "not configured" in rows["elsewhere"]["next_run_in"]
