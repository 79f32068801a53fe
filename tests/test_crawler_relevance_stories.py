"""Tests of crawler.relevance.judge on whole stories: hard negatives and relevant stories of each lexicon round."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def _article(title: str, *paragraphs: str) -> tuple[str, str]:
    """(title, body) with one paragraph per line."""
    return title, "\n".join(paragraphs)


# --- hard negatives and the ambiguous Tripoli (rounds 1-2) -------------------------------------------

LIBYA_FOOTBALL = _article(
    "الأهلي طرابلس يهزم الاتحاد في قمة الدوري الليبي",
    "فاز الأهلي طرابلس على الاتحاد بهدفين مقابل هدف على ملعب طرابلس الدولي في الدوري الليبي الممتاز.",
    "وشن الأهلي هجوما مكثفا في الشوط الثاني، وحسم المعركة بهدف في الوقت بدل الضائع بتسديدة قوية.",
    "وقال مدرب الاتحاد إن اللاعبين قدموا مباراة كبيرة رغم الخسارة، وإن معركة الصدارة لم تحسم بعد.",
)


LIBYA_ECONOMY = _article(
    "المؤسسة الوطنية للنفط: إنتاج ليبيا يبلغ 1.4 مليون برميل يوميا",
    "أعلنت المؤسسة الوطنية للنفط أن إنتاج ليبيا من الخام بلغ أعلى مستوى منذ عشر سنوات.",
    "وأرجعت الارتفاع إلى عودة حقل الشرارة للعمل وصيانة موانئ السدرة وراس لانوف والبريقة.",
    "وتمثل عائدات النفط أكثر من 90 بالمئة من إيرادات الدولة الليبية، وتمول الرواتب والدعم في طرابلس وبنغازي.",
)


LEBANON_TRIPOLI = _article(
    "اشتباكات بين باب التبانة وجبل محسن في طرابلس",
    "تجددت الاشتباكات المسلحة بين منطقتي باب التبانة وجبل محسن في طرابلس شمالي لبنان، ما أدى إلى سقوط قتيلين.",
    "واستخدمت الأسلحة الرشاشة والقذائف، وأعلن الجيش اللبناني تعزيز انتشاره على خطوط التماس.",
)


TRIPOLI_ONLY_CLASHES = _article(
    "اشتباكات عنيفة في طرابلس وسقوط قتلى",
    "اندلعت اشتباكات بين مسلحين في طرابلس استخدمت فيها قذائف الهاون، وسقط قتلى وجرحى.",
    "وانتشرت أرتال عسكرية في الشوارع وسط دعوات إلى وقف إطلاق النار.",
)


SUDAN = _article(
    "الدعم السريع يقصف الفاشر ومقتل العشرات",
    "قتل أكثر من 30 مدنيا في قصف مدفعي لقوات الدعم السريع على مدينة الفاشر في دارفور.",
    "وقال الجيش السوداني إنه صد هجوما على المدينة، فيما نزح آلاف إلى تشاد وليبيا هربا من المعارك في السودان.",
)


@pytest.mark.parametrize(
    "article",
    [LIBYA_FOOTBALL, LIBYA_ECONOMY, LEBANON_TRIPOLI, TRIPOLI_ONLY_CLASHES, SUDAN],
    ids=["libya-football", "libya-economy", "lebanon-tripoli", "ambiguous-tripoli", "sudan"],
)
def test_hard_negatives_are_not_relevant(article: tuple[str, str], lexicon: Lexicon) -> None:
    verdict = judge(*article, lexicon)
    assert not verdict.relevant, verdict
    assert verdict.score < 1.0


def test_ambiguous_tripoli_counts_once_libya_is_named(lexicon: Lexicon) -> None:
    title, body = TRIPOLI_ONLY_CLASHES
    alone = judge(title, body, lexicon)
    anchored = judge(
        title, body + "\nوتشهد العاصمة الليبية توترا منذ أسابيع بين ميليشيات متنافسة في ليبيا.", lexicon
    )
    weight_alone = {t: w for t, _, w, _ in alone.matched_terms}["طرابلس"]
    weight_anchored = {t: w for t, _, w, _ in anchored.matched_terms}["طرابلس"]
    assert weight_alone == pytest.approx(2.0 * lexicon.scoring.ambiguous_factor)
    assert weight_anchored == pytest.approx(2.0)
    assert anchored.relevant


# --- the political side of the conflict (round 3) ----------------------------------------------------

RIVAL_GOVERNMENTS = _article(
    "الحكومة المكلفة من مجلس النواب ترفض قرارات المجلس الرئاسي",
    "رفضت الحكومة المكلفة من مجلس النواب قرار المجلس الرئاسي تعيين إدارة جديدة للمؤسسة، واعتبرته منعدما.",
    "وقال المتحدث باسمها إن حكومة الدبيبة منتهية الولاية، وإن تسليم السلطة لا يكون إلا لحكومة موحدة.",
    "ودعت البعثة الأممية طرفي الصراع إلى ضبط النفس والعودة إلى العملية السياسية.",
)


UN_TALKS = _article(
    "جولة جديدة من الحوار الليبي في بوزنيقة حول المناصب السيادية والقاعدة الدستورية",
    "اتفق وفدا مجلس النواب والمجلس الأعلى للدولة على معايير اختيار شاغلي المناصب السيادية.",
    "وقال المبعوث الأممي إن الخلاف على القاعدة الدستورية يعكس الصراع السياسي المستمر بين الشرق والغرب.",
)


YEMEN_POLITICS = _article(
    "المبعوث الأممي يدعو طرفي الصراع في اليمن إلى العملية السياسية",
    "دعا المبعوث الأممي إلى اليمن طرفي الصراع إلى ضبط النفس والعودة إلى العملية السياسية في صنعاء وعدن.",
    "وقال إن الحوثيين والحكومة اليمنية مطالبون بتسوية سياسية تنهي الحرب في اليمن.",
)


LIBYA_MUNICIPAL_ELECTIONS = _article(
    "المفوضية تعلن نتائج انتخابات المجالس البلدية في ليبيا",
    "أعلنت المفوضية الوطنية العليا للانتخابات النتائج الأولية لانتخابات المجالس البلدية في 58 بلدية ليبية.",
    "وقال رئيس المفوضية إن العملية جرت في أجواء هادئة في طرابلس وبنغازي ومصراتة، بنسبة مشاركة 74 بالمئة.",
    "وأوضح أن باب الطعون يفتح ثلاثة أيام قبل إعلان النتائج النهائية.",
)


@pytest.mark.parametrize("article", [RIVAL_GOVERNMENTS, UN_TALKS], ids=["rival-governments", "un-talks"])
def test_political_conflict_stories_without_military_words_are_relevant(
    article: tuple[str, str], lexicon: Lexicon
) -> None:
    verdict = judge(*article, lexicon)
    assert verdict.relevant, verdict.matched_terms[:8]
    categories = {cat for _, cat, _, _ in verdict.matched_terms}
    assert categories & {"political_conflict", "libya_political"}
    assert "libya_armed" not in categories  # no armed vocabulary was needed: only political terms
    armed_words = {"اشتباكات", "قصف", "معارك", "ميليشيات", "مسلحين", "قتلى", "غارة", "هجوم"}
    assert not armed_words & {t for t, *_ in verdict.matched_terms}


@pytest.mark.parametrize(
    "article",
    [YEMEN_POLITICS, LIBYA_MUNICIPAL_ELECTIONS],
    ids=["yemen-politics", "libya-municipal-elections"],
)
def test_political_words_elsewhere_or_ordinary_libyan_politics_are_not_relevant(
    article: tuple[str, str], lexicon: Lexicon
) -> None:
    verdict = judge(*article, lexicon)
    assert not verdict.relevant, verdict


# --- round 5: Libya's neighbours, patrols, condolences, small western towns --------------------------------

LIBYA_CONDOLENCE = _article(
    "تعزية في وفاة الحاج مفتاح العبيدي",
    "يتقدم المجلس البلدي طبرق بأحر التعازي إلى أسرة الحاج مفتاح العبيدي الذي وافته المنية إثر مرض عضال.",
    "سائلين الله أن يتغمده بواسع رحمته ويلهم أهله الصبر والسلوان. إنا لله وإنا إليه راجعون.",
)


LIBYA_PATROL = _article(
    "مقتل اثنين من أفراد الدورية في هجوم مسلح جنوب ليبيا",
    "قتل اثنان من أفراد دورية أمنية في هجوم مسلح استهدف الدورية قرب القطرون جنوب ليبيا.",
    "وقال مصدر عسكري إن المسلحين أطلقوا النار من سيارات رباعية الدفع ثم فروا، فيما أرسلت الكتيبة تعزيزات عسكرية.",
    "وتشهد المنطقة اشتباكات متكررة بين مجموعات مسلحة تتنازع طرق التهريب.",
)


TUNISIA_BORDER = _article(
    "الحرس التونسي يشتبك مع مهربين قرب الحدود الليبية",
    "أعلنت وزارة الداخلية التونسية أن وحدات من الحرس الوطني اشتبكت مع مهربين مسلحين قرب تطاوين، على مقربة من الحدود مع ليبيا.",
    "وأسفر الاشتباك عن إصابة عنصر أمن وحجز أسلحة وذخيرة، فيما فر بقية المهربين.",
)


ALGERIA_PERIODIC = _article(
    "الحصيلة الدورية للجيش الجزائري: حجز أسلحة على الحدود",
    "أعلنت وزارة الدفاع الجزائرية في حصيلتها الدورية أن مفارز الجيش الوطني الشعبي حجزت أسلحة وذخيرة بجانت قرب الحدود الجزائرية الليبية.",
    "وأوقفت الوحدات عناصر دعم للجماعات الإرهابية وكشفت مخبأ يحتوي قنابل تقليدية الصنع.",
)


@pytest.mark.parametrize(
    "article",
    [LIBYA_CONDOLENCE, TUNISIA_BORDER, ALGERIA_PERIODIC],
    ids=["libya-condolence", "tunisia-border", "algeria-periodic"],
)
def test_round5_hard_negatives_are_not_relevant(article: tuple[str, str], lexicon: Lexicon) -> None:
    verdict = judge(*article, lexicon)
    assert not verdict.relevant, verdict


def test_a_patrol_story_is_not_turned_into_sport(lexicon: Lexicon) -> None:
    verdict = judge(*LIBYA_PATROL, lexicon)
    assert "الدوري" not in {t for t, *_ in verdict.matched_terms}
    assert verdict.relevant, verdict


def test_clashes_in_a_small_western_town_are_relevant(lexicon: Lexicon) -> None:
    verdict = judge(
        "اشتباكات في صرمان",
        "اندلعت اشتباكات بالأسلحة المتوسطة في صرمان بين مجموعتين مسلحتين، ما أدى إلى إغلاق الطريق الساحلي.\n"
        "وأعلن مركز الطب الميداني مقتل شخصين، ودعا أعيان المدينة إلى وقف إطلاق النار.",
        lexicon,
    )
    assert verdict.relevant, verdict


def test_a_libyan_story_at_the_tunisian_border_stays_relevant(lexicon: Lexicon) -> None:
    verdict = judge(
        "اشتباكات عند معبر رأس اجدير",
        "اندلعت اشتباكات بين قوة تابعة لوزارة الداخلية الليبية ومسلحين من زوارة عند منفذ رأس اجدير مع تونس.\n"
        "وأغلقت السلطات المعبر، فيما تكدس المسافرون التونسيون على الجانب الآخر.",
        lexicon,
    )
    assert verdict.relevant, verdict


# --- Round 6 (issue 13): the institutional, judicial and humanitarian sides; look-alikes; statements ----------
# Short synthetic stories written for these tests (not copies of the SaudiNewsNet articles).

CENTRAL_BANK_DISPUTE = _article(
    "مجلس النواب يقيل محافظ مصرف ليبيا المركزي والكبير يرفض القرار",
    "قرر مجلس النواب المنعقد في طبرق إقالة الصديق الكبير من منصب محافظ مصرف ليبيا المركزي وتكليف نائبه بدلا منه، "
    "في خطوة رفضها المؤتمر الوطني العام في طرابلس واعتبرها باطلة.",
    "وقال الكبير إنه لن يسلم المصرف إلا لمن تختاره سلطة موحدة، فيما دعت البعثة الأممية إلى تحييد المؤسسات المالية.",
    "ويخشى مراقبون أن يؤدي وجود محافظين متنازعين إلى تعطيل صرف المرتبات في البلاد.",
)


KIDNAPPING = _article(
    "مسلحون يختطفون مسؤولا في الهلال الأحمر غرب ليبيا ويطالبون بفدية",
    "اختطفت مجموعة مسلحة مجهولة مسؤولا في جمعية الهلال الأحمر الليبي أثناء عودته إلى منزله في مدينة صبراتة.",
    "وقالت أسرة المختطف إن الخاطفين اتصلوا بها وطالبوا بفدية مالية مقابل الإفراج عنه، فيما أدانت منظمات حقوقية "
    "تصاعد عمليات الخطف التي تنفذها الجماعات المسلحة في غياب سلطة الدولة.",
)


TRIBAL_DIALOGUE = _article(
    "شيوخ القبائل الليبية يناقشون اتفاق الصخيرات في اجتماع موسع",
    "عقد شيوخ وأعيان القبائل الليبية اجتماعا موسعا لمناقشة الاتفاق السياسي الذي وقع بالأحرف الأولى في مدينة "
    "الصخيرات المغربية، وسبل دعم المصالحة الوطنية.",
    "ودعا المجتمعون الأطراف الليبية إلى استكمال الحوار وتشكيل حكومة توافقية تنهي الانقسام.",
)


REGIME_TRIAL = _article(
    "محكمة في طرابلس تصدر أحكاما بالإعدام بحق رموز النظام السابق",
    "أصدرت محكمة استئناف طرابلس أحكاما بالإعدام رميا بالرصاص بحق تسعة من رموز نظام القذافي.",
    "وقالت منظمات حقوقية إن المحاكمة جرت في ظل سيطرة الميليشيات على العاصمة، فيما رفض مجلس النواب المعترف به "
    "دوليا الاعتراف بالأحكام.",
    "ويحتجز أحد المحكومين لدى كتيبة في الزنتان ترفض تسليمه إلى طرابلس.",
)


TUNISIA_SPILLOVER = _article(
    "تونس تغلق معبر رأس اجدير بسبب تجدد الاشتباكات في ليبيا",
    "قررت السلطات التونسية إغلاق معبر رأس اجدير الحدودي بعد تجدد الاشتباكات بين الميليشيات الليبية في مدينة "
    "زوارة المجاورة، وسقوط قذائف قرب المعبر.",
    "وقالت وزارة الداخلية التونسية إن الأوضاع في ليبيا تفرض تعزيز الوحدات العسكرية على الحدود.",
    "وعبر آلاف الليبيين الفارين من القتال إلى الجنوب التونسي خلال الأيام الماضية.",
)


CAIRO_DECLARATION = _article(
    "السعودية ومصر توقعان «إعلان القاهرة» لتعزيز التعاون العسكري والاقتصادي",
    "وقع ولي ولي العهد السعودي والرئيس المصري في القاهرة إعلانا مشتركا يهدف إلى تطوير التعاون العسكري والعمل "
    "على إنشاء القوة العربية المشتركة، وتعزيز الاستثمارات بين البلدين.",
    "وتناول الجانبان الأوضاع في المنطقة ومنها اليمن وسوريا وليبيا، وأكدا أهمية الحلول السياسية.",
)


LIBYA_CONDEMNS_BOMBING_ABROAD = _article(
    "ليبيا تدين التفجير الإرهابي الذي استهدف مسجدا في مدينة كراتشي",
    "أدانت وزارة الخارجية في الحكومة الليبية المؤقتة التفجير الإرهابي الذي استهدف مسجدا في مدينة كراتشي "
    "الباكستانية وأسفر عن مقتل وإصابة العشرات من المصلين.",
    "وأعربت الوزارة في بيان عن تضامن ليبيا حكومة وشعبا مع باكستان، وقدمت التعازي لأسر الضحايا، متمنية الشفاء "
    "العاجل للجرحى.",
    "وأكد البيان أن الإرهاب لا دين له.",
)


ATTACKER_TRAINED_IN_LIBYA = _article(
    "محاكمة متهمين في هجوم سوسة وأحدهم تدرب في ليبيا",
    "بدأت محكمة تونسية محاكمة متهمين بالمشاركة في الهجوم الإرهابي على فندق في مدينة سوسة، والذي أسفر عن مقتل "
    "38 سائحا.",
    "وقالت النيابة العامة إن منفذ الهجوم تلقى تدريبا في معسكر بليبيا قبل عودته إلى تونس.",
    "وأكدت وزارة الداخلية التونسية مواصلة الحرب على الإرهاب وتعزيز الرقابة على الحدود.",
)


HOUSE_BUDGET_WITH_THE_BANK = _article(
    "مجلس النواب يصادق على الميزانية بعد جلسة حضرها محافظ المصرف المركزي",
    "صادق مجلس النواب الليبي خلال جلسته اليوم على مشروع الميزانية العامة للدولة بعد التصويت "
    "بأغلبية الحاضرين، "
    "بحضور محافظ مصرف ليبيا المركزي.",
    "وقال المتحدث باسم المجلس إن الميزانية تضمنت زيادة مخصصات الصحة والتعليم ودعم المحروقات.",
)


@pytest.mark.parametrize(
    "article",
    [CENTRAL_BANK_DISPUTE, KIDNAPPING, TRIBAL_DIALOGUE, REGIME_TRIAL, TUNISIA_SPILLOVER],
    ids=["central-bank-dispute", "kidnapping", "tribal-dialogue", "regime-trial", "tunisia-spillover"],
)
def test_round6_institutional_judicial_and_spillover_stories_are_relevant(
    article: tuple[str, str], lexicon: Lexicon
) -> None:
    verdict = judge(*article, lexicon)
    assert verdict.relevant, verdict


@pytest.mark.parametrize(
    "article",
    [CAIRO_DECLARATION, LIBYA_CONDEMNS_BOMBING_ABROAD, ATTACKER_TRAINED_IN_LIBYA, HOUSE_BUDGET_WITH_THE_BANK],
    ids=["cairo-declaration", "libya-condemns-bombing-abroad", "attacker-trained-in-libya", "house-budget"],
)
def test_round6_look_alikes_and_statements_are_not_relevant(
    article: tuple[str, str], lexicon: Lexicon
) -> None:
    verdict = judge(*article, lexicon)
    assert not verdict.relevant, verdict


def test_the_central_bank_is_a_body_of_the_split(lexicon: Lexicon) -> None:
    """A governor dispute names the House and the bank: the split signal makes "رفض" conflict evidence."""
    verdict = judge(*CENTRAL_BANK_DISPUTE, lexicon)
    weights = {t: w for t, _, w, _ in verdict.matched_terms}
    assert weights["رفض"] > 0
    no_split = replace(lexicon, scoring=replace(lexicon.scoring, split_bodies_min=0))
    assert judge(*CENTRAL_BANK_DISPUTE, no_split).conflict_score < verdict.conflict_score


def test_statement_words_lower_the_topic_of_a_condemnation(lexicon: Lexicon) -> None:
    verdict = judge(*LIBYA_CONDEMNS_BOMBING_ABROAD, lexicon)
    categories = {c for _, c, *_ in verdict.matched_terms}
    assert "statement" in categories
    without = Lexicon(tuple(t for t in lexicon.terms if t.category != "statement"), lexicon.scoring)
    assert judge(*LIBYA_CONDEMNS_BOMBING_ABROAD, without).score > verdict.score
