"""The command-line faults stop 37's probes left (README "Stop 37's probes: what was left", CLI):

* ``status`` counted the articles due for a re-check by its own ``--backoff`` (the default unless given), not by the
  one the scheduler runs with; it now reads what the running (or last) scheduler recorded as it started;
* ``recrawl --outlet X --any-outlet``, ``recrawl --due URL`` (and the other options that mean nothing together) were
  taken without a word; each is now refused in one line, exit 2;
* ``scrapy crawl outlets -L WARNING`` printed the writer process's INFO lines; the writer and the extraction workers
  now log at the level the crawl shows;
* ``scrapy crawl outlets -s ...`` and ``newsarchive worker -s ...`` ran no ``-s`` check; they now run the one
  ``newsarchive crawl`` runs (crawler/config/checks.py).

CliRunner where the command line is the point and nothing is fetched; a process of its own for ``scrapy crawl``, the
worker (which waits for Redis for ever) and the scheduler; one re-crawl of a loopback article for ``status``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT, reply

from crawler.capture.prepare import init_worker
from crawler.cli.main import cli
from crawler.config.bundled import LEXICON

CONTACT = "CRAWL_CONTACT_URL=http://127.0.0.1/probe38"
RECORD = Path("logs") / "scheduler.json"  # crawler/cli/scheduler_record.py, where `schedule` says what it watches with
TEXT = ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة "
        "استمرت عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات. ")


def newsarchive(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def scrapy_crawl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl outlets ...`` from the project root, as the README says (Scrapy's command line, this Python)."""
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "outlets", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


