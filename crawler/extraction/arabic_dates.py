"""Parse dates written as text: Arabic month names of every regional family, Arabic-Indic digits, Hijri pairs."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from hijridate import Hijri

from archive.corpus.arabic import DIGITS, normalise

logger = logging.getLogger(__name__)

# Date-only signs the ASCII parsers expect: the Arabic decimal and thousands separators, the Arabic comma and
# percent sign, the minus sign. Everything else (digits, hamza seats, harakat, tatweel) is archive.corpus.arabic's.
_SIGNS = {0x066B: ".", 0x066C: ",", 0x060C: ",", 0x066A: "%", 0x2212: "-"}
_SIGN_TABLE = str.maketrans(_SIGNS)
_DIGIT_TABLE = str.maketrans(DIGITS | _SIGNS)


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits (and Arabic separators) with their ASCII forms."""
    return text.translate(_DIGIT_TABLE)


def normalize(text: str) -> str:
    """archive.corpus.arabic.normalise (digits, hamza seats, harakat, tatweel, case, whitespace) and date signs."""
    return normalise(text).translate(_SIGN_TABLE)


_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    # Levantine/Iraqi (Syriac), Egyptian/Gulf (transliterated), Maghrebi (French-derived), Moroccan, Persian.
    1: ("كانون الثاني", "كانون ثاني", "يناير", "جانفي", "ژانویه", "ژانويه"),
    2: ("شباط", "فبراير", "فيفري", "فوریه", "فوريه"),
    3: ("آذار", "اذار", "مارس"),
    4: ("نيسان", "أبريل", "ابريل", "إبريل", "أفريل", "افريل", "آوریل", "اوريل"),
    5: ("أيار", "ايار", "مايو", "ماي"),
    6: ("حزيران", "يونيو", "يونيه", "جوان", "ژوئن"),
    7: ("تموز", "يوليو", "يوليه", "جويلية", "جويلة", "يوليوز", "ژوئیه", "ژوييه"),
    8: ("آب", "أغسطس", "اغسطس", "أوت", "اوت", "غشت"),
    9: ("أيلول", "ايلول", "سبتمبر", "شتنبر", "سپتامبر"),
    10: ("تشرين الأول", "تشرين اول", "أكتوبر", "اكتوبر", "أكتوبار", "اکتبر"),
    11: ("تشرين الثاني", "تشرين ثاني", "نوفمبر", "نونبر", "نوامبر"),
    12: ("كانون الأول", "كانون اول", "ديسمبر", "دجنبر", "دیسمبر", "دسامبر"),
}
# Latin-script month names of the other languages news pages are written in (lower case; accents optional).
_LATIN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "januar", "jänner", "enero", "gennaio", "janeiro", "ocak"),
    2: ("february", "feb", "février", "fevrier", "februar", "febrero", "febbraio", "fevereiro", "şubat"),
    3: ("march", "mar", "mars", "märz", "maerz", "marzo", "março", "marco", "mart"),
    4: ("april", "apr", "avril", "abril", "aprile", "nisan"),
    5: ("may", "mai", "mayo", "maggio", "maio", "mayıs"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno", "junho", "haziran"),
    7: ("july", "jul", "juillet", "juli", "julio", "luglio", "julho", "temmuz"),
    8: ("august", "aug", "août", "aout", "agosto", "ağustos"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "eylül"),
    10: ("october", "oct", "octobre", "oktober", "octubre", "ottobre", "outubro", "ekim"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "kasım"),
    12: ("december", "dec", "décembre", "decembre", "dezember", "diciembre", "dicembre", "dezembro", "aralık"),
}

MONTHS: dict[str, int] = {}
for _number, _names in _MONTH_NAMES.items():
    for _name in _names:
        MONTHS[normalize(_name)] = _number
for _number, _names in _LATIN_MONTHS.items():
    for _name in _names:
        MONTHS[_name] = _number

# Islamic (Hijri) months. A Hijri date is removed before parsing, so "19 رمضان 1445" can never be read as a
# Gregorian date and its day number can never be glued to a Gregorian month name next to it.
_HIJRI_MONTHS = ("محرم", "صفر", "ربيع الأول", "ربيع الاول", "ربيع أول", "ربيع الآخر", "ربيع الاخر", "ربيع الثاني",
                 "ربيع ثاني", "جمادى الأولى", "جمادى الاولى", "جمادى الأول", "جمادى الآخرة", "جمادى الاخرة",
                 "جمادى الثانية", "جمادى الآخر", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذي القعدة",
                 "ذو الحجة", "ذي الحجة")
