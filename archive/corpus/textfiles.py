"""The text corpus: one seed-format file per relevant article (title, blank line, one paragraph per line)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.durable import fsync_dir, stage_bytes, write_bytes_atomically


def render(title: str, paragraphs: Iterable[str]) -> str:
    """The seed-format text: the title, one blank line, the body one paragraph per line, a final newline."""
    clean_title = " ".join(title.split())
    paragraphs = tuple(paragraphs)
    text = "\n".join(paragraphs)
    # extraction's paragraphs are already one space between words: then the body is their join, found by two C
    # scans of it, not a split and join per paragraph (a third of the cost, issue 10). No whitespace but " " is
    # printable, so a printable paragraph holds no line break and no other space.
    if "  " not in text and all(map(str.isprintable, paragraphs)) and all(
            p and p[0] != " " and p[-1] != " " for p in paragraphs):
        return clean_title + "\n\n" + text + "\n"
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
    target, content = _file(data_dir, seq, article_id, title, paragraphs, rendered)
    write_bytes_atomically(target, content)
    return f"text/{target.name}"


def stage_text(data_dir: Path, seq: int, article_id: str, title: str, paragraphs: Iterable[str],
               rendered: str | None = None) -> tuple[str, Path]:
    """The article's text file written under a temporary name beside its own: ``(its path relative to data_dir, the
    temporary file)``; ``os.replace`` of the one onto the other publishes it (``write_text`` in two steps).

    The crawl's writer stages a batch's text files and publishes them once the batch's rows have committed
    (crawler.capture.apply), so a crash in between leaves no text file that no row names, only temporary files that
    recovery removes; a committed row whose file was not published yet is rewritten from the row by recovery.
    """
    target, content = _file(data_dir, seq, article_id, title, paragraphs, rendered)
    return f"text/{target.name}", stage_bytes(target, content)


def _file(data_dir: Path, seq: int, article_id: str, title: str, paragraphs: Iterable[str],
          rendered: str | None) -> tuple[Path, bytes]:
    """The article's text file: its path and its bytes."""
    content = render(title, paragraphs) if rendered is None else rendered
    return Path(data_dir) / "text" / file_name(seq, article_id), content.encode("utf-8")


def drop_text(data_dir: Path, relpath: str) -> None:
    """Remove an article's text file (its current version is no longer relevant: the corpus holds one file per
    relevant article); its sequence number stays the article's, for the file it gets if it turns relevant again."""
    path = Path(data_dir) / relpath
    if path.parent.name != "text" or not path.name.endswith(".txt"):
        raise ValueError(f"{relpath} is not a corpus file")
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)
