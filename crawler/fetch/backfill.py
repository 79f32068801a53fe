"""The back-fill switch: one setting (``CRAWL_BACKFILL``, ``newsarchive crawl --backfill``) for a fast crawl.

A back-fill reads years of sitemaps once; the everyday politeness (each outlet's ``download_delay`` and
``concurrency``, AutoThrottle's start delay of one second) would stretch it over weeks. The switch sets, at
"spider" priority so that any ``-s`` given on the command line still wins:

* every outlet's delay to ``CRAWL_BACKFILL_DELAY`` seconds (the outlet's own delay when that is shorter) and
  its concurrency to at least ``CRAWL_BACKFILL_CONCURRENCY`` requests;
* AutoThrottle off, and ``DOWNLOAD_DELAY`` to the back-fill delay;
* ``CONCURRENT_REQUESTS`` to the sum of the outlets' concurrency, ``EXTRACT_WORKERS`` to the machine's cores.

robots.txt is obeyed as always (``ROBOTSTXT_OBEY`` is not touched). No scrapy imports.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from crawler.config import defaults
from crawler.config.outlets import Outlet

logger = logging.getLogger(__name__)


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
    }
    for name, value in chosen.items():
        settings.set(name, value, priority="spider")  # a -s on the command line (priority "cmdline") still wins
    logger.info("back-fill: %s; per outlet delay <= %ss, concurrency >= %s; robots.txt obeyed",
                ", ".join(f"{k}={settings.get(k)}" for k in chosen), _get(settings, "CRAWL_BACKFILL_DELAY"),
                _get(settings, "CRAWL_BACKFILL_CONCURRENCY"))
