"""Page-sized blocks go back to the OS when freed, in every process of a crawl (glibc's mmap threshold, fixed).

A crawl allocates and frees several blocks of 50-300 KB per page in each of its processes (the response body, the
pickled job and result, a chunk of writes on its way to the writer). glibc serves blocks over its mmap threshold
(128 KB at start) with ``mmap`` and unmaps them on ``free``, but it raises that threshold to the size of every
mmapped block freed (up to 32 MB: "dynamic mmap threshold", mallopt(3)), so after the first few pages those blocks
come from the heap instead, whose freed space glibc keeps and fragments: the tree's RSS climbed with the pages in
flight and stayed there (issue 10; the same trap and cure: https://distributed.dask.org/en/stable/worker-memory.html
#memory-not-released-back-to-the-os). Setting the threshold, by ``mallopt`` or by glibc's ``MALLOC_MMAP_THRESHOLD_``
variable before a process starts, turns the dynamic adjustment off (mallopt(3)); the cost is an ``mmap`` and its
page faults per large block, a few microseconds against a page's milliseconds of extraction.
"""

from __future__ import annotations

import ctypes
import logging
import os

logger = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc <malloc.h>
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept for good
ENV = "MALLOC_MMAP_THRESHOLD_"  # read by glibc as a process starts (the operator's value wins over ours)


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """From now on, serve blocks of ``threshold`` bytes or more from mmap in this process (glibc only).

    Returns True when set; False elsewhere (musl, macOS) or when the operator set ``MALLOC_MMAP_THRESHOLD_``.
    """
    if os.environ.get(ENV):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, threshold))
    logger.debug("glibc mmap threshold fixed at %d bytes: %s", threshold, done)
    return done


def child_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a child process, with the same fixed threshold unless it sets one (glibc reads it at start)."""
    return {ENV: str(MMAP_THRESHOLD), **env}
