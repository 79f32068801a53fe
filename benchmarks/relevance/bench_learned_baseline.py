"""A learned baseline for the relevance judge: does a bag-of-words classifier beat the lexicon on what it has not seen?

Run: python benchmarks/relevance/bench_learned_baseline.py [--epochs 10]

Issue 13 welcomes a learned component "if it beats the lexicon on the kept-aside part and stays explainable and
light". This script measures the simplest honest candidate before any is built: a logistic regression over the words
and word pairs of title and body (``archive.corpus.arabic.tokens``, title words marked apart), trained by plain SGD
(pure Python, fixed order, so every run gives the same figures), in two settings:

* **Prequential on the blind sets** (holdout24 onward): for each set, a model trained only on the sets written
  before it (in ``bench_relevance.SPLIT_ORDER``) plus all of SaudiNewsNet, then judged on that set once: the same
  footing as the lexicon's first judgement of each set (``benchmarks/results/relevance.md``).
* **SaudiNewsNet's kept-aside part** (real articles): a model trained on every own and blind set plus the dev part,
  and one trained on the own and blind sets alone and judged on all 345 real articles.

It writes nothing; the figures and what they mean are in ``benchmarks/results/relevance.md`` ("A learned baseline").
SaudiNewsNet is read from ``../shared`` (skipped, with a message, where absent).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_relevance import DATA_FILES, SPLIT_ORDER, load_item  # noqa: E402
from bench_saudinewsnet import DATA, split_parts  # noqa: E402

from archive.corpus.arabic import tokens  # noqa: E402

Example = tuple[str, bool, frozenset[str]]  # (split, label, features)


def features(title: str, text: str) -> frozenset[str]:
    """Title words, body words and body word pairs, each present or not."""
    title_words, body_words = tokens(title), tokens(text)
    found = {"t:" + w for w in title_words} | {"b:" + w for w in body_words}
    found |= {f"p:{a}_{b}" for a, b in zip(body_words, body_words[1:])}
    return frozenset(found)


class Model:
    """Logistic regression over present features, trained by SGD in a fixed order (a seeded shuffle per epoch)."""

    def __init__(self, examples: list[Example], epochs: int, rate: float = 0.5, l2: float = 1e-4) -> None:
        seen = Counter(f for _, _, found in examples for f in found)
        self.weights = {f: 0.0 for f, n in seen.items() if n >= 2}  # a feature of one article teaches nothing
        self.bias = 0.0
        rows = [([f for f in found if f in self.weights], 1.0 if label else 0.0) for _, label, found in examples]
        for epoch in range(epochs):
            random.Random(epoch).shuffle(rows)
            for present, label in rows:
                error = self._prob(present) - label
                step = rate * error / max(1.0, math.sqrt(len(present)))  # long articles do not take bigger steps
                for f in present:
                    self.weights[f] -= step + rate * l2 * self.weights[f]
                self.bias -= rate * error * 0.1

    def _prob(self, present: list[str]) -> float:
        z = self.bias + sum(self.weights[f] for f in present)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def relevant(self, found: frozenset[str]) -> bool:
        """Whether the model puts the article above even odds."""
        return self._prob([f for f in found if f in self.weights]) > 0.5


def figures(pairs: list[tuple[bool, bool]]) -> str:
    """TP, FP, FN, precision and recall of (label, verdict) pairs."""
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if p and not y)
    fn = sum(1 for y, p in pairs if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"n={len(pairs):4d} TP={tp:3d} FP={fp:2d} FN={fn:2d}  precision={precision:.3f} recall={recall:.3f}"


def main() -> int:
    """Train and judge in both settings; print one line per set and the pooled figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--first", default="holdout24", help="the first blind set judged prequentially")
    args = parser.parse_args()
    own: list[Example] = []
    for name in DATA_FILES:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            item = load_item(row, args.shared)
            if item is not None:
                own.append((row["split"], bool(row.get("relevant", row.get("label"))), features(*item)))
    path = args.shared / DATA
    real: list[dict] = []
    if path.exists():
        real = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        print(f"SaudiNewsNet absent, trained on the own sets only: {path}")
    part = split_parts(real) if real else {}
    real_examples = [("SNN-" + part[r["id"]], bool(r["label"]), features(r["title"], r["text"])) for r in real]

    order = list(SPLIT_ORDER)
    pooled: list[tuple[bool, bool]] = []
    for split in order[order.index(args.first):]:
        before = set(order[: order.index(split)])
        model = Model([e for e in own if e[0] in before] + real_examples, args.epochs)
        pairs = [(label, model.relevant(found)) for name, label, found in own if name == split]
        pooled += pairs
        print(f"{split:12s} {figures(pairs)}")
    print(f"{'pooled':12s} {figures(pooled)}  (each set judged by a model trained on the sets before it)")
    if real:
        model = Model(own + [e for e in real_examples if e[0] == "SNN-dev"], args.epochs)
        held = [(label, model.relevant(found)) for name, label, found in real_examples if name == "SNN-holdout"]
        print(f"SaudiNewsNet kept-aside, trained on every own set and the dev part: {figures(held)}")
        model = Model(own, args.epochs)
        print(f"SaudiNewsNet, all 345, trained on the own sets alone:            "
              f"{figures([(label, model.relevant(found)) for _, label, found in real_examples])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
