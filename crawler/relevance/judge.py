"""The transparent Libya-conflict relevance judgement: weighted lexicon terms, density and co-occurrence.

The lexicon (``seeds/lexicon.toml``, read by ``crawler.relevance.lexicon``) holds every term, its category and weight,
and the scoring settings; its header comment documents the rule. ``judge`` matches the lexicon on normalised text
with clitics stripped (``archive.corpus.arabic``) and vocabulary inflected (``crawler.relevance.match``) and returns an
``archive.records.Relevance`` whose ``matched_terms`` explain the score; a long piece of several theatres that Libya
leads may be carried by one passage about its conflict (``crawler.relevance.passage``).
"""

from __future__ import annotations

from archive.corpus.arabic import tokens
from archive.records import Relevance
from crawler.relevance.camps import camp_split
from crawler.relevance.frame import envoy_abroad as _envoy_abroad
from crawler.relevance.frame import reaction_hits, tried_abroad
from crawler.relevance.frame import seat_speaks as _seat_speaks
from crawler.relevance.frame import welcomes_abroad as _welcomes_abroad
from crawler.relevance.history import dated_past, dated_today, framed_weight, pair_abroad, placed_sides
from crawler.relevance.lexicon import GROUPS, Lexicon, Scoring, Term, load_lexicon
from crawler.relevance.match import match
from crawler.relevance.names import kunya_hits
from crawler.relevance.party import names_party, partyless_hits
from crawler.relevance.passage import (
    armed_or_fighting,
    best_passage,
    combined_score,
    elsewhere_hits,
    libya_share_factor,
    names_elsewhere,
    theatre_sentence_hits,
    unarmed_hits,
)
from crawler.relevance.sentences import dateline_hits, lead_hits, lead_words

__all__ = ["GROUPS", "Lexicon", "Scoring", "Term", "judge", "load_lexicon"]

#: Round 48: the bodies of the split (Term.body) that govern or command, whose security bodies detain: a detention
#: beside one of them is the split's (mechanism 30); the parliaments, councils and banks hold no one.
_EXECUTIVE = frozenset(
    {"gnu", "gna", "east_government", "tripoli_government", "salvation_government", "general_command"}
)


