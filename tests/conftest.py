"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, load_lexicon

# Bytecode for the Python processes the tests start (every crawl, its writer and extraction workers, every CLI call:
# several hundred in a run). Where PYTHONDONTWRITEBYTECODE is set, each of them compiled the project's modules from
# source again; here they share one cache outside the checkout (PYTHONPYCACHEPREFIX), which Python checks against
# each source file's size and mtime as it does a __pycache__ folder. The pytest process itself is left as it is.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / f"newsarchive-pycache-{os.getuid()}"))


# The suite runs on pytest-xdist workers (pyproject.toml's addopts: `-n auto --dist loadscope`). Most of its time is
# spent waiting (crawls over loopback, child processes, redis-server, sleeps), so it runs more workers than cores.
# On a 2-core VM shared with other runs (load 5 to 25), 4 workers took 8 to 14 minutes, 3 took 13 and 2 took 14;
# serially it took 9 minutes on a quiet machine. A developer's serial run: -n 0 (or -p no:xdist).
MIN_WORKERS, MAX_WORKERS = 2, 8


@pytest.hookimpl(optionalhook=True)  # xdist's hook: unknown (and unused) under -p no:xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """The worker count for ``-n auto``: two per core available to us, at least 2, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))  # what this process may use (a container's or taskset's share)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(MIN_WORKERS, min(MAX_WORKERS, 2 * cores))


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """With xdist blocked (``-p no:xdist``), accept and ignore addopts' ``-n``/``--dist`` so the run is serial."""
    if pluginmanager.is_blocked("xdist"):
        group = parser.getgroup("xdist", "distributed testing (blocked by -p no:xdist: these options do nothing)")
        group._addoption("-n", "--numprocesses", dest="numprocesses", default=None)  # xdist's own spelling
        group.addoption("--dist", dest="dist", default="no")


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The bundled relevance lexicon, loaded once (a module that defines its own ``lexicon`` fixture overrides it)."""
    return load_lexicon(LEXICON)
