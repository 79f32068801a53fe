"""Syndicated and duplicate stories: near-duplicate grouping of article bodies (MinHash + LSH, exact check).

One story is one piece of journalism, however many outlets or URLs carry it. An article's body is folded
with ``archive.corpus.arabic.normalise`` (hamza seats, taa marbuta, digits, diacritics), cut into overlapping
word shingles, and summarised by a MinHash signature. The signature is split into LSH bands stored in
the ``story_bands`` table, with a few bands of a second signature over the lead alone (so a copy cut down
to its lead still meets the whole); an article sharing any band with another is a *candidate*. Candidates are then
checked exactly on their shingle sets (no estimate decides a grouping):

* **resemblance**: Jaccard similarity of the two shingle sets is at least ``min_jaccard`` (the same text
  with a different headline, an added intro line, page chrome remnants, spelling variants, light edits); or
* **trimmed copy**: the shorter text is mostly contained in the longer (``min_containment``) *and* the
  longer text's lead is found in the shorter (``min_lead``). Wire copy is trimmed from the bottom
  (inverted pyramid), so a copy missing its last paragraphs keeps the lead; a follow-up report that
  recycles an older story as background has a new lead, and stays a story of its own.

The headline is not compared: outlets rewrite headlines of the same wire copy, and different stories
of one event share headline words.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import sys
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from archive.catalogue import story_rows
from archive.corpus.arabic import tokens

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_PARAMS", "Assignment", "Similarity", "StoryParams", "assign", "band_keys", "lsh_keys", "minhash",
    "ordered_shingles", "same_story", "similarity", "word_shingles",
]

_MAX_HASH = (1 << 61) - 1


@dataclass(frozen=True)
class StoryParams:
    """How articles are grouped into stories; the defaults were chosen on benchmarks/bench_stories.py."""

    shingle_words: int = 3  # words per shingle
    bands: int = 42  # LSH bands ...
    rows: int = 3  # ... of this many MinHash values each (bands * rows permutations)
    min_jaccard: float = 0.5  # resemblance rule
    min_containment: float = 0.6  # trimmed-copy rule: share of the shorter text found in the longer
    min_lead: float = 0.5  # trimmed-copy rule: share of the longer text's lead found in the shorter
    lead_shingles: int = 40  # the lead: this many opening shingles (fewer when the shorter text is shorter)
    lead_bands: int = 8  # LSH bands of the lead's own signature ...
    lead_rows: int = 2  # ... of this many values each
    min_shared: int = 3  # never group on fewer shared shingles than this (very short texts)
    # Stories a new article is compared with at most: per story the member sharing the most LSH bands (the index's
    # own ranking of likely copies), so an article costs the same in a catalogue of any size (issue 10)
    max_candidates: int = 10
    min_contained: int = 10  # trimmed-copy rule: at least this many shared shingles (a sentence, not a phrase)
    seed: int = 20191104  # permutation seed: changing it (or shingle_words, bands, rows) needs a re-index

    def __post_init__(self) -> None:
        if min(self.shingle_words, self.bands, self.rows, self.lead_shingles, self.lead_bands, self.lead_rows,
               self.max_candidates) < 1:
            raise ValueError(f"shingle_words, bands, rows, lead_shingles and max_candidates must be positive: {self!r}")
        for name in ("min_jaccard", "min_containment", "min_lead"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]: {self!r}")

    @property
    def num_perm(self) -> int:
        """The MinHash signature length."""
        return self.bands * self.rows


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class Similarity:
    """How alike two bodies are, on exact shingle sets."""

    jaccard: float  # |A & B| / |A | B|
    containment: float  # |A & B| / min(|A|, |B|)
    lead: float  # share of the longer text's opening shingles found in the shorter
    shared: int  # |A & B|


@dataclass(frozen=True)
class Assignment:
    """The story an article was put in, and why."""

    article_id: str
    story_id: str
    action: str  # "joined" (matched another article), "opened" (first of a new story), "kept" (unchanged story)
    matched: str | None = None  # the article it matched, for "joined"
    similarity: Similarity | None = None


_BLAKE8 = hashlib.blake2b(digest_size=8)  # never updated: each value's hash starts from a copy of it


def _blake8(data: bytes) -> bytes:
    """blake2b of ``data`` with an 8-byte digest, for map(): hashlib has no batch call.

    A copy of an empty hash object, not ``blake2b(data, digest_size=8)``, whose keyword arguments (a dozen, parsed on
    every call) cost more than the hashing: 0.45 -> 0.40 ms of ``word_shingles`` per article (issue 10).
    """
    h = _BLAKE8.copy()
    h.update(data)
    return h.digest()


_TOP_BYTE = bytes(b & (_MAX_HASH >> 56) for b in range(256))  # a value's top byte, its bits above the 61st cleared


def ordered_shingles(text: str, size: int = DEFAULT_PARAMS.shingle_words) -> list[int]:
    """The distinct word shingles of the normalised body as hashes, in order of first appearance.

    A shingle's hash: the first 8 bytes of blake2b over its words joined by a space (UTF-8), little-endian, cut to 61
    bits. Stable across processes and machines (Python's ``hash`` is not): the LSH band keys stored in the catalogue
    are made from these values, so changing them means re-indexing every catalogue.
    """
    return word_shingles(tokens(text), size)


def word_shingles(words: list[str], size: int = DEFAULT_PARAMS.shingle_words) -> list[int]:
    """``ordered_shingles`` of a body already split into ``archive.corpus.arabic.tokens`` (a worker tokenises once)."""
    if not words:
        return []
    n = len(words) - size + 1
    # the loop runs in C: each word encoded once, zip of shifted lists, bytes.join, blake2b, digest, one bytes join
    encoded = list(map(str.encode, words))
    grams = map(b" ".join, zip(*(encoded[i : i + n] for i in range(size)))) if n > 1 else [b" ".join(encoded)]
    digests = bytearray(b"".join(map(_blake8, grams)))
    # cut to 61 bits in C too: the top byte of each little-endian value loses its three high bits (issue 10)
    digests[7::8] = digests[7::8].translate(_TOP_BYTE)
    raw = array("Q")
    raw.frombytes(digests)
    if sys.byteorder != "little":
        raw.byteswap()
    return list(dict.fromkeys(raw))


class _ShingleCache:
    """``ordered_shingles`` of bodies seen lately, by article id, least recently used out first, bounded in bytes.

    Why: a new article is compared with up to ``max_candidates`` stored articles, and recomputing their shingles from
    the stored text (tokens, then a hash per shingle) was 40 % of the writer process's CPU in issue 10's profile, the
    text-keyed 512-entry LRU before this one missing more the larger the crawl. The crawl's workers hand over each new
    article's shingles (``assign(shingles=...)``), kept here at no cost, so an article that later comes up as a
    candidate is a hit. An entry holds the 8-byte hashes only, not the text (the old LRU's keys cost more than its
    values): the body is told by its length and Python's hash (per process, 64 bits) of the body as given, a str or
    the bytes the catalogue stores it as (story_rows.STORED_TEXT, what ``assign`` gives: one body always given the
    same way), so an edited body is recomputed, never served stale. Thread-safe (the thread writer and a reader may
    both assign).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, int], tuple[tuple[int, int], array[int]]] = OrderedDict()

    def get(self, article_id: str, body: str | bytes, size: int) -> array[int] | None:
        """The cached shingles of this article's body, or None."""
        key, seen = (article_id, size), (len(body), hash(body))
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != seen:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, article_id: str, body: str | bytes, size: int, shingles: list[int] | array[int]) -> array[int]:
        """Keep ``shingles`` (``ordered_shingles`` of the body, ``size`` words each) for this article; return them as
        an array."""
        values = shingles if isinstance(shingles, array) else array("q", shingles)
        cost = _entry_bytes(values)
        with self._lock:
            old = self._entries.pop((article_id, size), None)
            if old is not None:
                self.bytes -= _entry_bytes(old[1])
            if cost <= self.max_bytes:
                self._entries[(article_id, size)] = ((len(body), hash(body)), values)
                self.bytes += cost
            while self.bytes > self.max_bytes:
                _, (_, gone) = self._entries.popitem(last=False)
                self.bytes -= _entry_bytes(gone)
        return values


