"""Publication-date accuracy of crawler.extraction.dates.find_published against htmldate on htmldate's own gold set.

Run: python benchmarks/bench_dates.py [--corpora ../shared/corpora] [--no-baseline] [--misses N]

Scoring follows htmldate's tests/evaluation.py: a page is a true positive when the day equals the gold date,
a false positive when another date is returned, a false negative when no date is returned ("no date" is a
miss, not a false positive). P = TP/(TP+FP), R = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), accuracy = TP/pages.

Times of day (stop 39). htmldate's gold is a day ("2020-06-07") and holds no time: on its pages the report counts
how many get a time from ``find_published(..., local_times=True)``, as an instant (with its offset) or as a local
time printed with no zone. fundus' gold (../shared/corpora/fundus-tests, ``publishing_date``) is an instant with
its offset ("2025-06-05 14:46:12+02:00"): where its time is not midnight (a date-only gold), a time of ours is right
when an instant is within 60 s of it, or a local time equals its wall-clock time (HH:MM in the gold's own offset) on
its day (a gold with no offset: the instant's wall-clock time equals it); wrong otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from htmldate import find_date
from htmldate.utils import decode_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extraction.dates import find_published

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

ARABIC_PAGES = ("youm7.com", "alyaum.com", "albayan.ae", "akhbarelyom.com", "almadenahnews.com",
                "arabic.sputniknews.com", "elbaladtv.net", "beirutobserver.com")


def load_sets(corpora: Path) -> dict[str, list[tuple[str, str, str]]]:
    """(url, gold date, decoded html) per evaluation set."""
    base = corpora / "htmldate-tests"
    sets: dict[str, list[tuple[str, str, str]]] = {"mediacloud_2020": [], "default": []}
    for url, entry in json.loads((base / "eval_mediacloud_2020.json").read_text("utf-8")).items():
        sets["mediacloud_2020"].append((url, entry["date"], _read(base / "test_set" / f"{entry['file']}.gz")))
    for url, entry in json.loads((base / "eval_default_locations.json").read_text("utf-8")).items():
        sets["default"].append((url, entry["date"], _read(base / entry["location"])))
    return sets


def _read(path: Path) -> str:
    """The page decoded the way htmldate's evaluation decodes it."""
    return decode_file(gzip.decompress(path.read_bytes()))


def score(results: list[tuple[str | None, str]]) -> dict[str, float]:
    """TP/FP/FN, precision, recall, F1 and accuracy of (predicted day, gold day) pairs."""
    tp = sum(1 for got, gold in results if got is not None and got == gold)
    fp = sum(1 for got, gold in results if got is not None and got != gold)
    fn = sum(1 for got, _ in results if got is None)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"pages": len(results), "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall,
            "f1": f1, "accuracy": tp / len(results) if results else 0.0}


def run(name: str, pages: list[tuple[str, str, str]], fn: Callable[[str, str], tuple[str | None, str]]
        ) -> tuple[list[tuple[str | None, str]], list[str], float]:
    """Predicted days, the signal per page, and the seconds per page."""
    started = time.perf_counter()
    results, signals = [], []
    for url, gold, html in pages:
        got, signal = fn(html, url)
        results.append((got[:10] if got else None, gold))
        signals.append(signal)
    return results, signals, (time.perf_counter() - started) / max(1, len(pages))


def ours(html: str, url: str) -> tuple[str | None, str]:
    """crawler.extraction.dates.find_published, as the pipeline calls it (fetched_at unknown: now)."""
    found = find_published(html, url)
    return (found[0], found[1]) if found else (None, "none")


def times_given(pages: list[tuple[str, str, str]]) -> Counter[str]:
    """How many pages get an instant, a local time or a day alone (``local_times``: as extraction asks)."""
    kinds: Counter[str] = Counter()
    for url, _, html in pages:
        found = find_published(html, url, local_times=True)
        value = found[0] if found else ""
        kinds["none" if not value else "day" if len(value) == 10 else "local" if len(value) == 16 else "instant"] += 1
    return kinds


