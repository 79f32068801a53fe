"""Storage faults for real: a full (tmpfs) disk under the WARC, text or catalogue writer, and a catalogue lock held
by a second sqlite connection. The crawl stops cleanly, exits 3, is recorded as failed with the reason, loses
nothing archived, and the next crawl (with room, without the lock) repairs, finishes and passes `check`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, crawl_cli, tmpfs

from archive.warc.reader import iter_records
from crawler.cli.main import cli

ARTICLES = 30


def grow(path: Path, size: str) -> None:
    """Give the filesystem at ``path`` room (the operator freed space)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


def query(data: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def captures(data: Path) -> int:
    """How many captures the catalogue holds (0 while it or its tables do not exist yet)."""
    try:
        return int(query(data, "select count(*) from captures")[0][0])
    except sqlite3.OperationalError:
        return 0


def check_cli(data: Path) -> subprocess.CompletedProcess[str]:
    """`check` in a child: for the full-disk cases, which run in threads (CliRunner swaps sys.stdout, process-wide)."""
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "check", "--data", str(data)], capture_output=True,
                          text=True, check=False, cwd=ROOT, timeout=120)


def check_here(data: Path) -> Result:
    """`check` in this process, from the main thread: no reactor, and a child's start-up is most of its time."""
    return CliRunner().invoke(cli, ["check", "--data", str(data)])


def refused_here(seeds: Path, data: Path, *args: str) -> Result:
    """A crawl its settings stop before it starts (no reactor), in this process: exit 1 with a message; an uncaught
    exception (a child's traceback) fails here."""
    result = CliRunner().invoke(cli, ["crawl", "--seeds", str(seeds), "--data", str(data), *FAST, *args])
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def assert_first_crawl_failed(data: Path, result: subprocess.CompletedProcess[str], reason: str) -> list[int]:
    """Exit 3, a clear message, the crawl row failed with the reason, no .open file, no torn WARC tail."""
    assert result.returncode == 3, result.stderr[-3000:]
    assert f"recorded as failed: {reason}" in result.stderr
    (status, error), = query(data, "select status, error from crawls order by id limit 1")
    assert status == "failed" and error.startswith(f"{reason}: "), error
    assert not list((data / "warc").glob("*.open"))
    for path in (data / "warc").glob("*.warc.gz"):
        list(iter_records(path))  # every record whole (the writer cut its half-written pair back)
    ids = [row[0] for row in query(data, "select id from captures where record_type = 'response'")]
    assert ids  # it archived pages before the fault ...
    assert query(data, "select count(*) from articles where text_file is not null")[0][0] < ARTICLES  # ... not all
    return ids


