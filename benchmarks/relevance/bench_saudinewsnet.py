"""Precision and recall of crawler.relevance.judge.judge on real articles labelled by an outside reader.

Usage:
    python benchmarks/relevance/bench_saudinewsnet.py [--lexicon seeds/lexicon.toml] [--shared ../shared]
        [--part dev|holdout|both] [-v]

The set is ``shared/corpora/relevance-labelled/saudinewsnet-2015-dev.jsonl`` (345 real Saudi-press articles,
54 about the Libyan conflict, labelled by a reader who never saw the lexicon; see its README). It is read by
path and never copied into the repository; where it is absent the benchmark says so and exits 0.

The split into a development part (tuned on) and a kept-aside holdout part (reported, never tuned on) was
fixed before any judgement on the set was looked at. The rule, in full (``split_parts``):

1. Copies of one story go together: two articles are one cluster when their word 5-shingles overlap with
   Jaccard >= 0.3 or one text's shingles are >= 50 % inside the other's (union-find over all pairs). The
   cluster key is its smallest ``id``.
2. Strata: (label of the cluster = max label of its members, ``group`` of its key article).
3. In each stratum the clusters are sorted by sha1 of the key (hex), and the k-th (k = 0, 1, ...) goes to the
   holdout part when floor((k + 1) * 0.4) > floor(k * 0.4), i.e. every 2nd and 5th of each run of five: 40 %
   holdout, spread evenly over the hash order, so each stratum (positives, hard negatives, spelling traps,
   other wars) has its share in both parts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from archive.corpus.arabic import tokens
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import judge, load_lexicon

#: Where the labelled set lives under the shared folder.
DATA = Path("corpora/relevance-labelled/saudinewsnet-2015-dev.jsonl")
HOLDOUT_SHARE = 0.4
SHINGLE = 5


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Word 5-shingles of a normalised text."""
    words = tokens(text)
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def _copies(a: set, b: set) -> bool:
    """Are two shingle sets copies of one story (Jaccard >= 0.3, or >= 50 % of the smaller in the larger)?"""
    if not a or not b:
        return False
    common = len(a & b)
    return common / len(a | b) >= 0.3 or common / min(len(a), len(b)) >= 0.5


def split_parts(rows: list[dict]) -> dict[str, str]:
    """Article id -> "dev" or "holdout", by the rule in the module docstring."""
    ids = [r["id"] for r in rows]
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sh = [_shingles(r["title"] + "\n" + r["text"]) for r in rows]
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if _copies(sh[i], sh[j]):
                parent[find(i)] = find(j)
    clusters: dict[int, list[int]] = {}
    for i in range(len(rows)):
        clusters.setdefault(find(i), []).append(i)
    strata: dict[tuple[int, str], list[tuple[str, list[int]]]] = {}
    for members in clusters.values():
        key = min(ids[i] for i in members)
        key_row = rows[ids.index(key)]
        label = max(int(rows[i]["label"]) for i in members)
        strata.setdefault((label, key_row["group"]), []).append((key, members))
    part: dict[str, str] = {}
    for entries in strata.values():
        entries.sort(key=lambda e: hashlib.sha1(e[0].encode("utf-8")).hexdigest())
        for k, (_, members) in enumerate(entries):
            held = math.floor((k + 1) * HOLDOUT_SHARE) > math.floor(k * HOLDOUT_SHARE)
            for i in members:
                part[ids[i]] = "holdout" if held else "dev"
    return part


def _figures(items: list[tuple[dict, object]]) -> str:
    """One line of counts, precision and recall."""
    tp = sum(1 for r, v in items if v.relevant and r["label"])
    fp = sum(1 for r, v in items if v.relevant and not r["label"])
    fn = sum(1 for r, v in items if not v.relevant and r["label"])
    tn = len(items) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (
        f"n={len(items):3d} pos={tp + fn:3d} neg={fp + tn:3d}  TP={tp:3d} FP={fp:2d} FN={fn:2d} TN={tn:3d}  "
        f"precision={precision:.3f} recall={recall:.3f}"
    )


def main() -> int:
    """Judge the labelled set and print figures per part, then the errors of the parts asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", type=Path, default=LEXICON)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--part",
        choices=("dev", "holdout", "both"),
        default="dev",
        help="the part to judge and list the errors of (default dev; holdout is reported, not tuned on)",
    )
    parser.add_argument("--split-only", action="store_true", help="print the split's counts and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every article's verdict")
    parser.add_argument(
        "--markdown", action="store_true", help="print the errors as markdown table rows (results file)"
    )
    args = parser.parse_args()

    path = args.shared / DATA
    if not path.exists():
        print(f"labelled set absent, nothing judged: {path}")
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    part = split_parts(rows)
    for name in ("dev", "holdout"):
        chosen = [r for r in rows if part[r["id"]] == name]
        pos = sum(1 for r in chosen if r["label"])
        groups = {}
        for r in chosen:
            groups[r["group"]] = groups.get(r["group"], 0) + 1
        print(f"{name:8s} n={len(chosen)} positives={pos} groups={dict(sorted(groups.items()))}")
    if args.split_only:
        return 0
    lexicon = load_lexicon(args.lexicon)
    wanted = ("dev", "holdout") if args.part == "both" else (args.part,)
    for name in wanted:
        items = [(r, judge(r["title"], r["text"], lexicon)) for r in rows if part[r["id"]] == name]
        print(f"{name:8s} {_figures(items)}")
        # the articles the reader did not hesitate over (README "borderline": Libya a substantial part but not clearly
        # the whole, or an indirect link): where the errors fall, not a second floor
        sure = [(r, v) for r, v in items if not r["borderline"]]
        print(f"{'  sure':8s} {_figures(sure)}  (without the {len(items) - len(sure)} marked borderline)")
        for row, verdict in items:
            wrong = verdict.relevant != bool(row["label"])
            if wrong and args.markdown:
                terms = ", ".join(f"{t} ({c}x{w:g})" for t, _, w, c in verdict.matched_terms[:10])
                print(
                    f"| {name} | {row['title'].replace('|', '/')[:90]} | {row['label']} | "
                    f"{'yes' if row['borderline'] else 'no'} | {verdict.score:.2f} | "
                    f"{verdict.libya_score:.1f} | "
                    f"{verdict.conflict_score:.1f} | {terms} | {row['reason']} |"
                )
            elif wrong or args.verbose:
                top = ", ".join(f"{t}({c}x{w:g})" for t, _, w, c in verdict.matched_terms[:8])
                print(
                    f"  {'WRONG' if wrong else 'ok   '} label={row['label']} {row['group']:19s} "
                    f"score={verdict.score:.2f} libya={verdict.libya_score:.1f} "
                    f"conflict={verdict.conflict_score:.1f} | {row['title'][:70]} | {top}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
