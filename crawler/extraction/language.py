"""Judge the language of extracted text from its script, and a Latin-script text's language from its common words.

A declared language (``<html lang>``, og:locale) decides only within one script, and among Latin-script languages
only where the text's common words do not tell: a multilingual outlet's templates declare the wrong one (a French
edition served as ``lang="ar"`` or ``lang="en"``: tests/altsites17).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter

import justext

logger = logging.getLogger(__name__)

ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
PERSIAN_RE = re.compile(r"[پچژگکی]")
URDU_RE = re.compile(r"[ٹڈڑںےۓھ]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
HEBREW_RE = re.compile(r"[\u0590-\u05ff]")
CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
SCRIPTS = {"arabic": ARABIC_RE, "latin": LATIN_RE, "cyrillic": CYRILLIC_RE, "hebrew": HEBREW_RE, "cjk": CJK_RE}
# A character's first UTF-8 byte gives a range of code points (C3: U+00C0-U+00FF, D8-DB: U+0600-U+06FF, ...): each
# byte of the sample is translated to the script whose characters alone start with it, "." (a continuation byte, or
# no script's) or "X", a range that holds one script's characters and others (C9: U+0240-U+027F). Without an "X" the
# sample's bytes tell each script's count in C; counting it character by character cost 0.2 ms a page (issue 10).
SCRIPT_CODES = {"arabic": b"A", "latin": b"L", "cyrillic": b"C", "hebrew": b"H", "cjk": b"J"}
MIXED = b"X"
_FIRST_BYTES = {
    b"L": [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC3, 0xC9)], b"C": range(0xD0, 0xD4), b"H": [0xD7],
    b"A": range(0xD8, 0xDC), b"J": [*range(0xE5, 0xEA), 0xEB, 0xEC], MIXED: [0xC9, 0xD6, 0xDD, 0xE0, 0xE3, 0xE4, 0xEA, 0xED, 0xEF],
}
# The Latin-script languages told apart by their common words (jusText's stop lists, trafilatura's own dependency,
# drawn from each language's Wikipedia): those a Libya or Arab news outlet publishes editions in. A declared Latin
# language outside them is taken as declared (the text cannot be judged against it).
LATIN_STOPLISTS = {"en": "English", "fr": "French", "es": "Spanish", "it": "Italian", "de": "German",
                   "pt": "Portuguese", "tr": "Turkish", "nl": "Dutch"}
LATIN_WORD_RE = re.compile(r"[a-zà-öø-ÿğış]+")
MIN_WORD_HITS = 4  # common words of its own the winner must match at least: fewer, and the text (a caption, a list) does not tell
WORD_MARGIN = 2.0  # ... and this many times the runner-up's
SCRIPT_BYTES = bytes(next((code[0] for code, first in _FIRST_BYTES.items() if byte in first), ord(".")) for byte in range(256))


@functools.lru_cache(maxsize=65536)
def _script_of(char: str) -> str | None:
    """The script (a key of SCRIPTS) that one character belongs to, else None."""
    return next((script for script, pattern in SCRIPTS.items() if pattern.match(char)), None)


def _script_counts(sample: str) -> dict[str, int]:
    """How many characters of ``sample`` each script of SCRIPTS has (see SCRIPT_BYTES)."""
    classes = sample.encode("utf-8", "surrogatepass").translate(SCRIPT_BYTES)
    if MIXED not in classes:
        return {script: classes.count(code) for script, code in SCRIPT_CODES.items()}
    counts = dict.fromkeys(SCRIPTS, 0)
    # Each distinct character classified once (a sample holds a hundred or so): five regex scans of the whole sample
    # cost twice as much (issue 10).
    for char, count in Counter(sample).items():
        script = _script_of(char)
        if script is not None:
            counts[script] += count
    return counts


def detect_language(text: str, declared: str | None = None) -> str:
    """The ISO 639-1 code of ``text``, judged by its script; ``declared`` decides among Latin-script languages."""
    sample = text[:5000]
    counts = _script_counts(sample)
    script = max(counts, key=lambda k: counts[k])
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
    if counts[script] == 0:
        return declared or "und"
    if script == "arabic":
        if declared in ("ar", "fa", "ur", "ps", "ku", "ckb", "sd", "ug"):
            return declared
        persian, urdu = len(PERSIAN_RE.findall(sample)), len(URDU_RE.findall(sample))
        if urdu > 0.01 * counts["arabic"]:
            return "ur"
        return "fa" if persian > 0.02 * counts["arabic"] else "ar"
    if script == "latin":
        latin_declared = declared if declared and declared not in ("ar", "fa", "ur", "he", "ru", "zh", "ja", "ko", "uk") else None
        if latin_declared and latin_declared not in LATIN_STOPLISTS:
            return latin_declared
        return latin_by_words(sample) or latin_declared or "en"
    if script == "cyrillic":
        return declared if declared in ("ru", "uk", "bg", "sr", "mk", "be", "kk") else "ru"
    if script == "hebrew":
        return "he"
    return declared if declared in ("zh", "ja", "ko") else "zh"


@functools.cache
def _own_words() -> dict[str, frozenset[str]]:
    """Each language's words of its jusText stop list that no other list of LATIN_STOPLISTS holds, read once: the
    lists are drawn from Wikipedia and share words ("the", "of" and "and" are in the Turkish list too)."""
    lists = {code: justext.get_stoplist(name) for code, name in LATIN_STOPLISTS.items()}
    return {code: words.difference(*(other for c, other in lists.items() if c != code)) for code, words in lists.items()}


def latin_by_words(sample: str) -> str | None:
    """The language of LATIN_STOPLISTS whose common words the Latin-script ``sample`` holds clearly the most of, else
    None (too few such words, or two languages too close: the declaration, or English, decides)."""
    words = LATIN_WORD_RE.findall(sample.lower())
    if not words:
        return None
    counts = Counter(words)
    hits = sorted(((sum(n for w, n in counts.items() if w in own), code) for code, own in _own_words().items()),
                  reverse=True)
    (best, code), (second, _) = hits[0], hits[1]
    if best >= MIN_WORD_HITS and best >= WORD_MARGIN * second:
        return code
    return None
