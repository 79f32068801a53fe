"""The learned relevance baseline (benchmarks/relevance/bench_learned_baseline.py): its features and its model."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "relevance"))

from bench_learned_baseline import Model, features, figures  # noqa: E402


def test_features_mark_title_words_apart_and_pair_body_words() -> None:
    found = features("اشتباكات في طرابلس", "قصف عنيف")
    assert "t:اشتباكات" in found and "b:اشتباكات" not in found
    assert {"b:قصف", "b:عنيف", "p:قصف_عنيف"} <= found


def test_the_model_learns_a_separable_toy_set_and_judges_unseen_articles() -> None:
    war = ["اشتباكات مسلحة في طرابلس", "قصف على طرابلس ومعارك", "معارك واشتباكات جنوب طرابلس"]
    sport = ["مباراة الأهلي والاتحاد", "الأهلي يفوز في مباراة الدوري", "الاتحاد يخسر مباراة"]
    examples = [("s", True, features("", t)) for t in war] + [("s", False, features("", t)) for t in sport]
    model = Model(examples, epochs=20)
    assert model.relevant(features("", "اشتباكات ومعارك في طرابلس"))
    assert not model.relevant(features("", "مباراة الأهلي في الدوري"))


def test_figures_count_and_divide() -> None:
    line = figures([(True, True), (True, False), (False, True), (False, False)])
    assert "TP=  1 FP= 1 FN= 1" in line and "precision=0.500 recall=0.500" in line
