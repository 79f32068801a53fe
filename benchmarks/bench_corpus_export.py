"""Corpus export at scale: time, peak memory and file size of each format on a generated catalogue.

The catalogue is made with the real schema and migrations (``archive.catalogue.db.Catalogue``): one capture, one
article and one or two versions per article (a fifth of them edited once), Arabic-looking text drawn from the demo
articles' words, 14 outlets. Each format is exported by ``newsarchive export`` in a subprocess of its own, so the
peak resident memory (``ru_maxrss`` of the child) is the export's, and the file is loaded back with pandas to check
the row count.

Run: python benchmarks/bench_corpus_export.py [--articles 200000] [--data DIR] [--out benchmarks/results/corpus_export.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.catalogue.db import Catalogue

OUTLETS = ["alwasat", "almarsad", "218tv", "eanlibya", "libyaakhbar", "afrigatenews", "aljazeera", "bbc-arabic",
           "skynewsarabia", "alarabiya", "france24-ar", "anadolu-ar", "cnn-arabic", "youm7"]
TERMS = [["طرابلس", "libya_place", 1.0, 2], ["حفتر", "libya_actor", 1.5, 1], ["اشتباكات", "conflict", 1.0, 3]]


def words() -> list[str]:
    """The words of the demo articles."""
    data = json.loads((ROOT / "crawler" / "demo" / "data" / "articles.json").read_text(encoding="utf-8"))
    return [w for a in data["articles"] for p in [a["title"], *a["paragraphs"]] for w in p.split()]


def generate(path: Path, n: int, seed: int = 7) -> None:
    """A catalogue of ``n`` articles with captures and versions, written in batches."""
    rng = random.Random(seed)
    vocab = words()
    catalogue = Catalogue(path)
    db = catalogue.db
    db["outlets"].insert_all([{"name": o, "display_name": o} for o in OUTLETS], replace=True)
    start = datetime(2014, 5, 16, tzinfo=UTC)
    batch = 5000
    for first in range(0, n, batch):
        captures, articles, versions = [], [], []
        for i in range(first, min(n, first + batch)):
            when = (start + timedelta(minutes=i * 17)).isoformat()
            title = " ".join(rng.choices(vocab, k=9))
            text = "\n".join(" ".join(rng.choices(vocab, k=45)) for _ in range(rng.randint(3, 8)))
            aid = f"{i:016x}"
            edits = 2 if i % 5 == 0 else 1
            for v in range(1, edits + 1):
                cid = 2 * i + v
                captures.append({"id": cid, "url": f"https://example.org/{aid}", "status": 200, "fetched_at": when,
                                 "warc_file": f"warc/NEWSARCHIVE-{i // 20000:05d}.warc.gz", "warc_offset": i * 4096,
                                 "warc_length": 4000, "warc_record_id": f"<urn:uuid:{aid}-{v}>",
                                 "record_type": "response", "payload_digest": f"sha1:{aid}{v}"})
                versions.append({"article_id": aid, "version": v, "capture_id": cid, "title": title, "text": text,
                                 "published": when[:10], "text_digest": f"sha256:{aid}{v}", "first_seen": when})
            articles.append({"id": aid, "seq": i, "url": f"https://example.org/{aid}", "outlet": OUTLETS[i % 14],
                             "title": title, "text": text, "published": when, "language": "ar",
                             "relevant": int(i % 3 != 0), "relevance_score": round(rng.random() * 3, 4),
                             "matched_terms": json.dumps(TERMS, ensure_ascii=False), "first_seen": when,
                             "last_seen": when, "capture_id": 2 * i + edits, "text_file": f"text/{i:03d}_{aid}.txt",
                             "versions": edits, "status": "live"})
        with db.conn:
            db["captures"].insert_all(captures)
            db["articles"].insert_all(articles)
            db["article_versions"].insert_all(versions)
    catalogue.close()


# Memory is measured by a small launcher process: a child forked straight from this (large) process would
# report this process's resident size as its own peak, which Linux carries over fork and exec.
LAUNCHER = ("import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "_, status, usage = os.wait4(child.pid, 0); print(usage.ru_maxrss); "
            "sys.exit(os.waitstatus_to_exitcode(status))")


def export(data: Path, fmt: str, out: Path, *args: str) -> dict:
    """Run one export in a child process; its wall time, peak memory (the child's own) and file size."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "crawler.cli.main", "-q", "export",
                           "--data", str(data), "--format", fmt, "--out", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    peak_kib = int(done.stdout.split()[-1])  # ru_maxrss is in KiB on Linux
    return {"seconds": time.perf_counter() - t0, "peak_mb": peak_kib / 1024, "size_mb": out.stat().st_size / 1e6}


def main() -> None:
    """Generate (or reuse) the catalogue, export each format, load it back, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=None, help="keep the catalogue here (reused when present)")
    parser.add_argument("--out", type=Path, default=None, help="write the results table here (Markdown)")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="bench-export-"))
    db_path = data / "catalogue.db"
    if not db_path.exists():
        t0 = time.perf_counter()
        generate(db_path, args.articles)
        print(f"generated {args.articles} articles in {time.perf_counter() - t0:.0f} s", flush=True)
    import pandas as pd

    rows = []
    for fmt, extra in (("jsonl", ()), ("csv", ()), ("parquet", ()), ("parquet", ("--relevant", "--since", "2020-01-01"))):
        out = data / f"corpus{'-filtered' if extra else ''}.{fmt}"
        figures = export(data, fmt, out, *extra)
        t0 = time.perf_counter()
        frame = {"jsonl": lambda p: pd.read_json(p, lines=True), "csv": pd.read_csv,
                 "parquet": pd.read_parquet}[fmt](out)
        figures["load_s"] = time.perf_counter() - t0
        rows.append((f"{fmt} {' '.join(extra)}".strip(), len(frame), figures))
        print(rows[-1], flush=True)
    lines = [(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"{datetime.now(UTC):%Y-%m-%d}; {args.articles} articles (a fifth with two versions)."), "",
             "| export | rows | export time (s) | peak memory (MB) | file (MB) | pandas load (s) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| `{name}` | {n} | {f['seconds']:.1f} | {f['peak_mb']:.0f} | {f['size_mb']:.0f} | {f['load_s']:.1f} |"
              for name, n, f in rows]
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
