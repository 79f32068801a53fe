"""``-v`` shows the crawl's DEBUG lines, not the extraction libraries' inner steps (stop 39).

Before: ``newsarchive -v demo`` printed 464 lines, 143 of them trafilatura's DEBUG ("discarding element", "not enough
text") from the extraction workers, a third of the log and nothing about the crawl.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from crawler.capture.prepare import init_worker
from crawler.config.bundled import LEXICON

LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext", "readability")


def _levels() -> tuple[int, dict[str, int]]:
    return (logging.getLogger().getEffectiveLevel(),
            {name: logging.getLogger(f"{name}.inner").getEffectiveLevel() for name in LIBRARIES})


def test_a_worker_at_debug_shows_the_libraries_from_info_up() -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                             initargs=(os.getpid(), LEXICON, 0.0, logging.DEBUG)) as pool:
        root, libraries = pool.submit(_levels).result(timeout=60)
    assert root == logging.DEBUG
    assert libraries == dict.fromkeys(LIBRARIES, logging.INFO)


def test_a_worker_at_warning_keeps_the_libraries_at_warning() -> None:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                             initargs=(os.getpid(), LEXICON, 0.0, logging.WARNING)) as pool:
        root, libraries = pool.submit(_levels).result(timeout=60)
    assert root == logging.WARNING
    assert libraries == dict.fromkeys(LIBRARIES, logging.WARNING)


def test_the_command_lines_v_leaves_the_libraries_at_info() -> None:
    # in its own interpreter: setup_logging changes the root logger of the process it runs in
    code = ("import logging; from crawler.cli.log import setup_logging; setup_logging(1, 0); "
            "print(logging.getLogger().getEffectiveLevel(), logging.getLogger('trafilatura.main_extractor')"
            ".getEffectiveLevel(), logging.getLogger('scrapy.core.engine').getEffectiveLevel())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == [str(logging.DEBUG), str(logging.INFO), str(logging.DEBUG)]