class Site:
    """A loopback outlet: /feed.xml listing /news/1, an article published today."""

    def __init__(self) -> None:
        site, today = self, datetime.now(UTC).date().isoformat()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    return reply(self, 200, "text/plain", b"User-agent: *\nAllow: /\n")
                if self.path == "/feed.xml":
                    return reply(self, 200, "application/rss+xml",
                                 f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>n'
                                 f"</title><link>{site.base}/news/1</link></item></channel></rss>".encode())
                if self.path != "/news/1":
                    return reply(self, 404, "text/html", b"<html><body>not found</body></html>")
                title = "اتفاق لوقف إطلاق النار في سرت"
                html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
                        f'<meta property="article:published_time" content="{today}"></head><body><article>'
                        f"<h1>{title}</h1><p>{TEXT * 3}</p></article></body></html>")
                return reply(self, 200, "text/html; charset=utf-8", html.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seeds(self, path: Path) -> Path:
        # a cron schedule of New Year's midnight: no scheduled crawl starts during the tests
        path.write_text(f'[[outlet]]\nname = "today"\nhomepage = "{self.base}/"\nfeeds = ["{self.base}/feed.xml"]\n'
                        'article_urls = ["/news/\\\\d+$"]\ntopic_filter = false\ndownload_delay = 0\n'
                        'schedule = "0 0 1 1 *"\n', encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, subprocess.CompletedProcess[str]]]:
    """One ``scrapy crawl outlets -L WARNING`` of the loopback outlet: its data folder, seeds and process."""
    site, root = Site(), tmp_path_factory.mktemp("probe38")
    seeds, data = site.seeds(root / "seeds.toml"), root / "data"
    try:
        yield seeds, data, scrapy_crawl("-L", "WARNING", "-s", f"ARCHIVE_SEEDS={seeds}", "-s", f"ARCHIVE_DATA_DIR={data}",
                                        "-s", CONTACT, "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "EXTRACT_WORKERS=1")
    finally:
        site.server.shutdown()


# -- 1. status counts due re-checks as the scheduler does ---------------------------------------------------------


def _rows(data: Path, seeds: Path, *args: str) -> list[dict]:
    """``status --json``: one row per outlet, then the watch's."""
    result = CliRunner().invoke(cli, ["status", "--seeds", str(seeds), "--data", str(data), "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def _watch(data: Path, seeds: Path, *args: str) -> dict:
    return _rows(data, seeds, *args)[-1]


def test_status_counts_due_re_checks_by_the_schedulers_backoff(crawled) -> None:
    # before: `status` said 0 due (its own default --backoff) while the scheduler, started with --backoff 1d:1s,
    # re-checked the article; only `status --backoff 1d:1s` agreed with it
    seeds, data, crawl = crawled
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    log = (data.parent / "scheduler.log").open("w")
    scheduler = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "-q", "schedule", "--seeds", str(seeds),
                                  "--data", str(data), "--backoff", "1d:1s", "-s", CONTACT],
                                 cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while scheduler.poll() is None and time.monotonic() < deadline and _rows(data, seeds)[0]["scheduler"] != "running":
            time.sleep(0.1)  # up once it has published its plan (the schedules table)
        assert _rows(data, seeds)[0]["scheduler"] == "running", (data.parent / "scheduler.log").read_text()[-3000:]
        [(seen,)] = sqlite3.connect(data / "catalogue.db").execute("select first_seen from articles").fetchall()
        time.sleep(max(0.0, datetime.fromisoformat(seen).timestamp() + 1.1 - time.time()))  # due by 1d:1s
        watch = _watch(data, seeds)
        assert (watch["watching"], watch["due"]) == (1, 1), watch  # by 1d:1s, a second after its capture
        assert watch["backoff"] == "1d:1s", watch
        assert f"pid {scheduler.pid}" in watch["backoff_from"] and "running" in watch["backoff_from"]
        text = CliRunner().invoke(cli, ["status", "--seeds", str(seeds), "--data", str(data)]).output
        assert "1 due for a re-check by the scheduler's --backoff 1d:1s" in text, text
        # --backoff given is still an explicit override: by the default plan it is due in an hour
        assert _watch(data, seeds, "--backoff", "1d:1h,7d:1d,30d:7d")["due"] == 0
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=30)
        log.close()
    # the last scheduler's, once it has stopped, and said so
    after = _watch(data, seeds)
    assert after["due"] == 1 and after["backoff"] == "1d:1s" and "not running" in after["backoff_from"], after


def test_status_without_a_scheduler_says_it_counts_by_the_default(tmp_path: Path) -> None:
    from archive.catalogue.db import Catalogue

    data = tmp_path / "data"
    data.mkdir()
    Catalogue(data / "catalogue.db").close()
    seeds = tmp_path / "none.toml"
    seeds.write_text('[[outlet]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n', encoding="utf-8")
    watch = _watch(data, seeds)
    assert watch["backoff"] == "1d:1h,7d:1d,30d:7d" and "no scheduler has run" in watch["backoff_from"]
    (data / RECORD).parent.mkdir()
    (data / RECORD).write_text("{not json", encoding="utf-8")  # a damaged record: the default, never a traceback
    assert _watch(data, seeds)["backoff"] == "1d:1h,7d:1d,30d:7d"


# -- 2. recrawl refuses options that contradict each other --------------------------------------------------------


@pytest.mark.parametrize(("args", "said"), [
    (["http://127.0.0.1:9/a", "--outlet", "x", "--any-outlet"], "--outlet and --any-outlet contradict each other"),
    (["--due", "http://127.0.0.1:9/a"], "--due re-checks the watched articles that are due, not URLs given"),
    (["--due", "--outlet", "x"], "--outlet says whose the URLs given are"),
    (["--due", "--any-outlet"], "--any-outlet says whose the URLs given are"),
    (["http://127.0.0.1:9/a", "--limit", "5"], "--limit caps how many due articles --due re-checks"),
])
def test_recrawl_refuses_options_that_contradict_each_other(args: list[str], said: str, tmp_path: Path) -> None:
    # before: each was taken without a word (--outlet won over --any-outlet, the URLs rode along with --due, --limit
    # and --outlet were ignored); the missing seeds below then stopped it with another message, exit 1
    result = CliRunner().invoke(cli, ["recrawl", *args, "--seeds", str(tmp_path / "none.toml"),
                                      "--data", str(tmp_path / "data")])
    assert result.exit_code == 2, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and said in error[0], result.output
    assert not (tmp_path / "data").exists()
    # the options alone are still fine: --due with --limit gets past the check (to the missing seeds)
    fine = CliRunner().invoke(cli, ["recrawl", "--due", "--limit", "5", "--seeds", str(tmp_path / "none.toml"),
                                    "--data", str(tmp_path / "data")])
    assert fine.exit_code == 1 and "none.toml" in fine.output, fine.output


# -- 3. the writer and the extraction workers log at the crawl's level --------------------------------------------


def test_scrapy_crawl_at_warning_shows_no_info_line_of_the_writer(crawled) -> None:
    # before: `scrapy crawl outlets -L WARNING` printed the writer process's "opened WARC file" and "writer process:
    # N write(s)" INFO lines (and its DEBUG ones): Scrapy leaves the root logger at NOTSET, its level on its handler
    seeds, data, crawl = crawled
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert list((data / "warc").glob("*.warc.gz")) and list((data / "text").glob("*.txt")), "nothing archived"
    shown = [line for line in crawl.stderr.splitlines() if " INFO: " in line or " DEBUG: " in line]
    assert shown == [], shown


def _root_level() -> int:
    return logging.getLogger().getEffectiveLevel()


def test_extraction_workers_log_at_the_level_they_are_given() -> None:
    # before: a worker had no log set-up of its own, so Python's last resort printed its WARNINGs under -qq too
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                             initargs=(os.getpid(), LEXICON, 0.0, logging.ERROR)) as pool:
        assert pool.submit(_root_level).result(timeout=60) == logging.ERROR


# -- 4. every entry point that takes -s checks it ----------------------------------------------------------------


def test_scrapy_crawl_checks_its_settings_as_newsarchive_crawl_does(tmp_path: Path) -> None:
    # before: a crawl row, then a traceback ("max_workers must be greater than 0"); now one line, nothing made
    seeds = tmp_path / "seeds.toml"
    seeds.write_text('[[outlet]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n', encoding="utf-8")
    result = scrapy_crawl("-s", f"ARCHIVE_SEEDS={seeds}", "-s", f"ARCHIVE_DATA_DIR={tmp_path / 'data'}",
                          "-s", "EXTRACT_WORKERS=0")
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.strip().splitlines() == [
        "Error: settings, key 'EXTRACT_WORKERS': '0' is out of range: a whole number from 1 to 256 is allowed; "
        "pass -s EXTRACT_WORKERS=<number> (the default is 2)"], result.stderr[-3000:]
    assert not (tmp_path / "data").exists()


def test_worker_checks_its_settings_before_it_waits_for_redis(tmp_path: Path) -> None:
    # before: the worker waited for Redis (here: for ever) and each child crawl would have failed on the value
    result = newsarchive("worker", "--redis", "redis://127.0.0.1:9/0", "--data", str(tmp_path / "w"),
                         "-s", "ARCHIVE_WARC_PREFIX=../evil", timeout=20)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "ARCHIVE_WARC_PREFIX" in result.stderr and "cannot be part of a file name" in result.stderr
    assert "Traceback" not in result.stderr and "Redis" not in result.stderr
