"""The extraction workers' fork server (crawler/capture/pool_start.py): Ctrl-C at a crawl's start does not kill it."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT

# In a process of its own: the fork server is one per process, and the test's own may have started already.
SCRIPT = """
import os, signal, time
from concurrent.futures import ProcessPoolExecutor
from crawler.capture.pool_start import worker_context

context = worker_context()
servers = [int(pid) for pid in open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()
           if b"forkserver" in open(f"/proc/{pid}/cmdline", "rb").read()]
assert len(servers) == 1, servers
for _ in range(10):  # Ctrl-C, as a terminal sends it to the process group, while the server imports its modules
    os.kill(servers[0], signal.SIGINT)
    time.sleep(0.02)
with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
    result = pool.submit(abs, -7).result(timeout=60)
    worker = next(iter(pool._processes))
    parent = int(open(f"/proc/{worker}/stat").read().rsplit(")", 1)[1].split()[1])
# the job ran, in a worker of the server that got the Ctrl-Cs (a dead server is replaced by a new one), and this
# process's own Ctrl-C handler is back
print(result, parent == servers[0], signal.getsignal(signal.SIGINT) is signal.default_int_handler)
"""


def test_ctrl_c_while_the_fork_server_starts_does_not_kill_it() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["7", "True", "True"], proc.stdout + proc.stderr[-3000:]
    assert "KeyboardInterrupt" not in proc.stderr
