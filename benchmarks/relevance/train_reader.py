"""Train the learned second reader (``crawler/relevance/learned.py``) and write ``seeds/lexicon-reader.json``.

Run: python benchmarks/relevance/train_reader.py [--until holdout213] [--out seeds/lexicon-reader.json]

It reads every labelled set in ``bench_relevance.DATA_FILES`` up to and including ``--until`` (in ``SPLIT_ORDER``;
default: all), trains a logistic regression by plain SGD in a fixed order (10 epochs) on their words less Libya's place
names (``learned.libya_names``), keeps the 2,000 strongest features and writes them with what it read: the sets, the number of articles and a sha256 over their ids and labels.
The same sets give the same file. Retrain only with sets that have been judged: a fresh blind set is judged by the
reader committed before it was opened, as by the lexicon (``protocol/README.md``). Where a set's rows point into
``../shared`` and it is absent, those rows are left out and the file says how many were read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_relevance import DATA_FILES, SPLIT_ORDER, load_item  # noqa: E402

from archive.corpus.arabic import tokens  # noqa: E402
from crawler.relevance.learned import features, libya_names, train, write_reader  # noqa: E402
from crawler.relevance.lexicon import load_lexicon  # noqa: E402

#: The strongest features kept: 2,000 gave the full model's every verdict on the fresh sets measured.
KEEP = 2000
EPOCHS = 10


def main() -> int:
    """Read, train, write; print what was read."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--until", default=SPLIT_ORDER[-1], help="the last set read (in SPLIT_ORDER)")
    parser.add_argument("--out", type=Path, default=ROOT / "seeds" / "lexicon-reader.json")
    args = parser.parse_args()
    if args.until not in SPLIT_ORDER:
        parser.error(f"--until {args.until!r} is no set; one of {SPLIT_ORDER[0]} ... {SPLIT_ORDER[-1]}")
    wanted = set(SPLIT_ORDER[: SPLIT_ORDER.index(args.until) + 1])
    lexicon = load_lexicon(ROOT / "seeds" / "lexicon.toml")
    ignore = libya_names(form for term in lexicon.terms if term.category == "libya_place" for form in term.forms)
    examples = []
    digest = hashlib.sha256()
    splits: dict[str, int] = {}
    for name in DATA_FILES:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["split"] not in wanted or (item := load_item(row, args.shared)) is None:
                continue
            label = bool(row.get("relevant", row.get("label")))
            examples.append((features(tokens(item[0]), tokens(item[1]), ignore), label))
            digest.update(f"{row['split']}\t{row.get('id')}\t{int(label)}\n".encode())
            splits[row["split"]] = splits.get(row["split"], 0) + 1
    reader = train(examples, epochs=EPOCHS, keep=KEEP, ignore=ignore)
    order = [s for s in SPLIT_ORDER if s in splits]
    write_reader(reader, args.out, {
        "trained_on": f"{order[0]} ... {order[-1]} ({len(order)} sets in bench_relevance.SPLIT_ORDER)",
        "articles": len(examples),
        "epochs": EPOCHS,
        "ids_labels_sha256": digest.hexdigest(),
        "written_by": "benchmarks/relevance/train_reader.py",
    })
    print(f"{args.out}: {len(examples)} articles of {len(order)} sets ({order[0]} ... {order[-1]}); "
          f"{reader.meta['features_kept']} of {reader.meta['features_seen']} features kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
