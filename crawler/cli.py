"""The ``newsarchive`` command line: crawl, extract, demo (and the commands later issues add)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from archive.errors import NewsArchiveError
from crawler.cliutil import parse_sets

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

logger = logging.getLogger(__name__)


def _setup_logging(verbose: int, quiet: int) -> None:
    level = max(logging.DEBUG, min(logging.INFO + 10 * (quiet - verbose), logging.CRITICAL))
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Scrapy sets its own loggers to DEBUG, so the level must be on the handler, not only on the root logger
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="newsarchive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Less log output.")
def cli(verbose: int, quiet: int) -> None:
    """Archive Arabic news coverage of the Libya conflict: WARC archive, text corpus, catalogue.

    Example: newsarchive demo
    """
    _setup_logging(verbose, quiet)


seeds_option = click.option("--seeds", type=click.Path(path_type=Path), default=DEFAULT_SEEDS, show_default="seeds/",
                            help="Outlet config: a TOML file or a folder of TOML files.")
data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"),
                           show_default=True, help="Data folder: catalogue.db, warc/, text/.")


@cli.command(context_settings=CONTEXT_SETTINGS)
@seeds_option
@data_option
@click.option("--outlet", "outlets", multiple=True, help="Crawl only this outlet (repeatable).")
@click.option("--trigger", default="cli", show_default=True, help="Recorded in the crawls table.")
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a setting (repeatable).")
def crawl(seeds: Path, data_dir: Path, outlets: tuple[str, ...], trigger: str, sets: tuple[str, ...]) -> None:
    """Crawl the configured outlets once and print a summary per outlet.

    Example: newsarchive crawl --seeds seeds/ --data data --outlet alwasat
    """
    from crawler.config import load_outlets, select_outlets
    from crawler.runner import crawl_settings, crawl_summary, format_summary, run_crawl

    try:
        select_outlets(load_outlets(seeds), outlets)  # fail fast, before Scrapy starts, on a bad config
        settings = crawl_settings(data_dir=data_dir, seeds=seeds, outlets=outlets, trigger=trigger,
                                  overrides=parse_sets(sets))
        crawl_id = run_crawl(settings)
        click.echo(format_summary(crawl_summary(data_dir, crawl_id)))
    except NewsArchiveError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (default: file:// URL of the file).")
@click.option("--jsonl", is_flag=True, help="One JSON object per file instead of seed-format text.")
def extract(files: tuple[Path, ...], url: str | None, jsonl: bool) -> None:
    """Print what the pipeline extracts from saved HTML pages.

    Example: newsarchive extract page.html --url https://alwasat.ly/news/libya/123
    """
    from archive.records import ExtractionFailure
    from archive.textexport import render
    from crawler.extraction import extract_article

    failed = 0
    for path in files:
        page_url = url or path.resolve().as_uri()
        result = extract_article(path.read_bytes(), page_url)
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
    if failed == len(files):
        sys.exit(1)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("demo-data"), show_default=True,
              help="Where the demo writes its archive.")
def demo(data_dir: Path) -> None:
    """Serve the bundled sample outlets on loopback, crawl them, and show what was made.

    Example: newsarchive demo --data demo-data
    """
    from crawler.demosite import serve_demo_sites
    from crawler.runner import crawl_settings, crawl_summary, format_summary, run_crawl

    data_dir.mkdir(parents=True, exist_ok=True)
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(data_dir / "demo-seeds.toml")
        for outlet in sites.outlets:
            click.echo(f"serving {outlet.name} ({outlet.style}) at {outlet.base_url}")
        settings = crawl_settings(data_dir=data_dir, seeds=seeds, trigger="demo", overrides={
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CRAWL_CONTACT_URL": "http://127.0.0.1/demo"})
        crawl_id = run_crawl(settings)
    click.echo("")
    click.echo(format_summary(crawl_summary(data_dir, crawl_id)))
    texts = sorted((data_dir / "text").glob("*.txt"))
    warcs = sorted((data_dir / "warc").glob("*.warc.gz"))
    click.echo("")
    click.echo(f"catalogue: {data_dir / 'catalogue.db'}")
    click.echo(f"WARC files ({len(warcs)}): {data_dir / 'warc'}")
    click.echo(f"text corpus ({len(texts)} articles): {data_dir / 'text'}")
    for path in texts[:10]:
        click.echo(f"  {path.name}  {path.read_text(encoding='utf-8').splitlines()[0]}")
    click.echo("")
    click.echo(f"browse:  newsarchive serve --data {data_dir}   (Arabic search, article pages, charts)")
    click.echo(f"check:   newsarchive check --data {data_dir}")


from crawler.cli_schedule import recrawl, schedule, status

cli.add_command(schedule)
cli.add_command(status)
cli.add_command(recrawl)
from crawler.cli_serve import serve

cli.add_command(serve)
from crawler.cli_archive import check, export, index

cli.add_command(index)
cli.add_command(export)
cli.add_command(check)

if __name__ == "__main__":
    cli()
