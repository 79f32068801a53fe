"""Round 19 of the relevance judge (issue 13): whose conflict a sentence's words are.

A sentence, or the title, that names another theatre and no Libyan place, armed group or process (at most Libya's
speakers: its bodies and officials) is that theatre's; its country-neutral conflict words do not count as Libya's.
"""

from __future__ import annotations

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


MEDIATION_TITLE = "المنفي يتصل بالبرهان ويعرض استضافة محادثات لوقف القتال في السودان"
MEDIATION = "\n".join([
    "طرابلس - واس",
    "أجرى رئيس المجلس الرئاسي الليبي محمد المنفي اتصالا هاتفيا برئيس مجلس السيادة في السودان عبدالفتاح البرهان، "
    "دعاه خلاله إلى وقف فوري لإطلاق النار في الخرطوم ودارفور وحماية المدنيين من القتال.",
    "وقال المكتب الإعلامي للمجلس الرئاسي إن المنفي عرض استضافة لقاء بين الطرفين في ليبيا، مؤكدا أن أمن السودان جزء "
    "من أمن المنطقة.",
    "وحذر المنفي من تحول الحرب في السودان إلى حرب طويلة تستنزف البلاد، ودعا الاتحاد الأفريقي إلى تنسيق مبادراته.",
])


def test_libyas_official_on_another_countrys_war_is_not_libyas_conflict(lexicon: Lexicon) -> None:
    result = judge(MEDIATION_TITLE, MEDIATION, lexicon)
    assert not result.relevant, result
    moved = [entry for entry in result.matched_terms if entry[1] == "elsewhere"]
    assert moved and "القتال" in moved[0][0]  # the evidence says which words went to the other theatre


def test_the_same_words_about_a_libyan_place_are_libyas(lexicon: Lexicon) -> None:
    # the same official, the same war words, in sentences that name a Libyan city: Libya's conflict
    body = MEDIATION.replace("الخرطوم ودارفور", "طرابلس وترهونة").replace("في السودان", "في طرابلس")
    result = judge("المنفي يدعو إلى وقف القتال في طرابلس", body.replace("السودان", "ليبيا"), lexicon)
    assert result.relevant, result
    assert not [entry for entry in result.matched_terms if entry[1] == "elsewhere"]


def test_spillover_whose_sentences_name_libya_keeps_its_conflict(lexicon: Lexicon) -> None:
    # Tunisia closes a crossing after clashes "on the Libyan side": each conflict sentence names Libya
    body = "\n".join([
        "تطاوين - وات",
        "قررت السلطات التونسية غلق معبر الذهيبة الحدودي إثر اندلاع اشتباكات مسلحة بين مجموعات ليبية قرب البوابة الليبية.",
        "وأوضح المصدر أن أعيرة نارية سمعت من الجانب التونسي، فيما عاد المسافرون الليبيون أدراجهم.",
        "ويعود التوتر إلى خلاف بين مسلحين من نالوت وآخرين من مدينة مجاورة على السيطرة على البوابة.",
        "وكانت تونس قد أغلقت المعبر مرات عدة بسبب الاشتباكات المسلحة على الجانب الليبي.",
    ])
    assert judge("تونس تغلق معبر الذهيبة إثر اشتباكات مسلحة على الجانب الليبي", body, lexicon).relevant



def test_a_belligerent_is_a_place_not_a_speaker(lexicon: Lexicon) -> None:
    # the review of round 19: Haftar fights; a sentence of Sudan's fighters with Haftar is Libya's conflict
    body = ("قال تقرير لفريق خبراء الأمم المتحدة إن مئات المقاتلين من قوات الدعم السريع السودانية يقاتلون إلى جانب قوات "
            "حفتر، وإن المرتزقة شاركوا في الهجوم والقصف والاشتباكات.\nوأضاف التقرير أن المقاتلين السودانيين "
            "يتقاضون رواتب من حفتر.")
    assert judge("تقرير أممي: مقاتلون من الدعم السريع يقاتلون مع حفتر", body, lexicon).relevant


def test_where_a_report_was_filed_is_no_theatre(lexicon: Lexicon) -> None:
    # the review of round 19: "Tunis - (AFP):" is where the report was filed; Sarraj's war is Libya's
    body = ("تونس - (أ ف ب): أعلن فايز السراج أن قواته صدت هجوما جنوب طرابلس، وأن الاشتباكات والقصف أوقعت قتلى "
            "وجرحى.\nوقال إن قوات حكومة الوفاق استعادت مواقعها بعد معارك عنيفة.")
    assert judge("السراج: قواتنا صدت هجوما جنوب العاصمة", body, lexicon).relevant


def test_libyas_council_with_its_nisba_is_still_a_speaker(lexicon: Lexicon) -> None:
    # the review of round 19: "المجلس الرئاسي الليبي" is one speaker; its "الليبي" is no Libyan place
    body = ("رحب المجلس الرئاسي الليبي بإعلان اتفاق وقف إطلاق النار في قطاع غزة وتبادل الأسرى.\n"
            "وأكد المجلس دعم ليبيا الثابت للشعب الفلسطيني، وأعلن الهلال الأحمر تسيير قافلة مساعدات إلى غزة.")
    result = judge("المجلس الرئاسي الليبي يرحب باتفاق وقف إطلاق النار في غزة", body, lexicon)
    assert not result.relevant, result


def test_the_dead_of_an_accident_are_no_war(lexicon: Lexicon) -> None:
    # round 22: casualty words count only beside another conflict term
    accident = ("لقي 12 شخصا مصرعهم وأصيب 40 آخرون في انفجار شاحنة وقود في بلدة بنت بية جنوب ليبيا، وقال مسؤول "
                "في سبها إن عدد القتلى مرشح للارتفاع، فيما نقل الجرحى إلى مستشفيات سبها وأوباري.")
    result = judge("قتلى وجرحى في انفجار شاحنة وقود جنوب ليبيا", accident, lexicon)
    assert not result.relevant, result
    assert {t: w for t, _, w, _ in result.matched_terms}["قتلى"] == 0.0  # listed, with no weight
    clash = accident.replace("في انفجار شاحنة وقود", "في اشتباكات مسلحة بين كتيبتين")
    assert judge("قتلى وجرحى في اشتباكات مسلحة جنوب ليبيا", clash, lexicon).relevant



def test_a_snipers_killing_is_the_wars(lexicon: Lexicon) -> None:
    # the review of round 22: "قناص" is a conflict term, so the dead it leaves are backed
    body = "قتل مدني برصاص قناص في حي الصابري وسط بنغازي الليبية، وقال شهود إن القناص أطلق النار من مبنى مهجور."
    assert judge("مقتل مدني برصاص قناص في بنغازي", body, lexicon).relevant


def test_a_weak_word_does_not_back_the_dead(lexicon: Lexicon) -> None:
    # the review of round 22: a disaster story names a military hospital too ("عسكري", weight 0.5)
    body = ("لقي 12 شخصا مصرعهم وسقط عشرات الجرحى في فيضان اجتاح أحياء درنة الليبية بعد أمطار غزيرة، وقال مسؤول "
            "إن عدد القتلى مرشح للارتفاع. ونقل الجرحى إلى مستشفى عسكري.")
    result = judge("قتلى وجرحى في فيضان درنة", body, lexicon)
    assert not result.relevant, result
    assert {t: w for t, _, w, _ in result.matched_terms}["قتلى"] == 0.0
