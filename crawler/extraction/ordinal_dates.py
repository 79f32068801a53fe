"""Datelines that write the day as an Arabic ordinal word: "الأحد الثامن عشر من أيار 2014", "الحادي والعشرين من
فبراير 2019".

Legacy and official pages (ministries, agencies, Friday sermons' sites) print the day in words, the month in any region's
name (Levantine أيار, Egyptian/Gulf مايو, Maghrebi ماي / جويلية ...: arabic_dates.MONTHS) and the year in digits;
such a page was dated 1 January of that year, or by another date it prints (a black-box probe, stop 37). A date written
this way in a sentence ("وفي الثامن عشر من أيار 2014 أعلن ...") is an event the story tells, not its date, so an
ordinal date is read only as a **dateline**: the date opens its text (after a weekday, "الموافق", "نشر في",
"بتاريخ", a byline ended by a separator) and at most a time, a source or a byline follow it after a separator.
``numeric_dateline`` rewrites such a text with the day in digits, so that the date code reads it where and with the
precedence it reads any printed date (crawler.extraction.date_text); any other text is left as it is. Relative
words ("أول أمس", "الأسبوع الماضي") are no dates here: a month name and a year must follow the day.
"""

from __future__ import annotations

import re

from crawler.extraction.arabic_dates import MONTHS, normalize, to_ascii_digits

_UNITS = ("الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")


def _ordinals() -> dict[str, int]:
    """Every written form of the ordinal days 1-31 (masculine: اليوم), normalised, with its number."""
    words = {"الأول": 1, "أول": 1, "غرة": 1, "العاشر": 10, "العشرين": 20, "العشرون": 20, "الثلاثين": 30,
             "الثلاثون": 30}
    for number, unit in enumerate(_UNITS, start=1):
        if number > 1:
            words[unit] = number
        words[f"{unit} عشر"] = 10 + number
        for tens, names in ((20, ("العشرين", "العشرون")), (30, ("الثلاثين", "الثلاثون"))):
            for name in names:
                if tens + number <= 31:
                    words[f"{unit} و{name}"] = tens + number
                    words[f"{unit} و {name}"] = tens + number
    for tens, names in ((20, ("العشرين", "العشرون")), (30, ("الثلاثين", "الثلاثون"))):
        for name in names:  # "الواحد والعشرين": the cardinal form of the 21st and 31st
            words[f"الواحد و{name}"] = tens + 1
            words[f"الواحد و {name}"] = tens + 1
    return {normalize(word): number for word, number in words.items()}


ORDINALS = _ordinals()


def _alternation(names: list[str]) -> str:
    """A regex alternation of ``names``, longest first ("الثاني عشر" before "الثاني")."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_MONTH_RE = _alternation([m for m in MONTHS if re.search("[\u0621-\u064a]", m)])
# normalised text: the day in words, "من" / "شهر", a month (two names "أيار/مايو" allowed), "عام" / "لعام", the year
_ORDINAL_DATE = re.compile(
    rf"(?<!\w)(?P<day>{_alternation(list(ORDINALS))})\s+(?:من\s+)?(?:شهر\s+)?(?P<month>{_MONTH_RE})(?!\w)"
    rf"(?:\s*[/\-(]\s*(?:{_MONTH_RE})(?!\w)\s*\)?)?[\s,.،-]*(?:من\s+)?(?:(?:لل|ل)?(?:عام|سنه)\s+)?"
    rf"(?P<year>(?:19|20)\d{{2}})(?!\d)(?:\s*م(?!\w))?")
# What may come before the date in a dateline: a weekday, "الموافق" (after a Hijri date), a publication label
_LEAD_WORDS = frozenset(normalize(w) for w in (
    "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "يوم", "الموافق",
    "نشر", "نشرت", "في", "بتاريخ", "تاريخ", "النشر", "التاريخ", "صدر"))
_CORRESPONDING = normalize("الموافق")
LEAD_SEPARATORS = "-|–—:،,/•"
MAX_BYLINE_WORDS = 5  # a byline before the date ("كتب: محمد علي -") ends with a separator
MAX_AFTER_WORDS = 8  # what follows the date after a separator: a time, a source, a byline
_WORD = re.compile(r"\w+")
_YEAR_HINT = re.compile(r"(?:19|20)\d\d|[١٢][٩٠][٠-٩][٠-٩]")


def numeric_dateline(text: str) -> str:
    """``text``, normalised with the day in digits, where it is a dateline with an ordinal day; else ``text``."""
    if not _YEAR_HINT.search(text):
        return text  # no year, no date: most texts are told here
    clean = to_ascii_digits(normalize(text))
    m = _ORDINAL_DATE.search(clean)
    if m is None or not _opens(clean[:m.start()]) or not _ends(clean[m.end():]):
        return text
    return f"{clean[:m.start()]}{ORDINALS[m['day']]} {m['month']} {m['year']}{clean[m.end():]}"


def _opens(before: str) -> bool:
    """Whether the text before a date is what a dateline starts with: label words, or a short byline ending in a
    separator (label words may follow it)."""
    words = list(_WORD.finditer(before))
    while words and words[-1].group() in _LEAD_WORDS:
        if words.pop().group() == _CORRESPONDING:
            return True  # "<Hijri date> الموافق <date>": whatever comes before is the other calendar's date
    if not words:
        return True
    tail = before[words[-1].end():].strip()
    return bool(tail) and tail[0] in LEAD_SEPARATORS and len(words) <= MAX_BYLINE_WORDS


def _ends(after: str) -> bool:
    """Whether the text after a date is what may follow a dateline: nothing, or a few words after a separator (or a
    time)."""
    rest = after.strip()
    if not _WORD.search(rest):
        return True  # nothing, or a full stop
    return (rest[0] in LEAD_SEPARATORS or rest[0].isdigit() or rest[0] == "(") and \
        len(_WORD.findall(rest)) <= MAX_AFTER_WORDS
