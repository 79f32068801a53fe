"""The Arabic-aware search index: the text the FTS index holds and the query form that meets it.

Documents: ``index_text`` writes every normalised word followed by its clitic- and suffix-stripped
candidates (``archive.corpus.arabic.stems``) into the ``search_text`` column of the FTS table.

Queries: ``fts_query`` turns what a user types into an SQLite FTS5 MATCH expression. Each word is
normalised exactly like the documents (hamza, tashkeel, tatweel, ة/ه, ى/ي, digits) and searched
under its own form OR the forms left when a proclitic chain (و ف ب ل ك ال لل) is removed, so
``والحكومة`` finds ``الحكومة``, ``حكومة`` and ``بالحكومة`` alike. Candidates under three letters and
function words (``لديه`` out of ``بلدية``) are not searched: they would match almost every article.

The supported syntax is a small, always-valid subset of FTS5: words (all must match), ``OR`` and
``NOT`` between words, ``"quoted phrases"``, ``-word`` (exclude) and ``word*`` (prefix). Anything
else is treated as text, so no input can make a syntax error. A phrase means its words in that order,
adjacent (each in any of its spellings and clitic forms). The index interleaves each word's forms, so
no FTS5 phrase can say that: the MATCH finds the words close together (NEAR), and
``archive.corpus.phrases`` keeps the articles whose text holds them in order.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from archive.corpus.arabic import normalise, stem_forms, stem_set, stems, tokens

logger = logging.getLogger(__name__)

__all__ = ["STOPWORDS", "ParsedQuery", "QueryTerms", "fts_query", "highlight_html", "index_text", "index_words",
           "parse_query", "query_forms", "query_terms", "snippet_html", "title_similarity"]

#: A query candidate left by stripping a proclitic must have at least this many letters.
MIN_QUERY_STEM = 3

#: Normalised function words: never searched as a candidate that stripping a proclitic produced
#: (the user typed a longer word; these would match nearly every article). Typed on their own they
#: are still searched as typed.
STOPWORDS = frozenset(normalise(w) for w in ["في", "من", "الى", "إلى", "على", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "الذي", "التي", "الذين", "اللذين", "اللتين", "اللاتي", "هو", "هي", "هم", "هن", "نحن", "انت", "كان", "كانت", "يكون", "تكون", "ليس", "ليست", "لدى", "لديه", "لديها", "لديهم", "لها", "لهم", "له", "لنا", "لكم", "لكن", "لقد", "قد", "ثم", "او", "أو", "ام", "أم", "ان", "أن", "إن", "انه", "أنه", "إنه", "انها", "أنها", "إنها", "كما", "بين", "بعد", "قبل", "حتى", "عند", "عندما", "منذ", "خلال", "حول", "ضد", "دون", "غير", "بعض", "كل", "ايضا", "أيضا", "اي", "أي", "التى", "الذى", "اذا", "إذا", "ما", "لا", "لم", "لن", "ولا", "فيه", "فيها", "منه", "منها", "عليه", "عليها", "اليه", "إليه", "اليها", "إليها", "الا", "إلا", "يا", "وقد", "وان", "وأن", "ولم", "ولن", "هناك", "هنا", "حيث", "الان", "الآن", "امس", "أمس", "اليوم"])

# A user query: a quoted phrase, or a run of anything but whitespace and quotes.
_QUERY_RE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_OPERATORS = frozenset({"OR", "AND", "NOT"})


class _JoinedForms(dict[str, str]):
    """A word -> its ``stem_forms`` joined by spaces, made on first use: a body's search text is then one join of
    its words' strings, not of their forms (two a word on average): 0.10 -> 0.04 ms per article (issue 10)."""

    def __missing__(self, word: str) -> str:
        joined = self[word] = " ".join(stem_forms(word))
        return joined


#: Distinct words ``index_words`` keeps joined (a fresh cache once full): some 180 bytes each with the word, so
#: under 8 MB per extraction worker.
_JOINED_MAX = 40_000
_JOINED = _JoinedForms()


def index_text(title: str, text: str) -> str:
    """The normalised words of an article, each followed by its clitic-stripped forms, for the FTS index."""
    return index_words(tokens(f"{title}\n{text}"))


