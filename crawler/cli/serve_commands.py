"""The ``newsarchive serve`` command: browse and search the catalogue in Datasette, read-only."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from crawler.cli.options import CONTEXT_SETTINGS, data_option

logger = logging.getLogger(__name__)


@click.command(context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("-p", "--port", type=int, default=8001, show_default=True, help="Catalogue port (0: any free port).")
@click.option("--replay-port", type=int, default=None,
              help="Port of the replay origin for archived pages [default: --port + 1; -1: no replay server].")
@click.option("--immutable", is_flag=True,
              help="Open the catalogue immutable (faster counts); only for a catalogue no crawl writes to any more "
                   "(taken on its own when the data folder is read-only).")
def serve(data_dir: Path, host: str, port: int, replay_port: int | None, immutable: bool) -> None:
    """Serve the catalogue read-only in Datasette: Arabic search, article pages with history and provenance, charts.

    Archived pages are replayed from a second port (another origin, scripts disabled) so they can never act on
    the catalogue.

    Example: newsarchive serve --data data --port 8001
    """
    from crawler.web.app import ServeConfig, prepare, run

    prepared = prepare(ServeConfig(data_dir=data_dir, host=host, port=port, replay_port=replay_port,
                                   immutable=immutable))
    click.echo(f"catalogue: {prepared.catalogue_url}/", err=False)
    click.echo(f"replay:    {prepared.replay_url + '/' if prepared.replay_url else '(off)'}")
    click.echo("press Ctrl+C to stop")
    try:
        asyncio.run(run(prepared))
    except KeyboardInterrupt:
        logger.info("stopped")
