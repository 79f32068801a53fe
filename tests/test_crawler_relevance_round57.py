"""Round 57 of the relevance judge (from holdout190-193's errors, development data since their first judgement).

* One side calling the other's act "issued by a body with no standing" ("لا صفة لها") or "not binding on the state"
  ("لا تلزم الدولة") is the refusal of round 49's "لا تملك صفة" and "لا يلزمنا": a dispute word, under the split only.
* "A parallel body" ("جسم مواز") and "the two bodies" ("الجهتان") name an institution the split doubled, like "جهة
  موازية": the other side beside one body of the split, only where the story places both sides (a seat of each).
* "Two contradicting bulletins" ("نشرتين متعارضتين") are round 47's conflicting decisions in the dual.

Every probe was written for this round (none is a holdout article); the raised ones fail on round 56 (the phrase
matched no term).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

#: (title, body with the round's phrase, the same body without it, the term the phrase is a spelling of)
RAISED = {
    "a body with no standing": (
        "الحكومة المؤقتة تسمي مجلس إدارة لشركة الكهرباء في بنغازي",
        "أصدر مجلس وزراء الحكومة المؤقتة قراراً بتسمية مجلس إدارة جديد للشركة العامة للكهرباء في بنغازي.\n"
        "ورد المقر الرئيسي للشركة في طرابلس بأن القرار «صادر عن جهة لا صفة لها»، وأن مجلس إدارته المعتمد من المجلس "
        "الرئاسي يبقى المسؤول عن الشبكة كلها.",
        "أصدر مجلس وزراء الحكومة المؤقتة قراراً بتسمية مجلس إدارة جديد للشركة العامة للكهرباء في بنغازي.\n"
        "ورد المقر الرئيسي للشركة في طرابلس بأن القرار «صادر عن جهة أخرى»، وأن مجلس إدارته المعتمد من المجلس "
        "الرئاسي يبقى المسؤول عن الشبكة كلها.",
        "منعدم",
    ),
    "the two bodies' contradicting bulletins": (
        "مركزان للإنذار ونشرتان عن الفيضانات في بنغازي وطرابلس",
        "كلفت الحكومة المكلفة من مجلس النواب مديرا لمركز الإنذار المبكر في بنغازي.\n"
        "وأصدرت الجهتان نشرتين متعارضتين بشأن كميات الأمطار خلال يومين.",
        "كلفت الحكومة المكلفة من مجلس النواب مديرا لمركز الإنذار المبكر في بنغازي.\n"
        "وأصدر المركز نشرة بشأن كميات الأمطار خلال يومين.",
        "قرارات متعارضة",
    ),
}


@pytest.mark.parametrize("probe", sorted(RAISED))
def test_round57_phrases_are_the_splits_dispute_words(lexicon: Lexicon, probe: str) -> None:
    title, body, plain, term = RAISED[probe]
    with_phrase, without = judge(title, body, lexicon), judge(title, plain, lexicon)
    weights = {name: weight for name, _, weight, _ in with_phrase.matched_terms}
    assert weights.get(term, 0) > 0, with_phrase.matched_terms
    assert with_phrase.score > without.score, (with_phrase.score, without.score)


KEPT = {
    "two chambers of commerce": (
        "the two parties to a trade agreement, Libyan and Tunisian, are no doubled institution of the split",
        "اتفاق بين غرفتي التجارة في طرابلس وصفاقس",
        "طرابلس - وال\n"
        "وقعت غرفة التجارة والصناعة في طرابلس ونظيرتها في صفاقس اتفاقا لتنظيم معرض سنوي للمنتجات، واتفقت الجهتان على "
        "تبادل الوفود التجارية بين طرابلس وبنغازي وصفاقس خلال العام.\n"
        "وقال رئيس الغرفة إن المعرض سيقام في الربيع بمشاركة مئة شركة.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(KEPT))
def test_round57_kept(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, KEPT[probe])