def assert_next_crawl_repairs(data: Path, seeds: Path, kept: list[int], *args: str, in_thread: bool = True) -> None:
    """The next crawl succeeds, every page of the first is still archived, every article is in, check passes."""
    again = crawl_cli(seeds, data, *args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert query(data, "select status from crawls order by id desc limit 1") == [("finished",)]
    still = {row[0] for row in query(data, "select id from captures where record_type = 'response'")}
    assert set(kept) <= still  # nothing archived by the failed crawl was lost
    assert query(data, "select count(*) from articles where text_file is not null") == [(ARTICLES,)]
    assert query(data, "select count(*) from frontier where status != 'done'") == [(0,)]
    if in_thread:
        checked = check_cli(data)
        assert checked.returncode == 0, checked.stdout[-3000:]
    else:
        here = check_here(data)
        assert here.exit_code == 0, here.output[-3000:]


FULL_DISKS = [
    ("data", "2m", 30000),  # everything on one small disk: the catalogue's WAL fills it first
    ("warc", "400k", 60000),  # only the WARC files on the small disk
    ("text", "24k", 0),  # only the text corpus on the small disk (4 KiB pages: a handful of files fit)
]
FULL_DISK_TEST = "test_full_disk_stops_the_crawl_cleanly_and_the_next_crawl_repairs"


def full_disk_case(tmp_path: Path, where: str, size: str, pad: int) -> None:
    """A crawl meets a full disk under ``where``; then the disk grows and the next crawl repairs."""
    data = tmp_path / "data"
    mount = data if where == "data" else data / where
    with tmpfs(mount, size), serve_fault_site(FaultSite(articles=ARTICLES, pad=pad)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        reserve = ("-s", "ARCHIVE_DISK_RESERVE=300000")
        # one exchange per group commit: with the default batches the first batch can be the one that meets the
        # full disk, and then no page was archived before the fault for the test to follow (the batch's URLs stay
        # pending either way)
        first = crawl_cli(seeds, data, *reserve, "-s", "ARCHIVE_COMMIT_EVERY=1")
        kept = assert_first_crawl_failed(data, first, "disk-full")
        grow(mount, "64m")
        assert_next_crawl_repairs(data, seeds, kept, *reserve)


@pytest.fixture(scope="module")
def full_disks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The full-disk cases this session runs, all at once: each has its own small disk, site and data folder, and
    nothing in them is timed (a crawl keeps about one core busy). Each case's assertions run in its thread."""
    chosen = [item.callspec.params["where"] for item in request.session.items
              if getattr(item, "originalname", "") == FULL_DISK_TEST and item.module is request.module]
    with ThreadPoolExecutor(max(1, len(chosen))) as pool:
        yield {where: pool.submit(full_disk_case, tmp_path_factory.mktemp(f"full-{where}"), where, size, pad)
               for where, size, pad in FULL_DISKS if where in chosen}


@pytest.mark.parametrize(("where", "size", "pad"), FULL_DISKS)
def test_full_disk_stops_the_crawl_cleanly_and_the_next_crawl_repairs(full_disks: dict, where: str, size: str,
                                                                      pad: int) -> None:
    # every case ends before any test goes on (the lock tests below are timed); then this case's outcome: its
    # failed assertion, or its skip where no tmpfs can be mounted, is raised here
    wait(full_disks.values())
    full_disks[where].result()


def test_no_room_for_the_reserve_means_the_crawl_does_not_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmpfs(data, "1m"), serve_fault_site(FaultSite(articles=3)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        result = refused_here(seeds, data, "-s", "ARCHIVE_DISK_RESERVE=4000000")
        assert result.exit_code == 1, result.output
        assert "disk-full: no room for the 4000000-byte disk reserve" in result.stderr
        assert not (data / "catalogue.db").exists()  # not recorded at all: nothing was started
        assert site.requests == 0


def crawl_meeting_a_lock(data: Path, seeds: Path, log: Path, *, busy_timeout: float, hold: float,
                         release: threading.Event | None = None) -> int:
    """Crawl; once 5 pages are archived a second program holds the catalogue's write lock ``hold`` seconds
    (``release``, where given, is set once the lock is held: the site's held pages are then answered).

    Asserts the crawl is still running when the lock is let go (it met the lock), and returns its exit code.
    """
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds), "--data",
                                 str(data), *FAST, "-s", f"ARCHIVE_BUSY_TIMEOUT={busy_timeout}"], stdout=fh,
                                stderr=fh, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and captures(data) < 5:
            assert proc.poll() is None, log.read_text()[-3000:]
            time.sleep(0.05)
        holder = sqlite3.connect(data / "catalogue.db", timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        if release is not None:
            release.set()
        time.sleep(hold)
        assert proc.poll() is None  # still running: it waits (for the lock, or to record its outcome)
        holder.execute("ROLLBACK")
        holder.close()
        return proc.wait(timeout=120)
    finally:
        if release is not None:
            release.set()
        if proc.poll() is None:
            proc.kill()


def test_catalogue_lock_held_past_the_busy_timeout_stops_the_crawl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the site answers 8 articles, then holds the rest until the lock is taken: the crawl has pages left to fetch and
    # write whatever its pace (a delay of 0.15 s, then 0.3 s, a page was raced by loaded runs' group commits: the
    # crawl had written everything before the lock was taken, and finished; stop 41, twice at stop 42)
    with serve_fault_site(FaultSite(articles=ARTICLES, hold_after=8)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        log = tmp_path / "crawl.log"
        # a second program holds the write lock for 8 s: 32 times the crawl's busy timeout (the crawl, with 22 pages
        # still to fetch and write, commits every ARCHIVE_COMMIT_INTERVAL of 0.5 s: it meets the lock; 2 s was too
        # short once under load, the held pages fetched and extracted only after the lock was let go)
        code = crawl_meeting_a_lock(data, seeds, log, busy_timeout=0.25, hold=8, release=site.release)
        first = subprocess.CompletedProcess([], code, "", log.read_text())
        kept = assert_first_crawl_failed(data, first, "catalogue-locked")
        assert "catalogue-locked" in first.stderr and "ARCHIVE_BUSY_TIMEOUT" in first.stderr
        assert_next_crawl_repairs(data, seeds, kept, in_thread=False)


def test_a_lock_shorter_than_the_busy_timeout_is_waited_out(tmp_path: Path) -> None:
    """What held before must hold: a lock the busy timeout outlasts delays the crawl, it does not fail it."""
    data = tmp_path / "data"
    with serve_fault_site(FaultSite(articles=ARTICLES, delay=0.15)) as site:
        log = tmp_path / "crawl.log"
        code = crawl_meeting_a_lock(data, site.seeds(tmp_path / "seeds.toml"), log, busy_timeout=10, hold=2)
    assert code == 0, log.read_text()[-3000:]
    assert query(data, "select status from crawls") == [("finished",)]
    assert query(data, "select count(*) from articles where text_file is not null") == [(ARTICLES,)]
    assert check_here(data).exit_code == 0


def test_a_crawl_that_cannot_start_is_not_a_success(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_fault_site(FaultSite(articles=3)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        missing = tmp_path / "no-such-lexicon.toml"
        result = refused_here(seeds, data, "-s", f"RELEVANCE_LEXICON={missing}")
        assert result.exit_code == 1, result.output
        assert str(missing) in result.stderr and "cannot read the lexicon" in result.stderr
        bad = refused_here(seeds, data, "-s", "ARCHIVE_BUSY_TIMEOUT=soon")
        assert bad.exit_code == 1, bad.output
        assert "ARCHIVE_BUSY_TIMEOUT" in bad.stderr and "pass -s ARCHIVE_BUSY_TIMEOUT=<number>" in bad.stderr
        assert site.requests == 0
    assert not data.exists() or not (data / "catalogue.db").exists()  # not recorded: it never started
    assert os.environ.get("NEWSARCHIVE_PARENT_PID") is None


def test_a_component_that_fails_after_the_crawl_row_exists_records_it_failed(tmp_path: Path) -> None:
    """Without the CLI's early check (e.g. `scrapy crawl` or run_crawl), a missing lexicon still fails the crawl."""
    data = tmp_path / "data"
    with serve_fault_site(FaultSite(articles=3)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        missing = tmp_path / "no-such-lexicon.toml"
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from crawler.runner import crawl_settings, run_crawl\n"
            "from archive.errors import ConfigError\n"
            f"s = crawl_settings(data_dir=Path({str(data)!r}), seeds=Path({str(seeds)!r}), "
            f"overrides={{'RELEVANCE_LEXICON': {str(missing)!r}}})\n"
            "try:\n    run_crawl(s)\nexcept ConfigError as exc:\n    print('ConfigError', exc)\n    sys.exit(1)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                timeout=120, check=False)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "ConfigError" in result.stdout and "cannot read the lexicon" in result.stdout
    (status, error), = query(data, "select status, error from crawls")
    assert status == "failed" and "cannot read the lexicon" in error
    assert site.requests == 0
