"""Body-text benchmark on trafilatura's own 990-page evaluation set (with/without segments, summed confusion matrix).

Run: python benchmarks/bench_trafilatura_eval.py [--workers 2] [--no-write]
A "with" segment found in the body is a true positive (missing: false negative); a "without" segment found is a
false positive (absent: true negative); matching is a whitespace-normalised substring test. Scores our
extract_article ("\\n".join(paragraphs)) and trafilatura.extract() defaults, and writes the table into
benchmarks/results/extraction.md between the trafilatura_eval markers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_zyte import update_results

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

CORPUS = SHARED / "corpora" / "trafilatura-tests"
PUBLISHED = [  # trafilatura's evaluation page / eval_baseline.json
    ("trafilatura 2.2.0 (published)", 0.924),
    ("trafilatura CI floor, fallback (eval_baseline.json)", 0.9253),
]


def normalize(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def _load(name: str) -> bytes:
    """The page stored as eval/<name>.gz or cache/<name>.gz, as bytes: each system decodes it itself.

    27 of the pages are not UTF-8; trafilatura's own evaluation detects the encoding too (tests/comparison.py).
    """
    for folder in ("eval", "cache"):
        path = CORPUS / folder / f"{name}.gz"
        if path.exists():
            return gzip.decompress(path.read_bytes())
    raise FileNotFoundError(name)


def run_ours(item: tuple[str, str]) -> tuple[str, str, float]:
    """Our extraction of one page: (url, the body paragraphs joined by newlines ("" on failure), CPU seconds)."""
    from crawler.extraction.article import extract_article

    url, name = item
    data = _load(name)
    start = time.process_time()
    result = extract_article(data, url)
    return url, "\n".join(getattr(result, "paragraphs", ())), time.process_time() - start


def run_trafilatura(item: tuple[str, str]) -> tuple[str, str, float]:
    """trafilatura.extract with its defaults on one page: (url, text, CPU seconds)."""
    import trafilatura

    url, name = item
    data = _load(name)
    start = time.process_time()
    text = trafilatura.extract(data, url=url) or ""
    return url, text, time.process_time() - start


def score(data: dict, predictions: dict[str, str]) -> tuple[float, float, float, float, tuple[int, int, int, int]]:
    """(F1, precision, recall, accuracy, (tp, fn, fp, tn)) summed over every page."""
    tp = fn = fp = tn = 0
    for url, item in data.items():
        text = normalize(predictions.get(url, ""))
        for segment in item.get("with", []):
            if normalize(segment) in text:
                tp += 1
            else:
                fn += 1
        for segment in item.get("without", []):
            if normalize(segment) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, precision, recall, (tp + tn) / (tp + tn + fp + fn), (tp, fn, fp, tn)


def measure(name: str, func: Callable[[tuple[str, str]], tuple[str, str, float]], data: dict, workers: int) -> tuple:
    """Run ``func`` on every page in a process pool; the table row with the wall time and CPU seconds per page."""
    start = time.perf_counter()
    items = [(url, item["file"]) for url, item in data.items()]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(func, items, chunksize=8))
    elapsed = time.perf_counter() - start
    predictions = {url: text for url, text, _ in results}
    cpu = sum(c for _, _, c in results) / (len(results) or 1)
    f1, p, r, acc, matrix = score(data, predictions)
    print(f"{name}: F1 {f1:.3f} P {p:.3f} R {r:.3f} acc {acc:.3f} tp/fn/fp/tn {matrix} ({elapsed:.1f} s, "
          f"{1000 * cpu:.0f} ms CPU/page)")
    return name, f1, p, r, acc, matrix, elapsed, cpu


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update the results file")
    parser.add_argument("--only-ours", action="store_true")
    args = parser.parse_args()
    if not (CORPUS / "evaldata.json").exists():
        print(f"SKIP: corpus not found at {CORPUS}")
        return 0
    data = json.loads((CORPUS / "evaldata.json").read_text(encoding="utf-8"))
    rows = [measure("newsarchive extract_article (ours)", run_ours, data, args.workers)]
    if not args.only_ours:
        import trafilatura

        rows.append(measure(f"trafilatura {trafilatura.__version__} extract() defaults", run_trafilatura, data,
                            args.workers))
    lines = ["| system | F1 | precision | recall | accuracy | tp / fn / fp / tn | wall time | CPU ms/page |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    for name, f1 in PUBLISHED:
        lines.append(f"| {name} | {f1:.3f} | | | | | | |")
    for name, f1, p, r, acc, matrix, elapsed, cpu in rows:
        lines.append(f"| {name} | {f1:.3f} | {p:.3f} | {r:.3f} | {acc:.3f} | {' / '.join(map(str, matrix))} "
                     f"| {elapsed:.1f} s ({args.workers} workers, {len(data)} pages) | {1000 * cpu:.0f} |")
    if len(rows) == 2:
        lines += ["", f"CPU per page (`time.process_time()` in the worker): ours {rows[0][7] / rows[1][7]:.2f}x "
                      "plain trafilatura."]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        update_results("trafilatura_eval", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
