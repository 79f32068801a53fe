"""The back-fill switch: one setting (``CRAWL_BACKFILL``, ``newsarchive crawl --backfill``) for a fast crawl.

A back-fill reads years of sitemaps once; the everyday politeness (each outlet's ``download_delay`` and
``concurrency``, AutoThrottle's start delay of one second) would stretch it over weeks. The switch sets, at
"spider" priority so that any ``-s`` given on the command line still wins:

* every outlet's delay to ``CRAWL_BACKFILL_DELAY`` seconds (the outlet's own delay when that is shorter) and
  its concurrency to at least ``CRAWL_BACKFILL_CONCURRENCY`` requests;
* AutoThrottle off, and ``DOWNLOAD_DELAY`` to the back-fill delay;
* ``CONCURRENT_REQUESTS`` to the sum of the outlets' concurrency, ``EXTRACT_WORKERS`` to the machine's cores;
* ``JOBDIR`` to a folder of its own under ``DATA/queue/``, so the requests waiting to be fetched wait on disk in
  Scrapy's pickle queues (``SCHEDULER_DISK_QUEUE``) instead of memory. A back-fill reads its sitemaps long before it
  fetches their articles: 20,000 waiting requests (URL, meta, Referer header, fingerprint) held ~50 MB of the crawl
  process (issue 10, tree RSS). The folder is this crawl's only: the catalogue's frontier, not Scrapy's resume
  state, carries what is left over to the next crawl, so it is removed when the crawl ends (``drop_queue``) and a
  killed crawl's folder by the next back-fill.

robots.txt is obeyed as always (``ROBOTSTXT_OBEY`` is not touched). No scrapy imports.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from archive.integrity.inventory import pid_alive
from crawler.config import defaults
from crawler.config.outlets import Outlet

logger = logging.getLogger(__name__)

QUEUE_DIR = "queue"  # under ARCHIVE_DATA_DIR: one folder per back-fill process for its waiting requests (JOBDIR)


def _get(settings: Any, name: str) -> Any:
    value = settings.get(name)
    return getattr(defaults, name) if value is None else value


def enabled(settings: Any) -> bool:
    """True when the crawl is a back-fill (``CRAWL_BACKFILL``)."""
    value = _get(settings, "CRAWL_BACKFILL")
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def slot(outlet: Outlet, settings: Any) -> dict[str, Any]:
    """The download slot (delay, concurrency, jitter) of one of the outlet's domains, back-fill or not."""
    delay, concurrency = outlet.download_delay, outlet.concurrency
    if enabled(settings):
        delay = min(delay, float(_get(settings, "CRAWL_BACKFILL_DELAY")))
        concurrency = max(concurrency, int(_get(settings, "CRAWL_BACKFILL_CONCURRENCY")))
    return {"delay": delay, "concurrency": concurrency, "jitter": 0.5 if delay > 0 else 0.0}


def apply(settings: Any, outlets: list[Outlet]) -> None:
    """Set the global settings of a back-fill (nothing when ``CRAWL_BACKFILL`` is off); logs what it set."""
    if not enabled(settings):
        return
    total = sum(slot(o, settings)["concurrency"] for o in outlets) or 1
    chosen = {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": float(_get(settings, "CRAWL_BACKFILL_DELAY")),
        "CONCURRENT_REQUESTS": max(total, 16),
        "EXTRACT_WORKERS": os.cpu_count() or 1,
        "JOBDIR": str(queue_dir(Path(_get(settings, "ARCHIVE_DATA_DIR")))),
    }
    for name, value in chosen.items():
        settings.set(name, value, priority="spider")  # a -s on the command line (priority "cmdline") still wins
    logger.info("back-fill: %s; per outlet delay <= %ss, concurrency >= %s; robots.txt obeyed",
                ", ".join(f"{k}={settings.get(k)}" for k in chosen), _get(settings, "CRAWL_BACKFILL_DELAY"),
                _get(settings, "CRAWL_BACKFILL_CONCURRENCY"))


def queue_dir(data_dir: Path, pid: int | None = None) -> Path:
    """This crawl process's folder for waiting requests, ``DATA/queue/<pid>`` (not created: Scrapy does that);
    the folders of crawl processes that are gone are removed first."""
    root = data_dir / QUEUE_DIR
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and not (old.name.isdigit() and pid_alive(int(old.name))):
                shutil.rmtree(old, ignore_errors=True)
    return root / str(pid or os.getpid())


def drop_queue(jobdir: str | None, data_dir: Path) -> None:
    """At the end of a crawl, remove its request folder if the back-fill made it (a JOBDIR of the operator's stays)."""
    if not jobdir:
        return
    path = Path(jobdir)
    if path.parent == data_dir / QUEUE_DIR and path.name == str(os.getpid()):
        shutil.rmtree(path, ignore_errors=True)
        logger.debug("removed the back-fill's request queue %s", path)
