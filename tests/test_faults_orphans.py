"""SIGKILL of a crawl or of the scheduler leaves no orphaned process (real processes, real crawls)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT

from archive.integrity.inventory import pid_alive

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find children")


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {p for p in found if pid_alive(p)}


def scalar(data: Path, sql: str) -> int | str | None:
    try:
        conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute(sql).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def test_sigkill_of_a_crawl_kills_its_extraction_workers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_fault_site(FaultSite(articles=30, delay=0.3)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds), "--data",
                                 str(data), *FAST, "-s", "EXTRACT_WORKERS=2"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
        try:
            wait_for(lambda: (scalar(data, "select count(*) from articles") or 0) >= 2, 60, "articles extracted")
            workers = children(proc.pid)
            assert workers, "the extraction pool has processes"
            os.kill(proc.pid, signal.SIGKILL)  # the crawl only, not its process group
            proc.wait()
            wait_for(lambda: not any(pid_alive(p) for p in workers), 15, f"workers {workers} to die with the crawl")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            for pid in children(proc.pid):
                os.kill(pid, signal.SIGKILL)


def test_sigkill_of_the_scheduler_stops_its_crawl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_fault_site(FaultSite(articles=30, delay=0.4)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml", schedule="1h")
        cmd = [sys.executable, "-m", "crawler.cli.main", "schedule", "--seeds", str(seeds), "--data", str(data),
               "--watch-every", "off"]
        for i in range(0, len(FAST), 2):
            cmd += ["-s", FAST[i + 1]]
        scheduler = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                                     start_new_session=True)
        descendants: set[int] = set()
        try:
            wait_for(lambda: (scalar(data, "select count(*) from captures") or 0) >= 3, 90, "the scheduled crawl")
            crawl_pid = int(scalar(data, "select pid from crawls where status = 'running'") or 0)
            descendants = children(scheduler.pid)
            assert crawl_pid in descendants
            os.kill(scheduler.pid, signal.SIGKILL)
            scheduler.wait()
            # the crawl gets SIGTERM from the kernel: it stops the graceful way (WARC closed, row written)
            wait_for(lambda: not any(pid_alive(p) for p in descendants), 60,
                     f"the crawl {crawl_pid} and its workers to end")
        finally:
            if scheduler.poll() is None:
                os.killpg(scheduler.pid, signal.SIGKILL)
            for pid in descendants:
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
        status = scalar(data, f"select status from crawls where pid = {crawl_pid}")
        assert status != "running" and str(status).startswith("stopped"), status
        assert not list((data / "warc").glob("*.open"))
