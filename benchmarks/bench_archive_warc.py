"""Benchmark: WarcArchive.write_exchange throughput with fsync after every N exchanges."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]) if len(sys.argv) < 2 else sys.argv[1])

from archive.records import Exchange  # noqa: E402
from archive.warc.writer import WarcArchive  # noqa: E402

BODY = os.urandom(30_000)  # a compressed article page is 20-60 kB; random bytes do not compress (worst case)
N = 500


def run(fsync_every: int) -> float:
    tmp = Path(tempfile.mkdtemp(dir=os.environ.get("BENCH_DIR")))
    ex = Exchange(url="https://example.ly/a", method="GET", request_headers=(("Host", "example.ly"),),
                  request_body=b"", status=200, reason="OK", protocol="HTTP/1.1",
                  response_headers=(("Content-Type", "text/html"),), body=BODY)
    archive = WarcArchive(tmp, fsync_every=fsync_every)
    start = time.perf_counter()
    for _ in range(N):
        archive.write_exchange(ex)
    archive.close()
    elapsed = time.perf_counter() - start
    shutil.rmtree(tmp)
    return elapsed


if __name__ == "__main__":
    for every in (0, 100, 10, 1):
        t = run(every)
        print(f"fsync_every={every:>3}: {N / t:8.0f} exchanges/s  {t / N * 1000:6.2f} ms/exchange")
