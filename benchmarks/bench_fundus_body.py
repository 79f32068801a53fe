"""Body-text benchmark on fundus' publisher pages (258 real news pages, 181 outlets): ours against plain trafilatura.

Run: python benchmarks/bench_fundus_body.py [--half tune|kept-aside|both] [--workers 2] [--no-write]

Nobody here tuned the body extraction on these pages. Pages and gold come from ../shared/corpora/fundus-tests,
paired as benchmarks/bench_titles.py pairs them (``fundus_gold``: a publisher's parser versions with its pages in
date order). Gold body = the summary, then each section's headline(s) and paragraphs, in page order, one per line:
what fundus' own ``ArticleBody`` prints as the article's text. The summary is kept because on these outlets it is the
standfirst printed above the story (checked by eye on de/BR, de/HamburgerAbendblatt, fr/LeFigaro), and the section
headlines because they are the crossheads inside the story; the article's title is not part of it.
Ours = ``extract_article(data, url).text`` (a refusal scores as empty; its reason is listed), trafilatura =
``trafilatura.extract(data, url=url)`` with its defaults. Metric, halves and CPU accounting are those of
bench_extraction_dev (imported): bag-of-words token F1 per page (lower-cased ``\\w+`` tokens; on Chinese and
Japanese pages a token is a whole run of characters between punctuation, so those pages score sentence by
sentence), then the mean over pages. Halves were fixed before any page was scored, by publisher:
``split_of("fundus", "<country>/<Publisher>")``, so one outlet's pages never sit in both halves. Writes the table
into benchmarks/results/fundus_body.md between the fundus_body markers (the history there is kept by hand).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extraction_dev import FAR_BELOW, page_scores, split_of
from bench_titles import CORPORA, fundus_gold
from bench_zyte import update_results

RESULTS = ROOT / "benchmarks" / "results" / "fundus_body.md"
HALVES = ("tune", "kept-aside")


def gold_body(entry: dict) -> str:
    """The gold body text of one fundus entry: summary, then per section its headlines and paragraphs."""
    body = entry.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n".join(parts)


def half_of(page_id: str) -> str:
    """The fixed half of a page: its publisher's ("<country>/<Publisher>", the page id without its date)."""
    return split_of("fundus", page_id.rsplit("_", 3)[0])


def run_ours(item: tuple[str, bytes, str]) -> tuple[str, str, str, float]:
    """Our extraction of one page: (page id, body, refusal reason or "", CPU seconds)."""
    from crawler.extraction.article import extract_article

    page_id, data, url = item
    start = time.process_time()
    result = extract_article(data, url)
    cpu = time.process_time() - start
    if hasattr(result, "paragraphs"):
        return page_id, result.text, "", cpu
    return page_id, "", f"{result.reason}: {result.detail}", cpu


def run_trafilatura(item: tuple[str, bytes, str]) -> tuple[str, str, str, float]:
    """trafilatura.extract() with its defaults on one page: (page id, body, "", CPU seconds)."""
    import trafilatura

    page_id, data, url = item
    start = time.process_time()
    text = trafilatura.extract(data, url=url) or ""
    return page_id, text, "", time.process_time() - start


def run_all(func, items: list[tuple[str, bytes, str]], workers: int) -> dict[str, tuple[str, str, float]]:
    """``func`` over ``items`` in a process pool: page id -> (body, refusal, CPU seconds)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return {key: (text, why, cpu) for key, text, why, cpu in pool.map(func, items, chunksize=4)}


def cpu_cell(ids: list[str], ours: dict, theirs: dict) -> str:
    """CPU ms per page of each system and their ratio, as a table cell's text."""
    n = len(ids) or 1
    cpu_ours, cpu_theirs = sum(ours[i][2] for i in ids) / n, sum(theirs[i][2] for i in ids) / n
    return f"{1000 * cpu_ours:.0f} / {1000 * cpu_theirs:.0f} ({cpu_ours / (cpu_theirs or 1):.2f}x)"