def fundus_times(corpora: Path) -> Iterator[tuple[str, str, str]]:
    """(page id, gold instant, our value or "") of fundus' pages whose gold time is not midnight."""
    for gold_file in sorted((corpora / "fundus-tests" / "test_data").glob("*/*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pages = sorted(gold_file.parent.glob(f"{gold_file.stem}_[0-9]*.html.gz"))
        info_file = gold_file.parent / "meta.info"
        info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.exists() else {}
        if len(pages) != len(gold):
            continue  # paired as bench_titles.fundus_gold pairs them
        for version, page in zip(sorted(gold), pages):
            value = gold[version].get("publishing_date") or ""
            if not value or value[11:19] == "00:00:00":
                continue
            meta = info.get(page.name) or {}
            crawled = datetime.fromisoformat(meta["crawl_date"]).replace(tzinfo=UTC) if meta.get("crawl_date") else None
            found = find_published(_read(page), meta.get("url") or "http://example.com/", crawled, local_times=True)
            yield f"{gold_file.parent.name}/{page.name[:-8]}", value, found[0] if found else ""


def time_score(gold: str, ours: str) -> str:
    """"instant right", "instant wrong", "local right", "local wrong" or "no time" (see the module docstring)."""
    if len(ours) <= 10:
        return "no time"
    truth = datetime.fromisoformat(gold)
    if len(ours) == 16:  # a local time printed with no zone: the gold's wall clock on its day
        return "local right" if ours == truth.strftime("%Y-%m-%dT%H:%M") else "local wrong"
    moment = datetime.fromisoformat(ours)
    if truth.tzinfo is None:  # a gold with no offset: its wall clock against the instant's own
        return "instant right" if moment.strftime("%Y-%m-%dT%H:%M") == truth.strftime("%Y-%m-%dT%H:%M") \
            else "instant wrong"
    return "instant right" if abs((moment - truth).total_seconds()) <= 60 else "instant wrong"


def htmldate_extensive(html: str, url: str) -> tuple[str | None, str]:
    """htmldate exactly as its own comparison runs it (no URL)."""
    return find_date(html, original_date=True, extensive_search=True), "htmldate"


def htmldate_extensive_url(html: str, url: str) -> tuple[str | None, str]:
    """htmldate given the URL as well, which the pipeline always knows."""
    return find_date(html, original_date=True, extensive_search=True, url=url), "htmldate"


def _row(label: str, s: dict[str, float], speed: float) -> str:
    return (f"| {label} | {s['pages']} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']:.3f} | "
            f"{s['recall']:.3f} | **{s['f1']:.3f}** | {s['accuracy']:.3f} | {speed * 1000:.1f} |".replace("| nan |", "| – |"))


def main() -> int:
    """Run the benchmark and print a Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--no-baseline", action="store_true", help="skip the htmldate runs")
    parser.add_argument("--misses", type=int, default=0, help="list up to N wrong or missing pages of ours")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if not (args.corpora / "htmldate-tests").is_dir():
        print(f"corpus not found: {args.corpora / 'htmldate-tests'}; nothing to measure")
        return 1
    sets = load_sets(args.corpora)
    sets["all (1000)"] = sets["mediacloud_2020"] + sets["default"]
    systems: list[tuple[str, Callable[[str, str], tuple[str | None, str]]]] = [("newsarchive find_published", ours)]
    if not args.no_baseline:
        systems += [("htmldate extensive (as its comparison.py)", htmldate_extensive),
                    ("htmldate extensive + url", htmldate_extensive_url)]

    print("| set / system | pages | TP | FP | FN | precision | recall | F1 | accuracy | ms/page |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ours_by_set: dict[str, tuple[list[tuple[str | None, str]], list[str]]] = {}
    for set_name in ("mediacloud_2020", "default"):
        for label, fn in systems:
            results, signals, speed = run(label, sets[set_name], fn)
            if fn is ours:
                ours_by_set[set_name] = (results, signals)
            print(_row(f"{set_name}: {label}", score(results), speed))
    for label, fn in systems:
        if fn is ours:
            results = ours_by_set["mediacloud_2020"][0] + ours_by_set["default"][0]
            print(_row(f"all (1000): {label}", score(results), float("nan")))
    print()
    print("Signals used by find_published (all 1000 pages): correct / given")
    print()
    print("| signal | given | correct | precision |")
    print("|---|---:|---:|---:|")
    all_results = ours_by_set["mediacloud_2020"][0] + ours_by_set["default"][0]
    all_signals = ours_by_set["mediacloud_2020"][1] + ours_by_set["default"][1]
    given, right = Counter(all_signals), Counter(s for s, (g, gold) in zip(all_signals, all_results) if g == gold)
    for signal, count in given.most_common():
        print(f"| {signal} | {count} | {right[signal]} | {right[signal] / count:.3f} |")
    print()
    print("Arabic pages of the MediaCloud set, one by one")
    print()
    print("| outlet | gold | find_published | signal | htmldate extensive |")
    print("|---|---|---|---|---|")
    for url, gold, html in sets["mediacloud_2020"]:
        outlet = next((o for o in ARABIC_PAGES if f"//{o}/" in url or f".{o}/" in url), None)
        if outlet is None:
            continue
        got, signal = ours(html, url)
        base = find_date(html, original_date=True, extensive_search=True)
        mark = "ok" if got and got[:10] == gold else "WRONG"
        print(f"| {outlet} | {gold} | {got} ({mark}) | {signal} | {base} |")
    print()
    print("Times of day (find_published with local_times, as extraction calls it)")
    print()
    kinds = times_given(sets["mediacloud_2020"] + sets["default"])
    print(f"- htmldate's 1000 pages (gold: days only, no time to check): instant {kinds['instant']}, local time "
          f"{kinds['local']}, day alone {kinds['day']}, no date {kinds['none']}")
    if (args.corpora / "fundus-tests").is_dir():
        scored = Counter(time_score(gold, ours) for _, gold, ours in fundus_times(args.corpora))
        print(f"- fundus pages with a gold time ({sum(scored.values())}): " + ", ".join(
            f"{key} {scored[key]}" for key in ("instant right", "instant wrong", "local right", "local wrong",
                                               "no time")))
    if args.misses:
        print()
        print("Misses of find_published")
        pages = sets["mediacloud_2020"] + sets["default"]
        shown = 0
        for (url, gold, _), (got, _), signal in zip(pages, all_results, all_signals, strict=True):
            if got != gold and shown < args.misses:
                shown += 1
                print(f"- {url} gold={gold} got={got} via={signal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
