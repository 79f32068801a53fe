"""What the running (or last) scheduler of a data folder watches with: ``schedule`` writes it, ``status`` reads it.

Before stop 38 ``status`` counted the articles due for a re-check by its own ``--backoff`` (the default unless
given), so it agreed with a scheduler started with another ``--backoff`` only when told the same one (a black-box
probe, stop 37). ``schedule`` now records its effective edit-watch settings in ``DATA/logs/scheduler.json`` as it
starts, and ``status`` counts by them; its own ``--backoff``, given, still overrides.

A file, not a catalogue table: ``status`` only reads (read-only media included) and the record is the scheduler's
own, written once per start; the file is replaced whole (``os.replace``), so a reader never sees half of it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.corpus import history

logger = logging.getLogger(__name__)

RECORD = Path("logs") / "scheduler.json"  # under the data folder, beside the scheduler's crawl logs (not *.log:
# crawler.scheduling.logs.prune_logs never deletes it)


@dataclass(frozen=True)
class SchedulerRecord:
    """The edit-watch settings a scheduler runs with, its process and when it started."""

    backoff: str
    watch_every: str | None  # None: --watch-every off, no edit-watch
    pid: int
    started_at: str


def record_scheduler(data_dir: Path, *, backoff: str, watch_every: str | None) -> None:
    """Record this process's scheduler settings for ``status``; a folder it cannot write is a warning only."""
    path = Path(data_dir) / RECORD
    body = {"backoff": backoff, "watch_every": watch_every, "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".scheduler-",
                                         suffix=".json", delete=False) as out:
            json.dump(body, out)
        os.replace(out.name, path)
    except OSError as exc:  # the scheduler still runs; status then counts by the default back-off, and says so
        logger.warning("could not record the scheduler's settings in %s (%s): `status` will not know its --backoff",
                       path, exc)


def read_scheduler(data_dir: Path) -> SchedulerRecord | None:
    """The record of the running or last scheduler of ``data_dir``, or None (none ran, or it cannot be read)."""
    path = Path(data_dir) / RECORD
    try:
        body: Any = json.loads(path.read_text(encoding="utf-8"))
        record = SchedulerRecord(backoff=str(body["backoff"]), pid=int(body["pid"]),
                                 watch_every=None if body.get("watch_every") is None else str(body["watch_every"]),
                                 started_at=str(body.get("started_at") or "-"))
        history.parse_backoff(record.backoff)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:  # a damaged record: said, never a traceback
        logger.warning("cannot read %s (%s): counting due re-checks by the default --backoff", path, exc)
        return None
    return record


def watch_backoff(data_dir: Path, given: str | None) -> tuple[str, str]:
    """The back-off ``status`` counts due re-checks by, and where it comes from (for its output): ``given`` (its own
    ``--backoff``), else the running or last scheduler's, else the default."""
    from archive.integrity.inventory import pid_alive

    if given is not None:
        return given, f"by --backoff {given}"
    record = read_scheduler(data_dir)
    if record is None:
        return history.DEFAULT_BACKOFF_SPEC, (f"by the default --backoff {history.DEFAULT_BACKOFF_SPEC} (no scheduler "
                                              "has run on this folder)")
    state = "running" if pid_alive(record.pid) else "not running"
    off = "; its edit-watch is off (--watch-every off)" if record.watch_every is None else ""
    return record.backoff, (f"by the scheduler's --backoff {record.backoff} (pid {record.pid}, started "
                            f"{record.started_at}, {state}{off})")
