"""The relevance lexicon: its terms, categories and scoring settings, read and validated from ``seeds/lexicon.toml``.

``load_lexicon`` turns the TOML file into a ``Lexicon`` (terms, the ``Scoring`` rule, the phrase index the matcher
walks); a bad file raises a ``ConfigError`` that names the file, the key and the fix. The judgement itself is
``crawler.relevance.judge``.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from archive.errors import ConfigError
from crawler.relevance.learned import Reader, load_reader
from crawler.relevance.match import PhraseIndex, build_index
from crawler.relevance.terms_config import check_shadows, strings, term_fields

logger = logging.getLogger(__name__)

#: The evidence groups a category may feed. "dispute" (words of political standoff and rejection) counts as
#: conflict evidence only when the story names enough distinct bodies of the Libyan split (the split signal).
#: "statement" marks words of condemnation and condolence: one in the title frames the story as a statement.
#: "idiom" feeds no score: a phrase that holds a term's spelling in another sense shadows it (round 16).
#: "welcome" frames a title as a statement only where the title names another theatre (round 17).
#: "gang" marks a criminal gang: a story naming one tells a kidnapping as a crime unless armed men are named (round 23).
#: "envoy" marks Libya's envoy at a forum (UN, Security Council, Human Rights Council, Arab League): it frames a title
#: as a statement where another theatre is named after it and no other Libya name or armed actor (round 32).
#: "offer" marks an offer to mediate, a welcome whose addressee is only a theatre named after it (round 34).
#: "call" marks a call ("تدعو"): a welcome whose addressee is a theatre named after it, with no Libya name after it.
GROUPS = ("libya", "conflict", "foreign", "offtopic", "dispute", "statement", "welcome", "idiom", "gang", "envoy",
          "offer", "call")


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
    # round 33, dense stories: a story whose conflict evidence is at least dense_conflict times conflict_min and that
    # names no other theatre (no foreign evidence) needs only dense_libya of libya_min: a report from the front names
    # its city once or twice (a Tripoli hospital evacuated under shelling); dense_conflict = 0 switches it off
    dense_conflict: float = 2.0
    dense_libya: float = 0.75
    # round 50, camp-marked institutions (crawler/relevance/camps.py): one camp's ministry or registry beside the
    # other's, or beside a refusal of its papers, in a story where Libya is anchored, turns the split signal on and
    # counts as conflict evidence of this weight per institution (count_cap, density); 0 switches it off
    camp_weight: float = 2.0
    # stop 34, the learned second reader (crawler/relevance/learned.py): a story the lexicon scores in [reader_min, 1)
    # is relevant when the reader's probability is reader_p or more; reader names its JSON file, beside the lexicon
    # ("" switches it off)
    reader: str = ""
    reader_min: float = 0.5
    reader_p: float = 0.9

    def __post_init__(self) -> None:
        """Reject values that make the rule meaningless."""
        if not isinstance(self.reader, str):
            raise TypeError(f"reader must be a file name (or \"\" for none), got {self.reader!r}")
        for f in fields(self):
            if f.name == "reader":
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{f.name} must be a non-negative number, got {value!r}")
        if not all(
            0 <= v <= 1
            for v in (
                self.focus_min,
                self.topic_min,
                self.ambiguous_factor,
                self.statement_factor,
                self.passage_libya_share,
                self.share_min,
                self.reader_min,
                self.reader_p,
            )
        ):
            raise ValueError(
                "focus_min, topic_min, ambiguous_factor, statement_factor, passage_libya_share, share_min, reader_min "
                "and reader_p must lie between 0 and 1"
            )
        whole = (
            "anchor_ambiguous_min",
            "split_bodies_min",
            "suffix_min_letters",
            "inflect_min_letters",
            "passage_sentences",
            "passage_sentence_tokens",
            "passage_libya_sentences",
            "passage_conflict_terms",
            "share_sentences",
        )
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
    # one of Libya's speakers: names who speaks, never where a sentence happens (round 19,
    # crawler.relevance.passage.elsewhere_hits); by default a body of the split or a term of a category whose terms
    # are scene = false (officials and institutions); ``speaker = false`` makes a belligerent (Haftar) a place
    speaker: bool = False
    # counts only beside another conflict term of the article (round 22): the dead and wounded of an accident, a fire
    # or a poisoning are no war; ``alone = false`` in the lexicon
    alone: bool = True
    # a word that crime and conflict share (kidnapping, kidnappers, ransom, torture; round 23): in a story that names
    # a criminal gang (a term feeding "gang") and no armed actor (``armed``) it counts for nothing; ``crime = true``
    crime: bool = False
    # names an armed actor (armed men, a militia, mercenaries, a named armed group of Libya; round 23's review): a
    # gang story that names one tells a kidnapping of the conflict; ``armed = true`` on a term or as its category's
    # default (an act such as gunfire is no actor: police exchange fire with gangs too)
    armed: bool = False
    # the seat of a government, also used as its name ("Tripoli reopened its lines to Damascus"; round 23's review):
    # in a statement about another theatre, named only beside that theatre it is the speaker (passage
    # theatre_sentence_hits); a town, an armed group or a battlefield never is; ``seat = true``
    seat: bool = False
    # round 25, a foreign term only: the ambiguous Libya names it is the context of a look-alike of (the West Bank, of
    # its village "برقة"); where it is named, they count as if Libya were not anchored; ``shadows = ["برقة"]``
    shadows: tuple[str, ...] = ()
    # round 26, the armed groups' war economy (fuel smuggling, levies): counts only in a story that names an armed
    # actor (a term with ``armed``); a smuggling gang or a customs seizure with no armed men is crime or trade;
    # ``beside_armed = true``
    beside_armed: bool = False
    # round 29, a trial's outcome (death sentences): counts only in the title or a sentence that names a party to the
    # conflict (crawler/relevance/party.py); an ordinary murder's sentence is no war's; ``beside_party = true``
    beside_party: bool = False
    # round 29: names the former regime (Gaddafi, its figures); a party to the conflict for ``beside_party``
    regime: bool = False
    # round 30: a foreign town that hosted Libya's talks (Skhirat, Bouznika): never one of the ambiguous names that anchor
    # each other (Scoring.anchor_ambiguous_min; Morocco has a House and party congresses of its own); ``venue = true``
    venue: bool = False
    # round 31: names the war's crime whose accused are a party to the conflict (a bombing, a car bomb, killing the
    # protesters of 2011): a party for ``beside_party`` as ``armed`` and ``regime`` are; ``party = true``
    party: bool = False
    # round 38: names both sides of the split at once ("الحكومتين", the two governments): beside one body of the split
    # it counts as the second for ``split_bodies_min``; ``pair = true``
    pair: bool = False
    # round 40: an older war than the one since 2011 (the World Wars, the Italian conquest, Gaddafi's wars): in a title
    # or first sentence it frames the story as history unless today's war is named (round 41: an armed actor, two
    # bodies of the split or "the two governments", fighting dated from 2011: crawler/relevance/history.py); ``era = true``
    era: bool = False
    # round 64: an armed actor older than 2011 as much as of today's war (the Libyan army, a military region): it does
    # not keep a story dated before 2011 from being history, as today's armed actors do (round 41); ``timeless = true``
    timeless: bool = False
    # round 43 (the review of round 42): the side of the split whose seat a Libyan place is ("west": Tripoli; "east":
    # Benghazi, al-Bayda, Tobruk); ``side = "east"``
    side: str = ""
    # round 43: a pair term that names the other side only where the story places both sides (a seat of each, Term.side):
    # an institution the split doubled ("إدارة موازية"), unlike the dual that names both at once; ``placed = true``
    placed: bool = False
    # round 47: a detention told as an abuse (held without charge, for a post): counts only in a story that names a
    # camp of the conflict, an armed actor (``armed``) or two bodies of the split (the split signal); the police of
    # any country detain too; ``beside_camp = true``
    beside_camp: bool = False
    # round 72, a foreign term only: another state's court, prosecution or security service; in a title or first
    # sentence it frames the story as a trial abroad (crawler/relevance/history.py tried_abroad); ``court = true``
    court: bool = False

    @property
    def theatre(self) -> bool:
        """Another war theatre (a foreign term that is no look-alike of a body of the split)."""
        return "foreign" in self.feeds and not self.body

    @property
    def neutral_conflict(self) -> bool:
        """Country-neutral conflict vocabulary: whose conflict it is, the story's places say."""
        return "conflict" in self.feeds and "libya" not in self.feeds

    @property
    def sentence_conflict(self) -> bool:
        """Conflict evidence whose theatre its sentence says (round 19): country-neutral conflict words, and a body of
        the split's conflict weight (round 23: a body speaks of other theatres too; Yemen had a "national accord
        government" of its own)."""
        return self.neutral_conflict or bool(self.body) and "conflict" in self.feeds


