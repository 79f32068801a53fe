"""A byline printed as a line of text ("كتب: name | date", "بقلم: name - date", "By name | Published ..."), read where
no byline markup names the author.

trafilatura's byline search looks only in elements whose class or id says author or byline; a legacy page prints
"كتب: عبد السلام الفيتوري  نشر بتاريخ: ..." in a ``<font>``, and many sites in a ``div.meta``, ``div.info`` or
``.entry-meta`` beside the date, so the author was never stored; and an Egyptian "كتب - name" byline ("wrote - name")
came back from it as the author "كتب" (a black-box probe, stop 37). Here the first short text line of the page that
opens with a byline word and a separator (or is one after a "|" of a dateline) gives the name written after it, cut at
the next separator, a date or a digit, and kept only when it reads as a person's name (the caller's test).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.glyphs import clean_space

# Arabic byline words, then the Latin ones; an Arabic word counts only with a separator after it (":", "-", "–", "—",
# the tatweel "ـ"), as "كتب الرئيس" in prose is a verb; a Latin one also before a capitalised name ("By John Smith").
ARABIC_WORDS = r"بقلم|كتب|كتبت|كتبه|بواسطة|حاوره|حاورته|حاورها|إعداد|اعداد|تقرير|متابعة|تحرير|المحرر"
LATIN_WORDS = r"by|par|por|von|door|di"
BYLINE_RE = re.compile(
    rf"(?:^|[|•·]\s*|\s[-–—]\s+)(?:(?:{ARABIC_WORDS})\s*[:\-–—ـ]\s*|(?:{LATIN_WORDS})(?:\s*:)?\s+(?=[A-ZÀ-Ý]))",
    re.IGNORECASE,
)
# Where the name ends: a separator of a dateline, a comma, a bracket, a digit, a colon (the next label's), a run of
# spaces (the &nbsp;s between a byline and its date)
NAME_END_RE = re.compile(r"\s{2,}|\s[-–—ـ|•·/]\s|[|،,;()\[\]:\d\u0660-\u0669\u06f0-\u06f9]")
LINE_MAX_CHARS = 160  # a byline line is short; a paragraph of the story that quotes "كتب: ..." is not
LINES_LOOKED_AT = 400  # text lines read from the top, at most
# Text nodes a reader sees, outside scripts and styles, the first LINES_LOOKED_AT (one pass in C)
TEXT_NODES = etree.XPath(
    f"(//body//text()[normalize-space()][not(ancestor::script or ancestor::style or ancestor::noscript)])"
    f"[position() <= {LINES_LOOKED_AT}]"
)
COMMENT_RE = re.compile(r"comment", re.IGNORECASE)  # a commenter's "كتب: ..." in a comment thread is no byline


def printed_byline(root: HtmlElement, is_name: Callable[[str], bool]) -> str | None:
    """The name the page's first printed byline line gives (see the module docstring), when ``is_name`` accepts it."""
    for node in TEXT_NODES(root):
        line = str(node).replace("\xa0", " ").strip()
        if len(line) > LINE_MAX_CHARS or not (matches := list(BYLINE_RE.finditer(line))):
            continue
        parent = node.getparent()
        if parent is None or any(COMMENT_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
                                 for e in parent.iterancestors()) or COMMENT_RE.search(parent.get("class", "")):
            continue
        for match in matches:
            rest = line[match.end():]
            name = clean_space(NAME_END_RE.split(rest, maxsplit=1)[0]).strip(" .-–—ـ")
            if name and is_name(name):
                return name
    return None
