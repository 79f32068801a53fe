"""Tests of crawler.relevance.judge: the scoring rule (density, title, ambiguity, the split signal) and the benchmark sets."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from tests.helpers import bench_module

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seed-format"
LABELLED = ROOT / "benchmarks" / "relevance" / "labelled.jsonl"
BLIND = ROOT / "benchmarks" / "relevance" / "blind.jsonl"
HOLDOUT4 = ROOT / "benchmarks" / "relevance" / "holdout4.jsonl"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def _seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


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


def test_libya_political_terms_feed_both_libya_and_conflict(lexicon: Lexicon) -> None:
    # round 23: a body of the split feeds conflict beside a fighting word or a second body, not named alone
    alone = judge("", "أصدرت الحكومة المكلفة من مجلس النواب بيانا.", lexicon)
    assert [t for t, *_ in alone.matched_terms][0] == "الحكومة المكلفة من مجلس النواب"
    assert alone.matched_terms[-1][1] == "lone body"  # the evidence says why its conflict weight is missing
    assert alone.libya_score > 0 and alone.conflict_score == 0
    beside = judge("", "أصدرت الحكومة المكلفة من مجلس النواب بيانا عن الاشتباكات.", lexicon)
    assert beside.libya_score > 0 and beside.conflict_score > beside.libya_score


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


def test_the_capital_tripoli_anchors_libya(lexicon: Lexicon) -> None:
    verdict = judge("اشتباكات في الزاوية", "اشتباكات وقتلى في الزاوية غرب العاصمة طرابلس.", lexicon)
    assert {t: w for t, _, w, _ in verdict.matched_terms}["الزاوية"] == pytest.approx(2.0)


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


def _bench_saudinewsnet():
    """The SaudiNewsNet benchmark module."""
    return bench_module("relevance/bench_saudinewsnet.py")


def test_saudinewsnet_split_keeps_copies_together_and_holds_out_forty_percent() -> None:
    bench = _bench_saudinewsnet()
    story = " ".join(f"كلمة{i}" for i in range(60))
    # two copies of one story (one labelled 1), then 20 distinct negatives
    rows = [{"id": f"u{i}", "label": i == 0, "group": "g", "title": "عنوان", "text": story} for i in range(2)]
    for i in range(20):
        text = " ".join(f"ك{i}_{j}" for j in range(40))
        rows.append({"id": f"v{i:02d}", "label": 0, "group": "g", "title": f"خبر {i}", "text": text})
    part = bench.split_parts(rows)
    assert part["u0"] == part["u1"]
    assert sum(1 for r in rows[2:] if part[r["id"]] == "holdout") == 8  # 40 % of the 20 distinct negatives
    assert bench.split_parts(list(reversed(rows))) == part  # order does not matter


def test_saudinewsnet_bench_says_so_and_exits_zero_without_the_shared_corpus(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = ROOT / "benchmarks" / "relevance" / "bench_saudinewsnet.py"
    done = subprocess.run(
        [sys.executable, str(script), "--shared", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "labelled set absent, nothing judged" in done.stdout
