"""A title for an article page that prints none: its lead's first sentence (stop 39, a newcomer's probe).

A page with no ``<title>``, no ``<h1>`` and no ``og:title`` was stored with an empty title: a text file whose first
line is blank (the seed format's first line is the title) and a reading-room link with no text to click. A reader
citing such a page names it by its opening words, so those become its title, cut at the first sentence's end or at a
word near ``LIMIT`` characters.
"""

from __future__ import annotations

import re

LIMIT = 120  # characters: a long headline's length
_SENTENCE_END = re.compile(r"[.!?؟۔。](?=\s|$)")


def lead_title(paragraphs: list[str]) -> str:
    """The first sentence of the first paragraph, at most about ``LIMIT`` characters (cut at a word, with "…")."""
    lead = " ".join(paragraphs[0].split()) if paragraphs else ""
    end = _SENTENCE_END.search(lead)
    sentence = lead[: end.end()] if end else lead
    if len(sentence) <= LIMIT:
        return sentence
    cut = sentence.rfind(" ", 0, LIMIT)
    return sentence[: cut if cut > LIMIT // 2 else LIMIT].rstrip(" ،,:;-–") + "…"
