"""Recall and precision of the Arabic-aware catalogue search against plain FTS5, on queries typed the way users type.

Corpus: the demo sites' 14 articles (crawler/demo/data/articles.json) plus every Arabic page of
../shared/corpora/arabic-news-pages run through our extraction (13 real outlet pages), saved into a
real catalogue with ``Catalogue.save_article``.

Gold: for each query, hand-written surface spellings of the intended word(s); an article is relevant when
its raw text (tashkeel and tatweel removed) holds every word in one of those spellings, with or without
the proclitics و ف ب ك ل ال لل. The gold does not use archive.corpus.arabic or archive.corpus.search.

Systems: ``baseline`` is what Datasette does without our plugin (``escape_fts`` over unicode61 FTS5 on
title and text); ``normalise`` is our index with the query only normalised; ``ours`` is ``fts_query``
(normalised and proclitic-expanded), i.e. what ``/catalogue/articles?_search=`` runs.

Run: python benchmarks/bench_search.py [--out benchmarks/results/search.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datasette.utils import escape_fts

from archive.catalogue.db import Catalogue
from archive.corpus.arabic import normalise
from archive.corpus.search import fts_query
from archive.records import ExtractedArticle, ExtractionFailure, Relevance

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

CORPORA = SHARED / "corpora" / "arabic-news-pages"
DEMO = ROOT / "crawler" / "demo" / "data" / "articles.json"

# (query as typed, [spellings of word 1], [spellings of word 2], ...)
QUERIES: list[tuple[str, list[list[str]]]] = [
    ("الجيش", [["جيش"]]),
    ("والجيش", [["جيش"]]),
    ("للجيش", [["جيش"]]),
    ("ليبيا", [["ليبيا"]]),
    ("لليبيا", [["ليبيا"]]),
    ("بطرابلس", [["طرابلس"]]),
    ("حكومه", [["حكومة", "حكومه"]]),
    ("والحكومة", [["حكومة", "حكومه"]]),
    ("لحكومة", [["حكومة", "حكومه"]]),
    ("الامم", [["أمم", "امم"]]),
    ("الأُمَم المتحدة", [["أمم", "امم"], ["متحدة", "متحده"]]),
    ("مصراته", [["مصراتة", "مصراته"]]),
    ("بمصراتة", [["مصراتة", "مصراته"]]),
    ("والميليشيات", [["ميليشيات"]]),
    ("بالمسماري", [["مسماري"]]),
    ("الوفاق", [["وفاق"]]),
    ("اصابة", [["إصابة", "اصابة", "إصابه", "اصابه"]]),
    ("الاصابات", [["إصابات", "اصابات"]]),
    ("كورونا", [["كورونا"]]),
    ("بفيروس", [["فيروس"]]),
    ("القاهره", [["قاهرة", "قاهره"]]),
    ("سوريا", [["سوريا"]]),
    ("ايران", [["إيران", "ايران"]]),
    ("وتركيا", [["تركيا"]]),
    ("النازحين", [["نازحين"]]),
    ("ونزوح", [["نزوح"]]),
    ("المدنيين", [["مدنيين"]]),
    ("الـقـتـلـى", [["قتلى", "قتلي"]]),
    ("المُوَاجَهات", [["مواجهات"]]),
    ("بالعاصمه", [["عاصمة", "عاصمه"]]),
    ("الدعم السريع", [["دعم"], ["سريع"]]),
    ("وزاره", [["وزارة", "وزاره"]]),
    ("الوطيه", [["وطية", "وطيه"]]),
    ("مجلس الامن", [["مجلس"], ["أمن", "امن"]]),
    ("الهدنه", [["هدنة", "هدنه"]]),
    ("الرئيس", [["رئيس"]]),
    ("بنغازي", [["بنغازي"]]),
    ("والقوات", [["قوات"]]),
    ("الإرهابية", [["إرهابية", "ارهابية", "إرهابيه", "ارهابيه"]]),
    ("بلدية", [["بلدية", "بلديه"]]),
]

_PROCLITICS = r"(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)"
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")


def gold_ids(docs: dict[int, str], words: list[list[str]]) -> set[int]:
    """The docs whose text holds every word (any listed spelling, optional proclitics, whole word)."""
    patterns = [re.compile(r"(?<!\w)" + _PROCLITICS + "(?:" + "|".join(map(re.escape, w)) + r")(?!\w)")
                for w in words]
    return {i for i, text in docs.items() if all(p.search(_MARKS.sub("", text)) for p in patterns)}


def load_corpus() -> list[tuple[str, str, str, str]]:
    """(outlet, url, title, text) of every corpus document."""
    from crawler.extraction.article import extract_article

    docs = []
    for a in json.loads(DEMO.read_text(encoding="utf-8"))["articles"]:
        docs.append((a["outlet"], f"https://{a['outlet']}.example/{a['key']}", a["title"], "\n".join(a["paragraphs"])))
    if not CORPORA.is_dir():
        print(f"note: {CORPORA} is absent; only the demo articles are used", file=sys.stderr)
        return docs
    for item in json.loads((CORPORA / "index.json").read_text(encoding="utf-8")):
        if item["lang"] != "ar":
            continue
        path = CORPORA / item["file"]
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        result = extract_article(raw, item["url"])
        if isinstance(result, ExtractionFailure):
            print(f"skip {item['file']}: {result.reason}", file=sys.stderr)
            continue
        docs.append((item["outlet"], item["url"], result.title, result.text))
    return docs


def build(path: Path, docs: list[tuple[str, str, str, str]]) -> dict[str, int]:
    """Save the docs into a catalogue at ``path``; return article id -> doc index."""
    cat = Catalogue(path)
    index = {}
    for i, (outlet, url, title, text) in enumerate(docs):
        art = ExtractedArticle(url=url, title=title, paragraphs=tuple(text.splitlines()), language="ar")
        _, row = cat.save_article(outlet=outlet, canonical_url=url, article=art,
                                  relevance=Relevance(True, 1.0, 1.0, 1.0), capture_id=None, fetched_at="2026-01-01")
        index[row["id"]] = i
    cat.close()
    return index


def main() -> None:
    """Run every system on every query and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "search.md")
    args = parser.parse_args()
    docs = load_corpus()
    texts = {i: f"{title}\n{text}" for i, (_, _, title, text) in enumerate(docs)}
    with tempfile.TemporaryDirectory() as tmp:
        ids = build(Path(tmp) / "catalogue.db", docs)
        conn = sqlite3.connect(f"file:{Path(tmp) / 'catalogue.db'}?mode=ro", uri=True)
        conn.execute("create temp table plain_src as select rowid as rid, id, title, text from articles")
        conn.execute("create virtual table temp.plain_fts using fts5(title, text, "
                     "tokenize='unicode61 remove_diacritics 2')")
        conn.execute("insert into temp.plain_fts (rowid, title, text) select rid, title, text from plain_src")
        systems = {
            "baseline": ("select p.id from plain_src p join plain_fts f on f.rowid = p.rid where plain_fts match ?",
                         escape_fts),
            "normalise": (("select a.id from articles a join articles_fts f on f.rowid = a.rowid "
                          "where articles_fts match ?"), lambda q: escape_fts(normalise(q))),
            "ours": ("select a.id from articles a join articles_fts f on f.rowid = a.rowid where articles_fts match ?",
                     fts_query),
        }
        rows = []
        timings: dict[str, list[float]] = {name: [] for name in systems}
        for query, words in QUERIES:
            gold = gold_ids(texts, words)
            result = {"query": query, "gold": len(gold)}
            for name, (sql, make) in systems.items():
                expr = make(query)
                start = time.perf_counter()
                found = {ids[r[0]] for r in conn.execute(sql, [expr])} if expr else set()
                timings[name].append(time.perf_counter() - start)
                tp = len(found & gold)
                result[name] = (tp / len(found) if found else 1.0, tp / len(gold) if gold else 1.0, len(found))
            rows.append(result)
        conn.close()
    write_report(args.out, rows, timings, len(docs))


