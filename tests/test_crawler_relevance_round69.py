"""Round 69 of the relevance judge (from the errors round 68 and the reader made on holdout278-281 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). Lexicon only.

* Libya's government or foreign ministry condemning or mourning an attack in another country whose place the lexicon
  did not know (a mosque in Muscat, a church in Normandy, an embassy in Quito): Oman, Ecuador and Normandy now name
  that scene abroad, so the statement frame holds. Bare "عمان" (Amman once normalised) and "مسقط" ("مسقط رأسه",
  birthplace) stay unmatched.
* Older wars Gaddafi armed or fought abroad told as history: the IRA's war in Northern Ireland and the 1979 war in
  Uganda (Lukaya, Idi Amin) are era terms, like the Aouzou war and the 1986 raid.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 68's
lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Libya's foreign ministry condemns a bombing at a market in Oman and consoles the Sultanate: Oman's attack.
OMAN_ATTACK = (
    "ليبيا تدين تفجيرا استهدف سوقا شعبية في صحار وتعزي سلطنة عمان",
    "طرابلس - «وال»\nأدانت وزارة الخارجية الليبية التفجير الإرهابي الذي استهدف سوقا شعبية في مدينة صحار "
    "العمانية وأسفر عن سقوط قتلى وجرحى من المتسوقين.\nوأكدت الوزارة في بيانها تضامن ليبيا مع سلطنة عمان "
    "حكومة وشعبا، ورفضها كل أشكال العنف والإرهاب، متمنية الشفاء العاجل للجرحى.",
)

#: Libya's interim government condemns the killing of a priest in a church in Normandy: France's attack.
NORMANDY_ATTACK = (
    "الحكومة المؤقتة تدين قتل كاهن داخل كنيسة في نورماندي",
    "البيضاء - «وكالات»\nدانت الحكومة الليبية المؤقتة الهجوم الذي نفذه مسلحان داخل كنيسة في إقليم نورماندي "
    "شمال غرب فرنسا، وأسفر عن مقتل كاهن مسن واحتجاز عدد من المصلين.\nوقدمت الحكومة في بيان تعازيها لأسرة "
    "الضحية، مؤكدة أن الإرهاب لا دين له.",
)

#: Libya's foreign ministry deplores the storming of an embassy in Ecuador's capital: Ecuador's crisis.
ECUADOR_EMBASSY = (
    "الخارجية الليبية تستنكر اقتحام سفارة في العاصمة الإكوادورية",
    "طرابلس - «الوسط»\nاستنكرت وزارة الخارجية بحكومة الوحدة الوطنية اقتحام قوات الأمن الإكوادورية مقر سفارة "
    "أجنبية واحتجاز مسؤول سابق لجأ إليها.\nودعت الوزارة إلى احترام اتفاقية فيينا للعلاقات الدبلوماسية وحرمة "
    "البعثات، مطالبة بحل الخلاف بين البلدين بالحوار.",
)

#: Libya condemns a car bomb in Tripoli: Libya's own attack, whatever the statement frame.
TRIPOLI_BOMB = (
    "الخارجية الليبية تدين تفجير سيارة مفخخة أمام مقر حكومي في طرابلس",
    "طرابلس - «وال»\nأدانت وزارة الخارجية الليبية تفجير سيارة مفخخة أمام مقر وزارة حكومية في طرابلس، أسفر عن "
    "مقتل حارسين وإصابة خمسة.\nوقالت الوزارة إن الهجوم يستهدف تقويض وقف إطلاق النار، فيما أعلنت قوة الردع "
    "اعتقال مشتبه بهما، واتهمت خلية تابعة لتنظيم داعش بالوقوف وراءه.",
)

#: The constitution drafting body, split over its sessions, meets in Oman: Libya's political process.
SALALAH_SESSION = (
    "الهيئة التأسيسية لصياغة الدستور تجتمع في صلالة وسط مقاطعة أعضاء من الشرق",
    "صلالة - «وكالات»\nبدأت الهيئة التأسيسية لصياغة مشروع الدستور الليبي اجتماعاتها في مدينة صلالة العمانية "
    "بحضور البعثة الأممية، وسط مقاطعة أعضاء عن برقة اعترضوا على مسودة تقاسم السلطة.\nوقال رئيس الهيئة إن "
    "الانقسام السياسي بين مجلس النواب والمؤتمر الوطني العام لا يجب أن يعطل الاستحقاق الدستوري، وإن المسودة "
    "ستحال إلى المفوضية الوطنية العليا للانتخابات للاستفتاء عليها.",
)

#: A Misrata commander killed in clashes, buried in his birthplace: "مسقط رأسه" is no Oman.
BIRTHPLACE = (
    "تشييع آمر كتيبة قتل في اشتباكات جنوب طرابلس إلى مسقط رأسه في مصراتة",
    "مصراتة - «الوسط»\nشيع الآلاف في مصراتة جثمان آمر كتيبة قتل في اشتباكات مع قوات حفتر في محور عين زارة جنوب "
    "طرابلس، ودفن في مسقط رأسه.\nوقالت قوات حكومة الوفاق إن المواجهات استمرت حتى الفجر وأسفرت عن مقتل ثلاثة من "
    "عناصرها.",
)

#: Victims of the IRA's bombs ask for Libya's frozen assets: Northern Ireland's old war.
IRA_VICTIMS = (
    "عائلات ضحايا «الجيش الجمهوري الأيرلندي» تطالب بتعويضات من الأموال الليبية المجمدة",
    "لندن - «وكالات»\nطالبت عائلات ضحايا هجمات «الجيش الجمهوري الأيرلندي» الحكومة البريطانية بتخصيص جزء من "
    "الأموال الليبية المجمدة لتعويضها، قائلة إن نظام القذافي زود التنظيم بالمتفجرات والأسلحة في ثمانينيات القرن "
    "الماضي.\nوقال نائب في مجلس العموم إن قرارات مجلس الأمن تمنع التصرف في هذه الأموال دون موافقة ليبيا.",
)

#: Gaddafi's soldiers who died for Idi Amin in 1979: Uganda's old war.
UGANDA_1979 = (
    "ذكرى معركة لوكايا.. حين أرسل القذافي جنوده للدفاع عن عيدي أمين",
    "طرابلس - «بوابة الوسط»\nتمر هذا الشهر ذكرى معركة لوكايا التي قتل فيها مئات الجنود الليبيين الذين أرسلهم "
    "القذافي إلى أوغندا لنجدة حليفه عيدي أمين في حربه مع تنزانيا عام 1979.\nويروي ناجون أن الجيش الليبي زج بهم في "
    "القتال دون تدريب، وأن كثيرا من الجثث لم تعد إلى ليبيا حتى اليوم.",
)

#: Compensation for homes destroyed in the 2019 Tripoli war: Libya's own war, no older one.
TRIPOLI_COMPENSATION = (
    "عائلات عين زارة تطالب بتعويضات عن منازل دمرها الهجوم على طرابلس",
    "طرابلس - «الوسط»\nطالبت عائلات من عين زارة وخلة الفرجان حكومة الوحدة الوطنية بصرف تعويضات عن منازلها التي "
    "دمرتها المعارك خلال الهجوم على طرابلس الذي شنته قوات حفتر عام 2019.\nوقال ممثل عن العائلات إن القصف "
    "العشوائي والألغام التي خلفتها القوات المنسحبة ما زالت تمنع عودة مئات الأسر.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_libya_condemning_an_attack_in_oman_normandy_or_ecuador(lexicon: Lexicon) -> None:
    assert _terms(OMAN_ATTACK, lexicon)["سلطنة عمان"] == ("foreign", 1.5)
    assert _terms(NORMANDY_ATTACK, lexicon)["نورماندي"] == ("foreign", 2.0)
    assert _terms(ECUADOR_EMBASSY, lexicon)["الإكوادور"] == ("foreign", 2.0)
    for story in (OMAN_ATTACK, NORMANDY_ATTACK, ECUADOR_EMBASSY):
        assert not judge(*story, lexicon).relevant


def test_libyas_own_attacks_and_talks_in_oman_stay_relevant(lexicon: Lexicon) -> None:
    assert judge(*TRIPOLI_BOMB, lexicon).relevant
    assert judge(*SALALAH_SESSION, lexicon).relevant
    assert judge(*BIRTHPLACE, lexicon).relevant
    assert "سلطنة عمان" not in _terms(BIRTHPLACE, lexicon)  # "مسقط رأسه" is a birthplace


def test_older_wars_gaddafi_armed_are_history(lexicon: Lexicon) -> None:
    assert _terms(IRA_VICTIMS, lexicon)["الجيش الجمهوري الإيرلندي"] == ("foreign", 2.0)
    assert _terms(UGANDA_1979, lexicon)["الحرب الأوغندية التنزانية"] == ("foreign", 2.0)
    for story in (IRA_VICTIMS, UGANDA_1979):
        assert not judge(*story, lexicon).relevant


def test_compensation_for_todays_war_stays_relevant(lexicon: Lexicon) -> None:
    assert judge(*TRIPOLI_COMPENSATION, lexicon).relevant
    assert "الجيش الجمهوري الإيرلندي" not in _terms(TRIPOLI_COMPENSATION, lexicon)
