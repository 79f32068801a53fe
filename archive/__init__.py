"""Storage for newsarchive: WARC files, the SQLite catalogue and the text corpus (no scrapy, no trafilatura)."""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils with pandas and numpy hidden, before any module of this package imports it.

    sqlite-utils imports pandas and numpy whenever they are installed (sqlite_utils/db.py), only to convert their
    values on insert; we never insert them. pandas is installed with the test extras (the corpus export is read back
    as researchers read it), and hidden it saves about 80 MB in each crawl, writer and extraction process. They are
    hidden only while sqlite-utils loads: importing pandas afterwards works as usual.
    """
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] ("import name" raises ImportError)
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_sqlite_utils_without_pandas()
