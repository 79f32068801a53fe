"""Round 29, the party gate of the relevance judgement: a trial's outcome is the conflict's only beside a party to it.

A death sentence is the conflict's when the accused are its actors (the former regime's figures, an armed group's
members, the Islamic State's fighters) or the crime is the war's (killing protesters in 2011, a bombing); a criminal
court sentencing a man who killed his brother over an inheritance is ordinary justice. A term with ``beside_party``
(``crawler.relevance.lexicon.Term``) counts only in the title or a sentence that names such a party (``names_party``):
an armed actor (``Term.armed``: armed men, militias, the Islamic State, a named armed group), a Libyan name of the
conflict (a term feeding both libya and conflict: the Shura councils, the Third Force, Saif al-Islam, al-Senussi, the
February revolution and its "events of February 2011"), the former regime (``Term.regime``: Gaddafi, its figures) or,
round 31, the war's crime (``Term.party``: a car or truck bomb, a suicide bombing, the bombing case, killing the
protesters). Weapons and gunfire are no party: a murderer has a gun too. A party named only in another sentence (the
Islamic State claiming the Corinthia attack two sentences after the verdict) is not read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from crawler.relevance.match import PhraseIndex
from crawler.relevance.passage import names_elsewhere
from crawler.relevance.sentences import sentence_hits


class _PartyTerm(Protocol):
    """The fields of ``Term`` this module reads."""

    feeds: tuple[str, ...]
    body: str
    armed: bool
    beside_party: bool
    regime: bool
    party: bool

    @property
    def theatre(self) -> bool:
        """Term.theatre: another war theatre."""

    @property
    def sentence_conflict(self) -> bool:
        """Term.sentence_conflict: conflict evidence whose theatre its sentence says."""


def names_party(hits: Mapping[int, int], terms: Sequence[_PartyTerm]) -> bool:
    """Whether a sentence's (or a title's) hits name a party to the conflict: an armed actor (``Term.armed``), the
    former regime (``Term.regime``), the war's crime (``Term.party``, round 31: "سيارة مفخخة", "قتل المتظاهرين") or a
    Libyan name of the conflict that is no body of the split (a term feeding both libya and conflict: "مجلس شورى ثوار
    بنغازي", "سيف الإسلام القذافي")."""
    return any(
        terms[i].armed
        or terms[i].regime
        or terms[i].party
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
    counts: dict[int, int] = {}
    for hits in sentence_hits(text, index):
        if not any(terms[i].beside_party for i in hits):
            continue
        if not names_party(hits, terms) and not names_elsewhere(hits, terms, places):
            for i, c in hits.items():
                if terms[i].beside_party:
                    counts[i] = counts.get(i, 0) + c
    return counts
