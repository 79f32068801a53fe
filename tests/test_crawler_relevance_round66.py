"""Round 66 of the relevance judge (from the errors the rule of round 65 and the learned reader still made on every
labelled set, holdout11-265, and SaudiNewsNet's dev part; all development data).

* A camp's internal security agency ("جهاز الأمن الداخلي") holding activists or seizing books, told with no word of
  fighting: an armed actor (so a detention beside it is the conflict's), weight 1, as old as Gaddafi's agency
  (timeless); Lebanon's and Tunisia's forces, a ministry of homeland security and France's or Algeria's directorate
  are idioms.
* One body of the split protesting or deliberately obstructing the other's act ("تحتج", "احتجاجا على", "تعطيل
  متعمد"): dispute words, counted only beside two bodies of the split; Lebanon's speaker, Nabih Berri, marks his
  parliament as another country's.
* The 2024 central bank crisis by its short name, "أزمة «المركزي»", told through its fallout abroad.
* Libya's older wars told as history: the desert war of 1941-43 by its armies (Rommel, the Axis, the Eighth Army),
  Algeria's war of independence, the Libyan army of the Aouzou war weighing as that war's (crawler/relevance/history.py
  ``framed_weight``), bare "fighters" as old as any war; exile ("المنفى") is no Menfi, and the transition's political
  isolation law is the conflict's.

Every probe was written for this round (none is a holdout article); each test fails on round 65's lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: A journalist held by the east's internal security agency: no word of fighting.
AGENCY = (
    "«الأمن الداخلي» في طبرق يحتجز مصورا صحفيا منذ خمسة أسابيع",
    "طبرق - «الوسط»\nقالت أسرة مصور صحفي من طبرق إن عناصر من جهاز الأمن الداخلي اقتادوه من مكتبه قبل خمسة "
    "أسابيع، بعد أن نشر صورا لطوابير الخبز أمام المخابز، ولم يعرض منذ ذلك الحين على النيابة العامة.\n"
    "وأضافت الأسرة أنها راجعت مقر الجهاز مرات عدة دون أن يسمح لها بزيارته، فيما طالبت نقابة الصحفيين "
    "الليبيين بالإفراج عنه فورا، معتبرة أن احتجازه دون تهمة يخالف القانون.\nولم يرد الجهاز على طلب للتعليق.",
)

#: Lebanon's internal security forces arrest a gang in Tripoli, north Lebanon.
LEBANON_FORCES = (
    "قوى الأمن الداخلي توقف عصابة لسرقة السيارات في طرابلس",
    "طرابلس - «النهار»\nأوقفت دورية من قوى الأمن الداخلي في طرابلس شمال لبنان أربعة أشخاص يشتبه في "
    "انتمائهم إلى عصابة تسرق السيارات في أحياء المدينة، وضبطت في حوزتهم مفاتيح مقلدة.\nوقالت المديرية في "
    "بيان إن الموقوفين أحيلوا إلى القضاء المختص بعد التحقيق معهم.",
)

#: The eastern government in al-Bayda protests the unity government's consul in Alexandria.
PROTEST = (
    "البيضاء تحتج على قنصل عينته حكومة الدبيبة في الإسكندرية",
    "البيضاء - «الوسط»\nقالت وزارة الخارجية بالحكومة المؤقتة في البيضاء إنها وجهت مذكرة احتجاج إلى السلطات "
    "المصرية بعد مباشرة قنصل عينته حكومة الوحدة الوطنية مهامه في الإسكندرية، ووصفت التعيين بأنه «خطوة أحادية».\nوقال القنصل الجديد إنه "
    "باشر عمله وفق الإجراءات المعتادة، وإنه يقدم خدماته لكل الليبيين المقيمين في غرب مصر.",
)

#: The House returns the unity government's budget; the government calls it deliberate obstruction.
OBSTRUCTION = (
    "مجلس النواب يؤجل التصويت على ميزانية الحكومة.. والدبيبة: «تعطيل متعمد»",
    "طبرق - «المتوسط»\nأجل مجلس النواب في جلسته أمس التصويت على مشروع الميزانية العامة الذي أحالته حكومة "
    "الوحدة الوطنية، وطالب بإعادة توزيع مخصصات التنمية بين المناطق.\nوقال عبد الحميد الدبيبة في كلمة "
    "متلفزة إن ما يجري «تعطيل متعمد لعمل الحكومة»، وإن المشروع عدل مرتين وفق ملاحظات اللجنة المالية.\n"
    "ويرى مراقبون أن الخلاف يدور حول الصلاحيات وحصص المناطق من الإنفاق.",
)

#: A storm: the unity government suspends classes, the House's committee follows the weather.
STORM = (
    "حكومة الوحدة تعلن تعطيل الدراسة يومين بسبب العاصفة",
    "طرابلس - «وال»\nأعلنت حكومة الوحدة الوطنية تعطيل الدراسة في مدارس المنطقة الغربية يومي الأحد والاثنين "
    "بسبب العاصفة المتوقعة، فيما دعت لجنة الطوارئ في مجلس النواب البلديات إلى رفع الجاهزية. وقال المركز "
    "الوطني للأرصاد إن الرياح قد تتجاوز سرعتها ستين كيلومترا في الساعة على الساحل.",
)

#: Lebanon's speaker and the Libyan foreign ministry on the Musa al-Sadr case.
BERRI = (
    "الخارجية الليبية تحتج على تصريحات في بيروت حول قضية الصدر",
    "طرابلس - «وكالات»\nاستدعت وزارة الخارجية في حكومة الوحدة الوطنية القائم بالأعمال اللبناني احتجاجا على "
    "تصريحات اعتبرتها مسيئة لليبيا، بعد أن قال رئيس مجلس النواب نبيه بري إن طرابلس «لم تقدم شيئا» في "
    "قضية اختفاء الإمام موسى الصدر عام 1978. ورفض بيان الوزارة «تحميل ليبيا الجديدة وزر النظام السابق».",
)

#: Libyan students in Amman whose grants the central bank crisis froze.
CRISIS = (
    "طلبة ليبيون في عمان بلا منح منذ شهرين.. أزمة «المركزي» تجمد التحويلات",
    "عمان - «الغد»\nيواجه مئات الطلبة الليبيين الدارسين في الجامعات الأردنية صعوبة في دفع الإيجارات "
    "والرسوم، بعد توقف تحويل منحهم الشهرية منذ شهرين.\nوقال ممثل عن الطلبة إن الملحقية الثقافية الليبية "
    "أبلغتهم بأن التحويلات «متوقفة حتى إشعار آخر»، فيما منحت بعض الجامعات مهلة لسداد الرسوم.",
)

#: A Libyan commercial bank's new board: no crisis.
NEW_BOARD = (
    "الجمعية العمومية تعين إدارة جديدة للمصرف التجاري الوطني",
    "البيضاء - «وال»\nعينت الجمعية العمومية للمصرف التجاري الوطني مجلس إدارة جديدا برئاسة خبير مصرفي من "
    "بنغازي، وقالت في بيان إن المجلس سيعمل على توسيع الخدمات الإلكترونية وافتتاح فروع في المدن الصغيرة.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_a_camps_internal_security_agency_holding_a_journalist(lexicon: Lexicon) -> None:
    result = judge(*AGENCY, lexicon)
    assert result.relevant
    terms = _terms(AGENCY, lexicon)
    assert terms["جهاز الأمن الداخلي"] == ("conflict", 1.0)
    assert terms["احتجاز"][1] > 0  # a detention beside the agency, an armed actor, counts
    # Lebanon's internal security forces are police: an idiom, and their gang's arrest no Libya story
    assert not judge(*LEBANON_FORCES, lexicon).relevant
    assert _terms(LEBANON_FORCES, lexicon)["قوى الأمن الداخلي"][0] == "idiom"


def test_one_body_protesting_the_others_act(lexicon: Lexicon) -> None:
    assert judge(*PROTEST, lexicon).relevant
    assert _terms(PROTEST, lexicon)["تحتج"][0] == "dispute"
    # beside Lebanon's speaker, "مجلس النواب" is his parliament: one body of the split, the protest weighs nothing
    result = judge(*BERRI, lexicon)
    assert not result.relevant
    terms = _terms(BERRI, lexicon)
    assert terms["برلمان دولة أخرى"][0] == "foreign"
    assert terms["تحتج"] == ("dispute", 0.0)


def test_deliberate_obstruction_between_the_house_and_the_government(lexicon: Lexicon) -> None:
    assert judge(*OBSTRUCTION, lexicon).relevant
    assert _terms(OBSTRUCTION, lexicon)["عرقلة"][0] == "dispute"
    # classes suspended for a storm are no obstruction, whichever bodies the story names
    assert not judge(*STORM, lexicon).relevant
    assert "عرقلة" not in _terms(STORM, lexicon)


def test_the_central_bank_crisis_by_its_short_name(lexicon: Lexicon) -> None:
    assert judge(*CRISIS, lexicon).relevant
    # the review of round 66: the bare short name is a term of its own, ambiguous (anchored here by Libya's names)
    assert _terms(CRISIS, lexicon)["أزمة المركزي"] == ("libya_political", 3.0)
    # a commercial bank's new board is no crisis of the central bank
    assert not judge(*NEW_BOARD, lexicon).relevant
    assert "الإدارة الجديدة للمصرف المركزي" not in _terms(NEW_BOARD, lexicon)


#: Volunteers map the desert war's wrecks; the war's name only at the end.
DESERT_WAR = (
    "متطوعون يرسمون خريطة لحطام دبابات روميل قرب بئر حكيم",
    "طبرق - «الوسط»\nبدأ متطوعون من طبرق رسم خريطة رقمية لحطام الدبابات والمدرعات التي خلفتها معارك قوات "
    "المحور بقيادة روميل والجيش الثامن البريطاني صيف 1942 جنوب غرب المدينة، ورصدوا أكثر من عشرين هيكلا.\n"
    "وقال منسق الفريق إن بعض الهياكل تحمل آثار القصف المدفعي والغارات الجوية التي شهدتها المنطقة خلال "
    "أسابيع المعارك.\n"
    "وحذر المتطوعون من الاقتراب من بعض المواقع لاحتمال وجود ألغام وقذائف لم تنفجر، داعين إلى إقامة متحف "
    "مفتوح على غرار متاحف الحرب العالمية الثانية في مصر.",
)

#: Today's war: the mines of 2019 beside the Axis's shells.
MINES_TODAY = (
    "ألغام حرب 2019 تقتل طفلين في عين زارة.. وفرق الهندسة تجد بجانبها قذائف من عهد روميل",
    "طرابلس - «الوسط»\nقتل طفلان وأصيب ثالث بانفجار لغم من مخلفات الاشتباكات التي شهدتها ضواحي طرابلس "
    "الجنوبية عام 2019 بين قوات حفتر وقوات حكومة الوفاق، في منطقة عين زارة.\nوقالت فرق الهندسة العسكرية إنها "
    "عثرت قرب المكان على قذائف قديمة من عهد قوات المحور، وإن الألغام التي زرعتها الميليشيات خلال الحرب "
    "ما زالت تحصد أرواح المدنيين.",
)

#: The Libyan army's rout at Fada in 1987, told as history.
TOYOTA_WAR = (
    "في ذكرى «حرب التويوتا».. كيف خسر الجيش الليبي معركة فادا",
    "انجامينا - «وكالات»\nيستعيد مؤرخون تشاديون هذا الأسبوع معركة فادا التي خسر فيها الجيش الليبي في يناير "
    "1987 مئات الجنود وعشرات الدبابات أمام مقاتلين تشاديين على سيارات خفيفة. وكان الجيش الليبي قد تمركز في "
    "شمال تشاد منذ السبعينيات، وانسحب الجيش الليبي من الشمال بعد أشهر، قبل أن تحسم محكمة العدل الدولية "
    "النزاع على أوزو عام 1994.",
)

#: Libya as the road of Algeria's arms in 1954-62.
ALGERIA_ROAD = (
    "ندوة في قسنطينة عن دور ليبيا في إمداد الثورة التحريرية بالسلاح",
    "الجزائر - «الشروق»\nاستعرض باحثون ومجاهدون في ندوة بقسنطينة طرق نقل الأسلحة والذخيرة عبر الأراضي الليبية "
    "إلى الحدود الشرقية خلال ثورة التحرير الجزائرية، من موانئ طرابلس إلى غدامس وغات، وكيف كانت القوافل "
    "تتفادى طائرات الاستطلاع الفرنسية، داعين إلى مشاريع بحث مشتركة مع جامعات ليبية.",
)

#: A GNC member resigns under the political isolation law; he had lived in exile.
ISOLATION = (
    "عضو في المؤتمر الوطني العام يستقيل تطبيقا لقانون العزل السياسي",
    "طرابلس - «الحياة»\nأعلن عضو المؤتمر الوطني العام عن دائرة درنة استقالته تطبيقا لقانون العزل السياسي "
    "الذي أقره المؤتمر الشهر الماضي، وقال إنه عمل دبلوماسيا في السبعينيات قبل أن يعيش عشرين عاما في المنفى. "
    "ودعا زملاءه إلى مراجعة القانون الذي قال إنه «يساوي بين من خدم النظام ومن عارضه».",
)


def test_the_desert_war_by_its_armies_is_history(lexicon: Lexicon) -> None:
    result = judge(*DESERT_WAR, lexicon)
    assert not result.relevant
    assert _terms(DESERT_WAR, lexicon)["الحرب العالمية الثانية"][0] == "foreign"  # Rommel, the Axis: that war
    # the mines of the 2019 war found beside the Axis's shells are today's war
    assert judge(*MINES_TODAY, lexicon).relevant


def test_the_libyan_army_of_the_aouzou_war_weighs_as_that_wars(lexicon: Lexicon) -> None:
    result = judge(*TOYOTA_WAR, lexicon)
    assert not result.relevant
    army = _terms(TOYOTA_WAR, lexicon)["الجيش الليبي"]
    assert army[1] < 3.0  # scaled by statement_factor, as the frame's other conflict words are
    assert not judge(*ALGERIA_ROAD, lexicon).relevant
    assert _terms(ALGERIA_ROAD, lexicon)["الثورة التحريرية"][0] == "foreign"


def test_the_isolation_law_and_exile(lexicon: Lexicon) -> None:
    assert judge(*ISOLATION, lexicon).relevant
    terms = _terms(ISOLATION, lexicon)
    assert terms["قانون العزل السياسي"][0] == "political_conflict"
    assert terms["في المنفى"][0] == "idiom"  # exile, no Menfi
    assert "المنفي" not in terms
