"""The learned second reader (stop 34, crawler/relevance/learned.py): trained the same every run, read as written,
asked only in the lexicon's near band and never where a guard of the lexicon has spoken."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from archive.corpus.arabic import tokens
from archive.errors import ConfigError
from crawler.relevance.judge import Lexicon, judge
from crawler.relevance.learned import Reader, features, load_reader, train, write_reader
from crawler.relevance.lexicon import load_lexicon
from tests.test_crawler_relevance_round30 import LEBANON_WELCOME_LIVE

ROOT = Path(__file__).resolve().parents[1]

#: A port stopped by guards, "clashes" once in its background: the lexicon scores it 0.67, in the near band.
BAND = (
    "توقف التحميل في ميناء الحريقة",
    "طبرق - «الوسط»\nأوقف حراس المنشآت النفطية التحميل في ميناء الحريقة قرب طبرق أمس، وقالت المؤسسة الوطنية "
    "للنفط إن الإنتاج انخفض إلى النصف. وطالب المحتجون بصرف رواتبهم المتأخرة منذ أشهر، وقالوا إنهم لن يسمحوا "
    "بتحميل أي ناقلة قبل تلبية مطالبهم. وقالت الحكومة المؤقتة إنها تتابع الموقف. وتشهد المنطقة توترا منذ "
    "اشتباكات الشهر الماضي.",
)
#: Gold prices in Tripoli: Libya named, no conflict: far under the band.
LOW = ("ارتفاع أسعار الذهب في طرابلس", "طرابلس - «الوسط»\nارتفعت أسعار الذهب في أسواق طرابلس أمس بنسبة خمسة في المئة.")


def _toy() -> list[tuple[frozenset[str], bool]]:
    war = ["اشتباكات عنيفة في المدينة", "قصف واشتباكات قرب الميناء", "اشتباكات بين كتيبتين", "مسلحون واشتباكات"]
    calm = ["افتتاح معرض للكتاب", "ارتفاع أسعار الذهب", "مهرجان للتمور في الواحة", "افتتاح مدرسة جديدة"]
    return [(features(tokens(t), tokens(t + " اليوم")), label) for texts, label in ((war, True), (calm, False))
            for t in texts] * 3


def _always(p_bias: float = 8.0) -> Reader:
    """A reader that says yes to everything (its bias alone): to test where the judge asks it."""
    return Reader(p_bias, {})


def test_training_is_the_same_every_run_and_learns_the_words() -> None:
    first, second = train(_toy(), epochs=5), train(_toy(), epochs=5)
    assert first.weights == second.weights and first.bias == second.bias
    p_war, words = first.read(tokens("اشتباكات"), tokens("وقعت اشتباكات مساء أمس"))
    p_calm, _ = first.read(tokens("معرض"), tokens("افتتاح معرض للصور"))
    assert p_war > 0.5 > p_calm
    assert "اشتباكات (title)" in words


def test_keep_keeps_the_strongest_weights() -> None:
    full, kept = train(_toy(), epochs=5), train(_toy(), epochs=5, keep=3)
    assert len(kept.weights) == 3
    assert sorted(map(abs, kept.weights.values())) == sorted(map(abs, full.weights.values()))[-3:]


def test_ignored_words_and_their_pairs_are_no_features() -> None:
    found = features(tokens("اشتباكات في بنغازي"), tokens("وقعت في وبنغازي اشتباكات"), frozenset({"بنغازي"}))
    assert not any("بنغازي" in f for f in found)
    assert {"t:اشتباكات", "b:وقعت", "p:وقعت_في"} <= found
    assert "p:في_اشتباكات" not in found  # "وبنغازي" stood between them


def test_written_reader_reads_back_the_same(tmp_path: Path) -> None:
    reader = train(_toy(), epochs=5, keep=20, ignore=frozenset({"بنغازي"}))
    path = tmp_path / "reader.json"
    write_reader(reader, path, {"trained_on": "toy"})
    back = load_reader(path)
    assert back.ignore == reader.ignore and back.meta["trained_on"] == "toy"
    words = (tokens("اشتباكات في الميناء"), tokens("اشتباكات بين كتيبتين قرب الميناء"))
    assert back.read(*words)[0] == pytest.approx(reader.read(*words)[0], abs=1e-4)


@pytest.mark.parametrize(
    ("text", "needle"),
    [("{", "not valid JSON"), ('{"bias": 1, "weights": {"b:x": "big"}}', "not a learned reader"),
     ('{"bias": 1, "weights": {}, "ignore": "x"}', "'ignore' must be a list")],
)
def test_a_bad_reader_file_is_a_config_error_naming_it(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "reader.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle) as caught:
        load_reader(path)
    assert str(path) in str(caught.value)


def test_a_lexicon_naming_a_missing_reader_says_which_file(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[scoring]\nreader = "gone.json"\n[category.libya_place]\nfeeds = ["libya"]\n'
                       'terms = [{ term = "ليبيا", weight = 3 }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="gone.json"):
        load_lexicon(lexicon)


@pytest.mark.parametrize("setting", ["reader_p = 1.5", "reader_min = -1", "reader = 3"])
def test_bad_reader_settings_are_refused(tmp_path: Path, setting: str) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(f'[scoring]\n{setting}\n[category.libya_place]\nfeeds = ["libya"]\n'
                       'terms = [{ term = "ليبيا", weight = 3 }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="scoring"):
        load_lexicon(lexicon)


def test_the_judge_asks_the_reader_only_in_the_near_band(lexicon: Lexicon) -> None:
    alone = dataclasses.replace(lexicon, reader=None)
    eager = dataclasses.replace(lexicon, reader=_always())
    below = judge(*BAND, alone)
    assert lexicon.scoring.reader_min <= below.score < 1.0 and not below.relevant
    lifted = judge(*BAND, eager)
    assert lifted.relevant and lifted.score == 1.0
    line, category, weight, _ = lifted.matched_terms[0]
    assert category == "reader" and weight == below.score and line.startswith("learned reader: p 1.00")
    assert lifted.matched_terms[1:] == below.matched_terms  # the lexicon's evidence is kept under it
    assert not judge(*LOW, eager).relevant  # under the band: the lexicon's verdict stands
    shy = dataclasses.replace(lexicon, reader=_always(-8.0))
    assert judge(*BAND, shy) == below  # a reader under reader_p changes nothing


def test_the_reader_never_lifts_a_story_a_guard_lowered(lexicon: Lexicon) -> None:
    # Libya's welcome of another country's ceasefire: the statement frame scales its war words into the band
    eager = dataclasses.replace(lexicon, reader=_always())
    alone = judge(*LEBANON_WELCOME_LIVE, dataclasses.replace(lexicon, reader=None))
    assert lexicon.scoring.reader_min <= alone.score < 1.0
    assert judge(*LEBANON_WELCOME_LIVE, eager) == alone


def test_the_shipped_reader_is_the_lexicons_and_says_what_it_read(lexicon: Lexicon) -> None:
    assert lexicon.scoring.reader == "lexicon-reader.json" and lexicon.reader is not None
    meta = json.loads((ROOT / "seeds" / "lexicon-reader.json").read_text(encoding="utf-8"))["meta"]
    assert meta["articles"] > 7000 and meta["trained_on"].startswith("dev ... holdout")
    assert len(lexicon.reader.weights) == meta["features_kept"] <= 2000
    assert "بنغازي" in lexicon.reader.ignore and not any("بنغازي" in f for f in lexicon.reader.weights)