def index_words(words: Iterable[str]) -> str:
    """``index_text`` of an article already split into ``tokens`` (title's, then body's: a worker tokenises once)."""
    global _JOINED
    if len(_JOINED) >= _JOINED_MAX:
        _JOINED = _JoinedForms()  # a new dictionary, not clear(): a thread joining with the old one keeps it
    return " ".join(map(_JOINED.__getitem__, words))


def _proclitic_forms(token: str) -> list[str]:
    """The candidates of ``stems`` that only drop leading letters (proclitics), never a suffix."""
    return [c for c in stems(token) if token.endswith(c) or ("ال" + token).endswith(c)]


def query_forms(token: str) -> list[str]:
    """The index terms one normalised query word is searched under: itself, then proclitic-stripped forms.

    ``query_forms("والحكومه")`` is ``["والحكومه", "الحكومه", "حكومه"]``. Suffixes are not stripped on the
    query side: the index already holds every document word with its suffix removed.
    """
    forms = [token]
    for cand in _proclitic_forms(token)[1:]:
        if len(cand) >= MIN_QUERY_STEM and cand not in STOPWORDS and cand not in forms:
            forms.append(cand)
    return forms


def _quote(term: str) -> str:
    """One FTS5 string (double quotes doubled inside)."""
    return '"' + term.replace('"', '""') + '"'


# A parsed query. A token is the forms one query token is searched under, and whether it is a prefix (``word*``);
# a term is one token, or the tokens of a quoted phrase in order; a conjunction is terms that must all match.
Token = tuple[tuple[str, ...], bool]
Term = tuple[Token, ...]

#: No word has more index forms than this (``stem_forms``: at most five proclitic bases, each with up to two
#: suffix cuts; ``فللكتبتها`` has 15). A phrase's words, adjacent in the text, are at most this many index terms
#: apart per word in ``search_text``, which is the NEAR span that finds them (tests/test_reading_room_probe36.py).
MAX_INDEX_FORMS = 15
#: A phrase is searched as NEAR groups of every combination of its words' forms, up to this many groups; a
#: phrase with more is searched as its words (AND), the text check alone then keeping the phrase hits.
_MAX_NEAR_GROUPS = 16


@dataclass(frozen=True)
class ParsedQuery:
    """A query as a user types it: alternatives (``OR``) of conjunctions of terms, and excluded conjunctions."""

    groups: tuple[tuple[Term, ...], ...] = ()
    negative: tuple[tuple[Term, ...], ...] = ()

    @property
    def has_phrase(self) -> bool:
        """True when a quoted phrase of two or more words takes part: FTS5 alone cannot tell its word order."""
        return any(len(term) > 1 for conj in (*self.groups, *self.negative) for term in conj)


def _word_tokens(word: str) -> list[Token]:
    """The tokens of one typed word (it may normalise to several); ``word*`` makes its last one a prefix."""
    toks = tokens(word)
    return [(tuple(query_forms(t)), word.endswith("*") and i == len(toks) - 1) for i, t in enumerate(toks)]


@lru_cache(maxsize=1024)
def parse_query(query: str) -> ParsedQuery:
    """``query`` as typed, parsed: words, ``"phrases"``, ``OR``, ``NOT word`` / ``-word``, ``word*``."""
    positive: list[tuple[Term, ...] | None] = []  # conjunctions, None marking an OR between two of them
    negative: list[tuple[Term, ...]] = []
    negate_next = False
    for match in _QUERY_RE.finditer(query or ""):
        phrase, bare = match.group(1), match.group(2)
        if bare in _OPERATORS or (bare == "-" and query[match.end():match.end() + 1] == '"'):  # -"phrase"
            if bare in ("NOT", "-"):
                negate_next = True
            elif bare == "OR" and positive and positive[-1] is not None:
                positive.append(None)
            continue
        negate, negate_next = negate_next, False
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negate, bare = True, bare[1:]
        if phrase is not None:
            toks = [t for w in phrase.split() for t in _word_tokens(w)]
            conj = (tuple(toks),) if toks else ()
        else:
            conj = tuple((t,) for t in _word_tokens(bare or ""))
        if conj:
            (negative if negate else positive).append(conj)  # type: ignore[arg-type]
    while positive and positive[-1] is None:
        positive.pop()
    if not positive:
        return ParsedQuery()
    groups: list[tuple[Term, ...]] = [()]
    for conj in positive:
        if conj is None:
            groups.append(())
        else:
            groups[-1] += conj
    return ParsedQuery(tuple(groups), tuple(negative))


