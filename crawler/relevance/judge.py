"""The transparent Libya-conflict relevance judgement: weighted lexicon terms, density and co-occurrence.

The lexicon (``seeds/lexicon.toml``) holds every term, its category and weight, and the scoring
settings; its header comment documents the rule. ``judge`` matches the lexicon on normalised text
with clitics stripped (``archive.corpus.arabic``) and vocabulary inflected (``crawler.relevance.match``) and returns an
``archive.records.Relevance`` whose ``matched_terms`` explain the score; a long piece of several theatres that Libya
leads may be carried by one passage about its conflict (``crawler.relevance.passage``).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from archive.corpus.arabic import tokens
from archive.errors import ConfigError
from archive.records import Relevance
from crawler.relevance.match import PhraseIndex, build_index, match
from crawler.relevance.passage import best_passage, combined_score, dateline_hits, libya_share_factor

logger = logging.getLogger(__name__)

#: The evidence groups a category may feed. "dispute" (words of political standoff and rejection) counts as
#: conflict evidence only when the story names enough distinct bodies of the Libyan split (the split signal).
#: "statement" marks words of condemnation and condolence: one in the title frames the story as a statement.
#: "idiom" feeds no score: a phrase that holds a term's spelling in another sense shadows it (round 16).
GROUPS = ("libya", "conflict", "foreign", "offtopic", "dispute", "statement", "idiom")


@dataclass(frozen=True)
class Scoring:
    """The numbers of the scoring rule (``[scoring]`` in the lexicon file)."""

    title_factor: float = 3.0  # a distinct term in the title counts this many times its weight
    # body occurrences of one term are counted at most this often: co-occurrence beats repetition
    count_cap: int = 3
    min_body_tokens: int = 150  # density denominator floor, so a two-line teaser cannot look dense
    libya_min: float = 4.0  # libya_score needed
    conflict_min: float = 4.0  # conflict_score needed
    focus_min: float = 0.6  # libya / (libya + foreign) needed: the story is about Libya, not a neighbour
    topic_min: float = 0.5  # conflict / (conflict + offtopic) needed: war words are not sports metaphors
    ambiguous_factor: float = (
        0.25  # weight kept by an ambiguous term when no unambiguous Libya term is present
    )
    # this many DISTINCT ambiguous Libya terms anchor each other (Zawiya + Tripoli + Presidential Council
    # + GNU is Libya even unnamed); 0 = only an unambiguous term anchors
    anchor_ambiguous_min: int = 3
    # the split signal (round 4): when a story names this many DISTINCT bodies of the Libyan split (terms with
    # a "body": the Presidential Council, the House, the High Council of State, the two governments, the
    # General Command...), its dispute words count as conflict evidence; 0 switches the signal off
    split_bodies_min: int = 2
    split_factor: float = 1.0  # weight multiplier of dispute words while the split signal is on
    # round 5: a spelling word with fewer letters than this (a leading "ال" not counted) matches a text word
    # only with proclitics stripped, never with a suffix stripped: "تعز" (Taiz) must not match "تعزية"
    # (condolence), "عدن" not "عدنان", "الخمس" not "الخمسين"; 0 = suffixes may be stripped for any spelling
    suffix_min_letters: int = 4
    # round 7: vocabulary (terms of categories that feed neither libya nor foreign, so no names) also matches
    # its inflected forms: the article optional ("بإعدام" for "بالإعدام"), the sound plural in every case
    # ("مخطوفون" for "مخطوفين"), a feminine noun's plural and construct ("سيطرتها" for "سيطرة"); an alternate
    # keeps at least this many letters; 0 = spellings match only as written (crawler/relevance/match.py)
    inflect_min_letters: int = 3
    # round 8, the statement frame: when the TITLE holds a statement word (a term feeding "statement": condemns,
    # condolences) and the story names no Libyan SCENE (a Libya term with scene = true, an ambiguous one only once
    # Libya is anchored: a city, an armed group, a process of the split; not "Libya", "Libyan" or an official, who
    # are the speaker, nor a name far more often foreign, such as Sousse), its
    # country-neutral conflict words describe an event that may be anywhere and count at this factor
    # ("Libya condemns the bombing in Ankara"); 1 = off
    statement_factor: float = 0.25
    # round 9, the passage signal (crawler/relevance/passage.py): a window of up to passage_sentences consecutive
    # sentences (a sentence cut at passage_sentence_tokens words) with Libya in passage_libya_sentences sentences,
    # passage_conflict_terms distinct conflict terms of mass passage_conflict_min, and Libya focus and conflict
    # topic inside the window, makes a long multi-theatre article relevant; passage_sentences = 0 switches it off
    passage_sentences: int = 4
    passage_sentence_tokens: int = 60
    passage_libya_sentences: int = 2
    passage_conflict_terms: int = 2
    passage_conflict_min: float = 8.0
    # ... only in an article of several theatres (whole-article focus under focus_min: a Libya-only story is judged
    # whole) that Libya leads: at least this share of the body's sentences name Libya, and no fewer than name
    # another theatre (a foreign term), so a roundup or communique giving Libya one paragraph stays out
    passage_libya_share: float = 0.3
    # round 10, the share guard (crawler/relevance/passage.py libya_share_factor): a body of share_sentences sentences
    # or more naming Libya in under share_min of them is about something else; 0 switches it off
    share_sentences: int = 8
    share_min: float = 0.15

    def __post_init__(self) -> None:
        """Reject values that make the rule meaningless."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{f.name} must be a non-negative number, got {value!r}")
        if not all(
            0 <= v <= 1
            for v in (self.focus_min, self.topic_min, self.ambiguous_factor, self.statement_factor,
                      self.passage_libya_share, self.share_min)
        ):
            raise ValueError(
                "focus_min, topic_min, ambiguous_factor, statement_factor, passage_libya_share and share_min must lie "
                "between 0 and 1"
            )
        whole = ("anchor_ambiguous_min", "split_bodies_min", "suffix_min_letters", "inflect_min_letters",
                 "passage_sentences", "passage_sentence_tokens", "passage_libya_sentences", "passage_conflict_terms",
                 "share_sentences")
        for name in whole:
            if not isinstance(getattr(self, name), int):
                raise TypeError(f"{name} must be a whole number, got {getattr(self, name)!r}")
        if self.count_cap < 1 or self.min_body_tokens < 1:
            raise ValueError("count_cap and min_body_tokens must be at least 1")


