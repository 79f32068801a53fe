"""`scrapy crawl outlets` from the project root runs the same crawl as `newsarchive crawl`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from demo_oracle import serve_demo_sites

ROOT = Path(__file__).resolve().parent.parent


def test_scrapy_crawl_from_the_project_root(tmp_path):
    scrapy = shutil.which("scrapy") or f"{sys.executable} -m scrapy"
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "seeds.toml")
        proc = subprocess.run([*scrapy.split(), "crawl", "outlets", "-s", f"ARCHIVE_SEEDS={seeds}",
                               "-s", f"ARCHIVE_DATA_DIR={tmp_path / 'data'}", "-s", "ARCHIVE_OUTLETS=demo-feed",
                               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"],
                              capture_output=True, text=True, cwd=ROOT, timeout=180)
        expected = {e.canonical_url for e in sites.expected if e.outlet == "demo-feed" and e.relevant}
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(tmp_path / "data" / "catalogue.db")
    outlets = {r[0] for r in conn.execute("select distinct outlet from captures where outlet is not null")}
    assert outlets == {"demo-feed"}  # ARCHIVE_OUTLETS chose one outlet
    assert conn.execute("select count(*) from articles where relevant = 1").fetchone()[0] == len(expected)
    assert conn.execute("select status from crawls").fetchone()[0] == "finished"
