"""The measured arms: bare fetch, extraction ceilings, full pipeline, re-crawl, news-please and wget on one mirror."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.throughput.extractpool import run_pool
from benchmarks.throughput.measure import Run, run_measured
from benchmarks.throughput.mirror import OUTLETS, Mirror

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
NEWSPLEASE_PYTHON = Path(os.environ.get("NEWSPLEASE_PYTHON", "/opt/newsplease-venv/bin/python"))
PER_HOST = 32  # concurrency per outlet, as the seeds file sets it
EXTRA_SETTINGS: dict[str, str] = {}  # more -s settings for the crawl arms (bench_throughput.py -s NAME=VALUE)

# What a fast back-fill of the mirror needs today (issue 10: "one documented switch" does not exist yet). The
# seeds file sets download_delay = 0 and concurrency = 32 per outlet; these -s settings do the rest.
def crawl_settings(workers: int) -> dict[str, str]:
    """The -s settings of the full-pipeline arm beside ``--backfill`` (which turns AutoThrottle off and sets the
    global concurrency): no delay, the mirror's per-host concurrency, the workers asked for."""
    return {"CRAWL_BACKFILL_DELAY": "0", "CRAWL_BACKFILL_CONCURRENCY": str(PER_HOST), "EXTRACT_WORKERS": str(workers),
            "CRAWL_CONTACT_URL": "http://127.0.0.1/benchmark", **EXTRA_SETTINGS}


@dataclass
class Arm:
    """One arm's figures (None where the arm cannot measure a figure)."""

    name: str
    pages: int = 0  # article pages done (fetched, or extracted, or archived)
    wall: float = 0.0
    cpu_own: float | None = None  # the crawl / main process alone
    cpu_tree: float | None = None  # with its workers
    peak_rss_own: int | None = None
    peak_rss_tree: int | None = None
    written: int | None = None  # bytes written to storage by the tree
    warc_bytes: int | None = None
    catalogue_bytes: int | None = None
    text_bytes: int | None = None
    skipped: str = ""  # why the arm did not run
    elapsed: float | None = None  # Scrapy's own elapsed_time_seconds (spider open to close: no process start-up)
    per_page_of: int = 0  # pages to divide by when the arm itself archives none (the re-crawl: the first crawl's)
    cpu_writer: float | None = None  # the crawl's writer process (crawler/capture/child.py), part of the tree
    peak_pss_tree: int | None = None  # PSS: pages shared between the processes counted once
    peak_roles: dict[str, int] = field(default_factory=dict)  # each kind of process's highest RSS (crawl, writer...)
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def rate_elapsed(self) -> float | None:
        """Pages per second of Scrapy's own elapsed time."""
        return self.pages / self.elapsed if self.elapsed and self.pages else None

    @property
    def rate(self) -> float:
        """Pages per second."""
        return self.pages / self.wall if self.wall and self.pages else 0.0

    def per_page(self, value: float | None) -> float | None:
        """A total divided by the pages (or by ``per_page_of``)."""
        pages = self.pages or self.per_page_of
        return value / pages if value is not None and pages else None


def _from_run(name: str, pages: int, run: Run) -> Arm:
    arm = Arm(name, pages, run.wall, run.cpu_own, run.cpu_tree, run.peak_rss_own, run.peak_rss_tree, run.written)
    arm.peak_pss_tree = run.peak_pss_tree or None
    if len(run.peak_roles) > 1:  # a tree of several kinds of process: where the memory is
        arm.peak_roles = {k: v for k, v in run.peak_roles if v}  # not a process seen only as it exited
    return arm


def writer_cpu(log: Path) -> float | None:
    """The writer process's CPU seconds, from the line it logs as it exits (crawler/capture/child.py)."""
    found = re.findall(r"writer process: .* ([0-9.]+) s CPU", log.read_text(errors="replace")) if log.exists() else []
    return float(found[-1]) if found else None


def scrapy_elapsed(log: Path) -> float | None:
    """Scrapy's elapsed_time_seconds from a crawl log's stats dump (the wall time less process start-up)."""
    found = re.findall(r"'elapsed_time_seconds': ([0-9.]+)", log.read_text(errors="replace")) if log.exists() else []
    return float(found[-1]) if found else None


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def bare_fetch(mirror: Mirror, work: Path) -> Arm:
    """Arm 1: a minimal Scrapy spider fetches every article URL (no robots.txt, no pipeline)."""
    out = work / "bare.json"
    run = run_measured([sys.executable, "-m", "benchmarks.throughput.bare_spider", str(mirror.urls), str(out),
                        str(PER_HOST), str(len(OUTLETS))], cwd=ROOT, log=work / "bare.log")
    pages = json.loads(out.read_text())["pages"] if out.exists() else 0
    arm = _from_run("bare Scrapy fetch (fetch ceiling)", pages, run)
    arm.elapsed = scrapy_elapsed(work / "bare.log")
    return arm


def extraction(mirror: Mirror, kind: str, workers: int, server_pid: int) -> Arm:
    """Arms 2 and 3: plain trafilatura.extract or our extract_article over every page in a pool."""
    items = [(str(mirror.root / p.file), p.url) for p in mirror.pages]
    res = run_pool(kind, items, workers, skip=frozenset({server_pid}))
    name = ("plain trafilatura.extract (extraction ceiling)" if kind == "trafilatura"
            else "our extract_article alone")
    arm = Arm(f"{name}, {workers} workers", res.articles, res.wall, res.cpu_parent, res.cpu_parent + res.cpu_workers,
              None, res.peak_rss_tree, None)
    arm.notes["pages given"] = res.pages
    return arm


