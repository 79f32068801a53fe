"""The passage signal of the relevance judgement: one short passage of a long article about Libya's conflict.

A long analysis in which Libya is one theatre among several (Syria, Yemen, the Sahel) has too little Libya focus
and too thin a conflict density as a whole, yet one passage of it can be plainly about Libya's war. The body is
cut into sentences (and a sentence with no punctuation into pieces of ``passage_sentence_tokens`` words); every
window of up to ``passage_sentences`` consecutive sentences is judged as a small story of its own, with the
article's effective term weights and stricter floors (``crawler.relevance.lexicon.Scoring``):

* Libya the leading theatre of the body: at least ``passage_libya_share`` of its sentences name it, and no fewer
  than name other theatres;
* Libya in at least ``passage_libya_sentences`` different sentences of the window (not one name in a list),
  and a Libya mass (weight x count, capped) of at least ``libya_min``;
* at least ``passage_conflict_terms`` distinct conflict terms, with a mass of at least ``passage_conflict_min``;
* focus and topic inside the window as for a whole article: "Syria, Iraq, Yemen and Libya" is three foreign
  names beside one Libya name.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from crawler.relevance.match import PhraseIndex, match
from crawler.relevance.sentences import DATELINE, sentence_hits, sentences

logger = logging.getLogger(__name__)


class _Rule(Protocol):
    """The numbers of ``Scoring`` this module reads."""

    share_sentences: int
    share_min: float
    count_cap: int
    libya_min: float
    dense_conflict: float
    dense_libya: float
    conflict_min: float
    focus_min: float
    topic_min: float
    passage_sentences: int
    passage_sentence_tokens: int
    passage_libya_sentences: int
    passage_conflict_terms: int
    passage_conflict_min: float
    passage_libya_share: float


class _Term(Protocol):
    """The fields of ``Term`` this module reads."""

    term: str
    feeds: tuple[str, ...]
    weight: float
    alone: bool
    body: str
    armed: bool
    beside_armed: bool

    @property
    def theatre(self) -> bool:
        """Term.theatre: another war theatre."""

    @property
    def sentence_conflict(self) -> bool:
        """Term.sentence_conflict: conflict evidence whose theatre its sentence says."""


@dataclass(frozen=True)
class Passage:
    """The best passage of an article: its score, its sentences (1-based, inclusive) and its terms, strongest first."""

    score: float
    first: int
    last: int
    terms: tuple[str, ...]

    def evidence(self) -> tuple[str, str, float, int]:
        """The ``matched_terms`` entry that explains a verdict reached through this passage."""
        return (
            f"passage, sentences {self.first}-{self.last}: {', '.join(self.terms)}",
            "passage",
            round(self.score, 3),
            1,
        )


def best_passage(
    text: str,
    index: PhraseIndex,
    terms: Sequence[_Term],
    weights: Mapping[int, float],
    anchors: frozenset[int],
    rule: _Rule,
    lone: frozenset[int] = frozenset(),
    places: frozenset[int] | None = None,
) -> Passage | None:
    """The highest-scoring passage of ``text``, or None when Libya is no substantial part of the body.

    Libya is a substantial part when at least ``passage_libya_share`` of the body's sentences name it and no
    fewer sentences name Libya than name another theatre (a ``foreign`` term): Libya leads. A roundup, a
    communique or an analysis that gives Libya one paragraph among others is not about Libya, however warlike
    that paragraph.

    Args:
        text: the article body.
        index: the lexicon's phrase index.
        terms: the lexicon's terms.
        weights: term index -> effective weight decided on the whole article (anchoring, split signal,
            statement frame); terms not in it were not matched in the article and count for nothing.
        anchors: the Libya terms that anchor a sentence (unambiguous, or ambiguous in an anchored article).
        rule: the scoring rule.
        lone: bodies of the split named alone in the article (round 23): Libya's names, no conflict evidence in a
            window either (the review of round 23).
        places: the Libyan places, armed groups and processes the article names (round 19, ``elsewhere_hits``).
            None (the default; the passage as rounds 9-26 judged it): every sentence of the body, the dateline
            included, and all its conflict words. Given (round 27, what ``judge`` passes), two things change:
            (1) the wire dateline is no sentence (where a report was filed is no subject of it, round 10);
            (2) a sentence that names another theatre and none of ``places`` gives the window no conflict evidence
            ("Libya congratulates Iraq on the military operations that liberated its cities").
    """
    whose = places is not None  # round 27: the article's whose-conflict rules apply inside the passage too
    if whose and (dateline := DATELINE.match(text)) is not None:  # (1)
        text = text[dateline.end() :]
    hits: list[dict[int, int]] = []
    for words in sentences(text, rule.passage_sentence_tokens):
        counts: dict[int, int] = {}
        match(words, index, counts)
        if whose and names_elsewhere(counts, terms, places):  # (2)
            counts = {i: c for i, c in counts.items() if not terms[i].sentence_conflict}
        hits.append({i: c for i, c in counts.items() if weights.get(i, 0.0) > 0})
    libya_sentences = sum(1 for h in hits if anchors.intersection(h))
    foreign_sentences = sum(1 for h in hits if any("foreign" in terms[i].feeds for i in h))
    if not hits or libya_sentences < max(rule.passage_libya_share * len(hits), foreign_sentences):
        return None
    best: Passage | None = None
    for start in range(len(hits)):
        for stop in range(start + 1, min(start + rule.passage_sentences, len(hits)) + 1):
            window = hits[start:stop]
            if sum(1 for h in window if anchors.intersection(h)) < rule.passage_libya_sentences:
                continue
            found = _judge_window(window, terms, weights, rule, lone)
            # the best score wins; between equal scores, the tightest window (no sentence without evidence)
            if found is not None and (
                best is None or (found[0], best.last - best.first) > (best.score, stop - start - 1)
            ):
                best = Passage(found[0], start + 1, stop, found[1])
    return best


def _judge_window(
    window: list[dict[int, int]],
    terms: Sequence[_Term],
    weights: Mapping[int, float],
    rule: _Rule,
    lone: frozenset[int] = frozenset(),
) -> tuple[float, tuple[str, ...]] | None:
    """(score, terms strongest first) of one window of sentences, or None when it lacks two conflict terms."""
    counts: dict[int, int] = {}
    for sentence in window:
        for i, c in sentence.items():
            counts[i] = counts.get(i, 0) + c
    mass = {"libya": 0.0, "conflict": 0.0, "foreign": 0.0, "offtopic": 0.0, "dispute": 0.0}
    conflict_terms = 0
    contribution: list[tuple[float, str]] = []
    for i, c in counts.items():
        term, value = terms[i], weights[i] * min(c, rule.count_cap)
        feeds = [g for g in term.feeds if g != "conflict"] if i in lone else term.feeds
        for group in feeds:
            key = "conflict" if group == "dispute" else group
            mass[key] = mass.get(key, 0.0) + value
        if {"conflict", "dispute"} & set(feeds):
            conflict_terms += 1
        contribution.append((value, term.term))
    if conflict_terms < rule.passage_conflict_terms:
        return None
    score = combined_score(mass, rule, rule.passage_conflict_min)[0]  # no density: a window's mass as it is
    contribution.sort(key=lambda e: (-e[0], e[1]))
    return min(score, 1e6), tuple(t for _, t in contribution[:8])


def libya_share_factor(
    text: str,
    words: int,
    body_hits: Mapping[int, int],
    anchors: frozenset[int],
    index: PhraseIndex,
    rule: _Rule,
    titled: bool = True,
    theatres: frozenset[int] = frozenset(),
) -> tuple[float, tuple[str, str, float, int] | None]:
    """(factor, its ``matched_terms`` entry or None): the factor is 1, or ((share of the body's sentences that name
    Libya) / ``share_min``) ** 2 when a body of ``share_sentences`` sentences or more names Libya in too few of them
    (``crawler.relevance.lexicon.Scoring``, round 10); the entry is ("share guard: Libya in n of m sentences", "share",
    factor, n). A sentence over ``passage_sentence_tokens`` words counts as its pieces, as in ``sentences``;
    ``words``: the body's word count. Round 24: under a title that names no Libya (``titled`` false), a body of any
    length that names Libya in one sentence only, and another theatre (``theatres``: the other theatres' terms) in
    a sentence without Libya, is a list of subjects with Libya one item (a summit's communique): factor (1/2) ** 2.
    (A neighbour's call about fighting in Libya, naming itself only beside Libya, is not such a list.)"""
    # a shortcut: at least as many Libya names as sentence ends and pieces, the usual case, skips the sentence pass
    # (names may cluster in a few sentences, so on a rare body it answers 1 where the pass would not)
    ends = (
        1
        + sum(map(text.count, (".", "!", "?", "؟", "…", "\n")))
        + words // max(1, rule.passage_sentence_tokens)
    )
    if not anchors or (titled or not theatres) and sum(body_hits.get(i, 0) for i in anchors) >= ends:
        return 1.0, None
    parts = sentences(text, rule.passage_sentence_tokens)
    if (titled or not theatres) and len(parts) < rule.share_sentences:
        return 1.0, None
    named = 0
    for part in parts:
        counts: dict[int, int] = {}
        match(part, index, counts)
        named += bool(anchors.intersection(counts))
    if not titled and named < 2 and _names_others(text, index, anchors, theatres):
        return 0.25, (
            f"share guard: Libya in {named} of {len(parts)} sentences, not in the title",
            "share",
            0.25,
            named,
        )
    if len(parts) < rule.share_sentences:
        return 1.0, None
    factor = min(1.0, named / len(parts) / rule.share_min) ** 2 if rule.share_min else 1.0
    if factor >= 1.0:
        return 1.0, None
    return factor, (
        f"share guard: Libya in {named} of {len(parts)} sentences",
        "share",
        round(factor, 3),
        named,
    )


def _names_others(text: str, index: PhraseIndex, anchors: frozenset[int], theatres: frozenset[int]) -> bool:
    """Whether a sentence of the body names another theatre and no Libya."""
    return any(
        theatres.intersection(hits) and not anchors.intersection(hits) for hits in sentence_hits(text, index)
    )


def theatre_sentence_hits(
    text: str, index: PhraseIndex, terms: Sequence[_Term]
) -> tuple[dict[int, int], dict[int, int]]:
    """Round 23, the speaker beside the theatre: (the body's hits in sentences that name another theatre, the wire
    dateline left out; the same, of those sentences only that tell of no fighting). In a statement about an event
    abroad, Libya named in the same sentence as that theatre is the speaker ("Libya's support for Syria's unity",
    "Tripoli reopened its lines to Damascus"), not a scene of its own. Round 27: a sentence tells of fighting when it
    holds a conflict term that counts alone, of weight 1 or more, that names no body of the split (an attack, fighters,
    an armed group); a Libyan town named beside the other theatre in a sentence without one is where that war's
    consequences arrive (Kufra's hospital readied for the wounded), not a scene (Chadian rebels attacking al-Qatrun).
    Round 28 (the review of round 27): only where the other theatre's war is told (a sentence naming it tells of
    fighting) and no sentence free of any theatre names an armed actor (``Term.armed``); otherwise the calm sentences
    are empty: gunmen attacking a gate near the Chad border, or kidnapping workers from Sudan in Kufra, are Libya's."""
    beside: dict[int, int] = {}
    calm: dict[int, int] = {}
    own_armed = other_war = False
    for hits in sentence_hits(text, index):
        if not any(terms[i].theatre for i in hits):
            own_armed = own_armed or any(terms[i].armed for i in hits)
            continue
        quiet = not any(_fighting(terms[i]) for i in hits)
        other_war = other_war or not quiet
        for i, c in hits.items():
            beside[i] = beside.get(i, 0) + c
            if quiet:
                calm[i] = calm.get(i, 0) + c
    return beside, (calm if other_war and not own_armed else {})


def _fighting(term: _Term) -> bool:
    """Whether a term tells of fighting in its sentence (round 27): conflict evidence that counts alone, of weight 1 or
    more, and no body of the split's name."""
    return "conflict" in term.feeds and term.alone and term.weight >= 1 and not term.body


def unarmed_hits(
    text: str, index: PhraseIndex, terms: Sequence[_Term], places: frozenset[int]
) -> dict[int, int]:
    """Round 28, the war economy beside its armed actor (the review of round 27): the body's occurrences of
    ``Term.beside_armed`` words (fuel smuggling, levies) in sentences that name no armed actor (``Term.armed``), tell
    of no fighting and are not another theatre's (``names_elsewhere``, counted there): a Tunisian guard stopping the
    smuggling of Libyan fuel, its armed escort named in another sentence, is no war economy of Libya's."""
    counts: dict[int, int] = {}
    for hits in sentence_hits(text, index):
        if not armed_or_fighting(hits, terms) and not names_elsewhere(hits, terms, places):
            for i, c in hits.items():
                if terms[i].beside_armed:
                    counts[i] = counts.get(i, 0) + c
    return counts


def armed_or_fighting(hits: Mapping[int, int], terms: Sequence[_Term]) -> bool:
    """Whether a sentence's (or a title's) hits name an armed actor or tell of fighting (``_fighting``; the war economy
    itself, ``Term.beside_armed``, does not)."""
    return any(terms[i].armed or _fighting(terms[i]) and not terms[i].beside_armed for i in hits)


def combined_score(
    score_of: Mapping[str, float],
    rule: _Rule,
    conflict_min: float | None = None,
    dense: bool = True,
    aside: bool = False,
) -> tuple[float, float, float, float]:
    """(score, libya, conflict, focus) of the evidence groups' scores, by the SCORING RULE of seeds/lexicon.toml's
    header: for the whole article and its body alone (crawler.relevance.judge.judge), and for a passage's window with
    ``conflict_min`` = ``passage_conflict_min`` (default: the rule's ``conflict_min``). ``dense``: whether the story
    may be read as dense (round 34: a Libya name leads it, in its title, dateline or first sentence); ``aside``:
    whether its foreign evidence is only an aside (round 36: each other theatre named once in the body, never in its
    title, dateline or first sentence: "like the siege of Sarajevo"), which leaves it dense."""
    whole = conflict_min is None
    conflict_min = rule.conflict_min if conflict_min is None else conflict_min
    libya, conflict = score_of["libya"], score_of["conflict"] + score_of["dispute"]
    foreign, offtopic = score_of["foreign"], score_of["offtopic"]
    focus = libya / (libya + foreign) if libya + foreign > 0 else 0.0
    topic = conflict / (conflict + offtopic) if conflict + offtopic > 0 else 0.0
    libya_min = rule.libya_min
    # round 33: a dense story of no other theatre (the whole article or body, never a passage's window)
    if (
        whole
        and dense
        and rule.dense_conflict
        and (not foreign or aside)
        and conflict >= rule.dense_conflict * conflict_min
    ):
        libya_min *= rule.dense_libya
    evidence = min(
        libya / libya_min if libya_min else math.inf,
        conflict / conflict_min if conflict_min else math.inf,
    )
    focus_ratio = min(1.0, focus / rule.focus_min) if rule.focus_min else 1.0
    topic_ratio = min(1.0, topic / rule.topic_min) if rule.topic_min else 1.0
    return evidence * focus_ratio * topic_ratio, libya, conflict, focus


def names_elsewhere(hits: Mapping[int, int], terms: Sequence[_Term], places: frozenset[int]) -> bool:
    """Whether a sentence's (or a title's) hits name another theatre (a foreign term that is no look-alike of a body
    of the split) and none of ``places``, the Libyan places, armed groups and processes the article names."""
    return any(terms[i].theatre for i in hits) and not places.intersection(hits)


def elsewhere_hits(
    text: str, index: PhraseIndex, terms: Sequence[_Term], places: frozenset[int]
) -> dict[int, int]:
    """Round 19, whose conflict: the body's occurrences of conflict evidence whose theatre its sentence says
    (``Term.sentence_conflict``) in sentences that name another theatre and no Libyan place (only, at most, Libya's
    speakers: "the Presidential Council welcomed the ceasefire in Gaza"). Those words are that theatre's conflict, not
    Libya's."""
    counts: dict[int, int] = {}
    for hits in sentence_hits(text, index):
        if names_elsewhere(hits, terms, places):
            for i, c in hits.items():
                if terms[i].sentence_conflict:
                    counts[i] = counts.get(i, 0) + c
    return counts
