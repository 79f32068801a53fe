"""Round 35 of the relevance judge (issue 13), developed on holdout66-69's first-judgement errors (round 34 judged
them once: P 0.973, R 0.986 over 144 articles) and the review of round 33's notes.

* The world's other wars are foreign theatres (Afghanistan, Tigray, Karabakh, Myanmar, Venezuela, Bosnia and Kosovo,
  Boko Haram, eastern Congo and the Central African Republic, Western Sahara): places and parties of the war only,
  never a power that intervenes in Libya nor a nationality whose migrants are in Libya's stories.
* Fencing is sport: the foil, epee and sabre are the sport's "weapons" (h68-16).
* "مهاجم" (striker) is its own exact term: the attackers of a shooting ("المهاجمين") are no strikers.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, labelled_row, matched_names

# id -> (title, body, relevant), written for this round
PROBES = {
    # w2: Derna's Shura council led by veterans of Afghanistan: Afghanistan named, Libya's war still
    "w2": (
        "عائدون من أفغانستان يقودون مجلس شورى درنة في مواجهة قوات الكرامة",
        "درنة - مراسلنا\nقال مسؤولون أمنيون في شرق ليبيا إن قياديين في مجلس شورى مجاهدي درنة سبق أن قاتلوا في أفغانستان في تسعينيات القرن الماضي، ويقودون اليوم المعارك ضد قوات الكرامة على محاور الفتائح والظهر الحمر.\nوأضاف المسؤولون أن الاشتباكات تجددت أمس بالأسلحة الثقيلة، وأسفرت عن مقتل أربعة عناصر من الجيش الوطني الليبي وإصابة آخرين، فيما قصف الطيران الحربي مواقع للمجلس داخل المدينة.\nوتفرض قوات الكرامة حصارا على درنة منذ أشهر، وسط تحذيرات منظمات إنسانية من نقص الغذاء والدواء.",
        True,
    ),
    # f1: a Libyan fencer's bronze in the sabre
    "f1": (
        "ليبي يحرز برونزية سلاح السيف في البطولة الأفريقية للمبارزة",
        "القاهرة - الرياضية\nأحرز المبارز الليبي أحمد المصراتي الميدالية البرونزية في منافسات سلاح السيف بالبطولة الأفريقية للمبارزة، بعد خسارته في نصف النهائي أمام المصري بنتيجة 15-11.\nوقال رئيس الاتحاد الليبي للمبارزة إن اللاعب قدم أداء هجوميا مميزا، مشيدا بدعم اللجنة الأولمبية الليبية، ومؤكدا أن المنتخب يستعد لبطولة العالم في ميلانو.",
        False,
    ),
    # a1: attackers of a Tripoli checkpoint: no strikers
    "a1": (
        "مقتل ثلاثة في هجوم على بوابة أمنية جنوب طرابلس والمهاجمون يلوذون بالفرار",
        "طرابلس - وال\nقتل ثلاثة من عناصر الأمن وأصيب اثنان في هجوم شنه مسلحون مجهولون على بوابة أمنية جنوب العاصمة طرابلس فجر اليوم، بحسب ما أعلنت وزارة الداخلية بحكومة الوحدة الوطنية.\nوقالت الوزارة إن المهاجمين استخدموا أسلحة رشاشة وقذائف آر بي جي قبل أن يلوذوا بالفرار، مشيرة إلى أن الأجهزة الأمنية تلاحقهم.\nويأتي الهجوم بعد أيام من اشتباكات بين مجموعات مسلحة في منطقة صلاح الدين.",
        True,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_world_wars_are_foreign(lexicon: Lexicon) -> None:
    foreign = {t.term for t in lexicon.terms if t.category == "foreign"}
    assert {"أفغانستان", "تيغراي", "قره باغ", "فنزويلا", "البوليساريو"} <= foreign
    assert "أفغانستان" in matched_names(judge(*PROBES["w2"][:2], lexicon))
    # no power that intervenes in Libya is a foreign theatre: a story of its forces in Libya keeps its focus
    spellings = {" ".join(form) for t in lexicon.terms if t.category == "foreign" for form in t.forms}
    assert not {"روسيا", "تركيا", "مصر", "الامارات", "اريتريا", "نيجيريا"} & spellings


def test_attackers_are_no_strikers(lexicon: Lexicon) -> None:
    result = judge(*PROBES["a1"][:2], lexicon)
    assert "المهاجمين" in PROBES["a1"][1] or "المهاجمون" in PROBES["a1"][1]
    assert "مهاجم" not in matched_names(result)


@pytest.mark.parametrize(("split", "row_id"), [("holdout66.jsonl", "h66-30"), ("holdout68.jsonl", "h68-16")])
def test_the_blind_errors_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert not judge(*labelled_row(split, row_id), lexicon).relevant
