"""Find an article's publication date from ordered evidence: JSON-LD, meta, <time>, URL, visible text, htmldate."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

import htmldate
import lxml.html
from lxml import etree

from crawler.extraction.arabic_dates import Found, from_parts, parse_date_value, to_ascii_digits
from crawler.extraction.date_above import dates_above_headline
from crawler.extraction.date_markup import json_ld, meta, time_elements
from crawler.extraction.date_text import (
    days_of_year,
    headline_text,
    hijri_headline_text,
    hijri_visible_text,
    prints_year,
    visible_text,
)
from crawler.extraction.page_index import elements

logger = logging.getLogger(__name__)

EARLIEST = date(1995, 1, 1)  # no news site published online before this
# A page's clock and ours may sit on opposite sides of the date line: allow the widest UTC offset.
FUTURE_TOLERANCE = timedelta(hours=14)

# "/2019/04/17/", "/2019/4/7", "-2019-04-17-"; a one-digit day must end the segment ("/2023/10/3-fragen" is a slug).
_URL_SLASHED = re.compile(r"(?<![\d])((?:19|20)\d{2})([/_-])(\d{1,2})\2(\d{2}(?!\d)|\d(?=/|$|\.))")
_URL_COMPACT = re.compile(r"(?:^|[/_-])((?:19|20)\d{2})(\d{2})(\d{2})")
# An archived copy's own timestamp is the capture date, not the publication date: look at the original URL.
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/", re.IGNORECASE)


class _Limits:
    """The window of plausible publication dates for one page."""

    def __init__(self, fetched_at: datetime | None) -> None:
        now = fetched_at or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.astimezone()
        self.latest_moment = now + FUTURE_TOLERANCE
        self.latest_day = self.latest_moment.astimezone(UTC).date()

    def accepts(self, found: Found) -> bool:
        """True when the date is neither before the web's news era nor after the fetch."""
        if found.day < EARLIEST:
            return False
        if found.moment is not None:
            return found.moment <= self.latest_moment
        return found.day <= self.latest_day


