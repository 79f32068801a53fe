"""The text check of a phrase search: does an article hold the phrase's words in that order, adjacent?

The index (``archive.corpus.search.index_text``) writes each word followed by its clitic- and suffix-stripped
forms, so positions in it are not word positions and no FTS5 phrase can say "these words, adjacent". The MATCH
(``archive.corpus.search.fts_query``) finds candidates, the articles holding the words near each other in any
order; ``matches`` reads each candidate's title and body and keeps the ones that hold the phrase: consecutive
words, each one the query word matches by the index's own test (one of the word's index forms is one of the
query word's forms), so ``"وقف إطلاق النار"`` is found in ``ووقفِ إطلاقِ النارِ`` and not in ``النار ... إطلاق``.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

# _folded is normalise without its join of the whitespace: the text ``tokens`` splits into words, made once per
# candidate here (normalise's join costs as much again, and a phrase search checks thousands of candidates)
from archive.corpus.arabic import _folded, stem_set
from archive.corpus.search import ParsedQuery, Term, parse_query

logger = logging.getLogger(__name__)

__all__ = ["matches", "phrase_hit"]

_WORD_RE = re.compile(r"[^\W_]+")  # a token of folded text, as ``tokens`` splits it


def matches(parsed: ParsedQuery, title: str | None, text: str | None) -> bool:
    """Whether an article the MATCH of ``parsed`` found really matches: each phrase's words in order, adjacent.

    The MATCH already held every word; with one alternative, only the phrases are checked here; with several
    (``OR``), every alternative is evaluated again on the text, its words by the index's test. An excluded phrase
    (``-"..."``, left out of the MATCH) drops the article that holds it.
    """
    texts = (_folded(title or ""), _folded(text or ""))
    if any(all(_present(t, texts) for t in conj) for conj in parsed.negative if any(len(t) > 1 for t in conj)):
        return False
    if len(parsed.groups) == 1:
        return all(_present(t, texts) for t in parsed.groups[0] if len(t) > 1)
    return any(all(_present(t, texts) for t in conj) for conj in parsed.groups)


#: ``phrase_hit`` answers by (query, title, body), hashed: a search page checks its candidates two or three times
#: (counts, the window, the ranked page) and the next page again. Some 100 bytes an entry; emptied when full.
_PHRASE_HITS: dict[tuple[str, int, int], int] = {}
_PHRASE_HITS_MAX = 200_000


def phrase_hit(query: str | None, title: str | None, text: str | None) -> int:
    """1 when an article the MATCH of ``query`` found holds its phrases (``matches``), else 0.

    Registered as the SQL function ``search_phrase_hit`` (archive.catalogue.searching) where a search reads the
    articles' text.
    """
    key = (query or "", hash(title), hash(text))
    found = _PHRASE_HITS.get(key)
    if found is None:
        if len(_PHRASE_HITS) >= _PHRASE_HITS_MAX:
            _PHRASE_HITS.clear()
        found = _PHRASE_HITS[key] = int(matches(parse_query(query or ""), title, text))
    return found


def _token_hits(token: str, forms: tuple[str, ...], prefix: bool) -> bool:
    """True when a folded text token is one the query token matches (an index form of it is a query form)."""
    candidates = stem_set(token)
    if prefix:
        return any(c.startswith(f) for c in candidates for f in forms)
    return not candidates.isdisjoint(forms)


@lru_cache(maxsize=1024)
def _cores(forms: tuple[str, ...]) -> tuple[str, ...]:
    """Strings one of which every text token matching these query forms holds (``_present`` looks for them).

    A token one of whose index forms is ``f`` is a proclitic chain, then ``f`` (or ``f`` without its ``ال``,
    as ``للجيش`` holds ``جيش`` for ``الجيش``), then perhaps a suffix (``archive.corpus.arabic.stem_forms``).
    """
    cores = {f[2:] if f.startswith("ال") and len(f) > 2 else f for f in forms}
    return tuple(c for c in cores if not any(o != c and o in c for o in cores))  # "جيش" covers "الجيش"


def _present(term: Term, texts: tuple[str, ...]) -> bool:
    """Whether the term's tokens occur in order, adjacent, in one of the folded texts (title, body).

    Hand-written rather than one regex: ``str.find`` of the first word's core runs at C speed, and only the
    words around each place it is found are tested (a regex that finds a whole word around a core backtracks
    over every word of the text: twice the time of the whole check, on an article of 300 words).
    """
    (forms, prefix), rest = term[0], term[1:]
    for text in texts:
        for core in _cores(forms):
            at = text.find(core)
            while at >= 0:
                start = at
                while start > 0 and text[start - 1].isalnum():
                    start -= 1
                word = _WORD_RE.match(text, start)
                end = word.end() if word else at + 1
                if word and _token_hits(word.group(), forms, prefix) and _followed_by(text, end, rest):
                    return True
                at = text.find(core, max(end, at + 1))
    return False


def _followed_by(text: str, pos: int, rest: Term) -> bool:
    """Whether the words after ``pos`` in ``text`` match ``rest``'s tokens, one each, in order."""
    for forms, prefix in rest:
        word = _WORD_RE.search(text, pos)
        if word is None or not _token_hits(word.group(), forms, prefix):
            return False
        pos = word.end()
    return True
