"""Tests of the lexicon's coverage (round 8, issue 13): every side of the Libyan conflict, anchored, and the look-alikes.

The sides are listed in benchmarks/results/relevance.md ("What the judge must cover"); the class probes are
benchmarks/relevance/probes8.jsonl (one short article per class the issue names).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "benchmarks" / "relevance" / "probes8.jsonl"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def _found(title: str, body: str, lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    """term -> (category, effective weight) of one judgement."""
    return {t: (cat, w) for t, cat, w, _ in judge(title, body, lexicon).matched_terms}


@pytest.mark.parametrize(
    ("body", "term", "category"),
    [
        ("عقد برلمان طبرق جلسة جديدة", "برلمان طبرق", "libya_actor"),
        ("رفضت حكومة البيضاء القرار", "حكومة طبرق", "libya_actor"),
        ("وقال محافظ البنك المركزي الليبي", "مصرف ليبيا المركزي", "libya_actor"),
        ("التقى المبعوث برناردينو ليون الوفود", "برناردينو ليون", "libya_political"),
        ("قضت المحكمة بإعدام عبد الله السنوسي", "عبدالله السنوسي", "libya_political"),
        ("حكم على سيف الإسلام القذافي", "سيف الإسلام القذافي", "libya_political"),
        ("اجتماع دول جوار ليبيا في الجزائر", "دول جوار ليبيا", "libya_political"),
        ("هاجم مجلس شورى ثوار أجدابيا", "مجلس شورى مجاهدي درنة", "libya_political"),
        ("وصلت قوات درع ليبيا", "درع ليبيا", "libya_armed"),
        ("أعلنت ولاية برقة مسؤوليتها", "ولاية طرابلس", "libya_armed"),
        ("وقالت كتائب الزنتان", "كتائب الزنتان", "libya_armed"),
        ("مسلحون خطفوا أربعة عمال", "اختطاف", "conflict"),
        ("آلاف العائلات النازحة في المدارس", "الأسر النازحة", "conflict"),
        ("وقاطع الجلسة النواب المقاطعون", "النواب المقاطعين", "political_conflict"),
        ("اختتمت لجنتا الصياغة الموحدة جولتهما", "تعديل الاتفاق السياسي", "political_conflict"),  # round 13
        ("لم تتوصل إلى صيغة لتعديل الاتفاق السياسي", "تعديل الاتفاق السياسي", "political_conflict"),
        ("محكمة تبرئ الساعدي القذافي", "الساعدي القذافي", "libya_political"),  # round 14
        ("المحتجز في سجن الهضبة بالعاصمة", "سجن الهضبة", "libya_political"),
        ("نقل إلى سجن معيتيقة", "سجن الهضبة", "libya_political"),
        ("اختتم البرلمان العربي جلسته", "البرلمان العربي", "foreign"),  # round 15: not Libya's House
        ("صوت مجلس النواب الأمريكي", "برلمان دولة أخرى", "foreign"),
    ],
)
def test_round8_sides_of_the_conflict_match(body: str, term: str, category: str, lexicon: Lexicon) -> None:
    found = _found("", body, lexicon)
    assert term in found, found
    assert found[term][0] == category


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("تعادل أولمبيك ليون مع مرسيليا", "برناردينو ليون"),  # Lyon, not León: only his full name counts
        ("كانوا كالبنيان المرصوص", "عملية البنيان المرصوص"),  # the Quranic phrase, not the 2016 operation
        ("أعلنت حكومة الإنقاذ في صنعاء", "حكومة الغويل"),  # the Houthis' government
    ],
)
def test_round8_look_alikes_do_not_match(body: str, term: str, lexicon: Lexicon) -> None:
    assert term not in _found("", body, lexicon)


def test_ambiguous_names_of_other_countries_stay_weak(lexicon: Lexicon) -> None:
    found = _found("", "أعلنت حكومة الإنقاذ الوطني في صنعاء", lexicon)
    assert found["حكومة الإنقاذ الوطني"][1] < 1.0  # Sanaa's, not Tripoli's: no unambiguous Libya term


def test_bodies_named_by_their_seat_are_no_conflict_evidence(lexicon: Lexicon) -> None:
    # the background paragraph of Reuters-style Libya stories closes economy stories too
    title = "ارتفاع أسعار الخبز في ليبيا"
    body = "\n".join(
        [
            "ارتفعت أسعار الخبز والدقيق في أسواق طرابلس وبنغازي بنسبة كبيرة خلال الأسبوع الماضي بسبب نقص القمح.",
            "وقال تجار إن تأخر وصول الشحنات إلى الموانئ الليبية رفع الأسعار وأن الحكومة وعدت بتوفير الدقيق المدعوم.",
            "وتتنازع السلطة في ليبيا حكومتان، الأولى في البيضاء منبثقة عن برلمان طبرق، والثانية في طرابلس.",
        ]
    )
    verdict = judge(title, body, lexicon)
    assert not verdict.relevant, verdict.matched_terms[:8]
    cats = {t: cat for t, cat, _, _ in verdict.matched_terms}
    assert cats["برلمان طبرق"] == "libya_actor"


def test_libya_condemning_an_attack_abroad_is_not_relevant(lexicon: Lexicon) -> None:
    title = "الحكومة الليبية تدين الهجوم الإرهابي في أنقرة"
    body = "\n".join(
        [
            "أدانت الحكومة الليبية المؤقتة الهجوم الإرهابي الجبان الذي استهدف محطة القطارات في أنقرة وأسفر عن مقتل عشرات.",
            "وأعربت الحكومة عن تعازيها لأسر الضحايا وتضامنها مع تركيا حكومة وشعبا، مؤكدة أن الإرهاب لا دين له.",
        ]
    )
    verdict = judge(title, body, lexicon)
    assert not verdict.relevant, verdict.matched_terms[:8]


ANKARA = (
    "الحكومة الليبية تدين الهجوم الإرهابي في أنقرة",
    "أدانت الحكومة الليبية المؤقتة الهجوم الإرهابي الجبان على محطة القطارات في أنقرة وأسفر عن مقتل عشرات.",
)


def _weights(verdict) -> dict[str, float]:
    return {t: w for t, _, w, _ in verdict.matched_terms}


def test_the_statement_frame_scales_country_neutral_conflict_words(lexicon: Lexicon) -> None:
    framed = _weights(judge(*ANKARA, lexicon))
    assert framed["هجوم"] == pytest.approx(1.0 * lexicon.scoring.statement_factor)
    assert framed["مقتل"] == pytest.approx(1.5 * lexicon.scoring.statement_factor)
    off = replace(lexicon, scoring=replace(lexicon.scoring, statement_factor=1.0))
    assert _weights(judge(*ANKARA, off))["هجوم"] == pytest.approx(1.0)


def test_a_statement_about_a_libyan_scene_keeps_its_conflict_words(lexicon: Lexicon) -> None:
    title = "الحكومة الليبية تدين الهجوم الإرهابي على درنة"
    body = "أدانت الحكومة الليبية المؤقتة الهجوم الإرهابي على درنة الذي أسفر عن مقتل عشرات واشتباكات عنيفة."
    weights = _weights(judge(title, body, lexicon))
    assert weights["هجوم"] == pytest.approx(1.0) and weights["اشتباكات"] == pytest.approx(3.0)


def test_an_anchored_ambiguous_city_is_a_scene_but_sousse_is_not(lexicon: Lexicon) -> None:
    tripoli = _weights(
        judge("ليبيا تدين الهجوم على فندق في طرابلس", "أدانت ليبيا الهجوم على فندق في طرابلس.", lexicon)
    )
    assert tripoli["هجوم"] == pytest.approx(1.0)  # Tripoli, anchored by "ليبيا", is the scene
    sousse = _weights(
        judge("ليبيا تدين الهجوم على فندق في سوسة", "أدانت ليبيا الهجوم على فندق في سوسة.", lexicon)
    )
    assert sousse["هجوم"] == pytest.approx(lexicon.scoring.statement_factor)  # Sousse: scene = false


def test_without_a_statement_in_the_title_nothing_is_scaled(lexicon: Lexicon) -> None:
    weights = _weights(judge("هجوم إرهابي في أنقرة", ANKARA[1], lexicon))
    assert weights["هجوم"] == pytest.approx(1.0)


def test_scene_must_be_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[category.libya_place]\nfeeds = ["libya"]\nscene = "no"\nterms = [{ term = "ليبيا", weight = 3 }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="true or false"):
        load_lexicon(path)


def test_class_probes_are_judged_right(lexicon: Lexicon) -> None:
    if not PROBES.exists():
        pytest.skip(f"probe set absent: {PROBES}")
    rows = [json.loads(line) for line in PROBES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 18
    wrong = [r["id"] for r in rows if judge(r["title"], r["text"], lexicon).relevant != r["relevant"]]
    assert wrong == []


ARAB_PARLIAMENT = (
    "اختتم البرلمان العربي أعمال جلسته في مقر الجامعة العربية بالقاهرة. "
    "وأصدر البرلمان بيانا أكد فيه رفض نقل السفارة الأمريكية إلى القدس ودعم الشعب الفلسطيني في غزة. "
    "وفي الشأن اليمني أدان البرلمان إطلاق ميليشيا الحوثي الصواريخ على المدن السعودية. "
    "وبشأن سوريا طالب البرلمان بوقف العمليات العسكرية وإدخال المساعدات إلى المحاصرين. "
    "وفي الشأن الليبي دعا البرلمان الأطراف الليبية إلى توحيد المؤسسات ورفض التدخلات الخارجية ودعم المبعوث الأممي. "
    "كما أدان البرلمان دعم إيران للميليشيات الطائفية والجماعات الإرهابية في العراق ولبنان. "
    "ورحب البرلمان بنتائج مؤتمر الكويت لإعادة إعمار العراق. "
    "وأكد البرلمان تضامنه مع مصر في حربها على الإرهاب في سيناء. "
    "ودعا البرلمان إلى دعم مسيرة السلام في الصومال. "
    "وطالب البرلمان برفع اسم السودان من قائمة الدول الراعية للإرهاب. "
    "ووافق البرلمان على مشروع قانون لمكافحة الاتجار بالبشر. "
    "وناقش البرلمان مشروعات قوانين استرشادية وأحالها إلى مجلس الجامعة."
)


def test_the_arab_parliament_naming_libya_once_is_not_libyas_house(lexicon: Lexicon) -> None:
    # round 15: "البرلمان" after "البرلمان العربي" is that parliament, not Libya's House: neither as a body of the
    # whole article nor as the anchor of a passage in a communique of several theatres
    relevance = judge("البرلمان العربي يختتم جلسته بتوصيات حول فلسطين واليمن وسوريا وليبيا", ARAB_PARLIAMENT, lexicon)
    assert not relevance.relevant
    assert not any(term.startswith("passage") for term, *_ in relevance.matched_terms)


HOUSE_SESSION = (
    "عقد مجلس النواب جلسته العادية أمس برئاسة رئيس المجلس. "
    "وناقش النواب مشروع قانون الميزانية العامة المقدم من الحكومة. "
    "وقال الناطق باسم البرلمان إن الجلسة شهدت خلافا حول بند المرتبات. "
    "وطالب عدد من النواب بتأجيل التصويت إلى الأسبوع المقبل. "
    "ورفض البرلمان قرار المجلس الرئاسي تعيين وزير للدفاع واعتبره منعدما. "
    "وأكد المجلس الرئاسي في بيان أن القرار من صلاحياته. "
    "ودعا النواب البعثة الأممية إلى احترام قرارات البرلمان. "
    "وتعيش ليبيا انقساما بين الحكومتين منذ سنوات. "
    "وقرر البرلمان استئناف الجلسة يوم الاثنين. "
    "ولم يعلق المجلس الرئاسي على قرار التأجيل."
)


def test_a_house_session_naming_libya_once_keeps_its_body_as_libyas(lexicon: Lexicon) -> None:
    # round 15's review: only a named look-alike (another parliament) makes "البرلمان" ambiguous again; a story of
    # the split that names Libya once is still about Libya's House, and the share guard does not fire on it
    relevance = judge("مجلس النواب يرفض قرار المجلس الرئاسي تعيين وزير للدفاع", HOUSE_SESSION, lexicon)
    assert relevance.relevant, relevance.matched_terms
    assert not any(term.startswith("share guard") for term, *_ in relevance.matched_terms)


def test_an_idiom_takes_the_words_of_the_shorter_term_and_feeds_nothing(lexicon: Lexicon) -> None:
    # round 16: "على مرمى البصر" (within sight) is no goal of a match: no sport evidence, the idiom listed instead
    found = _found("أسر نازحة على مرمى البصر من بيوتها", "تعيش الأسر على مرمى حجر من قريتها المدمرة.", lexicon)
    assert "تسديدة" not in found
    assert found["على مرمى حجر"][0] == "idiom"
    # the goal of a match still is one
    assert _found("", "سدد المهاجم كرة قوية من خارج المنطقة في مرمى الفريق الضيف", lexicon)["تسديدة"][0] == "sport"


def test_an_idiom_changes_no_score(lexicon: Lexicon) -> None:
    # the same story with the idiom and with a neutral phrase in its place scores the same
    body = ("غادرت مئات الأسر قريتها في جبل نفوسة خلال معارك 2011 بين كتائب القذافي والثوار، ولم تعد بعد بسبب "
            "الانقسام السياسي وتعثر المصالحة في ليبيا، ويعيش النازحون في غريان {}.")
    with_idiom = judge("", body.format("على مرمى حجر من بيوتهم"), lexicon)
    without = judge("", body.format("قريبا من بيوتهم"), lexicon)
    assert with_idiom.score == without.score > 0


@pytest.mark.parametrize(
    "body",
    [
        "تسلل مسلحون مدربون عبر الحدود الجنوبية",  # trained gunmen
        "أرسلت الحكومة مدربين عسكريين إلى طرابلس",  # military trainers
        "يتنافس اللاعبون الإقليميون على النفوذ في ليبيا",  # the regional powers
    ],
)
def test_conflict_stories_borrow_no_sport_words(body: str, lexicon: Lexicon) -> None:
    # round 16: no sport evidence in a conflict sentence that uses "مدرب" or "اللاعبين" in another sense
    assert not [t for t, (cat, _) in _found("", body, lexicon).items() if cat == "sport"]


def test_an_operation_name_other_armies_use_needs_libya_beside_it(lexicon: Lexicon) -> None:
    # round 18: "البنيان المرصوص" is also Pakistan's 2025 operation against India
    pakistan = ("أعلن الجيش الباكستاني إطلاق عملية البنيان المرصوص ردا على الضربات الهندية، وقال إن طائرات مسيرة "
                "ومدفعية استهدفت مواقع عسكرية على خط المراقبة في كشمير، فيما دعت الأمم المتحدة إلى ضبط النفس.")
    assert not judge("باكستان تطلق عملية البنيان المرصوص ضد الهند", pakistan, lexicon).relevant
    sirte = ("أعلنت قوات عملية البنيان المرصوص التابعة لحكومة الوفاق تقدمها في سرت بعد معارك مع مسلحي داعش، "
             "وقال المتحدث إن القوات سيطرت على أحياء جديدة وسط المدينة.")
    assert judge("البنيان المرصوص تتقدم في سرت", sirte, lexicon).relevant



def test_a_shot_on_goal_is_still_sport(lexicon: Lexicon) -> None:
    # the review of round 16: whole idioms only, "على المرمى" is a shot, not "within reach"
    found = _found("", "سدد مهاجم الأهلي كرة قوية على المرمى", lexicon)
    assert found["تسديدة"][0] == "sport" and not [t for t, (cat, _) in found.items() if cat == "idiom"]


def test_a_football_preview_with_war_metaphors_stays_out(lexicon: Lexicon) -> None:
    # the review of round 16: "مدرب" is sport again; its military senses are longer conflict spellings
    title = "مدرب الأهلي بنغازي: نريد الانتصار في معركة السبت"
    body = "قال مدرب الأهلي بنغازي إن فريقه جاهز لمعركة السبت أمام الهلال في ملعب بنغازي. وقال المدرب إن الفريق سيشن هجوما كاسحا."
    assert not judge(title, body, lexicon).relevant


def test_a_conference_in_moroccos_skhirat_is_not_the_libyan_agreement(lexicon: Lexicon) -> None:
    # round 20: bare "الصخيرات" is the Moroccan town (ambiguous); "الدار البيضاء" is Casablanca, not al-Bayda
    body = ("انطلقت بمدينة الصخيرات المغربية أعمال المناظرة الوطنية للجبايات بمشاركة ممثلي الحكومة والبرلمان، "
            "وتنعقد في قصر المؤتمرات بالصخيرات، المدينة الواقعة بين الرباط والدار البيضاء، وناقش مجلس النواب "
            "توصياتها في الصخيرات.")
    result = judge("الصخيرات تحتضن المناظرة الوطنية للجبايات", body, lexicon)
    assert not result.relevant, result
    found = _found("الصخيرات تحتضن المناظرة الوطنية للجبايات", body, lexicon)
    assert found["الدار البيضاء"][0] == "idiom" and "البيضاء" not in found
    assert judge("جولة جديدة من حوار الصخيرات بين الأطراف الليبية", "التقى وفدا مجلس النواب والمؤتمر الوطني العام في "
                 "الصخيرات لبحث تشكيل حكومة الوفاق الوطني ووقف القتال في ليبيا.", lexicon).relevant


@pytest.mark.parametrize(("body", "idiom"), [
    ("أطلقت الوزارة منصة لتسوية أوضاع العمال الوافدين في طرابلس", "تسوية أوضاع العمال"),
    ("قضت المحكمة بسجنهم بعد إدانتهم بالخطف", "أدانت المحكمة"),
])
def test_administrative_and_court_phrases_are_idioms(body: str, idiom: str, lexicon: Lexicon) -> None:
    # round 20: a settlement of dues is no political settlement; a court's conviction is no condemnation
    found = _found("", body, lexicon)
    assert found[idiom][0] == "idiom"
    assert not [t for t, (cat, _) in found.items() if cat in ("statement", "political_conflict")]


def test_jordans_karameh_is_a_look_alike_and_the_gna_keeps_its_anchor(lexicon: Lexicon) -> None:
    # round 21: Jordan's 1968 "معركة الكرامة" names no Libyan side; the review of round 21: a GNA report whose only
    # other Libya word is Tripoli (ambiguous) is Libya's
    jordan = ("أحيا الأردن ذكرى معركة الكرامة التي خاضها الجيش العربي عام 1968 ضد القوات الإسرائيلية، وقال رئيس "
              "الأركان إن المعركة كانت أول نصر عربي بعد حرب 1967.")
    assert not judge("الأردن يحيي ذكرى معركة الكرامة", jordan, lexicon).relevant
    gna = "قالت وزارة الداخلية بحكومة الوفاق إن اشتباكات محدودة وقعت في طرابلس وسقط فيها قتلى."
    assert judge("داخلية الوفاق: اشتباكات محدودة في طرابلس", gna, lexicon).relevant
    libya = ("أعلنت حكومة الوفاق الوطني في طرابلس أن قواتها صدت هجوما لقوات حفتر جنوب العاصمة بعد اشتباكات عنيفة.")
    assert judge("حكومة الوفاق تصد هجوما جنوب طرابلس", libya, lexicon).relevant



def test_the_political_settlement_of_libya_is_no_idiom(lexicon: Lexicon) -> None:
    # the review of round 20: "تسوية الأوضاع في ليبيا" is the stock phrase of the political settlement
    body = ("دعت موسكو إلى تسوية الأوضاع في ليبيا سياسيا وقالت إن الحل العسكري غير ممكن وإن على الأطراف الليبية "
            "العودة إلى طاولة الحوار.")
    assert judge("موسكو تدعو إلى تسوية الأوضاع في ليبيا", body, lexicon).relevant
