"""Benchmark: a politeness-bound crawl by 1, 2 and 4 workers (issue 11): wall time falls, no outlet goes faster.

Run: python benchmarks/bench_scaleout.py [--sets 3] [--delay 1.0] [--workers 1,2,4] [--out FILE]

Serves ``--sets`` copies of the three demo outlets (crawler/demo) on loopback (127.0.0.2 upwards, one address per
outlet), each configured with ``download_delay = --delay``, starts a real redis-server on a free port and, for each
worker count, that many ``newsarchive worker`` processes and one ``newsarchive crawl --redis`` into a fresh data
folder. Timed: the coordinator, from start to exit (the workers are already waiting). From the servers' request
logs: requests per outlet, the smallest gap between two requests to one outlet (Scrapy randomises the delay to
0.5-1.5 times ``download_delay``, on one machine too) and each outlet's mean rate over its crawl.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.demo import serve_demo_sites

CLI = [sys.executable, "-m", "crawler.cli.main", "-q"]
CRAWL_ARGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CRAWL_CONTACT_URL=http://127.0.0.1/bench"]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server on a free loopback port (no persistence); its process and URL."""
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--dir", str(folder), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def run(workers: int, seeds: Path, redis_url: str, folder: Path, log: list[tuple[str, float]]) -> dict:
    """One crawl by ``workers`` workers into a fresh folder; its figures."""
    data = folder / f"data-{workers}"
    procs = [subprocess.Popen([*CLI, "worker", "--redis", redis_url, "--seeds", str(seeds), "--data", str(data),
                               "--name", f"b{workers}-{i}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=(folder / f"w{workers}-{i}.log").open("wb"))
             for i in range(workers)]
    try:
        time.sleep(3)  # the workers are up and polling (their start-up is not the crawl's time)
        first = len(log)
        started = time.monotonic()
        proc = subprocess.run([*CLI, "crawl", "--redis", redis_url, "--seeds", str(seeds), "--data", str(data),
                               *CRAWL_ARGS], cwd=ROOT, capture_output=True, text=True, timeout=1800)
        wall = time.monotonic() - started
        if proc.returncode != 0:
            raise RuntimeError(f"crawl failed: {proc.stderr[-2000:]}")
        requests = log[first:]
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
    by_host: dict[str, list[float]] = {}
    for host, at in requests:
        by_host.setdefault(host, []).append(at)
    gaps = [b - a for times in by_host.values() for a, b in zip(times, times[1:])]
    rates = [(len(t) - 1) / (t[-1] - t[0]) for t in by_host.values() if len(t) > 1 and t[-1] > t[0]]
    with sqlite3.connect(data / "catalogue.db") as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    return {"workers": workers, "wall": wall, "requests": len(requests), "outlets": len(by_host),
            "articles": articles, "min_gap": min(gaps), "max_rate": max(rates)}


def main() -> None:
    """Run the benchmark and print (and optionally write) a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=3, help="copies of the three demo outlets (3 -> 9 outlets)")
    parser.add_argument("--delay", type=float, default=1.0, help="each outlet's download_delay, seconds")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--out", type=Path, default=None, help="write the table here too")
    args = parser.parse_args()
    log: list[tuple[str, float]] = []
    lock = threading.Lock()

    def record(host: str, method: str, path: str, headers: list[tuple[str, str]]) -> None:
        with lock:
            log.append((host, time.monotonic()))

    folder = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    redis_proc, redis_url = start_redis(folder)
    try:
        with ExitStack() as stack:
            blocks = []
            for n in range(args.sets):
                hosts = tuple(f"127.0.0.{2 + 3 * n + i}" for i in range(3))
                sites = stack.enter_context(serve_demo_sites(hosts, on_request=record))
                text = sites.write_seeds(folder / f"set{n}.toml").read_text(encoding="utf-8")
                for o in sites.outlets:  # each copy's outlets get their own names
                    text = text.replace(f'name = "{o.name}"', f'name = "{o.name}-{n}"')
                blocks.append(text.replace("download_delay = 0\n", f"download_delay = {args.delay}\n"))
            seeds = folder / "seeds.toml"
            seeds.write_text("\n".join(blocks), encoding="utf-8")
            rows = [run(int(w), seeds, redis_url, folder, log) for w in args.workers.split(",")]
    finally:
        redis_proc.terminate()
        redis_proc.wait()
    limit = 1 / args.delay
    lines = [f"Machine: {os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
             f"{datetime.date.today().isoformat()}; {3 * args.sets} outlets, download_delay {args.delay} s each "
             f"(limit {limit:.2f} requests/s per outlet; Scrapy's randomised delay: gaps from {0.5 * args.delay:.2f} s).",
             "",
             "| workers | wall time (s) | speed-up | requests | articles | smallest gap to one outlet (s) "
             "| fastest outlet mean rate (req/s) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    base = rows[0]["wall"]
    for r in rows:
        lines.append(f"| {r['workers']} | {r['wall']:.1f} | {base / r['wall']:.2f} | {r['requests']} | "
                     f"{r['articles']} | {r['min_gap']:.3f} | {r['max_rate']:.2f} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