def _entry_bytes(values: array[int]) -> int:
    """What one cache entry costs: its array, and about 400 bytes of key, tuples, ints and the dict's slot around it."""
    return sys.getsizeof(values) + 400


# 16 MB: about 3,900 articles of the benchmark mirror (440 shingles each), 99 % of its candidate look-ups over a
# 5,000-page crawl. It was 8 MB (85 %; 12 MB: 95 %), the memory of the 512-entry LRU before it (the texts as keys,
# 40 % of look-ups): each miss reads the candidate's text and cuts it into shingles again (0.9 ms), and the 7,340
# misses of a replay of that crawl's writes were 1.2 of the writer's 7.9 ms of CPU per article (6.6 ms with 16 MB),
# for 8 MB more in the writer process (issue 10: the ceiling ratio's floor is not met, the tree's RSS is ~40 MB under
# its 500 MB floor). In real news a story's copies come hours or days apart, not spread evenly over the catalogue as
# in the mirror: recency serves them well.
_SHINGLE_CACHE = _ShingleCache(16 << 20)


def _candidate_shingles(db: sqlite_utils.Database, candidate: dict[str, Any], size: int) -> array[int]:
    """``ordered_shingles`` of a candidate's stored body (``story_rows.band_candidates``), from the cache when it
    holds them; else from its text, read now."""
    hit = _SHINGLE_CACHE.get(candidate["id"], candidate["body"], size)
    if hit is not None:
        return hit
    text, body = story_rows.article_text(db, candidate["id"])
    return _SHINGLE_CACHE.put(candidate["id"], body, size, ordered_shingles(text, size))


