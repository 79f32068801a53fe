"""The scheduler and the edit watch (stop 40's probe): a watch run re-checking an outlet's articles never holds back
that outlet's scheduled crawl, as the crawl itself does not wait for a re-crawl. A real crawl of a loopback site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_crawler_scheduler import SETTINGS, SlowSite, crawls, write_seeds

from archive.catalogue.db import Catalogue
from crawler.scheduling.scheduler import Scheduler, SchedulerConfig


def test_a_watch_run_does_not_hold_back_the_outlets_crawl(tmp_path: Path) -> None:
    site = SlowSite(0.0, articles=1)
    seeds = write_seeds(tmp_path / "seeds.toml", {"rasd": (site, "1h")})
    data = tmp_path / "data"
    scheduler = Scheduler(SchedulerConfig(data_dir=data, seeds=seeds, settings=SETTINGS, watch_every=None))
    # a live process standing for the scheduler's own `recrawl --due`, then for a crawl of the outlet
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        with Catalogue(data / "catalogue.db") as catalogue:
            watch = catalogue.start_crawl("watch-run", "watch", ["rasd"], pid=other.pid)
        run = scheduler.run_outlet("rasd")  # before stop 40: "crawl 1 ... is still running; skipping this run"
        assert run is not None and run.status == "finished", run
        with Catalogue(data / "catalogue.db") as catalogue:
            catalogue.finish_crawl(watch, "finished", {})
            catalogue.start_crawl("cli-run", "cli", ["rasd"], pid=other.pid)
        assert scheduler.run_outlet("rasd") is None  # a crawl of the outlet is still waited for
    finally:
        other.kill()
        other.wait()
        site.shutdown()
    rows = crawls(data, "rasd")
    assert [(r["trigger"], r["status"]) for r in rows] == [
        ("watch", "finished"), ("schedule", "finished"), ("cli", "running")]
    assert rows[1]["pages_fetched"] >= 2
