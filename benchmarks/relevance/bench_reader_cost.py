"""What the learned second reader costs the judge: CPU per article with it and without it, alternated in one process.

Run: python benchmarks/relevance/bench_reader_cost.py [--rounds 2]

Judges every article of holdout100-199 (tokens made once beforehand, as the extraction worker hands them over) with the
shipped lexicon and with the same lexicon whose reader is switched off, alternating off / on ``--rounds`` times, and
prints the process CPU per article of each pass. Figures: ``benchmarks/results/relevance.md``, "The learned second
reader".
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from archive.corpus.arabic import tokens  # noqa: E402
from crawler.relevance.judge import judge  # noqa: E402
from crawler.relevance.lexicon import load_lexicon  # noqa: E402


def main() -> int:
    """Alternate the two lexicons over the same articles; print CPU per article."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    on = load_lexicon(ROOT / "seeds" / "lexicon.toml")
    off = dataclasses.replace(on, reader=None)
    articles = []
    for path in sorted(HERE.glob("holdout1[0-9][0-9].jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            articles.append((row["title"], row["text"], tokens(row["title"]), tokens(row["text"])))
    for _ in range(args.rounds):
        for name, lexicon in (("reader off", off), ("reader on", on)):
            start = time.process_time()
            for title, text, title_words, body_words in articles:
                judge(title, text, lexicon, title_words=title_words, body_words=body_words)
            print(f"{name:10s} {len(articles)} articles: "
                  f"{(time.process_time() - start) / len(articles) * 1000:.3f} ms CPU per article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
