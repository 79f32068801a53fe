"""Body-text benchmark on newspaper4k's and goose3's test pages (2010-2014 layouts): ours against plain trafilatura.

Run: python benchmarks/bench_oldpages_body.py [--half tune|kept-aside|both] [--workers 2] [--no-write]

Nobody here tuned the body extraction on these pages (the titles were scored on them, benchmarks/bench_titles.py;
the CNN Arabic page of both sets is also a test of tests/test_crawler_extraction.py). Pages from
../shared/corpora (MANIFEST.md sections 5 and 6):

- newspaper4k: ``html/<name>.html.gz`` with its full article text ``txt/<name>.txt`` (23 pairs; the url from
  ``metadata/<name>.json``, else ``http://example.com/<name>`` as bench_titles gives it). Scored as
  bench_fundus_body scores fundus: bag-of-words token F1 per page (bench_extraction_dev's ``page_scores``), then the
  mean over pages.
- goose3: ``content/<name>.html.gz`` with ``expected.cleaned_text`` of ``content/<name>.json``. goose3's tests
  compare only the start of its body with it, and the text is that: the article's first sentence or paragraphs,
  rarely all of it (checked by eye: cnn1 is 38 characters, businessWeek1 the standfirst and half a sentence,
  gizmodo1 the whole article). So precision means nothing here; a page scores the **recall** of the gold's tokens
  (the share of the gold's ``\\w+`` tokens, as a multiset, that the body holds), and **starts**: whether the body's
  first tokens are the gold's first ten (or all of them when shorter), i.e. the body begins where goose3's does,
  with no menu, byline or caption before the story. A standfirst or dateline goose3 left out counts as a wrong
  start, so read the start count as a hint, the recall as the figure. goose3's six hand-written fixtures (pages
  under 4,000 bytes that test one of its options, e.g. ``test_pattern_config`` wants a configured class name) are
  not news pages and are left out.

Both sets repeat some pages under another name with another expectation (goose3: businessWeek1/4, gizmodo1/2/3,
marketplace/get_canonical_url; newspaper4k: cleveland.com1/video_article_01): each distinct page is scored once,
under the first of its names in sorted order (its expectation is the longest or the plainest of its copies).

Ours = ``extract_article(data, url).text`` (a refusal scores as empty; its reason is listed), trafilatura =
``trafilatura.extract(data, url=url)`` with its defaults. Halves were fixed before any page was scored, by name:
``split_of("newspaper4k", name)`` and ``split_of("goose3", name)`` (bench_extraction_dev's hash rule), the CNN
Arabic page of goose3 in the half of its newspaper4k copy: newspaper4k 13 tune / 9 kept-aside, goose3 25 tune / 16
kept-aside. Writes the table into benchmarks/results/oldpages_body.md
between the oldpages_body markers (the history there is kept by hand).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extraction_dev import FAR_BELOW, TOKEN_RE, split_of, tokens
from bench_fundus_body import (  # the same pool arms (key, body, refusal, CPU) and F1 row
    cpu_cell,
    f1_row,
    run_all,
    run_ours,
    run_trafilatura,
)
from bench_titles import CORPORA
from bench_zyte import update_results

RESULTS = ROOT / "benchmarks" / "results" / "oldpages_body.md"
HALVES = ("tune", "kept-aside")
SETS = ("newspaper4k", "goose3")
FIXTURE_BYTES = 4000  # goose3's hand-written fixtures are 220-3,280 bytes; its real pages 19 KB and more
START_TOKENS = 10  # the gold's first tokens that the body must begin with to "start where the gold starts"


def _gz(path: Path) -> bytes:
    """A gzipped page's bytes."""
    return gzip.decompress(path.read_bytes())


def _first_copies(pages: list[tuple[str, bytes, str, str]]) -> list[tuple[str, bytes, str, str]]:
    """One entry per distinct page (by its bytes): the first name in sorted order, with its own expectation."""
    seen, kept = set(), []
    for entry in sorted(pages):
        digest = hashlib.sha256(entry[1]).digest()
        if digest not in seen:
            seen.add(digest)
            kept.append(entry)
    return kept


