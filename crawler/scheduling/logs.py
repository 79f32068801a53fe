"""The scheduler's crawl logs in DATA/logs/: the end of one (for the crawl row), and pruning the old ones."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def prune_logs(log_dir: Path, keep: int, *, protect: frozenset[Path] | set[Path] = frozenset()) -> list[Path]:
    """Delete all but the ``keep`` newest crawl logs in ``log_dir`` (never one in ``protect``); return those deleted.

    Why not a RotatingFileHandler: each crawl is its own process writing its own file (its stdout and stderr,
    Scrapy's stats included), so the files, not the lines, are what accumulate over months of hourly crawls.
    """
    dated = []
    for path in log_dir.glob("*.log"):
        try:
            dated.append((path.stat().st_mtime, path.name, path))
        except FileNotFoundError:  # deleted by another job's prune just now
            continue
    deleted = []
    for _, _, path in sorted(dated, reverse=True)[keep:]:
        if path in protect:
            continue
        try:
            path.unlink()
            deleted.append(path)
        except FileNotFoundError:
            pass
    if deleted:
        logger.info("deleted %d old crawl logs from %s (ARCHIVE_LOG_KEEP=%d)", len(deleted), log_dir, keep)
    return deleted


def tail_of(path: Path, limit: int = 2000) -> str:
    """The last ``limit`` bytes of a log as text (or why there is none)."""
    try:
        data = path.read_bytes()[-limit:]
    except OSError as exc:
        return f"(no log: {exc})"
    return data.decode("utf-8", "replace").strip()
