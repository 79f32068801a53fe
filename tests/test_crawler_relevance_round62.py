"""Round 62 of the relevance judge (from holdout214-221's errors, development data since their first judgement).

* "القيادة العامة" (the General Command) is ambiguous: Sudan's army headquarters bears the name too. It anchors no Libya
  and counts in full only beside a Libyan anchor, and Khartoum's towns and the Rapid Support Forces shadow it.
* The first person of a quoted title's call ("وندعو", "نناشد") is a call.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Sudan's sit-in before its army's General Command: no Libya in it.
SIT_IN = (
    "المعتصمون أمام القيادة العامة في الخرطوم يرفضون مغادرة الساحة",
    "الخرطوم - وكالات\nواصل آلاف المحتجين اعتصامهم أمام مقر القيادة العامة للجيش في الخرطوم لليوم الخامس، مطالبين "
    "بتسليم السلطة إلى حكومة مدنية، فيما انتشرت قوات الدعم السريع في الشوارع المحيطة. وقال المجلس العسكري إنه "
    "يدعو القوى المدنية إلى الحوار، واتهم المحتجون القوات بمحاولة فض الاعتصام بالقوة فجرا.",
)
#: Haftar's General Command in a Libyan story with Sudanese fighters: Libya's war.
HAFTAR = (
    "القيادة العامة تعلن السيطرة على مواقع جنوب سبها",
    "بنغازي - «الوسط»\nأعلنت القيادة العامة للقوات المسلحة بقيادة المشير خليفة حفتر السيطرة على مواقع جنوب سبها بعد "
    "اشتباكات مع مسلحين سودانيين وتشاديين، وقالت إن قواتها طاردت المجموعات المسلحة حتى الحدود الجنوبية.",
)


def test_sudans_general_command_is_no_libya_story(lexicon: Lexicon) -> None:
    verdict = judge(*SIT_IN, lexicon)
    assert not verdict.relevant, verdict.matched_terms
    weights = {name: weight for name, _, weight, _ in verdict.matched_terms}
    assert weights.get("القيادة العامة", 0) < 1.5  # shadowed by Khartoum and the RSF


def test_haftars_general_command_keeps_its_weight_beside_libya(lexicon: Lexicon) -> None:
    verdict = judge(*HAFTAR, lexicon)
    assert verdict.relevant, verdict.matched_terms
    assert {name: weight for name, _, weight, _ in verdict.matched_terms}["القيادة العامة"] == 1.5


def test_we_call_is_a_call(lexicon: Lexicon) -> None:
    terms = [name for name, *_ in judge("نحترم خيارات الشعب وندعو إلى الحوار", "", lexicon).matched_terms]
    assert "تدعو" in terms
