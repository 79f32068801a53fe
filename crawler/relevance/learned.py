"""The learned second reader: a logistic regression that reads only the stories the lexicon scores just under its
threshold (stop 34).

The lexicon misses a story the same way again and again: it names Libya and some of the conflict, but in words no
term holds (an oil port's loading stopped by guards, a brief on the House leaving the UN dialogue), and scores 0.5-0.99.
Issue 13 welcomes a learned component "if it beats the lexicon on the kept-aside part and stays explainable and light";
this is that component, kept small on purpose:

* **Where it reads.** Only a story whose lexicon score lies in ``[reader_min, 1)`` (``[scoring]``); every other verdict
  is the lexicon's alone. It can only make a story relevant, never the reverse, so it cannot undo a rule's guard.
* **What it reads.** The presence of title words, body words and body word pairs (``features``, on the words the
  judge already has), the simplest honest bag of words; the same features as the baseline in
  ``benchmarks/relevance/bench_learned_baseline.py``.
* **How it was trained.** Plain SGD in a fixed order (``train``: pure Python, no numpy or scikit-learn, the same file
  every run) on the labelled sets in ``benchmarks/relevance/`` (``benchmarks/relevance/train_reader.py`` writes
  ``seeds/lexicon-reader.json`` and records the sets it read); then only the ``keep`` strongest features are kept:
  2,000 of some 190,000 gave every verdict of the full model on the fresh sets measured (``benchmarks/results/
  relevance.md``, "The learned second reader"), in a 100 KB file.
* **How it explains itself.** A story it lifts gets the evidence line ``("learned reader: p 0.93 over the lexicon's
  0.83; its words: ...", "reader", 0.83, 1)`` first, the lexicon's terms after it: its probability, the lexicon score
  it lifted and the features that pushed it most.

Why hand-written: a linear model's prediction is one sum; a library (scikit-learn) would be 30 MB of dependency and
a pickled model, which is neither light nor reviewable. The file is JSON: every weight can be read.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ConfigError

#: How many of the strongest contributions the evidence line names.
EXPLAIN = 6


def features(
    title_words: Sequence[str], body_words: Sequence[str], ignore: frozenset[str] = frozenset()
) -> frozenset[str]:
    """Title words, body words and body word pairs (normalised ``tokens``), each present or not; a word in ``ignore``
    (or in it after one proclitic or the article: "وبنغازي", "البيضاء" is in it itself), and a pair holding one, is
    no feature."""
    if ignore:
        title_words = [w for w in title_words if not _named(w, ignore)]
        body_words = [w if not _named(w, ignore) else "" for w in body_words]
    found = {"t:" + w for w in title_words} | {"b:" + w for w in body_words if w}
    found |= {f"p:{a}_{b}" for a, b in zip(body_words, body_words[1:], strict=False) if a and b}
    return frozenset(found)


def _named(word: str, ignore: frozenset[str]) -> bool:
    return word in ignore or word[1:] in ignore or word.startswith("ال") and word[2:] in ignore


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _shown(feature: str) -> str:
    """A feature as a reader reads it: "t:word" is "word (title)", "p:a_b" is "a b"."""
    kind, _, text = feature.partition(":")
    if kind == "p":
        return text.replace("_", " ", 1)
    return f"{text} (title)" if kind == "t" else text


@dataclass(frozen=True)
class Reader:
    """A trained reader: its bias, its kept weights and what it was trained on (``meta``)."""

    bias: float
    weights: Mapping[str, float]
    # the words it does not read: Libya's place names (see ``libya_names``)
    ignore: frozenset[str] = frozenset()
    meta: Mapping[str, object] = field(default_factory=dict, compare=False)

    def read(self, title_words: Sequence[str], body_words: Sequence[str]) -> tuple[float, list[str]]:
        """The probability that the story is relevant, and the features that raised it most (strongest first)."""
        found = features(title_words, body_words, self.ignore)
        present = [(w, f) for f in sorted(found) if (w := self.weights.get(f)) is not None]
        p = _sigmoid(self.bias + sum(w for w, _ in present))
        raised = sorted((item for item in present if item[0] > 0), key=lambda item: (-item[0], item[1]))
        return p, [_shown(f) for _, f in raised[:EXPLAIN]]

    def lift(
        self,
        score: float,
        band_min: float,
        p_min: float,
        title_words: Sequence[str],
        body_words: Sequence[str],
        evidence: tuple[tuple[str, str, float, int], ...],
    ) -> tuple[float, tuple[tuple[str, str, float, int], ...]]:
        """The judge's score and evidence after this reader: a score in ``[band_min, 1)`` becomes 1.0 when the
        reader's probability is ``p_min`` or more, its line leading the evidence; any other score is left alone."""
        if not band_min <= score < 1.0:
            return score, evidence
        p, words = self.read(title_words, body_words)
        if p < p_min:
            return score, evidence
        why = f"learned reader: p {p:.2f} over the lexicon's {score:.2f}; its words: {', '.join(words)}"
        return 1.0, ((why, "reader", round(score, 3), 1), *evidence)


