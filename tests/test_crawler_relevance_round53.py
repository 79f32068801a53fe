"""Round 53 of the relevance judge (from holdout170-173's errors, development data since their first judgement).

* A minister marked by one camp's government ("وزير الصحة في حكومة الوحدة") is that camp's office, as a ministry is;
  like a mission, only a government's name marks a minister, never a seat ("وزير الصحة يزور بنغازي" is a visit).
* The family adjective "الأسري" (domestic violence, family counselling) normalises as "الأسرى" (prisoners) does: the
  whole phrase is an idiom, consumed, so a domestic-violence story names no prisoners.

Every probe was written for this round (none is a holdout article); each fails on round 52.
"""

from __future__ import annotations

import pytest

from crawler.relevance.camps import camp_marks
from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe


@pytest.mark.parametrize(
    ("sentence", "marks"),
    [
        ("تسلم وزير الصحة في حكومة الوحدة الوطنية مقر الوزارة أمس.", ["west"]),
        ("قالت وزيرة الثقافة بالحكومة المؤقتة إن المهرجان في موعده.", ["east"]),
        ("زار وزير الصحة بنغازي أمس وتفقد المستشفيات.", []),  # a visit: a seat marks no minister
        ("استقبل وزير الخارجية المصري في القاهرة وفدا من الحكومة المؤقتة.", []),  # a foreign minister
    ],
)
def test_a_minister_is_marked_by_a_government_never_by_a_seat(sentence: str, marks: list[str]) -> None:
    assert camp_marks(sentence) == marks


MENDED = {
    "one ministry again": (
        "the eastern ministry handed to the unity government's minister ends two ministries: the split's institutions",
        "وزير التعليم في حكومة الوحدة يتسلم مبنى الوزارة في البيضاء بعد سنوات من الإدارتين",
        "تسلم وزير التعليم في حكومة الوحدة الوطنية أمس مبنى الوزارة في البيضاء من لجنة شكلتها الحكومة المؤقتة، في أول "
        "خطوة لتوحيد الوزارة منذ سنوات.\n"
        "وقال الوزير في كلمة أمام الموظفين إن المدارس في الشرق والغرب ستعمل بتقويم واحد وامتحانات واحدة، وإن مرتبات "
        "المعلمين ستصرف من منظومة واحدة بعد أن ظلت الإدارتان تصدران قرارات متعارضة.\n"
        "وأكد مدير المكتب الإعلامي للوزارة في البيضاء أن التسليم تم بحضور ممثلين عن الحكومتين، وأن ملفات الموظفين نقلت "
        "كاملة.",
        True,
    ),
}

GUARDS = {
    "domestic violence": (
        "a family murder and a call for family counselling: ordinary crime, no prisoners of any war",
        "محكمة جنايات مصراتة تقضي بالسجن المؤبد لرجل قتل شقيقه",
        "قضت محكمة جنايات مصراتة أمس بالسجن المؤبد على رجل أدين بقتل شقيقه طعنا بعد خلاف على قطعة أرض.\n"
        "ودعت مديرية الأمن إلى تفعيل مكاتب الإرشاد الأسري بعد ارتفاع جرائم العنف الأسري في المدينة، وقالت إن التفكك "
        "الأسري وراء أغلب القضايا التي سجلت خلال العام.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round53_mended(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round53_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])


def test_the_family_adjective_counts_no_prisoners(lexicon: Lexicon) -> None:
    *_, title, body, _ = GUARDS["domestic violence"]
    terms = [entry[0] for entry in judge(title, body, lexicon).matched_terms]
    assert "تبادل الأسرى" not in terms
    assert "العنف الأسري" in terms