def _catalogue_counts(db: Path) -> dict[str, int]:
    """Articles, relevant articles and captures in the catalogue (read-only)."""
    if not db.exists():
        return {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return {"articles": con.execute("select count(*) from articles").fetchone()[0],
                "relevant": con.execute("select count(*) from articles where relevant = 1").fetchone()[0],
                "captures": con.execute("select count(*) from captures").fetchone()[0],
                "article_text_bytes": con.execute(
                    "select coalesce(sum(length(cast(text as blob))), 0) from articles").fetchone()[0],
                "failures": con.execute("select count(*) from failures").fetchone()[0]}
    finally:
        con.close()


def crawl_command(mirror: Mirror, data: Path, workers: int) -> list[str]:
    """The full-pipeline command line."""
    cmd = [sys.executable, "-m", "crawler.cli.main", "crawl", "--backfill", "--seeds", str(mirror.seeds),
           "--data", str(data)]
    for name, value in crawl_settings(workers).items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def full_crawl(mirror: Mirror, data: Path, work: Path, workers: int, name: str, log: str,
               before: dict[str, int] | None = None, curve_every: float = 0.0) -> Arm:
    """Arms 4 and 5: ``newsarchive crawl`` of the mirror into ``data`` (a second call is the unchanged re-crawl)."""
    db = data / "catalogue.db"

    def progress() -> dict[str, object]:
        try:
            return {"captures": _catalogue_counts(db).get("captures", 0)}
        except sqlite3.Error:
            return {"captures": ""}

    before = before or {}
    run = run_measured(crawl_command(mirror, data, workers), cwd=ROOT, log=work / log,
                       extra=progress if curve_every else None, curve_every=curve_every)
    after = snapshot(data)
    arm = _from_run(name, after.get("articles", 0) - before.get("articles", 0), run)
    arm.notes.update({k: v - before.get(k, 0) for k, v in after.items()})  # what this crawl added
    arm.notes["exit"] = run.returncode
    arm.notes["curve"] = run.curve
    arm.elapsed = scrapy_elapsed(work / log)
    arm.cpu_writer = writer_cpu(work / log)
    arm.warc_bytes = after["warc_bytes"] - before.get("warc_bytes", 0)
    arm.catalogue_bytes = after["catalogue_bytes"] - before.get("catalogue_bytes", 0)
    arm.text_bytes = after["text_bytes"] - before.get("text_bytes", 0)
    return arm


def snapshot(data: Path) -> dict[str, int]:
    """Catalogue counts and the bytes of WARC, catalogue and text in a data folder."""
    db = data / "catalogue.db"
    out = _catalogue_counts(db)
    out["warc_bytes"] = _size(list((data / "warc").glob("*")))
    out["catalogue_bytes"] = _size([db, db.with_name("catalogue.db-wal")])
    out["text_bytes"] = _size(list((data / "text").glob("*")))
    return out


def newsplease(mirror: Mirror, work: Path, pages: int = 0, batch: int = 250) -> Arm:
    """Arm 6a: news-please's from_urls (fetch + extraction, no archive) in its own virtualenv; ``pages``: the first
    so many URLs only (0: all), since news-please is several times slower than the other arms."""
    if not NEWSPLEASE_PYTHON.exists():
        return Arm("news-please", skipped=f"{NEWSPLEASE_PYTHON} absent: python -m venv /opt/newsplease-venv && "
                                          "/opt/newsplease-venv/bin/pip install news-please==1.6.16 nltk")
    out, urls = work / "newsplease.json", mirror.urls
    if pages and pages < len(mirror.pages):
        urls = work / "newsplease-urls.txt"
        urls.write_text("".join(p.url + "\n" for p in mirror.pages[:pages]))
    script = ROOT / "benchmarks" / "throughput" / "newsplease_run.py"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run = run_measured([str(NEWSPLEASE_PYTHON), str(script), str(urls), str(out), str(batch)], cwd=work,
                       log=work / "newsplease.log", env=env)
    done = json.loads(out.read_text()) if out.exists() else {"pages": 0}
    arm = _from_run("news-please 1.6 from_urls (fetch + extract, no archive)", done["pages"], run)
    arm.notes.update(done, exit=run.returncode)
    return arm


def wget(mirror: Mirror, work: Path) -> Arm:
    """Arm 6b: Debian's wget fetching every article URL into one WARC (archive only, one connection)."""
    binary = shutil.which("wget")
    if not binary:
        return Arm("wget --warc-file", skipped="wget absent: apt-get install wget")
    warc = work / "wget"
    run = run_measured([binary, "--quiet", "--no-config", f"--warc-file={warc}", "--no-warc-keep-log",
                        "--input-file", str(mirror.urls), "--output-document", "/dev/null"],
                       cwd=work, log=work / "wget.log")
    arm = _from_run("wget --warc-file (archive only, 1 connection)", len(mirror.pages) if run.returncode == 0 else 0,
                    run)
    arm.warc_bytes = _size([warc.with_suffix(".warc.gz")])
    arm.notes["exit"] = run.returncode
    return arm
