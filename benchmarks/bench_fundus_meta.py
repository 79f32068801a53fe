"""Publication date and author on fundus' publisher pages (258 real news pages, 181 outlets): ours, htmldate, trafilatura.

Run: python benchmarks/bench_fundus_meta.py [--half tune|kept-aside|both] [--workers 2] [--no-baseline] [--errors]
     [--no-write]

Nobody here tuned the date or author rules on these pages. Pages and gold come from ../shared/corpora/fundus-tests,
paired as benchmarks/bench_titles.py pairs them (``fundus_gold``); halves are bench_fundus_body's, by publisher
(``split_of("fundus", "<country>/<Publisher>")``), fixed before any page was scored.

Date. Ours = ``extract_article(data, url, fetched_at).published`` with ``fetched_at`` the page's crawl date from the
country's meta.info (UTC), as the pipeline passes its fetch time; a refusal counts as no date. htmldate =
``find_date(data, original_date=True, extensive_search=True, url=url)``; trafilatura = the ``date`` of
``trafilatura.extract_metadata(data, default_url=url)`` (its defaults). A page is correct when the day (the first ten
characters, in the offset each side writes) equals the gold ``publishing_date``'s day, wrong when another day is given
(the worst error for a researcher; how many of them are one day off is shown, mostly a time-zone question), missing
when none is. Pages whose gold has no date, or a gold day more than one day after the page's crawl date
(impossible: on this set, day-and-month swaps of fundus' own parsers, e.g. 2025-05-04 for a page crawled on
2025-04-05; the day of slack is for time zones), are left out of the date figures for every system and listed; the
rule was added after the first run, which is recorded as it came.

Author. Gold = fundus' ``authors`` list. Names and answers are compared case- and space-insensitively (NFKC, casefold,
runs of whitespace as one space). A gold name is found when it occurs in the answer as a whole-word substring. Exact =
every gold name found and nothing else left in the answer but separators and the words "and" of the page languages
(and, und, et, y, e, i, og, och, en, ja, és, a, &). Any = at least one gold name found. Wrong = an answer with no gold
name in it; missing = no answer. Pages whose gold lists no author are left out of those rates; an answer on them is
counted apart. ``--errors`` prints the tune half's wrong and missing pages (never the kept-aside half's). Writes the
table into benchmarks/results/fundus_meta.md between this half's markers (the history there is kept by hand).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_fundus_body import HALVES, half_of
from bench_titles import CORPORA, fundus_gold
from bench_zyte import update_results

RESULTS = ROOT / "benchmarks" / "results" / "fundus_meta.md"
SYSTEMS = ("ours", "htmldate", "trafilatura")
CONNECTORS = {"and", "und", "et", "y", "e", "i", "og", "och", "en", "ja", "és", "a", "&"}


def crawl_dates() -> dict[str, datetime]:
    """Page id ("<country>/<Publisher>_<date>") -> its crawl date (UTC), from each country's meta.info."""
    dates = {}
    for info_file in (CORPORA / "fundus-tests" / "test_data").glob("*/meta.info"):
        for name, entry in json.loads(info_file.read_text(encoding="utf-8")).items():
            if entry.get("crawl_date") and name.endswith(".html.gz"):
                moment = datetime.fromisoformat(entry["crawl_date"]).replace(tzinfo=UTC)
                dates[f"{info_file.parent.name}/{name[:-8]}"] = moment
    return dates


