"""The text corpus: one seed-format file per relevant article (title, blank line, one paragraph per line)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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


# The removals a batch defers on this thread (``staged_drops``); a thread-local, not an argument: the catalogue
# (archive.catalogue.db.save_article) drops an irrelevant version's file itself, deep inside the writer's batch.
_deferred = threading.local()


def drop_text(data_dir: Path, relpath: str) -> None:
    """Remove an article's text file (its current version is no longer relevant: the corpus holds one file per
    relevant article); its sequence number stays the article's, for the file it gets if it turns relevant again.

    Inside ``staged_drops`` (the crawl's writer batch) the removal is handed to the batch instead, which does it
    once its rows have committed, in order with the files it stages, and forgets it if they roll back."""
    path = _corpus_file(data_dir, relpath)
    defer = getattr(_deferred, "defer", None)
    if defer is not None:
        defer(relpath)
        return
    remove_text(path)


def remove_text(path: Path) -> None:
    """Remove a corpus file now (``drop_text``'s removal, which a batch defers until its commit)."""
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


@contextmanager
def staged_drops(defer: Callable[[str], None]) -> Iterator[None]:
    """While it lasts, ``drop_text`` on this thread calls ``defer(relpath)`` instead of removing the file.

    The crawl's writer stages a batch's text files until its rows commit (crawler.capture.apply); a removal must wait
    as well: removed at once, a file whose batch then rolled back (a full disk) left its row naming a missing file
    (``text-missing``; a black-box probe, stop 37). A kill between the commit and the removal leaves a file of an
    irrelevant article, which recovery removes (archive/integrity/recovery.py ``drop_irrelevant_texts``)."""
    before = getattr(_deferred, "defer", None)
    _deferred.defer = defer
    try:
        yield
    finally:
        _deferred.defer = before


def _corpus_file(data_dir: Path, relpath: str) -> Path:
    path = Path(data_dir) / relpath
    if path.parent.name != "text" or not path.name.endswith(".txt"):
        raise ValueError(f"{relpath} is not a corpus file")
    return path
