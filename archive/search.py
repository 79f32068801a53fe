"""The Arabic-aware search index: the text the FTS index holds and the query form that meets it.

Documents: ``index_text`` writes every normalised word followed by its clitic- and suffix-stripped
candidates (``archive.arabic.stems``) into the ``search_text`` column of the FTS table.

Queries: ``fts_query`` turns what a user types into an SQLite FTS5 MATCH expression. Each word is
normalised exactly like the documents (hamza, tashkeel, tatweel, ة/ه, ى/ي, digits) and searched
under its own form OR the forms left when a proclitic chain (و ف ب ل ك ال لل) is removed, so
``والحكومة`` finds ``الحكومة``, ``حكومة`` and ``بالحكومة`` alike. Candidates under three letters and
function words (``لديه`` out of ``بلدية``) are not searched: they would match almost every article.

The supported syntax is a small, always-valid subset of FTS5: words (all must match), ``OR`` and
``NOT`` between words, ``"quoted phrases"`` (their words must all match; word order is not checked
because the index interleaves candidates), ``-word`` (exclude) and ``word*`` (prefix). Anything
else is treated as text, so no input can make a syntax error.
"""

from __future__ import annotations

import logging
import re

from archive.arabic import normalise, stems, tokens

logger = logging.getLogger(__name__)

__all__ = ["STOPWORDS", "fts_query", "index_text", "query_forms", "query_text", "title_similarity"]

#: A query candidate left by stripping a proclitic must have at least this many letters.
MIN_QUERY_STEM = 3

#: Normalised function words: never searched as a candidate that stripping a proclitic produced
#: (the user typed a longer word; these would match nearly every article). Typed on their own they
#: are still searched as typed.
STOPWORDS = frozenset(normalise(w) for w in ["في", "من", "الى", "إلى", "على", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "الذي", "التي", "الذين", "اللذين", "اللتين", "اللاتي", "هو", "هي", "هم", "هن", "نحن", "انت", "كان", "كانت", "يكون", "تكون", "ليس", "ليست", "لدى", "لديه", "لديها", "لديهم", "لها", "لهم", "له", "لنا", "لكم", "لكن", "لقد", "قد", "ثم", "او", "أو", "ام", "أم", "ان", "أن", "إن", "انه", "أنه", "إنه", "انها", "أنها", "إنها", "كما", "بين", "بعد", "قبل", "حتى", "عند", "عندما", "منذ", "خلال", "حول", "ضد", "دون", "غير", "بعض", "كل", "ايضا", "أيضا", "اي", "أي", "التى", "الذى", "اذا", "إذا", "ما", "لا", "لم", "لن", "ولا", "فيه", "فيها", "منه", "منها", "عليه", "عليها", "اليه", "إليه", "اليها", "إليها", "الا", "إلا", "يا", "وقد", "وان", "وأن", "ولم", "ولن", "هناك", "هنا", "حيث", "الان", "الآن", "امس", "أمس", "اليوم"])

# A user query: a quoted phrase, or a run of anything but whitespace and quotes.
_QUERY_RE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_OPERATORS = frozenset({"OR", "AND", "NOT"})


def index_text(title: str, text: str) -> str:
    """The normalised words of an article, each followed by its clitic-stripped forms, for the FTS index."""
    out: list[str] = []
    for token in tokens(f"{title}\n{text}"):
        out.extend(stems(token))
    return " ".join(out)


def query_text(query: str) -> str:
    """A user's query normalised the way ``index_text`` normalises documents (FTS syntax left intact)."""
    return normalise(query)


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


def _word_expr(word: str) -> str | None:
    """The FTS5 expression of one typed word (which may normalise to several tokens), or None if it has none."""
    prefix = word.endswith("*")
    toks = tokens(word)
    if not toks:
        return None
    parts = []
    for i, tok in enumerate(toks):
        star = "*" if prefix and i == len(toks) - 1 else ""
        forms = query_forms(tok)
        alts = [_quote(f) + star for f in forms]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a query as a user types it; ``""`` when it holds no searchable word.

    Example: ``fts_query("والحكومة طرابلس")`` ->
    ``("والحكومه" OR "الحكومه" OR "حكومه") AND ("طرابلس" OR "رابلس")``.
    """
    positive: list[str] = []  # term expressions, with "OR" markers between alternatives
    negative: list[str] = []
    negate_next = False
    for match in _QUERY_RE.finditer(query or ""):
        phrase, bare = match.group(1), match.group(2)
        if bare in _OPERATORS:
            if bare == "NOT":
                negate_next = True
            elif bare == "OR" and positive and positive[-1] != "OR":
                positive.append("OR")
            continue
        negate, negate_next = negate_next, False
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negate, bare = True, bare[1:]
        if phrase is not None:
            exprs = [e for e in (_word_expr(w) for w in phrase.split()) if e]
            expr = None if not exprs else exprs[0] if len(exprs) == 1 else "(" + " AND ".join(exprs) + ")"
        else:
            expr = _word_expr(bare or "")
        if expr is not None:
            (negative if negate else positive).append(expr)
    while positive and positive[-1] == "OR":
        positive.pop()
    if not positive:
        return ""
    joined: list[str] = []
    for item in positive:
        if item != "OR" and joined and joined[-1] != "OR":
            joined.append("AND")
        joined.append(item)
    expr = " ".join(joined)
    if negative:
        expr = "(" + expr + ")" + "".join(" NOT " + n for n in negative)
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
