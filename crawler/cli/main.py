"""The ``newsarchive`` command line: crawl, extract, demo (and the commands later issues add)."""

from __future__ import annotations

import importlib
import json
import logging
import sqlite3
import sys
from pathlib import Path

import click

from archive.errors import NewsArchiveError
from crawler.cli.catalogues import explain, new_catalogue_option, refuse_new_catalogue
from crawler.cli.options import (
    CONTEXT_SETTINGS,
    check_writable_data,
    data_option,
    parse_sets,
    path_given,
    seeds_option,
    set_option,
)

EXIT_FAULT = 3  # a crawl stopped by a storage fault (disk-full, catalogue-locked); 1: could not start
EXIT_INTERRUPTED = 130  # a crawl stopped by Ctrl-C twice (128 + SIGINT, as a shell reports it)

logger = logging.getLogger(__name__)


def _setup_logging(verbose: int, quiet: int) -> None:
    from crawler.cli.log import setup_logging

    setup_logging(verbose, quiet)


# The other modules' commands, imported when one of them is run or the group's help lists them: a command pays only
# for its own imports, not for the scheduler's, the reading room's (asyncio) or the workers' (0.08 s of CPU for
# `check` or `export`, issue 10). Click's documented pattern ("Lazily Loading Subcommands").
LAZY_COMMANDS = {
    "schedule": "crawler.cli.schedule_commands:schedule",
    "status": "crawler.cli.schedule_commands:status",
    "recrawl": "crawler.cli.schedule_commands:recrawl",
    "serve": "crawler.cli.serve_commands:serve",
    "index": "crawler.cli.archive_commands:index",
    "export": "crawler.cli.archive_commands:export",
    "check": "crawler.cli.archive_commands:check",
    "dedupe": "crawler.cli.archive_commands:dedupe",
    "worker": "crawler.cli.worker_commands:worker",
    "worker-crawl": "crawler.cli.worker_commands:worker_crawl",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, the lazy ones' too."""
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, its module imported on first use for a lazy one (LAZY_COMMANDS)."""
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), name)
            _log_options_after(command)
            self.add_command(command, cmd_name)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a domain error (archive.errors) from any command becomes a click error message."""
        try:
            return super().invoke(ctx)
        except NewsArchiveError as exc:  # no room, catalogue locked, bad config: say so, not a traceback
            raise click.ClickException(str(exc)) from None
        except sqlite3.DatabaseError as exc:  # a damaged catalogue, read-only media, a full disk: the file and fix
            message = explain(ctx, exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="newsarchive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Less log output.")
def cli(verbose: int, quiet: int) -> None:
    """Archive Arabic news coverage of the Libya conflict: WARC archive, text corpus, catalogue.

    Example: newsarchive demo
    """
    _setup_logging(verbose, quiet)
    from crawler.scheduling.orphans import die_with_parent_from_env

    die_with_parent_from_env()  # a crawl the scheduler started stops when the scheduler dies, even by SIGKILL


@cli.command(context_settings=CONTEXT_SETTINGS)
@seeds_option
@data_option
@click.option("--outlet", "outlets", multiple=True, help="Crawl only this outlet (repeatable).")
@click.option("--trigger", default="cli", show_default=True, help="Recorded in the crawls table.")
@set_option
@click.option("--allow-private", is_flag=True,
              help="Fetch loopback, private and link-local addresses too (ARCHIVE_ALLOW_PRIVATE).")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Crawl by the workers on this Redis (`newsarchive worker`); this process writes the catalogue.")
@click.option("--backfill", is_flag=True,
              help="Fetch as fast as the machine allows (CRAWL_BACKFILL): AutoThrottle off, outlet delays cut to "
                   "CRAWL_BACKFILL_DELAY, more requests at once, every core extracting; robots.txt still obeyed.")
@new_catalogue_option
def crawl(seeds: Path, data_dir: Path, outlets: tuple[str, ...], trigger: str, sets: tuple[str, ...],
          allow_private: bool, redis_url: str | None, backfill: bool, new_catalogue: bool) -> None:
    """Crawl the configured outlets once and print a summary per outlet.

    Exit status: 0 the crawl ran (page failures are recorded, not fatal; one Ctrl-C stops it cleanly); 1 it could
    not start (configuration error, no room, catalogue locked, its outlets being crawled by another crawl: nothing is
    recorded); 3 a fault stopped it (disk-full, catalogue-locked, io-error, writer-killed, workers-killed: recorded
    as failed, nothing archived is lost; the next crawl repairs and goes on); 130 Ctrl-C twice stopped it (recorded
    as interrupted).

    Example: newsarchive crawl --seeds seeds/ --data data --outlet alwasat
    (a first back-fill of years of sitemaps: newsarchive crawl --backfill --outlet alwasat)
    (on several machines: newsarchive crawl --redis redis://10.0.0.5:6379/0 --data /srv/archive)
    """
    from crawler.capture.config import ArchiveConfig
    from crawler.config.checks import check_crawl_settings
    from crawler.config.outlets import load_outlets, select_outlets
    from crawler.fetch.limits import Limits
    from crawler.relevance.judge import load_lexicon
    from crawler.runner import (
        CrawlFailed,
        crawl_settings,
        crawl_summary,
        format_summary,
        run_crawl,
        warn_unknown,
    )

    try:
        select_outlets(load_outlets(seeds), outlets)  # fail fast, before Scrapy starts, on a bad config
        check_writable_data(data_dir)  # a file, a path under one, a read-only folder: one line, not an OSError
        overrides = parse_sets(sets) | ({"ARCHIVE_ALLOW_PRIVATE": True} if allow_private else {})
        overrides |= {"CRAWL_BACKFILL": True} if backfill else {}
        settings = crawl_settings(data_dir=data_dir, seeds=seeds, outlets=outlets, trigger=trigger,
                                  overrides=overrides)
        check_crawl_settings(settings, overrides)  # every -s value, before a crawl row exists (README "Settings")
        load_lexicon(ArchiveConfig.from_settings(settings).lexicon)  # a missing lexicon is a ConfigError here
        Limits.from_settings(settings)  # a bad limit (-s CRAWL_...=x) is a ConfigError here, not a traceback
        warn_unknown(parse_sets(sets))
        refuse_new_catalogue(data_dir, allow=new_catalogue)  # a lost catalogue.db is restored, not started afresh
        if redis_url:  # the coordinator of a crawl by workers (README "Running on several machines")
            from crawler.cli.worker_commands import coordinate

            crawl_id = coordinate(settings, redis_url, overrides)
        else:
            crawl_id = run_crawl(settings)
        forced = _end_abandoned()
        click.echo(format_summary(crawl_summary(data_dir, crawl_id)))
        if forced:
            exit_interrupted(f"crawl {crawl_id}")
    except CrawlFailed as exc:
        try:
            click.echo(format_summary(crawl_summary(data_dir, exc.crawl_id)))
        except Exception:  # the catalogue may still be locked or the disk full: the message below says why
            logger.debug("no summary for crawl %s", exc.crawl_id, exc_info=True)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_FAULT)