def run_page(item: tuple[str, bytes, str, datetime | None, bool]) -> tuple[str, dict[str, tuple[str | None, ...]]]:
    """(page id, system -> (date or None, author or None)) of one page."""
    from crawler.extraction.article import extract_article

    logging.disable(logging.WARNING)
    page_id, data, url, fetched_at, baseline = item
    result = extract_article(data, url, fetched_at)
    out: dict[str, tuple[str | None, ...]] = {
        "ours": (getattr(result, "published", None), getattr(result, "author", None),
                 None if hasattr(result, "paragraphs") else f"{result.reason}: {result.detail}"),
    }
    if baseline:
        import trafilatura
        from htmldate import find_date

        try:
            found = find_date(data, original_date=True, extensive_search=True, url=url)
        except Exception as exc:  # a crash of a baseline is its miss, not the benchmark's end
            found = None
            logging.getLogger(__name__).debug("htmldate failed on %s: %r", page_id, exc)
        out["htmldate"] = (found, None, None)
        meta = trafilatura.extract_metadata(data, default_url=url)
        out["trafilatura"] = (meta.date if meta else None, meta.author if meta else None, None)
    return page_id, out


def norm(text: str) -> str:
    """NFKC, casefolded, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def author_score(gold: list[str], answer: str | None) -> str:
    """"exact", "partial", "wrong" or "missing" for one page (gold non-empty); see the module docstring."""
    if not answer or not answer.strip():
        return "missing"
    left = norm(answer)
    names = {norm(g) for g in gold if g.strip()}
    found = set()
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        if pattern.search(left):
            found.add(name)
            left = pattern.sub(" ", left)
    if not found:
        return "wrong"
    rest = [w for w in re.findall(r"[\w&]+", left) if w not in CONNECTORS]
    return "exact" if found == names and not rest else "partial"


def date_score(gold: str, answer: str | None) -> str:
    """"correct", "wrong" or "missing": the answer's day against the gold day."""
    if not answer:
        return "missing"
    return "correct" if answer[:10] == gold[:10] else "wrong"


def one_day_off(gold: str, answer: str) -> bool:
    """True when the answer's day is the gold day plus or minus one."""
    try:
        return abs((datetime.fromisoformat(answer[:10]) - datetime.fromisoformat(gold[:10])).days) == 1
    except ValueError:
        return False


def gold_day(entry: dict, fetched_at: datetime | None) -> str | None:
    """The gold publication day, or None when the gold has none or one after the crawl (see the module docstring)."""
    value = entry.get("publishing_date")
    # a day of slack: the gold is in the outlet's zone (kr/MBN: 02:37+09:00 the day after a UTC crawl date)
    if not value or (fetched_at is not None and value[:10] > (fetched_at + timedelta(days=1)).date().isoformat()):
        return None
    return value[:10]


def summarise(ids: list[str], gold: dict[str, dict], got: dict[str, dict], systems: tuple[str, ...]) -> list[str]:
    """Table rows (date, then author) of ``ids`` for each system."""
    rows = []
    dated = [i for i in ids if gold[i]["day"]]
    for system in systems:
        scores = [date_score(gold[i]["day"], got[i][system][0]) for i in dated]
        off = sum(1 for i, s in zip(dated, scores) if s == "wrong" and one_day_off(gold[i]["day"], got[i][system][0]))
        n = len(dated) or 1
        rows.append(f"| date | {system} | {len(dated)} | {scores.count('correct')} "
                    f"| **{scores.count('correct') / n:.3f}** | {scores.count('wrong')} ({off} one day off) "
                    f"| {scores.count('missing')} |")
    authored = [i for i in ids if gold[i].get("authors")]
    for system in (s for s in systems if s != "htmldate"):
        scores = [author_score(gold[i]["authors"], got[i][system][1]) for i in authored]
        n = len(authored) or 1
        exact, partial = scores.count("exact"), scores.count("partial")
        extra = sum(1 for i in ids if not gold[i].get("authors") and got[i][system][1])
        rows.append(f"| author | {system} | {len(authored)} | exact {exact}, any {exact + partial} "
                    f"| **{exact / n:.3f}** / {(exact + partial) / n:.3f} | {scores.count('wrong')} "
                    f"| {scores.count('missing')} (answer where gold has none: {extra} of "
                    f"{len(ids) - len(authored)}) |")
    return rows


