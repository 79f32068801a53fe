"""Round 41 (the review of rounds 38 and 40): today's war told beside an older one, and "the two governments"
abroad.

Round 40 frames a story as history when its title or first sentence names an older war (``Term.era``: the
World Wars, the Italian conquest, the Aouzou war) and the story names no armed actor and no body of today's
war. The review found today's war told that way: children killed by the mines of the 2019 war on Tripoli
beside WWII shells, a Misrata-Tawergha reconciliation ending the displacement of 2011 that invokes Omar
al-Mukhtar, Benghazi's displaced held back by the mines of 2014-2017. ``dated_today``: a sentence that names
no older war and dates fighting to 2011 or later (a year from 2011 beside a word of fighting) says the story's
war is today's, whatever its lead recalls.

Round 38 counts "the two governments" (``Term.pair``) as the second body of the split beside one body. The
review found the dual naming Libya's and another country's governments ("اتفقت الحكومتان الليبية والتونسية", a
trade committee at Ras Ajdir): ``pair_abroad``, the dual followed by two adjectives of nationality, one of
them not Libya's, is no side of the split.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from archive.corpus.arabic import tokens
from crawler.relevance.lexicon import Term
from crawler.relevance.match import PhraseIndex, match
from crawler.relevance.passage import armed_or_fighting
from crawler.relevance.sentences import after_dateline, sentence_hits, sentences

#: A year of today's war, as the body writes it (digits normalised to ASCII by ``tokens``): 2011 to 2039, the
#: Gregorian mark "م" allowed ("2019م", as Saudi papers write it).
_TODAY = re.compile(r"20(?:1[1-9]|[23]\d)م?")
#: The dual of "government", "authority" or (round 44) "ministry", a proclitic or two allowed before it ("بين
#: الحكومتين", "وللحكومتين", "الوزارتين"); as ``tokens`` writes them (no hamza seat: no "institutions" or
#: "bodies", whose adjectives are seldom nationalities: "المؤسستين العسكرية والأمنية", review of round 44).
_DUAL = re.compile(r"^[وفبل]{0,2}(?:ال|لل)?(?:حكومت|سلطت|وزارت)(?:ين|ان)$")
#: The adjectives of nationality that may follow it, as ``tokens`` writes them ("التونسية" -> "التونسيه"):
#: Libya's neighbours and partners. A list, not a pattern: "الحكومتين الشرقية والغربية" (the eastern and
#: western governments) and "الشرعية والموازية" are the split itself (the final review of stop 28). No library
#: lists Arabic nisbas.
_NATIONS = frozenset(
    "التونسيه المصريه الجزائريه السودانيه التشاديه النيجريه المغربيه الموريتانيه المالطيه الايطاليه "
    "الفرنسيه اليونانيه التركيه الروسيه الامريكيه البريطانيه الالمانيه الاسبانيه الاماراتيه القطريه "
    "السعوديه الكويتيه الاردنيه السوريه العراقيه اليمنيه اللبنانيه الفلسطينيه الصوماليه الاثيوبيه "
    "الصينيه الهنديه الباكستانيه الايرانيه".split()
)
_LIBYAN = "الليبيه"
#: Round 46: a year before today's war (1800 to 2010, the Gregorian mark allowed) and the words that make a number a
#: date ("عام 1942", "سنة 1911", "مارس (آذار) 2003"; a bare number may be a count: "2000 مقاتل"). "منذ" before it makes
#: it a yardstick of today's story ("منذ عام 1969"), no date of its event.
_PAST = re.compile(r"(?:1[89]\d\d|200\d|2010)م?")
_DATES = frozenset(
    "عام العام لعام بعام وعام سنه لسنه بسنه وسنه يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر "
    "نوفمبر ديسمبر كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين الثاني الاول صيف شتاء ربيع خريف".split()
)


def dated_today(text: str, index: PhraseIndex, terms: Sequence[Term]) -> bool:
    """Whether a sentence of the body (its wire dateline left out) that names no older war (``Term.era``)
    names a year from 2011 on and a word of fighting (``passage.armed_or_fighting``)."""
    text = after_dateline(text)
    for words in sentences(text, 0):
        if not any(_TODAY.fullmatch(w) for w in words):
            continue
        hits: dict[int, int] = {}
        match(words, index, hits)
        if not any(terms[i].era for i in hits) and armed_or_fighting(hits, terms):
            return True
    return False


def dated_past(*parts: Sequence[str]) -> bool:
    """Round 46: whether the title or the first sentence (``parts``, normalised words) dates its event to a year before
    2011 ("عام 1942", "في مارس (آذار) 2003", "1911م") and neither names a year from 2011 on: a story told as history,
    like one whose title or lead names an older war (``Term.era``)."""
    past = False
    for words in parts:
        for k, word in enumerate(words):
            if _TODAY.fullmatch(word):
                return False
            if _PAST.fullmatch(word) and "منذ" not in words[max(0, k - 2) : k]:
                past = past or word.endswith("م") or k > 0 and words[k - 1] in _DATES
    return past


def pair_abroad(title: str, text: str) -> bool:
    """Whether "the two governments" (or authorities, or ministries) is followed by two adjectives of
    nationality, one of them not Libya's ("الحكومتان الليبية والتونسية", "الوزارتين المصرية والليبية"):
    Libya's and another country's."""
    for part in (title, text):
        words = tokens(part)
        for k, word in enumerate(words[:-2]):
            first, second = words[k + 1], words[k + 2].removeprefix("و")
            if _DUAL.match(word) and {first, second} <= _NATIONS | {_LIBYAN} and {first, second} & _NATIONS:
                return True
    return False


def placed_sides(
    title_hits: Mapping[int, int], text: str, index: PhraseIndex, terms: Sequence[Term]
) -> set[str]:
    """Round 45 (the review of round 44): the sides (``Term.side``) of the seats named in the title, or in a
    body sentence that names a placed pair term itself ("وزارتان للتعليم في طرابلس والبيضاء"). Sudan's "two
    ministries of health", in a story whose title names no seat and whose Tripoli and Benghazi are elsewhere,
    place nothing."""
    found = {terms[i].side for i in title_hits if terms[i].side}
    for hits in sentence_hits(text, index):
        if any(terms[i].placed for i in hits):
            found |= {terms[i].side for i in hits if terms[i].side}
    return found


def framed_weight(term: Term, framed: bool, history: bool) -> bool:
    """Whether a framed story (a statement's or history's, ``judge``) scales this term's weight by statement_factor:
    a country-neutral conflict word or a body's (round 30: the bodies speak, their weight too), and, in a story told
    as history, an armed actor as old as the older war (round 66, ``Term.timeless``: the Libyan army routed at Ouadi
    Doum in 1987 is that war's, h73-16, h200-18; round 64 let it frame the story, not yet weigh as that war's)."""
    return framed and (term.sentence_conflict or history and term.timeless)
