"""Soak: the real scheduler runs many short crawl and watch cycles against a site whose articles are edited and
deleted; the scheduler's memory and open files, the catalogue's WAL and DATA/logs/ stay flat, nothing fails, and
`check` passes at the end. ``SOAK_SECONDS`` sets the length (the long run: benchmarks/soak.py)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT

from archive.catalogue.db import JOURNAL_SIZE_LIMIT

LOG_KEEP = 8


@dataclass
class Sample:
    """One look at the running scheduler and its data folder."""

    t: float
    rss_kib: int
    fds: int
    wal_bytes: int
    log_files: int
    log_bytes: int
    crawls: int


@dataclass
class SoakResult:
    """What a soak run saw."""

    seconds: float
    log_keep: int = LOG_KEEP  # the ARCHIVE_LOG_KEEP the scheduler ran with
    samples: list[Sample] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    versions: int = 0
    deletions: int = 0
    articles: int = 0
    failures: list[str] = field(default_factory=list)  # trigger, exit code and error of each failed cycle
    check_rc: int = -1
    check_out: str = ""
    scheduler_rc: int | None = None

    def thirds(self, name: str) -> tuple[int, int]:
        """The highest value of ``name`` in the middle and in the last third of the run (the first is warm-up)."""
        n = len(self.samples)
        middle = self.samples[n // 3: 2 * n // 3]
        last = self.samples[2 * n // 3:]
        return max(getattr(s, name) for s in middle), max(getattr(s, name) for s in last)

    def to_json(self) -> str:
        """The result as JSON (for benchmarks/results)."""
        return json.dumps({**asdict(self), "samples": [asdict(s) for s in self.samples]}, indent=1)


def _proc_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _sample(pid: int, data: Path, started: float) -> Sample:
    logs = list((data / "logs").glob("*.log")) if (data / "logs").is_dir() else []
    wal = data / "catalogue.db-wal"
    try:
        conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=10)
        try:
            crawls = conn.execute("select count(*) from crawls").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        crawls = 0
    log_bytes = 0
    for p in logs:
        try:
            log_bytes += p.stat().st_size
        except FileNotFoundError:
            pass
    return Sample(round(time.monotonic() - started, 1), _proc_rss_kib(pid), len(os.listdir(f"/proc/{pid}/fd")),
                  wal.stat().st_size if wal.exists() else 0, len(logs), log_bytes, crawls)


def _mutate(site: FaultSite, stop: threading.Event) -> None:
    """Edit an article every second; delete one every few seconds and bring an older deletion back."""
    rng = random.Random(7)
    tick = 0
    while not stop.wait(1.0):
        tick += 1
        n = rng.randint(1, site.articles)
        site.edits[n] = site.edits.get(n, 0) + 1
        if tick % 4 == 0:
            site.deleted.add(rng.randint(1, site.articles))
        if tick % 9 == 0 and site.deleted:
            site.deleted.discard(min(site.deleted))


def _ended_cycles(data: Path) -> int:
    """How many crawl and watch runs have ended (0 while the catalogue does not exist yet)."""
    try:
        conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute("select count(*) from crawls where ended_at is not null").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def run_soak(root: Path, seconds: float, *, articles: int = 10, every: str = "1s", cycles: int | None = None,
             log_keep: int = LOG_KEEP) -> SoakResult:
    """Run ``newsarchive schedule`` for ``seconds`` against an edited site, sampling it; then stop and check.

    With ``cycles``, the run ends once that many crawl and watch runs have ended (``seconds`` is then the most
    it may take): a slow machine runs longer rather than seeing fewer cycles."""
    data = root / "data"
    result = SoakResult(seconds, log_keep)
    stop = threading.Event()
    with serve_fault_site(FaultSite(articles=articles)) as site:
        seeds = site.seeds(root / "seeds.toml", schedule=every)
        cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "schedule", "--seeds", str(seeds), "--data", str(data),
               "--watch-every", "2s", "--backoff", "1d:1s", "--stop-grace", "20",
               "-s", f"ARCHIVE_LOG_KEEP={log_keep}", "-s", "EXTRACT_WORKERS=1"]
        for i in range(1, len(FAST), 2):
            cmd += ["-s", FAST[i]]
        mutator = threading.Thread(target=_mutate, args=(site, stop), daemon=True)
        log = open(root / "scheduler.log", "wb")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log)
        started = time.monotonic()
        mutator.start()
        try:
            while time.monotonic() - started < seconds:
                time.sleep(2.0)
                assert proc.poll() is None, (root / "scheduler.log").read_text()[-3000:]
                result.samples.append(_sample(proc.pid, data, started))
                if cycles is not None and _ended_cycles(data) >= cycles:
                    break
        finally:
            stop.set()
            proc.send_signal(signal.SIGTERM)
            try:
                result.scheduler_rc = proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                proc.kill()
                result.scheduler_rc = proc.wait()
            log.close()
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    try:
        result.statuses = dict(conn.execute("select status || ' ' || trigger, count(*) from crawls group by 1"))
        result.failures = [f"{t} exit {c}: {e}" for t, c, e in conn.execute(
            "select trigger, exit_code, error from crawls where status = 'failed'")]
        result.versions = conn.execute("select count(*) from article_versions").fetchone()[0]
        result.articles = conn.execute("select count(*) from articles").fetchone()[0]
        result.deletions = conn.execute("select count(*) from article_events where kind = 'deleted'").fetchone()[0]
    finally:
        conn.close()
    check = subprocess.run([sys.executable, "-m", "crawler.cli.main", "check", "--data", str(data)], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    result.check_rc, result.check_out = check.returncode, (check.stdout + check.stderr)[-3000:]
    return result


def assert_flat(result: SoakResult) -> None:
    """The assertions of a soak run (shared with benchmarks/soak.py)."""
    assert result.scheduler_rc == 0
    failed = {k: v for k, v in result.statuses.items() if not k.startswith(("finished", "stopped"))}
    assert not failed, (result.statuses, result.failures)
    assert result.check_rc == 0, result.check_out
    assert result.versions > result.articles and result.deletions > 0  # edits and deletions were seen
    rss_mid, rss_last = result.thirds("rss_kib")
    assert rss_last <= rss_mid * 1.15 + 4096, (rss_mid, rss_last)
    # open files: a leak raises every later sample; a sample taken while a crawl is being started holds its pipes for
    # a moment (3 -> 7 once in a loaded CI run), so the last third's lowest is what must stay flat
    fds_mid, _ = result.thirds("fds")
    fds_last = min(s.fds for s in result.samples[2 * len(result.samples) // 3:])
    assert fds_last <= fds_mid + 3, (fds_mid, fds_last)
    wal_mid, wal_last = result.thirds("wal_bytes")
    # checkpoints run every WAL_CHECKPOINT_BYTES and cut the file back to JOURNAL_SIZE_LIMIT (archive.catalogue.db)
    assert wal_last <= max(wal_mid * 1.5, JOURNAL_SIZE_LIMIT), (wal_mid, wal_last)
    # DATA/logs/ holds at most ARCHIVE_LOG_KEEP logs (plus those of the crawls running at that moment)
    log_files = [s.log_files for s in result.samples]
    assert max(log_files) <= result.log_keep + 2, (result.log_keep, log_files)
    log_mid, log_last = result.thirds("log_bytes")
    assert log_last <= log_mid * 1.5 + 200_000, (log_mid, log_last)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS and open files from Linux /proc")
def test_scheduler_soak_stays_flat(tmp_path: Path) -> None:
    if "SOAK_SECONDS" in os.environ:  # a run of a set length
        result = run_soak(tmp_path, float(os.environ["SOAK_SECONDS"]))
    else:
        # until 10 runs have ended (about 25 s; it was a fixed 45 s, which saw 16 here): the 8 asserted
        # below with room to spare, however slow the machine (120 s at most). ARCHIVE_LOG_KEEP 4: DATA/logs/
        # is pruned from the fifth run on, so its bound is tested for most of the run, not only past run eight
        result = run_soak(tmp_path, 120.0, cycles=10, log_keep=4)
    (tmp_path / "soak.json").write_text(result.to_json())
    cycles = sum(result.statuses.values())
    assert cycles >= 8, result.statuses  # enough to see a trend (the long run: benchmarks/bench_soak.py)
    if "SOAK_SECONDS" not in os.environ:
        # each run writes a log: more were written than DATA/logs/ may hold, so assert_flat's bound tests pruning
        assert cycles > result.log_keep + 2, (cycles, result.log_keep)
    assert_flat(result)


def test_prune_logs_keeps_the_newest_and_those_of_running_crawls(tmp_path: Path) -> None:
    from crawler.scheduling.logs import prune_logs

    logs = []
    for i in range(6):
        path = tmp_path / f"outlet-{i}.log"
        path.write_text(f"log {i}\n")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
        logs.append(path)
    (tmp_path / "notes.txt").write_text("not a log")
    deleted = prune_logs(tmp_path, 2, protect={logs[0]})
    assert sorted(p.name for p in deleted) == ["outlet-1.log", "outlet-2.log", "outlet-3.log"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "outlet-0.log", "outlet-4.log", "outlet-5.log"]