def find_published(
    html: str, url: str, fetched_at: datetime | None = None, *, tree: lxml.html.HtmlElement | None = None,
    headline: str = "", local_times: bool = False,
) -> tuple[str, str] | None:
    """The publication date of an article page and the signal that gave it, or None if no evidence holds.

    Args:
        html: the decoded page.
        url: the page's URL (its path may carry the date).
        fetched_at: when the page was fetched; later dates are rejected (default: now).
        tree: the page already parsed (read, never changed), so it is not parsed again.
        headline: the headline as extraction read it; it finds the line under a headline set in no <h1>.
        local_times: give a time printed beside the date with no zone as "YYYY-MM-DDTHH:MM" (extraction does: the
            catalogue keeps it apart or puts it in the outlet's zone, crawler.capture.clock); else the day alone.

    Returns:
        ``(date, signal)`` where date is "YYYY-MM-DD", a full ISO 8601 datetime with offset, or (``local_times``)
        "YYYY-MM-DDTHH:MM", and signal is one of "json-ld", "meta", "time", "url", "text", "htmldate", "hijri".
    """
    limits = _Limits(fetched_at)

    def iso(found: Found) -> str:
        return found.iso() if local_times or found.clock is None else found.day.isoformat()

    doc = tree if tree is not None else _parse(html)
    sources: list[tuple[str, Iterable[Found]]] = []
    # The dates under the headline are a source and a check of the markup's dates: found once (issue 10).
    under_headline = functools.cache(lambda: list(headline_text(doc, headline)))

    def headline_dates() -> Iterator[Found]:
        yield from under_headline()  # found when the loop below first reaches it, not before

    if doc is not None:
        # A date printed right under the headline beats unlabelled <time> elements, which are as often
        # in comment threads and "most read" boxes as in the byline.
        sources += [("json-ld", json_ld(doc)), ("meta", meta(doc)), ("time", time_elements(doc, marked=True)),
                    ("text", headline_dates()), ("time", time_elements(doc, marked=False))]
    sources.append(("url", _from_url(url)))
    if doc is not None:
        # A Hijri date under the headline, where the page prints no Gregorian one there: the story's day (a calendar
        # a day or two uncertain, so after every Gregorian sign of the story itself), before htmldate's search of the
        # whole page (a copyright year read as 1 January, a sidebar's date)
        sources.append(("hijri", hijri_headline_text(doc, headline)))
        # a date-marked line just above the headline (K2's itemDateCreated), before htmldate's search of the whole
        # page, which read a sidebar module's date (crawler.extraction.date_above)
        sources.append(("text", dates_above_headline(doc, headline)))
    sources.append(("htmldate", _htmldate(html, url, limits)))
    if doc is not None:
        sources.append(("text", visible_text(doc, headline)))
        sources.append(("hijri", hijri_visible_text(doc, headline)))
    check = _UrlCheck(url)
    for signal, candidates in sources:
        for found in candidates:
            if not limits.accepts(found):
                logger.debug("rejected %s date %s for %s (outside %s..%s)", signal, iso(found), url, EARLIEST,
                             limits.latest_day)
                continue
            found, from_url = check.reconcile(found)
            if from_url:
                return iso(found), "url"
            if signal == "htmldate" and (found.day.month, found.day.day) == (1, 1) and doc is not None:
                # htmldate falls back to 1 January of a bare year (a copyright line "2003 - 2024"); a full date
                # printed on the page says more
                shown = next((d for d in visible_text(doc, headline) if limits.accepts(d)), None)
                if shown is not None and (shown.day.month, shown.day.day) != (1, 1):
                    return iso(shown), "text"
                printed = [d for d in days_of_year(doc, found.day.year) if limits.accepts(d)]
                if len(printed) == 1 and (printed[0].day.month, printed[0].day.day) != (1, 1):
                    return iso(printed[0]), "text"  # the one day of that year the page prints (date_text)
                if not prints_year(doc, found.day.year):
                    logger.debug("rejected htmldate's %s for %s: the page never prints the year", iso(found), url)
                    continue
            if signal in ("json-ld", "meta", "time") and doc is not None:
                # The day printed under the headline is the day readers (and the outlet) give the story; a
                # timestamp one day off is almost always a UTC conversion around midnight.
                shown = next((d for d in under_headline() if limits.accepts(d)), None)
                if shown is not None and abs(shown.day - found.day) == timedelta(days=1) and _local_day_of(
                        found, shown.day):
                    return iso(shown), "text"
            if signal == "text" and found.moment is None and found.clock is not None and doc is not None:
                # a local time printed with no zone: the same moment a <time datetime> gives with its offset
                # (a React page's <time dateTime="...Z">, its text the outlet's local time: unseen styles round 13)
                found = _zoned(found, doc, limits)
                signal = "time" if found.moment is not None else signal
            if found.moment is None and found.clock is None and doc is not None:
                # a day with no time (a date-only JSON-LD value, the URL's day): the time the dateline under the
                # headline prints beside that same day (crawler.extraction.date_times)
                found = next((d for d in under_headline() if d.day == found.day and (d.moment or d.clock)
                              and limits.accepts(d)), found)
            return iso(found), signal
    logger.debug("no publication date found for %s", url)
    return None


