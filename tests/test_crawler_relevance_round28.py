"""Round 28 of the relevance judge (issue 13): the review of round 27, on the reviewer's probes.

Each change keeps a real story of the conflict and leaves out its look-alike:

* a Libyan town named only beside a neighbour in a calm sentence stays a scene where the story names an armed actor
  of its own, or where the other theatre's war is not told (crawler/relevance/passage.py theatre_sentence_hits);
* a welcome or congratulation frames a title only when the other theatre is its addressee (named after the verb),
  not its speaker ("Algeria welcomes the unity government's confidence vote");
* a bare parallel currency and an illegitimate administration are dispute words (the split signal only);
* the war economy counts only in the title or a sentence that names an armed actor or tells of fighting;
* Gaza's term (the West Bank its spelling) shadows Barqa, and a shadowed name is no scene of the statement frame;
* Egypt's interim government of 2013 by its prime minister and president; "بصورة غير شرعية" is no migration idiom;
* the loader: beside_armed only on conflict evidence; a shadows error names its term's index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import matched_names as _terms
from helpers import term_weight as _weight

from archive.corpus.arabic import tokens
from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from crawler.relevance.match import match
from crawler.relevance.passage import theatre_sentence_hits


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


# the reviewer's probes (/work/notes/review27/probes.jsonl), title and body

T1B = (
    "المجلس الرئاسي يدين الهجوم الإرهابي على بوابة أمنية جنوب البلاد",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أدان المجلس الرئاسي الهجوم الإرهابي الذي استهدف بوابة أمنية في جنوب البلاد فجر "
            "اليوم، وأسفر عن مقتل أربعة من أفراد الجيش.",
            "وقال مصدر عسكري إن مسلحين يستقلون سيارات رباعية الدفع هاجموا البوابة بالأسلحة "
            "الرشاشة ثم لاذوا بالفرار.",
            "وتقع البوابة على الطريق بين سبها والقطرون، قرب الحدود مع تشاد والنيجر.",
            "وأعلنت رئاسة الأركان رفع حالة التأهب في المنطقة الجنوبية.",
        ]
    ),
)

T2B = (
    "حكومة الوحدة تدين خطف ستة عمال أجانب",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أدانت حكومة الوحدة الوطنية خطف مسلحين مجهولين ستة عمال أجانب من موقع لشركة مقاولات.",
            "وقالت الحكومة إن المجموعة المسلحة اقتادت العمال إلى جهة مجهولة، مطالبة بالإفراج عنهم فورا.",
            "ويعمل العمال، وهم من السودان وتشاد، في مشروع لصيانة الطريق في الكفرة.",
        ]
    ),
)

T5 = (
    "وزارة الداخلية تدين هجوم مجموعة خارجة عن القانون على منفذ حدودي",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أدانت وزارة الداخلية بحكومة الوحدة الوطنية الهجوم الذي شنته مجموعة خارجة عن القانون "
            "على المنفذ فجر اليوم.",
            "وقالت الوزارة إن المهاجمين استخدموا أسلحة متوسطة وأصابوا ثلاثة من عناصر الأمن، "
            "متوعدة بملاحقتهم.",
            "وأعلنت الوزارة إغلاق منفذ رأس اجدير الحدودي مع تونس أمام حركة المسافرين حتى إشعار آخر.",
        ]
    ),
)

H2 = (
    "الرئيس الجزائري يهنئ الدبيبة بنيل حكومته ثقة مجلس النواب",
    "\n".join(
        [
            "الجزائر - وكالات",
            "هنأ الرئيس الجزائري عبد الحميد الدبيبة بنيل حكومة الوحدة الوطنية ثقة مجلس النواب في جلسة سرت.",
            "وأكد الرئيس دعم الجزائر لتوحيد المؤسسات الليبية وخروج المرتزقة والقوات الأجنبية من ليبيا.",
            "وتعد هذه أول حكومة موحدة في ليبيا منذ سنوات من الانقسام بين حكومتين متنافستين.",
        ]
    ),
)

H3 = (
    "الجزائر ترحب بنيل حكومة الوحدة الوطنية الليبية ثقة البرلمان",
    "\n".join(
        [
            "الجزائر - وكالات",
            "رحبت الجزائر بنيل حكومة الوحدة الوطنية برئاسة عبد الحميد الدبيبة ثقة مجلس النواب "
            "الليبي في جلسة سرت.",
            "وأكدت الخارجية الجزائرية دعمها لتوحيد المؤسسات الليبية وخروج المرتزقة والقوات الأجنبية.",
            "وتعد هذه أول حكومة موحدة في ليبيا منذ سنوات من الانقسام بين حكومتين متنافستين.",
        ]
    ),
)

C2 = (
    "الدولار يتحول إلى عملة موازية في الأسواق الليبية",
    "\n".join(
        [
            "طرابلس - وكالات",
            "قال خبراء اقتصاديون إن شح السيولة في المصارف حول الدولار إلى عملة موازية في الأسواق "
            "الليبية، يتداوله التجار في بيع السيارات والعقارات.",
            "ودعا الخبراء مصرف ليبيا المركزي إلى توفير النقد الأجنبي بسعر مناسب للحد من المضاربة.",
            "وارتفع سعر الدولار في السوق الموازية إلى ثمانية دنانير.",
        ]
    ),
)

C4 = (
    "المصرف المركزي الموازي يطرح عملة مطبوعة في روسيا والمركزي في طرابلس يرفضها",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أعلن المصرف المركزي في البيضاء طرح أوراق نقدية من فئة 50 دينارا طبعت في روسيا.",
            "ورفض مصرف ليبيا المركزي في طرابلس الاعتراف بالعملة الجديدة، معتبرا أنها تعمق انقسام "
            "المصرف المركزي.",
            "وحذرت البعثة الأممية من أن طباعة عملة موازية تهدد الاقتصاد الليبي.",
        ]
    ),
)

W3 = (
    "الحرس الوطني التونسي يحبط عملية تهريب وقود ليبي في بن قردان",
    "\n".join(
        [
            "تونس - وكالات",
            "أحبطت وحدات الحرس الوطني عملية تهريب كميات من الوقود الليبي في بن قردان، وتبادلت "
            "إطلاق النار مع مسلحين كانوا يرافقون الشاحنات.",
            "وأسفر تبادل إطلاق النار عن إصابة أحد المهربين، فيما فر الباقون نحو الحدود الليبية.",
            "وتنشط تجارة الوقود المهرب في الجنوب التونسي منذ سنوات.",
        ]
    ),
)

W5 = (
    "مقتل ثلاثة في اشتباكات بين تشكيل مسلح ومهربين غرب الزاوية",
    "\n".join(
        [
            "الزاوية - وكالات",
            "قتل ثلاثة أشخاص في اشتباكات اندلعت فجر اليوم بين تشكيل مسلح ومهربي وقود غرب مدينة الزاوية.",
            "وقالت مصادر محلية إن الاشتباكات اندلعت بسبب خلاف على تقاسم عائدات تهريب الوقود "
            "والإتاوات المفروضة على الشاحنات.",
            "وأغلق الطريق الساحلي لساعات.",
        ]
    ),
)

D4 = (
    "اتحاد الكرة: الجمعية العمومية التي عقدتها الجهة غير الشرعية باطلة",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أعلن الاتحاد الليبي لكرة القدم أن الجمعية العمومية التي دعت إليها الجهة غير الشرعية "
            "في بنغازي باطلة ولا يترتب عليها أي أثر.",
            "وقال الاتحاد إنه خاطب الاتحاد الدولي (فيفا) لإبلاغه بأن رئيسه المنتخب هو الممثل "
            "الوحيد للكرة الليبية.",
            "ويشهد الاتحاد نزاعا على رئاسته منذ الانتخابات الأخيرة.",
        ]
    ),
)

B1 = (
    "ليبيا تدين اقتحام قوات الاحتلال بلدة برقة",
    "\n".join(
        [
            "طرابلس - وكالات",
            "أدانت وزارة الخارجية الليبية اقتحام قوات الاحتلال الإسرائيلي بلدة برقة في الضفة "
            "الغربية واعتقال عدد من الشبان.",
            "وقالت الوزارة إن الاقتحام واستخدام الرصاص الحي ضد المدنيين يمثل انتهاكا صارخا للقانون الدولي.",
            "ودعت المجتمع الدولي إلى تحمل مسؤولياته في حماية الشعب الفلسطيني.",
        ]
    ),
)

B2 = (
    "أنصار الفيدرالية في برقة يغلقون الموانئ النفطية",
    "\n".join(
        [
            "أجدابيا - وكالات",
            "أعلن المكتب السياسي لإقليم برقة إغلاق الموانئ النفطية في الهلال النفطي احتجاجا على "
            "تهميش الإقليم.",
            "وانتشر مسلحون من حرس المنشآت النفطية الموالين للجضران حول ميناءي السدرة ورأس لانوف.",
            "وهددت الحكومة في طرابلس باستخدام القوة لإعادة فتح الموانئ، فيما حذرت المؤسسة الوطنية"
            " للنفط من خسائر فادحة.",
        ]
    ),
)

I1 = (
    "الحكومة المؤقتة تشدد الإجراءات على الحدود الليبية لمنع تهريب السلاح",
    "\n".join(
        [
            "القاهرة - وكالات",
            "قررت الحكومة المؤقتة برئاسة حازم الببلاوي تشديد الإجراءات الأمنية على الحدود الليبية"
            " وتعزيز نقاط التفتيش في مطروح والسلوم.",
            "وقال المتحدث باسم الحكومة المؤقتة إن الأجهزة الأمنية ضبطت خلال الشهر الماضي كميات من"
            " الأسلحة المهربة.",
            "وأضاف أن القرار يأتي في إطار الحرب على الإرهاب في سيناء والمحافظات.",
        ]
    ),
)

I3 = (
    "الحكومة المؤقتة تتهم مجموعات مسلحة بمهاجمة مقرها في البيضاء",
    "\n".join(
        [
            "البيضاء - وكالات",
            "اتهمت الحكومة المؤقتة مجموعات مسلحة بمهاجمة مقرها في مدينة البيضاء بالأسلحة الثقيلة،"
            " ما أسفر عن إصابة اثنين من الحراس.",
            "وقالت الحكومة المؤقتة في بيان إن الهجوم يهدف إلى عرقلة عملها، مطالبة الجيش بتأمين "
            "المقرات الحكومية.",
            "ولم تعلن أي جهة مسؤوليتها عن الهجوم.",
        ]
    ),
)

D3 = (
    "مجلس النواب: حكومة الدبيبة تمارس مهامها بصورة غير شرعية",
    "\n".join(
        [
            "بنغازي - وكالات",
            "قال المتحدث باسم مجلس النواب إن حكومة الدبيبة منتهية الولاية وتمارس مهامها بصورة غير"
            " شرعية منذ سحب الثقة منها.",
            "ودعا المتحدث البعثة الأممية إلى التعامل مع الحكومة المكلفة من البرلمان بوصفها الحكومة الشرعية.",
            "ورد المكتب الإعلامي لحكومة الوحدة بأن مجلس النواب فقد شرعيته منذ سنوات.",
        ]
    ),
)


# --- 1. a Libyan town beside a neighbour -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "probe", [T1B, T2B, T5], ids=["gate near the Chad border", "Kufra kidnapping", "Ras Jedir"]
)
def test_a_town_beside_a_neighbour_stays_a_scene_where_gunmen_of_its_own_are_named(
    lexicon: Lexicon, probe: tuple[str, str]
) -> None:
    result = judge(*probe, lexicon)
    assert result.relevant, result


def test_calm_sentences_count_only_where_the_other_war_is_told_and_no_armed_actor_of_libyas(
    lexicon: Lexicon,
) -> None:
    kufra = next(i for i, t in enumerate(lexicon.terms) if t.term == "الكفرة")
    beside, calm = theatre_sentence_hits(T2B[1], lexicon.index, lexicon.terms)
    assert beside.get(kufra) == 1 and not calm  # gunmen of its own: the calm sentence is a scene's
    hospital = (
        "طرابلس - وال\nأدانت وزارة الخارجية الليبية هجمات قوات الدعم السريع على الفاشر ومقتل عشرات المدنيين."
        "\nوأعلنت وزارة الصحة تجهيز مستشفى الكفرة لاستقبال الجرحى القادمين من السودان."
    )
    assert theatre_sentence_hits(hospital, lexicon.index, lexicon.terms)[1].get(kufra) == 1
    assert not judge("ليبيا تدين الهجمات على الفاشر وتجهز مستشفى الكفرة", hospital, lexicon).relevant


# --- 2. who welcomes whom -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("probe", [H2, H3], ids=["congratulates", "welcomes"])
def test_a_neighbour_welcoming_libyas_own_process_is_no_statement_frame(
    lexicon: Lexicon, probe: tuple[str, str]
) -> None:
    result = judge(*probe, lexicon)
    assert result.relevant, result
    assert _weight(result, "حكومة الوحدة الوطنية") > 0


def test_libya_welcoming_a_ceasefire_in_gaza_is_still_a_statement(lexicon: Lexicon) -> None:
    body = (
        "طرابلس - وال\nرحب المجلس الرئاسي بوقف إطلاق النار في قطاع غزة بعد أشهر من القصف والغارات التي "
        "أوقعت آلاف القتلى، داعيا إلى إدخال المساعدات."
    )
    assert not judge("المجلس الرئاسي يرحب بوقف إطلاق النار في غزة", body, lexicon).relevant


def test_match_records_where_each_match_begins(lexicon: Lexicon) -> None:
    counts: dict[int, int] = {}
    spans: list[tuple[int, int]] = []
    match(tokens("الجزائر ترحب بنيل حكومة الوحدة الوطنية الثقة"), lexicon.index, counts, spans)
    names = [(at, lexicon.terms[i].term) for at, i in spans]
    assert names[:3] == [(0, "الجزائر"), (1, "ترحب"), (3, "حكومة الوحدة الوطنية")]


# --- 3 and 5. dispute words: a parallel currency, an illegitimate body --------------------------------------------


def test_the_dollar_as_a_parallel_currency_is_no_split(lexicon: Lexicon) -> None:
    result = judge(*C2, lexicon)
    assert not result.relevant, result
    assert _weight(result, "عملة موازية") == 0  # one body of the split: no signal


def test_printing_a_parallel_currency_is_the_split(lexicon: Lexicon) -> None:
    result = judge(*C4, lexicon)
    assert result.relevant and "انقسام المصرف المركزي" in _terms(result), result


def test_a_football_federations_illegitimate_body_is_no_rival_authority(lexicon: Lexicon) -> None:
    result = judge(*D4, lexicon)
    assert not result.relevant, result
    assert _weight(result, "الإدارة غير الشرعية") == 0


# --- 4. the war economy beside its armed actor --------------------------------------------------------------------


def test_a_tunisian_guard_foiling_libyan_fuel_smuggling_is_no_war_economy(lexicon: Lexicon) -> None:
    result = judge(*W3, lexicon)
    assert not result.relevant, result


def test_armed_formations_fighting_over_smuggling_stay_the_war_economy(lexicon: Lexicon) -> None:
    result = judge(*W5, lexicon)
    assert result.relevant and _weight(result, "تهريب الوقود") > 0, result


# --- 6. Burqa ------------------------------------------------------------------------------------------------------


def test_a_statement_on_burqa_in_the_west_bank_is_no_libya_story(lexicon: Lexicon) -> None:
    result = judge(*B1, lexicon)
    assert not result.relevant, result
    assert _weight(result, "برقة") < 2  # shadowed by the West Bank (Gaza's term)


def test_barqas_federalists_stay_libyas(lexicon: Lexicon) -> None:
    assert judge(*B2, lexicon).relevant


# --- 7. Egypt's interim government ----------------------------------------------------------------------------------


def test_egypts_interim_government_of_2013_is_no_east_government(lexicon: Lexicon) -> None:
    result = judge(*I1, lexicon)
    assert _weight(result, "الحكومة المؤقتة") == 0.75  # counted as if Libya were not anchored
    assert "حكومة مؤقتة لدولة أخرى" in _terms(result)


def test_al_baydas_interim_government_attacked_stays_the_conflict(lexicon: Lexicon) -> None:
    assert judge(*I3, lexicon).relevant


# --- 8. idioms ----------------------------------------------------------------------------------------------------


def test_ruling_illegitimately_is_no_illegal_migration(lexicon: Lexicon) -> None:
    result = judge(*D3, lexicon)
    assert result.relevant and "الهجرة غير الشرعية" not in _terms(result), result


def test_celebratory_gunfire_with_live_rounds_is_an_idiom(lexicon: Lexicon) -> None:
    body = "مصراتة - وال\nقرر المجلس البلدي حظر إطلاق الأعيرة النارية في الأعراس، وملاحقة من يطلق الرصاص في المناسبات."
    result = judge("بلدية مصراتة تحظر إطلاق الأعيرة النارية في الأعراس", body, lexicon)
    assert "إطلاق النار في الأعراس" in _terms(result)
    assert not result.relevant


# --- the loader ---------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, categories: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[category.place]\nfeeds = ["libya"]\nterms = [{ term = "برقة", weight = 2, ambiguous = true }]\n'
        + categories,
        encoding="utf-8",
    )
    return path


def test_beside_armed_must_mark_conflict_evidence(tmp_path: Path) -> None:
    trade = '[category.trade]\nfeeds = ["offtopic"]\nterms = [{ term = "تهريب الوقود", weight = 2, beside_armed = true }]\n'
    with pytest.raises(ConfigError, match="beside_armed") as err:
        load_lexicon(_write(tmp_path, trade))
    assert "category.trade.terms[0]" in str(err.value) and "conflict" in str(err.value)


def test_a_shadows_error_names_the_terms_index(tmp_path: Path) -> None:
    foreign = (
        '[category.foreign]\nfeeds = ["foreign"]\nterms = [{ term = "غزة", weight = 3 }, '
        '{ term = "نابلس", weight = 3, shadows = ["x"] }]\n'
    )
    with pytest.raises(ConfigError) as err:
        load_lexicon(_write(tmp_path, foreign))
    assert "category.foreign.terms[1] (نابلس).shadows" in str(err.value)
