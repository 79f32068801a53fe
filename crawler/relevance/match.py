"""The lexicon matcher of the relevance judgement: spelling alternates and greedy longest-phrase matching.

A text word matches a lexicon spelling word when one of ``archive.corpus.arabic.stems(word)`` (the word with
proclitics and at most one common suffix stripped) is one of the spelling's alternates. The alternates of a
spelling are the spelling itself and, for vocabulary (terms that are no names, see ``alternates``), its
inflected forms: the article made optional, the sound-plural and feminine endings exchanged, an accusative
alif and a future "س" allowed. Short and
``exact`` spellings keep the round-5 safeguards (never a suffix stripped on either side).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from itertools import compress

from archive.corpus.arabic import stem_set, stems

logger = logging.getLogger(__name__)

#: Attached pronouns a short spelling may still shed ("قصفها", "رفضهم", "خطفنا"): unlike "ه" (also the folded
#: taa marbuta: "حلبة" -> "حلب", "تعزية" -> "تعز") and "يه" / "ات" / "ون" / "ين" / "ان" (nisba, plural, dual:
#: "عدنان" -> "عدن", "الخمسين" -> "الخمس"), they never turn one word into another.
_PRONOUNS = ("هما", "كما", "هم", "هن", "ها", "كم", "نا")

#: Proclitic chains that may precede the article in a spelling word ("بالإعدام" = ب + ال + إعدام).
_BEFORE_ARTICLE = ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")

#: Ending exchanges of Arabic inflection (the spelling's ending -> the endings that are the same word in another
#: grammatical case, number or state). Hand-written rather than a stemmer's: Snowball's Arabic stemmer (PyPI
#: snowballstemmer) conflates exactly the pairs the safeguards keep apart ("الدوري" / "الدورية", "تعزية" / "تعز",
#: "الكرامة" / "كرامة"), and these are the few alternations news text needs:
#:   sound masculine plural, nominative / accusative-genitive / construct, and the feminine plural of the same
#:   participle: "مخطوفين" = "مخطوفون" = "مخطوفي" = "مخطوفو" = "مخطوفات" (never the singular "ة": "مسلحين",
#:   gunmen, is not "القوات المسلحة", a country's armed forces);
#:   feminine singular -> its sound plural and its construct form before a pronoun or dual ending:
#:   "سيطرة" -> "سيطرات", "سيطرت" (text "سيطرتها" sheds "ها", "حكومتين" sheds "ين").
#: Not the reverse "ات" -> "ة": "مواجهات" (clashes) vs "مواجهة" (facing), "عقوبات" (sanctions) vs "عقوبة" (a penalty).
_ENDINGS: dict[str, tuple[str, ...]] = {
    "ين": ("ون", "ان", "ي", "و", "ات"),
    "ون": ("ين", "ان", "ي", "و", "ات"),
    "ه": ("ات", "ت"),
}

#: Letters after which no accusative "ا" (tanween) is written: a vowel letter, or taa marbuta (folded to "ه").
_NO_TANWEEN = ("ا", "و", "ي", "ه")

#: Letters that begin an imperfect verb, which takes the future prefix "س" ("يرفض" -> "سيرفض").
_IMPERFECT = ("ي", "ت", "ن")


def letters(word: str) -> int:
    """Letters of a spelling word, a leading article "ال" not counted ("الخمس" has 3)."""
    return len(word) - 2 if word.startswith("ال") and len(word) > 4 else len(word)


def _without_article(word: str, min_letters: int) -> str | None:
    """``word`` with its article dropped, proclitics before it kept ("بالإعدام" -> "بإعدام"), or None."""
    if word.startswith("لل"):  # the preposition ل + the article: "للميليشيات" -> "لميليشيات"
        return "ل" + word[2:] if len(word) - 2 >= min_letters else None
    for before in _BEFORE_ARTICLE:
        head = before + "ال"
        if word.startswith(head) and len(word) - len(head) >= min_letters:
            return before + word[len(head) :]
    return None


def alternates(word: str, vocabulary: bool, loose: bool, min_letters: int) -> frozenset[str]:
    """The forms of one spelling word a text word may reduce to.

    Args:
        word: a normalised spelling word.
        vocabulary: the term is vocabulary, not a name (names keep their article and ending: "الزاوية" is
            not "زاوية", a corner; "الزنتان" has no plural).
        loose: the spelling may match through a stripped suffix (long enough and not ``exact``).
        min_letters: the fewest letters an inflected alternate keeps (0 = no alternates).
    """
    out = {word}
    if not vocabulary or min_letters <= 0:
        return frozenset(out)
    bare = _without_article(word, min_letters)
    if bare is not None:
        out.add(bare)
    if loose:
        for form in sorted(out):  # a copy: ``out`` grows in the loop
            for ending, others in _ENDINGS.items():
                base = form[: -len(ending)]
                if form.endswith(ending) and letters(base) >= min_letters:
                    out.update(base + other for other in others)
            if not form.startswith("ال") and not form.endswith(_NO_TANWEEN):  # indefinite accusative: "هجوما"
                out.add(form + "ا")
    if word.startswith(_IMPERFECT):  # last, so "سيدين" (from "يدين") never sheds "ين" into "سيدي", Sidi
        out.add("س" + word)
    return frozenset(out)


@lru_cache(maxsize=131072)
def unsuffixed(token: str) -> frozenset[str]:
    """The candidates of ``stems(token)`` that lost proclitics and at most an attached pronoun of ``_PRONOUNS``.

    They are the ones the token, or the token without that pronoun, ends with (or, for the definite form
    "ال" + rest that ``stems`` adds, whose rest it ends with); "تعز" is no tail of "تعزيه".
    """
    tails = [token] + [token[: -len(p)] for p in _PRONOUNS if token.endswith(p) and len(token) - len(p) >= 3]
    return frozenset(
        c
        for c in stems(token)
        if any(t.endswith(c) or (c.startswith("ال") and t.endswith(c[2:])) for t in tails)
    )


#: One index entry: (the form's words, each word's alternates, term index, per-word "may a suffix be stripped").
Entry = tuple[tuple[str, ...], tuple[frozenset[str], ...], int, tuple[bool, ...]]


#: The best match at one position, as ``match`` compares them: (form length, words matched by their own spelling,
#: -term index); larger is better.
Best = tuple[int, int, int]

#: What ``match`` needs of one text word that begins a lexicon form: the best one-word form it is (or None), and per
#: candidate that begins longer forms, (every alternate of their second word, and by each such alternate the forms
#: whose second word it is, longest first).
Start = tuple[Best | None, tuple[tuple[frozenset[str], dict[str, tuple[Entry, ...]]], ...]]

#: What ``match`` needs of a text word that begins longer forms and of the word after it: the best form of one or two
#: words there (or None), and the longer forms whose first two words match, each with how many of those two its own
#: spelling matched, longest first.
Pair = tuple[Best | None, tuple[tuple[Entry, int], ...]]

#: Distinct text words whose ``Start`` an index keeps (a fresh cache once full): some 150 bytes each with the word, so
#: under 10 MB per extraction worker; the benchmark mirror's 2,000 articles hold 4,000 distinct words.
_STARTS_MAX = 50_000
#: Distinct word pairs whose ``Pair`` an index keeps (a fresh cache once full): some 500 bytes each with the two
#: words, so under 8 MB per extraction worker; the benchmark mirror's 2,000 articles hold 2,060.
_PAIRS_MAX = 16_000


class PhraseIndex(dict[str, tuple[Entry, ...]]):
    """``build_index``'s result: the entries by first-word alternate, and per key what lets ``match`` skip most.

    ``singles``: the key's one-word forms; ``follows``: every alternate of the second word of its longer forms. When
    the next text word can reduce to none of those, only the one-word forms can match there: a common first word
    ("حكومه", "قوات") begins dozens of longer forms, each of which was tested against the next word (issue 10).
    ``seconds``: the key's longer forms by each alternate of their second word (``_by_second``).
    ``starts``: per text word, its ``Start``, made once per distinct word: a third of a news body's words begin some
    lexicon form, and what their one-word forms make of them depends on the word alone (issue 10).
    ``pair``: per such word and the word after it, its ``Pair``, made once per distinct pair: testing the first two
    words of every longer form a word begins was half of ``match`` (issue 10).
    """

    def __init__(self, entries: dict[str, tuple[Entry, ...]]) -> None:
        super().__init__(entries)
        self.singles = {key: tuple(e for e in found if len(e[0]) == 1) for key, found in entries.items()}
        self.follows = {
            key: frozenset().union(*(e[1][1] for e in found if len(e[0]) > 1))
            for key, found in entries.items()
            if any(len(e[0]) > 1 for e in found)
        }
        self.seconds = {key: _by_second(entries[key]) for key in self.follows}
        self._starts: dict[str, Start | None] = {}
        self._pairs: dict[tuple[str, str], Pair] = {}

    def starts(self, words: list[str]) -> list[Start | None]:
        """Each word's ``Start``, or None where no lexicon form begins."""
        cache = self._starts
        new = set(words).difference(cache)
        if new:
            if len(cache) + len(new) > _STARTS_MAX:
                # a new dictionary, not clear(): a thread reading the old one keeps what it read
                cache = self._starts = {}
                new = set(words)
            for word in new:
                cache[word] = self._start(word)
        return list(map(cache.__getitem__, words))

    def _start(self, word: str) -> Start | None:
        """``starts`` of one word (uncached)."""
        cands = self.keys() & stem_set(word)
        if not cands:
            return None
        best: Best | None = None
        for cand in cands:
            for form, alts, term_idx, loose in self.singles[cand]:
                found = _candidates(word, loose[0])
                if not alts[0].isdisjoint(found):
                    key = (1, int(form[0] in found), -term_idx)
                    if best is None or key > best:
                        best = key
        longer = tuple(
            (self.follows[cand], self.seconds[cand]) for cand in sorted(cands) if cand in self.follows
        )
        return (best, longer) if best is not None or longer else None

    def pair(self, first: str, second: str, start: Start) -> Pair:
        """The ``Pair`` of a text word that begins longer forms (``start``, its ``Start``) and the word after it."""
        found = self._pairs.get((first, second))
        if found is None:
            if len(self._pairs) >= _PAIRS_MAX:
                self._pairs = {}  # a new dictionary, not clear(), as in starts()
            found = self._pairs[(first, second)] = _pair(first, second, start)
        return found


