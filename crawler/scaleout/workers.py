"""Worker names: a live worker holds a lease on its name (its heartbeat); the coordinator lists the live ones."""

from __future__ import annotations

import re

import redis

from archive.errors import NewsArchiveError
from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import WORKER_PATTERN, worker_key
from crawler.scaleout.politeness import Lease

DEFAULT_HEARTBEAT = 30.0  # seconds a worker's name stays claimed without a renewal

# The name goes into WARC file names (archive/warc/writer.py allows these characters in a prefix).
NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class WorkerNameTaken(NewsArchiveError):
    """Another live worker already runs under this name (two would write one WARC series)."""


def claim_name(link: RedisLink, name: str, *, ttl: float = DEFAULT_HEARTBEAT) -> Lease:
    """Claim ``name`` for this worker; renew the returned lease every ttl/3 and release it on exit.

    Raises:
        ValueError: the name cannot go into a WARC file name.
        WorkerNameTaken: a live worker holds the name.
    """
    if not NAME.fullmatch(name):
        raise ValueError(f"worker name {name!r}: use 1-64 letters, digits, '_', '.' or '-'")
    lease = Lease(link, worker_key(name), name, ttl=ttl, what=f"worker name {name}")
    if not lease.acquire():
        raise WorkerNameTaken(f"a worker named {name!r} is already running on Redis at {link.where} "
                              f"(its claim expires {ttl:.0f} s after it stops); choose another --name")
    return lease


def live_workers(link: RedisLink) -> list[str]:
    """Names of the workers whose heartbeat has not expired, sorted."""
    def scan(r: redis.Redis) -> list[str]:
        holders = (r.get(key) for key in r.scan_iter(match=WORKER_PATTERN))
        return sorted(h.split("/", 1)[0] for h in holders if h)  # None: expired between SCAN and GET
    return link.call("list live workers", scan)
