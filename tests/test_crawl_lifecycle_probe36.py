"""A crawl's life beside faults and people, for real (black-box probe, stop 36): a full disk counts only what
committed; Ctrl-C once is quiet, twice exits 130 with the row written; a writer process killed by a signal says so;
two crawls of one outlet never run at once; `status` tells a dead crawl from a running one."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, cli, crawl_cli, tmpfs

ONE_WORKER = ("-s", "EXTRACT_WORKERS=1")  # one extraction process to start, not one per core: these pages are few

def scalar(data: Path, sql: str, params: tuple = ()) -> object:
    """One value from the catalogue, read-only (None while it or its tables do not exist yet)."""
    db = data / "catalogue.db"
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def crawl_row(data: Path, crawl_id: int = 1) -> dict:
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("select * from crawls where id = ?", (crawl_id,)).fetchone())
    finally:
        conn.close()


@contextmanager
def crawling(seeds: Path, data: Path, log: Path, *args: str) -> Iterator[subprocess.Popen]:
    """A `newsarchive -q crawl` in a session of its own (so a signal can go to its process group, as a terminal's
    Ctrl-C does); killed with its group if the test leaves it running."""
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "-q", "crawl", "--seeds", str(seeds),
                                 "--data", str(data), *FAST, *ONE_WORKER, *args], stdout=fh, stderr=fh, cwd=ROOT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(proc: subprocess.Popen, log: Path, what: str, ready: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the crawl ended (exit {proc.returncode}) before {what}: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.05)


def summary_new(output: str) -> int:
    """The `new` column of the summary's outlet line (header: outlet pages new ...)."""
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:3] == ["outlet", "pages", "new"])
    return int(lines[at + 2].split()[2])