def write_report(out: Path, rows: list[dict], timings: dict[str, list[float]], n_docs: int) -> None:
    """The markdown table of per-query and mean precision/recall."""
    names = ("baseline", "normalise", "ours")
    lines = [
        "# Search: recall and precision (benchmarks/bench_search.py)",
        "",
        (f"Corpus: {n_docs} articles (14 demo-site articles + the real Arabic pages of corpora/arabic-news-pages, "
        f"extracted). {len(rows)} queries typed as users type them (clitics attached, no hamza, ه for ة, tashkeel, "
        "tatweel). Gold: hand-listed spellings of the intended word(s), any proclitics, whole words."),
        "",
        "| system | mean precision | mean recall | queries with recall 1 | queries finding nothing | median ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        p = statistics.mean(r[name][0] for r in rows)
        rc = statistics.mean(r[name][1] for r in rows)
        full = sum(1 for r in rows if r[name][1] == 1.0)
        none = sum(1 for r in rows if r[name][2] == 0 and r["gold"])
        ms = statistics.median(timings[name]) * 1000
        lines.append(f"| {name} | {p:.3f} | {rc:.3f} | {full}/{len(rows)} | {none} | {ms:.2f} |")
    lines += ["", "Per query (precision / recall / results; gold = relevant articles):", "",
              "| query | gold | baseline | normalise | ours |", "|---|---:|---|---|---|"]
    for r in rows:
        cells = [f"{r[n][0]:.2f} / {r[n][1]:.2f} / {r[n][2]}" for n in names]
        lines.append(f"| {r['query']} | {r['gold']} | " + " | ".join(cells) + " |")
    lines += ["", ("Precision is 1.0 for a query that returns nothing (nothing wrong was returned); "
              "recall is what such a query loses."), ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:10]))


if __name__ == "__main__":
    main()