def judge(
    title: str,
    text: str,
    lexicon: Lexicon,
    *,
    title_words: list[str] | None = None,
    body_words: list[str] | None = None,
) -> Relevance:
    """Judge whether an article is about Libya AND about its armed/political conflict.

    Args:
        title: the article title.
        text: the body, one paragraph per line.
        lexicon: from ``load_lexicon``.
        title_words, body_words: ``tokens(title)`` and ``tokens(text)`` when the caller has them already (an
            extraction worker tokenises a body once for relevance, stories and search: crawler.capture.prepare).

    Returns:
        A Relevance; ``score >= 1`` exactly when ``relevant``; ``matched_terms`` lists
        (term, category, effective weight, title + body count), strongest contribution first; a dispute
        word's effective weight is 0 when the story does not name enough bodies of the split, and a
        country-neutral conflict word's (round 30: and a body's conflict weight) is scaled by ``statement_factor`` in a
        statement frame, whose title's conflict words are the other theatre's (round 30). When only a
        passage makes the article relevant (``crawler.relevance.passage``), the score is the passage's and the
        first entry is ``("passage, sentences a-b: terms...", "passage", passage score, 1)``; one the learned reader
        lifts (stop 34, ``Reader.lift``) scores 1.0 under its line. Country-neutral conflict words counted as another theatre's (round 19) are listed last: ``("another theatre's conflict: ...",
        "elsewhere", 0.0, how many)``; a body of the split whose conflict weight was not counted because it is named
        alone (round 23) is listed last too: ``("a lone body of the split, no conflict weight: ...", "lone body", 0.0,
        n)``. A kidnapping silenced as a gang's crime (round 23), and a war-economy word in a story naming no
        armed actor (round 26) or a death sentence beside no party to the conflict (round 29), are listed with weight 0.
    """
    rule = lexicon.scoring
    body_words = tokens(text) if body_words is None else body_words
    title_hits: dict[int, int] = {}
    body_hits: dict[int, int] = {}
    title_spans: list[tuple[int, int]] = []
    title_words = tokens(title) if title_words is None else title_words
    match(title_words, lexicon.index, title_hits, title_spans)
    match(body_words, lexicon.index, body_hits)
    terms = lexicon.terms
    # round 46: a nisba in a nom de guerre ("أبو يحيى الليبي") names a man, no Libya (crawler/relevance/names.py)
    for hits, words in ((title_hits, title_words), (body_hits, body_words)):
        for i, c in kunya_hits(words, lexicon.index, terms).items():
            if hits.get(i, 0) > c:
                hits[i] -= c
            else:
                hits.pop(i, None)
    matched = set(title_hits) | set(body_hits)
    # An ambiguous name (Tripoli is also Lebanon's) keeps full weight only next to unambiguous Libya evidence,
    # or next to enough other distinct ambiguous Libya names that, together, only Libya fits; round 30: a venue of the
    # talks (Term.venue: Bouznika, Skhirat) is a foreign town, none of those names
    libya_terms = [i for i in matched if "libya" in terms[i].feeds]
    ambiguous_count = sum(1 for i in libya_terms if terms[i].ambiguous and not terms[i].venue)
    anchored = any(not terms[i].ambiguous for i in libya_terms) or (
        rule.anchor_ambiguous_min > 0 and ambiguous_count >= rule.anchor_ambiguous_min
    )
    # The split signal: two or more distinct bodies of the Libyan split in one story (an ambiguous one counts
    # only once Libya is anchored) turn its dispute words into conflict evidence. Naming the House alone, or a
    # dispute word without rival bodies, adds nothing.
    # A foreign term with a body is a look-alike of that body (another country's parliament): where one is named,
    # the body's ambiguous name ("البرلمان") may be it, so that name counts as if Libya were not anchored (round 15).
    shadowed = {terms[i].body for i in matched if terms[i].body and "foreign" in terms[i].feeds}
    # round 25: a foreign term may be the context of a look-alike of a Libya name (the West Bank village of "برقة"):
    # where it is named, that ambiguous name counts as if Libya were not anchored, as a shadowed body's does
    shadowed_names = {name for i in matched for name in terms[i].shadows}
    # the matched terms that keep full weight: unambiguous, or ambiguous where Libya is anchored and unshadowed
    known = {
        i
        for i in matched
        if not terms[i].ambiguous
        or anchored
        and terms[i].body not in shadowed
        and terms[i].term not in shadowed_names
    }
    bodies = {terms[i].body for i in known if terms[i].body and "foreign" not in terms[i].feeds}
    # round 38: "the two governments" beside one body of the split names its other side (Term.pair); round 41: not
    # Libya's and another country's ("الحكومتان الليبية والتونسية", crawler/relevance/history.py)
    # round 43 (the review of round 42): an institution the split doubled (Term.placed) names the other side only
    # where the story places both sides, a seat of each (Term.side): two administrations of one hospital do not
    # round 45 (its review): and one of them in the title or the sentence that names the doubled institution itself
    # (the sentence pass only where such a term is named: most stories that name Tripoli and Benghazi name none)
    sides = {terms[i].side for i in known if terms[i].side}
    placed = (
        len(sides) == 2
        and any(terms[i].placed for i in known)
        and bool(placed_sides(title_hits, text, lexicon.index, terms))
    )
    pair = any(terms[i].pair and (placed or not terms[i].placed) for i in known)
    pair = pair and not pair_abroad(title, text)
    paired = len(bodies) + (1 if bodies and pair else 0)
    # round 48: with no body named, "the two governments" in a Libya story that names an armed actor are the split's two
    # sides (armed formations levying the south's gas convoys, "the two governments in Tripoli and the east" blamed)
    if pair and not bodies and anchored and any(terms[i].armed and not terms[i].crime for i in known):
        paired = 2
    split_on = rule.split_bodies_min > 0 and paired >= rule.split_bodies_min
    # round 50: one camp's ministry or registry beside the other's, or beside a refusal of its papers, is the split
    # told through its institutions (crawler/relevance/camps.py)
    # (only where the lexicon already names seats of both sides or a body of the split: most stories name neither)
    on = rule.camp_weight > 0 and rule.split_bodies_min > 0 and anchored and (len(sides) == 2 or bool(bodies))
    camps = camp_split(title_words, body_words, title, text, not any(terms[i].theatre for i in matched)) if on else 0
    split_on = split_on or bool(camps)
    # The statement frame: a condemnation in the title with no Libyan scene named is Libya speaking about an event
    # elsewhere; its country-neutral conflict words (the event's) count at statement_factor.
    # names of where a wire report was filed are no scene (round 10)
    filed = dateline_hits(text, lexicon.index)
    # a welcome frames a title only beside another theatre ("welcomes the operation in Yemen"; round 17, review):
    # "Libya welcomes the extension of the arms embargo" is about Libya's own war; round 28: the theatre it addresses
    # ("Algeria welcomes the unity government's confidence vote" has Algeria speak)
    # round 32: and Libya's envoy at a forum speaking on another theatre ("Libya's envoy at the Security Council: what
    # happens in Gaza is genocide"); never beside another Libya name or an armed actor (the mercenaries in Libya)
    stated = (
        any(title_hits.get(i) and "statement" in terms[i].feeds for i in matched)
        or _welcomes_abroad(title_spans, terms)
        or _envoy_abroad(title_spans, terms)
    )
    # round 23: a seat of government named only beside the other theatre is the speaker ("Tripoli reopened its lines
    # to Damascus"); a town or an armed group beside it stays a scene (Chadian rebels attacking al-Qatrun); round 27:
    # a town named beside it only in sentences that tell of no fighting is where that war's consequences arrive
    # (Kufra's hospital readied for El Fasher's wounded), no scene; an armed group stays one
    beside, calm = theatre_sentence_hits(text, lexicon.index, terms) if stated else ({}, {})
    # round 30: a town or seat named in a sentence of no theatre, armed actor or fighting is where Libya reacts to the
    # other war (an aid convoy leaving Benghazi), no scene (crawler/relevance/frame.py)
    # round 31 (the review of round 30): and only under a title that names the other theatre; a Libyan condemnation
    # that compares its own shelling with Sudan's war keeps its towns
    title_theatre = any(terms[i].theatre for i in title_hits)
    quiet = reaction_hits(text, lexicon.index, terms) if stated and title_theatre else {}
    # round 33: a seat leading a title that addresses another theatre is its speaker ("Tripoli offers to mediate
    # between Algeria and Mali"), as a seat beside that theatre in the body is (round 23)
    speaking = _seat_speaks(title_spans, terms) if stated and title_theatre else set()
    opening = lead_words(text)  # the body's first sentence: what leads the story (rounds 34 and 40)
    lead = lead_hits(text, lexicon.index, opening)
    # round 40: a title or first sentence naming an older war (Term.era: the World Wars, the Aouzou war, 1911, 1986)
    # frames the story as history, as a statement frames it, unless an armed actor or a body of today's war is named
    # round 41 (the review of round 40): nor where "the two governments" name today's split (Term.pair) or a sentence
    # free of the older war dates fighting to 2011 or later (crawler/relevance/history.py)
    history = (
        (any(terms[i].era for i in (*title_hits, *lead)) or dated_past(title_words, opening))
        and not pair
        and not split_on
        and not any(terms[i].armed and not terms[i].timeless for i in known)
        and not dated_today(text, lexicon.index, terms)
    )
    # (round 28: a name shadowed by its look-alike's context, the West Bank's Burqa, is no scene either: only known)
    framed = (
        history
        or tried_abroad(terms, (*title_hits, *lead), known, split_on, pair)  # round 72: a court abroad (frame.py)
        or stated
        and not any(
            _names_scene(
                terms[i],
                0 if i in speaking else title_hits.get(i, 0),
                body_hits.get(i, 0),
                filed.get(i, 0),
                beside.get(i, 0),
                calm.get(i, 0),
                quiet.get(i, 0),
            )
            for i in known
        )
    )
    # Round 19, whose conflict: a sentence (or the title) that names another theatre and no Libyan place, armed group
    # or process (at most Libya's speakers: its bodies and officials, Term.speaker) is that theatre's; its
    # country-neutral conflict words are not Libya's conflict ("the Presidential Council welcomes the ceasefire in Gaza").
    places = frozenset(i for i in known.intersection(libya_terms) if not terms[i].speaker)
    foreign_named = any(terms[i].theatre for i in matched)
    # round 46: in a story told as history, a title that dates its event before 2011 is the older war's
    title_elsewhere = names_elsewhere(title_hits, terms, places) or history and dated_past(title_words)
    elsewhere = elsewhere_hits(text, lexicon.index, terms, places) if foreign_named else {}
    title_mass = dict.fromkeys(GROUPS, 0.0)
    body_mass = dict.fromkeys(GROUPS, 0.0)
    evidence: list[tuple[float, tuple[str, str, float, int]]] = []
    effective: dict[int, float] = {}
    lone: list[int] = []  # bodies of the split named alone: their conflict weight is not counted (round 23)
    # round 22: a term with alone = false (the dead, the wounded) counts only beside a country-neutral conflict term
    # of weight 1 or more; Libya's own bodies and armies and the weak words (military, forces, army) name no fighting
    # (a flood story names the government and the army too: the review of round 22)
    # round 23 and its review: a story that names a criminal gang tells its kidnapping as a crime (Term.crime words
    # count for nothing) unless it names an armed actor too (Term.armed: armed men, a militia, a named armed group)
    armed_named = any(terms[i].armed and not terms[i].crime for i in known)
    crime_story = not armed_named and any("gang" in terms[i].feeds for i in matched)
    # round 26: the armed groups' war economy (Term.beside_armed: fuel smuggling, levies) counts only beside an
    # armed actor; a smuggling gang or a customs seizure is crime or trade
    # round 46: and the dead and wounded of a crime story (Term.alone false) are the crime's, whatever weapons it names
    silent = {
        i
        for i in matched
        if (terms[i].beside_armed and not armed_named)
        or ((terms[i].crime or not terms[i].alone) and crime_story)
    }
    # round 47: a detention told as an abuse (Term.beside_camp) is the conflict's only in a story that names a camp of
    # it, an armed actor or two bodies of the split; a migrants' centre or a cybercrime law names neither
    # round 48: or one executive body of the split, the authority its security bodies answer to (an academic held by
    # Benghazi's internal security under the parliament-designated government); a parliament passes laws, holds no one
    rulers = bool(bodies & _EXECUTIVE)
    silent |= {i for i in matched if terms[i].beside_camp and not (armed_named or split_on or rulers)}
    # round 28 (the review of round 27): and only in a sentence (or the title) that names an armed actor or tells of
    # fighting; its occurrences elsewhere in the story are trade ("a Tunisian guard foils the smuggling of Libyan fuel")
    economy = [i for i in matched if terms[i].beside_armed and i not in silent]
    unarmed = unarmed_hits(text, lexicon.index, terms, places) if economy else {}
    title_unarmed = bool(economy) and not armed_or_fighting(title_hits, terms)
    # round 29: a trial's outcome (Term.beside_party: death sentences) counts only in the title or a sentence that names
    # a party to the conflict (an armed actor, the former regime, a Libyan name of the conflict); a murder over an
    # inheritance, a drug dealer's or a robber's sentence is ordinary justice
    trials = [i for i in matched if terms[i].beside_party]
    partyless = partyless_hits(text, lexicon.index, terms, places) if trials else {}
    title_partyless = bool(trials) and not names_party(title_hits, terms)
    silent |= {
        i
        for i in trials
        if (title_partyless or not title_hits.get(i)) and body_hits.get(i, 0) <= partyless.get(i, 0)
    }
    backed = any(
        terms[i].neutral_conflict and terms[i].alone and terms[i].weight >= 1 and i not in silent
        for i in known
    )
    for i in matched:
        term = terms[i]
        weight = term.weight if i in known else term.weight * rule.ambiguous_factor
        if (not term.alone and not backed) or i in silent:
            weight = 0.0
        if "dispute" in term.feeds:  # listed either way, but counts only while the split signal is on
            weight = weight * rule.split_factor if split_on else 0.0
        elif framed_weight(term, framed, history):  # round 30: the bodies speak; round 66: history's army
            weight *= rule.statement_factor
        effective[i] = weight
        in_title = 1 if title_hits.get(i) else 0
        body_count = body_hits.get(i, 0)
        # country-neutral conflict words are the conflict of the theatre their sentence names (round 19); a framed
        # title's are the other theatre's (round 30: "a wide Libyan welcome for the Gaza ceasefire"; round 31: only a title
        # that names it)
        title_off = (
            (term.sentence_conflict and (title_elsewhere or framed and title_theatre))
            or (term.beside_armed and title_unarmed)
            or (term.beside_party and title_partyless)
        )
        own_title = 0 if title_off else in_title
        own_body = (
            max(0, body_count - elsewhere.get(i, 0) - unarmed.get(i, 0) - partyless.get(i, 0))
            if term.sentence_conflict
            else body_count
        )
        # round 23: one body of the split named with no fighting word and no second body (a government declaring a
        # flooded town a disaster zone) is evidence of Libya, not of its conflict
        lone_body = bool(term.body) and "conflict" in term.feeds and not (backed or split_on)
        if lone_body and weight:
            lone.append(i)
        for group in term.feeds:
            if group == "conflict" and lone_body:
                continue
            ours = group != "conflict"
            title_mass[group] += weight * (in_title if ours else own_title)
            body_mass[group] += weight * min(body_count if ours else own_body, rule.count_cap)
        contribution = weight * (rule.title_factor * own_title + min(own_body, rule.count_cap))
        count = title_hits.get(i, 0) + body_count
        evidence.append((contribution, (term.term, term.category, round(weight, 3), count)))
    per_100 = 100.0 / max(len(body_words), rule.min_body_tokens)
    score_of = {g: rule.title_factor * title_mass[g] + body_mass[g] * per_100 for g in GROUPS}
    if camps:  # round 50: the camp-marked institutions, conflict evidence like a dispute word under the split
        camp_mass = rule.camp_weight * min(camps, rule.count_cap) * per_100
        score_of["conflict"] += camp_mass
        evidence.append((camp_mass, ("camp-marked institutions", "camps", rule.camp_weight, camps)))
    # round 34 (the review of round 33): a story may be read as dense only where a Libya name leads it (its title,
    # dateline or first sentence): another war's story naming Libya twice in passing, as a comparison, is not
    # round 37 (the review of round 36): the name that leads is no speaker (Libya's ministry condemning a war
    # elsewhere), nor a seat in a first sentence that names a speaker, and a Libyan scene is named outside the dateline
    # (a wire agency's "طرابلس - وال" on another war leads nothing)
    speaks = any(terms[i].speaker for i in known.intersection(lead))
    dense = any(
        "libya" in terms[i].feeds
        and not terms[i].speaker
        and not (terms[i].seat and speaks and i in lead and not title_hits.get(i))
        for i in known.intersection({*title_hits, *filed, *lead})
    ) and any(
        "libya" in terms[i].feeds
        and terms[i].scene
        and not terms[i].speaker
        and (title_hits.get(i, 0) or body_hits.get(i, 0) > filed.get(i, 0))
        for i in known
    )
    # round 36 (the review of round 35): another theatre named once in the body, outside the title, dateline and first
    # sentence, is an aside of a front report ("like the siege of Sarajevo", "as at Kabul's airport")
    aside = all(
        not title_hits.get(i) and body_hits.get(i, 0) <= 1 and i not in lead and i not in filed
        for i in matched
        if "foreign" in terms[i].feeds
    )
    score, libya, conflict, focus = combined_score(score_of, rule, dense=dense, aside=aside)
    score = score if matched else 0.0
    evidence.sort(key=lambda e: (-e[0], e[1][0]))
    explained = tuple(e[1] for e in evidence)
    moved = {i: c for i, c in elsewhere.items() if effective.get(i)}
    moved.update(
        {
            i: moved.get(i, 0) + 1
            for i in title_hits
            if title_elsewhere and effective.get(i) and terms[i].sentence_conflict
        }
    )
    if lone:  # listed last too: the bodies whose name counted for Libya only
        names = ", ".join(terms[i].term for i in lone)
        explained += (
            (f"a lone body of the split, no conflict weight: {names}", "lone body", 0.0, len(lone)),
        )
    if moved:  # listed last: the conflict words counted as another theatre's, and how often
        names = ", ".join(f"{terms[i].term} ({c}x)" for i, c in sorted(moved.items(), key=lambda m: -m[1]))
        explained += ((f"another theatre's conflict: {names}", "elsewhere", 0.0, sum(moved.values())),)
    # the sentences that name Libya, for the share guard and the passage: not a shadowed body's (round 15)
    anchors = frozenset(known.intersection(libya_terms))
    guarded = bool(framed or title_elsewhere or moved)  # the lexicon read the story as another theatre's or history
    if score >= 1.0 and rule.share_sentences > 0:
        # round 24: a title naming no Libya cannot vouch for it; the other theatres are only asked then
        titled = any(title_hits.get(i) for i in anchors)
        theatres = frozenset() if titled else frozenset(i for i in body_hits if terms[i].theatre)
        factor, why = libya_share_factor(
            text, len(body_words), body_hits, anchors, lexicon.index, rule, titled, theatres
        )
        if why is not None:  # explained like a passage: the guard and the share it found lead the evidence
            # round 12: nor can the title vouch for such a body: the body judged alone caps the score
            body_only = combined_score(
                {g: body_mass[g] * per_100 for g in GROUPS}, rule, dense=dense, aside=aside
            )[0]
            score, explained = min(score * factor, body_only), (why, *explained)
            guarded = True
    if score < 1.0 and rule.passage_sentences > 0 and libya > 0 and conflict > 0 and focus < rule.focus_min:
        # a piece in which Libya is one theatre of several: one passage about Libya's conflict is enough
        passage = best_passage(text, lexicon.index, terms, effective, anchors, rule, frozenset(lone), places)
        if passage is not None and passage.score >= 1.0:
            score, explained = passage.score, (passage.evidence(), *explained)
    # stop 34: a story just under the threshold is read again by the learned reader (crawler/relevance/learned.py), not
    # one a guard lowered (a frame, another theatre's words, the share guard) nor a neighbour's (focus): a bag of words
    # cannot tell whose war a sentence tells
    if lexicon.reader is not None and not guarded and focus >= rule.focus_min:
        score, explained = lexicon.reader.lift(score, rule.reader_min, rule.reader_p, title_words, body_words, explained)
    return Relevance(
        relevant=score >= 1.0,
        score=round(min(score, 1e6), 3),
        libya_score=round(libya, 3),
        conflict_score=round(conflict, 3),
        matched_terms=explained,
    )


def _names_scene(
    term: Term, title: int, body: int, filed: int, beside: int, calm: int, quiet: int = 0
) -> bool:
    """Whether a known term (full weight: unambiguous, or anchored and unshadowed) names a Libyan scene that keeps a
    statement title about Libya (round 8): a Libya term with ``scene`` that names no body of the split, in the title or
    in the body more often than it is explained away. Counted away: its occurrences in the wire dateline (where the
    report was filed, round 10); a seat of government's beside the other theatre (the speaker, round 23); a town's in
    the calm sentences beside it (where that war's consequences arrive, round 27); a town's or a seat's in the quiet
    sentences of no theatre (where Libya reacts, round 30); an armed group's never. ``title``, ``body``, ``filed``,
    ``beside``, ``calm``, ``quiet``: its hits in each (``passage.theatre_sentence_hits``, ``frame.reaction_hits``)."""
    if "libya" not in term.feeds or not term.scene or term.body:
        return False
    away = filed + (beside + quiet if term.seat else 0 if "conflict" in term.feeds else calm + quiet)
    return title > 0 or body > away
