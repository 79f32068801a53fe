"""Benchmark: WARC bytes of a second crawl of unchanged sites vs the first (cross-crawl dedup; target <= 10 %).

Run: python benchmarks/bench_dedup.py [--keep DIR]   (serves the demo sites on loopback; no internet)
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.demosite import serve_demo_sites

CRAWL_ARGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CRAWL_CONTACT_URL=http://127.0.0.1/b"]


def warc_files(data: Path) -> set[Path]:
    """Closed WARC files of the data folder."""
    return set((data / "warc").glob("*.warc.gz"))


def crawl_once(seeds: Path, data: Path) -> dict[str, object]:
    """Run one crawl with the CLI; return its WARC bytes, record counts and wall time."""
    before = warc_files(data)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "-q", "crawl", "--seeds", str(seeds), "--data",
                           str(data), *CRAWL_ARGS], check=False, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed:\n{proc.stderr[-3000:]}")
    new = warc_files(data) - before
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    (crawl_id,) = conn.execute("select max(id) from crawls").fetchone()
    kinds = dict(conn.execute("select record_type, count(*) from captures where crawl_id = ? group by record_type",
                              [crawl_id]).fetchall())
    statuses = dict(conn.execute("select status, count(*) from captures where crawl_id = ? group by status",
                                 [crawl_id]).fetchall())
    conn.close()
    return {"bytes": sum(p.stat().st_size for p in new), "files": len(new), "seconds": elapsed,
            "responses": kinds.get("response", 0), "revisits": kinds.get("revisit", 0),
            "not_modified": statuses.get(304, 0)}


def main() -> None:
    """Crawl twice, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="Use (and keep) this data folder instead of a temporary one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        data = root / "data"
        with serve_demo_sites() as sites:
            seeds = sites.write_seeds(root / "seeds.toml")
            first = crawl_once(seeds, data)
            second = crawl_once(seeds, data)
    ratio = second["bytes"] / first["bytes"] if first["bytes"] else float("nan")
    print("| crawl | WARC bytes | files | response records | revisit records | 304s | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in (("first", first), ("second (unchanged sites)", second)):
        print(f"| {name} | {r['bytes']:,} | {r['files']} | {r['responses']} | {r['revisits']} | "
              f"{r['not_modified']} | {r['seconds']:.1f} |")
    print(f"\nsecond / first = {ratio:.1%} (target <= 10%): {'PASS' if ratio <= 0.10 else 'FAIL'}")


if __name__ == "__main__":
    main()
