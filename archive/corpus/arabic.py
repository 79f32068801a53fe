"""Arabic normalisation for matching and search: one fast, pure, dependency-free module.

``normalise`` folds the spelling differences that Arabic news text carries but a reader ignores
(diacritics, tatweel, hamza seats, taa marbuta, alef maqsura, digit shapes, presentation forms),
``tokens`` splits normalised text into words and ``stems`` lists the candidate forms of one word
with its proclitics (و ف ب ل ك ال and their combinations) and common suffixes removed.

The same functions normalise documents and queries (relevance lexicon, catalogue search index),
so both sides always meet in the same form.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

logger = logging.getLogger(__name__)

__all__ = ["DIGITS", "MIN_STEM", "normalise", "stem_forms", "stem_set", "stems", "tokens"]

#: No candidate returned by ``stems`` is shorter than this many letters.
MIN_STEM = 2
#: Suffix stripping keeps at least this many letters: shorter Arabic roots are too ambiguous.
_MIN_SUFFIX_REST = 3

# Code points deleted outright: tashkeel (fathatan..sukun, hamza above/below marks, U+0656-065F),
# superscript (dagger) alef, Quranic annotation marks, tatweel, and invisible format characters
# (zero-width joiners, bidi marks and embeddings, BOM) that break words apart for a matcher.
_DELETE = (
    [*range(0x0610, 0x061B)]
    + [*range(0x064B, 0x0660)]
    + [0x0670, 0x0640, 0x061C]
    + [*range(0x06D6, 0x06DD)]
    + [*range(0x06DF, 0x06E5)]
    + [0x06E7, 0x06E8]
    + [*range(0x06EA, 0x06EE)]
    + [*range(0x200B, 0x2010)]
    + [*range(0x202A, 0x202F)]
    + [*range(0x2066, 0x206A)]
    + [0xFEFF, 0x00AD]
)

_REPLACE = {
    "أ": "ا",  # alef with hamza above
    "إ": "ا",  # alef with hamza below
    "آ": "ا",  # alef with madda
    "ٱ": "ا",  # alef wasla
    "ٲ": "ا",  # alef with wavy hamza above
    "ٳ": "ا",  # alef with wavy hamza below
    "ؤ": "و",
    "ئ": "ي",
    "ة": "ه",
    "ى": "ي",
    "ی": "ي",  # Farsi yeh, common in text typed on Persian keyboards
    "ې": "ي",
    "ک": "ك",  # keheh
    "ٮ": "ب",  # dotless beh (some scans / legacy encodings)
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
    "،": ",",
    "؛": ";",
    "؟": "?",
}

#: Arabic-Indic and Eastern Arabic-Indic (Persian/Urdu) digits as ASCII, as ``normalise`` folds them.
DIGITS: dict[int, str] = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

_TABLE: dict[int, int | str | None] = {cp: None for cp in _DELETE}
_TABLE.update({ord(k): v for k, v in _REPLACE.items()})
_TABLE.update(DIGITS)

# The same folding as ``str.translate(_TABLE)``, one ``str.replace`` per folded character the text holds: translate
# looks every character up in the dictionary from Python objects (CPython has a fast path for ASCII text only), a
# quarter of a millisecond per article body, four times the replaces' cost (issue 10). Replacing one character after
# another folds as translate does because no replacement is itself a folded character (tests/test_archive_arabic.py).
_FOLD: dict[str, str] = {chr(cp): "" if to is None else to for cp, to in _TABLE.items()}
_FOLD_RE = re.compile("[" + "".join(map(re.escape, sorted(_FOLD))) + "]")
# Which folded characters a text holds: in a longer text, one C search for each (a body: 0.016 ms against the regex's
# 0.047, which makes a string of every match, issue 10); the regex in a shorter one, where 109 searches cost more
_FOLD_CHARS = tuple(sorted(_FOLD))
_SEARCH_EACH_FROM = 300  # characters

_WORD_RE = re.compile(r"[^\W_]+")

# Proclitic chains, longest first so the most stripped candidates come out in a stable order.
# "لل" is the contraction of the preposition ل with the article ال (ل + الجيش -> للجيش).
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")


def _build_prefixes() -> tuple[tuple[str, bool], ...]:
    """Every proclitic chain (conjunction? preposition? article?) with a flag: did it hold the article."""
    out: dict[str, bool] = {}
    for conj in _CONJ:
        for prep in _PREP:
            if conj or prep:
                out.setdefault(conj + prep, False)
            if prep == "ل":
                out[conj + "لل"] = True
            else:
                out[conj + prep + "ال"] = True
    return tuple(sorted(out.items(), key=lambda kv: (-len(kv[0]), kv[0])))


_PREFIXES = _build_prefixes()

# Suffixes stripped one at a time (longest first): attached pronouns, then number/gender endings.
# Taa marbuta is already "ه" after normalise, so "ه" covers both the feminine ending and "his".
_SUFFIXES = ("هما", "كما", "تها", "هم", "هن", "ها", "كم", "نا", "ات", "ون", "ين", "ان", "يه", "ه")


def _folded(text: str) -> str:
    """``normalise`` but for its whitespace, left as it is."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        found = ([ch for ch in _FOLD_CHARS if ch in text] if len(text) >= _SEARCH_EACH_FROM
                 else set(_FOLD_RE.findall(text)))
        for ch in found:
            text = text.replace(ch, _FOLD[ch])
    return text.casefold()


