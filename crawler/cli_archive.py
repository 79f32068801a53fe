"""The archive commands of ``newsarchive``: index (CDXJ), export (WACZ), check (integrity, --repair)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from archive.errors import NewsArchiveError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

logger = logging.getLogger(__name__)

data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"),
                           show_default=True, help="Data folder: catalogue.db, warc/, text/.")


def _catalogue_path(data_dir: Path) -> Path:
    path = data_dir / "catalogue.db"
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist: is {data_dir} a newsarchive data folder? (use --data)")
    return path


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Index file to write.  [default: DATA/index/index.cdxj]")
def index(data_dir: Path, out: Path | None) -> None:
    """Write a sorted CDXJ index of every closed WARC file (pywb's format; cdxj-indexer).

    Example: newsarchive index --data data
    """
    from archive.cdxj import index_archive

    try:
        result = index_archive(data_dir, out)
    except NewsArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"indexed {len(result.warc_files)} WARC files: {result.lines} lines in {result.path}")


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--format", "fmt", type=click.Choice(["wacz"]), default="wacz", show_default=True,
              help="Package format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--crawl", "crawl_id", type=int, default=None,
              help="Export only this crawl (with the records its revisits refer to); default: everything.")
@click.option("--title", default=None, help="Title in the package's metadata.")
@click.option("--no-validate", is_flag=True, help="Skip `wacz validate` on the result.")
def export(data_dir: Path, fmt: str, out: Path, crawl_id: int | None, title: str | None, no_validate: bool) -> None:
    """Package the archive (or one crawl) as WACZ for ReplayWeb.page and pywb, and validate it.

    Example: newsarchive export --format wacz --out libya.wacz --data data --crawl 3
    """
    from archive.catalogue import Catalogue
    from archive.wacz import export_wacz, validate_wacz

    catalogue = Catalogue(_catalogue_path(data_dir))
    try:
        if crawl_id is not None and catalogue.db["crawls"].count_where("id = ?", [crawl_id]) == 0:
            raise click.BadParameter(f"no crawl {crawl_id} in {data_dir / 'catalogue.db'}", param_hint="--crawl")
        result = export_wacz(data_dir, catalogue, out, crawl_id=crawl_id, title=title)
    except NewsArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        catalogue.close()
    click.echo(f"wrote {result.path}: {len(result.warc_files)} WARC files, {result.pages} pages")
    if not no_validate:
        valid, report = validate_wacz(result.path)
        if not valid:
            raise click.ClickException(f"{result.path} failed `wacz validate`:\n{report}")
        click.echo("wacz validate: valid")


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--repair", is_flag=True,
              help="First recover from a crash: close .open WARCs (torn tail set aside), fix catalogue pointers, "
                   "add missing capture rows, rewrite text files from the catalogue.")
def check(data_dir: Path, repair: bool) -> None:
    """Verify every WARC, catalogue pointer and text file; exit 1 when anything is wrong.

    Example: newsarchive check --data data   (then, if it finds problems: newsarchive check --repair)
    """
    from archive.catalogue import Catalogue
    from archive.integrity import check_archive, recover

    catalogue = Catalogue(_catalogue_path(data_dir))
    try:
        if repair:
            done = recover(data_dir, catalogue)
            for r in done.repaired:
                torn = f", torn tail ({r.torn_length} bytes) moved to {r.torn_path.name}" if r.torn_path else ""
                click.echo(f"repaired {r.open_path.name}: kept {len(r.kept)} records{torn}")
            for name in done.skipped_open:
                click.echo(f"left {name} alone: its crawl is running")
            click.echo(f"recovery: {len(done.repaired)} WARC files closed, {len(done.captures_marked_missing)} "
                       f"captures marked missing, {len(done.captures_added)} captures added, "
                       f"{len(done.texts_written)} text files rewritten, {len(done.temp_files_removed)} temp files "
                       "removed")
        report = check_archive(data_dir, catalogue)
    except NewsArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        catalogue.close()
    for finding in report.findings:
        click.echo(str(finding))
    for name in report.set_aside:
        click.echo(f"note: {name} holds bytes set aside by a repair (inspect, then delete or keep)")
    for name in report.skipped:
        click.echo(f"note: skipped {name}: its crawl is running")
    summary = (f"checked {report.warc_files} WARC files ({report.records} records), {report.captures} captures, "
               f"{report.text_files} text files: ")
    if report.ok:
        click.echo(summary + "OK")
        return
    click.echo(summary + f"{len(report.findings)} problems", err=True)
    raise SystemExit(1)