@dataclass(frozen=True)
class Term:
    """One lexicon entry: its display form, category, weight and every normalised spelling."""

    term: str
    category: str
    weight: float
    feeds: tuple[str, ...]
    forms: tuple[tuple[str, ...], ...]  # normalised token sequences: the term, its variants, English
    ambiguous: bool = False
    body: str = ""  # the body of the Libyan split this term names ("" = none); see Scoring.split_bodies_min
    # match only with proclitics stripped, never a suffix ("الدوري", league, must not match "الدورية", patrol)
    exact: bool = False
    # may be the scene of a story framed as a statement (Scoring.statement_factor); false for the country's
    # own name and its officials, who are the speaker of "Libya condemns ..." (and never for a body of the split)
    scene: bool = True


@dataclass(frozen=True)
class Lexicon:
    """The loaded, validated lexicon with its phrase index."""

    terms: tuple[Term, ...]
    scoring: Scoring = field(default_factory=Scoring)
    source: str = ""
    # every alternate of a form's first word -> the forms it may begin, longest first (crawler.relevance.match)
    index: PhraseIndex = field(default_factory=lambda: PhraseIndex({}), repr=False, compare=False)

    def __post_init__(self) -> None:
        """Build the phrase index once."""
        rows = [
            (form, i, term.exact, not {"libya", "foreign"} & set(term.feeds))
            for i, term in enumerate(self.terms)
            for form in term.forms
        ]
        rule = self.scoring
        index = build_index(rows, rule.suffix_min_letters, rule.inflect_min_letters)
        object.__setattr__(self, "index", index)


