"""Commands of a crawl on several machines: ``newsarchive worker``, and ``crawl --redis`` (the coordinator)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archive.errors import NewsArchiveError
from crawler.cli.options import (
    CONTEXT_SETTINGS,
    check_writable_data,
    data_option,
    parse_sets,
    seeds_option,
    set_option,
)

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
    except NewsArchiveError as exc:  # not Redis, a database it lacks, a password it refuses: the fix, no traceback
        raise click.ClickException(str(exc)) from None


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
    several machines"). SIGTERM stops it cleanly: the outlet in hand is handed back to another worker. Each outlet's
    configuration comes with its work item from the coordinator's --seeds; this worker's --seeds is not read.

    Example: newsarchive worker --redis redis://127.0.0.1:6379/0 --data /srv/archive --name w1
    """
    from crawler.config import defaults
    from crawler.scaleout.worker import Worker

    del seeds  # the coordinator's configuration of each outlet travels with its item (_outlet_seeds)
    # a file, a path under one or a read-only folder: before stop 41 the worker waited for work and failed every
    # item it took on it (each handed back, five tries, the outlet given up); one line now, before Redis is asked
    check_writable_data(data_dir, writes_catalogue=False)
    overrides = parse_sets(sets)
    lease_timeout = _lease_timeout(overrides)
    name = name or default_name()
    _check_worker_sets(overrides, data_dir=data_dir, allow_private=allow_private)
    prefix = str(overrides.get("ARCHIVE_WARC_PREFIX", defaults.ARCHIVE_WARC_PREFIX))
    verbosity = _verbosity()

    def command(item: Any) -> list[str]:
        work = item.item
        outlet_seeds = _outlet_seeds(work, scratch)
        child_sets = {**work.get("settings", {}), **overrides,
                      "CRAWL_REDIS_URL": redis_url, "CRAWL_WORKER_NAME": name,
                      "CRAWL_WORKER_CRAWL": work["crawl_uid"], "CRAWL_WORKER_CRAWL_ID": str(work["crawl_id"])}
        if allow_private:
            child_sets["ARCHIVE_ALLOW_PRIVATE"] = "True"
        cmd = [sys.executable, "-m", "crawler.cli.main", *verbosity, "worker-crawl", "--seeds", str(outlet_seeds),
               "--data", str(data_dir), "--outlet", work["outlet"]]
        for key, value in child_sets.items():
            cmd += ["-s", f"{key}={value}"]
        return cmd

    link = _connect(redis_url)
    try:
        with tempfile.TemporaryDirectory(prefix="newsarchive-worker-") as folder:
            scratch = Path(folder)
            Worker(link, name, command, lease_timeout=lease_timeout, warc_dir=data_dir / "warc",
                   warc_prefix=prefix).run()
    except (NewsArchiveError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _check_worker_sets(overrides: dict[str, str], *, data_dir: Path, allow_private: bool) -> None:
    """The -s values checked as each child crawl will read them, before Redis is asked (crawler.config.checks): one
    message and exit 1. Before stop 38 a worker took any value and each child crawl failed on it, the item handed
    back again and again. Its outlets come with the work items, so they are not checked here; --name is checked as
    the worker claims it (crawler.scaleout.workers.claim_name)."""
    from crawler.config.checks import check_crawl_settings
    from crawler.runner import crawl_settings, warn_unknown

    child = overrides | ({"ARCHIVE_ALLOW_PRIVATE": "True"} if allow_private else {})
    settings = crawl_settings(data_dir=data_dir, seeds=Path("seeds"), trigger="worker", overrides=child,
                              with_outlets=False)
    check_crawl_settings(settings, overrides, with_outlets=False)
    warn_unknown(overrides)


def _outlet_seeds(work: dict[str, Any], folder: Path) -> Path:
    """The coordinator's configuration of the item's outlet, as the one-outlet seeds file the child crawl reads.

    The coordinator decides what is crawled: a worker that crawled with its own --seeds stored another host's
    articles under the outlet, exit 0, no warning (a black-box probe, stop 37). Refused (CannotCrawl, the item handed
    back and the coordinator told) when the item carries no configuration or it does not read back identically.
    """
    from crawler.config.outlets import load_outlets
    from crawler.scaleout.wire import outlet_toml
    from crawler.scaleout.worker import CannotCrawl

    outlet, config, digest = work.get("outlet"), work.get("outlet_config"), work.get("outlet_digest")
    if not isinstance(config, dict) or not digest:
        raise CannotCrawl(f"the work item of outlet {outlet} carries no configuration (its coordinator runs an older "
                          "newsarchive): run the same version on every machine")
    path = folder / "outlet.toml"
    try:
        path.write_text(outlet_toml(config), encoding="utf-8")
        [mine] = load_outlets(path)
    except (NewsArchiveError, TypeError, ValueError) as exc:
        raise CannotCrawl(f"this worker cannot read the coordinator's configuration of outlet {outlet} ({exc}): "
                          "run the same newsarchive version on every machine") from None
    if mine.name != outlet or mine.digest() != digest:
        raise CannotCrawl(f"this worker reads the coordinator's configuration of outlet {outlet} as {mine.digest()}, "
                          f"not {digest}: run the same newsarchive version on every machine")
    return path


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
        _tell_the_worker(str(exc))
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    except NewsArchiveError as exc:
        _tell_the_worker(str(exc))
        raise click.ClickException(str(exc)) from None


def _tell_the_worker(why: str) -> None:
    """Leave the worker why this crawl failed: it hands the item back at once and the coordinator logs why."""
    from crawler.scaleout.worker import FAILURE_FILE

    path = os.environ.get(FAILURE_FILE)
    if path:
        try:
            Path(path).write_text(why, encoding="utf-8")
        except OSError:
            logger.debug("could not write %s", path, exc_info=True)


def live_writers(link: Any, prefix: str) -> Callable[[Path], bool]:
    """True for a ``.open`` WARC (``<prefix>-<worker>-...``) whose writer, the worker's child crawl, is alive now: a
    coordinator started again after a crash must not repair the files the old crawl's workers still write (it closed
    them under them, and their records went unindexed: a black-box probe, stop 35). The test is the writer's own key,
    held while the child runs: the worker's name outlives a child the OOM killer took, and that child's file was
    left open after a "finished" crawl (stop 37)."""
    from crawler.scaleout.keys import writer_key

    def writing(path: Path) -> bool:
        stem = path.name.removeprefix(f"{prefix}-")
        if stem == path.name:
            return False
        names = {stem[:i] for i, c in enumerate(stem) if c == "-"}  # a worker's name may hold '-' itself
        keys = [writer_key(name) for name in names if name]
        return bool(keys) and bool(link.call("look for live writers", lambda r: r.exists(*keys)))
    return writing


def coordinate(settings: Any, redis_url: str, overrides: dict[str, Any]) -> int:
    """Run the crawl ``settings`` describe by the workers on ``redis_url``; the crawl's row id.

    ``overrides`` (the crawl's -s settings) go to every worker's child crawl.
    """
    from crawler.capture.apply import apply_batch
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.session import ArchiveSession
    from crawler.runner import CrawlFailed
    from crawler.scaleout.coordinator import RedisLostCrawl, run_coordinator

    lease_timeout = _lease_timeout(overrides)
    link = _connect(redis_url)
    config = ArchiveConfig.from_settings(settings)
    session = ArchiveSession(config, apply_batch, keep_open=live_writers(link, config.warc_prefix))

    def stop(signum: int, frame: Any) -> None:  # a scheduler stopping this crawl: record it as stopped, cleanly
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return run_coordinator(session, link, lease_timeout=lease_timeout, settings=overrides)
    except RedisLostCrawl as exc:  # one line and exit 3, the crawl recorded failed (a 60-line traceback before)
        raise CrawlFailed(session.crawl_id, exc) from None  # type: ignore[arg-type]
    finally:
        signal.signal(signal.SIGTERM, previous)
