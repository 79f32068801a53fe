"""Arms 2 and 3, the extraction ceilings: plain trafilatura or our extract_article over the mirror in a process pool."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.throughput.measure import Sampler

logger = logging.getLogger(__name__)


def _warm(kind: str) -> None:
    """Import the extractor in the worker before the clock starts (both arms pay it once per worker)."""
    if kind == "trafilatura":
        import trafilatura  # noqa: F401
    else:
        import crawler.extraction.article  # noqa: F401


def _noop(_: int) -> int:
    return os.getpid()


def extract_one(kind: str, path: str, url: str) -> tuple[bool, float]:
    """Extract one page; (an article came out, CPU seconds this worker spent on it)."""
    data = Path(path).read_bytes()
    start = time.process_time()
    if kind == "trafilatura":
        import trafilatura

        ok = bool(trafilatura.extract(data, url=url))
    else:
        from archive.records import ExtractedArticle
        from crawler.extraction.article import extract_article

        ok = isinstance(extract_article(data, url), ExtractedArticle)
    return ok, time.process_time() - start


@dataclass(frozen=True)
class PoolRun:
    """What an extraction arm cost."""

    pages: int
    articles: int
    wall: float
    cpu_workers: float  # CPU seconds the workers spent extracting
    cpu_parent: float  # CPU seconds this process spent feeding the pool and collecting results
    peak_rss_tree: int


def run_pool(kind: str, items: list[tuple[str, str]], workers: int, skip: frozenset[int] = frozenset()) -> PoolRun:
    """Extract every (file, url) with ``workers`` spawned processes; time from first page to last."""
    ctx = multiprocessing.get_context("spawn")  # as the crawl's own pool (crawler/pipelines.py)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm, initargs=(kind,)) as pool:
        # Start every worker and let it import before timing: the ceiling is the steady-state rate.
        list(pool.map(_noop, range(workers * 4)))
        with Sampler(os.getpid(), skip=skip) as sampler:  # this process and the pool, not the server
            start, cpu0 = time.monotonic(), time.process_time()
            kinds = [kind] * len(items)
            results = list(pool.map(extract_one, kinds, [p for p, _ in items], [u for _, u in items], chunksize=4))
            wall, cpu_parent = time.monotonic() - start, time.process_time() - cpu0
            sampler.sample()
    return PoolRun(len(items), sum(ok for ok, _ in results), wall, sum(c for _, c in results), cpu_parent,
                   sampler.peak_tree)
