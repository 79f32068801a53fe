"""Measure a process tree from /proc: CPU seconds, peak RSS, bytes written, and an RSS curve over time.

Hand-written over /proc rather than psutil (not a project dependency) because two figures need kernel details psutil
does not expose: a zombie's /proc/<pid>/io and stat already include every descendant it reaped (kernel/exit.c
wait_task_zombie adds the child's CPU and I/O accounting to the parent's), so reading the crawl process after it
exits but before it is reaped (waitid WNOWAIT) gives the whole tree's CPU and bytes written, pool workers included.
"""

from __future__ import annotations

import logging
import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_times(pid: int) -> tuple[float, float]:
    """(own CPU seconds, CPU seconds of the process and every descendant it has reaped)."""
    fields = _stat(pid)
    own = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return own, own + (int(fields[13]) + int(fields[14])) / TICK  # + cutime, cstime


def write_bytes(pid: int) -> int:
    """Bytes the process (and the descendants it reaped) caused to be written to storage."""
    with open(f"/proc/{pid}/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("write_bytes:"))


def rss(pid: int) -> int:
    """Resident set size in bytes (0 for a process that is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def pss(pid: int) -> int:
    """Proportional set size in bytes (pages shared by n processes count 1/n each; 0 for a process that is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration, IndexError, ValueError):
        return 0


def role(pid: int, root: int) -> str:
    """What a process of the crawl's tree is: crawl (``root``), writer, workers (extraction pool), tracker, other."""
    if pid == root:
        return "crawl"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"crawler.capture.child" in cmd:
        return "writer"
    if b"resource_tracker" in cmd:
        return "tracker"
    if b"multiprocessing" in cmd:
        return "workers"
    return "other"


def by_role(pids: list[int], root: int) -> dict[str, int]:
    """RSS bytes of ``pids`` added up by role (see ``role``)."""
    out: dict[str, int] = {}
    for p in pids:
        kind = role(p, root)
        out[kind] = out.get(kind, 0) + rss(p)
    return out


def descendants(pid: int, skip: frozenset[int] = frozenset()) -> list[int]:
    """The process and all its live descendants (from /proc/<pid>/task/<tid>/children), less ``skip``'s subtrees."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in skip:
            continue
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


@dataclass
class Sampler:
    """Samples the RSS of a process and its tree every ``every`` seconds in a thread; keeps the peaks and a curve."""

    pid: int
    every: float = 0.2
    extra: Callable[[], dict[str, object]] | None = None  # more columns for the curve (e.g. pages archived)
    curve_every: float = 0.0  # seconds between curve rows; 0: no curve
    skip: frozenset[int] = frozenset()  # processes (with their subtrees) not counted, e.g. the mirror's server
    peak_own: int = 0
    peak_tree: int = 0
    peak_pss_tree: int = 0  # the tree's PSS at its highest sample: shared pages counted once in all
    peak_roles: dict[str, int] = field(default_factory=dict)  # each role's highest RSS (crawl, writer, workers...)
    curve: list[dict[str, object]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        """One sample of the tree."""
        pids = descendants(self.pid, self.skip)
        roles = by_role(pids, self.pid)
        own, tree = roles.get("crawl", 0), sum(roles.values())
        self.peak_own, self.peak_tree = max(self.peak_own, own), max(self.peak_tree, tree)
        for kind, value in roles.items():
            self.peak_roles[kind] = max(self.peak_roles.get(kind, 0), value)
        self.peak_pss_tree = max(self.peak_pss_tree, sum(pss(p) for p in pids))

    def _run(self) -> None:
        start, next_row = time.monotonic(), 0.0
        # sample first, then wait: a command shorter than one interval still gets its sample (a fresh machine's
        # 0.15 s test command was missed by a first sample at 0.2 s)
        while True:
            self.sample()
            if self._stop.wait(self.every):
                break
            elapsed = time.monotonic() - start
            if self.curve_every and elapsed >= next_row:
                pids = descendants(self.pid, self.skip)
                roles = by_role(pids, self.pid)
                row: dict[str, object] = {"seconds": round(elapsed, 1),
                                          "rss_crawl_mb": round(roles.get("crawl", 0) / 2**20, 1),
                                          "rss_tree_mb": round(sum(roles.values()) / 2**20, 1),
                                          "rss_writer_mb": round(roles.get("writer", 0) / 2**20, 1),
                                          "rss_workers_mb": round(roles.get("workers", 0) / 2**20, 1),
                                          "processes": len(pids)}
                if self.extra:
                    row.update(self.extra())
                self.curve.append(row)
                next_row += self.curve_every

    def __enter__(self) -> Sampler:  # noqa: PYI034 (a plain dataclass, never subclassed)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


@dataclass(frozen=True)
class Run:
    """What one measured command cost."""

    returncode: int
    wall: float
    cpu_own: float  # the command's own process
    cpu_tree: float  # with every descendant
    peak_rss_own: int
    peak_rss_tree: int  # the sum of the tree's RSS at its peak sample (shared pages counted once per process)
    written: int  # bytes written to storage by the tree
    curve: tuple[dict[str, object], ...] = ()
    peak_pss_tree: int = 0  # the tree's PSS at its peak sample (shared pages counted once)
    peak_roles: tuple[tuple[str, int], ...] = ()  # each role's highest RSS: crawl, writer, workers (all), tracker


def run_measured(cmd: list[str], *, cwd: Path, log: Path, env: dict[str, str] | None = None,
                 timeout: float = 3600, extra: Callable[[], dict[str, object]] | None = None,
                 curve_every: float = 0.0) -> Run:
    """Run ``cmd`` to the end, its output to ``log``, and measure its process tree."""
    with log.open("wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        with Sampler(proc.pid, extra=extra, curve_every=curve_every) as sampler:
            deadline = start + timeout
            while True:
                # Wait for the exit without reaping, so /proc/<pid> still holds the tree's totals.
                info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
                if info is not None:
                    break
                if time.monotonic() > deadline:
                    logger.error("%s ran past %ss: killed", cmd[:3], timeout)
                    proc.kill()
                time.sleep(0.05)
            wall = time.monotonic() - start
            own, tree = cpu_times(proc.pid)
            written = write_bytes(proc.pid)
        proc.wait()
    return Run(proc.returncode, wall, own, tree, sampler.peak_own, sampler.peak_tree, written, tuple(sampler.curve),
               sampler.peak_pss_tree, tuple(sorted(sampler.peak_roles.items())))


def self_usage() -> tuple[float, float]:
    """(CPU seconds of this process, CPU seconds of its reaped children), for arms run in this process."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
