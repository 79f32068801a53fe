"""Shared dedup for one crawl: request fingerprints in a Redis hash that expires with the crawl.

scrapy-redis's RFPDupeFilter adds fingerprints to one set that never expires (rmax/scrapy-redis#84: Redis can
expire a key but not a set member), so a re-crawl months later still filters yesterday's URLs unless someone
deletes the key. Here the hash belongs to one crawl (its key carries the crawl id) and its expiry is refreshed
by every add, so it disappears a ttl after the crawl's last fetch; the next crawl starts empty and revisits
are decided by the catalogue's history, as on one machine. A hash (fingerprint -> token of the call that added
it) rather than a set, so that a call retried after its reply was lost still learns the fingerprint is its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import CrawlKeys

DEFAULT_SEEN_TTL = 2 * 86400  # seconds the fingerprints of a crawl outlive its last new fingerprint

# Add fingerprints and refresh the expiry in one script; returns a 0/1 list: 1 = new (fetch it), 0 = seen by
# another call. ARGV: ttl, token of this call, fingerprints.
_ADD = """
local out = {}
for i = 3, #ARGV do
  local new = redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[2])
  if new == 0 and redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[2] then new = 1 end
  out[#out + 1] = new
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return out
"""


class SeenSet:
    """Fingerprints one crawl has already fetched or queued, shared by all its workers."""

    def __init__(self, link: RedisLink, keys: CrawlKeys, *, ttl: int = DEFAULT_SEEN_TTL):
        if ttl <= 0:
            raise ValueError("ttl must be > 0")
        self.link, self.key, self.ttl = link, keys.seen, ttl
        self._add = link.client.register_script(_ADD)

    def add(self, fingerprint: str) -> bool:
        """Record ``fingerprint``; True if no worker of this crawl had recorded it (so this one fetches it).

        A retry after a lost reply finds its own token and still answers True, so no URL is lost that way.
        """
        return self.add_many([fingerprint])[0]

    def add_many(self, fingerprints: Iterable[str]) -> list[bool]:
        """:meth:`add` for several fingerprints in one round trip, answers in order."""
        args = [self.ttl, uuid.uuid4().hex, *fingerprints]
        if len(args) == 2:
            return []
        got = self.link.call("record fingerprints", lambda r: self._add(keys=[self.key], args=args, client=r))
        return [bool(x) for x in got]

    def __contains__(self, fingerprint: str) -> bool:
        return bool(self.link.call("look up a fingerprint", lambda r: r.hexists(self.key, fingerprint)))

    def __len__(self) -> int:
        return int(self.link.call("count fingerprints", lambda r: r.hlen(self.key)))