def _pair(first: str, second: str, start: Start) -> Pair:
    """``PhraseIndex.pair`` (uncached): the best of ``start``'s one-word forms and the two-word forms, and the longer
    forms' first two words tested. The best match at a position is the largest key of all forms that match there,
    whatever order they are tested in."""
    best, longer = start
    after = stem_set(second)
    rest: list[tuple[Entry, int]] = []
    tested: set[int] = set()
    for follows, by_second in longer:
        for alt in follows.intersection(after):
            for entry in by_second[alt]:
                if id(entry) in tested:
                    continue
                tested.add(id(entry))
                form, alts, term_idx, loose = entry
                found = _candidates(first, loose[0])
                if alts[0].isdisjoint(found):
                    continue
                found_next = _candidates(second, loose[1])
                if alts[1].isdisjoint(found_next):
                    continue
                own = (form[0] in found) + (form[1] in found_next)
                if len(form) > 2:
                    rest.append((entry, own))
                elif best is None or (2, own, -term_idx) > best:
                    best = (2, own, -term_idx)
    rest.sort(key=lambda e: -len(e[0][0]))
    return best, tuple(rest)


def _by_second(entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    """The longer forms of ``entries`` by every alternate of their second word, longest first as in ``entries``.

    So ``match`` tests only the forms whose second word the next text word may be: "حكومه" begins 39 forms, and on
    the benchmark mirror one in five of the forms tested had a second word that could match (issue 10).
    """
    out: dict[str, list[Entry]] = {}
    for entry in entries:
        if len(entry[0]) > 1:
            for alt in entry[1][1]:
                out.setdefault(alt, []).append(entry)
    return {alt: tuple(found) for alt, found in out.items()}


def build_index(
    forms: list[tuple[tuple[str, ...], int, bool, bool]], suffix_min_letters: int, inflect_min_letters: int
) -> PhraseIndex:
    """Index (form, term index, exact, vocabulary) rows by every alternate of their first word, longest first."""
    index: dict[str, list[Entry]] = {}
    for form, term_idx, exact, vocabulary in forms:
        loose = tuple(not exact and letters(word) >= suffix_min_letters for word in form)
        alts = tuple(
            alternates(word, vocabulary and not exact, loose[k], inflect_min_letters)
            for k, word in enumerate(form)
        )
        entry = (form, alts, term_idx, loose)
        for key in alts[0]:
            index.setdefault(key, []).append(entry)
    return PhraseIndex({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()})


def _candidates(word: str, loose: bool) -> frozenset[str]:
    """What a text word may reduce to for a spelling word (a stripped suffix allowed only when ``loose``)."""
    return stem_set(word) if loose else unsuffixed(word)


def match(
    words: list[str], index: PhraseIndex, counts: dict[int, int], spans: list[tuple[int, int]] | None = None
) -> None:
    """Count greedy longest matches of indexed forms in ``words`` into ``counts`` (term index -> hits).

    At one position the longest form wins; between forms of one length, the one whose own spelling (not an
    inflected alternate) matches more words, then the one listed first in the lexicon. When ``spans`` is given, each
    match's (position of its first word, term index) is appended to it, in order (round 28: who speaks in a title).
    """
    n = len(words)
    starts = index.starts(words)
    # the candidates of the words after a pair, strict and loose, made once per position: a longer form's third and
    # later words are tested against the same words by every form that begins with the same pair
    seen: tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]] = ({}, {})
    free = 0  # the first position not inside a match already counted
    for i in compress(range(n), starts):  # only the words that begin a form (a third of a body's)
        if i < free:
            continue
        start = starts[i]
        best = start[0]
        if start[1] and i + 1 < n:
            best, rest = index.pair(words[i], words[i + 1], start)
            for (form, alts, term_idx, loose), own in rest:
                size = len(form)
                if best is not None and size < best[0]:
                    break  # longest first
                if i + size > n:
                    continue
                for k in range(2, size):
                    memo = seen[loose[k]]
                    found = memo.get(i + k)
                    if found is None:
                        found = memo[i + k] = _candidates(words[i + k], loose[k])
                    if alts[k].isdisjoint(found):
                        break
                    own += form[k] in found
                else:
                    key = (size, own, -term_idx)
                    if best is None or key > best:
                        best = key
        if best is not None:
            counts[-best[2]] = counts.get(-best[2], 0) + 1
            free = i + best[0]
            if spans is not None:
                spans.append((i, -best[2]))