def write_results(half: str, table: str, command: str) -> None:
    """Replace the block between this half's markers in the results file (the rest is kept by hand)."""
    section = "fundus_meta" if half == "both" else f"fundus_meta_{half}"
    update_results(section, table, RESULTS, "# Date and author on fundus' pages", command)


def print_errors(ids: list[str], gold: dict[str, dict], got: dict[str, dict]) -> None:
    """The tune half's wrong and missing dates, then its author misses, of ours (with the baselines' answers)."""
    for i in (i for i in ids if gold[i]["day"]):
        g = gold[i]["day"]
        ours = got[i]["ours"]
        verdict = date_score(g, ours[0])
        if verdict != "correct":
            others = " ".join(f"{s}={got[i][s][0]}" for s in SYSTEMS[1:] if s in got[i])
            print(f"DATE {verdict}: {i} gold={g} ours={ours[0]} {others} {ours[2] or ''}")
    for i in ids:
        if gold[i].get("authors") and (verdict := author_score(gold[i]["authors"], got[i]["ours"][1])) != "exact":
            traf = got[i].get("trafilatura", (None, None))[1]
            print(f"AUTHOR {verdict}: {i} gold={gold[i]['authors']} ours={got[i]['ours'][1]!r} traf={traf!r}")
        elif not gold[i].get("authors") and got[i]["ours"][1]:
            print(f"AUTHOR extra: {i} gold=[] ours={got[i]['ours'][1]!r}")


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both", help="which pages to run (default both)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true", help="ours only (htmldate and trafilatura not run)")
    parser.add_argument("--errors", action="store_true", help="list the tune half's misses of ours")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update the results file")
    args = parser.parse_args()
    if not (CORPORA / "fundus-tests").exists():
        print(f"SKIP: corpus not found at {CORPORA / 'fundus-tests'}")
        return 0
    fetched = crawl_dates()
    items, gold = [], {}
    for page_id, data, url, entry in fundus_gold():
        if args.half in ("both", half_of(page_id)):
            items.append((page_id, data, url, fetched.get(page_id), not args.no_baseline))
            gold[page_id] = {**entry, "day": gold_day(entry, fetched.get(page_id))}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        got = dict(pool.map(run_page, items, chunksize=4))
    wall = time.perf_counter() - start
    systems = ("ours",) if args.no_baseline else SYSTEMS
    import htmldate
    import trafilatura

    lines = [
        (f"Ours: `extract_article(data, url, crawl date)`; htmldate {htmldate.__version__} extensive + url; "
         f"trafilatura {trafilatura.__version__} `extract_metadata`. Wall time {wall:.0f} s, {args.workers} workers. "
         "Date: correct = the gold day; author: exact set of gold names / any gold name."),
        "",
        "| half | field | system | pages | correct | rate | wrong | missing |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    halves = (*HALVES, "both") if args.half == "both" else (args.half,)
    for half in halves:
        ids = [i for i, *_ in items if half in ("both", half_of(i))]
        lines += [f"| {half} " + row for row in summarise(ids, gold, got, systems)]
    refused = sorted(i for i, *_ in items if got[i]["ours"][2])
    lines += ["", f"Pages ours refused (no date, no author): {len(refused)}"]
    lines += [f"- {i} ({half_of(i)}): {got[i]['ours'][2]}" for i in refused]
    undated = [i for i, *_ in items if not gold[i]["day"]]
    lines += ["", f"Pages left out of the date figures (no gold date, or a gold date after the crawl): {len(undated)}"]
    lines += [f"- {i} ({half_of(i)}): gold {gold[i].get('publishing_date')}" for i in undated]
    table = "\n".join(lines)
    print(table)
    if args.errors:
        print()
        print_errors([i for i, *_ in items if half_of(i) == "tune"], gold, got)
    if not args.no_write:
        write_results(args.half, table, " ".join(["python benchmarks/bench_fundus_meta.py", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
