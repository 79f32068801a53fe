"""The sentences of a body, as the relevance rules cut them: the sentence ends, the wire dateline, one pass.

Every rule that asks what a sentence names (whose conflict, round 19; the speaker beside the theatre, round 23; the war
economy beside its armed actor, round 28; a trial beside a party, round 29; Libya's reactions, round 30) walks the body
with ``sentence_hits``: its sentences, the wire dateline left out, each matched against the lexicon. Moved out of
``crawler.relevance.passage`` in round 31 (no rule changed); the passage signal cuts long sentences into pieces too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from archive.corpus.arabic import tokens
from crawler.relevance.match import PhraseIndex, match

#: Sentence ends: a final stop, question or exclamation mark (Latin or Arabic) or an ellipsis followed by a space,
#: and every line break (a paragraph never runs into the next).
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+|\s*\n\s*")
#: A wire dateline opening the body: a place of up to three words (a parenthesis after it allowed), a dash, a source
#: (up to three words, in parentheses or «»), then a colon or the end of the line: "طرابلس - واس:", "جنيف - (د ب أ):",
#: "بنغازي ـ «الوسط»:", "طرابلس (ليبيا) - رويترز:", "طرابلس - وال" alone on its line; round 30: up to three places, a
#: dash between them ("طرابلس - بنغازي - الوسط", a report filed from two cities). Not "قال المتحدث باسم «قوة
#: الردع»:" nor "في بنغازي (شرق ليبيا) قال مصدر:" (no dash), nor a photo caption (the review of round 10).
_WORD = r"[^\s:.()«»\-–—ـ]+"
#: The Saudi Press Agency's own form (round 17; every SPA item of SaudiNewsNet opens so): a place, the Hijri date
#: "corresponding to" the Gregorian one, the source: "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس".
#: The place is one to three words without digits and the source one word ending the line (the review of round 17:
#: "قتل 25 شخصا 5 رمضان ... م في بنغازي" is a sentence, not a dateline).
_HIJRI = r"\d{1,2}[ \t]+\S+(?:[ \t]\S+)?[ \t]+\d{4}[ \t]*(?:هـ|ه)?[ \t]+الموافق[ \t]+\d{1,2}[ \t]+\S+[ \t]+\d{4}[ \t]*م?"
_PLACE = r"[^\s\d:.()«»\-–—ـ]+"
DATELINE = re.compile(
    rf"\s*(?:{_WORD}(?:[ \t]{_WORD}){{0,2}}(?:[ \t]*\([^()\n:]{{1,20}}\))?"
    rf"(?:[ \t]*[-–—ـ][ \t]*{_WORD}(?:[ \t]{_WORD}){{0,2}}){{0,2}}[ \t]*[-–—ـ][ \t]*"
    rf"(?:\([^()\n:]{{1,20}}\)|«[^«»\n:]{{1,20}}»(?:[ \t]*\([^()\n:]{{1,20}}\))?|{_WORD}(?:[ \t]{_WORD}){{0,2}})"
    rf"|{_PLACE}(?:[ \t]{_PLACE}){{0,2}}[ \t]+{_HIJRI}[ \t]+{_PLACE})[ \t]*(?::|\n)"
)


def after_dateline(text: str) -> str:
    """The body without its wire dateline, if it opens with one (``DATELINE``)."""
    if (dateline := DATELINE.match(text)) is not None:
        return text[dateline.end() :]
    return text


def sentences(text: str, max_tokens: int) -> list[list[str]]:
    """The body's sentences as normalised words; a sentence over ``max_tokens`` words is cut into pieces."""
    out: list[list[str]] = []
    for raw in _SENTENCE_END.split(text):
        words = tokens(raw)
        step = max_tokens if max_tokens > 0 else max(len(words), 1)
        out.extend(words[k : k + step] for k in range(0, len(words), step))
    return out


def sentence_hits(text: str, index: PhraseIndex) -> Iterator[dict[int, int]]:
    """The lexicon's hits of each sentence of the body, its wire dateline left out (where a report was filed is no
    subject of it): the one sentence pass of the rules that ask which theatre a sentence names (rounds 19, 23, 24)."""
    text = after_dateline(text)
    for words in sentences(text, 0):
        hits: dict[int, int] = {}
        match(words, index, hits)
        yield hits


def lead_words(text: str) -> list[str]:
    """The body's first sentence, its wire dateline left out, as normalised words (none for an empty body)."""
    text = after_dateline(text)
    start = 0
    for end in chain(_SENTENCE_END.finditer(text), (None,)):
        words = tokens(text[start : len(text) if end is None else end.start()])
        if words or end is None:
            return words
        start = end.end()
    return []


def lead_hits(text: str, index: PhraseIndex, words: list[str] | None = None) -> dict[int, int]:
    """The lexicon's hits of the body's first sentence (``lead_words``; ``words`` when the caller has them): what leads
    the story, for the rules that ask only that (rounds 34 and 40), without cutting and matching the rest."""
    hits: dict[int, int] = {}
    match(lead_words(text) if words is None else words, index, hits)
    return hits


def dateline_hits(text: str, index: PhraseIndex) -> dict[int, int]:
    """The lexicon's hits in the body's wire dateline ("طرابلس - واس:"), if it opens with one: where the report was
    filed, not where its event was (round 10: Libya's foreign ministry condemning an attack on Saudi Arabia, filed
    from Tripoli, is no report from Tripoli)."""
    counts: dict[int, int] = {}
    if (dateline := DATELINE.match(text)) is not None:
        match(tokens(dateline.group(0)), index, counts)
    return counts
