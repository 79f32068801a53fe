"""Text as a reader reads it: invisible marks out, whitespace collapsed, Arabic presentation forms as their letters."""

from __future__ import annotations

import re
import unicodedata

# zero-width and bidi marks (the Arabic letter mark U+061C too), soft hyphen, word joiner and invisible operators,
# BOM: the set archive.corpus.history ignores between versions. Before stop 42 the soft hyphen, the Arabic letter
# mark and the word joiner stayed in a title while the body's extraction dropped them, so the headline printed atop
# the body no longer equalled the title and stayed in the text file as its first paragraph (a black-box probe)
INVISIBLE_RE = re.compile(r"[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Arabic Presentation Forms-B: the shaped glyphs (isolated, initial, medial, final, lam-alef) that a PDF's text layer
# or an old renderer writes for the basic letters. A reader sees the same words; a matcher, a tokenizer or a search
# sees none: NFKC gives each its letter back (altsites10: a statement pasted from a PDF). Block A's ligatures (ﷺ, ﷲ)
# are words of their own and stay as printed. So does text whose glyphs are in visual order (an old renderer's
# reversed runs: a word that opens with a final or medial glyph, which a word in reading order never does): its
# letters would spell each word backwards (Zyte's kabarislamia page, whose gold keeps the glyphs).
PRESENTATION_FORMS_RE = re.compile("[\ufe70-\ufefc]+")
TRAILING_FORMS = frozenset(chr(c) for c in range(0xFE80, 0xFEFD)
                           if unicodedata.name(chr(c), "").endswith(("FINAL FORM", "MEDIAL FORM")))
WORD_START_RE = re.compile("(?:^|\\s)[^\\w\\s]*([\ufe80-\ufefc])")  # a word's first letter glyph, marks before it skipped


def fold_presentation_forms(text: str) -> str:
    """``text`` with its Arabic presentation forms (block B) as their letters, unless they are in visual order (see
    PRESENTATION_FORMS_RE)."""
    if not PRESENTATION_FORMS_RE.search(text):  # most text holds none: one search in C (max() made a string of each
        return text  # character, 0.3 ms a page on the throughput mirror)
    if any(m.group(1) in TRAILING_FORMS for m in WORD_START_RE.finditer(text)):
        return text
    return PRESENTATION_FORMS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def clean_space(text: str | None) -> str:
    """Collapse whitespace (including NBSP and bidi marks) to single spaces, presentation forms read as letters.

    Run thousands of times a page: its patterns compiled once (re.sub(pattern) looks one up each call, issue 10).
    """
    if not text:
        return ""
    if not text.isascii():  # the marks and glyphs are not ASCII: an ASCII text is not searched for them (issue 10)
        text = fold_presentation_forms(INVISIBLE_RE.sub("", text))
    return " ".join(text.split())


# A web address printed as text ("رابط الخبر: http://example.com/news/7760/", "www.example.ly"): an address, not
# words a reader reads. Written by hand because w3lib and trafilatura offer no "find URLs in running text".
PRINTED_URL_RE = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)


def without_urls(text: str) -> str:
    """``text`` with the web addresses printed in it left out (PRINTED_URL_RE); most text holds none (one search)."""
    if "://" not in text and "www." not in text.lower():
        return text
    return PRINTED_URL_RE.sub(" ", text)