def exit_interrupted(what: str) -> None:
    """Say that ``what`` was stopped by Ctrl-C twice and recorded as interrupted, and exit 130."""
    click.echo(f"Error: {what} was stopped before it ended (Ctrl-C twice) and was recorded as interrupted; what it "
               "archived is kept and the next crawl goes on from its pending URLs", err=True)
    sys.exit(EXIT_INTERRUPTED)


def _end_abandoned() -> bool:
    """End a crawl the engine left open (Ctrl-C twice stops Scrapy's reactor without closing the spider): its writer
    stores what it holds and its row says interrupted, with its counts. True when there was one."""
    from crawler.capture.lifecycle import end_abandoned

    try:
        return bool(end_abandoned())
    except KeyboardInterrupt:  # a third Ctrl-C: leave at once (the next crawl marks the row interrupted)
        click.echo("Error: stopped before the crawl row was written; the next crawl recovers", err=True)
        sys.exit(EXIT_INTERRUPTED)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (default: file:// URL of the file).")
@click.option("--jsonl", is_flag=True, help="One JSON object per file instead of seed-format text.")
@click.option("--charset", default=None, metavar="LABEL",
              help="The charset the page was served with (its HTTP Content-Type), as a crawl would read it.")
def extract(files: tuple[Path, ...], url: str | None, jsonl: bool, charset: str | None) -> None:
    """Print what the pipeline extracts from saved HTML pages (decoded as the crawl decodes them).

    Example: newsarchive extract page.html --url https://alwasat.ly/news/libya/123
    """
    from archive.corpus.textfiles import render
    from archive.records import ExtractionFailure
    from crawler.extraction.article import extract_article

    failed = 0
    for path in files:
        page_url = url or path.resolve().as_uri()
        result = extract_article(path.read_bytes(), page_url, http_charset=charset)
        if isinstance(result, ExtractionFailure):
            failed += 1
            if jsonl:
                click.echo(json.dumps({"file": str(path), "url": page_url, "error": result.reason,
                                       "detail": result.detail}, ensure_ascii=False))
            else:
                click.echo(f"{path}: no article ({result.reason}) {result.detail}", err=True)
            continue
        if jsonl:
            click.echo(json.dumps({"file": str(path), "url": page_url, "title": result.title, "text": result.text,
                                   "date": result.published, "author": result.author,
                                   "language": result.language}, ensure_ascii=False))
        else:
            click.echo(render(result.title, result.paragraphs), nl=False)
    if failed:  # scripts must notice a page that gave no article, even among many that did
        click.echo(f"{failed} of {len(files)} files gave no article", err=True)
        sys.exit(1)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--data", "data_dir", type=click.Path(), default="demo-data", show_default=True, callback=path_given,
              help="Where the demo writes its archive.")
