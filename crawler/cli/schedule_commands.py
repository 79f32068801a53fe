"""The ``schedule``, ``status`` and ``recrawl`` commands (registered on the ``newsarchive`` group in crawler.cli.main)."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from archive.catalogue import crawls, lookups
from archive.catalogue.db import Catalogue
from archive.corpus import history
from crawler.cli.catalogues import reader, refuse_new_catalogue
from crawler.cli.options import (
    CONTEXT_SETTINGS,
    check_crawl_sets,
    check_writable_data,
    data_option,
    parse_sets,
    seeds_option,
    set_option,
)
from crawler.cli.scheduler_record import record_scheduler, watch_backoff

logger = logging.getLogger(__name__)

backoff_option = click.option("--backoff", default=history.DEFAULT_BACKOFF_SPEC, show_default=True,
                              metavar="AGE:EVERY,...",
                              help="Re-check articles younger than AGE every EVERY; older than the last AGE: stop.")


def _check_backoff(backoff: str) -> tuple[history.DeltaRule, ...]:
    try:
        return history.parse_backoff(backoff)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--backoff") from None


def _check_schedule_options(sets: tuple[str, ...], redis_url: str | None) -> None:
    """Refuse, at start-up, what would fail every crawl the scheduler starts (a black-box probe, stop 41): a --redis
    that is no Redis URL (each crawl exited 2 and was recorded failed, run after run), and -s ARCHIVE_OUTLETS, which
    each crawl's own --outlet contradicts (the scheduler picks the outlets: --outlet)."""
    if redis_url is not None:
        from crawler.scaleout.connection import RedisConfig

        try:
            RedisConfig(redis_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--redis") from None
    if "ARCHIVE_OUTLETS" in parse_sets(sets):
        raise click.BadParameter("ARCHIVE_OUTLETS: the scheduler runs each outlet's crawl itself; choose the outlets "
                                 "with --outlet NAME (repeatable)", param_hint="-s")


@click.command(context_settings=CONTEXT_SETTINGS)
@seeds_option
@data_option
@click.option("--outlet", "outlets", multiple=True, help="Schedule only this outlet (repeatable).")
@set_option
@click.option("--stop-grace", type=float, default=30.0, show_default=True,
              help="Seconds a running crawl may take to finish after SIGTERM/SIGINT before it is stopped.")
@click.option("--kill-grace", type=float, default=30.0, show_default=True,
              help="Seconds a crawl asked to stop may take before it is killed.")
@click.option("--watch-every", default="15m", show_default=True,
              help="How often to re-check recent articles for edits ('off' to never).")
@backoff_option
@click.option("--allow-private", is_flag=True,
              help="Crawls and re-checks may fetch loopback, private and link-local addresses (ARCHIVE_ALLOW_PRIVATE).")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Each scheduled crawl is crawled by the workers on this Redis (`crawl --redis`).")
def schedule(seeds: Path, data_dir: Path, outlets: tuple[str, ...], sets: tuple[str, ...], stop_grace: float,
             kill_grace: float, watch_every: str, backoff: str, allow_private: bool, redis_url: str | None) -> None:
    """Crawl each outlet on its own schedule until stopped (SIGTERM or Ctrl-C stop it cleanly).

    An outlet's `schedule` key is an interval ("90s", "30m", "2h", "1d"; default "1h") or a five-field
    cron expression ("*/30 * * * *", UTC). Each crawl runs in its own process, logged in DATA/logs/. Its --backoff
    and --watch-every are recorded in DATA/logs/scheduler.json: `status` counts due re-checks by them.

    Example: newsarchive schedule --seeds seeds/ --data data
    """
    from crawler.scheduling.scheduler import Scheduler, SchedulerConfig

    _check_backoff(backoff)
    _check_schedule_options(sets, redis_url)
    if allow_private:
        sets = (*sets, "ARCHIVE_ALLOW_PRIVATE=1")  # passed to every crawl and re-check the scheduler starts
    check_writable_data(data_dir)
    # every -s value checked once, now, as each crawl would (before stop 37 each scheduled crawl failed on it later)
    check_crawl_sets(sets, data_dir=data_dir, seeds=seeds, outlets=outlets, trigger="schedule")
    refuse_new_catalogue(data_dir)  # a lost catalogue.db beside an archive is restored (or `crawl --new-catalogue`)
    try:
        config = SchedulerConfig(data_dir=data_dir, seeds=seeds, outlets=outlets, settings=sets,
                                 stop_grace=stop_grace, kill_grace=kill_grace,
                                 watch_every=None if watch_every.lower() in ("off", "never", "0") else watch_every,
                                 backoff=backoff, redis_url=redis_url)
        scheduler = Scheduler(config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    # what `status` counts due re-checks by, unless told another --backoff (before stop 38: only when told this one)
    record_scheduler(data_dir, backoff=config.backoff, watch_every=config.watch_every)
    scheduler.serve()


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    seconds = (now - moment).total_seconds()
    if abs(seconds) < 90:
        span = f"{abs(seconds):.0f}s"
    elif abs(seconds) < 5400:
        span = f"{abs(seconds) / 60:.0f}m"
    elif abs(seconds) < 172800:
        span = f"{abs(seconds) / 3600:.1f}h"
    else:
        span = f"{abs(seconds) / 86400:.1f}d"
    return f"{span} ago" if seconds >= 0 else f"in {span}"


def status_rows(seeds: Path, data_dir: Path, now: datetime | None = None,
                backoff: str = history.DEFAULT_BACKOFF_SPEC) -> list[dict[str, Any]]:
    """One row per outlet (those of ``seeds``, then those the catalogue knows that ``seeds`` does not configure):
    schedule, last run (when, how long, outcome, counts), next run; last, the watched articles and how many of them
    the scheduler's edit-watch (`schedule --backoff BACKOFF`) finds due now."""
    from crawler.config.outlets import load_outlets
    from crawler.scheduling.recrawl import UNLISTED, due_for_watch, watched_outlets
    from crawler.scheduling.scheduler import FULL_CRAWL_TRIGGERS, pid_alive
    from crawler.scheduling.timing import first_run

    now = now or datetime.now(UTC)
    with reader(data_dir) as catalogue:  # read-only, never migrated: status works on read-only media
        planned = catalogue.schedules()
        rows = []
        loaded = load_outlets(seeds)
        configured = [(o.name, o.schedule, True) for o in loaded]
        names = {name for name, _, _ in configured}
        # outlets this folder crawled that --seeds does not configure (other seeds, or since removed) are shown too,
        # with the schedule they last had: `status --data DIR` alone listed the built-in outlets only
        stored = [(name, schedule or "-", False) for name, schedule in lookups.outlet_schedules(catalogue.db).items()
                  if name not in names]
        for name, schedule, is_configured in configured + stored:
            last = catalogue.last_crawl(name, FULL_CRAWL_TRIGGERS)
            running = [r for r in catalogue.running_crawls(name) if pid_alive(r["pid"])]
            started = history.parse_when(last["started_at"]) if last else None
            ended = history.parse_when(last["ended_at"]) if last else None
            counts = json.loads(last["counts"] or "{}").get(name, {}) if last else {}
            plan = planned.get(name)
            scheduler_up = bool(plan and pid_alive(plan["scheduler_pid"]))
            if scheduler_up and plan and plan["next_run_at"]:
                next_run, note = history.parse_when(plan["next_run_at"]), ""
            elif name == UNLISTED:  # recrawl --any-outlet's ad-hoc outlet: its seeds were a temporary file
                next_run, note = None, "URLs of no configured outlet (recrawl --any-outlet): never crawled on a schedule"
            elif not is_configured:
                next_run, note = None, f"not configured in {seeds}: pass the --seeds it was crawled with"
            else:
                try:
                    next_run, note = first_run(schedule, started, now), " (when the scheduler runs)"
                except (ValueError, OverflowError) as exc:  # never a traceback: the row says what is wrong
                    next_run, note = None, f"schedule invalid: {exc}"
            rows.append({
                "outlet": name, "schedule": schedule,
                "last_run": last["started_at"] if last else None, "last_run_ago": _ago(started, now),
                "duration_s": round((ended - started).total_seconds(), 1) if started and ended else None,
                "outcome": (crawls.shown_status(last) if last else "never run")
                + (f" (exit {last['exit_code']})" if last and last["exit_code"] not in (None, 0) else ""),
                "trigger": last["trigger"] if last else None,
                "pages": counts.get("pages_fetched", 0), "new": counts.get("articles_new", 0),
                "updated": counts.get("articles_updated", 0), "failures": counts.get("failures", 0),
                "running": ", ".join(f"crawl {r['id']} pid {r['pid']}" for r in running) or None,
                "next_run": next_run.isoformat(timespec="seconds") if next_run else None,
                "next_run_in": (("due now" if next_run and next_run <= now else _ago(next_run, now)) + note
                                if next_run or is_configured else note),
                "scheduler": "running" if scheduler_up else "not running",
            })
        # as the scheduler's watch decides (crawler.scheduling.recrawl.due_for_watch), not by the planned next_check_at
        due = due_for_watch(catalogue, now, history.parse_backoff(backoff), watched_outlets(loaded), 1_000_000_000)
        watching = lookups.watching_count(catalogue.db)
    rows.append({"outlet": "(watch)", "watching": watching, "due": len(due)})
    return rows


@click.command(context_settings=CONTEXT_SETTINGS)
@seeds_option
@data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per outlet.")
@click.option("--backoff", default=None, metavar="AGE:EVERY,...",
              help="Count the articles due for a re-check by this back-off instead of the running (or last) "
                   f"scheduler's [default: the scheduler's --backoff, or {history.DEFAULT_BACKOFF_SPEC}].")
def status(seeds: Path, data_dir: Path, as_json: bool, backoff: str | None) -> None:
    """Show each outlet's schedule, last run (when, how long, outcome, counts) and next run, and how many watched
    articles are due for a re-check by the --backoff the running (or last) scheduler of DATA runs with.

    Example: newsarchive status --data data
    """
    if backoff is not None:
        _check_backoff(backoff)
    spec, source = watch_backoff(data_dir, backoff)  # given, else the running (or last) scheduler's, else the default
    # read-only: a mistyped --data is an error, never a new empty catalogue
    rows = status_rows(seeds, data_dir, backoff=spec)
    rows[-1] |= {"backoff": spec, "backoff_from": source}
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    watch = rows.pop()
    for r in rows:
        duration = f"{r['duration_s']}s" if r["duration_s"] is not None else "-"
        click.echo(f"{r['outlet']}  schedule {r['schedule']}")
        click.echo(f"  last run: {r['last_run'] or '-'} ({r['last_run_ago']}), took {duration}, {r['outcome']}"
                   + (f" [{r['trigger']}]" if r["trigger"] else ""))
        click.echo(f"  counts:   {r['pages']} pages, {r['new']} new, {r['updated']} updated, {r['failures']} failures")
        if r["running"]:
            click.echo(f"  running:  {r['running']}")
        click.echo(f"  next run: {r['next_run'] or '-'} ({r['next_run_in']})")
    # "due" as the scheduler's watch finds them (crawler.scheduling.recrawl.due_for_watch), by its recorded --backoff
    click.echo(f"watching {watch['watching']} recent articles for edits; {watch['due']} due for a re-check "
               f"{watch['backoff_from']}")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("urls", nargs=-1)
@seeds_option
@data_option
@click.option("--outlet", default=None, help="Archive the URLs under this outlet, even if it does not own them.")
@click.option("--any-outlet", is_flag=True, help="Archive URLs of no configured outlet under 'unlisted'.")
@click.option("--due", is_flag=True, help="Re-check the watched articles whose re-check is due (the scheduler's job).")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True,
              help="At most this many due articles (with --due only).")
@click.option("--conditional/--unconditional", default=None,
              help="Send If-None-Match/If-Modified-Since from the last capture "
                   "[default: conditional with --due, unconditional otherwise].")
@click.option("--trigger", default=None, help="Recorded in the crawls table [default: manual; watch with --due].")
@click.option("--backoff", default=history.DEFAULT_BACKOFF_SPEC, show_default=True, metavar="AGE:EVERY,...",
              help="Re-check articles younger than AGE every EVERY; older than the last AGE: stop. Given, --due "
                   "re-checks the watched articles whose last re-check (or first capture) is older than the EVERY "
                   "of their age then; not given, those whose planned re-check time has come.")
@set_option
@click.option("--allow-private", is_flag=True,
              help="Fetch loopback, private and link-local addresses too (ARCHIVE_ALLOW_PRIVATE); refused otherwise.")
def recrawl(urls: tuple[str, ...], seeds: Path, data_dir: Path, outlet: str | None, any_outlet: bool, due: bool,
            limit: int, conditional: bool | None, trigger: str | None, backoff: str, sets: tuple[str, ...],
            allow_private: bool) -> None:
    """Fetch URLs now, archive them, re-extract, and print what changed (a new version shows its diff).

    Example: newsarchive recrawl https://alwasat.ly/news/libya/123456 --data data
    """
    from crawler.config.defaults import CRAWL_URL_MAX_LENGTH
    from crawler.config.outlets import load_outlets
    from crawler.scheduling.recrawl import (
        Target,
        assign_outlets,
        due_for_watch,
        format_outcomes,
        outcomes,
        seeds_with_unlisted,
        snapshot,
        watched_outlets,
    )

    _refuse_contradictions(urls, outlet, any_outlet, due)
    overrides = parse_sets(sets)
    if allow_private:
        overrides["ARCHIVE_ALLOW_PRIVATE"] = True
    rules = _check_backoff(backoff)
    _check_recrawl_input(urls, sets, seeds, data_dir, trigger)
    now = datetime.now(UTC)
    configured = load_outlets(seeds)
    targets = assign_outlets(list(urls), configured, outlet=outlet, any_outlet=any_outlet)
    refuse_new_catalogue(data_dir)
    with Catalogue(data_dir / "catalogue.db") as catalogue:
        due_rows: list[dict[str, Any]] = []
        # the outlets of --seeds, and `unlisted` (--any-outlet's, re-made for its due URLs by seeds_with_unlisted):
        # the due articles of other outlets are left due (before stop 37 they were marked checked, unchecked)
        known = watched_outlets(configured)
        if due and click.get_current_context().get_parameter_source("backoff") != ParameterSource.DEFAULT:
            due_rows = due_for_watch(catalogue, now, rules, known, limit)  # --backoff given: due by that plan
        elif due:
            stored = catalogue.due_articles(now.isoformat(timespec="seconds"), 1_000_000_000)  # next_check_at
            due_rows = [r for r in stored if r["outlet"] in known][:limit]
        targets += [Target(r["url"], r["outlet"]) for r in due_rows]
        before = snapshot(catalogue, targets)
    if not targets:
        click.echo("nothing to re-check")
        return
    with tempfile.TemporaryDirectory(prefix="newsarchive-recrawl-") as tmp:
        crawl_seeds = seeds_with_unlisted(seeds, targets, Path(tmp) / "seeds")
        crawl_id = _run(data_dir, crawl_seeds, targets, trigger or ("watch" if due else "manual"),
                        conditional if conditional is not None else due, overrides)
    _exit_if_forced(crawl_id)
    with Catalogue(data_dir / "catalogue.db") as catalogue:
        catalogue.reconcile_history(crawl_id, rules)
        if due_rows:
            catalogue.mark_checked([r["id"] for r in due_rows], now, rules)
        url_max_length = int(overrides.get("CRAWL_URL_MAX_LENGTH", CRAWL_URL_MAX_LENGTH))
        results = outcomes(catalogue, crawl_id, targets, before, url_max_length)
    click.echo(format_outcomes(results))
    if not all(r.ok for r in results):
        sys.exit(1)


def _refuse_contradictions(urls: tuple[str, ...], outlet: str | None, any_outlet: bool, due: bool) -> None:
    """Refuse options that contradict each other or mean nothing together, each in one line with the fix, exit 2
    (before stop 38 `--outlet X --any-outlet`, `--due URL` and `--limit` without `--due` were taken without a word)."""
    given = click.get_current_context().get_parameter_source("limit") != ParameterSource.DEFAULT
    if not urls and not due:
        raise click.UsageError("give one or more URLs, or --due")
    if outlet is not None and any_outlet:
        raise click.UsageError("--outlet and --any-outlet contradict each other: --outlet NAME archives every URL "
                               "given under NAME, --any-outlet only those of no configured outlet under 'unlisted'; "
                               "give one of them")
    if urls and due:
        raise click.UsageError(f"--due re-checks the watched articles that are due, not URLs given ({urls[0]}); run "
                               "`recrawl URL ...` and `recrawl --due` apart")
    if due and (outlet is not None or any_outlet):
        raise click.UsageError(f"{'--outlet' if outlet is not None else '--any-outlet'} says whose the URLs given "
                               "are; --due re-checks each due article under its own outlet: leave it out")
    if given and not due:
        raise click.UsageError("--limit caps how many due articles --due re-checks; every URL given is fetched: "
                               "leave --limit out")


def _check_recrawl_input(urls: tuple[str, ...], sets: tuple[str, ...], seeds: Path, data_dir: Path,
                         trigger: str | None) -> None:
    """Every URL, the -s values and --data checked before anything is fetched: one line each, no traceback (a port
    over 65535 raised in canonicalisation)."""
    from crawler.config.checks import url_problem

    for url in urls:
        if problem := url_problem(url.strip()):
            raise click.BadParameter(f"{url!r}: {problem}; give http:// or https:// URLs", param_hint="URL")
    if trigger is not None and not trigger.strip():
        raise click.BadParameter("an empty trigger; leave --trigger out (manual) or give a word",
                                 param_hint="--trigger")
    check_writable_data(data_dir)
    check_crawl_sets(sets, data_dir=data_dir, seeds=seeds, trigger=trigger or "manual")


def _exit_if_forced(crawl_id: int) -> None:
    """Ctrl-C twice stopped the re-crawl: its row says interrupted, as a crawl's does, and it exits 130. The due
    articles are not marked checked and no outcome is printed: the next ``recrawl --due`` checks them again."""
    from crawler.cli.main import _end_abandoned, exit_interrupted

    if _end_abandoned():
        exit_interrupted(f"re-crawl {crawl_id}")


def _run(data_dir: Path, seeds: Path, targets: list[Any], trigger: str, conditional: bool,
         overrides: dict[str, str]) -> int:
    from crawler.fetch.limits import Limits
    from crawler.runner import crawl_settings, run_crawl, warn_unknown
    from crawler.spiders.recrawl import RecrawlSpider

    settings = crawl_settings(data_dir=data_dir, seeds=seeds, outlets=tuple(sorted({t.outlet for t in targets})),
                              trigger=trigger, overrides={
                                  "RECRAWL_TARGETS": [[t.url, t.outlet] for t in targets],
                                  "RECRAWL_CONDITIONAL": conditional, **overrides})
    Limits.from_settings(settings)  # a bad limit (-s CRAWL_...=x) is a ConfigError, as for crawl: no traceback
    warn_unknown(overrides)
    return run_crawl(settings, spider=RecrawlSpider)  # in this process: the reactor runs once

