"""Article-body benchmark on the Zyte (scrapinghub) article-extraction-benchmark, with its own shingle metric.

Run: python benchmarks/bench_zyte.py [--workers 2] [--no-write]
Scores our extract_article ("\\n".join(paragraphs)) and raw trafilatura defaults on the 181 pages, reproduces the
published trafilatura 2.0.0 figure from the benchmark's stored predictions (a check on this metric code), and writes
the table into benchmarks/results/extraction.md between the zyte markers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = SHARED / "corpora" / "article-extraction-benchmark"
TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
RESULTS = ROOT / "benchmarks" / "results" / "extraction.md"
PUBLISHED = [  # from the benchmark README (F1, precision, recall, accuracy)
    ("AutoExtract (published, best)", 0.970, 0.984, 0.956, 0.470),
    ("trafilatura 2.0.0 (published)", 0.958, 0.938, 0.978, 0.293),
]


def update_results(section: str, body: str, results: Path = RESULTS, title: str = "# Extraction benchmarks",
                   command: str = "") -> None:
    """Replace the text between ``<!-- section:start -->`` and ``<!-- section:end -->`` in ``results``.

    The rest of the file is kept as written by hand; a file without the markers gets the block at its end, a missing
    file starts with ``title``. ``command``: the command line to stamp the block with (with the machine's CPU count
    and Python), else ``python benchmarks/bench_<section>.py``.
    """
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = results.read_text(encoding="utf-8") if results.exists() else f"{title}\n"
    stamp = time.strftime("%Y-%m-%d %H:%M")
    run = (f"`{command}` ({os.cpu_count()} CPUs, Python {platform.python_version()})" if command
           else f"python benchmarks/bench_{section}.py")
    block = f"{start}\n_Last run {stamp}, {run}_\n\n{body}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(text, encoding="utf-8")


def tokenize(text: str) -> list[str]:
    """The benchmark's tokens: every ``\\w+`` run."""
    return TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[str]:
    """Multiset of word 4-grams (a short text gives one shorter shingle, as in evaluate.py)."""
    tokens = tokenize(text)
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def page_scores(true: str, pred: str) -> tuple[float, float, bool]:
    """(precision, recall, exact-token-match) of one page, tp/fp/fn normalised to weight 1."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    exact = tokenize(true) == tokenize(pred)
    if fp == fn == 0:
        return 1.0, 1.0, exact
    if tp == 0:
        return 0.0, 0.0, exact
    return tp / (tp + fp), tp / (tp + fn), exact


def score(truth: dict[str, str], predictions: dict[str, str]) -> tuple[float, float, float, float]:
    """(F1, precision, recall, accuracy) over every ground-truth page; a missing prediction is empty."""
    rows = [page_scores(body, predictions.get(key, "")) for key, body in truth.items()]
    precision = sum(r[0] for r in rows) / len(rows)
    recall = sum(r[1] for r in rows) / len(rows)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall, sum(r[2] for r in rows) / len(rows)


def _load(key: str) -> bytes:
    """Raw bytes of one benchmark page."""
    return gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes())


def run_ours(key_url: tuple[str, str]) -> tuple[str, str, float]:
    """Our extraction of one page: (key, the body paragraphs joined by newlines ("" on failure), CPU seconds)."""
    from crawler.extraction.article import extract_article

    key, url = key_url
    data = _load(key)
    start = time.process_time()
    result = extract_article(data, url)
    return key, "\n".join(getattr(result, "paragraphs", ())), time.process_time() - start


def run_trafilatura(key_url: tuple[str, str]) -> tuple[str, str, float]:
    """trafilatura.extract with its defaults on one page: (key, text, CPU seconds)."""
    import trafilatura

    key, url = key_url
    data = _load(key)
    start = time.process_time()
    text = trafilatura.extract(data, url=url) or ""  # bytes: trafilatura decodes them itself
    return key, text, time.process_time() - start


def measure(name: str, func: Callable[[tuple[str, str]], tuple[str, str, float]], truth: dict, urls: dict,
            workers: int) -> tuple[str, float, float, float, float, float, float]:
    """Run ``func`` on every page in a process pool; the table row with the wall time and CPU seconds per page."""
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(func, list(urls.items()), chunksize=4))
    elapsed = time.perf_counter() - start
    predictions = {key: text for key, text, _ in results}
    cpu = sum(c for _, _, c in results) / (len(results) or 1)
    f1, p, r, acc = score(truth, predictions)
    print(f"{name}: F1 {f1:.3f} P {p:.3f} R {r:.3f} acc {acc:.3f} ({elapsed:.1f} s, {1000 * cpu:.0f} ms CPU/page)")
    return name, f1, p, r, acc, elapsed, cpu


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update the results file")
    parser.add_argument("--only-ours", action="store_true")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"SKIP: corpus not found at {CORPUS}")
        return 0
    gt = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v["articleBody"] for k, v in gt.items()}
    urls = {k: v["url"] for k, v in gt.items()}
    rows = []
    stored = json.loads(gzip.decompress((CORPUS / "output" / "trafilatura.json.gz").read_bytes()))
    stored = stored.get("output", stored)
    stored = {k: (v.get("articleBody") if isinstance(v, dict) else v) or "" for k, v in stored.items()}
    f1, p, r, acc = score(truth, stored)
    print(f"check, stored trafilatura 2.0.0 predictions: F1 {f1:.3f} P {p:.3f} R {r:.3f} acc {acc:.3f}")
    rows.append(("trafilatura 2.0.0, stored predictions re-scored here", f1, p, r, acc, None, None))
    rows.append(measure("newsarchive extract_article (ours)", run_ours, truth, urls, args.workers))
    if not args.only_ours:
        import trafilatura

        rows.append(measure(f"trafilatura {trafilatura.__version__} extract() defaults", run_trafilatura, truth, urls,
                            args.workers))
    lines = ["| system | F1 | precision | recall | accuracy | wall time | CPU ms/page |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, f1, p, r, acc in PUBLISHED:
        lines.append(f"| {name} | {f1:.3f} | {p:.3f} | {r:.3f} | {acc:.3f} | | |")
    for name, f1, p, r, acc, elapsed, cpu in rows:
        wall = f"{elapsed:.1f} s ({args.workers} workers)" if elapsed is not None else ""
        lines.append(f"| {name} | {f1:.3f} | {p:.3f} | {r:.3f} | {acc:.3f} | {wall} "
                     f"| {'' if cpu is None else f'{1000 * cpu:.0f}'} |")
    if len(rows) == 3:
        lines += ["", f"CPU per page (`time.process_time()` in the worker): ours {rows[1][6] / rows[2][6]:.2f}x "
                      "plain trafilatura."]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        update_results("zyte", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