def f1_row(ids: list[str], gold: dict[str, str], ours: dict, theirs: dict) -> tuple[str, list[tuple]]:
    """One table row of token F1 figures for ``ids`` (ours, trafilatura, the difference, pages far below and above,
    refusals, empty trafilatura readings, CPU; also bench_oldpages_body's), and the far-below pages as (id, ours'
    P/R/F1, trafilatura's)."""
    rows = [(i, page_scores(gold[i], ours[i][0]), page_scores(gold[i], theirs[i][0])) for i in ids]
    n = len(rows) or 1
    mean = [sum(r[1][k] for r in rows) / n for k in range(3)]
    base = [sum(r[2][k] for r in rows) / n for k in range(3)]
    far = [(i, m, o) for i, m, o in rows if m[2] < o[2] - FAR_BELOW]
    wins = sum(1 for _, m, o in rows if m[2] > o[2] + FAR_BELOW)
    refused = sum(1 for i in ids if ours[i][1])
    empty_theirs = sum(1 for i in ids if not theirs[i][0].strip())
    row = (f"| {len(rows)} | {mean[2]:.3f} | {mean[0]:.3f} | {mean[1]:.3f} | {base[2]:.3f} | {base[0]:.3f} "
           f"| {base[1]:.3f} | {mean[2] - base[2]:+.3f} | {len(far)} | {wins} | {refused} | {empty_theirs} "
           f"| {cpu_cell(ids, ours, theirs)} |")
    return row, far


def summarise(ids: list[str], gold: dict[str, str], ours: dict, theirs: dict) -> tuple[str, list[str]]:
    """One table row's figures for ``ids`` and the list of far-below pages."""
    row, far = f1_row(ids, gold, ours, theirs)
    losses = [f"{i} ({half_of(i)}): ours {m[2]:.3f} (P {m[0]:.2f} R {m[1]:.2f}), trafilatura {o[2]:.3f} "
              f"(P {o[0]:.2f} R {o[1]:.2f}){' refused: ' + ours[i][1] if ours[i][1] else ''}" for i, m, o in far]
    return row, losses


def write_results(half: str, table: str, command: str) -> None:
    """Replace the block between this half's markers in the results file (the rest is kept by hand)."""
    section = "fundus_body" if half == "both" else f"fundus_body_{half}"
    update_results(section, table, RESULTS, "# Body text on fundus' publisher pages", command)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both", help="which pages to run (default both)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update the results file")
    args = parser.parse_args()
    if not (CORPORA / "fundus-tests").exists():
        print(f"SKIP: corpus not found at {CORPORA / 'fundus-tests'}")
        return 0
    items, gold = [], {}
    for page_id, data, url, entry in fundus_gold():
        if args.half in ("both", half_of(page_id)):
            items.append((page_id, data, url))
            gold[page_id] = gold_body(entry)
    import trafilatura

    start = time.perf_counter()
    ours = run_all(run_ours, items, args.workers)
    wall_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = run_all(run_trafilatura, items, args.workers)
    wall_theirs = time.perf_counter() - start
    lines = [
        (f"Ours: `extract_article(...).text`; trafilatura: {trafilatura.__version__} `extract()` defaults. Token F1 "
         f"(mean over pages). Wall time {wall_ours:.0f} s (ours) and {wall_theirs:.0f} s (trafilatura), "
         f"{args.workers} workers."),
        "",
        ("| half | pages | F1 ours | P ours | R ours | F1 traf. | P traf. | R traf. | ours - traf. "
         "| pages > 0.1 below | pages > 0.1 above | ours refused | traf. empty | CPU ms/page ours / traf. |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    halves = HALVES if args.half == "both" else (args.half,)
    for half in (*halves, "both") if args.half == "both" else halves:
        ids = [i for i, _, _ in items if half in ("both", half_of(i))]
        lines.append(f"| {half} " + summarise(ids, gold, ours, theirs)[0])
    losses = summarise([i for i, _, _ in items], gold, ours, theirs)[1]
    lines += ["", f"Pages where ours is more than {FAR_BELOW} F1 below trafilatura: {len(losses)}"]
    lines += [f"- {loss}" for loss in losses]
    refusals = sorted((i, ours[i][1]) for i, _, _ in items if ours[i][1])
    lines += ["", f"Pages ours refused: {len(refusals)}"]
    lines += [f"- {i} ({half_of(i)}): {why}" + (" (trafilatura empty too)" if not theirs[i][0].strip() else "")
              for i, why in refusals]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_results(args.half, table, " ".join(["python benchmarks/bench_fundus_body.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
