"""Round 40 of the relevance judge (issue 13): history told in the war's words, the class that came back in seven of
this stop's blind sets (the 1986 raid twice, the WWII siege and bombs of Tobruk four times, the battle of al-Hani).

* A term of an older war (``era = true``: the World Wars, the Italian conquest, the Aouzou war, the 1986 raid) in the
  title or the first sentence frames the story as history, as a statement frames it: its country-neutral conflict
  words count at ``statement_factor``, unless an armed actor or a body of today's war is named.
* Never bare "الحرب العالمية" (also "the world war on terror"), nor "الصحراء الغربية" (also Egypt's Western Desert).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from crawler.relevance.sentences import lead_hits, sentence_hits
from tests.helpers import check_probe, labelled_row, matched_names

# written for this round: id -> (title, body, relevant)
PROBES = {
    # a WWII mine, no actor of today's war: history
    "h1": (
        "انفجار لغم من مخلفات الحرب العالمية الثانية يصيب راعيين قرب طبرق",
        "طبرق - وال\nأصيب راعيان بجروح في انفجار لغم أرضي من مخلفات الحرب العالمية الثانية قرب منطقة العدم جنوب طبرق، "
        "حيث دارت معارك عنيفة بين قوات الحلفاء والمحور عام 1941.\nوقال مصدر في مستشفى طبرق إن حالة أحدهما مستقرة، "
        "فيما طالب أعيان المنطقة بمسح شامل للألغام والقذائف القديمة التي ما زالت تنتشر في الصحراء منذ حصار المدينة.",
        False,
    ),
    # the same remnants where today's armed groups fought: the war's story
    "h2": (
        "ألغام الحرب العالمية الثانية وعبوات داعش تعيق عودة النازحين إلى سرت",
        "سرت - وال\nقالت فرق الهندسة العسكرية التابعة لقوات البنيان المرصوص إنها أزالت مئات العبوات الناسفة التي زرعها "
        "تنظيم داعش في أحياء سرت، إلى جانب ألغام من مخلفات الحرب العالمية الثانية، ما يؤخر عودة آلاف النازحين الذين "
        "فروا من المعارك.\nوطالب المجلس البلدي حكومة الوفاق بدعم عاجل لفرق نزع الألغام.",
        True,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_era_terms_and_their_narrowed_spellings(lexicon: Lexicon) -> None:
    era = {t.term for t in lexicon.terms if t.era}
    assert {"الحرب العالمية الثانية", "شريط أوزو", "الغزو الإيطالي", "غارة 1986"} <= era
    spellings = {" ".join(form) for t in lexicon.terms if t.category == "foreign" for form in t.forms}
    assert "الحرب العالميه" not in spellings and "الصحراء الغربيه" not in spellings
    # "the world war on terror" is no world war
    names = matched_names(
        judge("ليبيا الجبهة الجديدة في الحرب العالمية على الإرهاب", "طرابلس - وال\nتحليل.", lexicon)
    )
    assert "الحرب العالمية الثانية" not in names


@pytest.mark.parametrize(
    ("split", "row_id"),
    [
        ("holdout62.jsonl", "h62-24"),
        ("holdout78.jsonl", "h78-09"),
        ("holdout81.jsonl", "h81-31"),
        ("holdout85.jsonl", "h85-05"),
    ],
)
def test_the_blind_errors_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert not judge(*labelled_row(split, row_id), lexicon).relevant


@pytest.mark.parametrize(
    "text",
    [
        "طرابلس - وال\nاشتباكات في الزاوية. وقتل اثنان في طرابلس.",
        "\n\n. انفجار لغم من مخلفات الحرب العالمية الثانية في طبرق",
        "بنغازي - «الوسط»:\n\nقال المتحدث إن قوات الكرامة تقدمت؟ ثم انسحبت",
        "",
    ],
)
def test_lead_hits_is_the_first_sentence_alone(lexicon: Lexicon, text: str) -> None:
    # what leads a story (rounds 34 and 40) is read without cutting and matching the rest of the body
    assert lead_hits(text, lexicon.index) == next(sentence_hits(text, lexicon.index), {})
