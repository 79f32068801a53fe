"""Crash safety for real: SIGKILL the crawl process at several points, recover, crawl again, check everything."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from demo_oracle import serve_demo_sites
from helpers import FAST, crawl_cli

from archive.catalogue.db import Catalogue
from archive.integrity.check import check_archive
from archive.integrity.recovery import recover
from archive.warc.reader import iter_records
from crawler.discovery.urls import canonicalize


def _count(data: Path, sql: str) -> int:
    """A count from the catalogue, read-only (0 while the database or table does not exist yet)."""
    db = data / "catalogue.db"
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


# Small group commits, so that a demo crawl of a few seconds has many commit points to be killed between
SMALL_BATCHES = ("-s", "ARCHIVE_COMMIT_INTERVAL=0.05")


def _crawl(seeds: Path, data: Path, log: Path) -> subprocess.Popen:
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds), "--data",
                                 str(data), *FAST, *SMALL_BATCHES], stdout=fh, stderr=fh, start_new_session=True)


def _kill_when(proc: subprocess.Popen, data: Path, sql: str, at_least: int, timeout: float = 60) -> int:
    """SIGKILL the crawl (and its extraction workers: its whole process group) once ``sql`` counts ``at_least``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = _count(data, sql)
        if n >= at_least:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return n
        if proc.poll() is not None:
            pytest.fail(f"the crawl ended (exit {proc.returncode}) before {sql} reached {at_least}")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    pytest.fail(f"{sql} did not reach {at_least} within {timeout} s")


def _pointers(data: Path) -> set[tuple[str, int, str]]:
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    try:
        return {(f, o, r) for f, o, r in conn.execute(
            "select warc_file, warc_offset, warc_record_id from captures where warc_file is not null")}
    finally:
        conn.close()


def _closed_records(data: Path) -> set[str]:
    return {r.record_id for p in (data / "warc").glob("*.warc.gz") for r in iter_records(p) if r.record_id}


def _recover_and_verify(data: Path) -> None:
    """What must hold after a SIGKILL once recovery ran: nothing finished lost, tail set aside, all consistent."""
    before = _pointers(data)
    open_files = sorted((data / "warc").glob("*.open"))
    records_before = _closed_records(data)
    catalogue = Catalogue(data / "catalogue.db")
    try:
        report = recover(data, catalogue)
        assert report.captures_marked_missing == (), "a finished, catalogued record was lost"
        assert {r.open_path for r in report.repaired} == set(open_files)
        assert not list((data / "warc").glob("*.open"))
        for r in report.repaired:
            assert r.torn_path is None or r.torn_path.stat().st_size == r.torn_length > 0
        result = check_archive(data, catalogue)
        assert result.ok, "\n".join(str(f) for f in result.findings)
    finally:
        catalogue.close()
    assert before <= _pointers(data), "recovery dropped a catalogue pointer"
    assert records_before <= _closed_records(data), "a closed WARC lost a record"


def test_sigkill_at_several_points_then_recrawl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    log = tmp_path / "crawl.log"
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "seeds.toml")
        # 1. early: a few captures written, the .open file mid-stream
        _kill_when(_crawl(seeds, data, log), data, "select count(*) from captures", 3)
        _recover_and_verify(data)
        # 2. in the middle of fetching (a second crawl, after the first one's recovery)
        so_far = _count(data, "select count(*) from captures")
        _kill_when(_crawl(seeds, data, log), data, "select count(*) from captures", so_far + 12)
        _recover_and_verify(data)
        # 3. while articles are being extracted and stored
        done = _count(data, "select count(*) from articles")
        _kill_when(_crawl(seeds, data, log), data, "select count(*) from articles", done + 1)
        _recover_and_verify(data)
        # 4. a full crawl to the end
        final = crawl_cli(seeds, data)
        assert final.returncode == 0, final.stderr[-3000:]
        expected = sites.expected
    check = subprocess.run([sys.executable, "-m", "crawler.cli.main", "check", "--data", str(data)],
                           check=False, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "OK" in check.stdout
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    try:
        urls = {u for (u,) in conn.execute("select url from articles")}
    finally:
        conn.close()
    missing = [e.canonical_url for e in expected if canonicalize(e.canonical_url) not in urls]
    assert not missing, f"articles lost across the crashes: {missing}"
