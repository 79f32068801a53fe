"""crawler.fetch.backfill: `newsarchive crawl --backfill` is one switch for the five settings of a fast crawl."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from demo_oracle import serve_demo_sites
from helpers import crawl_cli
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.capture.config import ArchiveConfig
from crawler.config import defaults
from crawler.config.outlets import load_outlets
from crawler.fetch import backfill
from crawler.spiders.outlets import OutletSpider

SEEDS = """
[[outlet]]
name = "slow"
feeds = ["https://slow.example/rss"]
download_delay = 3.0
concurrency = 1

[[outlet]]
name = "quick"
feeds = ["https://quick.example/rss"]
download_delay = 0.1
concurrency = 12
"""


@pytest.fixture
def seeds(tmp_path):
    path = tmp_path / "outlets.toml"
    path.write_text(SEEDS, encoding="utf-8")
    return path


def crawler_settings(seeds, tmp_path, **extra):
    """The settings Scrapy gives an OutletSpider crawl with the project's settings (update_settings has run)."""
    # the reactor is whatever this test process installed (get_crawler checks TWISTED_REACTOR against it)
    base = {name: getattr(project, name) for name in dir(project) if name.isupper() and name != "TWISTED_REACTOR"}
    base |= {"ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DATA_DIR": str(tmp_path / "data")}
    return get_crawler(OutletSpider, {**base, **extra}).settings


def test_off_by_default_the_outlets_own_politeness_holds(seeds, tmp_path):
    settings = crawler_settings(seeds, tmp_path)
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getbool("ROBOTSTXT_OBEY")
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots["slow.example"] == {"delay": 3.0, "concurrency": 1, "jitter": 0.5}


def test_the_switch_sets_delay_concurrency_autothrottle_global_concurrency_and_workers(seeds, tmp_path):
    settings = crawler_settings(seeds, tmp_path, CRAWL_BACKFILL=True)
    slots = settings.getdict("DOWNLOAD_SLOTS")
    assert slots["slow.example"] == {"delay": 0.25, "concurrency": 8, "jitter": 0.5}  # cut to the back-fill's
    assert slots["quick.example"] == {"delay": 0.1, "concurrency": 12, "jitter": 0.5}  # already quicker: kept
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.25
    assert settings.getint("CONCURRENT_REQUESTS") == 20  # 8 + 12
    assert settings.getint("EXTRACT_WORKERS") == (os.cpu_count() or 1)
    assert settings.getbool("ROBOTSTXT_OBEY")  # a back-fill still obeys robots.txt


def test_a_backfill_waits_longer_for_its_group_commits_and_an_everyday_crawl_does_not(seeds, tmp_path):
    everyday = ArchiveConfig.from_settings(crawler_settings(seeds, tmp_path))
    assert everyday.commit_interval == defaults.ARCHIVE_COMMIT_INTERVAL <= 0.5  # "a few hundred milliseconds"
    fast = ArchiveConfig.from_settings(crawler_settings(seeds, tmp_path, CRAWL_BACKFILL=True))
    assert fast.commit_interval == defaults.CRAWL_BACKFILL_COMMIT_INTERVAL > everyday.commit_interval
    chosen = crawler_settings(seeds, tmp_path, CRAWL_BACKFILL=True, CRAWL_BACKFILL_COMMIT_INTERVAL=1.0)
    assert ArchiveConfig.from_settings(chosen).commit_interval == 1.0


def test_a_setting_given_on_the_command_line_wins_over_the_switch(seeds, tmp_path):
    # a data folder of its own: the switch makes the crawl's request folder and lock under it (the default "data"
    # was the checkout's, where this test left a lock file on every run until stop 39)
    settings = Settings({"CRAWL_BACKFILL": "1", "CRAWL_BACKFILL_DELAY": "0", "ARCHIVE_DATA_DIR": str(tmp_path)})
    settings.set("EXTRACT_WORKERS", 1, priority="cmdline")
    settings.set("AUTOTHROTTLE_ENABLED", True, priority="cmdline")
    backfill.apply(settings, load_outlets(seeds))
    assert settings.getint("EXTRACT_WORKERS") == 1 and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.0
    assert backfill.slot(load_outlets(seeds)[0], settings)["jitter"] == 0.0  # no delay, nothing to jitter
    assert Path(settings["JOBDIR"]).parent == tmp_path / "queue"
    backfill.drop_queue(settings["JOBDIR"], tmp_path)