# Solar Hijri (Iranian) months: the same reasoning for Persian pages ("۲۹ بهمن ۱۳۹۸").
_SOLAR_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
                 "بهمن", "اسفند")


def _alternation(names: list[str]) -> str:
    """A regex alternation of ``names``, longest first so "كانون الثاني" wins over a shorter prefix."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_MONTH_RE = _alternation(list(MONTHS))
_HIJRI_RE = _alternation([normalize(n) for n in _HIJRI_MONTHS])
_SOLAR_RE = _alternation([normalize(n) for n in _SOLAR_MONTHS])

# "19 رمضان 1445 هـ", "رمضان 1445", "1445 هـ", "1445/9/19 هـ": Hijri text to blank out before parsing.
_HIJRI_SPANS = re.compile(
    rf"(?:(?<!\d)\d{{1,2}}\s*)?(?<!\w)(?:{_HIJRI_RE})(?!\w)(?:\s*,?\s*\d{{3,4}}(?!\d))?(?:\s*(?:هـ|ه)(?!\w))?"
    rf"|(?<!\d)\d{{1,2}}\s*(?:{_SOLAR_RE})(?!\w)\s*\d{{4}}"
    rf"|(?<![\d/.-])\d{{1,4}}(?:[/.-]\d{{1,2}}){{0,2}}\s*(?:ه\s*ق|هجري|هجريه|للهجره|ه)(?!\w)",
)

# The Libyan (Jamahiriya) calendar of 1978-2011: its own month names, the Gregorian months' days, and years counted
# from the Prophet's death (Gregorian year - 632: 2011 is "1379 و.ر."), as state media and the official agency JANA
# dated their pages until the revolution; a Libya archive reads them. Only a day, a month and a year of that era
# (1346-1380) together count, so "الربيع", "الماء" or "ناصر" in prose are never a date. Some pages wrote the
# Libyan month with the Gregorian year ("20 الطير 2011"): a year of the calendar's own time (1978-2011) counts too.
_LIBYAN_MONTHS = ("أي النار", "النوار", "الربيع", "الطير", "الماء", "الصيف", "ناصر", "هانيبال",
                  "الفاتح", "التمور", "الحرث", "الكانون")
LIBYAN_MONTHS = {normalize(name): number for number, name in enumerate(_LIBYAN_MONTHS, start=1)}  # hamza folded
LIBYAN_ERA = 632  # Gregorian year = Libyan year + LIBYAN_ERA
_LIBYAN_DMY = re.compile(
    rf"(?<![\d\w])(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?<!\w)({_alternation(list(LIBYAN_MONTHS))})(?!\w)"
    rf"[\s,./\-،]*(13[4-8]\d|19[7-9]\d|200\d|201[01])(?!\d)(?:\s*(?:و\s*\.?\s*ر|من\s+وفاه\s+الرسول)\.?)?"
)

_SEP = r"[\s,./\-،]*(?:de\s+|del\s+)?"
_DMY_NAMED = re.compile(
    rf"(?<![\d\w])(\d{{1,2}})(?:st|nd|rd|th|er)?{_SEP}(?:من\s+)?(?:شهر\s+)?(?<!\w)({_MONTH_RE})(?!\w)\.?"
    rf"(?:\s*[/\-(]\s*(?:{_MONTH_RE})(?!\w)\s*\)?)?{_SEP}(?:من\s+)?(?:(?:لل|ل)?(?:عام|سنه))?\s*((?:19|20)\d{{2}}|\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MDY_NAMED = re.compile(
    rf"(?<!\w)({_MONTH_RE})(?!\w)\.?(?:\s*[/\-(]\s*(?:{_MONTH_RE})(?!\w)\s*\)?)?\s+(\d{{1,2}})(?:st|nd|rd|th)?"
    rf"{_SEP}(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_YMD_NUMERIC = re.compile(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|[-/.]\d)")
# East Asian pages: 2020年07月12日, 2020년 7월 12일.
_YMD_CJK = re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_DMY_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d.])")

# Words that mark a date as an update rather than the publication ("آخر تحديث", "Updated", "modifié").
MODIFIED_WORDS = re.compile(
    r"(?:تحديث|تعديل|محدث|معدل|updated?|modified|last edit|edited|mis à jour|actualis|aktualisiert)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextDate:
    """A date found in running text, with its position and whether it is labelled as an update."""

    value: date
    start: int
    modified: bool
    end: int = -1  # where the date ends in the normalised text (crawler.extraction.date_times reads a time after it)


def strip_hijri(text: str) -> str:
    """Blank out Hijri (and Solar Hijri) dates in already-normalized text, keeping offsets unchanged."""
    return _HIJRI_SPANS.sub(lambda m: " " * len(m.group(0)), text)


# A Hijri date as outlets print it: "الأحد 12 رمضان 1445 هـ", "12 رمضان، 1445هـ", "1445/09/12 هـ", "12/9/1445 هـ", with
# an optional weekday before it. A named month needs a four-digit year after it; a numeric date needs the "هـ" mark.
_WEEKDAYS = {normalize(n): d for d, n in enumerate(("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت",
                                                    "الأحد"))}  # date.weekday() numbers
_HIJRI_NUMBERS = {normalize(n): m for m, n in (
    (1, "محرم"), (2, "صفر"), (3, "ربيع الأول"), (3, "ربيع الاول"), (3, "ربيع أول"), (4, "ربيع الآخر"), (4, "ربيع الاخر"),
    (4, "ربيع الثاني"), (4, "ربيع ثاني"), (5, "جمادى الأولى"), (5, "جمادى الاولى"), (5, "جمادى الأول"),
    (6, "جمادى الآخرة"), (6, "جمادى الاخرة"), (6, "جمادى الثانية"), (6, "جمادى الآخر"), (7, "رجب"), (8, "شعبان"),
    (9, "رمضان"), (10, "شوال"), (11, "ذو القعدة"), (11, "ذي القعدة"), (12, "ذو الحجة"), (12, "ذي الحجة"))}
_WEEKDAY_BEFORE = rf"(?:(?<!\w)(?P<weekday>{_alternation(list(_WEEKDAYS))})(?!\w)[\s,،-]*)?"
_HIJRI_MARK = r"\s*(?:هـ|ه|هجري|هجريه|للهجره)(?!\w)"
_HIJRI_NAMED = re.compile(
    rf"{_WEEKDAY_BEFORE}(?<![\d\w])(?P<day>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<month>{_HIJRI_RE})(?!\w)"
    rf"\s*[,،]?\s*(?P<year>1[34]\d\d)(?!\d)")
_HIJRI_YMD = re.compile(
    rf"{_WEEKDAY_BEFORE}(?<![\d/.-])(?P<year>1[34]\d\d)(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})(?![\d/.-]){_HIJRI_MARK}")
_HIJRI_DMY = re.compile(
    rf"{_WEEKDAY_BEFORE}(?<![\d/.-])(?P<day>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<year>1[34]\d\d)(?![\d/.-]){_HIJRI_MARK}")
WEEKDAY_REACH = 3  # days either side of the Umm al-Qura day where a printed weekday may put the date


def find_hijri_dates(text: str) -> list[TextDate]:
    """Every Hijri date written in ``text`` as its Gregorian day, in reading order.

    Converted with the Umm al-Qura calendar (``hijridate``: the Saudi official calendar, 1343-1500 AH). Outlets elsewhere
    print the tabular (civil) calendar or the sighted month, a day or two off it on some dates: where the date
    carries its weekday ("الثلاثاء 21 صفر 1446 هـ"), the day that weekday names within WEEKDAY_REACH days of the Umm
    al-Qura day is the date (the weekday is the Gregorian day's, whatever calendar printed the rest).
    """
    clean = normalize(text)
    found: list[tuple[int, int, date, bool]] = []
    for rx in (_HIJRI_NAMED, _HIJRI_YMD, _HIJRI_DMY):
        for m in rx.finditer(clean):
            month = _HIJRI_NUMBERS[m["month"]] if "month" in rx.groupindex else int(m["m"])
            value = _from_hijri(int(m["year"]), month, int(m["day"]), _WEEKDAYS.get(m["weekday"] or ""))
            if value is not None and not any(s < m.end() and m.start() < e for s, e, _, _ in found):
                before = clean[max(0, m.start() - 30):m.start()]
                found.append((m.start(), m.end(), value, bool(MODIFIED_WORDS.search(before))))
    return [TextDate(value, start, modified) for start, _, value, modified in sorted(found, key=lambda f: f[0])]


def _from_hijri(year: int, month: int, day: int, weekday: int | None) -> date | None:
    """The Gregorian day of a Hijri date (Umm al-Qura), moved to its printed ``weekday`` when one is near; None when
    the parts are no date of the calendar's range. A 30th of a month that Umm al-Qura counts 29 days (another
    calendar's) is the day after its 29th."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    try:
        value = Hijri(year, month, min(day, 29)).to_gregorian() + timedelta(days=max(0, day - 29))
    except (ValueError, OverflowError):  # outside 1343-1500 AH
        return None
    if weekday is not None:
        shift = (weekday - value.weekday() + WEEKDAY_REACH) % 7 - WEEKDAY_REACH
        value += timedelta(days=shift)
    return date(value.year, value.month, value.day)


def _make(year: int, month: int, day: int) -> date | None:
    """The date, or None when the parts do not form a real Gregorian day of the news era.

    Hijri years (14xx) and Solar Hijri years (13xx) fall below the floor, so they can never pass as Gregorian.
    """
    if not 1900 <= year <= 2199:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_text_dates(text: str, *, month_first: bool = False) -> list[TextDate]:
    """Every Gregorian date written in ``text``, in reading order; Hijri dates are never returned.

    ``month_first`` says how to read an ambiguous numeric date such as 03/04/2020 (US pages); the default is
    day first, as Arabic and most other outlets write it.
    """
    clean = strip_hijri(normalize(text))
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None) -> None:
        if value is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, value))

    for m in _DMY_NAMED.finditer(clean):
        add(m.start(), m.end(), _make(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in _MDY_NAMED.finditer(clean):
        add(m.start(), m.end(), _make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2))))
    for m in _LIBYAN_DMY.finditer(clean):
        year = int(m.group(3))
        if 1346 <= year <= 1380:
            year += LIBYAN_ERA
        if 1978 <= year <= 2012:
            add(m.start(), m.end(), _make(year, LIBYAN_MONTHS[m.group(2)], int(m.group(1))))
    for m in _YMD_CJK.finditer(clean):
        add(m.start(), m.end(), _make(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _YMD_NUMERIC.finditer(clean):
        add(m.start(), m.end(), _make(int(m.group(1)), int(m.group(3)), int(m.group(4))))
    for m in _DMY_NUMERIC.finditer(clean):
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 or (not month_first and second <= 12):
            value = _make(int(m.group(4)), second, first)
        else:
            value = _make(int(m.group(4)), first, second)
        add(m.start(), m.end(), value)

    found.sort(key=lambda item: item[0])
    ends = dict(taken)
    result = []
    previous_end = 0
    for start, value in found:
        # Only the words since the previous date label this one: "آخر تحديث: 2 أبريل | نشر: 30 مارس".
        before = clean[max(previous_end, start - 30):start]
        result.append(TextDate(value, start, bool(MODIFIED_WORDS.search(before)), ends[start]))
        previous_end = ends[start]
    return result


# --- machine-readable values (meta content, JSON-LD, <time datetime>) ----------------------------------------

_ISO = re.compile(
    r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class Found:
    """A candidate date: the day, and the full timestamp when the source gave a time with its UTC offset, or the
    time of day alone ("HH:MM", ``clock``) where a dateline prints one with no zone (crawler.extraction.date_times)."""

    day: date
    moment: datetime | None = None
    clock: str | None = None

    def iso(self) -> str:
        """"YYYY-MM-DD"; the full ISO 8601 datetime when the offset is known; "YYYY-MM-DDTHH:MM" (a local time, no
        offset) for a printed time with no zone, which the catalogue keeps apart (crawler.capture.clock)."""
        if self.moment is not None:
            return self.moment.isoformat()
        return f"{self.day.isoformat()}T{self.clock}" if self.clock else self.day.isoformat()


def parse_date_value(value: str) -> Found | None:
    """Parse a machine-readable date (ISO 8601, compact, RFC 2822) or, failing that, a written one."""
    text = to_ascii_digits(value).strip()
    if not text:
        return None
    m = _ISO.search(text)
    if m is None:
        c = _COMPACT.match(text)
        if c is not None:
            m = c
    if m is not None:
        found = from_parts(*m.groups())
        if found is not None:
            return found
    if re.search(r"[A-Za-z]{3},?\s+\d", text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None:
            return Found(moment.date(), moment if moment.tzinfo else None)
    written = find_text_dates(text)
    return Found(written[0].value) if written else None


def from_parts(year: str, month: str, day: str, hour: str | None = None, minute: str | None = None,
                second: str | None = None, zone: str | None = None) -> Found | None:
    """A Found from year/month/day(/hour/minute/second/zone) strings; the time is kept only with its zone."""
    try:
        day_value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hour is None or zone is None:
        return Found(day_value)
    if zone.upper() in ("Z", "UTC", "GMT"):
        tz = UTC
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes > 59:
            return Found(day_value)
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if zone[0] == "-" else offset)
    try:
        moment = datetime(day_value.year, day_value.month, day_value.day, int(hour), int(minute or 0),
                          int(second or 0), tzinfo=tz)
    except ValueError:
        return Found(day_value)
    return Found(day_value, moment)