def newspaper4k_gold() -> list[tuple[str, bytes, str, str]]:
    """(name, bytes, url, full gold text) of every newspaper4k page that has an expected text, duplicates once."""
    base = CORPORA / "newspaper4k-tests"
    pages = []
    for txt in sorted((base / "txt").glob("*.txt")):
        page = base / "html" / f"{txt.stem}.html.gz"
        if not page.exists():
            continue
        meta = base / "metadata" / f"{txt.stem}.json"
        url = json.loads(meta.read_text(encoding="utf-8")).get("url") if meta.exists() else ""
        pages.append((txt.stem, _gz(page), url or f"http://example.com/{txt.stem}",
                      txt.read_text(encoding="utf-8")))
    return _first_copies(pages)


def goose3_gold() -> list[tuple[str, bytes, str, str]]:
    """(name, bytes, url, gold start of the body) of goose3's real content pages, duplicates once."""
    pages = []
    for meta in sorted((CORPORA / "goose3-tests" / "content").glob("*.json")):
        page = meta.with_suffix(".html.gz")
        entry = json.loads(meta.read_text(encoding="utf-8"))
        gold = (entry.get("expected") or {}).get("cleaned_text") or ""
        if not page.exists() or not gold.strip():
            continue
        data = _gz(page)
        if len(data) >= FIXTURE_BYTES:
            pages.append((meta.stem, data, entry.get("url") or "http://example.com/", gold))
    return _first_copies(pages)


def recall(gold: str, body: str) -> float:
    """Share of the gold's tokens (a multiset, lower-cased ``\\w+``) that the body holds."""
    g, b = tokens(gold), tokens(body)
    return sum((g & b).values()) / sum(g.values()) if g else 1.0


def starts_with_gold(gold: str, body: str) -> bool:
    """Whether the body's first tokens are the gold's first ``START_TOKENS`` (all of them when fewer)."""
    head = TOKEN_RE.findall(gold.lower())[:START_TOKENS]
    return bool(head) and TOKEN_RE.findall(body.lower())[: len(head)] == head


def _bare(url: str) -> str:
    """A url without its scheme and trailing slash, to find one page in both sets."""
    return url.split("://", 1)[-1].rstrip("/")


def load_sets() -> tuple[list[tuple[str, bytes, str, str]], dict[str, str]]:
    """Every scored page as (key "<set>/<name>", bytes, url, gold) and each key's fixed half.

    The half is ``split_of(<set>, <name>)``, except that a goose3 page which is also a newspaper4k page (same url:
    the CNN Arabic page) takes its twin's half, so that one page never sits in both halves.
    """
    pages, half, by_url = [], {}, {}
    for set_name, reader in (("newspaper4k", newspaper4k_gold), ("goose3", goose3_gold)):
        for name, data, url, text in reader():
            key = f"{set_name}/{name}"
            half[key] = by_url.get(_bare(url)) or split_of(set_name, name)
            if set_name == "newspaper4k":  # goose3 gives businessinsider3's url to okaymarketing too
                by_url[_bare(url)] = half[key]
            pages.append((key, data, url, text))
    return pages, half


def summarise_full(keys: list[str], gold: dict[str, str], ours: dict, theirs: dict) -> tuple[str, list[str]]:
    """newspaper4k: one row of token F1 figures for ``keys`` (bench_fundus_body's) and the list of far-below pages."""
    row, far = f1_row(keys, gold, ours, theirs)
    losses = [f"{k}: ours F1 {m[2]:.3f} (P {m[0]:.2f} R {m[1]:.2f}), trafilatura {o[2]:.3f} "
              f"(P {o[0]:.2f} R {o[1]:.2f}){' refused: ' + ours[k][1] if ours[k][1] else ''}" for k, m, o in far]
    return row, losses


