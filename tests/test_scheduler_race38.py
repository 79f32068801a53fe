"""A scheduled crawl killed with -9 is a failed crawl row, whichever comes first: the scheduler's record of its exit,
or the next crawl's sweep of dead processes, which marks the row ``interrupted`` (stop 38: under a loaded machine the
sweep came first and the killed crawl stayed ``interrupted``, exit code unknown to the row's reader)."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime

from archive.catalogue import crawls
from archive.catalogue.db import Catalogue
from crawler.scheduling.scheduler import Run, Scheduler, SchedulerConfig


def test_a_killed_crawl_swept_as_interrupted_first_is_recorded_failed_with_its_exit(tmp_path):
    seeds = tmp_path / "seeds.toml"
    seeds.write_text('[[outlet]]\nname = "a"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n', encoding="utf-8")
    scheduler = Scheduler(SchedulerConfig(data_dir=tmp_path / "data", seeds=seeds, watch_every=None))
    started_at = datetime.now(UTC).isoformat()
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    run = Run("a", ["a"], "schedule", process, started_at, tmp_path / "a.log")
    (tmp_path / "a.log").write_text("", encoding="utf-8")
    with Catalogue(scheduler.catalogue_path) as catalogue:
        crawl_id = catalogue.start_crawl("u1", "schedule", ["a"], process.pid, started_at=started_at)
    process.send_signal(signal.SIGKILL)
    run.exit_code = process.wait()
    with Catalogue(scheduler.catalogue_path) as catalogue:
        crawls.mark_interrupted(catalogue.db, [crawl_id])  # the next crawl's sweep, before the scheduler's record
    scheduler.record(run)
    with Catalogue(scheduler.catalogue_path) as catalogue:
        row = catalogue.db["crawls"].get(crawl_id)
    assert (run.status, row["status"], row["exit_code"]) == ("failed", "failed", -9)
    assert row["ended_at"] and "exit status -9" in row["error"]
