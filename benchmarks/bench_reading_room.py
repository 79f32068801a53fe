"""The reading room at scale: search and the mentions page on a generated catalogue of 200,000 articles.

The catalogue is made with the real schema and migrations (``archive.catalogue.db.Catalogue``), the real
search index (its triggers, ``archive.catalogue.fts``) and the real mentions backfill (``archive.catalogue.mentions.backfill``,
what the m008 migration runs on an existing catalogue). Article text is Arabic-looking: words of the
seed-format texts of ``../shared/seed-format`` and the demo articles and their clitic forms, drawn with Zipf
weights (see ``vocabulary``), with Libya lexicon terms planted into titles and bodies; each article's ``matched_terms`` lists
the terms planted in it, as the relevance judgement would. 14 outlets, dates spread over 2014-2026.

Requests go through a real Datasette (``crawler.web.app.build_datasette``, the app ``newsarchive serve``
runs) with Datasette's own in-process ASGI client (``datasette.client``: the full request path, routing,
plugin, SQL and template rendering, without a TCP socket). Each URL is requested once to warm up, then
``--repeat`` times; the table reports the median and the 90th percentile of each kind of request.

Run: python benchmarks/bench_reading_room.py [--articles 200000] [--data DIR] [--out benchmarks/results/reading_room.md]
(about 5 minutes on 2 cores for 200,000 articles; the catalogue is about 1.3 GB and is kept in --data)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.catalogue import mentions
from archive.catalogue.db import Catalogue
from archive.corpus.arabic import normalise, stem_set, tokens
from crawler.web import mentions as mentions_page_module
from crawler.web.app import build_datasette

SHARED = ROOT.parent / "shared"
SEED_FORMAT = SHARED / "seed-format"
DEMO = ROOT / "crawler" / "demo" / "data" / "articles.json"
LEXICON = ROOT / "seeds" / "lexicon.toml"
OUTLETS = ["alwasat", "almarsad", "218tv", "eanlibya", "libyaakhbar", "afrigatenews", "aljazeera", "bbc-arabic",
           "skynewsarabia", "alarabiya", "france24-ar", "anadolu-ar", "cnn-arabic", "youm7"]
NAMED = ("libya_place", "libya_actor", "libya_armed", "libya_political")
FIRST_DAY = date(2014, 5, 16)
DAYS = (date(2026, 11, 30) - FIRST_DAY).days
_WORD_RE = re.compile(r"[\u0621-\u064a]+")


def vocabulary() -> tuple[list[str], list[float]]:
    """Arabic word forms ranked like a real news vocabulary, with Zipf weights (1 / rank ** 1.07).

    The seed-format texts and the demo articles give about 3,000 words: drawn by their own frequency, every
    content word of five Libya stories would be in most generated articles (مصراتة in 80 %). So the seed words,
    most frequent first, are followed by their clitic and suffix forms (و ب ل ال وال، ات ها ين), about 25,000
    forms in all, and the weights follow Zipf's law over that ranking: a word ranked 100th is in about one
    article in eight, one ranked 1,000th in one in seventy.
    """
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEED_FORMAT.glob("*.txt"))] if SEED_FORMAT.is_dir() else []
    texts += [a["title"] + " " + " ".join(a["paragraphs"])
              for a in json.loads(DEMO.read_text(encoding="utf-8"))["articles"]]
    counts = Counter(w for t in texts for w in _WORD_RE.findall(t))
    # names of the lexicon occur only where generate() plants them (its own Zipf over the lexicon): the seed
    # stories are about Tripoli, so by their frequency طرابلس would be in every article
    names = {normalise(t) for t, _ in lexicon_terms() if " " not in t}
    ranked = [w for w, _ in counts.most_common() if not any(stem_set(tok) & names for tok in tokens(w))]
    seen = set(ranked)
    derived = []
    for w in ranked:
        if len(w) < 3:
            continue
        bare = w.removeprefix("ال")
        for form in ("و" + w, "ب" + bare, "ل" + w, "ال" + bare, "وال" + bare, bare + "ات", bare + "ها", bare + "ين"):
            if form not in seen:
                seen.add(form)
                derived.append(form)
    words = ranked + derived
    return words, [1.0 / (rank + 1) ** 1.07 for rank in range(len(words))]


def lexicon_terms() -> list[tuple[str, str]]:
    """(spelling, category) of the lexicon terms that name a place, actor, armed group or institution."""
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    out = []
    for name, cat in data.get("category", {}).items():
        if name not in NAMED:
            continue
        for term in cat.get("terms", []):
            out.append((term["term"] if isinstance(term, dict) else str(term), name))
    return out


def generate(cat: Catalogue, n: int, seed: int = 14) -> None:
    """Insert ``n`` generated articles (the search index triggers index them, as in a crawl)."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    cum = list(__import__("itertools").accumulate(weights))
    terms = lexicon_terms()
    # a few terms dominate the coverage (Tripoli, Haftar ...), most are rare: Zipf over the lexicon order
    term_weights = [1.0 / (i + 1) ** 0.9 for i in range(len(terms))]
    term_cum = list(__import__("itertools").accumulate(term_weights))
    cat.db.conn.execute("pragma synchronous = off")
    now = datetime(2026, 12, 1, tzinfo=UTC).isoformat(timespec="seconds")
    batch: list[dict[str, object]] = []
    started = time.perf_counter()
    for i in range(n):
        planted = {terms[j] for j in (rng.choices(range(len(terms)), cum_weights=term_cum, k=rng.randint(1, 5)))}
        body_words = rng.choices(words, cum_weights=cum, k=rng.randint(90, 220))
        evidence = []
        for spelling, category in planted:
            count = rng.randint(1, 4)
            for _ in range(count):
                body_words.insert(rng.randrange(len(body_words)), spelling)
            evidence.append([spelling, category, 2.0, count])
        title_words = rng.choices(words, cum_weights=cum, k=rng.randint(5, 9))
        title_words.insert(rng.randrange(len(title_words)), next(iter(planted))[0])
        title = " ".join(title_words)
        paragraphs = [" ".join(body_words[k:k + 40]) + "." for k in range(0, len(body_words), 40)]
        text = "\n".join(paragraphs)
        day = FIRST_DAY + timedelta(days=int(DAYS * rng.random() ** 0.6))  # more articles in recent years
        relevant = int(rng.random() < 0.45)
        batch.append({
            "id": f"{i:016x}", "seq": i if relevant else None, "url": f"https://{OUTLETS[i % 14]}.example/news/{i}",
            "outlet": OUTLETS[rng.randrange(14)], "title": title, "text": text,
            "published": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+02:00",
            "published_source": "meta", "language": "ar", "relevant": relevant,
            "relevance_score": round(rng.uniform(1, 30) if relevant else rng.uniform(0, 0.9), 2),
            "matched_terms": json.dumps(evidence, ensure_ascii=False), "first_seen": now, "last_seen": now,
            "versions": 1, "status": "live",
        })
        if len(batch) == 2000:
            cat.db["articles"].insert_all(batch)
            batch = []
            if (i + 1) % 20000 == 0:
                print(f"  {i + 1:,} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        cat.db["articles"].insert_all(batch)


def build(data_dir: Path, n: int) -> dict[str, float]:
    """The generated catalogue in ``data_dir`` (reused when it already holds ``n`` articles)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(data_dir / "catalogue.db")
    timings = {}
    if cat.db["articles"].count != n:
        for table in ("mentions", "articles"):
            cat.db.execute(f"delete from {table}")
        cat.db.conn.commit()
        cat.upsert_outlets([{"name": o, "display_name": o, "language": "ar"} for o in OUTLETS])
        t = time.perf_counter()
        generate(cat, n)
        timings["generate and index (s)"] = time.perf_counter() - t
        t = time.perf_counter()
        mentions.backfill(cat.db)
        cat.db.conn.commit()
        timings["mentions backfill (s)"] = time.perf_counter() - t
        cat.db.execute("analyze")
        cat.db.conn.commit()
    cat.close()
    return timings


def requests(ds_terms: list[str]) -> dict[str, list[str]]:
    """The URLs measured, by kind."""
    q = quote
    searches = ["طرابلس", "بنغازي", "حفتر", "والحكومة", "مصراته", "الامم المتحده", "اشتباكات", "المجلس الرئاسي",
                "سرت OR الجفرة", "قوات -طرابلس", "الكفرة", "غريان", "حكوم*", "\"الجيش الوطني\""]
    return {
        "search page (/search?q=)": [f"/search?q={q(s)}" for s in searches],
        "search page, filtered (outlet, dates, relevant)": [
            f"/search?q={q(s)}&outlet=alwasat&since=2019-04&until=2020-06&relevant=1" for s in searches],
        "search JSON (search_articles.json, 100 rows max)": [
            f"/catalogue/search_articles.json?_shape=array&q={q(s)}" for s in searches],
        # Datasette's own table search (escaped mode: the plugin's escape_fts is fts_query), newest first
        "search JSON, table API (articles.json?_search=, 50 rows)": [
            f"/catalogue/articles.json?_shape=array&_search={q(s)}" for s in searches],
        "search counts JSON (search_counts.json)": [
            f"/catalogue/search_counts.json?_shape=array&q={q(s)}" for s in searches[:7]],
        "mentions page (/mentions?term=)": [f"/mentions?term={q(t)}" for t in ds_terms],
        "mentions page, relevant only": [f"/mentions?term={q(t)}&relevant=1" for t in ds_terms[:5]],
        "mentions page, most-named list not cached": [f"/mentions?term={q(t)}" for t in ds_terms[:3]],
        "compare outlets (mentions_by_outlet.json)": [
            f"/catalogue/mentions_by_outlet.json?_shape=array&term={q(t)}" for t in ds_terms[:5]],
        "landing page (/)": ["/"],
        "articles view, first page": ["/catalogue/articles_view"],
    }


async def measure(ds: object, urls: list[str], repeat: int, *, cold: bool = False) -> dict[str, list[float]]:
    """Milliseconds per request for every URL, ``repeat`` times each, after one warm-up request.

    ``cold``: the mentions page's cached list of most-named terms is dropped before every request.
    """
    out: dict[str, list[float]] = {}
    for url in urls:
        response = await ds.client.get(url)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
        for _ in range(repeat):
            if cold:
                mentions_page_module._top_cache.clear()
            t = time.perf_counter()
            await ds.client.get(url)  # type: ignore[attr-defined]
            out.setdefault(url, []).append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "newsarchive-bench-reading-room")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not SEED_FORMAT.is_dir():
        print(f"note: {SEED_FORMAT} is absent; the vocabulary comes from the demo articles only")
    print(f"catalogue of {args.articles:,} articles in {args.data}", flush=True)
    timings = build(args.data, args.articles)
    ds = build_datasette(args.data)
    db_path = args.data / "catalogue.db"
    import sqlite3

    conn = sqlite3.connect(db_path)
    top = [r[0] for r in conn.execute("select term from mentions group by term order by count(*) desc limit 3")]
    rare = [r[0] for r in conn.execute(
        "select term from mentions group by term having count(*) between 50 and 500 order by term limit 3")]
    marks = ",".join("?" * len(top + rare))
    counts = dict(conn.execute(f"select term, count(*) from mentions where term in ({marks}) group by term",
                               top + rare).fetchall())
    size_mb = db_path.stat().st_size / 1e6
    n_articles, text_bytes = conn.execute("select count(*), sum(length(cast(text as blob))) from articles").fetchone()
    biggest = conn.execute("select name, sum(pgsize) as b from dbstat group by name order by b desc limit 6").fetchall()
    n_mentions = conn.execute("select count(*) from mentions").fetchone()[0]
    conn.close()
    rows = []
    per_query = []
    for kind, urls in requests(top + rare).items():
        timed = asyncio.run(measure(ds, urls, args.repeat, cold="not cached" in kind))
        ms = [x for xs in timed.values() for x in xs]
        if kind.startswith("search page (/search"):
            for url, xs in timed.items():
                page = asyncio.run(ds.client.get(url)).text
                total = re.search(r'id="search-total">([\d,]+)<', page)
                per_query.append((unquote(url.split("q=", 1)[1]), total.group(1) if total else "0",
                                  statistics.median(xs)))
        p90 = statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0]
        rows.append((kind, len(urls), statistics.median(ms), p90, max(ms)))
        print(f"{kind}: median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms ({len(urls)} URLs)", flush=True)
    report = [
        "# Reading room at scale (benchmarks/bench_reading_room.py)", "",
        (f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.machine()}, "
         f"{subprocess.run(['nproc'], capture_output=True, text=True, check=False).stdout.strip()} cores "
         f"(shared with other work), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}."), "",
        (f"Catalogue: {args.articles:,} generated articles ({size_mb:,.0f} MB), {n_mentions:,} mention rows; "
         "terms measured on the mentions page: "
         + ", ".join(f"{t} ({counts.get(t, 0):,} articles)" for t in top + rare) + "."), "",
        (f"Catalogue bytes: {size_mb * 1e6 / n_articles:,.0f} per article, {size_mb * 1e6 / text_bytes:.2f}x the "
         f"articles' text ({text_bytes / n_articles:,.0f} bytes of UTF-8 each); largest: "
         + ", ".join(f"{name} {b / 1e6:,.1f} MB" for name, b in biggest) + "."), "",
        (f"Datasette's in-process ASGI client (no TCP socket); each URL once to warm up, then {args.repeat} times."),
        "",
        "| request | URLs | median ms | p90 ms | max ms |", "|---|---:|---:|---:|---:|",
        *[f"| {k} | {n} | {med:.1f} | {p90:.1f} | {mx:.1f} |" for k, n, med, p90, mx in rows], "",
        f"Search page per query (hits of {args.articles:,}; median ms):", "",
        "| query | hits | median ms |", "|---|---:|---:|",
        *[f"| `{query}` | {hits} | {med:.1f} |" for query, hits, med in per_query], "",
        *[f"{k}: {v:.0f}" for k, v in timings.items()],
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
