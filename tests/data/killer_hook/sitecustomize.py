"""A test hook (tests/test_capture_workers.py), on PYTHONPATH of the crawl it starts: in an extraction worker, a page
whose bytes hold ``$NEWSARCHIVE_TEST_KILLER_MARK`` kills the process reading it with SIGKILL, as the kernel's OOM
killer kills a worker that a page drove out of memory. The crawl process and the writer are never killed."""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys

MARK = os.environ.get("NEWSARCHIVE_TEST_KILLER_MARK", "").encode()
MODULE = "crawler.extraction.decode"


class _WrapDecode(importlib.abc.MetaPathFinder):
    """Loads crawler.extraction.decode as usual, then wraps its decode_html (every reader of a page's bytes)."""

    def find_spec(self, name, path, target=None):  # noqa: D102
        if name != MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module):
            run(module)
            original = module.decode_html

            def decode_html(body, *args, **kwargs):
                import multiprocessing
                import signal

                if isinstance(body, bytes | bytearray) and MARK in body and multiprocessing.parent_process():
                    os.kill(os.getpid(), signal.SIGKILL)
                return original(body, *args, **kwargs)

            module.decode_html = decode_html

        loader.exec_module = exec_module
        return spec


if MARK:
    sys.meta_path.insert(0, _WrapDecode())
