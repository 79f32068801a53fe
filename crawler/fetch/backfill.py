"""The back-fill switch: one setting (``CRAWL_BACKFILL``, ``newsarchive crawl --backfill``) for a fast crawl.

A back-fill reads years of sitemaps once; the everyday politeness (each outlet's ``download_delay`` and
``concurrency``, AutoThrottle's start delay of one second) would stretch it over weeks. The switch sets, at
"spider" priority so that any ``-s`` given on the command line still wins:

* every outlet's delay to ``CRAWL_BACKFILL_DELAY`` seconds (the outlet's own delay when that is shorter) and
  its concurrency to at least ``CRAWL_BACKFILL_CONCURRENCY`` requests;
* AutoThrottle off, and ``DOWNLOAD_DELAY`` to the back-fill delay;
* ``CONCURRENT_REQUESTS`` to the sum of the outlets' concurrency, ``EXTRACT_WORKERS`` to the machine's cores;
* ``ARCHIVE_COMMIT_INTERVAL`` to ``CRAWL_BACKFILL_COMMIT_INTERVAL`` (2 s): bigger group commits, fewer bytes written;
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
import uuid
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from crawler.config import defaults
from crawler.config.outlets import Outlet

logger = logging.getLogger(__name__)

QUEUE_DIR = "queue"  # under ARCHIVE_DATA_DIR: one folder per back-fill crawl for its waiting requests (JOBDIR)
_held: dict[Path, int] = {}  # this process's request folders -> the descriptor of their held lock


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
        "ARCHIVE_COMMIT_INTERVAL": float(_get(settings, "CRAWL_BACKFILL_COMMIT_INTERVAL")),
        "JOBDIR": str(queue_dir(Path(_get(settings, "ARCHIVE_DATA_DIR")))),
    }
    for name, value in chosen.items():
        settings.set(name, value, priority="spider")  # a -s on the command line (priority "cmdline") still wins
    logger.info("back-fill: %s; per outlet delay <= %ss, concurrency >= %s; robots.txt obeyed",
                ", ".join(f"{k}={settings.get(k)}" for k in chosen), _get(settings, "CRAWL_BACKFILL_DELAY"),
                _get(settings, "CRAWL_BACKFILL_CONCURRENCY"))


def queue_dir(data_dir: Path) -> Path:
    """A folder of this crawl's own for its waiting requests, ``DATA/queue/crawl-<random>`` (not created: Scrapy
    does that), and the folders of crawls that are gone removed first.

    A crawl holds an exclusive ``flock`` on ``<folder>.lock`` from before its folder exists until it drops it or
    exits (the kernel releases the lock of a killed process), so a folder whose lock can be taken, or that has no
    lock, was a dead crawl's. Why not the pid in the name: pids come round, a container's crawl has the same pid on
    every run and containers sharing one data folder each have their own pids; Scrapy would resume a dead crawl's
    folder, its ``requests.seen`` dropping every URL that crawl had seen (tests/test_crawler_backfill_review.py).
    """
    root = data_dir / QUEUE_DIR
    root.mkdir(parents=True, exist_ok=True)
    for old in list(root.iterdir()):
        if old in _held or old.with_suffix("") in _held:
            continue
        if old.suffix == ".lock":
            fd = _lock(old)
            if fd is not None:  # nobody holds it: its crawl is gone
                shutil.rmtree(old.with_suffix(""), ignore_errors=True)
                old.unlink(missing_ok=True)
                os.close(fd)
        elif old.is_dir() and not old.with_suffix(".lock").exists():
            shutil.rmtree(old, ignore_errors=True)  # made before locks (or its lock removed by hand)
    mine = root / f"crawl-{uuid.uuid4().hex[:12]}"
    fd = _lock(mine.with_suffix(".lock"))
    if fd is None:  # cannot happen with a fresh name; said loudly rather than sharing a folder
        raise RuntimeError(f"{mine}.lock is held by another process")
    _held[mine] = fd
    return mine


def _lock(path: Path) -> int | None:
    """An exclusive, non-blocking ``flock`` on ``path`` (created if missing): its descriptor, or None if held."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    if fcntl is None:  # no flock (Windows): every folder counts as live; drop_queue still removes this crawl's
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def drop_queue(jobdir: str | None, data_dir: Path) -> None:
    """At the end of a crawl, remove its request folder and lock if the back-fill made them (an operator's JOBDIR
    stays)."""
    if not jobdir:
        return
    path = Path(jobdir)
    fd = _held.pop(path, None)
    if fd is None:
        return
    shutil.rmtree(path, ignore_errors=True)
    path.with_suffix(".lock").unlink(missing_ok=True)
    os.close(fd)
    logger.debug("removed the back-fill's request queue %s", path)
