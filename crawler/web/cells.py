"""How catalogue values read in a table: right-to-left text, isolated Latin runs, evidence chips, decoded URLs."""

from __future__ import annotations

import json
import logging
import re
from html import escape
from urllib.parse import quote, unquote

from markupsafe import Markup

logger = logging.getLogger(__name__)

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_STRONG_LTR_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A left-to-right run inside Arabic text: a date, a time, a number with its signs, a Latin word, name or phrase.
# Inside right-to-left text "2019-08-09T18:20:00+02:00" would otherwise be reordered by the bidi algorithm into
# "09T18:20:00+02:00-08-2019" (the T is a strong LTR letter that splits the number runs), and a Latin phrase cut
# into one isolate a word would show its words in right-to-left order ("Reuters (AP)" as "(AP) Reuters"); in one
# isolate (<bdi dir="ltr">) it reads as written. A run is found in two steps, as no regular expression says "its
# brackets balance": _LTR_SPAN_RE takes Latin letters and digits with the spaces and neutral punctuation between
# them (never an Arabic letter, nor Arabic punctuation, which belongs to the Arabic sentence), then _trim_run
# gives the sentence back the punctuation at the span's ends that is not the run's own.
_LTR_PIECE = r"[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f:+\-./%@#&=?_,]*(?<![,.])"
_LTR_RUN_RE = re.compile(rf"{_LTR_PIECE}(?:[ ]+{_LTR_PIECE})*")
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # Latin letters (not × ÷)
_LATIN_RE = re.compile(f"[{_LATIN}]")
_ALNUM = _LATIN + "0-9"
_NEUTRAL = "!-/:-@\\[-`{-~\u00ab\u00bb\u00d7\u00f7\u2018\u2019\u201c\u201d"  # ASCII punctuation, « » × ÷ ‘ ’ “ ”
_LTR_SPAN_RE = re.compile(rf"[{_ALNUM}{_NEUTRAL} ]+")  # maximal, so linear; spans without a letter or digit skipped
_PAIRS = {"(": ")", "[": "]", "{": "}", "\u00ab": "\u00bb", "\u201c": "\u201d", "\u2018": "\u2019"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_QUOTES = "\"'"
_SIGILS = "=+-@#$~"  # kept before a letter or digit they touch: =SUM(...), +02:00, @user, #tag, $5
_TRAILERS = "%"  # kept after one: 50%
_EDGE = 8
#: Table cells longer than this are cut (the article page shows the whole text).
CELL_CHARS = 200
EXCERPT_CHARS = 160
URL_CHARS = 60
MAX_CHIPS = 6
#: Lexicon categories as the chips name them (see archive.catalogue.mentions for the mention categories).
CHIP_CLASS = {"libya_place": "place", "libya_actor": "actor", "libya_armed": "armed", "libya_political": "institution",
              "conflict": "conflict", "political_conflict": "conflict", "dispute": "dispute", "foreign": "foreign",
              "sport": "sport"}


def is_rtl(text: str) -> bool:
    """True when the first strong letter of ``text`` is Arabic script (so it reads right to left)."""
    arabic = _ARABIC_RE.search(text)
    if arabic is None:
        return False
    latin = _STRONG_LTR_RE.search(text)
    return latin is None or arabic.start() < latin.start()


def _trim_run(span: str) -> tuple[int, int]:
    """Where the run is in ``span`` (an _LTR_SPAN_RE match): without the spaces and punctuation at its ends that
    are not its own.

    Kept: a bracket or quote whose partner is inside the run, a sign touching the first letter or digit
    (``_SIGILS``), a per cent sign after the last one; the rest ("Reuters." "AP," " (AP") stays outside. At most
    ``_EDGE`` characters either side are weighed (a run of dots after a word costs nothing).
    """
    words = [i for i, c in enumerate(span) if c.isalnum()]  # never empty: the span holds a Latin letter
    begin, end = max(0, words[0] - _EDGE), min(len(span), words[-1] + 1 + _EDGE)
    while True:
        run, first, last = span[begin:end], span[begin], span[end - 1]
        if not (last.isalnum() or last in _TRAILERS and span[end - 2].isalnum()
                or last in _CLOSERS and run.count(_CLOSERS[last]) >= run.count(last)
                or last in _QUOTES and run.count(last) % 2 == 0):
            end -= 1
        elif not (first.isalnum() or first in _SIGILS and not span[begin + 1].isspace()
                  or first in _PAIRS and run.count(_PAIRS[first]) >= run.count(first)
                  or first in _QUOTES and run.count(first) % 2 == 0):
            begin += 1
        else:
            return begin, end


def isolate(text: str | None) -> Markup:
    """``text`` escaped, each left-to-right run (dates, numbers, Latin phrases) in one ``<bdi dir="ltr">`` isolate."""
    value = text or ""
    out, pos = [], 0
    for span in _LTR_SPAN_RE.finditer(value):
        if _LATIN_RE.search(span.group()):  # a Latin run: one isolate
            found = [tuple(span.start() + i for i in _trim_run(span.group()))]
        else:  # digits only: the numbers with their signs as before, without the punctuation between them
            found = [(span.start() + m.start(), span.start() + m.end()) for m in _LTR_RUN_RE.finditer(span.group())
                     if re.search(r"\d\D+\d", m.group())]  # a plain number reads right by itself
        for begin, end in found:
            out.append(escape(value[pos:begin]))
            out.append(f'<bdi dir="ltr">{escape(value[begin:end])}</bdi>')
            pos = end
    out.append(escape(value[pos:]))
    return Markup("".join(out))


def cut(value: str, limit: int) -> str:
    """``value`` cut at a word boundary before ``limit`` characters, with "…" when cut."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + " …"


def text_cell(value: str, *, limit: int | None = None, long: bool = False) -> Markup:
    """A text cell with its reading direction set, cut to ``limit`` characters, LTR runs isolated when RTL."""
    shown = cut(value, limit) if limit and len(value) > limit else value
    rtl = is_rtl(value)
    direction = 'dir="rtl" lang="ar"' if rtl else 'dir="auto"'
    css = "na-cell na-long" if long else "na-cell"
    body = isolate(shown) if rtl else escape(shown)
    return Markup(f'<div class="{css}" {direction}>{body}</div>')


def title_link(value: str, href: str) -> Markup:
    """A headline linking to the article page."""
    direction = 'dir="rtl" lang="ar"' if is_rtl(value) else 'dir="auto"'
    body = isolate(value) if is_rtl(value) else escape(value)
    return Markup(f'<a class="na-title" {direction} href="{escape(href)}">{body}</a>')


_DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def datetime_cell(value: str) -> Markup | None:
    """An ISO datetime as "2019-08-09 18:20 +02:00" on one line, the exact value on hover; None if not one."""
    m = _DATETIME_RE.match(value)
    if m is None:
        return None
    zone = f" <small>{escape(m.group(3))}</small>" if m.group(3) and m.group(3) not in ("+00:00", "Z") else ""
    return Markup(f'<bdi dir="ltr" class="na-when" title="{escape(value)}">{m.group(1)} {m.group(2)}{zone}</bdi>')


# Characters a URL never shows decoded: C0 controls, DEL, C1 controls, and the bidi controls (Unicode's Bidi_Control:
# U+061C, U+200E/200F, U+202A-202E, U+2066-2069). Decoded, "/news/%E2%80%AEgnp.exe" read as ".../news/exe.png"
# (stop 37's probe); browsers keep them escaped in the address bar for the same reason.
_UNSHOWN_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_url(value: str) -> str:
    """``value`` percent-decoded for reading (strict UTF-8, else as stored), controls and bidi controls kept escaped."""
    try:
        shown = unquote(value, errors="strict")
    except UnicodeDecodeError:
        shown = value
    return _UNSHOWN_RE.sub(lambda m: quote(m.group(), safe=""), shown)


def url_cell(value: str) -> Markup:
    """A URL shown decoded (Arabic slugs readable) and cut, linking to the real address, read left to right."""
    shown = display_url(value)
    short = shown if len(shown) <= URL_CHARS else shown[:URL_CHARS - 1] + "…"
    return Markup(f'<a class="na-url" dir="ltr" href="{escape(value)}" title="{escape(shown)}" '
                  f'rel="noreferrer noopener">{escape(short)}</a>')


def evidence_cell(value: str) -> Markup | None:
    """``matched_terms`` JSON as compact chips (term ×count), strongest first; None when it is not that JSON."""
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    chips = []
    for item in items[:MAX_CHIPS]:
        if not isinstance(item, list) or len(item) < 2:
            return None
        term, category = str(item[0]), str(item[1])
        count = item[3] if len(item) > 3 else None
        times = f"<small>×{count}</small>" if isinstance(count, int) and count > 1 else ""
        chips.append(f'<span class="na-chip na-chip-{CHIP_CLASS.get(category, "other")}" title="{escape(category)}" '
                     f'dir="rtl" lang="ar">{escape(term)}{times}</span>')
    if len(items) > MAX_CHIPS:
        chips.append(f'<span class="na-chip na-chip-more">+{len(items) - MAX_CHIPS}</span>')
    if not chips:
        return Markup('<span class="na-muted">none</span>')
    return Markup(f'<div class="na-chips">{"".join(chips)}</div>')
