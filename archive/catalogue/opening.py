"""Opening the catalogue file safely: read-only where nothing may change, and a clear error when it is no catalogue."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import NewsArchiveError

logger = logging.getLogger(__name__)

# the first 16 bytes of every SQLite database (https://www.sqlite.org/fileformat.html#the_database_header)
SQLITE_HEADER = b"SQLite format 3\x00"


class CatalogueError(NewsArchiveError):
    """The catalogue file cannot be used as it is; the message names the file, what is wrong and the fix."""

    def __init__(self, path: Path | str, problem: str, fix: str):
        super().__init__(f"{path}: {problem}; fix: {fix}")
        self.path = Path(path)


def restore_fix(path: Path, salvage: bool = True) -> str:
    """How to get a usable catalogue back: a backup or a replica, or what SQLite's own ``.recover`` can read."""
    fix = (f"restore {path.name} from a backup or a replica (the WARCs in warc/ and the text files are not changed), "
           f"then run `newsarchive check --data {path.parent}`")
    if salvage:
        fix += (f"; or salvage what SQLite can still read: sqlite3 {path} \".recover\" | sqlite3 {path}.recovered "
                f"(see that it holds your articles before it takes the name {path.name})")
    return fix


def _problem(path: Path, exc: sqlite3.DatabaseError, writing: bool) -> tuple[str, str] | None:
    """What is wrong with the file and the fix, for the SQLite errors that are about the file itself."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code of an extended one
    if code == sqlite3.SQLITE_CORRUPT:
        return f"the catalogue is damaged ({exc})", restore_fix(path)
    if code == sqlite3.SQLITE_NOTADB:
        return f"not an SQLite database ({exc}: its header is damaged, or another file took its name)", \
            restore_fix(path)
    if code == sqlite3.SQLITE_CANTOPEN and not writing:
        return f"cannot be opened ({exc})", "check that the file and its folder exist and can be read"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
        return (f"cannot be written ({exc}): the folder or the file is read-only",
                "this command writes the catalogue: run it where the data folder is writable (on read-only media "
                "status, check, index --out, export and serve work)")
    return None


@contextmanager
def translated(path: Path | str, *, writing: bool = True) -> Iterator[None]:
    """Turn an SQLite error about the file (damaged, not a database, read-only) into a CatalogueError that says so.

    Other errors (disk full, locked, I/O) pass through: archive.faults makes them crawl faults.
    """
    try:
        yield
    except sqlite3.DatabaseError as exc:
        error = explain(path, exc, writing=writing)
        if error is None:
            raise
        raise error from exc


def explain(path: Path | str, exc: sqlite3.DatabaseError, *, writing: bool = True) -> CatalogueError | None:
    """``exc`` as a CatalogueError naming ``path`` when it is about the file itself, else None."""
    found = _problem(Path(path), exc, writing)
    return CatalogueError(path, *found) if found else None


def check_file(path: Path | str) -> None:
    """Raise CatalogueError when the file at ``path`` is no catalogue: empty, or without SQLite's header."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CatalogueError(path, f"cannot be read ({exc.strerror})", "check the file's owner and permissions") \
            from exc
    if not head:  # SQLite would take an empty file for a new database and write a fresh catalogue into it
        raise CatalogueError(path, "the file is empty (0 bytes): not a catalogue (a copy or a full disk cut it "
                                   "short?)", restore_fix(path, salvage=False))
    if head != SQLITE_HEADER:
        raise CatalogueError(path, "not an SQLite database (its first bytes are not SQLite's header)",
                             restore_fix(path))


def connect_read_only(path: Path | str, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection that can only read the catalogue at ``path``: ``mode=ro``, or ``immutable=1`` on read-only media.

    Raises CatalogueError when the file is damaged or no database.
    """
    path = Path(path)
    uri = path.resolve().as_uri()  # percent-encoded: a folder name with "?" or "#" stays a path
    with translated(path, writing=False):
        try:
            return _probe(sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=check_same_thread))
        except sqlite3.OperationalError as exc:
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code != sqlite3.SQLITE_CANTOPEN or not path.is_file() or os.access(path.parent, os.W_OK):
                raise
        # A reader of a WAL database needs its -shm file, which a read-only folder cannot hold; immutable=1 reads
        # without it (https://www.sqlite.org/wal.html#readonly). Nothing can write to a read-only folder meanwhile.
        wal = Path(f"{path}-wal")
        if wal.is_file() and wal.stat().st_size:
            logger.warning("%s is on read-only media and its WAL (%s) holds changes not yet in it: they are not "
                           "read; copy the folder to writable storage to read them", path, wal.name)
        return _probe(sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=check_same_thread))


def _probe(conn: sqlite3.Connection) -> sqlite3.Connection:
    """``conn`` after reading the schema once, so a file SQLite cannot read fails here (sqlite3 opens lazily)."""
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def outdated(path: Path, pending: list[str], read_only_media: bool) -> CatalogueError:
    """The error for a catalogue whose migrations are pending, met by a command that only reads."""
    where = "on a writable copy of the folder" if read_only_media else "first"
    names = pending[0] if len(pending) == 1 else f"{pending[0]} to {pending[-1]}"
    return CatalogueError(path, f"its schema is not up to date ({len(pending)} migration(s) not applied: {names}; "
                                "an older newsarchive made it, or its creation was cut short), and this command "
                                "only reads", f"run a command that writes the catalogue {where} (`newsarchive check "
                                f"--repair --data {path.parent}`, or a crawl): it brings the schema up to date")


def emptiness(path: Path) -> str | None:
    """How the catalogue at ``path`` holds nothing ("is missing", "is empty (0 bytes)", "has no tables", "holds no
    articles"), or None when it holds articles. Raises CatalogueError for a file that is no catalogue."""
    if not path.is_file():
        return "is missing"
    if path.stat().st_size == 0:
        return "is empty (0 bytes)"
    check_file(path)
    conn = connect_read_only(path)
    try:
        names = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        if not names:
            return "has no tables"
        if "articles" in names and conn.execute("select not exists (select 1 from articles)").fetchone()[0]:
            return "holds no articles"
        return None
    finally:
        conn.close()


def archive_file(data_dir: Path, folders: tuple[str, ...] = ("warc", "text")) -> Path | None:
    """A WARC in ``warc/`` or a text file in ``text/`` of ``data_dir``: the first one found, or None."""
    for folder, wanted in (("warc", ".warc"), ("text", ".txt")):
        if folder not in folders:
            continue
        try:
            with os.scandir(Path(data_dir) / folder) as entries:  # stops at the first: a folder may hold 100,000
                for entry in entries:
                    if wanted in entry.name and not entry.name.startswith("."):
                        return Path(entry.path)
        except (FileNotFoundError, NotADirectoryError):
            continue
    return None


def highest_seq(data_dir: Path) -> int | None:
    """The highest corpus sequence number among the text files of ``data_dir`` (``NNN_<id>.txt``), or None."""
    seqs = [int(p.name.split("_", 1)[0]) for p in (Path(data_dir) / "text").glob("*_*.txt")
            if p.name.split("_", 1)[0].isdigit()]
    return max(seqs, default=None)


def continue_numbering(conn: sqlite3.Connection, seq: int) -> None:
    """Make the corpus sequence counter hand out numbers after ``seq`` (a new catalogue beside old text files)."""
    conn.execute("insert into counters (name, value) values ('corpus_seq', ?) "
                 "on conflict (name) do update set value = max(value, excluded.value)", [seq])