def libya_names(place_forms: Iterable[Sequence[str]]) -> frozenset[str]:
    """The words of Libya's place names (the lexicon's ``libya_place`` spellings), which the reader does not read: it
    is asked only of stories in which the lexicon has found Libya already, so they tell it nothing there, and in the
    sets it learns from (whose negatives are mostly other countries' stories) they taught it that any Libya story is
    relevant: with them it lifted three of SaudiNewsNet's real non-conflict Libya stories, without them it lifted one
    real conflict story more at the same thresholds."""
    return frozenset(word for form in place_forms for word in form)


def train(
    examples: Iterable[tuple[frozenset[str], bool]],
    epochs: int = 10,
    rate: float = 0.5,
    l2: float = 1e-4,
    keep: int | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Reader:
    """A logistic regression over present features by SGD in a fixed order (a seeded shuffle per epoch): the same
    examples in the same order give the same reader. A feature of one article teaches nothing and is dropped; ``keep``
    keeps only that many of the strongest weights (by magnitude, ties by name)."""
    rows_in = list(examples)
    seen = Counter(f for found, _ in rows_in for f in found)
    weights = {f: 0.0 for f, n in sorted(seen.items()) if n >= 2}
    bias = 0.0
    # each row's features in sorted order: a frozenset's order follows the per-process string hash, and the sums below
    # would differ in their last bits from run to run
    rows = [([f for f in sorted(found) if f in weights], 1.0 if label else 0.0) for found, label in rows_in]
    for epoch in range(epochs):
        random.Random(epoch).shuffle(rows)
        for present, label in rows:
            error = _sigmoid(bias + sum(weights[f] for f in present)) - label
            step = rate * error / max(1.0, math.sqrt(len(present)))  # long articles do not take bigger steps
            for f in present:
                weights[f] -= step + rate * l2 * weights[f]
            bias -= rate * error * 0.1
    if keep is not None:
        weights = dict(sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:keep])
    return Reader(bias, weights, ignore, {"features_seen": len(seen), "features_kept": len(weights)})


def write_reader(reader: Reader, path: Path, meta: Mapping[str, object]) -> None:
    """Write ``reader`` as JSON: its meta, bias and weights (sorted by feature, six decimals: a stable diff)."""
    body = {
        "meta": {**reader.meta, **meta},
        "bias": round(reader.bias, 6),
        "ignore": sorted(reader.ignore),
        "weights": {f: round(w, 6) for f, w in sorted(reader.weights.items())},
    }
    path.write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def load_reader(path: Path) -> Reader:
    """Read a reader written by ``write_reader``.

    Raises:
        ConfigError: the file is missing, not JSON, or not a reader (the message names the file and the fix).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(path, f"cannot read the learned reader ({exc.strerror}); run "
                          "benchmarks/relevance/train_reader.py or set [scoring] reader = \"\"") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(path, f"not valid JSON ({exc}); write it again with train_reader.py") from exc
    weights = raw.get("weights") if isinstance(raw, dict) else None
    bias = raw.get("bias") if isinstance(raw, dict) else None
    if not isinstance(weights, dict) or not isinstance(bias, int | float) or isinstance(bias, bool) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) for w in weights.values()
    ):
        raise ConfigError(path, "not a learned reader (it needs a number 'bias' and a 'weights' table of numbers); "
                          "write it again with train_reader.py")
    ignore = raw.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(w, str) for w in ignore):
        raise ConfigError(path, "'ignore' must be a list of words; write it again with train_reader.py")
    return Reader(float(bias), {str(f): float(w) for f, w in weights.items()}, frozenset(ignore), raw.get("meta") or {})
