"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, load_lexicon


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The bundled relevance lexicon, loaded once (a module that defines its own ``lexicon`` fixture overrides it)."""
    return load_lexicon(LEXICON)
