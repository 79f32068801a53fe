"""robots.txt ``Crawl-delay``: the delay a site asks of our User-Agent, bounded, and the floor it sets under a download
slot (no scrapy imports; the Scrapy glue is crawler/netguard.py ``RobotsGuardMiddleware`` and
crawler/middlewares/throttle.py ``RobotsAwareAutoThrottle``).

RFC 9309 leaves ``Crawl-delay`` out; Bing honours it, Google ignores it, Heritrix honours it up to
``respectCrawlDelayUpToSeconds`` (300 s). We honour it up to ``CRAWL_ROBOTS_DELAY_MAX``: the slot's delay becomes
max(the outlet's delay or the back-fill's, the Crawl-delay), one request at a time, and no jitter or AutoThrottle
adjustment takes a wait below it. A nonstandard ``Request-rate: n/Ts`` counts as a delay of T/n seconds, all day
(a time window, ``1/10s 0800-1200``, is not read: the polite side). A redirect hop to another host drops the
download slot it kept from the hop before (``stale_download_slot``), so the floor holds on the host's own slot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from time import monotonic
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RobotsDelay:
    """The delay a robots.txt asks (``asked``, seconds) and the one the crawl applies (``applied``, capped)."""

    asked: float
    applied: float

    @property
    def capped(self) -> bool:
        """True when the site asked for more than ``CRAWL_ROBOTS_DELAY_MAX``."""
        return self.applied < self.asked


@dataclass(frozen=True)
class SlotFloor:
    """What a download slot keeps while a Crawl-delay applies: waits of at least ``delay`` seconds, one request at a
    time; ``jitter`` is the slot's own random variation before the floor narrowed it."""

    delay: float
    jitter: float


def seconds(value: Any) -> float | None:
    """``value`` as a delay in seconds, or None when it is missing, no number, not finite (NaN, inf) or not above 0.

    Protego drops such lines already; other robots.txt parsers (``ROBOTSTXT_PARSER``) may hand them on."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def rate_seconds(rate: Any) -> float | None:
    """Seconds per request of a ``Request-rate`` (Protego's ``RequestRate(requests, seconds, ...)``), or None."""
    requests, period = seconds(getattr(rate, "requests", None)), seconds(getattr(rate, "seconds", None))
    if requests is None or period is None:
        return None
    return seconds(period / requests)


def robots_delay(crawl_delay: Any, request_rate: Any = None, *, cap: float) -> RobotsDelay | None:
    """The delay to apply for a robots.txt's ``Crawl-delay`` (and ``Request-rate``), capped at ``cap`` seconds.

    None when the robots.txt asks for none we can read (absent, negative, NaN, text) or ``cap`` is 0 (off). A huge
    value (``10^9``) is capped, never waited out: the site gets our slowest pace, ``cap`` seconds apart."""
    if not cap > 0:
        return None
    asked = [s for s in (seconds(crawl_delay), rate_seconds(request_rate)) if s is not None]
    if not asked:
        return None
    return RobotsDelay(asked=max(asked), applied=min(max(asked), cap))


def jitter_within(jitter: float, delay: float, floor: float) -> float:
    """The largest random variation up to ``jitter`` whose shortest wait, ``delay * (1 - jitter)``, is ``floor``
    or more (Scrapy draws each wait in ``delay * (1 ± jitter)``)."""
    if delay <= 0 or floor >= delay:
        return 0.0
    return max(0.0, min(jitter, 1.0 - floor / delay))


def floor_slot(slot: Any, floor: SlotFloor) -> None:
    """Hold a download slot (``delay``, ``concurrency``, ``jitter``) to ``floor``: its delay raised to the floor's,
    one request at a time, its jitter narrowed so that no drawn wait falls below the floor."""
    slot.delay = max(float(slot.delay), floor.delay)
    slot.concurrency = 1
    slot.jitter = jitter_within(floor.jitter, slot.delay, floor.delay)


def hold_slot(downloader: Any, floors: dict[str, SlotFloor], key: str, delay: float) -> SlotFloor:
    """Hold the downloader's slot ``key`` to a Crawl-delay of ``delay`` seconds for the rest of the crawl: the
    slot itself when it exists and the settings it is made again from (Scrapy's ``per_slot_settings``); the
    floor is kept in ``floors`` (for AutoThrottle and the 429 back-off) and returned."""
    slot = downloader.slots.get(key)
    settings = downloader.per_slot_settings.get(key, {})
    old = floors.get(key)
    jitter = old.jitter if old else slot.jitter if slot else float(settings.get("jitter", downloader._jitter))
    floor = floors[key] = SlotFloor(max(delay, old.delay if old else 0.0), jitter)
    # a slot idle for a minute is dropped and made again from DOWNLOAD_SLOTS: the new one keeps the floor too
    slot_delay = max(float(settings.get("delay", downloader._delay)), floor.delay)
    downloader.per_slot_settings[key] = {
        **settings,
        "delay": slot_delay,
        "concurrency": 1,
        "jitter": jitter_within(floor.jitter, slot_delay, floor.delay),
    }
    if slot is not None:  # the wait starts now that the robots.txt has come
        floor_slot(slot, floor)
        slot.lastseen = monotonic()
    return floor


def stale_download_slot(url: str, meta: Mapping[str, Any]) -> bool:
    """True when ``meta["download_slot"]`` is the previous redirect hop's and ``url`` is on another host: the
    slot must be dropped so that the downloader derives it from ``url``'s host again.

    Scrapy's downloader writes the slot it picked into ``meta["download_slot"]``
    (``Downloader._enqueue_request``) and its RedirectMiddleware builds the next hop with
    ``request.replace()``, which keeps that meta: a hop to another host would take the first host's slot, its
    delay and concurrency, and miss the new host's ``DOWNLOAD_SLOTS``, Crawl-delay floor and Retry-After pause
    (scrapy/scrapy#2141, open since 2016)."""
    hops = meta.get("redirect_urls") or []
    if meta.get("download_slot") is None or not hops:
        return False
    try:
        return urlsplit(url).hostname != urlsplit(hops[-1]).hostname
    except ValueError:  # a URL with a broken host was refused before it got here; keep what Scrapy has
        return False
