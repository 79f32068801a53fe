"""Lines of page chrome a reading keeps round the story: the headline (glued to its dateline), a date stamp above the
story, the site's name (with its copyright notice) below it.

A legacy page sets its headline and date in one table cell and its site's name in a footer line; read as grid rows or
<br> runs, the headline and date came back as the body's first line ("Headline الأحد 18 أيار 2014"), a date stamp
("الأربعاء ٢٣ ديسمبر ٢٠٢٠ - ١٤:٠٥", "الخميس 27 أغسطس 2015 - المصدر: وكالات") as its first paragraph, and the site's
name ("ليبيا المستقبل", "صوت الغرب - كل الحقوق محفوظة") as its last (a black-box probe, stop 37). The catalogue
stores the date and the outlet apart; in the text they are noise to search and to the story grouping.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from crawler.extraction.arabic_dates import MONTHS, find_text_dates, normalize
from crawler.extraction.ordinal_dates import numeric_dateline
from crawler.extraction.titles import clean_space, norm, separators, site_names

HEADLINE_SEARCH = 4  # the headline is looked for among the first paragraphs only
ABOVE_HEADLINE_MAX = 200  # lines above the headline shorter than this in total are chrome (breadcrumb, kicker)
STAMP_MAX_WORDS = 12  # a date stamp is short ...
STAMP_OTHER_WORDS = 3  # ... and holds this many words at most besides its date's (weekday, month, digits, time marks)
RUN_STAMPS = 2  # date stamps later in the body that make the first one an entry's, not the story's dateline
STAMP_SEARCH = 3  # date stamps are looked for among the first paragraphs, before the first sentence of the story
SENTENCE_WORDS = 12  # a paragraph this long is the story's (body.SPAN_WORDS)
FOOTER_SEARCH = 2  # the site's name is looked for among the last paragraphs
FOOTER_MAX_CHARS = 120
NAME_MAX = 60  # a site's name is no longer (titles.site_names' link texts and logo alts)
WORD_RE = re.compile(r"\w+")
# A date stamp (or a headline glued to one) is cut in Arabic script only: the gold of Dragnet's English pages keeps
# "Tuesday, April 28, 2009 12:08 PM", "Last Updated: October 27, 2012 9:22pm" or "Post title 29 August, 2011" above
# the story as its text (extraction-dev: 9 pages 0.004-0.06 lower when they went), and an English page's dateline is
# left as those readers judged it.
ARABIC_RE = re.compile(r"[\u0621-\u064a]")
_WEEKDAYS = ("الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "sunday", "monday",
             "tuesday", "wednesday", "thursday", "friday", "saturday", "dimanche", "lundi", "mardi", "mercredi", "jeudi",
             "vendredi", "samedi")
_TIME_WORDS = ("الساعة", "م", "ص", "مساء", "صباحا", "gmt", "utc", "am", "pm", "h", "بتوقيت")
# The words of a publication or update stamp under the headline ("نشر في 17 أبريل 2019 - آخر تحديث: منذ ساعة",
# "تاريخ النشر: ..."): before stop 42 such a line had too many words besides its date to be a stamp, and it opened
# the text file of a short story (a black-box probe). Not "في" alone: "قتل 5 في طرابلس في 17 أبريل" is a sentence.
_STAMP_WORDS = ("نشر", "نشرت", "تاريخ", "بتاريخ", "النشر", "آخر", "اخر", "تحديث", "التحديث", "منذ", "ساعة", "ساعات",
                "دقيقة", "دقائق")
DATE_WORDS = frozenset(normalize(w) for w in (*_WEEKDAYS, *_TIME_WORDS, *_STAMP_WORDS)) | frozenset(MONTHS)
# A copyright notice round the site's name: "جميع الحقوق محفوظة", "© 2003-2014", "All rights reserved"
NOTICE_RE = re.compile(
    r"(?:كل|جميع)\s+الحقوق\s+محفوظة(?:\s+ل\w*)?|الحقوق\s+محفوظة|all\s+rights\s+reserved|tous\s+droits\s+réservés"
    r"|©|\(c\)|copyright|\d{4}(?:\s*[-–]\s*\d{4})?|[|\-–—:.]",
    re.IGNORECASE,
)


def without_chrome_lines(
    paragraphs: tuple[str, ...], title: str, site_names: Callable[[], list[str]]
) -> tuple[str, ...]:
    """``paragraphs`` without the headline (or the headline and its dateline in one line) and the short lines above
    it, a date stamp before the story's first sentence, and a last line that is the site's name (``site_names()``,
    asked only when a last line is short), alone or in its copyright notice."""
    paragraphs = _without_headline(paragraphs, title)
    lead = 0
    while lead < min(STAMP_SEARCH, len(paragraphs) - 1) and len(WORD_RE.findall(paragraphs[lead])) < SENTENCE_WORDS:
        lead += 1
    stamps = {i for i in range(lead) if _is_arabic_stamp(paragraphs[i])}
    if stamps and _stamp_run(paragraphs[lead:]):
        stamps = set()  # a live page's first entry's stamp, one of a run of them (crawler.extraction.live_entries)
    paragraphs = tuple(p for i, p in enumerate(paragraphs) if i not in stamps)
    tail = [i for i in range(max(1, len(paragraphs) - FOOTER_SEARCH), len(paragraphs))
            if len(paragraphs[i]) <= FOOTER_MAX_CHARS and 3 <= len(norm(NOTICE_RE.sub(" ", paragraphs[i]))) <= NAME_MAX]
    if tail:
        names = site_names()
        paragraphs = tuple(p for i, p in enumerate(paragraphs) if i not in tail or not _is_site_line(p, names))
    return paragraphs


def _stamp_run(paragraphs: tuple[str, ...]) -> bool:
    """Whether ``paragraphs`` hold RUN_STAMPS date-stamp lines or more: the entries of a live page, each opened by its
    stamp, whose first stamp is no dateline to cut."""
    found = 0
    for paragraph in paragraphs:
        if len(WORD_RE.findall(paragraph)) <= STAMP_MAX_WORDS and _is_arabic_stamp(paragraph):
            found += 1
            if found >= RUN_STAMPS:
                return True
    return False


def _without_headline(paragraphs: tuple[str, ...], title: str) -> tuple[str, ...]:
    """``paragraphs`` without the headline and the short chrome lines (breadcrumb, section) printed above it."""
    if not title:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:HEADLINE_SEARCH]):
        if paragraph == title or paragraph.startswith(title) and _is_arabic_stamp(paragraph[len(title):]):
            if sum(len(p) for p in paragraphs[:index]) <= ABOVE_HEADLINE_MAX:
                return paragraphs[index + 1:]
            return paragraphs[:index] + paragraphs[index + 1:]
    return paragraphs


def _is_arabic_stamp(line: str) -> bool:
    """True when ``line`` is a date stamp written in Arabic script (ARABIC_RE)."""
    return bool(ARABIC_RE.search(line)) and is_date_stamp(line)


def is_date_stamp(line: str) -> bool:
    """True when ``line`` is a date and little else: a weekday, a time, a source ("المصدر: وكالات"); a dateline whose
    day is an ordinal word ("الأحد الثامن عشر من أيار 2014") is read with its day in digits, as the date code reads it
    (ordinal_dates.numeric_dateline: the same words in a sentence are left as they are, and are no stamp)."""
    line = numeric_dateline(line)
    words = WORD_RE.findall(normalize(line))
    if not words or len(words) > STAMP_MAX_WORDS or not find_text_dates(line):
        return False
    return sum(1 for w in words if not w.isdigit() and w not in DATE_WORDS) <= STAMP_OTHER_WORDS


def _is_site_line(line: str, names: list[str]) -> bool:
    """True when ``line`` is the site's name, alone or with a copyright notice and years round it."""
    rest = norm(NOTICE_RE.sub(" ", line))
    return len(rest) >= 3 and rest in {norm(n) for n in names}


def page_site_names(root: HtmlElement, url: str, title: str) -> list[str]:
    """The names the site goes by (titles.site_names: og:site_name, links home, logos, host) and the segments of its
    ``<title>`` that are not the headline ``title`` ("ليبيا المستقبل :: headline")."""
    element = root.find(".//title")
    head = clean_space(element.text_content()) if element is not None else ""
    segments = [s for s in separators(head).split(head) if norm(s) and norm(s) not in norm(title)] if head else []
    return [*site_names(root, url), *segments]