def normalise(text: str) -> str:
    """Fold ``text`` into the form used for matching and search (see the module docstring)."""
    if not text:
        return ""
    return " ".join(_folded(text).split())


def tokens(text: str) -> list[str]:
    """The normalised word tokens of ``text`` (letters and digits; punctuation and ``_`` split words)."""
    # the words of normalise(text) without collapsing its whitespace first, which no word holds (issue 10)
    return _WORD_RE.findall(_folded(text))


def _is_arabic_letter(ch: str) -> bool:
    """True for a letter of the Arabic block (the only script whose clitics we strip)."""
    return "\u0621" <= ch <= "\u064a"


def _strip_suffixes(word: str) -> list[str]:
    """Candidates of ``word`` with one common suffix removed, each at least ``_MIN_SUFFIX_REST`` letters."""
    out = []
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_SUFFIX_REST:
            out.append(word[: -len(suffix)])
    return out


@lru_cache(maxsize=131072)
def stem_forms(token: str) -> tuple[str, ...]:
    """``stems`` as a cached tuple (no copy per call: the search index text takes it for every word of a body)."""
    seen: dict[str, None] = {token: None}
    if len(token) < MIN_STEM or not _is_arabic_letter(token[0]):
        return tuple(seen)
    bases = [token]
    for prefix, has_article in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            rest = token[len(prefix) :]
            if has_article:
                # keep the definite form too, so a lexicon term written with "ال" still matches "وبالجيش"
                bases.append("ال" + rest)
            bases.append(rest)
    for base in bases:
        seen.setdefault(base, None)
    for base in bases:
        for cut in _strip_suffixes(base):
            seen.setdefault(cut, None)
    return tuple(seen)


def stems(token: str) -> list[str]:
    """``token`` first, then candidates with proclitics and/or one suffix stripped (never under 2 letters).

    ``token`` should already be normalised (an item of ``tokens``). Candidates are over-generated on
    purpose (``ليبيا`` also yields ``يبيا``): a matcher looks them up in a set of known terms, so a
    candidate that is no word simply never matches.
    """
    return list(stem_forms(token))


@lru_cache(maxsize=131072)
def stem_set(token: str) -> frozenset[str]:
    """The candidates of ``stems`` as a cached frozen set, for fast membership tests."""
    return frozenset(stem_forms(token))