@pytest.mark.parametrize(("value", "on"), [(True, True), ("1", True), ("yes", True), ("0", False), (False, False),
                                           (None, False)])
def test_the_switch_reads_as_a_flag(value, on):
    assert backfill.enabled(Settings({"CRAWL_BACKFILL": value} if value is not None else {})) is on


def test_a_backfill_crawl_says_what_it_set_and_still_obeys_robots_txt(tmp_path):
    """End to end: `newsarchive crawl --backfill` of the demo sites, whose robots.txt forbids pages the sitemap lists."""
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "seeds.toml")
        # as in test_e2e_crawl: the sitemap outlet takes every entry, so it meets the robots-forbidden draft
        text = seeds.read_text(encoding="utf-8")
        text = re.sub(r"(name = \"demo-sitemap\"(?:.|\n)*?)article_urls = \[.*?\]\n", r"\1", text, count=1)
        seeds.write_text(text, encoding="utf-8")
        proc = crawl_cli(seeds, tmp_path / "data", "--backfill")
        paths = [entry.path for entry in sites.requests_log]
        forbidden = list(sites.forbidden_paths)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "back-fill: AUTOTHROTTLE_ENABLED=False" in proc.stderr
    # the waiting requests waited on disk (Scrapy's pickle queues, issue 10), and their folder is gone
    assert int(re.search(r"'scheduler/enqueued/disk': (\d+)", proc.stderr).group(1)) > 10
    assert "'scheduler/enqueued/memory'" not in proc.stderr
    assert list((tmp_path / "data" / "queue").iterdir()) == []
    assert forbidden and not any(url.endswith(path) for url in forbidden for path in paths)
    with sqlite3.connect(tmp_path / "data" / "catalogue.db") as db:
        assert db.execute("select count(*) from failures where reason = 'robots-disallowed'").fetchone()[0] >= 1
        assert db.execute("select count(*) from articles").fetchone()[0] > 0


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_the_request_folder_is_this_crawls_and_a_dead_crawls_is_removed(tmp_path):
    root = tmp_path / "queue"
    (root / "crawl-dead" / "requests.queue").mkdir(parents=True)  # a killed back-fill's: its lock is free
    (root / "crawl-dead.lock").touch()
    (root / "4242" / "requests.queue").mkdir(parents=True)  # a folder with no lock at all
    (root / "crawl-live").mkdir()
    live = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(root / "crawl-live.lock")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout.readline().strip() == "held"  # a running crawl holds its lock
        mine = backfill.queue_dir(tmp_path)
        assert mine.parent == root and mine.name.startswith("crawl-") and mine.with_suffix(".lock").is_file()
        assert sorted(p.name for p in root.iterdir()) == sorted(["crawl-live", "crawl-live.lock", f"{mine.name}.lock"])
        other = backfill.queue_dir(tmp_path)  # a second crawl in this process: a folder of its own, mine kept
        assert other != mine and mine.with_suffix(".lock").is_file()
        mine.mkdir()
        backfill.drop_queue(str(root / "crawl-live"), tmp_path)  # not this process's: kept
        backfill.drop_queue(str(tmp_path / "operator-jobdir"), tmp_path)
        backfill.drop_queue(str(other), tmp_path)
        backfill.drop_queue(str(mine), tmp_path)
        assert sorted(p.name for p in root.iterdir()) == ["crawl-live", "crawl-live.lock"]
    finally:
        live.communicate("")
    backfill.queue_dir(tmp_path)  # the live crawl has ended: its folder goes now
    assert not (root / "crawl-live").exists() and not (root / "crawl-live.lock").exists()


def test_a_backfill_queues_its_requests_on_disk(seeds, tmp_path):
    settings = crawler_settings(seeds, tmp_path, CRAWL_BACKFILL=True)
    jobdir = Path(settings.get("JOBDIR"))
    assert jobdir.parent == tmp_path / "data" / "queue" and jobdir.name.startswith("crawl-")
    assert crawler_settings(seeds, tmp_path).get("JOBDIR") is None  # an everyday crawl's few requests: in memory
