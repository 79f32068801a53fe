"""A headline set as the page's first line, where the ``<title>`` is only the site's name or the line's first words.

Pages saved from Microsoft Word (and FrontPage or Dreamweaver templates around them) carry no ``<h1>``: the headline
is the document's first paragraph, centred and bold, and the ``<title>`` is what the program put there, the site's
name from the template or the first words Word took from the document ("مصرف ليبيا المركزي" for "مصرف ليبيا المركزي
يعلن توفير السيولة ..."). Such a title was kept as the headline and the real one left as the body's first line
(tests/altsites14). The line is taken only where it reads as a headline: short, three words or more, no sentence's
end, with the story under it, on a page with no ``<h1>`` and no og:title; not where the rest of the line after the
title's words is a dateline, a count or a "| section | site" tail (htmldate's, fundus' and Dragnet's pages).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from crawler.extraction.chrome_lines import is_date_stamp
from crawler.extraction.titles import meta_content, norm

HEADLINE_MAX_CHARS = 160
HEADLINE_MIN_WORDS = 3
_SENTENCE_END = re.compile(r"[.!?؟…:]\s*$")
# what a <title> puts after the headline ("headline | section | site", "headline: Datum", "headline 153 Comments")
_TAIL_MARK = re.compile(r"[|:•·»«\-–—]|^\W*\d")


def headline_line(root: HtmlElement, paragraphs: tuple[str, ...], title: str,
                  site_names: Callable[[], list[str]]) -> str:
    """The body's first line where it is the headline the ``<title>`` stands for on a page that marks none; else ""."""
    if len(paragraphs) < 2 or not title or root.find(".//h1") is not None or meta_content(root, "og:title"):
        return ""
    first = paragraphs[0].strip()
    if len(first) > HEADLINE_MAX_CHARS or len(first.split()) < HEADLINE_MIN_WORDS or _SENTENCE_END.search(first):
        return ""
    short, words = [norm(w) for w in title.split()], [norm(w) for w in first.split()]
    if not "".join(short) or len(short) >= len(words):
        return ""
    if words[:len(short)] == short:
        # the title's words, then its dateline ("headline (الأحد 18 أيار 2014)"): the title is the headline already
        # or a tail a <title> adds: Word's first words are followed by more of the headline's words
        rest = " ".join(first.split()[len(short):])
        if len(rest.split()) < 2 or _TAIL_MARK.search(rest) or is_date_stamp(rest.strip("()[] ")):
            return ""
        return first
    if "".join(short) in {norm(name) for name in site_names() if name}:
        return first  # the title is the site's name
    return ""
