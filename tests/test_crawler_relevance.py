"""Tests of crawler.relevance: lexicon loading and the Libya-conflict judgement."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.relevance import DEFAULT_LEXICON, Lexicon, judge, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seed-format"
LABELLED = ROOT / "benchmarks" / "relevance" / "labelled.jsonl"
BLIND = ROOT / "benchmarks" / "relevance" / "blind.jsonl"
HOLDOUT4 = ROOT / "benchmarks" / "relevance" / "holdout4.jsonl"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(DEFAULT_LEXICON)


def _seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def test_default_lexicon_loads_with_every_category(lexicon: Lexicon) -> None:
    categories = {t.category for t in lexicon.terms}
    assert {
        "libya_place",
        "libya_actor",
        "libya_armed",
        "libya_political",
        "conflict",
        "political_conflict",
        "foreign",
        "sport",
        "dispute",
    } <= categories
    assert len(lexicon.terms) > 150
    assert all(0 < t.weight <= 10 and t.forms for t in lexicon.terms)


@pytest.mark.skipif(not _seed_files(), reason=f"seed documents absent: {SEEDS}")
@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: p.name)
def test_every_seed_article_is_relevant(path: Path, lexicon: Lexicon) -> None:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    verdict = judge(title, body, lexicon)
    assert verdict.relevant, verdict.matched_terms[:8]
    assert verdict.score >= 1.0
    assert verdict.libya_score >= lexicon.scoring.libya_min
    assert verdict.conflict_score >= lexicon.scoring.conflict_min


def _article(title: str, *paragraphs: str) -> tuple[str, str]:
    """(title, body) with one paragraph per line."""
    return title, "\n".join(paragraphs)


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


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("وقعت اشتباكات وبطرابلس قتلى في ليبيا", "طرابلس"),
        ("طرد الجيش الميليشيات من ليبيا", "ميليشيات"),
        ("ضاق الناس بالميليشيات في ليبيا", "ميليشيات"),
        ("انتشرت المليشيات في ليبيا", "ميليشيات"),
        ("قصف للميليشيات في ليبيا", "ميليشيات"),
        ("أعلن الجيشُ الوطنيُّ الليبيُّ تقدّمَه", "الجيش الوطني الليبي"),
        ("مواجهات وللجيش الوطني الليبي تعزيزات", "الجيش الوطني الليبي"),
        ("Fighting near Tripoli between Haftar's forces and militias", "قوات حفتر"),
    ],
)
def test_matching_strips_clitics_and_folds_spelling(body: str, term: str, lexicon: Lexicon) -> None:
    verdict = judge("", body, lexicon)
    assert term in {t for t, *_ in verdict.matched_terms}


def test_longest_term_wins_and_consumes_its_words(lexicon: Lexicon) -> None:
    verdict = judge("", "قال المتحدث باسم الجيش الوطني الليبي", lexicon)
    assert [t for t, *_ in verdict.matched_terms] == ["الجيش الوطني الليبي"]


def test_matched_terms_explain_the_score(lexicon: Lexicon) -> None:
    verdict = judge("قصف على مصراتة", "اشتباكات في مصراتة.\nقصف جديد على مصراتة واشتباكات في ليبيا.", lexicon)
    found = {t: (cat, w, n) for t, cat, w, n in verdict.matched_terms}
    assert found["مصراتة"] == ("libya_place", 3.0, 3)
    assert found["قصف"] == ("conflict", 2.5, 2)
    assert found["اشتباكات"] == ("conflict", 3.0, 2)
    assert found["ليبيا"] == ("libya_place", 3.0, 1)
    # strongest contribution first: title hits of مصراتة (3 x title_factor + body) lead
    assert verdict.matched_terms[0][0] == "مصراتة"
    assert verdict.relevant and verdict.score >= 1


def test_title_weighs_more_than_body(lexicon: Lexicon) -> None:
    filler = "\n".join(["وتحدث المسؤولون عن الخطط المقبلة للبلدية والمشاريع الجديدة."] * 20)
    in_title = judge("اشتباكات في ليبيا", filler, lexicon)
    in_body = judge("خبر", "اشتباكات في ليبيا\n" + filler, lexicon)
    assert in_title.conflict_score > 2 * in_body.conflict_score
    assert in_title.libya_score > 2 * in_body.libya_score


def test_one_passing_mention_in_a_long_libya_story_is_not_relevant(lexicon: Lexicon) -> None:
    economy = (
        "وأعلنت المؤسسة الوطنية للنفط في طرابلس زيادة الإنتاج في حقول ليبيا وتوقيع عقود مع شركات أجنبية "
        "لتطوير الموانئ في بنغازي ومصراتة، مع خطط لرفع الصادرات إلى أوروبا خلال السنوات المقبلة."
    )
    passing = "وأشار إلى أن اشتباكات العام الماضي أثرت على الإنتاج لفترة قصيرة."
    long_story = judge("خطة لرفع إنتاج النفط الليبي", "\n".join([economy] * 8 + [passing]), lexicon)
    short_story = judge(
        "خطة لرفع إنتاج النفط الليبي", "\n".join([passing, passing.replace("اشتباكات", "غارات")]), lexicon
    )
    assert not long_story.relevant
    assert long_story.conflict_score < short_story.conflict_score


def test_repetition_saturates(lexicon: Lexicon) -> None:
    cap = lexicon.scoring.count_cap
    few = judge("", " ".join(["اشتباكات في ليبيا."] * cap), lexicon)
    many = judge("", " ".join(["اشتباكات في ليبيا."] * cap) + " اشتباكات" * 20, lexicon)
    counts = {t: n for t, _, _, n in many.matched_terms}
    assert counts["اشتباكات"] == cap + 20
    assert many.conflict_score <= few.conflict_score


def test_empty_article_scores_zero(lexicon: Lexicon) -> None:
    verdict = judge("", "", lexicon)
    assert verdict.relevant is False
    assert verdict.score == 0.0 and verdict.matched_terms == ()


@pytest.mark.parametrize(
    ("path", "split"),
    [(LABELLED, "dev"), (LABELLED, "test"), (BLIND, "blind-dev"), (HOLDOUT4, "holdout4")],
    ids=["dev", "test", "blind-dev", "holdout4"],
)
def test_labelled_set_meets_the_floors(path: Path, split: str, lexicon: Lexicon) -> None:
    if not path.exists():
        pytest.skip(f"labelled set absent: {path}")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split and "text" in r]
    assert len(rows) >= 30
    predictions = [
        (r.get("label", r.get("relevant")), judge(r["title"], r["text"], lexicon).relevant) for r in rows
    ]
    tp = sum(1 for gold, got in predictions if gold and got)
    fp = sum(1 for gold, got in predictions if got and not gold)
    fn = sum(1 for gold, got in predictions if gold and not got)
    assert tp / (tp + fp) >= 0.95
    assert tp / (tp + fn) >= 0.95


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


def test_libya_political_terms_feed_both_libya_and_conflict(lexicon: Lexicon) -> None:
    verdict = judge("", "أصدرت الحكومة المكلفة من مجلس النواب بيانا.", lexicon)
    assert [t for t, *_ in verdict.matched_terms] == ["الحكومة المكلفة من مجلس النواب"]
    assert verdict.libya_score > 0 and verdict.conflict_score > 0


def test_enough_ambiguous_libya_names_anchor_each_other(lexicon: Lexicon) -> None:
    assert lexicon.scoring.anchor_ambiguous_min == 3
    two = judge("", "اشتباكات في الزاوية غرب طرابلس.", lexicon)
    three = judge("", "اشتباكات في الزاوية غرب طرابلس ودعوة من المجلس الرئاسي.", lexicon)
    weight = {t: w for t, _, w, _ in two.matched_terms}["الزاوية"]
    assert weight == pytest.approx(2.0 * lexicon.scoring.ambiguous_factor)
    assert {t: w for t, _, w, _ in three.matched_terms}["الزاوية"] == pytest.approx(2.0)
    assert three.libya_score > 2 * two.libya_score


def test_lebanese_tripoli_with_two_ambiguous_names_stays_unanchored(lexicon: Lexicon) -> None:
    verdict = judge("اشتباكات في طرابلس", "اشتباكات في طرابلس وقصف قرب مجلس النواب.", lexicon)
    assert {t: w for t, _, w, _ in verdict.matched_terms}["طرابلس"] == pytest.approx(
        2.0 * lexicon.scoring.ambiguous_factor
    )
    assert not verdict.relevant


# --- bad lexicon files -------------------------------------------------------------------------------

GOOD_CATEGORY = '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3 } ]\n'


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ("[category.places\n", None, "not valid TOML"),
        ("title = 1\n" + GOOD_CATEGORY, "'title'", "unknown top-level key"),
        ("[scoring]\nlibya_mn = 3\n" + GOOD_CATEGORY, "'scoring.libya_mn'", "unknown setting"),
        ("[scoring]\nfocus_min = 2\n" + GOOD_CATEGORY, "'scoring'", "between 0 and 1"),
        ("[scoring]\ncount_cap = -1\n" + GOOD_CATEGORY, "'scoring'", "non-negative"),
        ("[scoring]\nanchor_ambiguous_min = 2.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        ("[scoring]\nsplit_bodies_min = 1.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, body = " " } ]\n',
            "body'",
            "non-empty name",
        ),
        (
            '[category.words]\nfeeds = ["dispute", "conflict"]\nterms = [ { term = "رفض", weight = 1 } ]\n',
            "'category.words.feeds'",
            "feeds nothing else",
        ),
        ("[scoring]\n", "'category'", "add [category.<name>]"),
        ('[category.places]\nfeeds = ["libya"]\n', "'category.places.terms'", "non-empty list"),
        (
            '[category.places]\nfeeds = ["mars"]\nterms = [ { term = "ليبيا", weight = 3 } ]\n',
            "'category.places.feeds'",
            "drawn from",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { weight = 3 } ]\n',
            "'category.places.terms[0].term'",
            "add term =",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = -1 } ]\n',
            "weight'",
            "(0, 10]",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = "3" } ]\n',
            "weight'",
            "(0, 10]",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, variants = "ليبيه" } ]\n',
            "variants'",
            "list of non-empty strings",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, colour = 1 } ]\n',
            "colour'",
            "unknown key",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, ambiguous = "yes" } ]\n',
            "ambiguous'",
            "true or false",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, exact = 1 } ]\n',
            "exact'",
            "true or false",
        ),
        ("[scoring]\nsuffix_min_letters = 3.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "...", weight = 3 } ]\n',
            "(...)'",
            "no letters",
        ),
        (
            GOOD_CATEGORY
            + '[category.more]\nfeeds = ["libya"]\nterms = [ { term = "ليبيأ", weight = 1 } ]\n',
            "'category.more.terms[0] (ليبيأ)'",
            "already a spelling of ليبيا",
        ),
    ],
)
def test_bad_lexicon_names_file_key_and_fix(tmp_path: Path, text: str, key: str | None, fix: str) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)
    message = str(info.value)
    assert str(path) in message
    if key:
        assert key in message
    assert fix in message


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the lexicon"):
        load_lexicon(tmp_path / "nope.toml")


def test_minimal_lexicon_works(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        GOOD_CATEGORY + '[category.war]\nfeeds = ["conflict"]\nterms = [ { term = "قصف", weight = 3 } ]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    verdict = judge("قصف في ليبيا", "", lexicon)
    assert verdict.relevant
    assert {t for t, *_ in verdict.matched_terms} == {"قصف", "ليبيا"}


# --- the split signal (round 4) ---------------------------------------------------------------------

# Two bodies of the split (the House, the Presidential Council) and dispute words, no armed or political-conflict
# vocabulary at all: only the split signal can make this conflict evidence.
BODIES_IN_DISPUTE = _article(
    "المجلس الرئاسي يرفض قرار مجلس النواب الليبي ويعتبره منعدما",
    "رفض المجلس الرئاسي قرار مجلس النواب الليبي بشأن إدارة صندوق الثروة، واعتبره منعدما وصادرا بشكل منفرد.",
    "وقال المتحدث باسم المجلس الرئاسي إن مجلس النواب لا يملك صلاحية إصدار القرار، متهما رئاسته بعرقلة التوافق.",
    "وأكد مجلس النواب الليبي في بيان أن القرار نهائي، وأن اعتراضات المجلس الرئاسي لا أساس لها.",
)
ONE_BODY_IN_DISPUTE = _article(
    "مجلس النواب الليبي يرفض مقترح قانون الضرائب ويعتبره منعدما",
    "رفض مجلس النواب الليبي مقترح قانون الضرائب على الشركات، واعتبر أعضاء لجنة المالية أن صياغته منعدمة الجدوى.",
    "وقال الناطق باسم مجلس النواب الليبي إن الاعتراضات على المقترح كثيرة، وإن اللجنة ستعيد صياغته بالتوافق مع الخبراء.",
)
# Ordinary Libyan politics naming two or more bodies of the split, without a dispute between them.
TWO_BODIES_AT_A_FAIR = _article(
    "المنفي والدبيبة يفتتحان معرض رمضان للسلع",
    "افتتح رئيس المجلس الرئاسي محمد المنفي ورئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة معرض رمضان للسلع"
    " الغذائية في العاصمة طرابلس بمشاركة 300 شركة.",
    "وقال الدبيبة إن الحكومة رفضت أي زيادة في أسعار السلع الأساسية، وإن الرقابة على الأسواق ستتواصل طوال الشهر.",
    "وأشاد المنفي بالتوافق بين التجار والجهات الرقابية على تثبيت الأسعار.",
)
TWO_BODIES_AUDIT = _article(
    "ديوان المحاسبة يرصد مخالفات مالية في حكومة الوحدة الوطنية ومجلس النواب",
    "رصد تقرير ديوان المحاسبة الليبي السنوي مخالفات مالية في إنفاق حكومة الوحدة الوطنية ومجلس النواب، شملت عقودا"
    " أبرمت دون مناقصات وتجاوزات في بند المرتبات.",
    "وقال رئيس الديوان إن المخالفات تتجاوز مليار دينار، فيما قالت حكومة الوحدة الوطنية إنها ستراجع الملاحظات.",
    "وأكد التقرير أن المجلس الرئاسي التزم بأغلب التوصيات.",
)
TWO_BODIES_MIGRANTS = _article(
    "خفر السواحل يعترض 400 مهاجر قبالة طرابلس",
    "أعلن خفر السواحل التابع لحكومة الوحدة الوطنية اعتراض قوارب تقل 400 مهاجر قبالة سواحل العاصمة طرابلس.",
    "ودعا المجلس الرئاسي الاتحاد الأوروبي إلى دعم جهود ليبيا في مكافحة الهجرة غير الشرعية.",
    "وكانت لجنة الداخلية بمجلس النواب قد رفضت في وقت سابق توطين المهاجرين في ليبيا.",
)
TWO_BODIES_ELECTRICITY = _article(
    "الدبيبة وعقيلة صالح يبحثان أزمة الكهرباء",
    "بحث رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة مع رئيس مجلس النواب عقيلة صالح أزمة انقطاع الكهرباء.",
    "واتفق الجانبان على تخصيص اعتمادات عاجلة لصيانة محطات التوليد في الزويتينة والخمس وتوريد قطع الغيار.",
)
# Lebanon: the House and a "presidential council" are ambiguous names; unanchored, they are no bodies of the split.
LEBANON_BODIES = _article(
    "مجلس النواب يرفض قرار المجلس الرئاسي",
    "رفض مجلس النواب قرار المجلس الرئاسي واعتبره منعدما وغير دستوري، متهما الحكومة بعرقلة التوافق في بيروت.",
)


def _dispute_weights(verdict: object) -> dict[str, float]:
    """Effective weight of every dispute word in a verdict."""
    return {t: w for t, cat, w, _ in verdict.matched_terms if cat == "dispute"}  # type: ignore[attr-defined]


def test_split_bodies_are_named_in_the_lexicon(lexicon: Lexicon) -> None:
    bodies = {t.body for t in lexicon.terms if t.body}
    assert {
        "house",
        "presidential_council",
        "high_council",
        "gnu",
        "east_government",
        "general_command",
    } <= bodies
    assert all(t.feeds == ("dispute",) for t in lexicon.terms if t.category == "dispute")
    assert lexicon.scoring.split_bodies_min == 2


def test_dispute_words_count_only_between_two_bodies_of_the_split(lexicon: Lexicon) -> None:
    two = judge(*BODIES_IN_DISPUTE, lexicon)
    one = judge(*ONE_BODY_IN_DISPUTE, lexicon)
    assert two.relevant, two.matched_terms[:10]
    assert not {cat for _, cat, _, _ in two.matched_terms} & {"conflict", "political_conflict", "libya_armed"}
    assert _dispute_weights(two)["رفض"] == pytest.approx(1.0 * lexicon.scoring.split_factor)
    assert not one.relevant
    assert _dispute_weights(one) and set(_dispute_weights(one).values()) == {0.0}
    assert one.conflict_score == 0.0


def test_split_signal_off_turns_dispute_words_into_nothing(lexicon: Lexicon) -> None:
    off = Lexicon(lexicon.terms, replace(lexicon.scoring, split_bodies_min=0), lexicon.source)
    on = judge(*BODIES_IN_DISPUTE, lexicon)
    verdict = judge(*BODIES_IN_DISPUTE, off)
    assert not verdict.relevant
    assert set(_dispute_weights(verdict).values()) == {0.0}
    assert verdict.conflict_score < on.conflict_score


def test_one_body_named_twice_is_one_body(lexicon: Lexicon) -> None:
    # "الدبيبة" and "حكومة الوحدة الوطنية" are the same body: no signal
    verdict = judge(
        "الدبيبة يرفض", "رفض الدبيبة رئيس حكومة الوحدة الوطنية المقترح واعتبره منعدما في ليبيا.", lexicon
    )
    assert set(_dispute_weights(verdict).values()) == {0.0}


@pytest.mark.parametrize(
    "article",
    [TWO_BODIES_AT_A_FAIR, TWO_BODIES_AUDIT, TWO_BODIES_MIGRANTS, TWO_BODIES_ELECTRICITY, LEBANON_BODIES],
    ids=["ramadan-fair", "audit-report", "migrant-interception", "electricity", "lebanon-unanchored"],
)
def test_two_bodies_without_a_dispute_or_outside_libya_are_not_relevant(
    article: tuple[str, str], lexicon: Lexicon
) -> None:
    verdict = judge(*article, lexicon)
    assert not verdict.relevant, verdict.matched_terms[:10]


def test_lebanese_bodies_do_not_switch_the_signal_on(lexicon: Lexicon) -> None:
    verdict = judge(*LEBANON_BODIES, lexicon)
    assert set(_dispute_weights(verdict).values()) == {0.0}


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("اشتباكات في الزاوية غرب العاصمة طرابلس", "العاصمة طرابلس"),
        ("أغلق معبر رأس اجدير", "رأس اجدير"),
        ("تمت عملية تبادل المحتجزين بين المدينتين", "تبادل الأسرى"),
        ("رفض البرلمان القرار", "مجلس النواب"),
    ],
)
def test_round4_spellings_match(body: str, term: str, lexicon: Lexicon) -> None:
    assert term in {t for t, *_ in judge("", body, lexicon).matched_terms}


def test_the_capital_tripoli_anchors_libya(lexicon: Lexicon) -> None:
    verdict = judge("اشتباكات في الزاوية", "اشتباكات وقتلى في الزاوية غرب العاصمة طرابلس.", lexicon)
    assert {t: w for t, _, w, _ in verdict.matched_terms}["الزاوية"] == pytest.approx(2.0)


# --- round 5: short spellings, exact terms, municipalities and tribes, Libya's neighbours --------------


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("خالص التعزية والمواساة لأسرة الفقيد", "صنعاء"),  # تعزية (condolence) is not تعز (Taiz)
        ("وقال عدنان إن الاجتماع انتهى", "صنعاء"),  # عدنان (a name) is not عدن (Aden)
        ("احتفلت المدرسة بمرور الخمسين عاما على تأسيسها", "الخمس"),  # fifty is not Khoms
        ("أقيم السباق على حلبة المدينة", "دمشق"),  # حلبة (a track) is not حلب (Aleppo)
        ("نشرت الوزارة نشرتها الدورية عن الأسعار", "الدوري"),  # periodic is not the league
        ("أوقفت الدورية الأمنية سيارة مشبوهة", "الدوري"),  # a patrol is not the league
        ("عاد المنفيين إلى ديارهم", "المنفي"),  # the exiles are not Menfi
    ],
)
def test_short_or_exact_spellings_do_not_match_through_a_suffix(
    body: str, term: str, lexicon: Lexicon
) -> None:
    assert term not in {t for t, *_ in judge("", body, lexicon).matched_terms}


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("سقطت قذائف على أحياء بتعز", "صنعاء"),  # proclitics are still stripped from short spellings
        ("وصل الوفد إلى عدن", "صنعاء"),
        ("قصفها الطيران ليلا في ليبيا", "قصف"),  # and attached pronouns other than ه
        ("أعلن الحوثيون خطفهم ثلاثة", "اختطاف"),
        ("عاد الهدوء إلى الخمس بعد أيام", "الخمس"),
        ("تصدر الأهلي الدوري الممتاز", "الدوري"),
        ("توقف والدوري لم يحسم", "الدوري"),
        ("ميليشياتها تنتشر في المدينة", "ميليشيات"),  # spellings of 4+ letters still shed suffixes
    ],
)
def test_short_and_exact_spellings_still_match_their_own_words(
    body: str, term: str, lexicon: Lexicon
) -> None:
    assert term in {t for t, *_ in judge("", body, lexicon).matched_terms}


def test_suffix_min_letters_zero_restores_suffix_stripping_for_every_spelling(lexicon: Lexicon) -> None:
    loose = Lexicon(lexicon.terms, replace(lexicon.scoring, suffix_min_letters=0), lexicon.source)
    assert "صنعاء" in {t for t, *_ in judge("", "خالص التعزية لأسرة الفقيد", loose).matched_terms}
    # exact = true holds whatever the setting
    assert "الدوري" not in {t for t, *_ in judge("", "الدورية الأمنية", loose).matched_terms}


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


def test_the_libyan_border_is_weak_evidence_of_a_libya_story(lexicon: Lexicon) -> None:
    verdict = judge("", "حجز أسلحة قرب الحدود الليبية", lexicon)
    weights = {t: w for t, _, w, _ in verdict.matched_terms}
    assert weights["الحدود الليبية"] == pytest.approx(1.0)
    assert "ليبي" not in weights  # the longest match consumed the adjective


@pytest.mark.parametrize(
    ("town", "term"),
    [
        ("العجيلات", "العجيلات"),
        ("ككلة", "ككلة"),
        ("الأصابعة", "الأصابعة"),
        ("تازربو", "تازربو"),
        ("صرمان", "صرمان"),
        ("تاورغاء", "تاورغاء"),
        ("أوجلة", "أوجلة"),
        ("قمينس", "قمينس"),
        ("وادي الشاطئ", "براك الشاطئ"),
        ("قبيلة ورفلة", "ورفلة"),
        ("أبناء القذاذفة", "القذاذفة"),
    ],
)
def test_municipalities_and_tribes_are_unambiguous_libya_places(
    town: str, term: str, lexicon: Lexicon
) -> None:
    matched = {t.term: t for t in lexicon.terms}
    assert matched[term].category == "libya_place" and not matched[term].ambiguous
    verdict = judge("", f"وصلت القافلة إلى {town} صباح اليوم", lexicon)
    assert term in {t for t, *_ in verdict.matched_terms}


@pytest.mark.parametrize("term", ["التبو", "الطوارق", "أولاد سليمان", "سوسة", "شحات", "براك", "القبة"])
def test_names_shared_with_neighbours_or_common_words_are_ambiguous(term: str, lexicon: Lexicon) -> None:
    assert {t.term: t for t in lexicon.terms}[term].ambiguous


@pytest.mark.parametrize("word", ["بالمائة", "الجميل", "الشقيقة", "القلعة", "الشاطئ", "أدري", "المغاربة"])
def test_everyday_words_shared_with_small_towns_are_left_out(word: str, lexicon: Lexicon) -> None:
    verdict = judge("", f"قال إن {word} في الخبر", lexicon)
    assert not [t for t, cat, *_ in verdict.matched_terms if cat == "libya_place"]


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
