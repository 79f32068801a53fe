"""The outlet configuration and topic lexicon that ship with the package: the top-level seeds/ folder, as package data.

``crawler/config/seeds`` links to the checkout's ``seeds/``; a wheel carries the files themselves (pyproject.toml
``package-data``), so a non-editable install finds them here too, wherever it runs from.
"""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path

logger = logging.getLogger(__name__)

# Wheels install unpacked, so the package's resources are real files: a Path is what the loaders take.
CONFIG_DIR = Path(str(files("crawler.config")))
SEEDS = (CONFIG_DIR / "seeds").resolve()
LEXICON = SEEDS / "lexicon.toml"


def bundled(path: Path) -> Path:
    """``path`` itself when it is absolute or exists; else the same relative path in the package ("seeds/...") when
    the package has it; else ``path`` as given, so that the error names what was typed (before stop 41 a mistyped
    ``-s RELEVANCE_LEXICON=lex/mine.toml`` was reported as ``.../crawler/config/lex/mine.toml``)."""
    if path.is_absolute() or path.exists():
        return path
    packaged = (CONFIG_DIR / path).resolve()  # in a checkout: the file in seeds/, where it is edited
    return packaged if packaged.exists() else path
