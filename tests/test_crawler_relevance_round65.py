"""Round 65 of the relevance judge (from holdout230-261's errors, judged once with round 64 and the learned reader;
development data since).

* The 2011 war told through its diplomacy and money: the International Contact Group, the African Union's High-Level
  Committee, the liberated areas, war risks and war losses, armed confrontations (once weighed as "confrontations", a
  sports fixture too).
* Libya's statement on a theatre the lexicon did not name: Boko Haram's states (Yobe, Adamawa), the Taiwan Strait.
* Those who fled another war, named as where they arrive (Kufra), tell no fighting there: "الفارين من الحرب" is an
  idiom, and fleeing the war in Libya a spelling of the Libyan crisis.
* An arson (weight 1, only beside a word of fighting, never a gang's) and "armed parties" (جهات مسلحة, an armed actor).
* A neighbour's convict "trained in a camp": the camp word is his biography (an idiom), and "trained in camps in Libya"
  is round 6's weak phrase.
* Tunisia's parliament by its own name and its speaker and parties beside its presidents: its quarrel over a call to
  Tripoli is Tunisia's politics.

Every probe was written for this round (none is a holdout article); each test fails on round 64's lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: 2011: the Transitional Council pays the liberated areas' salaries with the Contact Group's money.
WAR_MONEY = (
    "المجلس الانتقالي يتسلم دفعة من مجموعة الاتصال لصرف رواتب المناطق المحررة",
    "بنغازي - وكالات\nأعلن المجلس الوطني الانتقالي الليبي تسلم الدفعة الأولى من الأموال التي تعهدت "
    "بها مجموعة الاتصال الدولية في اجتماعها الأخير، وقال مسؤول المالية في المجلس إن المبالغ ستخصص "
    "لصرف رواتب الموظفين في المناطق المحررة وشراء الوقود والأدوية للمستشفيات. وأضاف أن المجلس يحتاج "
    "إلى مبالغ أكبر بكثير حتى نهاية العام، داعيا الدول الغربية إلى تسريع الإجراءات. واصطف موظفون أمام "
    "المصارف في بنغازي منذ الصباح الباكر لتسلم رواتبهم المتأخرة منذ ثلاثة أشهر.",
)

#: Libya's foreign ministry on the Taiwan Strait.
TAIWAN = (
    "الخارجية الليبية تدعو إلى التهدئة في مضيق تايوان",
    "طرابلس - «وال»\nدعت وزارة الخارجية الليبية في بيان أمس جميع الأطراف إلى ضبط النفس وتجنب التصعيد "
    "في مضيق تايوان، مؤكدة التزام ليبيا بمبدأ الصين الواحدة، ومعربة عن قلقها من تصاعد التوتر في "
    "المنطقة بعد المناورات العسكرية الأخيرة.",
)

#: Libya's foreign ministry condemning an attack in Nigeria's Yobe state.
YOBE = (
    "الخارجية تدين هجوما إرهابيا على سوق في ولاية يوبي",
    "طرابلس - «وال»\nأدانت وزارة الخارجية بحكومة الوحدة الوطنية الهجوم الإرهابي الذي استهدف سوقا "
    "شعبية في ولاية يوبي، وأسفر عن مقتل أكثر من مائة شخص.\nوعبرت الوزارة عن تعازيها لأسر الضحايا، "
    "مؤكدة تضامن ليبيا في مواجهة الإرهاب والتطرف بجميع أشكاله، ودعت إلى تعزيز التعاون الإقليمي في "
    "منطقة الساحل وحوض بحيرة تشاد.",
)

#: Libya's foreign ministry on Darfur; Kufra receives those who fled the war.
FLED = (
    "الخارجية الليبية تدين قصف مخيم للنازحين في دارفور وتدعو إلى هدنة",
    "طرابلس - «وال»\nأدانت وزارة الخارجية الليبية قصف مخيم للنازحين في ولاية شمال دارفور السودانية "
    "بطائرات مسيرة.\nوأكدت الوزارة في بيان تضامن ليبيا الكامل مع السودان، ودعت طرفي النزاع إلى وقف "
    "إطلاق النار والاتفاق على هدنة إنسانية عاجلة تسمح بوصول المساعدات، مجددة دعمها للجهود الأفريقية "
    "والعربية لإنهاء الحرب.\nوأشار البيان إلى استمرار استقبال ليبيا للفارين من الحرب عبر مدينة "
    "الكفرة، واستعدادها لتقديم الدعم الإنساني بالتنسيق مع السلطات السودانية.",
)

#: Workers who fled the war in Libya (2011): Libya's war.
FLED_LIBYA = (
    "البنك الدولي يمول عودة العمال الفارين من الحرب في ليبيا",
    "دكا - رويترز\nوافق البنك الدولي على قرض لتمويل عودة آلاف العمال الفارين من الحرب في ليبيا إلى "
    "بلادهم، بعد أن علقوا على الحدود التونسية منذ اندلاع المعارك بين كتائب القذافي والثوار في فبراير.",
)

#: An arson on an election office, armed parties threatening the vote.
ARSON = (
    "إحراق مقر اللجنة الانتخابية في ترهونة قبل يومين من الاقتراع",
    "طرابلس - «الوسط»\nأعلنت المفوضية الوطنية العليا للانتخابات تأجيل الاقتراع البلدي في ترهونة بعد "
    "إضرام مجهولين النار فجر الأحد في مقر اللجنة الانتخابية، ما أدى إلى إتلاف بطاقات الاقتراع "
    "والسجلات. وقال مسؤول في المفوضية إن الهجوم سبقته تهديدات من جهات مسلحة ترفض إجراء الانتخابات، "
    "مطالبا الأجهزة الأمنية بحماية المقار. وحددت المفوضية موعدا جديدا للاقتراع في البلدية خلال الشهر "
    "المقبل بعد توفير مواد بديلة.",
)

#: An Algerian court sentences a young man who trained in Sabratha's camps.
CAMP = (
    "السجن 15 عاما لشاب تدرب في معسكرات صبراتة",
    "الجزائر - «الخبر»\nقضت محكمة الجنايات بالعاصمة بالسجن 15 عاما على شاب متهم بالانتماء إلى جماعة "
    "إرهابية، بعد أن ثبت أنه تدرب في معسكرات صبراتة على استعمال الأسلحة قبل أن يعود عبر الحدود "
    "الجنوبية. وقال الادعاء إن المتهم كان يخطط لتجنيد شبان من حيه، فيما نفى الدفاع التهم وطالب "
    "بالبراءة.",
)

#: Tunisia's no-confidence drive against its speaker over his call to al-Sarraj.
TUNISIA = (
    "موسي تجمع التواقيع لسحب الثقة من الغنوشي: «للدولة رئيس واحد»",
    "تونس - «الصباح»\nأعلنت عبير موسي رئيسة كتلة الدستوري الحر جمع التواقيع لسحب الثقة من رئيس "
    "البرلمان راشد الغنوشي. وجاءت الخطوة بعد اتصال الغنوشي برئيس المجلس الرئاسي لحكومة الوفاق فائز "
    "السراج لتهنئته بالسيطرة على قاعدة الوطية. واتهمت موسي الغنوشي بالاصطفاف في محور إقليمي في الأزمة "
    "الليبية، فيما رد نواب حركة النهضة بأن الاتصال بحكومة معترف بها دوليا لا يخرق أي قانون.\nوتحتاج "
    "اللائحة إلى 109 أصوات في البرلمان التونسي، وهو رقم لا يبدو متاحا للمعارضة من دون انضمام كتل من "
    "الائتلاف الحاكم. وقال الرئيس قيس سعيد خلال لقائه وزير الخارجية إن للدولة التونسية رئيسا واحدا في "
    "الداخل والخارج، ويرى مراقبون أن الملف تحول إلى ساحة لتصفية الحسابات بين قرطاج وباردو في ظل حكومة "
    "ائتلافية هشة.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_the_2011_war_told_through_its_diplomacy_and_money(lexicon: Lexicon) -> None:
    result = judge(*WAR_MONEY, lexicon)
    assert result.relevant
    terms = _terms(WAR_MONEY, lexicon)
    assert terms["مجموعة الاتصال الدولية"][0] == "political_conflict"
    assert terms["المناطق المحررة"][0] == "conflict"
    # armed confrontations weigh as their singular, an armed actor, no longer as "confrontations" (a fixture too)
    clash = (
        "مواجهات مسلحة في محيط مطار بنينا",
        "بنغازي - «الوسط»\nاستمرت المواجهات المسلحة في محيط مطار بنينا.",
    )
    assert "مسلحين" in _terms(clash, lexicon)


def test_libya_speaking_on_the_taiwan_strait_or_on_yobe_speaks_on_another_theatre(lexicon: Lexicon) -> None:
    assert not judge(*TAIWAN, lexicon).relevant
    assert _terms(TAIWAN, lexicon)["تايوان"][0] == "foreign"
    # Yobe is Boko Haram's war (not Nigeria, whose migrants are in Libya's own stories)
    assert _terms(YOBE, lexicon)["بوكو حرام"][0] == "foreign"
    assert not judge(*YOBE, lexicon).relevant


def test_a_libyan_town_receiving_those_who_fled_another_war_is_no_scene(lexicon: Lexicon) -> None:
    assert not judge(*FLED, lexicon).relevant
    assert _terms(FLED, lexicon)["الفارين من الحرب"][0] == "idiom"
    # those who fled the war in Libya name Libya's war
    assert judge(*FLED_LIBYA, lexicon).relevant
    assert "الأزمة الليبية" in _terms(FLED_LIBYA, lexicon)


def test_an_arson_on_an_election_office_beside_armed_parties(lexicon: Lexicon) -> None:
    assert judge(*ARSON, lexicon).relevant
    terms = _terms(ARSON, lexicon)
    assert terms["إحراق"] == ("conflict", 1.0)
    assert "مسلحين" in terms  # "جهات مسلحة", armed parties
    # a protest's fire beside no word of fighting weighs nothing
    riot = (
        "محتجون يغلقون الطريق أمام بلدية مصراتة احتجاجا على انقطاع الكهرباء",
        "مصراتة - «الوسط»\nأضرم محتجون النار في إطارات السيارات أمام مقر البلدية احتجاجا على انقطاع الكهرباء.",
    )
    assert _terms(riot, lexicon)["إحراق"] == ("conflict", 0.0)


def test_a_neighbours_convict_trained_in_a_camp(lexicon: Lexicon) -> None:
    assert not judge(*CAMP, lexicon).relevant
    assert _terms(CAMP, lexicon)["تدرب في معسكر"][0] == "idiom"
    # with Libya after the camp, round 6's weak phrase takes Libya's name
    story = (CAMP[0], CAMP[1].replace("تدرب في معسكرات صبراتة", "تدرب في معسكرات بليبيا"))
    assert "تدرب في ليبيا" in _terms(story, lexicon)


def test_tunisias_quarrel_over_a_call_to_tripoli_is_tunisias_politics(lexicon: Lexicon) -> None:
    result = judge(*TUNISIA, lexicon)
    assert not result.relevant
    # Ghannouchi, Moussi, Ennahda: Tunisia's names, beside its presidents
    assert _terms(TUNISIA, lexicon)["بن قردان"][0] == "foreign"
