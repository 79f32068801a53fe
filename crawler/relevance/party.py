"""Round 29, the party gate of the relevance judgement: a trial's outcome is the conflict's only beside a party to it.

A death sentence is the conflict's when the accused are its actors (the former regime's figures, an armed group's
members, the Islamic State's fighters) or the crime is the war's (killing protesters in 2011, an attack on a hotel); a
criminal court sentencing a man who killed his brother over an inheritance is ordinary justice. A term with
``beside_party`` (``crawler.relevance.lexicon.Term``) counts only in the title or a sentence that names such a party:
an armed actor (``Term.armed``: armed men, militias, the Islamic State, a named armed group), a Libyan name of the
conflict (a term feeding both libya and conflict: the Shura councils, the Third Force, Saif al-Islam, al-Senussi), or
the former regime (``Term.regime``: Gaddafi, its figures). Weapons and gunfire are no party: a murderer has a gun too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from crawler.relevance.match import PhraseIndex, match
from crawler.relevance.passage import DATELINE, names_elsewhere, sentences


class _PartyTerm(Protocol):
    """The fields of ``Term`` this module reads."""

    feeds: tuple[str, ...]
    body: str
    armed: bool
    beside_party: bool
    regime: bool

    @property
    def theatre(self) -> bool:
        """Term.theatre: another war theatre."""

    @property
    def sentence_conflict(self) -> bool:
        """Term.sentence_conflict: conflict evidence whose theatre its sentence says."""


def names_party(hits: Mapping[int, int], terms: Sequence[_PartyTerm]) -> bool:
    """Whether a sentence's (or a title's) hits name a party to the conflict: an armed actor (``Term.armed``), the
    former regime (``Term.regime``) or a Libyan name of the conflict that is no body of the split (a term feeding both
    libya and conflict: "مجلس شورى ثوار بنغازي", "سيف الإسلام القذافي")."""
    return any(
        terms[i].armed
        or terms[i].regime
        or {"libya", "conflict"} <= set(terms[i].feeds)
        and not terms[i].body
        for i in hits
    )


def partyless_hits(
    text: str, index: PhraseIndex, terms: Sequence[_PartyTerm], places: frozenset[int]
) -> dict[int, int]:
    """The body's occurrences of ``beside_party`` words in sentences that name no party to the conflict
    (``names_party``) and are not another theatre's (``passage.names_elsewhere``: counted there), the wire dateline
    left out: "the criminal court of Misrata sentenced to death a man who killed his brother"."""
    if (dateline := DATELINE.match(text)) is not None:
        text = text[dateline.end() :]
    counts: dict[int, int] = {}
    for words in sentences(text, 0):
        hits: dict[int, int] = {}
        match(words, index, hits)
        if not any(terms[i].beside_party for i in hits):
            continue
        if not names_party(hits, terms) and not names_elsewhere(hits, terms, places):
            for i, c in hits.items():
                if terms[i].beside_party:
                    counts[i] = counts.get(i, 0) + c
    return counts
