"""Commands of a crawl on several machines: ``newsarchive worker``, and ``crawl --redis`` (the coordinator)."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.errors import NewsArchiveError
from crawler.cli.options import CONTEXT_SETTINGS, data_option, parse_sets, seeds_option, set_option

logger = logging.getLogger(__name__)


def _lease_timeout(sets: dict[str, Any]) -> float:
    from crawler.config import defaults

    value = sets.get("CRAWL_LEASE_TIMEOUT", defaults.CRAWL_LEASE_TIMEOUT)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if seconds <= 0:
        raise click.BadParameter(f"{value!r}: a number of seconds above 0", param_hint="-s CRAWL_LEASE_TIMEOUT")
    return seconds


def _connect(url: str) -> Any:
    from crawler.scaleout.connection import connect

    try:
        return connect(url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--redis") from None


def default_name() -> str:
    """The host name, made fit for a WARC file name (letters, digits, '_', '.', '-')."""
    host = "".join(c if c.isalnum() or c in "_.-" else "-" for c in socket.gethostname())[:64]
    return host or "worker"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The Redis of the crawls, redis://host:6379/0.")
@seeds_option
@data_option
@click.option("--name", default=None, help="This worker's name, unique among live workers: it names the "
              "WARC files (default: the host name).")
@set_option
@click.option("--allow-private", is_flag=True,
              help="Fetch loopback, private and link-local addresses too (ARCHIVE_ALLOW_PRIVATE).")
def worker(redis_url: str, seeds: Path, data_dir: Path, name: str | None, sets: tuple[str, ...],
           allow_private: bool) -> None:
    """Crawl the outlets that `newsarchive crawl --redis` queues, one at a time, until SIGTERM.

    Writes its own WARC series (DATA/warc/NEWSARCHIVE-<name>-...) and never writes the catalogue: what the
    catalogue needs goes to the coordinator through Redis. Run any number, on any machines (README "Running on
    several machines"). SIGTERM stops it cleanly: the outlet in hand is handed back to another worker.

    Example: newsarchive worker --redis redis://127.0.0.1:6379/0 --data /srv/archive --name w1
    """
    from crawler.config import defaults
    from crawler.scaleout.worker import Worker

    overrides = parse_sets(sets)
    lease_timeout = _lease_timeout(overrides)
    name = name or default_name()
    prefix = str(overrides.get("ARCHIVE_WARC_PREFIX", defaults.ARCHIVE_WARC_PREFIX))
    verbosity = _verbosity()

    def command(item: Any) -> list[str]:
        work = item.item
        _check_outlet(seeds, work)
        child_sets = {**work.get("settings", {}), **overrides,
                      "CRAWL_REDIS_URL": redis_url, "CRAWL_WORKER_NAME": name,
                      "CRAWL_WORKER_CRAWL": work["crawl_uid"], "CRAWL_WORKER_CRAWL_ID": str(work["crawl_id"])}
        if allow_private:
            child_sets["ARCHIVE_ALLOW_PRIVATE"] = "True"
        cmd = [sys.executable, "-m", "crawler.cli.main", *verbosity, "worker-crawl", "--seeds", str(seeds),
               "--data", str(data_dir), "--outlet", work["outlet"]]
        for key, value in child_sets.items():
            cmd += ["-s", f"{key}={value}"]
        return cmd

    try:
        Worker(_connect(redis_url), name, command, lease_timeout=lease_timeout, warc_dir=data_dir / "warc",
               warc_prefix=prefix).run()
    except (NewsArchiveError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _check_outlet(seeds: Path, work: dict[str, Any]) -> None:
    """Warn when this worker's configuration of the item's outlet differs from the coordinator's (or lacks it)."""
    from crawler.config.outlets import load_outlets

    try:
        mine = {o.name: o for o in load_outlets(seeds)}.get(work["outlet"])
    except NewsArchiveError as exc:
        logger.error("cannot read %s: %s", seeds, exc)
        return
    if mine is None:
        logger.error("outlet %s is not in this worker's --seeds %s: its crawl fails here and goes to another "
                     "worker after the lease timeout", work["outlet"], seeds)
    elif work.get("outlet_digest") and mine.digest() != work["outlet_digest"]:
        logger.warning("this worker's configuration of %s differs from the coordinator's (config digest %s, "
                       "coordinator %s): crawling with this worker's; give every machine the same --seeds",
                       work["outlet"], mine.digest(), work["outlet_digest"])


def _verbosity() -> list[str]:
    """This command's -v/-q, passed on to the child crawls."""
    params = click.get_current_context().find_root().params
    return ["-v"] * int(params.get("verbose") or 0) + ["-q"] * int(params.get("quiet") or 0)


@click.command("worker-crawl", context_settings=CONTEXT_SETTINGS, hidden=True)
@seeds_option
@data_option
@click.option("--outlet", "outlets", multiple=True, required=True)
@set_option
def worker_crawl(seeds: Path, data_dir: Path, outlets: tuple[str, ...], sets: tuple[str, ...]) -> None:
    """One work item of a worker: a crawl whose session publishes instead of writing the catalogue (internal).

    Example: (started by newsarchive worker)
    """
    from crawler.runner import CrawlFailed, crawl_settings, run_crawl

    settings = crawl_settings(data_dir=data_dir, seeds=seeds, outlets=outlets, trigger="worker",
                              overrides=parse_sets(sets))
    try:
        run_crawl(settings)
    except CrawlFailed as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    except NewsArchiveError as exc:
        raise click.ClickException(str(exc)) from None


def live_writers(link: Any, prefix: str) -> Callable[[Path], bool]:
    """True for a ``.open`` WARC of a worker that is alive now (``<prefix>-<worker>-...``): a coordinator started
    again after a crash must not repair the files the old crawl's workers still write (it closed them under them,
    and their records went unindexed: a black-box probe, stop 35)."""
    from crawler.scaleout.workers import live_workers

    def writing(path: Path) -> bool:
        return any(path.name.startswith(f"{prefix}-{name}-") for name in live_workers(link))
    return writing


def coordinate(settings: Any, redis_url: str, overrides: dict[str, Any]) -> int:
    """Run the crawl ``settings`` describe by the workers on ``redis_url``; the crawl's row id.

    ``overrides`` (the crawl's -s settings) go to every worker's child crawl.
    """
    from crawler.capture.apply import apply_batch
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.session import ArchiveSession
    from crawler.scaleout.coordinator import run_coordinator

    lease_timeout = _lease_timeout(overrides)
    link = _connect(redis_url)
    config = ArchiveConfig.from_settings(settings)
    session = ArchiveSession(config, apply_batch, keep_open=live_writers(link, config.warc_prefix))

    def stop(signum: int, frame: Any) -> None:  # a scheduler stopping this crawl: record it as stopped, cleanly
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return run_coordinator(session, link, lease_timeout=lease_timeout, settings=overrides)
    finally:
        signal.signal(signal.SIGTERM, previous)