@click.option("--serve-only", is_flag=True,
              help="Only serve the sample outlets (and write DATA/demo-seeds.toml for them) until Ctrl-C.")
def demo(data_dir: Path, serve_only: bool) -> None:
    """Serve the bundled sample outlets on loopback, crawl them, and show what was made.

    The sites keep their addresses from one run to the next, so running the demo again on the same folder
    adds no article it already has. With -v the crawl's log is shown.

    Example: newsarchive demo --data demo-data   (or: newsarchive demo --serve-only, then crawl or schedule)
    """
    from crawler.demo.standalone import demo_sites_for, serve_until_stopped

    if serve_only:
        serve_until_stopped(data_dir, echo=click.echo)
        return
    from crawler.cli.log import set_level
    from crawler.runner import crawl_settings, crawl_summary, format_summary, run_crawl

    default_level = not any(click.get_current_context().find_root().params.get(k) for k in ("verbose", "quiet"))
    if default_level:
        set_level(logging.WARNING)  # the demo's own summary says what happened; -v shows the crawl's log
    data_dir.mkdir(parents=True, exist_ok=True)
    with demo_sites_for(data_dir) as (sites, seeds):
        if default_level:
            set_level(logging.ERROR)  # the sample sites fail on purpose: the summary explains those warnings
        click.echo("serving three sample outlets on loopback: " + ", ".join(
            f"{o.name} ({o.style}) {o.base_url}/" for o in sites.outlets))
        click.echo(f"crawling them into {data_dir} ...")
        settings = crawl_settings(data_dir=data_dir, seeds=seeds, trigger="demo", overrides={
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CRAWL_CONTACT_URL": "http://127.0.0.1/demo"})
        crawl_id = run_crawl(settings)
        forced = _end_abandoned()  # Ctrl-C twice: the row says interrupted, as a crawl's does
    rows = crawl_summary(data_dir, crawl_id)
    click.echo("")
    click.echo(format_summary(rows))
    click.echo("")
    if forced:
        exit_interrupted(f"the demo's crawl {crawl_id}")
    if not any(int(r.get("articles_new", 0)) + int(r.get("articles_updated", 0)) for r in rows):
        click.echo(f"nothing new: {data_dir} already held every article of the sample outlets.")
    if any(int(r.get("failures", 0)) for r in rows):
        # robots.txt's Disallow rules are obeyed without a failure row (the private draft is never requested), so
        # the message names only what the failures table holds (before stop 37 it named robots.txt refusals too)
        click.echo("the failures are on purpose: the sample sites have broken links (404, 500); see the failures "
                   "table.")
    texts = sorted((data_dir / "text").glob("*.txt"))
    warcs = sorted((data_dir / "warc").glob("*.warc.gz"))
    click.echo(f"made in {data_dir}:")
    click.echo("  catalogue.db  the catalogue (SQLite): outlets, crawls, captures, articles, versions")
    click.echo(f"  warc/         {len(warcs)} WARC file(s): every HTTP exchange, bytes as received")
    click.echo(f"  text/         {len(texts)} text file(s): the corpus, one file per Libya-conflict article, e.g.")
    for path in texts[:3]:
        click.echo(f"    {path.name}  {path.read_text(encoding='utf-8').splitlines()[0]}")
    click.echo("next:")
    click.echo(f"  newsarchive serve --data {data_dir}        browse: Arabic search, article pages, charts")
    click.echo(f"  newsarchive export --data {data_dir} --format csv --out demo.csv   the corpus for pandas or R")
    click.echo(f"  newsarchive check --data {data_dir}        verify every WARC record and text file")


def _log_option_after_command(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """``-v``/``-q`` given after the command name: counted with those given before it and logging set again, so
    ``newsarchive demo -v`` means ``newsarchive -v demo`` (before stop 37: "No such option '-v'")."""
    if value:
        root = ctx.find_root()
        root.params[param.name or ""] = int(root.params.get(param.name or "") or 0) + value
        _setup_logging(int(root.params.get("verbose") or 0), int(root.params.get("quiet") or 0))
    return value


def _log_options_after(command: click.Command) -> None:
    """Have ``command`` accept the global -v/-q after its name too (once: two groups may load one command, as a
    multiprocessing child runs this module again as ``__mp_main__``)."""
    if any(param.name == "verbose" for param in command.params):
        return
    command.params += [
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_log_option_after_command,
                     help="More log output (-vv for debug), as before the command."),
        click.Option(["-q", "--quiet"], count=True, expose_value=False, callback=_log_option_after_command,
                     help="Less log output, as before the command."),
    ]


for _command in cli.commands.values():  # this module's commands; the lazy ones as they are loaded (_Group)
    _log_options_after(_command)

if __name__ == "__main__":
    cli()
