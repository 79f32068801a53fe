"""Round 61 of the relevance judge (from holdout206-209's errors, development data since their first judgement).

* A centre, an office or a union (``camps.BRANCHES``) is a camp's institution like a ministry, but only through a seat
  further on ("في بنغازي"), never as its own name ("مركز طرابلس الطبي"), and only in a story that names a camp's
  government: else two of them are one city's branch and another's.
* "Non-acceptance" ("عدم قبول") of the other side's papers is a refusal.
* Two of one thing in the title ("قائمتان", "وفدان", "شهادتا") whose singular the story uses, in a story naming both
  camps, is the split's doubling: one institution's worth more.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import pytest

from archive.corpus.arabic import tokens
from crawler.relevance.camps import camp_marks, camp_split, refusal, title_duals
from crawler.relevance.judge import Lexicon, judge


def test_a_centre_is_marked_by_a_seat_further_on_only_beside_a_government() -> None:
    text = "رفض مركز الجودة الذي أنشأته الحكومة المؤقتة في بنغازي الشهادات، فيما قال المركز الوطني للجودة في طرابلس إنها باطلة."
    assert camp_marks(text) == ["east", "west"]
    assert camp_marks(text, branches=False) == []


def test_a_seat_that_names_the_centre_is_no_camp() -> None:
    assert camp_marks("افتتح الوزير قسما في مركز طرابلس الطبي وآخر في مركز بنغازي الطبي") == []


def test_non_acceptance_is_a_refusal() -> None:
    assert refusal(tokens("قررت النقابة عدم قبول البطاقات الصادرة عن الهيئة الأخرى"))
    assert not refusal(tokens("قررت النقابة قبول البطاقات الصادرة عن الهيئة الأخرى"))


@pytest.mark.parametrize(
    ("title", "text", "duals"),
    [
        ("قائمتان للحجاج", "اعتمدت الوزارة القائمة الأولى", ["قايمتان"]),
        ("وفدان إلى القمة", "وصل الوفد الأول أمس", ["وفدان"]),
        ("شهادتا ميلاد لطفل واحد", "صدرت شهادة من كل مكتب", ["شهادتا"]),
        # a masdar in "-ان" beside its verb is no dual, nor a country in "-ستان"
        ("فقدان صياد", "فقد صياد في البحر", []),
        ("باكستان تستضيف", "استضافت باكستان الاجتماع", []),
        # the singular must be in the story: "two" of nothing it names is no doubling
        ("مستشفيان في المدينتين", "افتتح الوزير المبنى أمس", []),
    ],
)
def test_title_duals(title: str, text: str, duals: list[str]) -> None:
    assert title_duals(tokens(title), tokens(text)) == duals


def test_a_dual_counts_only_where_both_camps_are_named() -> None:
    title = "قائمتان لبعثة الحج"
    both = "اعتمدت الهيئة في طرابلس قائمة، وأرسلت الحكومة المؤقتة في البيضاء قائمة ثانية."
    one = "اعتمدت الهيئة في طرابلس قائمة، وأرسلت بلدية مصراتة قائمة ثانية."
    assert camp_split(tokens(title), tokens(both), title, both) >= 1
    assert camp_split(tokens(title), tokens(one), title, one) == 0


DOUBLED = (
    "مكتبان للهجرة وتأشيرتان.. العمال الوافدون لا يعرفون أي ختم يقبل",
    "طرابلس - «الوسط»\nقرر مكتب مكافحة الهجرة في طرابلس عدم قبول تصاريح العمل التي يصدرها مكتب أنشأته الحكومة "
    "المكلفة من مجلس النواب في بنغازي، وطالب الشركات بتسوية أوضاع عمالها لديه خلال شهر. وقال المكتب في بنغازي إن "
    "تصاريحه «سارية في كامل التراب الليبي». ويقول مقاولون إن عمالهم يخشون التنقل بين المدينتين.",
)
BRANCHES = (
    "نقابتا المعلمين في طرابلس وبنغازي تختلفان على موعد الامتحانات",
    "بنغازي - «الوسط»\nطالبت نقابة المعلمين في طرابلس بتأجيل الامتحانات أسبوعا بسبب الحر، فيما رفضت نقابة المعلمين "
    "في بنغازي التأجيل وقالت إن الطلاب مستعدون. وقالت وزارة التعليم إنها ستدرس الطلبين. وتختلف النقابتان منذ سنوات "
    "على جدول العلاوات والترقيات في القطاع.",
)


def test_the_doubled_office_is_the_split(lexicon: Lexicon) -> None:
    verdict = judge(*DOUBLED, lexicon)
    assert verdict.relevant, verdict.matched_terms
    assert "camp-marked institutions" in [name for name, *_ in verdict.matched_terms]


def test_two_cities_unions_disagreeing_are_no_split(lexicon: Lexicon) -> None:
    verdict = judge(*BRANCHES, lexicon)
    assert not verdict.relevant, verdict.matched_terms
