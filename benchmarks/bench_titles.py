"""Headline benchmark: our title against plain trafilatura's on real pages with known titles and on our test sites.

Run: python benchmarks/bench_titles.py [--no-write] [--verbose] [--set NAME ...]

"Exact" means equal after whitespace normalisation (runs of whitespace, NBSP and bidi marks become one space, ends
stripped); nothing else is forgiven (case, punctuation and quotes must match). Sets: newspaper4k's metadata pages,
goose3's pages with a non-empty expected title, the real Arabic pages of benchmarks/arabic/expected.json, fundus'
publisher pages (an extra check, not part of the >= 0.90 target), the three demo sites and the three test sites of
tests/altsites (both served on loopback). Ours is the title ``extract_article`` stores; for a page it refuses (too
short, not an article) it is ``find_title`` on the page, as the pipeline would compute it. Where a library's gold
title carries the site name (goose3 keeps "- CNN.com"), GOLD_FIXES gives the headline as the page shows it (h1);
the other misses (a gold <title> that differs from the page's h1, e.g. an updated CNN headline) stay misses.
Writes benchmarks/results/titles.md.
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
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"
RESULTS = ROOT / "benchmarks" / "results" / "titles.md"
TARGET_SETS = ("newspaper4k", "goose3", "arabic", "demo", "altsites")
# (set, page) -> (the library's gold, the headline the page shows in its <h1>); checked by hand against each page.
GOLD_FIXES = {
    ("goose3", "content/test_cnn1"): ("Democrats to use Social Security against GOP this fall - CNN.com",
                                      "Democrats to use Social Security against GOP this fall"),
    ("goose3", "title/test_title_sitename_list"): ("What is Network Segmentation? | OpenNMS",
                                                   "What is Network Segmentation?"),
    # <title> with the site name (日本経済新聞) and a photo note; the h1 (itemprop=headline) shows the headline and,
    # in a second span, the byline.
    ("newspaper4k", "japanese_article"): ("米朝首脳直通電話 習氏に挑むトランプ戦術の成否 （写真＝ロイター） ：日本経済新聞",
                                          "米朝首脳直通電話 習氏に挑むトランプ戦術の成否"),
}


def norm(text: str | None) -> str:
    """Whitespace-normalised text (NBSP, zero-width and bidi marks dropped or collapsed)."""
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", text or "")
    return " ".join(text.split())


def _gz(path: Path) -> bytes:
    """A page's bytes (gunzipped when .gz)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def newspaper4k_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(page id, bytes, url, gold title) of newspaper4k's metadata set."""
    base = CORPORA / "newspaper4k-tests"
    for meta in sorted((base / "metadata").glob("*.json")):
        page = base / "html" / f"{meta.stem}.html.gz"
        gold = json.loads(meta.read_text(encoding="utf-8"))
        if page.exists() and gold.get("title"):
            yield meta.stem, _gz(page), gold.get("url") or f"http://example.com/{meta.stem}", gold["title"]


def goose3_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(page id, bytes, url, gold title) of goose3's pages whose expected title is known (non-empty)."""
    base = CORPORA / "goose3-tests"
    for meta in sorted(base.glob("*/*.json")):
        page = meta.with_suffix(".html.gz")
        data = json.loads(meta.read_text(encoding="utf-8"))
        title = (data.get("expected") or {}).get("title")
        if page.exists() and title:
            yield f"{meta.parent.name}/{meta.stem}", _gz(page), data.get("url") or "http://example.com/", title