def summarise_prefix(keys: list[str], gold: dict[str, str], ours: dict, theirs: dict) -> tuple[str, list[str]]:
    """goose3: one row of gold-token recall and start figures for ``keys`` and the list of far-below pages."""
    rows = [(k, recall(gold[k], ours[k][0]), recall(gold[k], theirs[k][0])) for k in keys]
    n = len(rows) or 1
    mean, base = sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n
    losses = [f"{k}: ours recall {m:.3f}, trafilatura {o:.3f}{' refused: ' + ours[k][1] if ours[k][1] else ''}"
              for k, m, o in rows if m < o - FAR_BELOW]
    wins = sum(1 for _, m, o in rows if m > o + FAR_BELOW)
    starts = [sum(starts_with_gold(gold[k], run[k][0]) for k in keys) for run in (ours, theirs)]
    row = (f"| {len(rows)} | {mean:.3f} | {base:.3f} | {mean - base:+.3f} | {len(losses)} | {wins} "
           f"| {starts[0]} / {starts[1]} | {sum(1 for k in keys if ours[k][1])} "
           f"| {sum(1 for k in keys if not theirs[k][0].strip())} | {cpu_cell(keys, ours, theirs)} |")
    return row, losses


HEADERS = {
    "newspaper4k": ("| half | pages | F1 ours | P ours | R ours | F1 traf. | P traf. | R traf. | ours - traf. "
                    "| pages > 0.1 below | pages > 0.1 above | ours refused | traf. empty | CPU ms/page ours / traf. |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"),
    "goose3": ("| half | pages | gold recall ours | gold recall traf. | ours - traf. | pages > 0.1 below "
               "| pages > 0.1 above | start at gold's start ours / traf. | ours refused | traf. empty "
               "| CPU ms/page ours / traf. |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"),
}


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both", help="which pages to run (default both)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only, do not update the results file")
    args = parser.parse_args()
    if not (CORPORA / "newspaper4k-tests").exists() or not (CORPORA / "goose3-tests").exists():
        print(f"SKIP: newspaper4k-tests or goose3-tests not found in {CORPORA}")
        return 0
    pages, half = load_sets()
    items = [(key, data, url) for key, data, url, _ in pages if args.half in ("both", half[key])]
    gold = {key: text for key, _, _, text in pages if args.half in ("both", half[key])}
    import trafilatura

    start = time.perf_counter()
    ours = run_all(run_ours, items, args.workers)
    wall_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = run_all(run_trafilatura, items, args.workers)
    wall_theirs = time.perf_counter() - start
    lines = [
        (f"Ours: `extract_article(...).text`; trafilatura: {trafilatura.__version__} `extract()` defaults. "
         f"Wall time {wall_ours:.0f} s (ours) and {wall_theirs:.0f} s (trafilatura), {args.workers} workers.")]
    halves = (*HALVES, "both") if args.half == "both" else (args.half,)
    for set_name, summarise, what in (("newspaper4k", summarise_full, "token F1 against the full article text"),
                                      ("goose3", summarise_prefix, "recall of the gold start's tokens")):
        keys = [k for k, _, _ in items if k.startswith(set_name + "/")]
        lines += ["", f"**{set_name}** ({what}, mean over pages):", "", HEADERS[set_name]]
        for which in halves:
            chosen = [k for k in keys if which in ("both", half[k])]
            lines.append(f"| {which} " + summarise(chosen, gold, ours, theirs)[0])
        losses = summarise(keys, gold, ours, theirs)[1]
        lines += ["", f"{set_name} pages where ours is more than {FAR_BELOW} below trafilatura: {len(losses)}"]
        lines += [f"- {loss} ({half[loss.split(':')[0]]})" for loss in losses]
    refusals = sorted((k, ours[k][1]) for k, _, _ in items if ours[k][1])
    lines += ["", f"Pages ours refused: {len(refusals)}"]
    lines += [f"- {k} ({half[k]}): {why}" + (" (trafilatura empty too)" if not theirs[k][0].strip() else "")
              for k, why in refusals]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        section = "oldpages_body" if args.half == "both" else f"oldpages_body_{args.half}"
        update_results(section, table, RESULTS, "# Body text on newspaper4k's and goose3's pages",
                       " ".join(["python benchmarks/bench_oldpages_body.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
