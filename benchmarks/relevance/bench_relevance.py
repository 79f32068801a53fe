"""Precision and recall of crawler.relevance.judge.judge on the labelled Arabic set, per split.

Usage:
    python benchmarks/relevance/bench_relevance.py [--lexicon seeds/lexicon.toml] [--shared ../shared] [-v]

The sets are ``labelled.jsonl``, ``blind.jsonl``, ``holdout3.jsonl`` ... ``holdout6.jsonl`` and ``probes8.jsonl`` next
to this file (see README.md there): one article per
line with ``id``, ``split``, ``kind``, the gold label (``label`` in labelled.jsonl, ``relevant`` in blind.jsonl;
true = about Libya AND its armed/political conflict) and either ``title``/``text`` or ``path`` (a real article
under the shared folder: the seed documents and real Arabic pages of shared/corpora/arabic-news-pages).
Splits: "dev" (calibration), "test" (held out in round 1, seen since), "holdout2" (written by the lexicon's
author after round 1), "blind-dev" and "blind-test" (written blind by a second engineer; blind-dev may be used
for development, blind-test is reported once per change and never tuned on), "holdout3" (written after the
round-3 changes, run once, never tuned on), "holdout4" (written blind before round 4; its "before" run was seen
while round 4 was designed), "holdout5" (written after the round-4 changes, run once, then used for round 5) and
"holdout6" (written before round 5 was started, judged once at its end) and "probe8" (round 8: one short article
per class the issue names, written after the round-8 lexicon changes and judged once; one miss then fixed) and
"probe9" (round 9: long multi-theatre articles with a Libya passage, and roundups, communiques and migration pieces
that name Libya in a list or a paragraph; written after the passage rule was designed, before its first judgement)
and "holdout10" (36 articles in the style of the real Saudi and pan-Arab press, hard cases on both sides, written
blind by an engineer who never opened the lexicon or the judge, judged once with the round-9 lexicon, then used to
develop round 10) and "holdout11" (36 more, written blind the same way by another engineer, judged once with the
round-10 rule), "holdout12" and "holdout13" (36 each, written blind the same way by two more engineers while
round 10 stood, each judged once with it, then used to develop round 11) and "holdout14" (36 more, written blind
while round 11 was developed, judged once with it, then used for round 12) and "holdout15" (36 more, written
blind while round 12 was developed, judged once with it) and "holdout16" and "holdout17" (36 each, written blind
by two more engineers after round 12, each judged once with it, then used for round 13) and "holdout18" and
"holdout19" (36 each, written blind while round 13 was developed, each judged once with it, then used for round
14) and "holdout20" and "holdout21" (36 each, written blind while round 14 was developed, each judged once with it,
then used for round 15) and "holdout22" and "holdout23" (36 each, written blind while round 15 was developed, each
judged once with it) and "holdout24" and "holdout25" (written blind after round 15, judged once with it, then used for
round 16), "holdout26" and "holdout27" (written while round 16 was developed, judged once with it, then used for round
17), "holdout28" and "holdout29" (written while round 17 was developed, judged once with it), "holdout30" and
"holdout31" (written after round 19 and its review, judged once with them), "holdout32" and "holdout33" (written after
round 19, judged once with it, then used for round 20) and "holdout34" and "holdout35" (written after round 20, judged
once with it, then used for round 21) and "holdout36" and "holdout37" (written after round 22, judged once with it).
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

from archive.corpus.arabic import tokens
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import judge, load_lexicon

#: The labelled sets, in the order they were written (see README.md next to this file).
DATA_FILES = (
    "labelled.jsonl",
    "blind.jsonl",
    "holdout3.jsonl",
    "holdout4.jsonl",
    "holdout5.jsonl",
    "holdout6.jsonl",
    "probes8.jsonl",
    "probes9.jsonl",
    "holdout10.jsonl",
    "holdout11.jsonl",
    "holdout12.jsonl",
    "holdout13.jsonl",
    "holdout14.jsonl",
    "holdout15.jsonl",
    "holdout16.jsonl",
    "holdout17.jsonl",
    "holdout18.jsonl",
    "holdout19.jsonl",
    "holdout20.jsonl",
    "holdout21.jsonl",
    "holdout22.jsonl",
    "holdout23.jsonl",
    "holdout24.jsonl",
    "holdout25.jsonl",
    "holdout26.jsonl",
    "holdout27.jsonl",
    "holdout28.jsonl",
    "holdout29.jsonl",
    "holdout30.jsonl",
    "holdout31.jsonl",
    "holdout32.jsonl",
    "holdout33.jsonl",
    "holdout34.jsonl",
    "holdout35.jsonl",
    "holdout36.jsonl",
    "holdout37.jsonl",
    "holdout38.jsonl",
    "holdout39.jsonl",
    "holdout40.jsonl",
    "holdout41.jsonl",
    "holdout42.jsonl",
    "holdout43.jsonl",
    "holdout44.jsonl",
    "holdout45.jsonl",
    "holdout46.jsonl",
    "holdout47.jsonl",
    "holdout48.jsonl",
    "holdout49.jsonl",
    "holdout50.jsonl",
    "holdout51.jsonl",
    "holdout52.jsonl",
    "holdout53.jsonl",
    "holdout54.jsonl",
    "holdout55.jsonl",
    "holdout56.jsonl",
    "holdout57.jsonl",
    "holdout58.jsonl",
    "holdout59.jsonl",
    "holdout60.jsonl",
    "holdout61.jsonl",
    "holdout62.jsonl",
    "holdout63.jsonl",
    "holdout64.jsonl",
    "holdout65.jsonl",
    "holdout66.jsonl",
    "holdout67.jsonl",
    "holdout68.jsonl",
    "holdout69.jsonl",
    "holdout70.jsonl",
    "holdout71.jsonl",
    "holdout72.jsonl",
    "holdout73.jsonl",
    "holdout74.jsonl",
    "holdout75.jsonl",
    "holdout76.jsonl",
    "holdout77.jsonl",
    "holdout78.jsonl",
    "holdout79.jsonl",
    "holdout80.jsonl",
    "holdout81.jsonl",
    "holdout82.jsonl",
    "holdout83.jsonl",
    "holdout84.jsonl",
    "holdout85.jsonl",
    "holdout86.jsonl",
    "holdout87.jsonl",
    "holdout88.jsonl",
    "holdout89.jsonl",
    "holdout90.jsonl",
    "holdout91.jsonl",
    "holdout92.jsonl",
    "holdout93.jsonl",
    "holdout94.jsonl",
    "holdout95.jsonl",
    "holdout96.jsonl",
    "holdout97.jsonl",
    "holdout98.jsonl",
    "holdout99.jsonl",
    "holdout100.jsonl",
    "holdout101.jsonl",
    "holdout102.jsonl",
    "holdout103.jsonl",
    "holdout104.jsonl",
    "holdout105.jsonl",
    "holdout106.jsonl",
    "holdout107.jsonl",
    "holdout108.jsonl",
    "holdout109.jsonl",
    "holdout110.jsonl",
    "holdout111.jsonl",
    "holdout112.jsonl",
    "holdout113.jsonl",
    "holdout114.jsonl",
    "holdout115.jsonl",
    "holdout116.jsonl",
    "holdout117.jsonl",
    "holdout118.jsonl",
    "holdout119.jsonl",
    "holdout120.jsonl",
    "holdout121.jsonl",
    "holdout122.jsonl",
    "holdout123.jsonl",
    "holdout124.jsonl",
    "holdout125.jsonl",
    "holdout126.jsonl",
    "holdout127.jsonl",
    "holdout128.jsonl",
    "holdout129.jsonl",
    "holdout130.jsonl",
    "holdout131.jsonl",
    "holdout132.jsonl",
    "holdout133.jsonl",
    "holdout134.jsonl",
    "holdout135.jsonl",
    "holdout136.jsonl",
    "holdout137.jsonl",
    "holdout138.jsonl",
    "holdout139.jsonl",
    "holdout140.jsonl",
    "holdout141.jsonl",
    "holdout142.jsonl",
    "holdout143.jsonl",
    "holdout144.jsonl",
    "holdout145.jsonl",
    "holdout146.jsonl",
    "holdout147.jsonl",
    "holdout148.jsonl",
    "holdout149.jsonl",
    "holdout150.jsonl",
    "holdout151.jsonl",
    "holdout152.jsonl",
    "holdout153.jsonl",
    "holdout154.jsonl",
    "holdout155.jsonl",
    "holdout156.jsonl",
    "holdout157.jsonl",
    "holdout158.jsonl",
    "holdout159.jsonl",
    "holdout160.jsonl",
    "holdout161.jsonl",
    "holdout162.jsonl",
    "holdout163.jsonl",
    "holdout164.jsonl",
    "holdout165.jsonl",
    "holdout166.jsonl",
    "holdout167.jsonl",
    "holdout168.jsonl",
    "holdout169.jsonl",
    "holdout170.jsonl",
    "holdout171.jsonl",
    "holdout172.jsonl",
    "holdout173.jsonl",
    "holdout174.jsonl",
    "holdout175.jsonl",
    "holdout176.jsonl",
    "holdout177.jsonl",
    "holdout178.jsonl",
    "holdout179.jsonl",
    "holdout180.jsonl",
    "holdout181.jsonl",
    "holdout182.jsonl",
    "holdout183.jsonl",
    "holdout184.jsonl",
    "holdout185.jsonl",
    "holdout186.jsonl",
    "holdout187.jsonl",
    "holdout188.jsonl",
    "holdout189.jsonl",
    "holdout190.jsonl",
    "holdout191.jsonl",
    "holdout192.jsonl",
    "holdout193.jsonl",
    "holdout194.jsonl",
    "holdout195.jsonl",
    "holdout196.jsonl",
    "holdout197.jsonl",
    "holdout198.jsonl",
    "holdout199.jsonl",
    "holdout200.jsonl",
    "holdout201.jsonl",
    "holdout202.jsonl",
    "holdout203.jsonl",
    "holdout204.jsonl",
    "holdout205.jsonl",
    "holdout206.jsonl",
    "holdout207.jsonl",
    "holdout208.jsonl",
    "holdout209.jsonl",
    "holdout210.jsonl",
    "holdout211.jsonl",
    "holdout212.jsonl",
    "holdout213.jsonl",
    "holdout214.jsonl",
    "holdout215.jsonl",
    "holdout216.jsonl",
    "holdout217.jsonl",
    "holdout218.jsonl",
    "holdout219.jsonl",
    "holdout220.jsonl",
    "holdout221.jsonl",
    "holdout222.jsonl",
    "holdout223.jsonl",
    "holdout224.jsonl",
    "holdout225.jsonl",
    "holdout226.jsonl",
    "holdout227.jsonl",
    "holdout228.jsonl",
    "holdout229.jsonl",
    "holdout230.jsonl",
    "holdout231.jsonl",
    "holdout232.jsonl",
    "holdout233.jsonl",
    "holdout234.jsonl",
    "holdout235.jsonl",
    "holdout236.jsonl",
    "holdout237.jsonl",
    "holdout238.jsonl",
    "holdout239.jsonl",
    "holdout240.jsonl",
    "holdout241.jsonl",
    "holdout242.jsonl",
    "holdout243.jsonl",
    "holdout244.jsonl",
    "holdout245.jsonl",
    "holdout246.jsonl",
    "holdout247.jsonl",
    "holdout248.jsonl",
    "holdout249.jsonl",
    "holdout250.jsonl",
    "holdout251.jsonl",
    "holdout252.jsonl",
    "holdout253.jsonl",
    "holdout254.jsonl",
    "holdout255.jsonl",
    "holdout256.jsonl",
    "holdout257.jsonl",
    "holdout258.jsonl",
    "holdout259.jsonl",
    "holdout260.jsonl",
    "holdout261.jsonl",
    "holdout262.jsonl",
    "holdout263.jsonl",
    "holdout264.jsonl",
    "holdout265.jsonl",
    "holdout266.jsonl",
    "holdout267.jsonl",
    "holdout268.jsonl",
    "holdout269.jsonl",
    "holdout270.jsonl",
    "holdout271.jsonl",
    "holdout272.jsonl",
    "holdout273.jsonl",
    "holdout274.jsonl",
    "holdout275.jsonl",
    "holdout276.jsonl",
    "holdout277.jsonl",
    "holdout278.jsonl",
    "holdout279.jsonl",
    "holdout280.jsonl",
    "holdout281.jsonl",
    "holdout282.jsonl",
    "holdout283.jsonl",
    "holdout284.jsonl",
    "holdout285.jsonl",
    "holdout286.jsonl",
    "holdout287.jsonl",
    "holdout288.jsonl",
    "holdout289.jsonl",
    "holdout290.jsonl",
    "holdout291.jsonl",
    "holdout292.jsonl",
    "holdout293.jsonl",
    "holdout294.jsonl",
    "holdout295.jsonl",
    "holdout296.jsonl",
    "holdout297.jsonl",
    "holdout298.jsonl",
    "holdout299.jsonl",
    "holdout300.jsonl",
    "holdout301.jsonl",
    "holdout302.jsonl",
    "holdout303.jsonl",
    "holdout304.jsonl",
    "holdout305.jsonl",
    "holdout306.jsonl",
    "holdout307.jsonl",
    "holdout308.jsonl",
    "holdout309.jsonl",
    "holdout310.jsonl",
    "holdout311.jsonl",
    "holdout312.jsonl",
    "holdout313.jsonl",
    "holdout314.jsonl",
    "holdout315.jsonl",
    "holdout316.jsonl",
    "holdout317.jsonl",
)
#: The splits, in the order they were written; a split's figures are clean only until it is tuned on.
SPLIT_ORDER = (
    "dev",
    "test",
    "holdout2",
    "blind-dev",
    "blind-test",
    "holdout3",
    "holdout4",
    "holdout5",
    "holdout6",
    "probe8",
    "probe9",
    "holdout10",
    "holdout11",
    "holdout12",
    "holdout13",
    "holdout14",
    "holdout15",
    "holdout16",
    "holdout17",
    "holdout18",
    "holdout19",
    "holdout20",
    "holdout21",
    "holdout22",
    "holdout23",
    "holdout24",
    "holdout25",
    "holdout26",
    "holdout27",
    "holdout28",
    "holdout29",
    "holdout30",
    "holdout31",
    "holdout32",
    "holdout33",
    "holdout34",
    "holdout35",
    "holdout36",
    "holdout37",
    "holdout38",
    "holdout39",
    "holdout40",
    "holdout41",
    "holdout42",
    "holdout43",
    "holdout44",
    "holdout45",
    "holdout46",
    "holdout47",
    "holdout48",
    "holdout49",
    "holdout50",
    "holdout51",
    "holdout52",
    "holdout53",
    "holdout54",
    "holdout55",
    "holdout56",
    "holdout57",
    "holdout58",
    "holdout59",
    "holdout60",
    "holdout61",
    "holdout62",
    "holdout63",
    "holdout64",
    "holdout65",
    "holdout66",
    "holdout67",
    "holdout68",
    "holdout69",
    "holdout70",
    "holdout71",
    "holdout72",
    "holdout73",
    "holdout74",
    "holdout75",
    "holdout76",
    "holdout77",
    "holdout78",
    "holdout79",
    "holdout80",
    "holdout81",
    "holdout82",
    "holdout83",
    "holdout84",
    "holdout85",
    "holdout86",
    "holdout87",
    "holdout88",
    "holdout89",
    "holdout90",
    "holdout91",
    "holdout92",
    "holdout93",
    "holdout94",
    "holdout95",
    "holdout96",
    "holdout97",
    "holdout98",
    "holdout99",
    "holdout100",
    "holdout101",
    "holdout102",
    "holdout103",
    "holdout104",
    "holdout105",
    "holdout106",
    "holdout107",
    "holdout108",
    "holdout109",
    "holdout110",
    "holdout111",
    "holdout112",
    "holdout113",
    "holdout114",
    "holdout115",
    "holdout116",
    "holdout117",
    "holdout118",
    "holdout119",
    "holdout120",
    "holdout121",
    "holdout122",
    "holdout123",
    "holdout124",
    "holdout125",
    "holdout126",
    "holdout127",
    "holdout128",
    "holdout129",
    "holdout130",
    "holdout131",
    "holdout132",
    "holdout133",
    "holdout134",
    "holdout135",
    "holdout136",
    "holdout137",
    "holdout138",
    "holdout139",
    "holdout140",
    "holdout141",
    "holdout142",
    "holdout143",
    "holdout144",
    "holdout145",
    "holdout146",
    "holdout147",
    "holdout148",
    "holdout149",
    "holdout150",
    "holdout151",
    "holdout152",
    "holdout153",
    "holdout154",
    "holdout155",
    "holdout156",
    "holdout157",
    "holdout158",
    "holdout159",
    "holdout160",
    "holdout161",
    "holdout162",
    "holdout163",
    "holdout164",
    "holdout165",
    "holdout166",
    "holdout167",
    "holdout168",
    "holdout169",
    "holdout170",
    "holdout171",
    "holdout172",
    "holdout173",
    "holdout174",
    "holdout175",
    "holdout176",
    "holdout177",
    "holdout178",
    "holdout179",
    "holdout180",
    "holdout181",
    "holdout182",
    "holdout183",
    "holdout184",
    "holdout185",
    "holdout186",
    "holdout187",
    "holdout188",
    "holdout189",
    "holdout190",
    "holdout191",
    "holdout192",
    "holdout193",
    "holdout194",
    "holdout195",
    "holdout196",
    "holdout197",
    "holdout198",
    "holdout199",
    "holdout200",
    "holdout201",
    "holdout202",
    "holdout203",
    "holdout204",
    "holdout205",
    "holdout206",
    "holdout207",
    "holdout208",
    "holdout209",
    "holdout210",
    "holdout211",
    "holdout212",
    "holdout213",
    "holdout214",
    "holdout215",
    "holdout216",
    "holdout217",
    "holdout218",
    "holdout219",
    "holdout220",
    "holdout221",
    "holdout222",
    "holdout223",
    "holdout224",
    "holdout225",
    "holdout226",
    "holdout227",
    "holdout228",
    "holdout229",
    "holdout230",
    "holdout231",
    "holdout232",
    "holdout233",
    "holdout234",
    "holdout235",
    "holdout236",
    "holdout237",
    "holdout238",
    "holdout239",
    "holdout240",
    "holdout241",
    "holdout242",
    "holdout243",
    "holdout244",
    "holdout245",
    "holdout246",
    "holdout247",
    "holdout248",
    "holdout249",
    "holdout250",
    "holdout251",
    "holdout252",
    "holdout253",
    "holdout254",
    "holdout255",
    "holdout256",
    "holdout257",
    "holdout258",
    "holdout259",
    "holdout260",
    "holdout261",
    "holdout262",
    "holdout263",
    "holdout264",
    "holdout265",
    "holdout266",
    "holdout267",
    "holdout268",
    "holdout269",
    "holdout270",
    "holdout271",
    "holdout272",
    "holdout273",
    "holdout274",
    "holdout275",
    "holdout276",
    "holdout277",
    "holdout278",
    "holdout279",
    "holdout280",
    "holdout281",
    "holdout282",
    "holdout283",
    "holdout284",
    "holdout285",
    "holdout286",
    "holdout287",
    "holdout288",
    "holdout289",
    "holdout290",
    "holdout291",
    "holdout292",
    "holdout293",
    "holdout294",
    "holdout295",
    "holdout296",
    "holdout297",
    "holdout298",
    "holdout299",
    "holdout300",
    "holdout301",
    "holdout302",
    "holdout303",
    "holdout304",
    "holdout305",
    "holdout306",
    "holdout307",
    "holdout308",
    "holdout309",
    "holdout310",
    "holdout311",
    "holdout312",
    "holdout313",
    "holdout314",
    "holdout315",
    "holdout316",
    "holdout317",
)


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
    parser.add_argument("--lexicon", type=Path, default=LEXICON)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=[HERE / name for name in DATA_FILES],
    )
    parser.add_argument(
        "--splits",
        nargs="+",
        metavar="SPLIT",
        help="judge only these splits (e.g. --splits dev test holdout2 blind-dev while developing); default: all",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every item's score")
    args = parser.parse_args()

    lexicon = load_lexicon(args.lexicon)
    absent = [path for path in args.data if not path.exists()]
    for path in absent:
        print(f"data file absent, not judged: {path}")
    rows = [
        json.loads(line)
        for path in args.data
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.splits:
        rows = [row for row in rows if row["split"] in args.splits]
    for row in rows:
        row.setdefault("label", row.get("relevant"))
        if not isinstance(row["label"], bool):
            raise SystemExit(f"row {row.get('id')}: the gold label must be true or false")
    results: dict[str, list[tuple[dict, bool, object]]] = {}
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
        results.setdefault(row["split"], []).append((row, verdict.relevant, verdict))
    elapsed = time.perf_counter() - started
    if skipped:
        print(f"skipped {skipped} items whose shared file is absent under {args.shared}")

    order = list(SPLIT_ORDER)
    names = order + sorted(set(results) - set(order))
    all_items = [item for name in names for item in results.get(name, [])]
    blind = results.get("blind-dev", []) + results.get("blind-test", [])
    splits = [(name, results[name]) for name in names if name in results]
    splits += [("blind (both)", blind), ("all", all_items)]
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
                f"{tag} {row['id']} {row['split']:10s} label={row['label']!s:5s} {row['kind']:22s} "
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
    print(f"archive.corpus.arabic.tokens: {size / elapsed / 1e6:.1f} MB/s of UTF-8 Arabic text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
