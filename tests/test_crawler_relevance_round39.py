"""Round 39 of the relevance judge (issue 13), from holdout82-85's first-judgement errors (round 38 judged them once:
P 0.934, R 0.986).

* A call ("تدعو", "يدعو", "تناشد") frames a title as a welcome does (category statement_call): only where another
  theatre is its addressee, named after it. Libya's Presidential Council calling on Sudan's warring parties is Libya
  speaking; the UN mission calling on the Libyan parties keeps Libya's conflict.
* Its review: a call whose object is Libyan (a Libya name after the call word) is Libya's own story, so calls have their
  own category (statement_call, feeds "call") and frame a title only where no Libya name follows them.
* An offer to host talks ("يعرض استضافة") is an offer to mediate (category statement_offer).
* The Thai-Cambodian border war, Mozambique and Haiti are foreign theatres.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, labelled_row

# written for this round: id -> (title, body, relevant)
PROBES = {
    # a call addressed to another theatre: Libya speaking
    "c1": (
        "ليبيا تدعو أرمينيا وأذربيجان إلى وقف القتال في قره باغ",
        "طرابلس - وال\nدعت وزارة الخارجية الليبية أرمينيا وأذربيجان إلى وقف فوري للقتال في إقليم ناغورني قره باغ، معربة "
        "عن قلقها من سقوط قتلى مدنيين جراء القصف المتبادل على المدن والقرى.\nوقالت الوزارة في بيان إن ليبيا تتابع بقلق "
        "التصعيد العسكري، وتدعو الطرفين إلى العودة إلى طاولة المفاوضات، محذرة من أن استمرار المعارك يهدد استقرار "
        "منطقة القوقاز.\nوأكد البيان أن الشعب الليبي يعرف ثمن الحروب، داعيا المجتمع الدولي إلى حماية المدنيين.",
        False,
    ),
    # a call on the Libyan parties: Libya's own conflict
    "c2": (
        "البعثة الأممية تدعو الأطراف الليبية إلى وقف الاشتباكات في طرابلس",
        "طرابلس - وال\nدعت بعثة الأمم المتحدة للدعم في ليبيا الأطراف الليبية إلى وقف فوري للاشتباكات المسلحة التي "
        "اندلعت في أحياء جنوب طرابلس بين مجموعات مسلحة متنافسة، وأسفرت عن قتلى وجرحى بين المدنيين.\nوحذرت البعثة من "
        "أن استمرار القتال يهدد الهدنة الهشة والعملية السياسية، مطالبة بحماية المدنيين ومحاسبة المسؤولين.",
        True,
    ),
    # a neighbour calling for a ceasefire in Libya: Libya is the addressee, no other theatre
    "c3": (
        "الجزائر تدعو إلى وقف إطلاق النار في ليبيا وتحذر من التدخل الأجنبي",
        "الجزائر - واج\nدعت الجزائر إلى وقف فوري لإطلاق النار في ليبيا، بعد تجدد المعارك جنوب طرابلس بين قوات حكومة "
        "الوفاق وقوات حفتر، محذرة من أن التدخل الأجنبي يطيل أمد الحرب.\nوقال وزير الخارجية إن الحل في ليبيا سياسي، "
        "داعيا الأطراف الليبية إلى العودة إلى الحوار برعاية الأمم المتحدة.",
        True,
    ),
    # the review's r08: Aguila Saleh calls from Cairo on Tunisia and Algeria to back the new unified government (political split)
    "r08": (
        "عقيلة صالح يدعو تونس والجزائر إلى دعم الحكومة الليبية الموحدة",
        "دعا رئيس مجلس النواب الليبي عقيلة صالح تونس والجزائر إلى دعم الحكومة الموحدة التي يعتزم المجلس تشكيلها، وإلى عدم التعامل مع حكومة الوحدة الوطنية منتهية الولاية.\nوقال صالح في تصريحات صحفية إن الانقسام السياسي بين الحكومتين أدى إلى شلل المؤسسات، وإن المجلس الأعلى للدولة وافق على خارطة طريق تقود إلى الانتخابات.\nفي المقابل، قال رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة إن حكومته لن تسلم السلطة إلا لحكومة منتخبة، متهما مجلس النواب بالسعي إلى التمديد لنفسه.\nوتعيش ليبيا أزمة سياسية منذ تعثر الانتخابات التي كانت مقررة في ديسمبر 2021.",
        True,
    ),
    # the review's r09: Libya's parliament calls on Algeria to stop dealing with the Dbeibah government (split)
    "r09": (
        "البرلمان الليبي يدعو الجزائر إلى وقف التعامل مع حكومة الدبيبة",
        "دعا مجلس النواب الليبي الجزائر إلى وقف التعامل مع حكومة الوحدة الوطنية برئاسة عبد الحميد الدبيبة، معتبرا أنها حكومة منتهية الولاية منذ سحب الثقة منها.\nوقال المجلس في بيان إن الحكومة المكلفة من مجلس النواب هي الحكومة الشرعية الوحيدة، محذرا من أن توقيع اتفاقيات مع حكومة الدبيبة يعمق الانقسام ويطيل أمد الأزمة السياسية.\nوكانت حكومة الدبيبة قد وقعت مع الجزائر مذكرات تفاهم في مجالات الطاقة والنقل، وهو ما رفضته الحكومة المكلفة برئاسة أسامة حماد.\nويتنازع على السلطة في ليبيا حكومتان منذ مارس 2022.",
        True,
    ),
    # the review's p03: Libya offers to host talks between Sudan's parties (offer-to-host spelling)
    "p03": (
        "ليبيا تعرض استضافة محادثات بين طرفي الحرب في السودان",
        "عرض المجلس الرئاسي الليبي استضافة محادثات بين الجيش السوداني وقوات الدعم السريع، في إطار مساعي إنهاء الحرب المستمرة منذ أبريل 2023.\nوقال رئيس المجلس محمد المنفي إن ليبيا تربطها بالسودان علاقات تاريخية، وإنها مستعدة لتوفير كل الظروف لإنجاح الحوار ووقف القتال.\nوأشار إلى أن الحرب خلفت آلاف القتلى وملايين النازحين، داعيا إلى هدنة فورية.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_new_foreign_theatres_and_offer_spellings(lexicon: Lexicon) -> None:
    foreign = {t.term for t in lexicon.terms if t.category == "foreign"}
    assert {"كمبوديا", "موزمبيق", "هايتي"} <= foreign
    offer = next(t for t in lexicon.terms if t.term == "تعرض الوساطة")
    assert ("يعرض", "استضافه") in offer.forms


@pytest.mark.parametrize(("split", "row_id"), [("holdout83.jsonl", "h83-09"), ("holdout85.jsonl", "h85-09")])
def test_the_blind_errors_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert not judge(*labelled_row(split, row_id), lexicon).relevant
