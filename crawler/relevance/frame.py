"""Round 30, the statement frame's reactions: where Libya reacts to another war is no scene of its own.

A statement titled about another theatre ("a wide Libyan welcome for the Gaza ceasefire") keeps its frame only while
the story names no Libyan scene (``crawler.relevance.judge._names_scene``). Round 27 took away a town named beside the
other theatre in a sentence that tells of no fighting (Kufra's hospital readied for El Fasher's wounded). A live blog of
Libya's reactions names its towns in sentences of their own: an aid convoy leaving Benghazi for the Emsaed crossing,
trucks waiting in Tobruk's stores, the foreign ministry in Tripoli calling on the world. Such a sentence, which names no
other theatre, no armed actor and tells of no fighting (``passage.armed_or_fighting``), is where Libya's reaction takes
place; a town named in a sentence of fighting ("clashes in Zawiya") stays a scene. As in round 28, only where the other
theatre's war is told (a sentence naming it names an armed actor or tells of fighting) and no sentence free of any
theatre names an armed actor; the wire dateline is left out (it is ``dateline_hits``'s).
"""

from __future__ import annotations

from collections.abc import Sequence

from crawler.relevance.lexicon import Term
from crawler.relevance.match import PhraseIndex
from crawler.relevance.passage import armed_or_fighting
from crawler.relevance.sentences import sentence_hits


def reaction_hits(text: str, index: PhraseIndex, terms: Sequence[Term]) -> dict[int, int]:
    """The body's hits in sentences that name no other theatre (``Term.theatre``), no armed actor (``Term.armed``) and
    tell of no fighting, where the other theatre's war is told and no theatre-free sentence names an armed actor;
    otherwise none."""
    quiet: dict[int, int] = {}
    other_war = False
    for hits in sentence_hits(text, index):
        if any(terms[i].theatre for i in hits):
            other_war = other_war or armed_or_fighting(hits, terms)
        elif any(terms[i].armed for i in hits):
            return {}  # Libya's own armed actor: its towns are scenes (round 28)
        elif not armed_or_fighting(hits, terms):
            for i, c in hits.items():
                quiet[i] = quiet.get(i, 0) + c
    return quiet if other_war else {}
