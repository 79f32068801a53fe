"""Stop 41's black-box probe (bad input and crashes): the faults it found, each refused or stopped in one clear line.

One small crawl (a catalogue damaged past its header); the rest are command-line calls that stop before any fetch.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, crawl_cli, tmpfs

from archive.catalogue.db import Catalogue
from archive.errors import ConfigError
from archive.faults import CATALOGUE_DAMAGED, as_fault, fault_reason

# a loopback port nothing listens on: a crawl that wrongly starts ends in seconds, refused at once
DEAD = "http://127.0.0.1:9"


def _run(*args: str | Path, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, check=False)


def _seeds(path: Path, name: str = "probe") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[[outlet]]\nname = "{name}"\nfeeds = ["{DEAD}/feed.xml"]\nallowed_domains = ["127.0.0.1"]\n'
                    "robots_sitemaps = false\n", encoding="utf-8")
    return path


# -- 1. an -s value that contradicts the command's own option ------------------------------------------------------


def test_s_data_dir_that_contradicts_data_is_refused(tmp_path: Path) -> None:
    """Before: the crawl ran into B, then its summary read A: a traceback, exit 1, and an empty catalogue made in A."""
    seeds, a, b = _seeds(tmp_path / "s.toml"), tmp_path / "a", tmp_path / "b"
    proc = _run("crawl", "--seeds", seeds, "--data", a, *FAST, "-s", f"ARCHIVE_DATA_DIR={b}")
    assert proc.returncode == 1, proc.stderr
    assert "key 'ARCHIVE_DATA_DIR'" in proc.stderr and f"--data {b}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not a.exists() and not b.exists()


def test_s_seeds_and_outlets_that_contradict_their_options_are_refused(tmp_path: Path) -> None:
    """Before: ``--seeds A -s ARCHIVE_SEEDS=B`` checked A and crawled B's outlets; ``--outlet x -s ARCHIVE_OUTLETS=y``
    crawled y."""
    one, two = _seeds(tmp_path / "one.toml", "one"), _seeds(tmp_path / "two" / "o.toml", "two")
    data = tmp_path / "d"
    proc = _run("crawl", "--seeds", one, "--data", data, *FAST, "-s", f"ARCHIVE_SEEDS={two.parent}")
    assert proc.returncode == 1 and "key 'ARCHIVE_SEEDS'" in proc.stderr and "--seeds" in proc.stderr, proc.stderr
    both = _seeds(tmp_path / "both.toml", "one")
    both.write_text(both.read_text() + two.read_text(), encoding="utf-8")
    proc = _run("crawl", "--seeds", both, "--data", data, *FAST, "--outlet", "one", "-s", "ARCHIVE_OUTLETS=two")
    assert proc.returncode == 1 and "key 'ARCHIVE_OUTLETS'" in proc.stderr and "--outlet" in proc.stderr, proc.stderr
    assert not data.exists()


def test_the_same_value_given_both_ways_is_no_contradiction(tmp_path: Path) -> None:
    from crawler.runner import crawl_settings

    settings = crawl_settings(data_dir=tmp_path / "d", seeds=tmp_path / "s", outlets=("a", "b"), overrides={
        "ARCHIVE_DATA_DIR": f"{tmp_path}/d/.", "ARCHIVE_SEEDS": str(tmp_path / "s"), "ARCHIVE_OUTLETS": "b,a"})
    assert Path(settings["ARCHIVE_DATA_DIR"]).resolve() == (tmp_path / "d").resolve()
    with pytest.raises(ConfigError, match="ARCHIVE_OUTLETS"):
        crawl_settings(data_dir=tmp_path / "d", seeds=tmp_path / "s", outlets=("a",), overrides={
            "ARCHIVE_OUTLETS": "a,b"})


# -- 2. what would fail every crawl a scheduler or a worker starts, refused at start-up ----------------------------


def test_schedule_refuses_a_bad_redis_url_and_s_outlets_at_start_up(tmp_path: Path) -> None:
    """Before: the scheduler served, and every crawl it started exited 2 on the URL (recorded failed, run after run)."""
    seeds, data = _seeds(tmp_path / "s.toml"), tmp_path / "d"
    for extra, hint in ((("--redis", "notaurl"), "--redis"), (("--redis", "redis://127.0.0.1:6379/abc"), "--redis"),
                        (("-s", "ARCHIVE_OUTLETS=probe"), "--outlet")):
        proc = _run("schedule", "--seeds", seeds, "--data", data, *extra, timeout=30)
        assert proc.returncode == 2 and hint in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not data.exists()


def test_worker_refuses_a_data_folder_it_cannot_write(tmp_path: Path) -> None:
    """Before: the worker waited for work (here: for a Redis nobody runs, for ever) and failed every item it took."""
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for data in (afile, afile / "sub"):
        proc = _run("worker", "--redis", "redis://127.0.0.1:1/0", "--data", data, "--name", "w1", timeout=30)
        assert proc.returncode == 2 and "--data" in proc.stderr and "file" in proc.stderr, proc.stderr
    with tmpfs(tmp_path / "ro", "1m") as ro:
        if subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=False).returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only here")
        proc = _run("worker", "--redis", "redis://127.0.0.1:1/0", "--data", ro / "data", "--name", "w1", timeout=30)
    assert proc.returncode == 1 and "read-only" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# -- 3. a catalogue damaged past its header ------------------------------------------------------------------------


def _damage(db: Path, table: str) -> None:
    """Overwrite the root pages of ``table`` and its indexes (the header and the schema stay whole)."""
    conn = sqlite3.connect(db)
    conn.execute("pragma wal_checkpoint(truncate)")
    size = conn.execute("pragma page_size").fetchone()[0]
    pages = [r[0] for r in conn.execute("select rootpage from sqlite_master where tbl_name = ? and rootpage > 1",
                                        (table,))]
    conn.close()
    with open(db, "r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * size)
            fh.write(b"\xa5" * size)


def test_a_damaged_catalogue_error_is_a_fault(tmp_path: Path) -> None:
    """SQLite's SQLITE_CORRUPT is the fault that stops a crawl, not one row's own error."""
    db = tmp_path / "catalogue.db"
    Catalogue(db).close()
    _damage(db, "captures")
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        conn.execute("insert into captures (url) values ('http://x/')")
    conn.close()
    assert fault_reason(raised.value) == CATALOGUE_DAMAGED
    fault = as_fault(raised.value)
    assert fault is not None and "restore it from a backup" in str(fault) and "check --repair" in str(fault)
    assert fault_reason(sqlite3.OperationalError("no such table: x")) is None


def test_a_crawl_on_a_catalogue_damaged_past_its_header_stops(tmp_path: Path) -> None:
    """Before: the crawl fetched and archived on, every row it stored failed with a traceback in the log (records
    left without rows), and it ended ``finished`` with exit 0. Now the first such write stops it: exit 3, one
    line naming the fault and the fix, the crawl recorded failed."""
    data = tmp_path / "data"
    data.mkdir()
    Catalogue(data / "catalogue.db").close()
    _damage(data / "catalogue.db", "captures")
    with serve_fault_site(FaultSite(articles=3)) as site:
        proc = crawl_cli(site.seeds(tmp_path / "s.toml"), data, "-q", timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert CATALOGUE_DAMAGED in proc.stderr and "restore it from a backup" in proc.stderr, proc.stderr
    assert "could not store" not in proc.stderr, proc.stderr
    conn = sqlite3.connect(data / "catalogue.db")
    assert conn.execute("select status, error like 'catalogue-damaged%' from crawls").fetchall() == [("failed", 1)]
    conn.close()


# -- 4. smaller ones: a reversed export range, a mistyped lexicon path, a seeds folder of no .toml -----------------


def test_export_refuses_a_reversed_date_range(tmp_path: Path) -> None:
    """Before: an empty file and its data card, exit 0 (the search page names a reversed range)."""
    data = tmp_path / "d"
    data.mkdir()
    Catalogue(data / "catalogue.db").close()
    out = tmp_path / "x.csv"
    proc = _run("export", "--data", data, "--out", out, "--since", "2025", "--until", "2024-12")
    assert proc.returncode == 1 and "--since 2025 is after --until 2024-12" in proc.stderr, proc.stderr
    assert not out.exists()
    proc = _run("export", "--data", data, "--out", out, "--since", "2024-12-31", "--until", "2024-12")
    assert proc.returncode == 0 and out.exists(), proc.stderr  # that day is in that month


def test_a_missing_lexicon_is_named_as_typed(tmp_path: Path) -> None:
    """Before: ``-s RELEVANCE_LEXICON=lex/mine.toml`` was reported as ``.../crawler/config/lex/mine.toml``."""
    seeds = _seeds(tmp_path / "s.toml")
    proc = _run("crawl", "--seeds", seeds, "--data", tmp_path / "d", *FAST, "-s", "RELEVANCE_LEXICON=lex/mine.toml")
    assert proc.returncode == 1 and "lex/mine.toml: cannot read the lexicon" in proc.stderr, proc.stderr
    assert "crawler/config" not in proc.stderr and not (tmp_path / "d").exists(), proc.stderr


def test_a_seeds_folder_of_no_toml_file_says_what_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "outlets.yaml").write_text("outlet:\n  name: probe\n", encoding="utf-8")
    proc = _run("crawl", "--seeds", folder, "--data", tmp_path / "d", *FAST)
    assert proc.returncode == 1 and "a .toml file directly in this folder" in proc.stderr, proc.stderr


def test_the_scheduler_carries_on_when_a_crawl_outcome_cannot_be_recorded(tmp_path: Path,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    """Before: a crawl stopped as catalogue-damaged, then recording its outcome raised in the scheduler's job (an
    APScheduler traceback after every run). Now one ERROR line with the fault and its fix."""
    from crawler.scheduling.scheduler import Run, Scheduler, SchedulerConfig

    data = tmp_path / "d"
    scheduler = Scheduler(SchedulerConfig(data_dir=data, seeds=_seeds(tmp_path / "s.toml"), watch_every=None))
    _damage(data / "catalogue.db", "crawls")
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    log = tmp_path / "crawl.log"
    log.write_text("Error: crawl 1 stopped and was recorded as failed: catalogue-damaged: ...\n", encoding="utf-8")
    run = Run("probe", ["probe"], "schedule", process, "2026-01-01T00:00:00+00:00", log)
    with caplog.at_level("ERROR"):
        assert scheduler._finish(run) is run
    assert run.exit_code == 3 and "not recorded in the catalogue" in caplog.text, caplog.text
    assert CATALOGUE_DAMAGED in caplog.text and "restore it from a backup" in caplog.text, caplog.text
    assert "probe" not in scheduler._running


def test_an_empty_data_or_seeds_path_is_refused(tmp_path: Path) -> None:
    """Before: ``--data ''`` (a variable unset) was the current folder: a crawl wrote its catalogue, WARCs and text
    files wherever it was started, and status and check read it."""
    seeds = _seeds(tmp_path / "s.toml")
    for args in (("crawl", "--seeds", seeds, "--data", "", *FAST), ("status", "--seeds", seeds, "--data", ""),
                 ("check", "--data", ""), ("crawl", "--seeds", "", "--data", tmp_path / "d", *FAST)):
        proc = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", *map(str, args)], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path, check=False)
        assert proc.returncode == 2 and "is empty" in proc.stderr, (args, proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_schedule_refuses_a_zero_watch_interval_and_names_a_bad_grace(tmp_path: Path) -> None:
    """Before: ``--watch-every 0s`` added a watch job that never ran, without a word; ``--stop-grace -5`` did not say
    which option was wrong."""
    seeds, data = _seeds(tmp_path / "s.toml"), tmp_path / "d"
    proc = _run("schedule", "--seeds", seeds, "--data", data, "--watch-every", "0s", timeout=30)
    assert proc.returncode == 1 and "--watch-every '0s'" in proc.stderr and "'off'" in proc.stderr, proc.stderr
    proc = _run("schedule", "--seeds", seeds, "--data", data, "--stop-grace", "-5", timeout=30)
    assert proc.returncode == 1 and "--stop-grace -5" in proc.stderr, proc.stderr


# -- 5. a crawl killed with kill -9 -----------------------------------------------------------------------------------


def test_a_killed_crawl_is_marked_interrupted_with_the_counts_of_what_it_committed(tmp_path: Path) -> None:
    """Before: the next crawl marked it ``interrupted`` with 0 pages and 0 articles (``status``: "0 pages, 0 new"),
    though its captures and articles were in the catalogue (the probe's crawl 3: 11 captures, 9 articles)."""
    import json

    from archive.catalogue.crawls import mark_interrupted

    catalogue = Catalogue(tmp_path / "catalogue.db")
    db = catalogue.db
    crawl = catalogue.start_crawl("u1", "cli", ["probe"], pid=None)
    earlier = catalogue.start_crawl("u0", "cli", ["probe"], pid=None)
    ids = [db["captures"].insert({"crawl_id": crawl, "outlet": "probe", "url": f"http://x/{i}", "status": 200}).last_pk
           for i in range(4)]
    db["failures"].insert({"crawl_id": crawl, "outlet": "probe", "url": "http://x/e", "stage": "fetch",
                           "reason": "http-500"})
    for n, (relevant, version) in enumerate(((1, 1), (0, 1), (1, 2))):
        db["articles"].insert({"id": f"a{n}", "url": f"http://x/{n}", "outlet": "probe", "title": "t", "text": "b",
                               "relevant": relevant})
        db["article_versions"].insert({"article_id": f"a{n}", "version": version, "capture_id": ids[n]})
    db.conn.commit()
    mark_interrupted(db, [crawl, earlier])
    row = db["crawls"].get(crawl)
    assert row["status"] == "interrupted" and row["pages_fetched"] == 4 and row["failures"] == 1, row
    assert (row["articles_new"], row["articles_irrelevant"], row["articles_updated"]) == (1, 1, 1), row
    assert json.loads(row["counts"])["probe"]["failure_reasons"] == {"http-500": 1}
    assert db["crawls"].get(earlier)["pages_fetched"] == 0  # nothing committed: nothing counted
    catalogue.close()