_MASK64 = (1 << 64) - 1


@functools.lru_cache(maxsize=8)
def _mixer(seed: int) -> tuple[int, int]:
    """The odd multiplier and the offset that re-hash shingles for one seed (a new ``Random`` costs 5 us a call)."""
    rng = random.Random(seed)
    return rng.randrange(1, 1 << 64) | 1, rng.randrange(0, 1 << 64)


def minhash(shingles: list[int] | set[int], params: StoryParams = DEFAULT_PARAMS,
            size: int | None = None) -> tuple[int, ...]:
    """A MinHash signature of ``size`` (default ``params.num_perm``) values; empty set: empty tuple.

    One-permutation hashing with rotation densification (Shrivastava & Li, ICML 2014): every shingle is
    hashed once into one of ``size`` bins and each bin keeps its minimum; an empty bin borrows the value
    of the next non-empty bin to its right, shifted by the distance, so the LSH property holds. It costs
    O(shingles) instead of O(shingles * size) for k independent permutations, in pure Python.
    """
    if not shingles:
        return ()
    k = size or params.num_perm
    mult, add = _mixer(params.seed)
    empty = 1 << 64
    bins = [empty] * k
    for h in shingles:  # divmod and a comparison, not two divisions and min(): 30 % less (issue 10)
        v, j = divmod((h * mult + add) & _MASK64, k)
        if v < bins[j]:
            bins[j] = v
    step = (1 << 64) // k + 1  # a borrowed value never equals a bin's own value
    sig = list(bins)
    for j in range(k):
        if bins[j] == empty:
            d = 1
            while bins[(j + d) % k] == empty:
                d += 1
            sig[j] = bins[(j + d) % k] + d * step
    return tuple(sig)