def _zoned(found: Found, doc: lxml.html.HtmlElement, limits: _Limits) -> Found:
    """``found`` (a day and a time printed with no zone) as the moment of the ``<time datetime>`` element that prints
    that time in its text and whose moment is that day and time in some zone (UTC-12 to UTC+14, in quarter hours),
    or ``found`` itself where no element does: a ``<time>`` elsewhere (a comment's, a related story's) is another
    moment even where its clock fits."""
    hours, minutes = map(int, found.clock.split(":")[:2])
    local = datetime(found.day.year, found.day.month, found.day.day, hours, minutes)
    for element in elements(doc, "time"):
        value = element.get("datetime") or element.get("data-datetime")
        candidate = parse_date_value(value) if value else None
        if candidate is None or candidate.moment is None or not limits.accepts(candidate):
            continue
        printed = to_ascii_digits(element.text_content() or "")
        if not re.search(rf"(?<!\d)0?{hours}:{minutes:02d}(?!\d)", printed):
            continue
        offset = local - candidate.moment.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
        if -timedelta(hours=12) <= offset <= timedelta(hours=14) and offset % timedelta(minutes=15) == timedelta(0):
            return candidate
    return found


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The lxml tree of the page, or None (logged) when lxml cannot build one."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        # ValueError: a str with an XML encoding declaration; parse its bytes instead.
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            logger.debug("cannot parse HTML for dates: %s", exc)
            return None


# --- url -----------------------------------------------------------------------------------------------------

def _url_path(url: str) -> str:
    """The path and query of ``url`` (of the original URL for a Wayback Machine copy)."""
    url = _WAYBACK.sub("", url)
    rest = url.split("://", 1)[-1]
    return rest[rest.find("/"):].split("#", 1)[0] if "/" in rest else ""


def _from_url(url: str) -> Iterator[Found]:
    """A full date in the URL path: /2019/04/17/, /2019-04-17-, /20190417."""
    path = _url_path(url)
    for m in _URL_SLASHED.finditer(path):
        found = from_parts(m.group(1), m.group(3), m.group(4))
        if found is not None:
            yield found
            return
    for m in _URL_COMPACT.finditer(path):
        found = from_parts(*m.groups())
        if found is not None:
            yield found
            return


class _UrlCheck:
    """Reconcile dates from the page with the date its URL was given when the article was first published."""

    def __init__(self, url: str) -> None:
        self.day = next((found.day for found in _from_url(url)), None)

    def reconcile(self, found: Found) -> tuple[Found, bool]:
        """The date to report, and whether the URL supplied it instead of ``found``."""
        # A UTC timestamp can fall on the next or previous local day; a later date than the permalink's is an
        # update or a republication. Either way the URL keeps the original day.
        if self.day is not None and found.day != self.day and (
                _local_day_may_differ(found, self.day) or found.day > self.day + timedelta(days=1)):
            return Found(self.day), True
        return found, False


def _local_day_may_differ(found: Found, local: date) -> bool:
    """True when ``found`` is a date-only or UTC value that could be ``local`` in the outlet's own time zone."""
    if found.moment is None:
        return abs(found.day - local) == timedelta(days=1)
    if found.moment.utcoffset() != timedelta(0):
        return False
    # West of Greenwich (down to UTC-10) the local day is the previous one until 10:00 UTC; east of it (up to
    # UTC+14) the next one from 10:00 UTC.
    if local == found.day - timedelta(days=1):
        return found.moment.hour < 10
    return local == found.day + timedelta(days=1) and found.moment.hour >= 10


def _local_day_of(found: Found, day: date) -> bool:
    """True when ``day`` is the calendar day of ``found``'s instant in some time zone (UTC-12 to UTC+14).

    A date-only value could be any day of its zone's neighbours. A timestamp at 12:26 UTC is the 25th everywhere
    on earth, so a 24th printed near the headline is another date (an event, a photo), not the same moment.
    """
    if found.moment is None:
        return True
    instant = found.moment.astimezone(UTC)
    return (instant - timedelta(hours=12)).date() <= day <= (instant + timedelta(hours=14)).date()


# --- htmldate fallback ---------------------------------------------------------------------------------------

def _htmldate(html: str, url: str, limits: _Limits) -> Iterator[Found]:
    """htmldate's extensive search for the original date, within our plausibility window."""
    try:
        value = htmldate.find_date(html, extensive_search=True, original_date=True, outputformat="%Y-%m-%d",
                                   url=url, min_date=EARLIEST.isoformat(),
                                   max_date=limits.latest_day.isoformat())
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("htmldate failed on %s: %s", url, exc)
        return
    found = parse_date_value(value) if value else None
    if found is not None:
        yield found
