"""A printed time of day with no zone, made an instant by the outlet's ``timezone`` or kept apart as ``published_time``.

Extraction gives ``published`` as a day ("2019-04-04"), an instant with its offset ("2019-04-04T18:40:00+02:00":
JSON-LD, ``<time datetime>``, a time printed with its zone), or a local time with no offset ("2019-04-04T18:40": a
dateline's time, crawler.extraction.date_times). The last is no instant: where the outlet's seeds entry names its
``timezone`` (an IANA name, e.g. "Africa/Tripoli"), it becomes one, with that zone's offset on that day (summer time
included); else the catalogue keeps the day in ``published`` and the time in ``published_time`` ("HH:MM"). No scrapy
imports.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from archive.records import ExtractedArticle

_LOCAL = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$")


def dated(article: ExtractedArticle, zone: str, listed: str | None) -> tuple[ExtractedArticle, str | None]:
    """``article`` dated by its listing's day (``listed``: a feed's or sitemap's date) where the page gives none, and
    zoned (below)."""
    if not article.published and listed:
        article = replace(article, published=listed, published_source="listing")
    return zoned(article, zone)


def zoned(article: ExtractedArticle, zone: str = "") -> tuple[ExtractedArticle, str | None]:
    """``article`` with no local time left in ``published``, and the time of day to store apart (or None)."""
    m = _LOCAL.match(article.published or "")
    if m is None:
        return article, None
    day, hour, minute = m.group(1), int(m.group(2)), int(m.group(3))
    if not zone:
        return replace(article, published=day), f"{hour:02d}:{minute:02d}"
    moment = datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=ZoneInfo(zone))
    return replace(article, published=moment.isoformat()), None
