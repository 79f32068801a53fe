"""Redis key names: one crawl's keys share a prefix (deleted together); politeness keys are per outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "newsarchive"
_SAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def _part(value: str) -> str:
    # Outlet and crawl names go into key names; anything outside a small alphabet is escaped so two names
    # never share a key and no name contains the ':' separators of another.
    return _SAFE.sub(lambda m: f"%{ord(m.group()):02X}", value.replace("%", "%25")).replace(":", "%3A")


@dataclass(frozen=True)
class CrawlKeys:
    """The keys of one crawl (``crawl`` is its id, e.g. the coordinator's session id)."""

    crawl: str

    def __post_init__(self) -> None:
        if not self.crawl:
            raise ValueError("crawl id must not be empty")

    def all(self) -> list[str]:
        """Every key of this crawl: the coordinator deletes them (DEL) once the crawl is recorded."""
        return [self.work, self.queued, self.seen, self.results, self.dead, self.refusals]

    @property
    def base(self) -> str:
        """The prefix shared by every key of this crawl."""
        return f"{PREFIX}:crawl:{_part(self.crawl)}"

    @property
    def work(self) -> str:
        """Stream of work items (consumer group ``workers``)."""
        return f"{self.base}:work"

    @property
    def dead(self) -> str:
        """Stream of work items given up after too many deliveries (each one killed its worker)."""
        return f"{self.base}:dead"

    @property
    def queued(self) -> str:
        """Set of work-item keys ever queued in this crawl (makes queueing idempotent)."""
        return f"{self.base}:queued"

    @property
    def seen(self) -> str:
        """Hash of request fingerprints fetched in this crawl (shared dedup)."""
        return f"{self.base}:seen"

    @property
    def refusals(self) -> str:
        """Hash of the workers that refused this crawl, and why (a data folder that is not the coordinator's)."""
        return f"{self.base}:refusals"

    @property
    def results(self) -> str:
        """Stream of catalogue records from workers (consumer group ``catalogue``)."""
        return f"{self.base}:results"

    def captures(self, outlet: str) -> str:
        """Hash of the full captures this crawl's child crawls archived of ``outlet`` (crawler/scaleout/captured.py)."""
        return f"{self.base}:captures:{_part(outlet)}"


def outlet_lease_key(outlet: str) -> str:
    """Key of the lease that lets one worker crawl ``outlet`` (across crawls: politeness is per site)."""
    return f"{PREFIX}:outlet:{_part(outlet)}:lease"


def outlet_rate_key(outlet: str) -> str:
    """Hash holding ``outlet``'s next allowed fetch time and back-off (server clock, milliseconds)."""
    return f"{PREFIX}:outlet:{_part(outlet)}:rate"


def outlet_inflight_key(outlet: str) -> str:
    """Sorted set of ``outlet``'s fetches in flight, scored by when their slot expires."""
    return f"{PREFIX}:outlet:{_part(outlet)}:inflight"


def worker_key(name: str) -> str:
    """Key a live worker holds (and renews) under its name: its heartbeat."""
    return f"{PREFIX}:worker:{_part(name)}"


def writer_key(name: str) -> str:
    """Key held while the writer ``name`` of ``.open`` WARC files (``<prefix>-<name>-...``) is alive.

    A worker's child crawl is the writer ``<worker>-<run>`` (``writer_name``; its files are ``<prefix>-<worker>-<run>-
    ...``), and its worker holds this key only while that child runs. The worker's own name outlived a child killed on
    its own (the OOM killer), whose ``.open`` file then went unrepaired because "its writer is alive" (a black-box
    probe, stop 37); the worker's name kept it so while the same worker's next child ran, until the crawl's end. The
    worker holds ``writer_key(<worker>)`` only while it repairs its own files itself, when it starts."""
    return f"{PREFIX}:writer:{_part(name)}"


def writer_name(worker: str, run: str) -> str:
    """The writer name of worker ``worker``'s child crawl ``run``: what its WARC files are named by, after the
    prefix, and its ``writer_key`` (a name made of letters, digits, '_', '.' and '-', as a worker's)."""
    return f"{worker}-{run}" if run else worker


# Environment variable: the run of a worker's child crawl (crawler/scaleout/worker.py sets it, the child's session
# names its WARC files by it: crawler/scaleout/session.py).
WRITER_RUN = "NEWSARCHIVE_WRITER_RUN"
STOP_FILE = "NEWSARCHIVE_STOP_FILE"  # environment: a file a worker makes when asked to stop (its child reads it)


WORKER_PATTERN = f"{PREFIX}:worker:*"

# Sorted set: the id of every crawl a coordinator is running, scored by its last heartbeat (Unix time). Workers
# take work only from crawls heard from recently, so a coordinator that died stops drawing them.
ACTIVE_CRAWLS = f"{PREFIX}:crawls"
