"""Snapshot every relevance verdict, then compare two snapshots: how a change to the rule is checked before commit.

    python benchmarks/relevance/verdicts.py dump /tmp/before.json      # every labelled set + SaudiNewsNet (both parts)
    ... change seeds/lexicon.toml or crawler/relevance/ ...
    python benchmarks/relevance/verdicts.py dump /tmp/after.json
    python benchmarks/relevance/verdicts.py diff /tmp/before.json /tmp/after.json

``diff`` prints each flipped verdict as FIXED (now agrees with its label) or BROKE, then how many scores moved. A
round is committed only when nothing BROKE (benchmarks/results/relevance.md, rounds 25 on). Run it before a blind set
is judged only on the sets already judged (``--exclude holdoutNN``): a set's first judgement is its clean figure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from bench_relevance import DATA_FILES, load_item  # noqa: E402
from bench_saudinewsnet import split_parts  # noqa: E402

from crawler.config.bundled import LEXICON  # noqa: E402
from crawler.relevance.judge import judge, load_lexicon  # noqa: E402

SHARED = ROOT.parent / "shared"
SAUDINEWSNET = SHARED / "corpora" / "relevance-labelled" / "saudinewsnet-2015-dev.jsonl"


def _verdict(label: bool, split: str, title: str, result) -> dict:
    return {
        "split": split,
        "label": label,
        "rel": bool(result.relevant),
        "score": round(result.score, 3),
        "terms": [entry[0] for entry in result.matched_terms[:8]],
        "title": title[:80],
    }


def dump(out: Path, exclude: set[str]) -> dict[str, dict]:
    """Judge every labelled row (our sets, then SaudiNewsNet when ../shared holds it); write id -> verdict to ``out``."""
    lexicon = load_lexicon(LEXICON)
    verdicts: dict[str, dict] = {}
    for name in DATA_FILES:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or (row := json.loads(line))["split"] in exclude:
                continue
            if (item := load_item(row, SHARED)) is None:
                continue
            label = bool(row.get("label", row.get("relevant")))
            verdicts[row["id"]] = _verdict(label, row["split"], item[0], judge(*item, lexicon))
    if SAUDINEWSNET.exists():
        rows = [
            json.loads(line) for line in SAUDINEWSNET.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        part = split_parts(rows)
        for row in rows:
            result = judge(row["title"], row["text"], lexicon)
            verdicts["snn:" + row["id"]] = _verdict(
                bool(row["label"]), "snn-" + part[row["id"]], row["title"], result
            )
    out.write_text(json.dumps(verdicts, ensure_ascii=False, indent=0), encoding="utf-8")
    tp = sum(v["rel"] and v["label"] for v in verdicts.values())
    fp = sum(v["rel"] and not v["label"] for v in verdicts.values())
    fn = sum(v["label"] and not v["rel"] for v in verdicts.values())
    print(f"{len(verdicts)} judged: TP {tp} FP {fp} FN {fn}")
    return verdicts


def diff(before: Path, after: Path) -> int:
    """Print the verdicts that flipped between two dumps; the number that BROKE."""
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    flipped = moved = broke = 0
    for key in sorted(old.keys() & new.keys()):
        x, y = old[key], new[key]
        moved += x["score"] != y["score"]
        if x["rel"] != y["rel"]:
            flipped += 1
            fixed = y["rel"] == y["label"]
            broke += not fixed
            print(
                f"{'FIXED' if fixed else 'BROKE'} {key} {y['split']} label={y['label']} "
                f"{x['score']} -> {y['score']} | {y['title']} | {y['terms']}"
            )
    print(f"{flipped} verdicts flipped ({broke} broke), {moved} scores moved")
    return broke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="judge every labelled row and write the verdicts")
    d.add_argument("out", type=Path)
    d.add_argument(
        "--exclude", nargs="*", default=[], metavar="SPLIT", help="splits to leave out (unjudged sets)"
    )
    c = sub.add_parser("diff", help="compare two dumps")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out, set(args.exclude))
        return 0
    return 1 if diff(args.before, args.after) else 0


if __name__ == "__main__":
    raise SystemExit(main())
