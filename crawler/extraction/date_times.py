"""The time of day printed in a dateline, beside its date: "2019/04/04 - 18:40 (توقيت غرينتش)", "الخميس 4 أبريل 2019
الساعة 10:35 ص", "06:12 م GMT", "14:30 بتوقيت طرابلس", "18:40 +02:00".

Only a time next to the date the date code takes counts, in the same line (the same element, or the same block of the
line under the headline: crawler.extraction.date_text): a date and then at most a separator, "الساعة", "في" or "at"
before the time, or the time and a separator right before the date. A time further along the text ("... اجتماعا في
الساعة 14:30") is an event the story tells, never the story's time. A 12-hour time is read with its mark (ص, صباحا, am
for the morning; م, مساء, pm for the afternoon and evening; ظهرا around noon; عصرا in the afternoon), Eastern Arabic
digits as Western ones (the date code's normalisation). A zone printed after the time (GMT, UTC, غرينتش, "بتوقيت
طرابلس", "بتوقيت ليبيا", a city the table below names, or an offset "+02:00", "GMT+2") makes the time an instant;
without one it is the outlet's local time, which the catalogue keeps as ``published_time`` (or turns into an instant
where the outlet's seeds entry names its ``timezone``: crawler.capture.clock). Hand-written: no maintained parser reads
Arabic datelines (dateparser reads times but takes any number pair in a sentence, and is a second date search per
page), and the rule that matters is where the time stands, which is ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from crawler.extraction.arabic_dates import Found, find_text_dates, normalize, strip_hijri

# zone names as outlets print them after "بتوقيت" / "توقيت" (normalised below), with their IANA zone
_CITY_ZONES = {
    "غرينتش": "UTC", "غرينيتش": "UTC", "جرينتش": "UTC", "جرينيتش": "UTC", "قرينتش": "UTC", "gmt": "UTC", "utc": "UTC",
    "طرابلس": "Africa/Tripoli", "ليبيا": "Africa/Tripoli", "ليبي": "Africa/Tripoli", "الليبي": "Africa/Tripoli",
    "بنغازي": "Africa/Tripoli", "القاهرة": "Africa/Cairo", "مصر": "Africa/Cairo", "تونس": "Africa/Tunis",
    "الجزائر": "Africa/Algiers", "المغرب": "Africa/Casablanca", "الرباط": "Africa/Casablanca",
    "مكة": "Asia/Riyadh", "مكة المكرمة": "Asia/Riyadh", "السعودية": "Asia/Riyadh", "الرياض": "Asia/Riyadh",
    "الدوحة": "Asia/Qatar", "قطر": "Asia/Qatar", "أبوظبي": "Asia/Dubai", "أبو ظبي": "Asia/Dubai",
    "الإمارات": "Asia/Dubai", "دبي": "Asia/Dubai", "بيروت": "Asia/Beirut", "لبنان": "Asia/Beirut",
    "دمشق": "Asia/Damascus", "سوريا": "Asia/Damascus", "بغداد": "Asia/Baghdad", "العراق": "Asia/Baghdad",
    "القدس": "Asia/Jerusalem", "الخرطوم": "Africa/Khartoum", "السودان": "Africa/Khartoum", "الكويت": "Asia/Kuwait",
    "المنامة": "Asia/Bahrain", "البحرين": "Asia/Bahrain", "مسقط": "Asia/Muscat", "صنعاء": "Asia/Aden",
}
CITY_ZONES = {normalize(name): zone for name, zone in _CITY_ZONES.items()}
_BARE_ZONES = ("gmt", "utc", "غرينتش", "غرينيتش", "جرينتش", "جرينيتش", "قرينتش")  # printed with no "بتوقيت"

_MORNING = ("صباحا", "صباح", "ص", "am", "a.m.")
_EVENING = ("مساء", "مساءا", "م", "pm", "p.m.")
_NOON, _AFTERNOON = ("ظهرا", "ظهر"), ("عصرا", "عصر")
_MARKS = {normalize(w): kind for kind, words in (("am", _MORNING), ("pm", _EVENING), ("noon", _NOON),
                                                  ("afternoon", _AFTERNOON)) for w in words}


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_OFFSET = r"[+-]\s?\d{1,2}(?::?\d{2})?"
_TIME = (
    r"(?<![\d:.])(?P<h>\d{1,2})\s?:\s?(?P<m>[0-5]\d)(?::[0-5]\d)?(?![\d:])"
    rf"(?:\s*(?P<mark>{_alternation(list(_MARKS))})(?!\w))?"
    r"(?:\s*[(\[]?\s*(?:"
    rf"(?:ب|حسب\s+)?توقيت\s+(?P<city>[^\W\d_]+(?:\s+[^\W\d_]+)?)(?:\s*(?P<cityoff>{_OFFSET}))?"
    rf"|(?P<std>{_alternation([normalize(z) for z in _BARE_ZONES])})(?!\w)(?:\s*(?P<stdoff>{_OFFSET}))?"
    r"|(?P<off>[+-]\d{2}:?\d{2})(?!\d)"
    r")\s*[)\]]?)?"
)
_SEPARATORS = r"[\s,،\-|–—/•·:(]*"
_AT = _alternation([normalize(w) for w in ("الساعة", "في الساعة", "على الساعة", "عند الساعة", "في", "at", "à", "um",
                                           "a las", "saat")])
# after the date: its era mark ("2019م"), separators, "الساعة", the time
_AFTER_DATE = re.compile(rf"^(?:\s*م(?!\w))?{_SEPARATORS}(?:(?:{_AT})(?!\w)\s*:?\s*)?{_TIME}")
# before the date: the time, then separators and at most a weekday
_WEEKDAYS = _alternation([normalize(w) for w in ("الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس",
                                                  "الجمعة", "السبت", "يوم")])
_BEFORE_DATE = re.compile(rf"{_TIME}[\s,،\-|–—/•·]*(?:(?:{_WEEKDAYS})(?!\w)[\s,،\-|–—/•·]*)?$")
MAX_LINE = 300  # a dateline, not a paragraph


@dataclass(frozen=True)
class PrintedTime:
    """A time of day as a dateline prints it: the hour and minute (24-hour) and the zone when one is printed."""

    hour: int
    minute: int
    zone: tzinfo | None = None

    def on(self, day: date) -> Found:
        """``day`` with this time: an instant where the zone is known, else the day and its clock ("HH:MM")."""
        if self.zone is None:
            return Found(day, clock=f"{self.hour:02d}:{self.minute:02d}")
        return Found(day, datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=self.zone))


def time_beside(line: str, day: date, *, start: int | None = None, end: int | None = None) -> PrintedTime | None:
    """The time printed beside the date ``day`` in ``line`` (a dateline), or None.

    ``start``/``end``: where the date stands in the line's normalised text (find_text_dates' positions), when known;
    else the line is searched for ``day``.
    """
    if len(line) > MAX_LINE or ":" not in line:
        return None  # no time without its colon: most lines are told here
    clean = strip_hijri(normalize(line))
    spans = [(start, end)] if start is not None and end is not None else [
        (d.start, d.end) for d in find_text_dates(line) if d.value == day]
    for date_start, date_end in spans:
        m = _AFTER_DATE.search(clean[date_end:])
        if m is None:
            m = _BEFORE_DATE.search(clean[:date_start])
        found = _read(m) if m is not None else None
        if found is not None:
            return found
    return None


def timed(found: Found, lines: tuple[str, ...]) -> Found:
    """``found`` (a day read from text) with the time its dateline prints beside it, where one of ``lines`` does."""
    for line in lines:
        printed = time_beside(line, found.day)
        if printed is not None:
            return printed.on(found.day)
    return found


def _read(m: re.Match[str]) -> PrintedTime | None:
    """The time of a match of _TIME, or None when it is no time of day (25:10, 14:30 ص)."""
    hour, minute = int(m["h"]), int(m["m"])
    mark = _MARKS.get(m["mark"] or "")
    if mark is not None:
        if not 1 <= hour <= 12:
            return None  # "14:30 ص", "0:30 م": a mark that does not fit the hour is no clock we can read
        if mark == "am":
            hour %= 12
        elif mark == "pm" or (mark == "noon" and hour < 6) or (mark == "afternoon" and hour < 9):
            hour = hour % 12 + 12
    if hour > 23:
        return None
    return PrintedTime(hour, minute, _zone(m))


def _zone(m: re.Match[str]) -> tzinfo | None:
    """The zone printed after the time, or None."""
    if m["off"]:
        return _offset(m["off"])
    if m["std"]:
        return _offset(m["stdoff"]) if m["stdoff"] else UTC
    if m["city"]:
        words = m["city"].split()
        name = CITY_ZONES.get(" ".join(words)) or CITY_ZONES.get(words[0])
        if name is None:
            return None
        if name == "UTC":
            return _offset(m["cityoff"]) if m["cityoff"] else UTC
        return ZoneInfo(name)
    return None


def _offset(text: str) -> tzinfo | None:
    """A UTC offset written "+02:00", "+0200", "+2", "-3:30"; None past UTC-12..UTC+14."""
    sign, digits = text[0], text[1:].strip().replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if sign == "-" else delta) if delta else UTC
