"""A post page that is a shell: the text only in the page's description, which a script draws on the page.

Telegram's message pages (``t.me/<channel>/<id>``) hold no text a browser without scripts shows: ``telegram-widget.js``
draws the message from ``data-telegram-post``, and the whole message is in ``og:description``, its line breaks kept.
``og:title`` and the ``<title>`` are the channel's name, the same on every message page; the author's first line is
the headline a reader cites ("عاجل | ..."), as outlets posting there write it. Social posts' pages (X's, Mastodon's,
Facebook's) are shells of the same shape. A summary's description is one line; a post's keeps its line breaks, which is
what tells them apart (tests/altsites12, tests/test_unseen_styles12_units.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

DESCRIPTION_KEYS = ("og:description", "twitter:description", "description")
HEADLINE_MAX_CHARS = 160  # a first line this short, over more lines, is the post's headline
_LINES = re.compile(r"[ \t\u00a0]*(?:\r\n?|\n)[\s]*")
_SENTENCE_END = re.compile(r"[.!?؟…:]\s*$")


@dataclass(frozen=True)
class ShellPost:
    """What a shell page's description gives: the headline (or "") and the paragraphs of the post."""

    headline: str
    paragraphs: tuple[str, ...]


def post_in_description(root: HtmlElement, shown: tuple[str, ...], min_chars: int) -> ShellPost | None:
    """The post a shell page keeps in its description, where the page shows less than ``min_chars`` of text.

    None unless the description is a post's text: at least ``min_chars`` long, in more than one line, and more than the
    page shows. Its first line is the headline when it is short and ends in no full stop, with lines under it.
    """
    description = _description(root)
    if len(description) < min_chars or "\n" not in description:
        return None
    lines = tuple(line for line in _LINES.split(description) if line)
    if len(lines) < 2 or sum(map(len, lines)) <= sum(map(len, shown)):
        return None
    first = lines[0]
    if len(first) <= HEADLINE_MAX_CHARS and not _SENTENCE_END.search(first):
        return ShellPost(first, lines[1:])
    return ShellPost("", lines)


def _description(root: HtmlElement) -> str:
    """The first description meta's content as written, its line breaks kept (``meta_content`` folds white space)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in DESCRIPTION_KEYS and key not in found:
            found[key] = (meta.get("content") or "").strip()
    return next((found[k] for k in DESCRIPTION_KEYS if found.get(k)), "")
