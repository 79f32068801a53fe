"""The archive commands of ``newsarchive``: index (CDXJ), export (WACZ, corpus tables), check (integrity, --repair)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from crawler.cli.catalogues import existing_catalogue, reader, writer
from crawler.cli.options import CONTEXT_SETTINGS, data_option

logger = logging.getLogger(__name__)

FORMATS = ("wacz", "jsonl", "csv", "parquet")  # export --format


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Index file to write.  [default: DATA/index/index.cdxj]")
def index(data_dir: Path, out: Path | None) -> None:
    """Write a sorted CDXJ index of every closed WARC file (pywb's format; cdxj-indexer).

    Example: newsarchive index --data data
    """
    from archive.export.cdxj import DEFAULT_INDEX, index_archive
    from archive.export.guard import refuse_archive_target

    existing_catalogue(data_dir)
    if out is not None:
        refuse_archive_target(data_dir, out)  # never over the catalogue, a WARC or a corpus file  # a mistyped --data is an error, not a new folder with an empty index
    try:
        result = index_archive(data_dir, out)
    except OSError as exc:  # a read-only data folder (a replica, read-only media) cannot hold DATA/index/
        target = out or data_dir / DEFAULT_INDEX
        raise click.ClickException(f"cannot write the index {target}: {exc.strerror or exc} ({exc.filename or target}); "
                                   "write it elsewhere with --out FILE") from None
    click.echo(f"indexed {len(result.warc_files)} WARC files: {result.lines} lines in {result.path}")


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="wacz: the web archive; jsonl, csv, parquet: the corpus as a table.  [default: from the --out "
                   "extension (.wacz, .jsonl, .csv, .parquet), else wacz]")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--crawl", "crawl_id", type=int, default=None,
              help="wacz: export only this crawl (with the records its revisits refer to); default: everything.")
@click.option("--title", default=None, help="wacz: title in the package's metadata.")
@click.option("--no-validate", is_flag=True, help="wacz: skip `wacz validate` on the result.")
@click.option("--relevant", is_flag=True, help="jsonl/csv/parquet: relevant articles only.")
@click.option("--outlet", "outlets", multiple=True, help="jsonl/csv/parquet: only this outlet (repeatable).")
@click.option("--since", default=None, metavar="DATE",
              help="jsonl/csv/parquet: articles published (or, undated, first archived) on or after DATE "
                   "(YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--until", default=None, metavar="DATE",
              help="jsonl/csv/parquet: articles published (or, undated, first archived) on or before DATE, that "
                   "day, month (YYYY-MM) or year (YYYY) included.")
@click.option("--language", default=None, metavar="CODE", help="jsonl/csv/parquet: articles in this language only.")
def export(data_dir: Path, fmt: str | None, out: Path, crawl_id: int | None, title: str | None, no_validate: bool,
           relevant: bool, outlets: tuple[str, ...], since: str | None, until: str | None,
           language: str | None) -> None:
    """Package the archive as WACZ, or write the corpus with its metadata as JSON Lines, CSV or Parquet.

    Example: newsarchive export --format wacz --out libya.wacz --data data --crawl 3

    Example: newsarchive export --format parquet --out corpus.parquet --relevant --since 2019-04-01
    """
    from archive.export.guard import refuse_archive_target

    fmt = _format_for(out, fmt)
    refuse_archive_target(data_dir, out)  # never over the catalogue, a WARC or a corpus file (stop 37's probe)
    if fmt != "wacz":
        if crawl_id is not None or title is not None or no_validate:
            raise click.UsageError("--crawl, --title and --no-validate are for --format wacz")
        _export_corpus(data_dir, fmt, out, relevant, outlets, (since, until, language))
        return
    if relevant or outlets or since or until or language:
        raise click.UsageError("--relevant, --outlet, --since, --until and --language are for --format jsonl, csv "
                               "or parquet")
    from archive.export.wacz import export_wacz, validate_wacz

    with reader(data_dir) as catalogue:
        result = export_wacz(data_dir, catalogue, out, crawl_id=crawl_id, title=title)
    click.echo(f"wrote {result.path}: {len(result.warc_files)} WARC files, {result.pages} pages")
    if not no_validate:
        valid, report = validate_wacz(result.path)
        if not valid:  # the name asked for never holds an invalid package; it is kept beside it to inspect
            aside = result.path.with_name(result.path.name + ".invalid")
            result.path.replace(aside)
            raise click.ClickException(f"{result.path} failed `wacz validate` (moved to {aside.name}):\n{report}")
        click.echo("wacz validate: valid")


def _format_for(out: Path, fmt: str | None) -> str:
    """The export format: --format, else the one the --out extension names, else wacz. A known extension that
    names another format than --format is refused (before stop 37 `--out corpus.csv` wrote a WACZ zip so named)."""
    named = out.suffix.lower().lstrip(".")
    if fmt is None:
        return named if named in FORMATS else "wacz"
    if named in FORMATS and named != fmt:
        raise click.UsageError(f"--out {out} names a .{named} file but --format is {fmt}: write --out with a "
                               f".{fmt} extension, or leave --format out to write {named}")
    return fmt


def _export_corpus(data_dir: Path, fmt: str, out: Path, relevant: bool, outlets: tuple[str, ...],
                   dates: tuple[str | None, str | None, str | None]) -> None:
    from archive.export.corpus import CorpusFilter, check_range, export_corpus, parse_since

    since, until, language = dates
    check_range(parse_since(since) if since else None, parse_since(until, "--until") if until else None)
    with reader(data_dir) as catalogue:
        flt = CorpusFilter(relevant_only=relevant, outlets=outlets, since=parse_since(since) if since else None,
                           until=parse_since(until, "--until") if until else None, language=language or None)
        result = export_corpus(catalogue.db, out, fmt, flt, source=str(data_dir))
    per_outlet = ", ".join(f"{o} {n}" for o, n in result.per_outlet.items()) or "none"
    click.echo(f"wrote {result.path}: {result.rows} articles ({result.relevant} relevant; {per_outlet})")
    click.echo(f"data card: {result.datacard}")


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--repair", is_flag=True,
              help="First recover from a crash: close .open WARCs (torn tail set aside), fix catalogue pointers, "
                   "add missing capture rows, rewrite text files from the catalogue.")
def check(data_dir: Path, repair: bool) -> None:
    """Verify every WARC, catalogue pointer and text file; exit 1 when anything is wrong.

    Example: newsarchive check --data data   (then, if it finds problems: newsarchive check --repair)
    """
    from archive.integrity.check import check_archive
    from archive.integrity.recovery import recover

    with (writer(data_dir) if repair else reader(data_dir)) as catalogue:  # check alone only reads
        if repair:
            done = recover(data_dir, catalogue)
            for r in done.repaired:
                torn = f", torn tail ({r.torn_length} bytes) moved to {r.torn_path.name}" if r.torn_path else ""
                click.echo(f"repaired {r.open_path.name}: kept {len(r.kept)} records{torn}")
            for name in done.skipped_open:
                click.echo(f"left {name} alone: its crawl is running")
            click.echo(f"recovery: {len(done.repaired)} WARC files repaired, {len(done.captures_marked_missing)} "
                       f"captures marked missing, {len(done.captures_added)} captures added, "
                       f"{len(done.texts_written)} text files rewritten, {len(done.temp_files_removed)} temp files "
                       f"removed, {len(done.strays_removed)} stray text files removed (of rows merged away or no "
                       "longer relevant)")
            for name in done.strays_removed:
                click.echo(f"removed stray text file {name}")
        report = check_archive(data_dir, catalogue)
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


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--dry-run", is_flag=True, help="Print what would be merged; change nothing.")
def dedupe(data_dir: Path, dry_run: bool) -> None:
    """Merge catalogue rows that are one article: the same URL by today's rules, or the same body on one outlet.

    Each group keeps its cleanest URL; every capture and distinct version stays, the lowest corpus sequence number
    is kept, the other text files are removed and the other URLs become aliases (article_aliases). Session
    parameters shown by two URLs of one body are learned first (session_params).

    Example: newsarchive dedupe --data data --dry-run   (then: newsarchive dedupe --data data)
    """
    from archive.integrity.inventory import pid_alive
    from crawler.capture.dedupe import dedupe as run_dedupe

    with (reader(data_dir) if dry_run else writer(data_dir)) as catalogue:  # --dry-run only reads
        running = [c for c in catalogue.running_crawls() if pid_alive(c["pid"])]
        if running and not dry_run:
            raise click.ClickException(f"crawl {running[0]['id']} (pid {running[0]['pid']}) is running on {data_dir}: "
                                       "run `newsarchive dedupe` when it has finished")
        report = run_dedupe(catalogue, data_dir, dry_run=dry_run)
    for outlet, names in report.learned.items():
        click.echo(f"{outlet}: learned session parameter(s) {', '.join(names)}")
    if dry_run:
        for kept, drops in report.plan.groups:
            # the merge gives the kept row the lowest seq of its group (aliases.merge_articles); before stop 37 this
            # line showed the kept row's own seq, which the merge may lower
            seqs = [r["seq"] for r in (kept, *(row for row, _ in drops)) if r["seq"] is not None]
            seq = min(seqs) if seqs else None
            was = "" if kept["seq"] == seq else f" (now {'no seq' if kept['seq'] is None else kept['seq']})"
            click.echo(f"keep {kept['id']} seq {seq}{was} {kept['url']}")
            for row, how in drops:
                click.echo(f"  would merge {row['id']} seq {row['seq']} {row['url']} ({how})")
    for m in report.merges:
        click.echo(f"merged {m.dropped} {m.dropped_url} into {m.kept} ({m.how}), seq {m.seq}")
    for source, aid in report.redirects:
        click.echo(f"{'would record' if dry_run else 'recorded'} redirect {source} as an alias of {aid}")
    if dry_run:
        click.echo(f"would merge {report.plan.merges} rows (more once learned session parameters are dropped); "
                   "nothing changed")
    else:
        click.echo(f"merged {len(report.merges)} rows; {len(report.redirects)} redirects recorded as aliases")
