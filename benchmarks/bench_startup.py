"""The fixed CPU cost of a crawl (issue 10): per-process CPU of one small crawl over loopback, and of a bare Scrapy
crawl of the same pages as the baseline, in one command.

    python benchmarks/bench_startup.py [--runs 3] [--tree PATH] [--workers 2]
    python benchmarks/bench_startup.py --suite [--tree PATH]   (the CPU of two crawl-heavy test modules)

The three sites of tests/altsites (WordPress, Drupal, ASP.NET; ~15 article pages with their listings, feeds and
robots.txt) are served on 127.0.0.12-14. Each run is one ``newsarchive crawl`` of them into a fresh data folder
(``--tree``: the checkout whose crawl is measured, e.g. a ``git archive`` copy of an older commit; the sites and this
script always come from this checkout), then one bare Scrapy crawl (benchmarks/throughput/bare_spider.py: no robots.txt,
no pipeline, no storage) of the URLs the crawl fetched with status 200. Every process of each tree is polled in /proc
every 10 ms; its CPU (user + system) is its last reading, so a process that ends between polls may lose up to 10 ms;
the tree's peak RSS and PSS are the largest sums over one poll (RSS counts the pages that processes share once for
each of them; PSS shares them out).
Roles: crawl (the crawl process), writer (crawler.capture.child), server (multiprocessing's fork server, from stop
42), workers (the extraction workers, spawned or forked by the server), tracker (multiprocessing's resource tracker),
other. The figures printed are each run's and the medians over the runs; results in benchmarks/results/startup.md.

``--suite`` runs ``python -m pytest -p no:randomly -n 0`` over tests/test_crawler_sitemap_index.py and
tests/test_e2e_altsites.py in ``--tree`` and prints the CPU seconds of everything it started. Not with
``/usr/bin/time``: a process whose parent has gone (multiprocessing's fork server and resource tracker outlive their
crawl by a moment) is reaped by init, and its CPU is in no one's rusage. Here this process is the "child subreaper"
(prctl PR_SET_CHILD_SUBREAPER): such orphans become its children, and it reaps every one.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from altsites.server import serve_alt_sites  # noqa: E402 (after the tests folder is on the path)
from helpers import FAST  # noqa: E402
from test_e2e_altsites import CONFIG  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")
ROLES = ("crawl", "writer", "server", "workers", "tracker", "other")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds so far) of ``pid``, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / HZ


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of ``pid`` in bytes; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            values = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in f if line.startswith(("Rss:", "Pss:"))}
    except (OSError, ValueError, IndexError):
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def _role(pid: int, root: int, parents: dict[int, int], cmdline: bytes) -> str:
    if pid == root:
        return "crawl"
    if b"crawler.capture.child" in cmdline:
        return "writer"
    if b"resource_tracker" in cmdline:
        return "tracker"
    if b"forkserver" in cmdline:
        return "server" if parents.get(pid) == root else "workers"
    if b"multiprocessing" in cmdline:
        return "workers"
    return "other"


def measured(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[dict[str, float], float]:
    """Run ``cmd``; the CPU seconds of its process tree by role, and its wall-clock seconds."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    parents: dict[int, int] = {}
    cmdlines: dict[int, bytes] = {}
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        todo = [proc.pid]
        rss = pss = 0
        while todo:
            pid = todo.pop()
            todo += _children(pid)
            stat = _stat(pid)
            if stat is None:
                continue
            parents.setdefault(pid, stat[0])  # the parent it started under (an orphan's is init's later)
            cpu[pid] = stat[1]
            memory = _memory(pid)
            rss, pss = rss + memory[0], pss + memory[1]
            try:  # read again each time: a child seen between its fork and its exec still shows its parent's
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdlines[pid] = f.read() or cmdlines.get(pid, b"")
            except OSError:
                pass
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.01)
    wall = time.monotonic() - start
    by_role = dict.fromkeys(ROLES, 0.0)
    for pid, seconds in cpu.items():
        by_role[_role(pid, proc.pid, parents, cmdlines.get(pid, b""))] += seconds
    by_role["rss_mb"], by_role["pss_mb"] = peak_rss / 2**20, peak_pss / 2**20
    return by_role, wall


