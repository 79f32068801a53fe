"""What a crawl imports at start (issue 10: a crawl's fixed CPU cost is mostly start-up, not pages).

One real two-page crawl by the CLI under ``python -X importtime``, which every process of the crawl that Python
starts with the crawl's own flags prints to stderr (the crawl process and its extraction workers). The test reads the
names of the modules imported, not any timing.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, rows

IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The names of the modules that the processes of one small crawl imported."""
    tmp = tmp_path_factory.mktemp("startup")
    with serve_fault_site(FaultSite(articles=2)) as site:
        seeds = site.seeds(tmp / "outlets.toml")
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "crawler.cli.main", "crawl", "--seeds",
                               str(seeds), "--data", str(tmp / "data"), *FAST],
                              capture_output=True, text=True, timeout=240, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the crawl really ran: both articles extracted (by the workers) and stored
    assert len(rows(tmp / "data", "select url from articles")) == 2, proc.stdout
    names = set(IMPORTED.findall(proc.stderr))
    assert "crawler.extraction.article" in names, "no import lines read: -X importtime's format changed?"
    return names


def test_crawl_does_not_import_aiohttp(imported: set[str]) -> None:
    """Scrapy's remote control (aiohttp) is left out, not just switched off (crawler/settings.py EXTENSIONS_BASE)."""
    assert "aiohttp" not in imported
    assert "scrapy.extensions.remote_control" not in imported
