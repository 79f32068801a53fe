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

Round 46 moved here, unchanged, the frame's title readers from ``crawler.relevance.judge`` (which had reached 400
lines): ``welcomes_abroad`` (rounds 17-39), ``seat_speaks`` (round 33) and ``envoy_abroad`` (round 32).

Round 72: ``tried_abroad``, the frame of a trial abroad whose defendants' past runs through Libya (a Tunisian,
Egyptian, Moroccan or Iraqi court as the subject of the title or first sentence, Libya only where a convict trained).
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


def welcomes_abroad(spans: list[tuple[int, int]], terms: tuple[Term, ...]) -> bool:
    """Whether a title's welcome or congratulation (a term feeding "welcome") is addressed to another theatre: a theatre
    named after its first such word (round 17: "Libya welcomes the operation in Yemen"; round 27: "congratulates Iraq
    on liberating Mosul"). Round 28, the review of round 27: a theatre named before it is the speaker ("Algeria
    welcomes the unity government's confidence vote", "the Algerian president congratulates Dbeibah"). Round 31, the
    review of round 30: only when it is the title's first name ("the Gaza ceasefire meets a wide Libyan welcome" fronts
    its addressee). An offer to mediate (round 34) and a call (round 39) are addressed only to a theatre named after
    them; a call, never where a Libya name follows it."""
    first, word = next(((at, terms[i]) for at, i in spans if "welcome" in terms[i].feeds), (None, None))
    if word is None:
        return False
    if "call" in word.feeds:
        # round 39 (its review): a call whose object is Libyan ("Aguila Saleh calls on Tunisia and Algeria to back the
        # unified Libyan government") is Libya's own story; one addressed to another theatre alone is Libya speaking
        after = [i for at, i in spans if at > first]
        return any(terms[i].theatre for i in after) and not any("libya" in terms[i].feeds for i in after)
    if "offer" in word.feeds:
        # round 34: an offer to mediate is addressed only to a theatre named after it; one before it mediates
        return any(terms[i].theatre and at > first for at, i in spans)
    lead = min(spans)[0]
    return any(terms[i].theatre and (at > first or at != lead) for at, i in spans)


def seat_speaks(spans: list[tuple[int, int]], terms: tuple[Term, ...]) -> set[int]:
    """The seats of government (``Term.seat``) that lead a statement title, before its first statement, welcome or
    envoy word, with another theatre named after that word: the speaker, no scene (round 33). A seat named after the
    word, or one beside no other theatre, stays a scene ("Tobruk condemns the shelling of Tripoli"). Round 34 (the
    review): never where the title names an armed actor or another Libya name, as for the envoy ("al-Bayda condemns
    the Chadian gunmen's incursion into the south", "Tobruk condemns the RSF fighters in southern Libya")."""
    first = next((at for at, i in spans if {"statement", "welcome", "envoy"} & set(terms[i].feeds)), None)
    if first is None or not any(terms[i].theatre and at > first for at, i in spans):
        return set()
    if any(terms[i].armed or "libya" in terms[i].feeds and not terms[i].seat for _, i in spans):
        return set()
    return {i for at, i in spans if at < first and terms[i].seat}


def envoy_abroad(spans: list[tuple[int, int]], terms: tuple[Term, ...]) -> bool:
    """Whether a title has Libya's envoy at a forum (a term feeding "envoy": "مندوب ليبيا", "ليبيا أمام مجلس حقوق
    الإنسان") speak about another theatre (round 32): a theatre named after the envoy, and no other Libya name nor an
    armed actor in the title ("Libya's envoy on Gaza" is a statement; "Libya's envoy: the mercenaries in Libya must
    leave", "... the ceasefire in Libya", "... the embargo on Libya" keep Libya's own conflict)."""
    first = next((at for at, i in spans if "envoy" in terms[i].feeds), None)
    if first is None:
        return False
    if any(terms[i].armed or "libya" in terms[i].feeds and "envoy" not in terms[i].feeds for _, i in spans):
        return False
    return any(terms[i].theatre and at > first for at, i in spans)


def tried_abroad(
    terms: Sequence[Term], leading: Sequence[int], known: set[int], split_on: bool, pair: bool
) -> bool:
    """Round 72: whether a title or first sentence naming another state's court, prosecution or security service
    (``Term.court``; ``leading``: the term indexes matched there) frames the story as a trial abroad, as an older war
    frames it as history (``judge``: its country-neutral conflict words count at statement_factor), unless a Libyan
    name of the conflict (a term feeding libya and conflict that is no body: IS's Libyan provinces, a brigade, Libya
    Dawn), two bodies of the split or "the two governments" are named: a convict's camp in Sabratha or Derna is his
    past; a Libyan armed group tried or wanted abroad is Libya's war."""
    return (
        any(terms[i].court for i in leading)
        and not split_on
        and not pair
        and not any("libya" in terms[i].feeds and "conflict" in terms[i].feeds and not terms[i].body for i in known)
    )