def _token_expr(token: Token) -> str:
    forms, prefix = token
    alts = [_quote(f) + ("*" if prefix else "") for f in forms]
    return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def _term_expr(term: Term) -> str:
    """One term as FTS5: a token's forms OR'ed; a phrase as NEAR groups of its forms (a superset: word order and
    adjacency are for ``archive.corpus.phrases.matches``), or, with too many combinations, its tokens AND'ed."""
    if len(term) == 1:
        return _token_expr(term[0])
    combos = 1
    for forms, _ in term:
        combos *= len(forms)
    if combos > _MAX_NEAR_GROUPS:
        return "(" + " AND ".join(map(_token_expr, term)) + ")"
    span = MAX_INDEX_FORMS * len(term)
    choices = [[_quote(f) + ("*" if prefix else "") for f in forms] for forms, prefix in term]
    groups = [f"NEAR({' '.join(combo)}, {span})" for combo in itertools.product(*choices)]
    return groups[0] if len(groups) == 1 else "(" + " OR ".join(groups) + ")"


def _conj_expr(conj: tuple[Term, ...]) -> str:
    exprs = [_term_expr(t) for t in conj]
    return exprs[0] if len(exprs) == 1 else "(" + " AND ".join(exprs) + ")"


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a query as a user types it; ``""`` when it holds no searchable word.

    Example: ``fts_query("والحكومة طرابلس")`` ->
    ``("والحكومه" OR "الحكومه" OR "حكومه") AND "طرابلس"``. A quoted phrase becomes NEAR groups, which find
    its words close together in any order: ``archive.corpus.phrases.matches`` keeps the articles that hold the
    phrase itself. An excluded phrase is left to that check (NOT NEAR would drop articles with the words apart).
    """
    parsed = parse_query(query or "")
    if not parsed.groups:
        return ""
    expr = " OR ".join(" AND ".join(_term_expr(t) for t in conj) for conj in parsed.groups)
    excluded = [_conj_expr(conj) for conj in parsed.negative if all(len(t) == 1 for t in conj)]
    if excluded:
        expr = "(" + expr + ")" + "".join(" NOT " + n for n in excluded)
    return expr


def _word_forms(text: str) -> list[frozenset[str]]:
    """Each content word of ``text`` as the set of forms ``query_forms`` gives it (function words left out)."""
    return [frozenset(query_forms(t)) for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def title_similarity(a: str | None, b: str | None) -> float:
    """How alike two headlines are (0..1): the share of content words, clitics aside, found in the other (Dice)."""
    wa, wb = _word_forms(a or ""), _word_forms(b or "")
    if not wa or not wb:
        return 0.0
    forms_a = frozenset().union(*wa)
    forms_b = frozenset().union(*wb)
    hits = sum(1 for w in wa if w & forms_b) + sum(1 for w in wb if w & forms_a)
    return round(hits / (len(wa) + len(wb)), 4)


# -- showing the hits ----------------------------------------------------------------------------------
# The index column search_text holds normalised forms, so SQLite's snippet()/highlight() cannot mark the
# words of the original text (الحكومة is indexed as الحكومه, حكومه ...). We mark them ourselves: a word of
# the original text is a hit when one of its index forms is one of the query's forms, the very test the
# FTS match made.

# A word as written: letters and digits, and the marks normalise deletes inside a word (tashkeel, tatweel, dagger
# alef, Quranic marks, zero-width joiners and bidi marks), which are not \w: without them الرِّئاسِيِّ is three
# pieces, none of them the word the index holds. So a written word is what ``tokens`` makes one token of.
_SILENT = "".join(ch for ch in map(chr, [*range(0x0600, 0x0700), *range(0x2000, 0x2070), 0xFEFF, 0x00AD])
                  if not ch.isspace() and not normalise(ch))
_DISPLAY_WORD_RE = re.compile(rf"(?:[^\W_]|[{re.escape(_SILENT)}])+")
_WORD_EDGE = (rf"(?<![^\W_])(?<![{re.escape(_SILENT)}])", rf"(?![^\W_])(?![{re.escape(_SILENT)}])")
SNIPPET_WORDS = 36


@dataclass(frozen=True)
class QueryTerms:
    """The index forms a query searches for: whole forms, and the forms of ``word*`` prefixes."""

    forms: frozenset[str]
    prefixes: tuple[str, ...] = ()
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def hits(self, word: str) -> bool:
        """True when ``word`` (as written in the text) is one the query matched."""
        hit = self._seen.get(word)
        if hit is None:
            hit = self._seen[word] = _word_hits(word, self.forms, self.prefixes)
        return hit


@lru_cache(maxsize=65536)
def _word_hits(word: str, forms: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    """Cached worker of ``QueryTerms.hits`` (a page of snippets meets the same words again and again)."""
    for tok in tokens(word):
        candidates = stem_set(tok)
        if candidates & forms:
            return True
        if prefixes and any(c.startswith(p) for c in candidates for p in prefixes):
            return True
    return False


def query_terms(query: str) -> QueryTerms:
    """The forms of the positive words of ``query`` (``-word`` and ``NOT word`` are not highlighted)."""
    forms: set[str] = set()
    prefixes: list[str] = []
    for conj in parse_query(query or "").groups:
        for term in conj:
            for token_forms, prefix in term:
                if prefix:
                    prefixes.extend(f for f in token_forms if f not in prefixes)
                else:
                    forms.update(token_forms)
    return QueryTerms(frozenset(forms), tuple(prefixes))


def _hit_pattern(text: str, terms: QueryTerms) -> re.Pattern[str] | None:
    """A regex of the distinct words of ``text`` that the query matched (whole words), or None when none did.

    Each distinct word is judged once; finding and marking them is then left to the regex engine, which keeps a
    page of snippets cheap even for long articles.
    """
    found = [w for w in set(_DISPLAY_WORD_RE.findall(text)) if terms.hits(w)]
    if not found:
        return None
    found.sort(key=len, reverse=True)
    return re.compile(_WORD_EDGE[0] + "(" + "|".join(map(re.escape, found)) + ")" + _WORD_EDGE[1])


def _marked(text: str, pattern: re.Pattern[str] | None, render: Callable[[str], str] = escape) -> str:
    """``text`` as HTML (each piece through ``render``, which must escape), with the words of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return str(render(text))
    parts = pattern.split(text)  # the captured hits are at the odd positions
    return "".join(f"<mark>{render(p)}</mark>" if i % 2 else str(render(p)) for i, p in enumerate(parts))