def one_run(tree: Path, workers: int, env: dict[str, str]) -> dict[str, dict[str, float]]:
    """One crawl of the three sites by ``tree``'s newsarchive, then the bare Scrapy crawl of the same pages."""
    with serve_alt_sites() as sites, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        seeds = work / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        crawl, crawl_wall = measured(
            [sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds), "--data", str(work / "data"),
             *FAST, "-s", f"EXTRACT_WORKERS={workers}"], tree, {**env, "PYTHONPATH": str(tree)})
        fetched = sorted({f"http://{r.host}{r.path}" for r in sites.requests_log
                          if r.method == "GET" and r.status == 200 and not r.path.endswith("robots.txt")})
        urls = work / "urls.txt"
        urls.write_text("\n".join(fetched), encoding="utf-8")
        bare, bare_wall = measured([sys.executable, "-m", "benchmarks.throughput.bare_spider", str(urls),
                                    str(work / "bare.json"), "4", "3"], ROOT, {**env, "PYTHONPATH": str(ROOT)})
    crawl["pages"], crawl["wall"] = float(len(fetched)), crawl_wall
    bare["pages"], bare["wall"] = float(len(fetched)), bare_wall
    return {"crawl": crawl, "bare": bare}


def suite_cpu(tree: Path, env: dict[str, str]) -> tuple[float, int]:
    """CPU seconds (user + system) of the two test modules' pytest run in ``tree``, orphans included; its exit code."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER (<linux/prctl.h>)
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:randomly", "-n", "0", "-q",
                             "tests/test_crawler_sitemap_index.py", "tests/test_e2e_altsites.py"],
                            cwd=tree, env={**env, "PYTHONPATH": str(tree)}, stdout=subprocess.DEVNULL)
    code = proc.wait()
    while True:  # the orphans handed to this process, until none is left
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), code


def _line(name: str, figures: dict[str, float]) -> str:
    parts = [f"{role} {figures[role]:.2f}" for role in ROLES if figures.get(role)]
    total = sum(figures[role] for role in ROLES)
    return f"{name:<14} tree {total:5.2f} s CPU  ({', '.join(parts)})  wall {figures['wall']:.1f} s, " \
           f"{figures['pages']:.0f} pages, peak RSS {figures['rss_mb']:.0f} MB (PSS {figures['pss_mb']:.0f})"


def main() -> None:
    """Measure ``--runs`` runs and print each and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose crawl is measured")
    parser.add_argument("--workers", type=int, default=2, help="EXTRACT_WORKERS of the crawl")
    parser.add_argument("--suite", action="store_true", help="the CPU of two crawl-heavy test modules instead")
    args = parser.parse_args()
    # as the test suite runs its crawls (tests/conftest.py): bytecode cached, outside the checkout
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / f"newsarchive-pycache-{os.getuid()}"))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.tree, capture_output=True, text=True)
    print(f"tree {args.tree} ({head.stdout.strip() or 'not a git checkout'}), {args.workers} workers, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()[0]:.1f}")
    if args.suite:
        seconds, code = suite_cpu(args.tree.resolve(), env)
        print(f"pytest tests/test_crawler_sitemap_index.py tests/test_e2e_altsites.py: {seconds:.1f} s CPU, exit {code}")
        return
    runs = []
    for i in range(args.runs):
        run = one_run(args.tree.resolve(), args.workers, env)
        runs.append(run)
        print(f"run {i + 1}")
        for name in ("crawl", "bare"):
            print("  " + _line("newsarchive" if name == "crawl" else "bare Scrapy", run[name]))
    print("medians")
    for name in ("crawl", "bare"):
        keys = [*ROLES, "wall", "pages", "rss_mb", "pss_mb"]
        median = {k: statistics.median(r[name][k] for r in runs) for k in keys}
        print("  " + _line("newsarchive" if name == "crawl" else "bare Scrapy", median))


if __name__ == "__main__":
    main()
