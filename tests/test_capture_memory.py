"""crawler.capture.memory: page-sized blocks a crawl process frees go back to the OS (glibc's threshold fixed)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from crawler.capture import memory
from crawler.capture.process import _child_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Frees one 4 MB block (glibc then raises its threshold to 4 MB), then allocates 200 page-sized blocks and frees all
# but the last: from the heap, their space stays resident below the last one; from mmap, it goes back at once.
CHURN = """
import sys
from crawler.capture.memory import fix_mmap_threshold
if sys.argv[1] == "fixed":
    assert fix_mmap_threshold()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
x = bytearray(4 << 20)
del x
before = rss()
blocks = [bytearray(200_000) for _ in range(200)]
last = blocks[-1]
del blocks
print(rss() - before)
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")


def kept_after_churn(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != memory.ENV}
    proc = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=True, timeout=60)
    return int(proc.stdout)


@glibc
def test_with_the_threshold_fixed_freed_page_sized_blocks_leave_the_process():
    assert kept_after_churn("dynamic") > 20 << 20  # glibc's default: ~40 MB of freed blocks stay resident
    assert kept_after_churn("fixed") < 4 << 20


def test_an_operators_threshold_is_left_alone(monkeypatch):
    monkeypatch.setenv(memory.ENV, "65536")
    assert memory.fix_mmap_threshold() is False
    assert memory.child_env({memory.ENV: "65536"})[memory.ENV] == "65536"


def test_the_writer_process_starts_with_the_threshold_fixed(monkeypatch):
    monkeypatch.delenv(memory.ENV, raising=False)
    assert _child_env()[memory.ENV] == str(memory.MMAP_THRESHOLD)
