"""End to end on several workers: a real redis-server, three `newsarchive worker` processes, the demo sites.

One crawl by `newsarchive crawl --redis` with a 0.3 s delay per outlet, during which the worker crawling an
outlet is SIGKILLed (a 3 s lease timeout hands its outlet to another worker); then a one-machine crawl of the
same sites into another folder. The two archives must hold the same articles and corpus, the servers' request
logs must show each outlet's delay held across workers, and `newsarchive check` must pass.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from demo_oracle import serve_demo_sites
from helpers import FAST, ROOT, crawl_cli
from redisserver import RedisServer
from warcio.archiveiterator import ArchiveIterator

DELAY = 0.3  # each outlet's download_delay in the distributed crawl
LEASE = 3.0  # CRAWL_LEASE_TIMEOUT of the workers: how soon a killed worker's outlet goes to another
CLI = [sys.executable, "-m", "crawler.cli.main"]


def _lease_holders(client: redis.Redis) -> dict[str, str]:
    """outlet -> the worker holding its lease now."""
    holders = {}
    for key in client.scan_iter(match="newsarchive:outlet:*:lease"):
        value = client.get(key)
        if value:
            holders[key.split(":")[2]] = value.split("/")[0]
    return holders


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """The distributed crawl (a worker killed mid-crawl) and a one-machine crawl of the same sites."""
    tmp = tmp_path_factory.mktemp("scaleout")
    server = RedisServer()
    server.start()
    workers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        with serve_demo_sites() as sites:
            plain = sites.write_seeds(tmp / "seeds.toml")
            polite = tmp / "polite.toml"
            polite.write_text(plain.read_text().replace("download_delay = 0\n", f"download_delay = {DELAY}\n"))
            data = tmp / "data"
            for i in range(3):
                workers[f"w{i}"] = subprocess.Popen(
                    [*CLI, "worker", "--redis", server.url, "--seeds", str(polite), "--data", str(data),
                     "--name", f"w{i}", "-s", f"CRAWL_LEASE_TIMEOUT={LEASE}"],
                    stdout=(tmp / f"w{i}.log").open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)
            start = time.monotonic()
            coordinator = subprocess.Popen(
                [*CLI, "crawl", "--redis", server.url, "--seeds", str(polite), "--data", str(data), *FAST],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            client = redis.Redis.from_url(server.url, decode_responses=True)
            killed = None
            deadline = time.monotonic() + 60
            while killed is None and time.monotonic() < deadline and coordinator.poll() is None:
                holders = _lease_holders(client)
                hosts = {o.name: o.host for o in sites.outlets}
                for outlet, holder in holders.items():
                    fetched = [r for r in sites.requests_log if r.host.startswith(hosts[outlet] + ":")]
                    if len(fetched) >= 4:  # robots.txt and some pages: the outlet is half crawled
                        workers[holder].kill()  # SIGKILL: no handler runs; its child crawl dies with it
                        killed = (holder, outlet, len(fetched))
                        break
                time.sleep(0.05)
            out, err = coordinator.communicate(timeout=180)
            elapsed = time.monotonic() - start
            log = sites.request_times
            for proc in workers.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            codes = {name: proc.wait(30) for name, proc in workers.items()}
            one = tmp / "one"
            reference = crawl_cli(plain, one)
            yield {"code": coordinator.returncode, "out": out, "err": err, "data": data, "one": one,
                   "reference": reference, "log": log, "sites": sites, "killed": killed, "codes": codes,
                   "elapsed": elapsed, "tmp": tmp}
    finally:
        for proc in workers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        server.close()


def _rows(data: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data / "catalogue.db") as conn:
        return sorted(tuple(r) for r in conn.execute(sql))


def test_the_crawl_completes_although_a_worker_was_killed(crawls):
    assert crawls["killed"] is not None, "no worker was crawling an outlet to kill"
    assert crawls["code"] == 0, crawls["err"][-3000:]
    for outlet in crawls["sites"].outlets:
        assert outlet.name in crawls["out"]
    holder, outlet, _ = crawls["killed"]
    assert crawls["codes"][holder] == -signal.SIGKILL
    logs = {f"w{i}": (crawls["tmp"] / f"w{i}.log").read_text(errors="replace") for i in range(3)}
    failed = {name: logs[name][-3000:] for name, code in crawls["codes"].items() if name != holder and code != 0}
    assert not failed, (crawls["codes"], failed)
    logs = "".join(logs.values())
    assert f"outlet:{outlet}" in logs and "takes over work item" in logs


def test_same_articles_and_corpus_as_a_one_machine_crawl(crawls):
    assert crawls["reference"].returncode == 0, crawls["reference"].stderr[-2000:]
    sql = "select outlet, url, title, published, relevant, text_digest from articles"
    distributed, one = _rows(crawls["data"], sql), _rows(crawls["one"], sql)
    assert distributed and distributed == one
    texts = sorted(p.read_text(encoding="utf-8") for p in (crawls["data"] / "text").glob("*.txt"))
    assert texts == sorted(p.read_text(encoding="utf-8") for p in (crawls["one"] / "text").glob("*.txt"))
    assert len(texts) == sum(1 for row in distributed if row[4])
    sql = "select url, status from frontier"
    assert _rows(crawls["data"], sql) == _rows(crawls["one"], sql)


def test_every_article_archived_once(crawls):
    """One article row per article (the comparison above) and one full response record per article page, except
    pages the killed worker had fetched but not yet extracted: those are fetched again by the worker that takes
    over (at least once, never lost), each by a different worker."""
    full = _rows(crawls["data"], "select a.outlet, a.url, group_concat(c.warc_file, ' ') from articles a "
                                 "join captures c on c.url = a.url and c.record_type = 'response' group by a.url")
    twice = [(outlet, url, files.split()) for outlet, url, files in full if len(files.split()) > 1]
    _, killed_outlet, _ = crawls["killed"]
    assert full and len(twice) <= 4, twice
    for outlet, url, files in twice:
        assert outlet == killed_outlet and len(files) == 2, (url, files)
        assert len({Path(f).name.split("-")[1] for f in files}) == 2, files  # two workers' WARC series


def test_workers_write_their_own_warc_series_and_no_catalogue(crawls):
    warcs = sorted((crawls["data"] / "warc").glob("*.warc.gz"))
    names = {p.name.split("-")[1] for p in warcs}
    assert names <= {"w0", "w1", "w2"} and len(names) >= 2, [p.name for p in warcs]
    for path in warcs:
        with path.open("rb") as fh:
            info = next(iter(ArchiveIterator(fh)))
            fields = info.content_stream().read().decode()
        assert f"worker: {path.name.split('-')[1]}" in fields
    captured = _rows(crawls["data"], "select distinct warc_file from captures")
    assert {Path(f).name for (f,) in captured} <= {p.name for p in warcs}


def test_each_outlet_delay_held_across_workers(crawls):
    """Consecutive requests to one outlet, whichever worker sent them, are at least the randomised delay apart
    (Scrapy's RANDOMIZE_DOWNLOAD_DELAY: 0.5 to 1.5 times download_delay, as on one machine)."""
    by_host: dict[str, list[float]] = {}
    for request, at in crawls["log"]:
        by_host.setdefault(request.host, []).append(at)
    assert len(by_host) == 3
    for host, times in by_host.items():
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(times) > 5 and min(gaps) >= 0.5 * DELAY - 0.02, (host, sorted(gaps)[:3])


def test_check_passes_on_the_result(crawls):
    proc = subprocess.run([*CLI, "check", "--data", str(crawls["data"])], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