@dataclass(frozen=True)
class Lexicon:
    """The loaded, validated lexicon with its phrase index."""

    terms: tuple[Term, ...]
    scoring: Scoring = field(default_factory=Scoring)
    source: str = ""
    # the learned second reader ([scoring] reader), or None
    reader: Reader | None = field(default=None, repr=False, compare=False)
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


def _load_term(
    path: Path, cat: str, feeds: tuple[str, ...], i: int, raw: Any, scene: bool = True, armed: bool = False
) -> Term:
    """One validated ``{ term = ..., weight = ... }`` entry of a category (``terms_config.term_fields``)."""
    return Term(**term_fields(path, cat, feeds, i, raw, scene, armed))


# a crawl process read it 2-3 times (checks, pipeline), ~0.2 s CPU each (issue 10): kept while its bytes are the same
_LOADED: dict[str, tuple[bytes, bytes | None, Lexicon]] = {}


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate a lexicon TOML file (the same object again while the file and its reader are unchanged).

    Raises:
        ConfigError: the file is missing or unreadable, or a key is wrong (the message names file, key and fix).
    """
    path = Path(path)
    seen, data = _LOADED.get(str(path)), _bytes(path)
    if seen is not None and data == seen[0] and _reader_bytes(path, seen[2]) == seen[1]:
        return seen[2]
    lexicon = _read_lexicon(path)
    if data is not None and _bytes(path) == data:  # not edited while it was read
        _LOADED[str(path)] = (data, _reader_bytes(path, lexicon), lexicon)
        while len(_LOADED) > 4:  # a test session loads many lexicons: the latest few kept
            del _LOADED[next(iter(_LOADED))]
    return lexicon


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _reader_bytes(path: Path, lexicon: Lexicon) -> bytes | None:
    return _bytes(path.parent / lexicon.scoring.reader) if lexicon.scoring.reader else b""


def _read_lexicon(path: Path) -> Lexicon:
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))  # a BOM, as Notepad writes, is no error
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 text (byte {exc.start}); save the lexicon as UTF-8") from None
    except IsADirectoryError as exc:
        raise ConfigError(path, "is a folder; pass the lexicon's TOML file (RELEVANCE_LEXICON)") from exc
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
        feeds = tuple(strings(path, f"category.{cat}.feeds", body.get("feeds")))
        if not feeds or any(g not in GROUPS for g in feeds):
            raise ConfigError(
                path, f"must be a non-empty list drawn from {list(GROUPS)}", key=f"category.{cat}.feeds"
            )
        if "dispute" in feeds and len(feeds) > 1:
            raise ConfigError(
                path, 'a "dispute" category feeds nothing else; split it in two', key=f"category.{cat}.feeds"
            )
        scene = body.get("scene", True)  # the default of the category's terms (false: Libya's officials)
        # the default of the category's terms: armed actors (round 23, Term.armed)
        armed = body.get("armed", False)
        for flag, value in (("scene", scene), ("armed", armed)):
            if not isinstance(value, bool):
                raise ConfigError(path, "must be true or false", key=f"category.{cat}.{flag}")
        raw_terms = body.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            raise ConfigError(path, "must be a non-empty list of inline tables", key=f"category.{cat}.terms")
        for i, raw_term in enumerate(raw_terms):
            term = _load_term(path, cat, feeds, i, raw_term, scene, armed)
            for form in term.forms:
                if form in owner:
                    raise ConfigError(
                        path,
                        f"spelling {' '.join(form)!r} is already a spelling of {owner[form]}; keep it in one term",
                        key=f"category.{cat}.terms[{i}] ({term.term})",
                    )
                owner[form] = term.term
            terms.append(term)
    check_shadows(path, terms)
    reader = load_reader(path.parent / scoring.reader) if scoring.reader else None
    lexicon = Lexicon(tuple(terms), scoring, str(path), reader)
    logger.debug("loaded lexicon %s: %d terms, %d spellings", path, len(terms), len(owner))
    return lexicon
