"""Round 46: a Libya name that is part of a man's name, not a place: the nisba of a nom de guerre.

A jihadist's nom de guerre is a kunya ("أبو يحيى", "أبو أنس", "أبو عبد الله") and a nisba of his country: "أبو يحيى
الليبي", killed by a drone in Waziristan, is al-Qaeda's man, not Libya (h118-28); "أبو جهاد الشيشاني" beside him is
no Chechnya either. Such a nisba names who a man is, never where a story happens, so it counts for no Libya evidence.
Only a Libya term's word ending in the nisba's "ي" one or two words after the kunya is taken: "أبو سليم" (a Tripoli
district) and "أبو قرين" (a front line) are places in their own right, and their words are no nisba.
"""

from __future__ import annotations

from collections.abc import Sequence

from crawler.relevance.lexicon import Term
from crawler.relevance.match import PhraseIndex, match

#: The kunya's first word as ``tokens`` writes it, a proclitic allowed ("وأبو", "بأبي", "لأبي"): "father of".
_KUNYA = frozenset(
    f"{clitic}{word}" for clitic in ("", "و", "ب", "ل", "وب", "ول") for word in ("ابو", "ابي", "ابا")
)


def kunya_hits(words: Sequence[str], index: PhraseIndex, terms: Sequence[Term]) -> dict[int, int]:
    """The Libya terms (feeding "libya") matched by a single word in nisba form (ending in "ي") that follows a kunya
    after one or two words of the name ("أبو يحيى الليبي", "أبو عبد الله الليبي"), with how often."""
    counts: dict[int, int] = {}
    for k, word in enumerate(words):
        if (
            k < 2
            or not word.endswith("ي")
            or not (words[k - 2] in _KUNYA or k > 2 and words[k - 3] in _KUNYA)
        ):
            continue
        hits: dict[int, int] = {}
        match([word], index, hits)
        for i, c in hits.items():
            if "libya" in terms[i].feeds:
                counts[i] = counts.get(i, 0) + c
    return counts