def full_disk(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the text corpus on a disk with room for a few files: the batch that meets it had ingested (and, before, counted)
    # articles whose rows then rolled back
    with tmpfs(data / "text", "24k"), serve_fault_site(FaultSite(articles=30)) as site:
        result = crawl_cli(site.seeds(tmp_path / "seeds.toml"), data, *ONE_WORKER)
        texts = len(list((data / "text").glob("*.txt")))  # while the small disk is still mounted
    assert result.returncode == 3, result.stderr[-3000:]
    row = crawl_row(data)
    stored = scalar(data, "select count(*) from articles")
    assert row["status"] == "failed" and row["error"].startswith("disk-full: ")
    assert row["articles_new"] == stored == summary_new(result.stdout), (row["articles_new"], stored, result.stdout)
    assert stored == scalar(data, "select count(*) from articles where text_file is not null")
    assert texts == stored


def ctrl_c(tmp_path: Path, presses: int) -> None:
    data, log = tmp_path / "data", tmp_path / "crawl.log"
    with serve_fault_site(FaultSite(articles=60, delay=0.2)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        with crawling(seeds, data, log, "-s", "ARCHIVE_COMMIT_INTERVAL=0.1") as proc:
            wait_for(proc, log, "4 captures", lambda: (scalar(data, "select count(*) from captures") or 0) >= 4)
            # the pages asked for from now on take 3 s: the graceful stop a first Ctrl-C starts waits for the pages
            # in flight, so a second Ctrl-C 1 s later surely finds it under way (0.2 s was too close on a loaded
            # machine: two SIGINTs pending at once are one signal, and the crawl stopped gracefully, exit 0)
            site.delay = 3.0
            time.sleep(0.5)
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the crawl, its writer and extraction workers
            if presses == 2:
                time.sleep(1.0)
                os.killpg(proc.pid, signal.SIGINT)
            code = proc.wait(timeout=90)
        status = cli("status", "--seeds", str(seeds), "--data", str(data))
    output = log.read_text()
    # -q: warnings and errors only, one line each; no KeyboardInterrupt in the workers, no BrokenProcessPool per page
    assert "Traceback" not in output and "BrokenProcessPool" not in output, output[-3000:]
    row = crawl_row(data)
    captured = scalar(data, "select count(*) from captures where crawl_id = 1")
    assert captured >= 4 and row["pages_fetched"] == captured, (row, captured)
    assert row["articles_new"] == scalar(data, "select count(*) from articles") == summary_new(output)
    if presses == 1:
        assert code == 0 and row["status"] == "stopped: shutdown", (code, output[-3000:])
        assert len(output.splitlines()) <= 4, output  # the summary's three lines (and nothing else is owed)
    else:
        assert code == 130, (code, output[-3000:])
        assert row["status"] == "interrupted" and row["ended_at"], row
        assert "Ctrl-C twice" in output and "recorded as interrupted" in output
        assert "interrupted [cli]" in status.stdout, status.stdout
        assert not list((data / "warc").glob("*.open"))  # the writer stored what it held and closed its file


def _writer_pid(crawl_pid: int) -> int | None:
    """The crawl's writer process (``python -m crawler.capture.child``), found among its children in /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == crawl_pid and b"crawler.capture.child" in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except (OSError, IndexError, ValueError):
            continue
    return None


def writer_killed(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "crawl.log"
    with serve_fault_site(FaultSite(articles=60, delay=0.2)) as site:
        with crawling(site.seeds(tmp_path / "seeds.toml"), data, log) as proc:
            wait_for(proc, log, "a capture", lambda: (scalar(data, "select count(*) from captures") or 0) >= 1)
            writer = _writer_pid(proc.pid)
            assert writer is not None
            os.kill(writer, signal.SIGKILL)  # as the OOM killer does: the writer alone
            code = proc.wait(timeout=90)
    output = log.read_text()
    assert code == 3, output[-3000:]  # as before: a stop by a fault
    row = crawl_row(data)
    assert row["status"] == "failed" and row["error"].startswith("writer-killed: "), row["error"]
    assert "signal 9 (SIGKILL" in row["error"] and "OOM" in row["error"] and "dmesg" in row["error"]
    assert "io-error" not in row["error"] and "smartctl" not in row["error"]  # no disk fault happened
    assert "recorded as failed: writer-killed" in output


def two_crawls(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "first.log"
    # the first crawl's outlet answers slowly: it is still crawling (200 pages of 5 s each) when the test ends it (2 s
    # each let it finish first once, when parallel tests loaded the machine: 53 s for 200 pages)
    with serve_fault_site(FaultSite(articles=200, delay=5.0)) as slow, serve_fault_site(FaultSite(articles=3)) as other:
        seeds = slow.seeds(tmp_path / "slow.toml", name="slow")
        both = tmp_path / "both.toml"
        both.write_text(seeds.read_text() + other.seeds(tmp_path / "other.toml", name="other").read_text())
        with crawling(seeds, data, log) as first:
            wait_for(first, log, "a capture", lambda: (scalar(data, "select count(*) from captures") or 0) >= 1)
            pid = first.pid
            # the same outlet again: refused (exit 1, nothing recorded), naming the running crawl
            again = crawl_cli(seeds, data, *ONE_WORKER)
            assert again.returncode == 1, again.stderr[-3000:]
            assert f"crawl 1 (cli, pid {pid}" in again.stderr and "two crawls of one outlet" in again.stderr
            assert scalar(data, "select count(*) from crawls") == 1
            # two outlets, one of them busy: the other is crawled, the busy one left out (said once, under -q)
            mixed = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", "crawl", "--seeds", str(both),
                                    "--data", str(data), *FAST, *ONE_WORKER], capture_output=True, text=True, cwd=ROOT,
                                   timeout=120)
            assert mixed.returncode == 0, mixed.stderr[-3000:]
            assert "leaving out slow" in mixed.stderr and f"crawl 1 (cli, pid {pid}" in mixed.stderr
            # nothing was recovered (the first crawl's open WARC is alive): no "recovered from 0 ..." warning
            assert "recovered from" not in mixed.stderr, mixed.stderr
            assert crawl_row(data, 2)["outlets"] == '["other"]'
            assert scalar(data, "select count(*) from captures where crawl_id = 2 and outlet = 'slow'") == 0
            assert scalar(data, "select count(*) from captures where crawl_id = 2 and outlet = 'other'") >= 3
            # the first crawl dies (kill -9 of its group): `status` must not call it running
            os.killpg(pid, signal.SIGKILL)
            first.wait()
        status = cli("status", "--seeds", str(seeds), "--data", str(data))
    assert status.returncode == 0, status.stderr
    assert "interrupted (process gone) [cli]" in status.stdout, status.stdout
    assert scalar(data, "select status from crawls where id = 1") == "running"  # until the next crawl marks it


SCENARIOS: dict[str, Callable[[Path], None]] = {
    "full_disk": full_disk,
    "ctrl_c_once": lambda tmp: ctrl_c(tmp, 1),
    "ctrl_c_twice": lambda tmp: ctrl_c(tmp, 2),
    "writer_killed": writer_killed,
    "two_crawls": two_crawls,
}


@pytest.fixture(scope="module")
def scenarios(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The scenarios this session runs, all at once, each with its own sites and data folder: a crawl's start-up
    (Python, Scrapy, the writer and an extraction worker) is most of each one's time, and none of them is timed
    against the others. Each scenario's assertions run in its thread; its test raises its outcome."""
    chosen = [item.callspec.params["name"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_crawl_lifecycle" and item.module is request.module]
    with ThreadPoolExecutor(max(1, len(chosen))) as pool:
        yield {name: pool.submit(SCENARIOS[name], tmp_path_factory.mktemp(name)) for name in chosen}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_crawl_lifecycle(scenarios: dict, name: str) -> None:
    """full_disk: counts only what committed; ctrl_c_once: quiet; ctrl_c_twice: exit 130, row interrupted with its
    counts; writer_killed: its own reason; two_crawls: never two crawls of one outlet, and `status` of a dead one."""
    wait(scenarios.values())
    scenarios[name].result()
