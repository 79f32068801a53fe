"""The text corpus: one seed-format file per relevant article (title, blank line, one paragraph per line)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from archive.durable import file_mode


def render(title: str, paragraphs: Iterable[str]) -> str:
    """The seed-format text: the title, one blank line, the body one paragraph per line, a final newline."""
    clean_title = " ".join(title.split())
    body = [" ".join(p.split()) for p in paragraphs]
    body = [p for p in body if p]
    return clean_title + "\n\n" + "\n".join(body) + "\n"


def file_name(seq: int, article_id: str) -> str:
    """``NNN_<id>.txt``: the sequence number zero-padded to at least three digits, then the article id."""
    return f"{seq:03d}_{article_id}.txt"


def write_text(data_dir: Path, seq: int, article_id: str, title: str, paragraphs: Iterable[str],
               rendered: str | None = None) -> str:
    """Write (or replace) the article's text file atomically; return its path relative to ``data_dir``.

    ``rendered``: the file's text when already rendered (``render(title, paragraphs)``, by an extraction worker).
    """
    folder = Path(data_dir) / "text"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(seq, article_id)
    content = (render(title, paragraphs) if rendered is None else rendered).encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".txt")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())  # mkstemp makes 0600; the corpus follows the umask as the WARCs do
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return f"text/{target.name}"