def band_keys(signature: tuple[int, ...], params: StoryParams = DEFAULT_PARAMS, *, rows: int | None = None,
              first_band: int = 0) -> list[int]:
    """One signed 63-bit key per LSH band of ``rows`` values (band number mixed in: bands never meet others)."""
    rows = rows or params.rows
    # a band's key: blake2b (8 bytes, little-endian, signed) of repr((band number, its values)), hashed in one C
    # chain, as word_shingles does (issue 10); the repr written by one %-format, a third cheaper than repr's
    shape = "(%d, (" + ", ".join(["%d"] * rows) + (",))" if rows == 1 else "))")
    bands = [shape % (first_band + n, *signature[n * rows : (n + 1) * rows]) for n in range(len(signature) // rows)]
    keys = array("q")
    keys.frombytes(b"".join(map(_blake8, map(str.encode, bands))))
    if sys.byteorder != "little":
        keys.byteswap()
    return keys.tolist()


def lsh_keys(shingles: list[int], params: StoryParams = DEFAULT_PARAMS) -> list[int]:
    """The index keys of a body: bands of its whole-text signature, then bands of its lead's signature.

    The lead bands find a short copy of a long story (the lead kept, the rest cut) whose Jaccard
    similarity with the whole is too low for the whole-text bands to meet.
    """
    keys = band_keys(minhash(shingles, params), params)
    lead = shingles[: params.lead_shingles]
    lead_sig = minhash(lead, params, params.lead_bands * params.lead_rows)
    return keys + band_keys(lead_sig, params, rows=params.lead_rows, first_band=params.bands)


def similarity(a: list[int], b: list[int], params: StoryParams = DEFAULT_PARAMS) -> Similarity:
    """Exact resemblance, containment and lead overlap of two ordered shingle lists."""
    return _similarity(a, set(a), b, set(b), params)


def _similarity(a: list[int] | array[int], set_a: set[int], b: list[int] | array[int], set_b: set[int],
                params: StoryParams) -> Similarity:
    """``similarity`` with the sets already made (a new article is compared with several candidates)."""
    if not set_a or not set_b:
        return Similarity(0.0, 0.0, 0.0, 0)
    shared = len(set_a & set_b)
    longer, shorter = (a, set_b) if len(set_a) >= len(set_b) else (b, set_a)
    lead = longer[: max(1, min(params.lead_shingles, len(shorter)))]
    return Similarity(
        jaccard=shared / (len(set_a) + len(set_b) - shared),
        containment=shared / min(len(set_a), len(set_b)),
        lead=sum(map(shorter.__contains__, lead)) / len(lead),  # the loop in C: per shingle, 1 if found
        shared=shared,
    )


def same_story(sim: Similarity, params: StoryParams = DEFAULT_PARAMS) -> bool:
    """True when two bodies are copies of one story (see the module docstring for the two rules)."""
    if sim.shared < params.min_shared:
        return False
    if sim.jaccard >= params.min_jaccard:
        return True
    return (sim.shared >= params.min_contained and sim.containment >= params.min_containment
            and sim.lead >= params.min_lead)


def _story_id(db: sqlite_utils.Database, article_id: str, text: str) -> str:
    """A new story id: derived from its first article (and body), never one already in use."""
    base = hashlib.sha256(f"{article_id}\n{text}".encode()).hexdigest()
    for n in range(len(base) - 15):
        sid = base[n : n + 16]
        if not story_rows.story_id_taken(db, sid):
            return sid
    raise RuntimeError(f"no free story id for article {article_id}")  # 49 sha256 windows all taken: impossible


def assign(db: sqlite_utils.Database, article_id: str, params: StoryParams = DEFAULT_PARAMS, *,
           shingles: list[int] | array[int] | None = None, keys: list[int] | None = None) -> Assignment:
    """Put one stored article in a story (join the best-matching article's story, or open one); update counts.

    Call it after every new or changed article. The caller commits (the Catalogue method wraps it).
    ``shingles`` and ``keys``: the body's ``ordered_shingles`` and ``lsh_keys`` when already computed (the crawl's
    extraction workers compute them, so the process that stores the article does not).
    """
    row = story_rows.article_body(db, article_id)
    if row is None:
        raise KeyError(f"no article {article_id!r} in the catalogue")
    text = row["text"] or ""
    # the worker's array is used as it is (and kept by the cache), not copied into a list of Python ints
    mine = shingles if shingles is not None else ordered_shingles(text, params.shingle_words)
    keys = list(keys) if keys is not None else lsh_keys(mine, params)
    story_rows.replace_bands(db, article_id, keys)
    # for when it comes up as a candidate, whose body band_candidates gives as stored
    _SHINGLE_CACHE.put(article_id, row["body"] or b"", params.shingle_words, mine)
    mine_set = set(mine)
    best: tuple[tuple[float, float], dict[str, Any], Similarity] | None = None
    for cand in story_rows.band_candidates(db, article_id, keys, params.max_candidates):
        theirs = _candidate_shingles(db, cand, params.shingle_words)
        sim = _similarity(mine, mine_set, theirs, set(theirs), params)
        if same_story(sim, params) and (best is None or (sim.jaccard, sim.containment) > best[0]):
            best = ((sim.jaccard, sim.containment), cand, sim)
    old = row["story_id"]
    if best is not None:
        _, cand, sim = best
        story, action, matched = cand["story_id"], "joined", cand["id"]
    else:
        sim, matched = None, None
        alone = old is not None and not story_rows.story_has_others(db, old, article_id)
        story, action = (old, "kept") if alone else (_story_id(db, article_id, text), "opened")
    if story == old and action == "joined":
        action = "kept"
    story_rows.set_article_story(db, article_id, story, matched, round(sim.jaccard, 4) if sim else None)
    if old is None and action == "joined":
        story_rows.join_story(db, story, article_id)  # a new member: counted in, the others not read again
    else:
        story_rows.refresh_story(db, story)
    if old is not None and old != story:
        story_rows.refresh_story(db, old)
    logger.debug("article %s %s story %s (matched %s)", article_id, action, story, matched)
    return Assignment(article_id, story, action, matched, sim)
