"""The extraction workers' fork server (crawler/capture/pool_start.py): Ctrl-C at a crawl's start does not kill it."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import ROOT

# In a process of its own: the fork server is one per process, and the test's own may have started already.
SCRIPT = """
import os, signal, time
from concurrent.futures import ProcessPoolExecutor
from crawler.capture.pool_start import worker_context

context = worker_context()
for _ in range(500):  # multiprocessing does not wait for the server's exec: till then its cmdline is this one's
    servers = [int(pid) for pid in open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()
               if b"forkserver" in open(f"/proc/{pid}/cmdline", "rb").read()]
    if servers:
        break
    time.sleep(0.01)
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


# A researcher's folder with modules of the stdlib's names (as the writer process's test, tests/test_writer_process.py)
FOLDER_SCRIPT = """
from concurrent.futures import ProcessPoolExecutor
from crawler.capture.pool_start import worker_context
from crawler.capture.prepare import extract_page

if __name__ == "__main__":  # each worker runs the main module again
    with ProcessPoolExecutor(max_workers=1, mp_context=worker_context()) as pool:
        print(pool.submit(abs, -7).result(timeout=60))
"""


def test_the_fork_server_runs_our_modules_not_those_of_the_folder_the_crawl_is_started_in(tmp_path) -> None:
    # the server is `python -c ...`: the current folder first on its path, and Python 3.11's forkserver.main does
    # not apply the crawl process's sys.path it is given; a json.py there was imported by trafilatura in its place
    here = tmp_path / "research"
    here.mkdir()
    for name in ("inspect", "json", "types"):
        (here / f"{name}.py").write_text("raise SystemExit('the folder\\'s own module was imported')\n",
                                         encoding="utf-8")
    script = tmp_path / "tool" / "run.py"  # a script's folder, not the current one, first on the crawl's own path
    script.parent.mkdir()
    script.write_text(FOLDER_SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=here,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["7"], proc.stdout + proc.stderr[-3000:]
    assert "own module was imported" not in proc.stderr
