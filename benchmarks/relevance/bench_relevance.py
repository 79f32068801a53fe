"""Precision and recall of crawler.relevance.judge on the labelled Arabic set, per split.

Usage:
    python benchmarks/relevance/bench_relevance.py [--lexicon seeds/lexicon.toml] [--shared ../shared] [-v]

The set is ``labelled.jsonl`` next to this file: one article per line with ``id``, ``split``
("dev" = used to calibrate the lexicon, "test" = held out in round 1,
"holdout2" = written after the round-1 fixes and never used for calibration), ``label`` (true = about Libya AND its
armed/political conflict), ``kind`` and either ``title``/``text`` or ``path`` (a real article under
the shared folder: the seed documents and real Arabic pages of shared/corpora/arabic-news-pages).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from archive.arabic import tokens
from crawler.relevance import DEFAULT_LEXICON, judge, load_lexicon


def load_item(row: dict, shared: Path) -> tuple[str, str] | None:
    """(title, body) of one labelled row; None when its shared file is absent."""
    if "path" not in row:
        return row["title"], row["text"]
    path = shared / row["path"]
    if not path.exists():
        return None
    if path.suffix == ".txt":  # seed format: first line title, blank line, body
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        return title.strip(), body.strip()
    data = json.loads(path.read_text(encoding="utf-8"))
    if "V1" in data:  # fundus expected output
        data = data["V1"]
        paragraphs = [p for s in data["body"]["sections"] for p in s["paragraphs"]]
        return data["title"], "\n".join(paragraphs)
    return data["title"], data["text"]  # newspaper4k expected output


def main() -> int:
    """Run the benchmark and print a table per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", type=Path, default=DEFAULT_LEXICON)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--data", type=Path, default=HERE / "labelled.jsonl")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every item's score")
    args = parser.parse_args()

    lexicon = load_lexicon(args.lexicon)
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    results: dict[str, list[tuple[dict, bool, object]]] = {"dev": [], "test": [], "holdout2": []}
    skipped = 0
    started = time.perf_counter()
    words = 0
    for row in rows:
        item = load_item(row, args.shared)
        if item is None:
            skipped += 1
            continue
        words += len(item[0].split()) + len(item[1].split())
        verdict = judge(item[0], item[1], lexicon)
        results[row["split"]].append((row, verdict.relevant, verdict))
    elapsed = time.perf_counter() - started
    if skipped:
        print(f"skipped {skipped} items whose shared file is absent under {args.shared}")

    all_items = results["dev"] + results["test"] + results["holdout2"]
    splits = (
        ("dev", results["dev"]),
        ("test", results["test"]),
        ("holdout2", results["holdout2"]),
        ("all", all_items),
    )
    for name, items in splits:
        tp = sum(1 for r, p, _ in items if p and r["label"])
        fp = sum(1 for r, p, _ in items if p and not r["label"])
        fn = sum(1 for r, p, _ in items if not p and r["label"])
        tn = len(items) - tp - fp - fn
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(
            f"{name:16s} n={len(items):3d}  pos={tp + fn:3d}  neg={fp + tn:3d}  "
            f"TP={tp:3d} FP={fp:2d} FN={fn:2d} TN={tn:3d}  precision={precision:.3f}  recall={recall:.3f}"
        )
    for row, predicted, verdict in all_items:
        wrong = predicted != row["label"]
        if wrong or args.verbose:
            tag = "WRONG" if wrong else "ok   "
            top = ", ".join(f"{t}({c}x{w:g})" for t, _, w, c in verdict.matched_terms[:6])
            print(
                f"{tag} {row['id']} {row['split']:4s} label={row['label']!s:5s} {row['kind']:22s} "
                f"score={verdict.score:.2f} libya={verdict.libya_score:.1f} conflict={verdict.conflict_score:.1f}  {top}"
            )
    print(
        f"judged {len(all_items)} articles ({words} words) in {elapsed * 1000:.1f} ms "
        f"({len(all_items) / elapsed:.0f} articles/s, cold caches)"
    )
    texts = [r["title"] + "\n" + r["text"] for r in rows if "text" in r]
    size = sum(len(t.encode("utf-8")) for t in texts) * 20
    started = time.perf_counter()
    for _ in range(20):
        for t in texts:
            tokens(t)
    elapsed = time.perf_counter() - started
    print(f"archive.arabic.tokens: {size / elapsed / 1e6:.1f} MB/s of UTF-8 Arabic text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
