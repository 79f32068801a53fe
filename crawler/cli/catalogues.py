"""How commands open the catalogue: readers read-only, never migrating; a crawl never starts one over an archive."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.catalogue import opening
from archive.catalogue.opening import CatalogueError
from archive.faults import as_fault

if TYPE_CHECKING:
    from archive.catalogue.db import Catalogue

logger = logging.getLogger(__name__)

CATALOGUE_FILE = "catalogue.db"
_META_KEY = "newsarchive.catalogue"  # click's ctx.meta: the catalogue a command opened, for its error message

new_catalogue_option = click.option(
    "--new-catalogue", is_flag=True,
    help="Start a new catalogue although warc/ or text/ hold an archive whose catalogue.db is missing or empty "
         "(refused without it): the old WARCs stay outside it and every article is fetched again.")


def _remember(path: Path) -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_META_KEY] = path


def existing_catalogue(data_dir: Path) -> Path:
    """The catalogue of an existing data folder; read-only commands never create one (click error, exit 1).

    Raises CatalogueError when the file is empty or no SQLite database.
    """
    path = data_dir / CATALOGUE_FILE
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist: is {data_dir} a newsarchive data folder? (use --data)")
    _remember(path)
    opening.check_file(path)
    return path


def reader(data_dir: Path) -> Catalogue:
    """The data folder's catalogue opened read-only (immutable on read-only media); never created or migrated."""
    from archive.catalogue.db import Catalogue

    return Catalogue.read_only(existing_catalogue(data_dir), current=True)


def writer(data_dir: Path) -> Catalogue:
    """The catalogue of an existing data folder opened for writing (migrated when it is older)."""
    from archive.catalogue.db import Catalogue

    return Catalogue(existing_catalogue(data_dir))


def refuse_new_catalogue(data_dir: Path, allow: bool = False) -> None:
    """Refuse (CatalogueError) to start a new catalogue in a folder whose warc/ or text/ hold an archive.

    A missing or emptied catalogue.db beside an archive means it was lost: a new one would fetch every article again
    and hand out the text files' sequence numbers a second time. ``allow`` (``--new-catalogue``) starts one anyway,
    numbering new text files after the highest in text/.
    """
    path = data_dir / CATALOGUE_FILE
    _remember(path)
    state = opening.emptiness(path)
    # a catalogue that holds no articles (a salvage that kept none) beside text files is lost as well; beside WARCs
    # alone it is not: a crawl whose every fetch failed leaves a WARC and no article
    folders = ("text",) if state == "holds no articles" else ("warc", "text")
    if state is None or (found := opening.archive_file(data_dir, folders)) is None:
        return
    if not allow:
        raise CatalogueError(path, f"the catalogue {state}, but {data_dir} holds an archive "
                                   f"({found.relative_to(data_dir)}, ...): crawling into it would fetch every article "
                                   "again and number the text files from 000 again",
                             opening.restore_fix(path, salvage=False) + "; or, to start a new catalogue here anyway "
                             "(the old WARCs stay, outside it), crawl with --new-catalogue")
    from archive.catalogue.db import Catalogue
    from archive.catalogue.transactions import immediate

    seq = opening.highest_seq(data_dir)
    logger.warning("starting a new catalogue %s beside an archive (%s); new text files are numbered after %s",
                   path, found, seq if seq is not None else "none")
    with Catalogue(path) as catalogue, immediate(catalogue.db):
        if seq is not None:  # assign_seq continues from this counter (archive.catalogue.db)
            opening.continue_numbering(catalogue.db.conn, seq)


def explain(ctx: click.Context, exc: sqlite3.DatabaseError) -> str | None:
    """A one-line message for an SQLite error that ends a command (damaged file, read-only, disk full), or None."""
    path = ctx.meta.get(_META_KEY, Path(CATALOGUE_FILE))
    error = opening.explain(path, exc)
    if error is not None:
        return str(error)
    fault = as_fault(exc)
    return f"{path}: {fault}" if fault is not None else None
