"""crawler.fetch.backfill's request folder (JOBDIR) when a killed back-fill left one under the pid a crawl now has.

A container's crawl (``docker run ... newsarchive crawl --backfill``) gets the same pid every run, and any pid comes
round again: the folder of a killed crawl under this crawl's pid must not be resumed (its ``requests.seen`` would
make Scrapy's dupefilter drop every URL the killed crawl had seen, its queue would be fetched again).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from demo_oracle import serve_demo_sites
from helpers import FAST, ROOT

from crawler.fetch import backfill

# the crawl, in a process that first leaves a killed back-fill's folder under its own pid (as a reused pid would)
STALE_THEN_CRAWL = """
import os, sys
from pathlib import Path
from scrapy import Request
from scrapy.utils.request import fingerprint
from crawler.config.outlets import load_outlets
from crawler.discovery.urls import canonicalize
seeds, data = Path(sys.argv[1]), Path(sys.argv[2])
stale = data / "queue" / str(os.getpid())
stale.mkdir(parents=True)
urls = [canonicalize(u) for o in load_outlets(seeds) for u in (*o.feeds, *o.sitemaps, *o.start_urls)]
# Scrapy 2.19's format: each fingerprint after its length as 2 big-endian bytes (scrapy/dupefilters.py)
seen = [fingerprint(Request(u)) for u in urls]
(stale / "requests.seen").write_bytes(b"".join(len(f).to_bytes(2, "big") + f for f in seen))
from crawler.cli.main import cli
cli(["crawl", "--seeds", str(seeds), "--data", str(data), *sys.argv[3:]], prog_name="newsarchive")
"""


def test_a_folder_left_under_this_processs_pid_is_not_resumed(tmp_path):
    stale = tmp_path / "queue" / str(os.getpid())
    (stale / "requests.queue").mkdir(parents=True)
    (stale / "requests.seen").write_bytes(bytes(22))
    assert backfill.queue_dir(tmp_path) != stale
    assert not stale.exists()  # Scrapy would resume it: its queue, its seen fingerprints


def test_a_backfill_under_a_killed_backfills_pid_still_crawls_its_outlets(tmp_path):
    data = tmp_path / "data"
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "seeds.toml")
        proc = subprocess.run([sys.executable, "-c", STALE_THEN_CRAWL, str(seeds), str(data), *FAST, "--backfill"],
                              check=False, capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with sqlite3.connect(data / "catalogue.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] > 0
    assert list((data / "queue").iterdir()) == []