def _strings(path: Path, key: str, value: Any) -> list[str]:
    """A list of non-empty strings, or a ConfigError saying how to write one."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(path, 'must be a list of non-empty strings, e.g. ["طرابلس", "Tripoli"]', key=key)
    return value


def _load_scoring(path: Path, raw: Any) -> Scoring:
    """Read ``[scoring]`` into a Scoring, naming any unknown or bad key."""
    if raw is None:
        return Scoring()
    if not isinstance(raw, dict):
        raise ConfigError(path, "must be a table: [scoring]", key="scoring")
    known = {f.name for f in fields(Scoring)}
    for key in raw:
        if key not in known:
            raise ConfigError(path, f"unknown setting; use one of {sorted(known)}", key=f"scoring.{key}")
    try:
        return Scoring(**raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(path, f"{exc}; fix the value in [scoring]", key="scoring") from exc


def _load_term(path: Path, cat: str, feeds: tuple[str, ...], i: int, raw: Any, scene: bool = True) -> Term:
    """Validate one ``{ term = ..., weight = ... }`` entry of a category."""
    key = f"category.{cat}.terms[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(path, 'must be an inline table: { term = "قصف", weight = 2.5 }', key=key)
    unknown = set(raw) - {
        "term",
        "weight",
        "variants",
        "english",
        "ambiguous",
        "body",
        "exact",
        "scene",
        "note",
    }
    if unknown:
        raise ConfigError(
            path,
            "unknown key; use term, weight, variants, english, ambiguous, body, exact, scene, note",
            key=f"{key}.{min(unknown)}",
        )
    name = raw.get("term")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(path, 'missing or empty; add term = "<Arabic spelling>"', key=f"{key}.term")
    key = f"category.{cat}.terms[{i}] ({name})"
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise ConfigError(path, f"must be a number in (0, 10], got {weight!r}", key=f"{key}.weight")
    for flag in ("ambiguous", "exact", "scene"):
        if not isinstance(raw.get(flag, False), bool):
            raise ConfigError(path, "must be true or false", key=f"{key}.{flag}")
    body = raw.get("body", "")
    if not isinstance(body, str) or (("body" in raw) and not body.strip()):
        raise ConfigError(
            path, 'must be a non-empty name of a body of the split, e.g. body = "house"', key=f"{key}.body"
        )
    spellings = [name, *_strings(path, f"{key}.variants", raw.get("variants"))]
    spellings += _strings(path, f"{key}.english", raw.get("english"))
    forms: list[tuple[str, ...]] = []
    for spelling in spellings:
        form = tuple(tokens(spelling))
        if not form:
            raise ConfigError(path, f"spelling {spelling!r} has no letters or digits; remove it", key=key)
        if form not in forms:
            forms.append(form)
    return Term(
        name,
        cat,
        float(weight),
        feeds,
        tuple(forms),
        raw.get("ambiguous", False),
        body.strip(),
        raw.get("exact", False),
        raw.get("scene", scene),
    )


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate a lexicon TOML file.

    Raises:
        ConfigError: the file is missing or unreadable, or a key is wrong (the message names file, key and fix).
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(
            path, f"cannot read the lexicon ({exc.strerror}); pass an existing TOML file"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML ({exc}); fix the syntax at that line") from exc
    unknown = set(raw) - {"scoring", "category"}
    if unknown:
        raise ConfigError(
            path, "unknown top-level key; use [scoring] and [category.<name>]", key=min(unknown)
        )
    scoring = _load_scoring(path, raw.get("scoring"))
    categories = raw.get("category")
    if not isinstance(categories, dict) or not categories:
        raise ConfigError(
            path, "no categories; add [category.<name>] tables with feeds and terms", key="category"
        )
    terms: list[Term] = []
    owner: dict[tuple[str, ...], str] = {}
    for cat, body in categories.items():
        if not isinstance(body, dict):
            raise ConfigError(path, "must be a table with feeds and terms", key=f"category.{cat}")
        feeds = tuple(_strings(path, f"category.{cat}.feeds", body.get("feeds")))
        if not feeds or any(g not in GROUPS for g in feeds):
            raise ConfigError(
                path, f"must be a non-empty list drawn from {list(GROUPS)}", key=f"category.{cat}.feeds"
            )
        if "dispute" in feeds and len(feeds) > 1:
            raise ConfigError(
                path, 'a "dispute" category feeds nothing else; split it in two', key=f"category.{cat}.feeds"
            )
        scene = body.get("scene", True)  # the default of the category's terms (false: Libya's officials)
        if not isinstance(scene, bool):
            raise ConfigError(path, "must be true or false", key=f"category.{cat}.scene")
        raw_terms = body.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            raise ConfigError(path, "must be a non-empty list of inline tables", key=f"category.{cat}.terms")
        for i, raw_term in enumerate(raw_terms):
            term = _load_term(path, cat, feeds, i, raw_term, scene)
            for form in term.forms:
                if form in owner:
                    raise ConfigError(
                        path,
                        f"spelling {' '.join(form)!r} is already a spelling of {owner[form]}; keep it in one term",
                        key=f"category.{cat}.terms[{i}] ({term.term})",
                    )
                owner[form] = term.term
            terms.append(term)
    lexicon = Lexicon(tuple(terms), scoring, str(path))
    logger.debug("loaded lexicon %s: %d terms, %d spellings", path, len(terms), len(owner))
    return lexicon


def judge(title: str, text: str, lexicon: Lexicon, *, title_words: list[str] | None = None,
          body_words: list[str] | None = None) -> Relevance:
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
        country-neutral conflict word's is scaled by ``statement_factor`` in a statement frame. When only a
        passage makes the article relevant (``crawler.relevance.passage``), the score is the passage's and the
        first entry is ``("passage, sentences a-b: terms...", "passage", passage score, 1)``.
    """
    rule = lexicon.scoring
    body_words = tokens(text) if body_words is None else body_words
    title_hits: dict[int, int] = {}
    body_hits: dict[int, int] = {}
    match(tokens(title) if title_words is None else title_words, lexicon.index, title_hits)
    match(body_words, lexicon.index, body_hits)
    matched = set(title_hits) | set(body_hits)
    terms = lexicon.terms
    # An ambiguous name (Tripoli is also Lebanon's) keeps full weight only next to unambiguous Libya evidence,
    # or next to enough other distinct ambiguous Libya names that, together, only Libya fits.
    libya_terms = [i for i in matched if "libya" in terms[i].feeds]
    ambiguous_count = sum(1 for i in libya_terms if terms[i].ambiguous)
    anchored = any(not terms[i].ambiguous for i in libya_terms) or (
        rule.anchor_ambiguous_min > 0 and ambiguous_count >= rule.anchor_ambiguous_min
    )
    # The split signal: two or more distinct bodies of the Libyan split in one story (an ambiguous one counts
    # only once Libya is anchored) turn its dispute words into conflict evidence. Naming the House alone, or a
    # dispute word without rival bodies, adds nothing.
    # A foreign term with a body is a look-alike of that body (another country's parliament): where one is named,
    # the body's ambiguous name ("البرلمان") may be it, so that name counts as if Libya were not anchored (round 15).
    shadowed = {terms[i].body for i in matched if terms[i].body and "foreign" in terms[i].feeds}
    # the matched terms that keep full weight: unambiguous, or ambiguous where Libya is anchored and unshadowed
    known = {i for i in matched if not terms[i].ambiguous or anchored and terms[i].body not in shadowed}
    bodies = {terms[i].body for i in known if terms[i].body and "foreign" not in terms[i].feeds}
    split_on = rule.split_bodies_min > 0 and len(bodies) >= rule.split_bodies_min
    # The statement frame: a condemnation in the title with no Libyan scene named is Libya speaking about an event
    # elsewhere; its country-neutral conflict words (the event's) count at statement_factor.
    filed = dateline_hits(text, lexicon.index)  # names of where a wire report was filed are no scene (round 10)
    framed = any(title_hits.get(i) and "statement" in terms[i].feeds for i in matched) and not any(
        "libya" in terms[i].feeds and terms[i].scene and not terms[i].body and (anchored or not terms[i].ambiguous)
        and (title_hits.get(i) or body_hits.get(i, 0) > filed.get(i, 0)) for i in matched
    )
    title_mass = dict.fromkeys(GROUPS, 0.0)
    body_mass = dict.fromkeys(GROUPS, 0.0)
    evidence: list[tuple[float, tuple[str, str, float, int]]] = []
    effective: dict[int, float] = {}
    for i in matched:
        term = terms[i]
        weight = term.weight if i in known else term.weight * rule.ambiguous_factor
        if "dispute" in term.feeds:  # listed either way, but counts only while the split signal is on
            weight = weight * rule.split_factor if split_on else 0.0
        elif framed and "conflict" in term.feeds and "libya" not in term.feeds:
            weight *= rule.statement_factor
        effective[i] = weight
        in_title = 1 if title_hits.get(i) else 0
        body_count = body_hits.get(i, 0)
        for group in term.feeds:
            title_mass[group] += weight * in_title
            body_mass[group] += weight * min(body_count, rule.count_cap)
        contribution = weight * (rule.title_factor * in_title + min(body_count, rule.count_cap))
        count = title_hits.get(i, 0) + body_count
        evidence.append((contribution, (term.term, term.category, round(weight, 3), count)))
    per_100 = 100.0 / max(len(body_words), rule.min_body_tokens)
    score_of = {g: rule.title_factor * title_mass[g] + body_mass[g] * per_100 for g in GROUPS}
    score, libya, conflict, focus = combined_score(score_of, rule)
    score = score if matched else 0.0
    evidence.sort(key=lambda e: (-e[0], e[1][0]))
    explained = tuple(e[1] for e in evidence)
    # the sentences that name Libya, for the share guard and the passage: not a shadowed body's (round 15)
    anchors = frozenset(known.intersection(libya_terms))
    if score >= 1.0 and rule.share_sentences > 0:
        factor, why = libya_share_factor(text, len(body_words), body_hits, anchors, lexicon.index, rule)
        if why is not None:  # explained like a passage: the guard and the share it found lead the evidence
            # round 12: nor can the title vouch for such a body: the body judged alone caps the score
            body_only = combined_score({g: body_mass[g] * per_100 for g in GROUPS}, rule)[0]
            score, explained = min(score * factor, body_only), (why, *explained)
    if score < 1.0 and rule.passage_sentences > 0 and libya > 0 and conflict > 0 and focus < rule.focus_min:
        # a piece in which Libya is one theatre of several: one passage about Libya's conflict is enough
        passage = best_passage(text, lexicon.index, terms, effective, anchors, rule)
        if passage is not None and passage.score >= 1.0:
            score, explained = passage.score, (passage.evidence(), *explained)
    return Relevance(
        relevant=score >= 1.0,
        score=round(min(score, 1e6), 3),
        libya_score=round(libya, 3),
        conflict_score=round(conflict, 3),
        matched_terms=explained,
    )
