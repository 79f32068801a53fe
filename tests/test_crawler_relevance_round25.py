"""Round 25 of the relevance judge (issue 13): other countries' bodies and places under Libyan names.

Each look-alike is judged out on a short synthetic article, and its contrast, a real Libyan story that names the same
word, is kept:

* bare "المؤتمر الوطني" is ambiguous (Sudan's ruling party, South Africa's ANC): Libya's GNC only beside a Libyan
  anchor, and never where a look-alike ("حزب المؤتمر الوطني", body = "gnc" in the foreign category) is named;
* "برقة" is ambiguous (a West Bank village): Libya's region only beside a Libyan anchor, and never where the West Bank's
  places or settlers are named (a foreign term with ``shadows = ["برقة"]``);
* "سوق ليبيا" / "شارع ليبيا" name a market or a street elsewhere (an idiom: the word Libya is taken from the match).
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


# --- the National Congress ------------------------------------------------------------------------------------------

SUDAN_NCP_TITLE = "«المؤتمر الوطني» يجمد عضوية قياديين ويحيل الإصلاحيين إلى المحاسبة"
SUDAN_NCP = "\n".join(
    [
        "الخرطوم - وكالات",
        "قرر المكتب القيادي لحزب المؤتمر الوطني الحاكم في السودان تجميد عضوية ثلاثة من قيادييه، بعد مذكرة طالبت بالتحقيق في "
        "مقتل عشرات المتظاهرين خلال الاحتجاجات.",
        "وقال أحد المفصولين، الذي يرأس كتلة الحزب في البرلمان، إن القرار يؤكد أن الحزب فقد القدرة على الاستماع.",
        "ويأتي الخلاف في وقت تستمر فيه المعارك مع الحركات المسلحة في دارفور وجنوب كردفان.",
    ]
)

LIBYA_GNC_TITLE = "مسلحون يحاصرون مقر المؤتمر الوطني للمطالبة بإقرار قانون العزل السياسي"
LIBYA_GNC = "\n".join(
    [
        "طرابلس - أ ف ب",
        "حاصر عشرات المسلحين على متن سيارات رباعية الدفع مزودة بأسلحة ثقيلة مقر المؤتمر الوطني في ليبيا، مطالبين بإقرار قانون "
        "العزل السياسي الذي يقصي مسؤولي النظام السابق.",
        "وأطلق المسلحون النار في الهواء ومنعوا عددا من الأعضاء من مغادرة القاعة، فيما حاصرت مجموعات مسلحة أخرى وزارتي العدل "
        "والخارجية.",
        "وقال عضو في المؤتمر إن التصويت تحت تهديد السلاح يهدد العملية السياسية في البلاد.",
    ]
)


def test_sudans_national_congress_is_not_libyas_gnc(lexicon: Lexicon) -> None:
    result = judge(SUDAN_NCP_TITLE, SUDAN_NCP, lexicon)
    assert not result.relevant, result
    assert "حزب المؤتمر الوطني" in _terms(result)  # the look-alike is named
    assert _weight(result, "المؤتمر الوطني") == 2 * lexicon.scoring.ambiguous_factor
    assert result.libya_score < lexicon.scoring.libya_min


def test_a_bare_national_congress_without_libya_anchors_nothing(lexicon: Lexicon) -> None:
    # no look-alike phrase at all: South Africa's ANC named once in full, then bare
    title = "مقتل اثنين في احتجاجات ضد المؤتمر الوطني"
    body = (
        "قتل شخصان وأصيب آخرون في اشتباكات بين الشرطة ومحتجين في ضواحي جوهانسبرغ، وقال المحتجون إن المؤتمر الوطني "
        "فشل في توفير الكهرباء والمياه، فيما اتهمت الحكومة مسلحين بإشعال الاضطرابات."
    )
    result = judge(title, body, lexicon)
    assert not result.relevant, result
    assert _weight(result, "المؤتمر الوطني") < 2


def test_libyas_gnc_named_bare_beside_libya_stays_the_conflicts(lexicon: Lexicon) -> None:
    result = judge(LIBYA_GNC_TITLE, LIBYA_GNC, lexicon)
    assert result.relevant, result
    assert _weight(result, "المؤتمر الوطني") == 2.0


def test_the_general_national_congress_in_full_anchors_libya_alone(lexicon: Lexicon) -> None:
    body = LIBYA_GNC.replace("مقر المؤتمر الوطني في ليبيا", "مقر المؤتمر الوطني العام")
    result = judge(LIBYA_GNC_TITLE, body, lexicon)
    assert _weight(result, "المؤتمر الوطني العام") == 2.0
    assert _weight(result, "المؤتمر الوطني") == 2.0  # anchored by the full name
    assert result.relevant, result


def test_a_libya_story_naming_sudans_ruling_party_stays_libyas(lexicon: Lexicon) -> None:
    title = "الجيش الليبي يتهم الخرطوم بتسليح مجلس شورى ثوار بنغازي"
    body = "\n".join(
        [
            "بنغازي - وكالات",
            "اتهم المتحدث باسم الجيش الوطني الليبي حكومة حزب المؤتمر الوطني في السودان بإرسال شحنات أسلحة وذخائر إلى مجلس "
            "شورى ثوار بنغازي عبر الكفرة.",
            "وقال إن قوات الجيش تواصل المعارك في محاور قنفودة والصابري وسط قصف مدفعي متبادل.",
            "وقتل خمسة جنود في اشتباكات الليلة الماضية في بنغازي.",
        ]
    )
    assert judge(title, body, lexicon).relevant


# --- Barqa -----------------------------------------------------------------------------------------------------------

BURQA_TITLE = "ليبيا تدين هجوم المستوطنين على بلدة برقة"
BURQA = "\n".join(
    [
        "طرابلس - وال",
        "أدانت وزارة الخارجية الليبية الهجوم الذي شنه مستوطنون إسرائيليون على بلدة برقة شمال غرب نابلس، والذي أسفر عن إصابة "
        "عدد من الفلسطينيين وإحراق منازل ومركبات.",
        "وأكدت الوزارة في بيان تضامن ليبيا الكامل مع الشعب الفلسطيني، مطالبة المجتمع الدولي بوقف اعتداءات المستوطنين المتكررة.",
        "وكانت قوات الاحتلال قد اقتحمت برقة عقب الهجوم وأطلقت الغاز المسيل للدموع على الأهالي.",
    ]
)


def test_the_west_bank_village_is_not_libyas_region_even_with_libya_named(lexicon: Lexicon) -> None:
    result = judge(BURQA_TITLE, BURQA, lexicon)
    assert not result.relevant, result
    # Libya is anchored ("ليبيا"), but the West Bank is named: "برقة" counts as if it were not
    assert _weight(result, "برقة") == 2 * lexicon.scoring.ambiguous_factor
    assert "رام الله" in _terms(result)


def test_a_bare_barqa_without_a_libyan_anchor_is_weak(lexicon: Lexicon) -> None:
    title = "قوات الاحتلال تقتحم برقة وتعتقل خمسة شبان"
    body = (
        "اقتحمت قوات الاحتلال الإسرائيلي فجر اليوم بلدة برقة واعتقلت خمسة شبان، واندلعت مواجهات أطلق خلالها الجنود "
        "الرصاص الحي.\nوتشهد بلدات الضفة الغربية اقتحامات شبه يومية."
    )
    result = judge(title, body, lexicon)
    assert not result.relevant, result
    assert _weight(result, "برقة") < 2


def test_libyas_barqa_beside_benghazi_stays_the_conflicts(lexicon: Lexicon) -> None:
    title = "اشتباكات عنيفة في بنغازي ودعاة فيدرالية برقة يحذرون من تقسيم البلاد"
    body = "\n".join(
        [
            "بنغازي - وكالات",
            "اندلعت اشتباكات عنيفة بين قوات الجيش الليبي ومسلحين في محور الصابري، وسقط عدد من القتلى جراء القصف المتبادل.",
            "وقال مسؤولون في المجلس السياسي لإقليم برقة إن استمرار المعارك يدفع سكان برقة إلى المطالبة بإدارة شؤونهم بأنفسهم.",
        ]
    )
    result = judge(title, body, lexicon)
    assert result.relevant, result
    assert _weight(result, "برقة") == 2.0


# --- a market or a street named after Libya -------------------------------------------------------------------------

SOUQ_TITLE = "قذائف «الدعم السريع» تقتل 15 مدنيا في سوق ليبيا بأم درمان"
SOUQ = "\n".join(
    [
        "أم درمان - وكالات",
        "قتل 15 مدنيا وأصيب العشرات جراء سقوط قذائف أطلقتها قوات الدعم السريع على سوق ليبيا الشعبي غربي أم درمان.",
        "ويعد سوق ليبيا من أكبر الأسواق الشعبية في العاصمة السودانية، فيما تواصل القوات قصف الأحياء الخاضعة لسيطرة الجيش.",
    ]
)


def test_a_market_named_after_libya_is_not_libya(lexicon: Lexicon) -> None:
    result = judge(SOUQ_TITLE, SOUQ, lexicon)
    assert not result.relevant, result
    assert result.libya_score == 0.0
    assert "سوق ليبيا" in _terms(result)  # listed as the idiom that took the word


def test_the_shelling_of_a_libyan_market_stays_the_conflicts(lexicon: Lexicon) -> None:
    title = "مقتل 7 مدنيين بقذائف عشوائية على سوق شعبي في طرابلس"
    body = "\n".join(
        [
            "طرابلس - وكالات",
            "قتل سبعة مدنيين جراء سقوط قذائف عشوائية على سوق شعبي في أبوسليم جنوب العاصمة الليبية، بينما تتواصل الاشتباكات "
            "بين قوات حكومة الوفاق وقوات حفتر على محور عين زارة.",
            "وأغلقت المحال في السوق أبوابها خشية تجدد القصف.",
        ]
    )
    assert judge(title, body, lexicon).relevant


def test_sudanese_mercenaries_in_libyas_war_stay_libyas_beside_souq_libya(lexicon: Lexicon) -> None:
    title = "مرتزقة سودانيون يقاتلون في ليبيا إلى جانب قوات حفتر"
    body = (
        "كشف تقرير لفريق خبراء الأمم المتحدة أن مئات المرتزقة السودانيين يقاتلون في ليبيا إلى جانب قوات حفتر في محاور "
        "جنوب طرابلس وسرت، وأن بعضهم جند في سوق ليبيا بأم درمان.\nوقال التقرير إن المرتزقة شاركوا في الهجوم على طرابلس، "
        "في انتهاك لحظر الأسلحة المفروض على ليبيا."
    )
    assert judge(title, body, lexicon).relevant


# --- the lexicon key ---------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, foreign: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        f"""[scoring]
[category.libya_place]
feeds = ["libya"]
terms = [{{ term = "برقة", weight = 2, ambiguous = true }}, {{ term = "بنغازي", weight = 3 }}]
[category.foreign]
feeds = ["foreign"]
terms = [{foreign}]
""",
        encoding="utf-8",
    )
    return path


def test_shadows_loads_and_must_name_an_ambiguous_libya_term(tmp_path: Path) -> None:
    lexicon = load_lexicon(_write(tmp_path, '{ term = "نابلس", weight = 3, shadows = ["برقة"] }'))
    nablus = next(t for t in lexicon.terms if t.term == "نابلس")
    assert nablus.shadows == ("برقة",) and nablus.theatre
    for bad in (
        '{ term = "نابلس", weight = 3, shadows = ["بنغازي"] }',
        '{ term = "نابلس", weight = 3, shadows = ["x"] }',
    ):
        with pytest.raises(ConfigError, match="shadows"):
            load_lexicon(_write(tmp_path, bad))
