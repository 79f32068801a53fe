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


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The bundled relevance lexicon, loaded once (a module that defines its own ``lexicon`` fixture overrides it)."""
    return load_lexicon(LEXICON)