def highlight_html(text: str | None, query: str | QueryTerms, render: Callable[[str], str] = escape) -> str:
    """``text`` as HTML (escaped by ``render``) with every word the query matched wrapped in ``<mark>``."""
    terms = query if isinstance(query, QueryTerms) else query_terms(query)
    text = text or ""
    return _marked(text, _hit_pattern(text, terms), render)


def snippet_html(text: str | None, query: str | QueryTerms, words: int = SNIPPET_WORDS,
                 render: Callable[[str], str] = escape) -> str:
    """The ``words``-word passage of ``text`` with the most hits, as escaped HTML with ``<mark>``ed hits.

    Paragraph breaks become spaces; "…" marks text left out at either end. No hit: the opening words.
    """
    terms = query if isinstance(query, QueryTerms) else query_terms(query)
    text = " ".join((text or "").split())
    pattern = _hit_pattern(text, terms)
    spans = [m.span() for m in _DISPLAY_WORD_RE.finditer(text)]
    if len(spans) <= words:
        return _marked(text, pattern, render)
    hit_starts = {m.start() for m in pattern.finditer(text)} if pattern else set()
    hit = [1 if start in hit_starts else 0 for start, _ in spans]
    best, best_start, window = -1, 0, sum(hit[:words])
    for start in range(len(spans) - words + 1):
        if start:
            window += hit[start + words - 1] - hit[start - 1]
        if window > best:
            best, best_start = window, start
    # start a little before the first hit of the best window, so the hit has some context
    first_hit = next((k for k in range(best_start, best_start + words) if hit[k]), best_start)
    start = max(0, min(first_hit - min(6, words // 4), len(spans) - words))
    # whole whitespace-separated pieces, so the signs a word is written with stay ("=SUM(A1:A9)", "«هدنة»"), and
    # the text's own opening and closing signs when the passage reaches them
    begin = 0 if start == 0 else text.rfind(" ", 0, spans[start][0]) + 1
    end = text.find(" ", spans[start + words - 1][1])
    end = len(text) if end < 0 or start + words == len(spans) else end
    html = _marked(text[begin:end], pattern, render)
    return ("… " if begin > 0 else "") + html + (" …" if end < len(text) else "")
