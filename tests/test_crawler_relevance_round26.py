"""Round 26 of the relevance judge (issue 13): the economic side of the split and the armed groups' war economy.

Each change keeps a real story of the conflict and leaves out its look-alike, on short synthetic articles:

* bare "الحكومة المؤقتة" is ambiguous (Egypt's, Tunisia's, Bangladesh's, the Syrian opposition's interim governments):
  al-Bayda's only beside a Libyan anchor, and never where another country's interim government is named;
* an armed formation ("تشكيل مسلح") and the armed parties ("الأطراف المسلحة") are armed actors ("مسلحين");
* the war economy (fuel smuggling, levies: ``beside_armed``) counts only beside an armed actor;
* the parallel central bank of al-Bayda is a body of its own, and the split of a central bank is conflict vocabulary;
* pay, cash and budgets withheld from a rival are dispute words (under the split signal only); collective punishment
  counts only beside another conflict word.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import matched_names as _terms
from helpers import term_weight as _weight

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


# --- the interim government -----------------------------------------------------------------------------------------

EGYPT_TITLE = "الحكومة المؤقتة تفرض حظر التجول بعد اشتباكات دامية في القاهرة والجيزة"
EGYPT = "\n".join(
    [
        "القاهرة - وكالات",
        "أعلنت الحكومة المؤقتة برئاسة حازم الببلاوي فرض حظر التجول في القاهرة والجيزة وعشر محافظات لمدة شهر، بعد اشتباكات "
        "دامية بين قوات الأمن وأنصار الرئيس المعزول أسفرت عن سقوط عشرات القتلى والجرحى.",
        "وقال المتحدث باسم الحكومة المؤقتة إن الجيش سينتشر لحماية المنشآت العامة، وإن الحكومة لن تسمح بالعنف.",
        "وشهدت ميادين عدة تبادلا لإطلاق النار، فيما أحرقت مقار حكومية في المنيا وأسيوط.",
    ]
)

BAYDA_TITLE = "الحكومة المؤقتة تتهم ميليشيات طرابلس بقصف مطار الأبرق"
BAYDA = "\n".join(
    [
        "البيضاء - وكالات",
        "اتهمت الحكومة المؤقتة برئاسة عبدالله الثني ميليشيات تابعة لحكومة طرابلس بقصف محيط مطار الأبرق بطائرة مسيرة، وقالت "
        "إن القصف لم يسفر عن إصابات.",
        "وطالبت الحكومة المؤقتة مجلس الأمن بإدانة الهجوم، فيما نفت الحكومة في طرابلس أي علاقة لها بالحادث.",
    ]
)


def test_egypts_interim_government_anchors_no_libya(lexicon: Lexicon) -> None:
    result = judge(EGYPT_TITLE, EGYPT, lexicon)
    assert not result.relevant
    assert _weight(result, "الحكومة المؤقتة") == pytest.approx(0.75)  # ambiguous, no Libyan anchor


def test_al_baydas_interim_government_beside_libya_stays_the_conflicts(lexicon: Lexicon) -> None:
    result = judge(BAYDA_TITLE, BAYDA, lexicon)
    assert result.relevant
    assert _weight(result, "الحكومة المؤقتة") == 3.0


def test_another_countrys_interim_government_shadows_the_bare_name_beside_libya(lexicon: Lexicon) -> None:
    title = "الحكومة المؤقتة تبحث مع ليبيا إعادة فتح المعابر"
    body = (
        "دمشق - وكالات\nبحث وزير الاقتصاد في الحكومة السورية المؤقتة مع مسؤولين من ليبيا إعادة فتح خطوط الشحن، وقالت "
        "الحكومة المؤقتة إن الاتفاق يشمل المواد الغذائية."
    )
    result = judge(title, body, lexicon)
    assert "حكومة مؤقتة لدولة أخرى" in _terms(result)
    assert _weight(result, "الحكومة المؤقتة") == pytest.approx(
        0.75
    )  # Libya is named, but the look-alike is too


# --- armed formations and the war economy -----------------------------------------------------------------------------

FORMATION_TITLE = "تشكيل مسلح يغلق الطريق الساحلي غرب طرابلس ويطالب بالإفراج عن آمره"
FORMATION = "\n".join(
    [
        "طرابلس - وكالات",
        "أغلق تشكيل مسلح الطريق الساحلي بين جنزور والزاوية بالسواتر الترابية، مطالبا بالإفراج عن آمره الذي اعتقله جهاز أمني "
        "تابع لحكومة الوحدة الوطنية.",
        "وقال شهود إن عناصر التشكيل نشروا آليات مزودة بأسلحة متوسطة، وإن حركة السير توقفت لساعات.",
    ]
)


def test_an_armed_formation_is_an_armed_actor(lexicon: Lexicon) -> None:
    result = judge(FORMATION_TITLE, FORMATION, lexicon)
    assert result.relevant
    assert "مسلحين" in _terms(result)


def test_an_armed_formation_in_iraq_stays_iraqs(lexicon: Lexicon) -> None:
    title = "العراق: تشكيل مسلح يختطف ناشطا في البصرة"
    body = (
        "البصرة - وكالات\nقال ناشطون إن تشكيلا مسلحا اختطف ناشطا بارزا في البصرة بعد مشاركته في احتجاجات ضد الفساد.\n"
        "وطالبت منظمات حقوقية الحكومة العراقية بمحاسبة الأطراف المسلحة الخارجة عن سيطرة الدولة في بغداد والبصرة."
    )
    assert not judge(title, body, lexicon).relevant


SMUGGLING_TITLE = "النائب العام يحبس عناصر من تشكيل مسلح بتهمة تهريب الوقود المدعوم"
SMUGGLING = "\n".join(
    [
        "طرابلس - وكالات",
        "أمر مكتب النائب العام بحبس ستة متهمين، بينهم عناصر في تشكيل مسلح يتولى تأمين مستودع للوقود غرب طرابلس، بتهمة تحويل "
        "شحنات من الوقود المدعوم إلى شبكات تنقله إلى تونس.",
        "وأضاف البيان أن الشاحنات كانت تخرج من المستودع برفقة مركبات التشكيل، وأن تهريب المحروقات بات أحد مصادر تمويل "
        "المجموعات المسلحة في غرب ليبيا.",
    ]
)

GANG_TITLE = "خفر السواحل الليبي يضبط مركبا لتهريب الوقود قبالة زوارة"
GANG = "\n".join(
    [
        "زوارة - وال",
        "ضبط خفر السواحل الليبي مركبا صغيرا محملا بأكثر من 60 ألف لتر من الديزل قبالة سواحل زوارة، كان في طريقه إلى مالطا.",
        "وقال المتحدث باسم القوات البحرية إن عصابة لتهريب الوقود تقف وراء الشحنة، وإن الطاقم أحيل إلى النيابة العامة.",
        "وتقدر المؤسسة الوطنية للنفط خسائر البلاد من تهريب المحروقات بمئات الملايين سنويا.",
    ]
)


def test_fuel_smuggling_under_an_armed_formation_is_the_war_economy(lexicon: Lexicon) -> None:
    result = judge(SMUGGLING_TITLE, SMUGGLING, lexicon)
    assert result.relevant
    assert _weight(result, "تهريب الوقود") == 2.0


def test_fuel_smuggling_with_no_armed_actor_counts_for_nothing(lexicon: Lexicon) -> None:
    result = judge(GANG_TITLE, GANG, lexicon)
    assert not result.relevant
    assert _weight(result, "تهريب الوقود") == 0.0


def test_fuel_smuggling_from_lebanon_to_syria_is_not_libyas(lexicon: Lexicon) -> None:
    title = "الجيش اللبناني يضبط صهاريج لتهريب المحروقات إلى سوريا"
    body = (
        "بيروت - وكالات\nأعلن الجيش اللبناني ضبط عشرة صهاريج محملة بالمازوت كانت في طريقها إلى سوريا، وقال إن مسلحين أطلقوا "
        "النار على دورية خلال المطاردة، وإن تهريب الوقود المدعوم يكلف الخزينة مبالغ كبيرة."
    )
    assert not judge(title, body, lexicon).relevant


# --- the central bank's split -----------------------------------------------------------------------------------------

PARALLEL_TITLE = "«المركزي» في البيضاء يطبع عملة موازية.. وطرابلس: باطلة"
PARALLEL = "\n".join(
    [
        "البيضاء - طرابلس - وكالات",
        "أعلن المصرف المركزي في البيضاء، التابع للحكومة المؤقتة، طباعة أربعة مليارات دينار في روسيا لمعالجة أزمة السيولة في "
        "المنطقة الشرقية.",
        "ووصف مصرف ليبيا المركزي في طرابلس العملة بأنها باطلة ولا يعترف بها، محذرا المصارف من التعامل بها.",
    ]
)


def test_the_parallel_central_bank_against_tripolis_is_the_split(lexicon: Lexicon) -> None:
    result = judge(PARALLEL_TITLE, PARALLEL, lexicon)
    assert result.relevant
    assert {"المصرف المركزي الموازي", "انقسام المصرف المركزي"} <= _terms(result)


def test_the_parallel_central_bank_named_alone_is_libya_not_its_conflict(lexicon: Lexicon) -> None:
    title = "«مركزي البيضاء» يفتح الاعتمادات المستندية لتجار المواد الغذائية"
    body = (
        "البيضاء - وال\nأعلن المصرف المركزي في البيضاء فتح باب الاعتمادات المستندية لتجار المواد الغذائية والأدوية في المنطقة "
        "الشرقية، بسقف 500 ألف دولار لكل شركة.\nورحبت غرفة التجارة في بنغازي بالقرار، متوقعة تراجع الأسعار."
    )
    result = judge(title, body, lexicon)
    assert not result.relevant
    assert any(
        entry[1] == "lone body" and "المصرف المركزي الموازي" in entry[0] for entry in result.matched_terms
    )


def test_the_reunified_banks_al_bayda_branch_is_no_parallel_bank(lexicon: Lexicon) -> None:
    title = "فرع مصرف ليبيا المركزي بالبيضاء يوزع شحنة سيولة على المصارف التجارية"
    body = "البيضاء - وال\nأعلن فرع مصرف ليبيا المركزي بالبيضاء توزيع 800 مليون دينار على المصارف التجارية قبل العيد."
    result = judge(title, body, lexicon)
    assert not result.relevant
    assert "المصرف المركزي الموازي" not in _terms(result)


def test_yemens_central_bank_split_is_yemens(lexicon: Lexicon) -> None:
    title = "انقسام البنك المركزي اليمني بين عدن وصنعاء يعمق أزمة الريال"
    body = (
        "عدن - وكالات\nتراجع الريال اليمني أمام الدولار وسط استمرار انقسام البنك المركزي بين إدارتين في عدن وصنعاء، واتهم "
        "الحوثيون الحكومة بطباعة عملة موازية."
    )
    assert not judge(title, body, lexicon).relevant


def test_a_black_market_rate_is_no_parallel_currency(lexicon: Lexicon) -> None:
    body = "طرابلس - وكالات\nارتفع سعر الدولار في السوق الموازية في ليبيا إلى سبعة دنانير، وقال تجار إن الطلب زاد قبل رمضان."
    result = judge("الدولار يرتفع في السوق الموازية", body, lexicon)
    assert "انقسام المصرف المركزي" not in _terms(result) and not result.relevant


# --- pay withheld, collective punishment ------------------------------------------------------------------------------

PAY_TITLE = "«المركزي» في طرابلس يوقف مرتبات موظفين عينتهم الحكومة المؤقتة"
PAY = "\n".join(
    [
        "طرابلس - البيضاء - وكالات",
        "قرر مصرف ليبيا المركزي في طرابلس وقف صرف مرتبات آلاف الموظفين الذين عينتهم الحكومة المؤقتة في البيضاء منذ 2014.",
        "وردت الحكومة المؤقتة برئاسة عبدالله الثني بأن القرار عقاب جماعي لسكان المنطقة الشرقية، واتهمت المصرف بالانحياز إلى "
        "الطرف الذي يسيطر على العاصمة، محذرة من أن الخلاف بين الحكومتين يعمق الانقسام.",
    ]
)


def test_pay_withheld_from_the_rival_governments_staff_is_the_split(lexicon: Lexicon) -> None:
    result = judge(PAY_TITLE, PAY, lexicon)
    assert result.relevant
    assert _weight(result, "وقف المرتبات") == 0.5 and _weight(result, "عقاب جماعي") == 1.5


def test_an_administrative_pay_stop_is_no_standoff(lexicon: Lexicon) -> None:
    title = "الدبيبة يوجه المركزي بوقف المرتبات المزدوجة لموظفي الدولة"
    body = (
        "طرابلس - وكالات\nوجه رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة مصرف ليبيا المركزي بوقف صرف المرتبات لنحو 30 ألف "
        "موظف يتقاضون أكثر من راتب، بعد مراجعة قاعدة بيانات الرقم الوطني.\nوقالت وزارة المالية إن القرار يوفر للخزانة أكثر "
        "من مليار دينار سنويا، وإن المتضررين يمكنهم التظلم خلال شهر."
    )
    assert not judge(title, body, lexicon).relevant


def test_a_blackout_called_collective_punishment_is_no_conflict(lexicon: Lexicon) -> None:
    title = "انقطاع الكهرباء عشر ساعات يوميا في طرابلس.. وسكان: عقاب جماعي"
    body = (
        "طرابلس - وال\nيشكو سكان العاصمة طرابلس من انقطاع التيار الكهربائي لأكثر من عشر ساعات يوميا، ووصف أحد السكان "
        "الانقطاع بأنه عقاب جماعي، فيما قالت الشركة العامة للكهرباء إن الصيانة ستكتمل نهاية الشهر."
    )
    result = judge(title, body, lexicon)
    assert not result.relevant
    assert _weight(result, "عقاب جماعي") == 0.0


# --- the lexicon key ---------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, smuggling: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        f"""[scoring]
[category.libya_place]
feeds = ["libya"]
terms = [{{ term = "بنغازي", weight = 3 }}]
[category.conflict]
feeds = ["conflict"]
terms = [{{ term = "مسلحين", weight = 2, armed = true }}, {smuggling}]
""",
        encoding="utf-8",
    )
    return path


def test_beside_armed_loads_and_must_be_true_or_false(tmp_path: Path) -> None:
    lexicon = load_lexicon(_write(tmp_path, '{ term = "تهريب الوقود", weight = 2, beside_armed = true }'))
    assert next(t for t in lexicon.terms if t.term == "تهريب الوقود").beside_armed
    assert not next(t for t in lexicon.terms if t.term == "مسلحين").beside_armed
    with pytest.raises(ConfigError, match="beside_armed"):
        load_lexicon(_write(tmp_path, '{ term = "تهريب الوقود", weight = 2, beside_armed = "yes" }'))