def arabic_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(page id, bytes, url, gold title) of the real pages of our hand-checked Arabic set."""
    entries = json.loads((ROOT / "benchmarks" / "arabic" / "expected.json").read_text(encoding="utf-8"))["entries"]
    for entry in entries:
        if entry["kind"] == "page" and entry.get("title") and (CORPORA / entry["source"]).exists():
            yield entry["id"], _gz(CORPORA / entry["source"]), entry["url"], entry["title"]


def fundus_gold() -> Iterator[tuple[str, bytes, str, dict]]:
    """(page id, bytes, url, gold entry) of fundus' publisher pages (versions paired with pages in date order)."""
    for gold_file in sorted((CORPORA / "fundus-tests" / "test_data").glob("*/*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pages = sorted(gold_file.parent.glob(f"{gold_file.stem}_[0-9]*.html.gz"))
        info_file = gold_file.parent / "meta.info"
        info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.exists() else {}
        if len(pages) != len(gold):
            continue
        for version, page in zip(sorted(gold), pages):
            url = (info.get(page.name) or {}).get("url") or "http://example.com/"
            yield f"{gold_file.parent.name}/{page.name[:-8]}", _gz(page), url, gold[version]


def fundus_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(page id, bytes, url, gold title) of fundus' publisher pages whose gold has a title."""
    for page_id, data, url, entry in fundus_gold():
        if entry.get("title"):
            yield page_id, data, url, entry["title"]


def _fetch(url: str) -> bytes:
    """A loopback page's bytes; one retry after a 503 (a test site answers its first request so, with Retry-After)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code != 503:
            raise
        time.sleep(float(exc.headers.get("Retry-After") or 1))
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()


def demo_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(key, bytes, url, title) of every demo-site article, fetched over loopback."""
    sys.path.insert(0, str(ROOT / "tests"))
    from demo_oracle import serve_demo_sites  # the demo sites with what a perfect extraction yields

    with serve_demo_sites() as sites:
        for expected in sites.expected:
            yield expected.canonical_url.rsplit("/", 1)[-1][:40], _fetch(expected.canonical_url), \
                expected.canonical_url, expected.title


def altsites_pages() -> Iterator[tuple[str, bytes, str, str]]:
    """(key, bytes, url, title) of every article of the three test sites of tests/altsites, over loopback."""
    sys.path.insert(0, str(ROOT / "tests"))
    from altsites.server import serve_alt_sites

    with serve_alt_sites() as sites:
        for expected in sites.expected:
            yield expected.key, _fetch(expected.canonical_url), expected.canonical_url, expected.title


SETS = {"newspaper4k": newspaper4k_pages, "goose3": goose3_pages, "arabic": arabic_pages, "demo": demo_pages,
        "altsites": altsites_pages, "fundus": fundus_pages}


def our_title(data: bytes, url: str) -> tuple[str, str]:
    """(title, note): the title extract_article stores, or find_title's on a page it refuses."""
    from crawler.extraction.article import _parse, extract_article
    from crawler.extraction.decode import decode_html
    from crawler.extraction.titles import find_title

    result = extract_article(data, url)
    if hasattr(result, "title"):
        return result.title, ""
    root = _parse(decode_html(data))
    return (find_title(root, url) if root is not None else ""), f"refused: {result.reason}"


def trafilatura_title(data: bytes, url: str) -> str:
    """trafilatura's metadata title for the page (its defaults)."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(data)
    return (extract_metadata(tree, default_url=url).title or "") if tree is not None else ""


def keep_history(text: str) -> str:
    """``text`` with the results file's hand-written "## History ..." sections kept, before the misses."""
    if not RESULTS.exists():
        return text
    old = RESULTS.read_text(encoding="utf-8")
    kept = re.findall(r"^## History.*?(?=^## |\Z)", old, flags=re.M | re.S)
    if not kept:
        return text
    head, sep, misses = text.partition("## Misses (ours)")
    return head + "".join(kept) + sep + misses


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(SETS), action="append", help="only this set (repeatable)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not rewrite the results file")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"corpora folder {CORPORA} absent: only the demo and test sites are scored")
    start = time.perf_counter()
    rows: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for name in args.set or list(SETS):
        if name not in ("demo", "altsites") and not CORPORA.exists():
            continue
        for page_id, data, url, gold in SETS[name]():
            gold = GOLD_FIXES.get((name, page_id), (gold, gold))[1]
            mine, note = our_title(data, url)
            rows.setdefault(name, []).append((page_id, norm(gold), norm(mine), norm(trafilatura_title(data, url)), note))
    seconds = time.perf_counter() - start
    lines = [
        "# Headline benchmark", "",
        (f"_Last run {time.strftime('%Y-%m-%d %H:%M')}, `python benchmarks/bench_titles.py` ({seconds:.0f} s; "
         f"{os.cpu_count()} CPUs, Python {platform.python_version()})_"), "",
        ("Exact = equal after whitespace normalisation; case, punctuation and quotes must match. Target: >= 0.90 on "
         "the sets marked *target* together. fundus is an extra check on many more outlets."), "",
        "| set | pages | ours exact | trafilatura exact |", "|---|---:|---:|---:|",
    ]
    totals = [0, 0, 0]
    for name, found in rows.items():
        ours = sum(g == m for _, g, m, _, _ in found)
        theirs = sum(g == t for _, g, _, t, _ in found)
        label = f"{name} (target)" if name in TARGET_SETS else name
        lines.append(f"| {label} | {len(found)} | {ours} ({ours / len(found):.2f}) | {theirs} ({theirs / len(found):.2f}) |")
        if name in TARGET_SETS:
            totals = [totals[0] + len(found), totals[1] + ours, totals[2] + theirs]
    if totals[0]:
        lines.append(f"| **target sets together** | {totals[0]} | **{totals[1]} ({totals[1] / totals[0]:.3f})** "
                     f"| {totals[2]} ({totals[2] / totals[0]:.3f}) |")
    lines += ["", "Gold titles replaced by the page's own headline (the library's gold carries the site name):", ""]
    lines += [f"- {s} {p}: {a!r} -> {b!r}" for (s, p), (a, b) in GOLD_FIXES.items()]
    lines += ["", "## Misses (ours)", ""]
    for name, found in rows.items():
        for page_id, gold, mine, theirs, note in found:
            if gold != mine:
                lines.append(f"- {name} {page_id}: gold {gold!r}, ours {mine!r}, trafilatura {theirs!r} {note}".rstrip())
    text = "\n".join(lines) + "\n"
    print(text if args.verbose else "\n".join(lines[:lines.index("## Misses (ours)")]))
    if not args.no_write and not args.set:
        RESULTS.write_text(keep_history(text), encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
