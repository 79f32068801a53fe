"""Rounds 10 and 11 of the relevance judgement (issue 13): the share guard, datelines, speakers, the humanitarian side.

The rules are written in docs/relevance-rounds.md ("Round 10") and benchmarks/results/relevance.md ("Round 10").
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Scoring, judge, load_lexicon
from crawler.relevance.passage import DATELINE

LEXICON_ = load_lexicon(LEXICON)

LIBYA_ITEM = ("ورحب المجلس بتوقيع الأطراف الليبية على الاتفاق السياسي في مدينة الصخيرات بالمملكة المغربية، معربا عن "
              "أمله في أن يسهم في تحقيق الأمن والاستقرار للشعب الليبي الشقيق.")
AGENDA = [
    "وأوضح الوزير أن المجلس اطلع على نتائج زيارة ولي العهد إلى عدد من الدول الشقيقة والصديقة.",
    "ثم واصل المجلس مناقشة الموضوعات المدرجة على جدول أعماله وقرر الموافقة على تنظيم الهيئة العامة للإحصاء.",
    "كما وافق على تفويض وزير الخارجية بالتباحث مع الجانب البرازيلي في شأن مذكرة تفاهم للتشاور السياسي.",
    "ووافق على اتفاقية بين حكومة المملكة وحكومة جمهورية كوريا في مجال النقل البحري.",
    "ووافق على تعيين عدد من المسؤولين على المرتبتين الخامسة عشرة والممتازة.",
    "واطلع المجلس على التقارير السنوية لعدد من الوزارات والهيئات وأحاط علما بما جاء فيها.",
    "وقرر المجلس الموافقة على نظام الجمعيات التعاونية بعد دراسته في مجلس الشورى.",
    "كما وافق على إنشاء كلية للطب في إحدى الجامعات الناشئة.",
    "ووافق على ترقية عدد من الموظفين في وزارتي الصحة والتعليم.",
    "ونوه المجلس بما تحقق من إنجازات في مشروعات الإسكان والطرق خلال العام المالي.",
    "واستعرض المجلس تقريرا عن أداء الاقتصاد الوطني ونمو الصادرات غير النفطية.",
    "كما اطلع على خطة موسم الحج المقبل والاستعدادات لاستقبال ضيوف الرحمن.",
    "واختتم المجلس جلسته بالموافقة على الحساب الختامي لعدد من المؤسسات العامة.",
]  # a real session's communique runs to a dozen items or more
HEADLINE = "مجلس الوزراء يوافق على تنظيم الهيئة العامة للإحصاء ويرحب بتوقيع الاتفاق السياسي الليبي"


def test_a_cabinet_communique_with_one_libya_item_is_not_about_libya():
    result = judge(HEADLINE, "\n".join([AGENDA[0], LIBYA_ITEM, *AGENDA[1:]]), LEXICON_)
    assert not result.relevant, result
    # explained: the guard and the share it found lead the stored evidence
    assert result.matched_terms[0][:2] == (f"share guard: Libya in 1 of {len(AGENDA) + 1} sentences", "share")


def test_the_libya_item_as_a_story_of_its_own_is_about_libya():
    """The same words in a short wire story: the guard reads only bodies of share_sentences sentences or more."""
    result = judge("السعودية ترحب بتوقيع الاتفاق السياسي الليبي", LIBYA_ITEM, LEXICON_)
    assert result.relevant, result


def test_the_guard_can_be_switched_off():
    rule = replace(LEXICON_.scoring, share_sentences=0)
    result = judge(HEADLINE, "\n".join([AGENDA[0], LIBYA_ITEM, *AGENDA[1:]]), replace(LEXICON_, scoring=rule))
    assert result.relevant


@pytest.mark.parametrize("bad", [{"share_min": 1.5}, {"share_sentences": 2.5}, {"share_min": -0.1}])
def test_bad_guard_settings_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        Scoring(**bad)


CONDEMNATION = [
    "أدانت وزارة الخارجية الليبية الهجوم الذي شنته ميليشيا الحوثي بطائرات مسيرة مفخخة على منشآت مدنية في المملكة.",
    "وأكدت الوزارة أن هذه الاعتداءات الإرهابية تهديد لأمن المنطقة واستقرارها، معربة عن تضامن ليبيا مع المملكة.",
    "ودعت المجتمع الدولي إلى موقف حازم لوقف هذه الهجمات ومحاسبة المسؤولين عنها.",
]


def test_the_humanitarian_side_of_a_siege_is_conflict():
    body = ("حذرت اللجنة الدولية للصليب الأحمر من تدهور الأوضاع في مدينة درنة المحاصرة بشرق ليبيا، حيث يعاني "
            "المستشفى من نقص الأدوية.\nودعت جميع الأطراف إلى فتح ممرات آمنة واحترام القانون الدولي الإنساني، "
            "وتمكين الجرحى من الوصول إلى العلاج.\nوقالت إن عائلات هجروا من بيوتهم في الأحياء الشرقية.")
    result = judge("الصليب الأحمر يطالب بممرات آمنة في درنة", body, LEXICON_)
    assert result.relevant, result
    terms = {t for t, *_ in result.matched_terms}
    assert {"القانون الدولي الإنساني", "ممرات آمنة", "حصار"} <= terms


CONDOLENCE = [
    "أدانت وزارة الخارجية بحكومة الوفاق الوطني الهجوم الإرهابي الذي استهدف المصلين في مسجد بشمال سيناء.",
    "وأعربت الوزارة عن خالص التعازي لمصر حكومة وشعبا ولأسر الضحايا، مؤكدة تضامن ليبيا الكامل مع الشقيقة مصر.",
    "كما أدان مجلس النواب الهجوم في بيان منفصل.",
]


@pytest.mark.parametrize("title, body", [
    # the dateline names Tripoli: where the report was filed, not where the attack was
    pytest.param("ليبيا تدين استهداف الحوثيين لمنشآت مدنية في المملكة", "طرابلس - واس:\n" + "\n".join(CONDEMNATION),
                 id="filed-from-tripoli"),
    # round 11: a body of the split (a government, the House) is the speaker, not the scene; a dateline alone on its
    # first line, without a colon, is still a dateline
    pytest.param("الخارجية الليبية تدين الهجوم الإرهابي على مسجد في شمال سيناء",
                 "طرابلس - وال\n" + "\n".join(CONDOLENCE), id="a-government-speaks"),
])
def test_a_libyan_statement_about_an_attack_abroad_is_a_statement(title, body):
    result = judge(title, body, LEXICON_)
    assert not result.relevant, result


@pytest.mark.parametrize("title, body", [
    pytest.param("ليبيا تدين الهجوم على مقر المؤسسة الوطنية للنفط في طرابلس",
                 "طرابلس - واس:\nأدانت وزارة الخارجية الهجوم المسلح الذي استهدف مقر المؤسسة الوطنية للنفط في طرابلس، "
                 "وقالت إن الاشتباكات بين الميليشيات في العاصمة أوقعت قتلى وجرحى.", id="tripoli-named-in-the-text"),
    pytest.param("حكومة الوفاق تدين تفجير بنغازي",
                 "أدانت حكومة الوفاق الوطني الهجوم بالسيارة المفخخة في بنغازي الذي أوقع قتلى وجرحى، وقالت إن "
                 "الاشتباكات بين الميليشيات في المدينة تهدد المدنيين.", id="a-government-on-benghazi"),
])
def test_a_statement_about_an_attack_in_libya_keeps_its_scene(title, body):
    assert judge(title, body, LEXICON_).relevant


@pytest.mark.parametrize("opening, dateline", [
    ("طرابلس - واس:\nأدانت", True),
    ("جنيف - (د ب أ):\nحذرت", True),
    ("بنغازي ـ «الوسط»:\nقال", True),
    ("طرابلس (ليبيا) - رويترز: قال", True),
    ("طرابلس - وال\nأدانت", True),
    ("في بنغازي (شرق ليبيا) قال مصدر عسكري: إن", False),
    ("قال المتحدث باسم «قوة الردع»: إن", False),
    ("مقاتلون في بنغازي (أرشيف)\nقال", False),
    ("أدانت وزارة الخارجية الهجوم: وقالت", False),
    # round 17: the Saudi Press Agency's own form, a Hijri date "corresponding to" the Gregorian one
    (" الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\n تابعت", True),
    ("البيضاء 06 جمادى الآخرة 1436 هـ الموافق 26 مارس 2015 م واس\nأعربت", True),
    ("قتل 25 شخصا في 2015 بطرابلس\nوقال", False),
])
def test_a_dateline_is_a_place_a_dash_and_a_source(opening, dateline):
    assert bool(DATELINE.match(opening)) is dateline


def test_a_condemnation_whose_first_sentence_names_its_scene_keeps_it():
    """An opening like "in Benghazi (east Libya) a source said:" is no dateline: Benghazi stays the scene."""
    body = ("في بنغازي (شرق البلاد) قال مصدر أمني: إن سيارة مفخخة انفجرت قرب مسجد وأوقعت قتلى وجرحى، فيما تبادلت "
            "ميليشيات مسلحة إطلاق النار في المدينة.")
    assert judge("ليبيا تدين تفجير سيارة مفخخة قرب مسجد", body, LEXICON_).relevant


def test_a_headline_cannot_vouch_for_a_body_that_barely_names_libya():
    """Round 12: under the share guard the body judged alone caps the score, so a communique of 8 long sentences whose
    headline names the Libyan agreement stays out (the factor alone, 0.69, left it at 2.1)."""
    items = [a.rstrip(".") + "، " + b for a, b in zip(AGENDA[1::2], AGENDA[2::2])]  # two agenda items a sentence
    result = judge(HEADLINE, "\n".join([AGENDA[0], LIBYA_ITEM, *items]), LEXICON_)
    assert not result.relevant, result
    assert result.matched_terms[0][:2] == ("share guard: Libya in 1 of 8 sentences", "share")


def test_a_mans_nisba_in_the_headline_of_a_story_elsewhere_is_not_libya():
    """Abu Yahya al-Libi killed in Pakistan: "الليبي" names a man; the body names Libya in one sentence of many."""
    body = "\n".join([
        "أكد مسؤول أمريكي مقتل أبو يحيى الليبي الرجل الثاني في تنظيم القاعدة بغارة لطائرة من دون طيار في وزيرستان.",
        "وقال المتحدث باسم البيت الأبيض إن مقتله ضربة قاسية للتنظيم في المناطق القبلية.",
        "وكان قد اعتقل في أفغانستان عام 2002 وفر عام 2005 من سجن قاعدة باغرام.",
        "وظهر بعدها في عشرات التسجيلات المصورة بوصفه أحد أبرز منظري التنظيم.",
        "وقالت مصادر محلية إن الغارة استهدفت منزلا وأسفرت عن مقتل خمسة عشر شخصا.",
        "وتأتي الغارة في ظل توتر العلاقات بين واشنطن وإسلام آباد.",
        "واستدعت الخارجية الباكستانية القائم بالأعمال الأمريكي احتجاجا على الغارة.",
        "وتعتبر باكستان هذه الضربات انتهاكا لسيادتها.",
    ])
    result = judge("واشنطن تؤكد مقتل أبو يحيى الليبي بغارة في وزيرستان", body, LEXICON_)
    assert not result.relevant, result


# round 17: a welcome is a statement too (Libya's government on the coalition's operation in Yemen), filed from a
# Libyan city under the Saudi Press Agency's dated dateline
WELCOME_TITLE = "الحكومة الليبية المؤقتة ترحب بعملية عاصفة الحزم وتؤكد وقوفها مع الشرعية في اليمن"
WELCOME_BODY = (
    "البيضاء 06 جمادى الآخرة 1436 هـ الموافق 26 مارس 2015 م واس\n"
    "أعربت الحكومة الليبية المؤقتة عن ترحيبها بعملية عاصفة الحزم التي أطلقتها المملكة ودول التحالف في اليمن.\n"
    "وأكدت وزارة الخارجية وقوف ليبيا إلى جانب الشرعية في اليمن ورفض التدخل الأجنبي في شؤونه، ودعت الأطراف "
    "اليمنية إلى العودة إلى طاولة الحوار وإنهاء الصراع على السلطة."
)


def test_libya_welcoming_an_operation_elsewhere_is_a_statement():
    result = judge(WELCOME_TITLE, WELCOME_BODY, LEXICON_)
    assert not result.relevant, result
    assert any(term == "ترحب" for term, *_ in result.matched_terms)


def test_a_welcome_of_a_libyan_ceasefire_that_names_its_scene_stays_relevant():
    body = ("الرياض - واس:\nرحبت المملكة بإعلان وقف إطلاق النار في ليبيا، ودعت المجلس الرئاسي ومجلس النواب إلى "
            "استئناف الحوار السياسي، وسحب المرتزقة والقوات الأجنبية من سرت والجفرة، وإنهاء الاشتباكات بين "
            "الميليشيات المسلحة في طرابلس.")
    assert judge("المملكة ترحب بإعلان وقف إطلاق النار في ليبيا", body, LEXICON_).relevant


def test_lebanons_tripoli_named_with_lebanon_is_no_libyan_city():
    found = {t: c for t, c, *_ in judge("", "ضبطت البحرية سفينة أسلحة في مرفأ طرابلس شمالي لبنان قادمة من ليبيا",
                                         LEXICON_).matched_terms}
    assert found.get("لبنان") == "foreign" and "طرابلس" not in found



def test_a_welcome_of_libyas_own_arms_embargo_is_no_statement_about_elsewhere():
    # the review of round 17: a welcome frames a title only beside another theatre
    body = ("رحبت ليبيا بقرار مجلس الأمن تمديد حظر توريد الأسلحة، وقالت إن السلاح يغذي الاقتتال بين الميليشيات "
            "المسلحة ويطيل الحرب الأهلية.")
    assert judge("ليبيا ترحب بتمديد حظر السلاح", body, LEXICON_).relevant


COMMUNIQUE_TITLE = "البيان الختامي للقمة الخليجية المغربية: شراكة استراتيجية ودعم كامل لمغربية الصحراء"
COMMUNIQUE = "\n".join([
    "الرياض - واس",
    "صدر في ختام القمة بين قادة دول مجلس التعاون وملك المغرب بيان ختامي أكد فيه القادة وحدة المصير.",
    "وجدد القادة دعمهم لمبادرة الحكم الذاتي أساسا لحل النزاع الإقليمي حول الصحراء.",
    "وأكد البيان دعم جهود استعادة الشرعية في اليمن ورفض التدخلات في الشؤون الداخلية لدول المنطقة.",
    "ورحب القادة بتشكيل حكومة الوفاق الوطني في ليبيا وفقا للاتفاق السياسي الموقع في الصخيرات بعد الحوار الليبي.",
    "واتفق القادة على تعزيز التعاون الاقتصادي وعقد القمة بصفة دورية.",
])


def test_libya_in_one_sentence_under_a_title_without_it_is_a_mention() -> None:
    # round 24: a short communique (under share_sentences) whose one Libya item is its only Libya sentence, another
    # theatre (Yemen) an item of its own
    result = judge(COMMUNIQUE_TITLE, COMMUNIQUE, LEXICON_)
    assert not result.relevant, result
    assert result.matched_terms[0][1] == "share" and "not in the title" in result.matched_terms[0][0]


def test_the_same_item_under_a_title_that_names_libya_is_judged_whole() -> None:
    # the guard is the title's absence: the same body under a Libya title is not capped by it
    result = judge("قادة الخليج والمغرب يرحبون بحكومة الوفاق الليبية ويدعمون اتفاق الصخيرات", COMMUNIQUE, LEXICON_)
    assert not any(entry[1] == "share" for entry in result.matched_terms), result


def test_two_libya_sentences_under_a_title_without_it_still_count() -> None:
    body = COMMUNIQUE.replace(
        "واتفق القادة على تعزيز التعاون الاقتصادي وعقد القمة بصفة دورية.",
        "ودعا القادة الأطراف الليبية إلى وقف الاشتباكات في طرابلس وسرت وتسليم السلطة لحكومة الوفاق.",
    )
    result = judge(COMMUNIQUE_TITLE, body, LEXICON_)
    assert not any(entry[1] == "share" and "not in the title" in entry[0] for entry in result.matched_terms)
