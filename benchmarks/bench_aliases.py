"""Benchmark: one article, one row. URL rules on real URLs, and merging duplicates in a large catalogue.

Run: python benchmarks/bench_aliases.py [--shared ../shared] [--articles 20000]

1. Real URLs: every page URL of the public corpora in ../shared/corpora (trafilatura's 990-page set, htmldate's
   1,000 pages, the Zyte benchmark's 181, the Arabic pages) through ``canonicalize`` and ``identity_key``: how many
   each rule changes, and every group of distinct URLs that would become one article (a false merge unless the
   corpus lists one page twice). Skipped with a message where the corpora are absent.
2. Scale: a catalogue file of N articles, 10 % of them with a duplicate row (a session-token URL, an index.php
   URL, or a mobile URL with the same body), each with a text file; ``dedupe`` timed and checked (N rows left, the
   lowest sequence number kept, `check`-clean text files); then the per-page cost of the lookups ingest makes.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.catalogue import aliases
from archive.catalogue.db import Catalogue, article_id
from archive.corpus import textfiles as textexport
from archive.corpus.history import text_digest
from archive.integrity.check import check_archive
from crawler.capture.dedupe import dedupe
from crawler.discovery.urls import canonicalize, identity_key

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def corpus_urls(corpora: Path) -> dict[str, list[str]]:
    """Page URLs of each corpus that has them."""
    found: dict[str, list[str]] = {}
    sources = {
        "trafilatura-990": (corpora / "trafilatura-tests/evaldata.json", lambda d: list(d)),
        "htmldate-800": (corpora / "htmldate-tests/eval_default.json", lambda d: list(d)),
        "htmldate-mediacloud-200": (corpora / "htmldate-tests/eval_mediacloud_2020.json", lambda d: list(d)),
        "zyte-181": (corpora / "article-extraction-benchmark/ground-truth.json", lambda d: [v["url"] for v in d.values()]),
        "arabic-pages": (corpora / "arabic-news-pages/index.json", lambda d: [r["url"] for r in d if r.get("url")]),
    }
    for name, (path, read) in sources.items():
        if path.is_file():
            found[name] = read(json.loads(path.read_text(encoding="utf-8")))
        else:
            print(f"skipped {name}: {path} is absent")
    return found


def real_urls(corpora: Path) -> None:
    """Part 1."""
    sets = corpus_urls(corpora)
    if not sets:
        print("part 1 skipped: no corpora")
        return
    urls = sorted({u for us in sets.values() for u in us})
    canon = {u: canonicalize(u) for u in urls}
    keys = {u: identity_key(u) for u in urls}
    dots = [u for u in urls if canonicalize(u) != canonicalize(u.replace("/./", "/"))
            or any(seg in ("..", ".") for seg in u.split("?")[0].split("/")[3:])]
    default_docs = [u for u in urls if keys[u] != canon[u]]
    groups: dict[str, list[str]] = defaultdict(list)
    for u in urls:
        groups[keys[u]].append(u)
    merged = {k: v for k, v in groups.items() if len(v) > 1}
    print(f"part 1: {len(urls)} distinct real URLs from {', '.join(f'{k} ({len(v)})' for k, v in sets.items())}")
    print(f"  canonical form differs from the URL as listed: {sum(canon[u] != u for u in urls)}")
    print(f"  with '.' or '..' segments: {len(dots)}; default document dropped from the key: {len(default_docs)}")
    for u in default_docs[:10]:
        print(f"    {u} -> {keys[u]}")
    print(f"  groups of distinct URLs that would be one article: {len(merged)}")
    for key, members in sorted(merged.items()):
        print(f"    {key}: {members}")


def build(data: Path, n: int, seed: int = 13) -> tuple[Catalogue, dict[str, int]]:
    """A catalogue of ``n`` articles plus a duplicate row for every tenth, in insertion order (seq order)."""
    rng = random.Random(seed)
    cat = Catalogue(data / "catalogue.db")
    cat.upsert_outlets([{"name": f"o{i}", "display_name": f"o{i}", "domains": f"o{i}.example"} for i in range(5)])
    rows, lowest = [], {}
    for i in range(n):
        outlet = f"o{i % 5}"
        base = f"http://{outlet}.example"
        url = f"{base}/article.php?id={i}"
        # 60 words from a 5,000-word vocabulary: distinct stories, as real ones are (story grouping stays cheap)
        title, text = f"headline {i}", f"body of article {i} " + " ".join(f"w{rng.randrange(5000)}" for _ in range(60))
        rows.append((outlet, url, title, text, i))
        if i % 10 == 0:
            kind = (i // 10) % 3
            dup = (f"{url}&sid={rng.getrandbits(48):012x}", f"{base}/{i}/index.php", f"{base}/m/{i}")[kind]
            if kind == 1:  # the folder form is the row's URL, its index.php the duplicate
                rows[-1] = (outlet, f"{base}/{i}/", title, text, i)
            rows.append((outlet, dup, title, text, i))
    rng.shuffle(rows)  # duplicates arrive in any order, so the kept row is not always the first seq
    with cat.db.conn:
        for seq, (outlet, url, title, text, i) in enumerate(rows):
            aid = article_id(url)
            cat.db["articles"].insert({
                "id": aid, "seq": seq, "url": url, "outlet": outlet, "title": title, "text": text, "relevant": 1,
                "first_seen": f"2026-01-01T00:00:{seq % 60:02d}+00:00", "last_seen": "2026-01-02T00:00:00+00:00",
                "versions": 1, "text_digest": text_digest(title, text), "status": "live", "watch": "done",
                "text_file": f"text/{textexport.file_name(seq, aid)}"})
            cat.db["article_versions"].insert({"article_id": aid, "version": 1, "title": title, "text": text,
                                               "text_digest": text_digest(title, text),
                                               "first_seen": "2026-01-01T00:00:00+00:00"})
            (data / "text").mkdir(exist_ok=True)
            (data / "text" / textexport.file_name(seq, aid)).write_text(textexport.render(title, [text]),
                                                                        encoding="utf-8")
            lowest[str(i)] = min(lowest.get(str(i), seq), seq)
    return cat, lowest


def scale(n: int) -> None:
    """Part 2."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        cat, lowest = build(data, n)
        rows_before = cat.db["articles"].count
        print(f"part 2: built {rows_before} rows ({rows_before - n} duplicates) in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        report = dedupe(cat, data)
        took = time.perf_counter() - t0
        left = cat.db["articles"].count
        wrong_seq = [r for r in cat.db.query("select title, seq from articles")
                     if lowest[r["title"].split()[-1]] != r["seq"]]
        findings = [f for f in check_archive(data, cat).findings if f.kind.startswith("text")]
        print(f"  dedupe: {len(report.merges)} merges in {took:.1f} s ({1000 * took / max(1, len(report.merges)):.1f} "
              f"ms/merge); learned {report.learned}; rows left {left} (want {n}); lowest seq kept: "
              f"{left - len(wrong_seq)}/{left}; text-file problems: {len(findings)}")
        urls = [r["url"] for r in cat.db.query("select url from articles order by random() limit 2000")]
        t0 = time.perf_counter()
        for u in urls:
            aliases.find_article(cat.db, [u + "&x=1", u])
            aliases.same_body_article(cat.db, "o1", "sha256:none", "x")
        per = (time.perf_counter() - t0) / len(urls)
        print(f"  per-page lookups at ingest (find_article + same-body query) on {left} rows: {per * 1e6:.0f} µs")
        cat.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--articles", type=int, default=20000)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.platform()}")
    real_urls(args.shared / "corpora")
    scale(args.articles)


if __name__ == "__main__":
    main()
