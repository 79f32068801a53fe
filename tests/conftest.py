"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
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
        group.addoption("--no-loadscope-reorder", dest="loadscopereorder", action="store_false")
    parser.addoption("--record-module-seconds", action="store_true",
                     help=f"write each test module's seconds (setup, call, teardown) to {MODULE_SECONDS.name}")


# Longest modules first. Under --dist loadscope each module (or class) is one unit of work, handed out in collection
# order (addopts turns off xdist's own reordering, which sends the units with the most tests first: the long crawl
# modules, a few tests each, went last and ran alone for minutes at the end). Sorting the units longest first is the
# classic longest-processing-time rule: the run ends with short modules filling the gaps. The seconds are a run's
# record (`python -m pytest --record-module-seconds`), relative only; a module not in it counts as a middling one.
MODULE_SECONDS = Path(__file__).with_name("module_seconds.json")
UNKNOWN_MODULE_SECONDS = 10.0


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the modules that took longest in the recorded run first, keeping each module's own order."""
    try:
        seconds = json.loads(MODULE_SECONDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(_module(item.nodeid), len(first_seen))
    items.sort(key=lambda item: (-seconds.get(_module(item.nodeid), UNKNOWN_MODULE_SECONDS),
                                 first_seen[_module(item.nodeid)]))


_spent: defaultdict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each module's seconds (on the controller, xdist's workers send it their reports)."""
    _spent[_module(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With --record-module-seconds, write the run's seconds per module (the controller or a serial run only)."""
    if session.config.getoption("record_module_seconds") and not hasattr(session.config, "workerinput") and _spent:
        record = {module: round(spent, 1) for module, spent in sorted(_spent.items(), key=lambda kv: -kv[1])}
        MODULE_SECONDS.write_text(json.dumps(record, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The bundled relevance lexicon, loaded once (a module that defines its own ``lexicon`` fixture overrides it)."""
    return load_lexicon(LEXICON)
