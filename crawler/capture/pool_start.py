"""How the extraction workers start: forked by one multiprocessing fork server that imported their code once.

Before stop 42 each worker was a "spawn" process: a fresh interpreter that imported the command line again
(multiprocessing re-runs the parent's ``__main__`` in every child), the worker's modules and, on its first page,
the extraction stack (trafilatura, htmldate, ~400 regular expressions compiled at import): 0.8-0.9 s of CPU per
worker before its first page was read, on every crawl, re-crawl and rebuilt pool (issue 10). The "forkserver"
start method imports them once, in a server the crawl process starts, and forks each worker from it.

Forking the crawl process itself ("fork") stays unsafe: it runs the Twisted reactor and threads (its writer's
sender and reader). The fork server is a fresh interpreter, started before any worker, that runs nothing but the
imports below and a loop that forks on request (https://docs.python.org/3/library/multiprocessing.html, "Contexts
and start methods"), with this package first on its path and the current folder not on it (_server_path). A worker's parent is then that server, not the crawl process: the server exits when the crawl
process does (it reads the end of a pipe only the crawl process holds), so a worker dies with it in turn
(crawler.scheduling.orphans.die_with_fork_server).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from pathlib import Path

from crawler.scheduling.orphans import ignored_by_children

# What a worker imports: its job (prepare), the extraction stack extract_page imports on the first page (article,
# decode, and trafilatura, which crawler.extraction imports inside functions), and what the command line imports
# (catalogues, options): it is the __main__ of every crawl that `newsarchive` or `python -m crawler.cli.main` starts,
# and each child runs it again (as ``__mp_main__``, multiprocessing.spawn's preparation). Not crawler.cli.main itself:
# run again under `-m` while it is in sys.modules, runpy warns (a RuntimeWarning on every worker's stderr).
WORKER_MODULES = ("crawler.capture.prepare", "crawler.extraction.article", "crawler.extraction.decode", "trafilatura",
                  "crawler.cli.catalogues", "crawler.cli.options")


def worker_context() -> BaseContext:
    """The multiprocessing context the extraction pool starts its workers with: "forkserver" where the platform has
    it (Linux, macOS), its server started now with WORKER_MODULES imported; "spawn" elsewhere."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_MODULES))  # read when the server starts, below
    # Ctrl-C reaches the whole process group, and the server ignores it only once its imports are done: one at a
    # crawl's start killed it (KeyboardInterrupt in an import), and every page then failed with a broken pipe
    # (tests/test_capture_pool_start.py). Started ignoring SIGINT, the server and the workers it forks ignore it.
    with ignored_by_children(signal.SIGINT), _server_path():
        forkserver.ensure_running()  # a server already running (a pool made again, a second crawl) is kept
    return context


@contextmanager
def _server_path() -> Iterator[None]:
    """The environment the server starts with: PYTHONSAFEPATH set and this ``crawler`` package's folder first on
    PYTHONPATH, as the writer process is started (crawler.capture.process: ``-P``).

    Why: the server is ``python -c ...``, which puts the current folder first on its path, and Python 3.11's
    ``multiprocessing.forkserver.main`` does not apply the crawl process's ``sys.path`` it is handed: a researcher's
    own json.py or inspect.py in the folder a crawl was started from replaced the stdlib's in the server's imports,
    and the server died (every page then an EOFError), or a checkout's ``crawler`` was not found there. The workers,
    forked from the server, inherit both; the crawl process's own environment is restored once the server runs."""
    saved = {key: os.environ.get(key) for key in ("PYTHONSAFEPATH", "PYTHONPATH")}
    root = str(Path(__file__).resolve().parents[2])
    os.environ["PYTHONSAFEPATH"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join([root, saved["PYTHONPATH"]]) if saved["PYTHONPATH"] else root
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
