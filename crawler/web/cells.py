"""How catalogue values read in a table: right-to-left text, isolated Latin runs, evidence chips, decoded URLs."""

from __future__ import annotations

import json
import logging
import re
from html import escape
from urllib.parse import unquote

from markupsafe import Markup

logger = logging.getLogger(__name__)

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_STRONG_LTR_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A left-to-right fragment inside Arabic text: a date, a time, a number with its signs, a Latin word or name,
# possibly several separated by spaces. Inside right-to-left text "2019-08-09T18:20:00+02:00" would otherwise be
# reordered by the bidi algorithm into "09T18:20:00+02:00-08-2019" (the T is a strong LTR letter that splits
# the number runs); in an isolate (<bdi dir="ltr">) it reads as written.
_LTR_PIECE = r"[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f:+\-./%@#&=?_,]*(?<![,.])"
_LTR_RUN_RE = re.compile(rf"{_LTR_PIECE}(?:[ ]+{_LTR_PIECE})*")
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


def isolate(text: str | None) -> Markup:
    """``text`` escaped, each left-to-right run (dates, numbers, Latin words) in a ``<bdi dir="ltr">`` isolate."""
    value = text or ""
    out, pos = [], 0
    for m in _LTR_RUN_RE.finditer(value):
        if not _STRONG_LTR_RE.search(m.group()) and not re.search(r"\d\D+\d", m.group()):
            continue  # a plain number reads right by itself
        out.append(escape(value[pos:m.start()]))
        out.append(f'<bdi dir="ltr">{escape(m.group())}</bdi>')
        pos = m.end()
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


def url_cell(value: str) -> Markup:
    """A URL shown decoded (Arabic slugs readable) and cut, linking to the real address, read left to right."""
    try:
        shown = unquote(value, errors="strict")
    except UnicodeDecodeError:
        shown = value
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
