"""Round 55 of the relevance judge (from holdout182-185's errors, development data since their first judgement).

* A court's stay, or a body's freeze, of the other side's act ("وقف تنفيذ", "يوقف قرار", "وقف العمل بقانون", "تجميد
  قرارات") is a dispute word: it counts only beside two bodies of the split, like "منعدم" or "صلاحيات".
* So is "illegal" ("غير قانونية": the House's presidency on members meeting in Tripoli); illegal migration and entry
  ("الهجرة غير القانونية", "بطريقة غير قانونية") are idioms, never the legitimacy of a rival authority.

Every probe was written for this round (none is a holdout article); the mended ones fail on round 54.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

MENDED = {
    "a court stays a decree": (
        "an administrative court staying one body's decree in a story of two bodies of the split is the contest itself",
        "محكمة استئناف البيضاء توقف قرار حكومة الوحدة بتعيين مدير جديد لجهاز الإسعاف",
        "البيضاء - وكالات\n"
        "قضت دائرة القضاء الإداري بمحكمة استئناف البيضاء بوقف تنفيذ قرار حكومة الوحدة الوطنية بتعيين مدير جديد "
        "لجهاز الإسعاف والطوارئ، في دعوى أقامها موظفون قالوا إن الحكومة المكلفة من مجلس النواب هي الجهة المختصة.\n"
        "وقالت الحكومة في طرابلس إنها ستطعن في الحكم أمام المحكمة العليا.",
        True,
    ),
    "unlawful sessions": (
        "one chamber calling the other side's sessions unlawful, in a brief that names two bodies of the split",
        "المجلس الأعلى للدولة: جلسات مجلس النواب بشأن المفوضية غير قانونية",
        "طرابلس - «الوسط»\n"
        "قال المجلس الأعلى للدولة إن الجلسات التي عقدها مجلس النواب في بنغازي لاختيار مجلس إدارة جديد لمفوضية "
        "الانتخابات «غير قانونية»، لأنها تمت دون التشاور معه كما ينص الاتفاق السياسي.\n"
        "ولم يصدر تعليق فوري عن رئاسة مجلس النواب.",
        True,
    ),
}

KEPT = {
    "another country's court": (
        "a stay of execution with no body of Libya's split is that country's court, whatever it suspends",
        "القضاء الإداري في القاهرة يوقف قرار وزير التعليم بشأن امتحانات الثانوية",
        "القاهرة - وكالات\n"
        "قضت محكمة القضاء الإداري بوقف تنفيذ قرار وزير التربية والتعليم بتعديل نظام امتحانات الثانوية العامة، "
        "في دعوى أقامها أولياء أمور قالوا إن القرار صدر قبل أسابيع من الامتحانات.\n"
        "وقالت الوزارة إنها ستطعن في الحكم.",
        False,
    ),
    "illegal migration": (
        "illegal migration is an idiom: a coast guard story naming both governments is no contest for that word",
        "خفر السواحل الليبي يعترض قاربا للهجرة غير القانونية قبالة زوارة",
        "طرابلس - وال\n"
        "أعلن خفر السواحل الليبي اعتراض قارب يقل 86 مهاجرا غير نظامي قبالة زوارة، في إطار مكافحة الهجرة غير "
        "القانونية، وتسليمهم إلى جهاز مكافحة الهجرة غير القانونية في طرابلس.\n"
        "وقال المتحدث إن المهاجرين دخلوا البلاد بطريقة غير قانونية عبر الحدود الجنوبية، وإنهم تلقوا الرعاية الطبية.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round55_mended(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(KEPT))
def test_round55_kept(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, KEPT[probe])


def test_illegal_migration_is_never_the_dispute_word(lexicon: Lexicon) -> None:
    *_, title, body, _ = KEPT["illegal migration"]
    assert "غير قانوني" not in [term for term, *_ in judge(title, body, lexicon).matched_terms]
