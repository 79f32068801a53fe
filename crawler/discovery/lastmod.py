"""Sitemap dates: W3C Datetime ``<lastmod>`` values, the span each stands for, and the order in which a sitemap's
entries are taken, newest first (no scrapy imports)."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.discovery.parsers import Link


def newest_first(links: Sequence[Link]) -> list[Link]:
    """A sitemap index's children, newest ``<lastmod>`` first; those without one (or with no W3C date there) after,
    in document order. An index lists 10-20 years of monthly or daily sitemaps, often oldest first: taken in
    document order, CRAWL_SITEMAP_MAX_FETCHES spent itself on the oldest and the newest articles were never found."""
    dated = [(when, n) for n, link in enumerate(links) if (when := w3c_datetime(link.published)) is not None]
    order = [n for _, n in sorted(dated, key=lambda pair: (-_timestamp(pair[0]), pair[1]))]
    taken = set(order)
    return [links[n] for n in order] + [link for n, link in enumerate(links) if n not in taken]


def _timestamp(when: datetime) -> float:
    """``when`` as seconds since the epoch; one at the very ends of datetime's range (``0001-01-01T00:00+14:00``)
    as the end it is at."""
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):
        return math.inf if when.year > 1970 else -math.inf


def w3c_datetime(text: str | None) -> datetime | None:
    """A sitemap ``<lastmod>`` (W3C Datetime: ``2024``, ``2024-05``, ``2024-05-01``, with a time and zone or not) as
    an aware datetime (UTC when it names no zone), or None when it is none of these."""
    value = (text or "").strip()
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", value):
        value += "-01" * (2 - value.count("-"))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


_W3C_PARTS = re.compile(r"(?P<date>[0-9W-]+)(?:[T ](?P<time>[0-9:.,]+)(?P<zone>Z|[+-][0-9:]+)?)?", re.IGNORECASE)
_LATEST_ZONE = timedelta(hours=12)  # UTC-12: where a day named without a zone ends last


def w3c_end(text: str | None) -> datetime | None:
    """The latest instant a sitemap ``<lastmod>`` can mean, or None when it is no W3C date (``w3c_datetime``): a
    date stands for the whole day (``2025-06-28`` holds all day while URLs are added), a month or year for all of
    it, a time for its last second or minute; one without a zone may be local time, ending up to 12 hours later."""
    start = w3c_datetime(text)
    parts = _W3C_PARTS.fullmatch((text or "").strip())
    if start is None or parts is None:
        return None
    try:
        return _end(start, parts["date"], parts["time"], parts["zone"])
    except (OverflowError, ValueError):  # 9999-12-31 ends past datetime's range: at the end of time, and so never
        return datetime.max.replace(tzinfo=UTC)  # before a fetch (it raised, and cost the index's other children)


def _end(start: datetime, date: str, time: str | None, zone: str | None) -> datetime:
    if time is None:
        if re.fullmatch(r"[0-9]{4}", date):
            end = start.replace(year=start.year + 1)
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}", date):
            end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        elif re.fullmatch(r"[0-9]{4}-?W[0-9]{2}", date, re.IGNORECASE):  # a whole ISO week
            end = start + timedelta(days=7)
        else:
            end = start + timedelta(days=1)
    else:  # its last hour, minute or second; a fraction of a second is precise enough
        unit = {2: timedelta(hours=1), 4: timedelta(minutes=1), 6: timedelta(seconds=1)}
        end = start if re.search(r"[.,]", time) else start + unit.get(len(time.replace(":", "")), timedelta(days=1))
    return end if time is not None and zone else end + _LATEST_ZONE


class Newest:
    """Of the links added, the ``limit`` that the spider takes first, holding no more than that many at once: a
    urlset's by their date as text, newest first (``OutletSpider.parse_sitemap``), an index's (``by_lastmod``, asked
    at the first link, once a streamed document's root is known) as ``newest_first`` takes them, undated ones last;
    ties in document order. The spider's own sort of what is taken gives the same first ``limit`` as of every link."""

    def __init__(self, limit: int, by_lastmod: Callable[[], bool] = lambda: False,
                 key: Callable[[Link], str] | None = None):
        self.limit, self._by_lastmod, self._key = limit, by_lastmod, key
        self._index: bool | None = None
        self._heap: list[tuple[Any, int, Link]] = []  # (rank, -place): the least wanted first
        self._held: set[str] = set()  # with ``key``: the keys of the links held
        self.count = 0

    def add(self, published: str | None, link: Callable[[], Link | None], place: int | None = None) -> None:
        """One more entry, in document order (or at ``place`` in it): its date, and how to make its Link (None: no
        link). The Link is made only when the entry would be taken so far, so a file of 400,000 entries resolves
        about as many URLs as it keeps (an entry that ranks below the ``limit`` taken already can never be taken,
        whatever its URL). With ``key``, a link whose key a held link has is a copy, and is not taken (a feed's
        first item of a page stands; of a file longer than ``limit``, a copy of one left may be taken instead)."""
        if self._index is None:
            self._index = self._by_lastmod()
        if self._index:
            when = w3c_datetime(published)
            rank: Any = (1, _timestamp(when)) if when is not None else (0, 0.0)
        else:
            rank = published or ""
        order = -(self.count if place is None else place)
        self.count += 1
        if len(self._heap) >= self.limit and (rank, order) < self._heap[0][:2]:
            return
        made = link()
        if made is None:
            return
        if self._key is not None:
            key = self._key(made)
            if key in self._held:
                return
            self._held.add(key)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, (rank, order, made))
        else:
            _, _, left = heapq.heapreplace(self._heap, (rank, order, made))
            if self._key is not None:
                self._held.discard(self._key(left))

    @property
    def every(self) -> bool:
        """Whether no more entries came than are taken (so none was left)."""
        return self.count <= self.limit

    def taken(self) -> list[Link]:
        """The links taken, in document order."""
        return [link for _, _, link in sorted(self._heap, key=lambda item: -item[1])]


def changed_after(modified: str | None, seen: datetime, now: datetime) -> bool:
    """Whether a sitemap entry's ``<lastmod>`` (or a feed entry's ``<updated>``) says its page changed after ``seen``
    (our latest capture of it): the lastmod, read as ``w3c_datetime`` reads it (a bare date from its first instant, a
    time without a zone as UTC), is later than ``seen``. Not a lastmod past ``now`` by more than a day, which no server
    can have written honestly (``9999-12-31`` would be later than every capture, and fetched by every crawl)."""
    when = w3c_datetime(modified)
    if when is None:
        return False
    try:
        return seen < when <= now + timedelta(days=1)
    except OverflowError:  # pragma: no cover (aware datetimes compare without overflow; now + a day is in range)
        return False
