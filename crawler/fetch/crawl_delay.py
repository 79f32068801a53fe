"""robots.txt ``Crawl-delay``: the delay a site asks of our User-Agent, bounded, and the floor it sets under a download
slot (no scrapy imports; the Scrapy glue is crawler/netguard.py ``RobotsGuardMiddleware`` and
crawler/middlewares.py ``RobotsAwareAutoThrottle``).

RFC 9309 leaves ``Crawl-delay`` out; Bing honours it, Google ignores it, Heritrix honours it up to
``respectCrawlDelayUpToSeconds`` (300 s). We honour it up to ``CRAWL_ROBOTS_DELAY_MAX``: the slot's delay becomes
max(the outlet's delay or the back-fill's, the Crawl-delay), one request at a time, and no jitter or AutoThrottle
adjustment takes a wait below it. A nonstandard ``Request-rate: n/Ts`` counts as a delay of T/n seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


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
