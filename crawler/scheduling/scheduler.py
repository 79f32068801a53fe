"""The long-running scheduler: each outlet crawled on its own schedule, each crawl in its own subprocess (APScheduler)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from archive.catalogue.aliases import now_iso
from archive.catalogue.crawls import RECRAWL_TRIGGERS
from archive.catalogue.db import Catalogue
from archive.catalogue.opening import CatalogueError
from archive.corpus import history
from archive.faults import as_fault, fault_reason
from archive.integrity.inventory import pid_alive
from crawler.config import defaults
from crawler.config.outlets import Outlet, load_outlets, parse_interval, select_outlets
from crawler.scheduling.logs import prune_logs, tail_of
from crawler.scheduling.orphans import PARENT_ENV
from crawler.scheduling.timing import first_run, trigger_for

logger = logging.getLogger(__name__)

WATCH_JOB = "watch-edits"
# crawls that walk an outlet's feeds, sitemaps and listings; a restarted scheduler counts from the last of these, and
# `status` shows it as the last run ("demo": `newsarchive demo` crawls its outlets whole; before stop 37 `status` said
# "never run" of every demo outlet after it)
FULL_CRAWL_TRIGGERS = ("schedule", "cli", "demo")
RUN_HISTORY = 50  # finished runs kept in memory (Scheduler.runs); the catalogue keeps every one


@dataclass(frozen=True)
class SchedulerConfig:
    """How the scheduler runs: where, which outlets, the crawl command's extra settings and the stop timeouts."""

    data_dir: Path
    seeds: Path
    outlets: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()  # "NAME=VALUE" passed to every crawl with -s
    stop_grace: float = 30.0  # seconds a running crawl may take to finish after SIGTERM/SIGINT to the scheduler
    kill_grace: float = 30.0  # seconds after the crawl's own SIGTERM before SIGKILL
    watch_every: str | None = "15m"  # how often to re-check due articles for edits; None = never
    backoff: str = history.DEFAULT_BACKOFF_SPEC
    python: str = field(default_factory=lambda: sys.executable)
    redis_url: str | None = None  # each scheduled crawl is a coordinator of the workers on it (`crawl --redis`)

    @property
    def log_keep(self) -> int:
        """ARCHIVE_LOG_KEEP from the crawl settings (``-s``), else its default: crawl logs kept in DATA/logs/."""
        for item in reversed(self.settings):
            name, _, value = item.partition("=")
            if name.strip() == "ARCHIVE_LOG_KEEP":
                try:
                    return max(1, int(value))
                except ValueError:
                    raise ValueError(f"ARCHIVE_LOG_KEEP={value!r} is not a whole number") from None
        return int(defaults.ARCHIVE_LOG_KEEP)

    def __post_init__(self) -> None:
        if self.stop_grace < 0 or self.kill_grace < 0:
            raise ValueError(f"--stop-grace {self.stop_grace:g} --kill-grace {self.kill_grace:g}: grace periods must be "
                             "0 or more seconds")
        if self.watch_every is not None and not parse_interval(self.watch_every):  # 0s: a watch never run (stop 41)
            raise ValueError(f"--watch-every {self.watch_every!r} is not like 90s, 30m, 2h or 1d (more than zero; "
                             "'off' for no watch)")
        history.parse_backoff(self.backoff)
        _ = self.log_keep  # a bad ARCHIVE_LOG_KEEP fails here, before anything runs

    def crawl_command(self, outlet: str) -> list[str]:
        """The command line of one scheduled crawl of ``outlet``."""
        cmd = [self.python, "-m", "crawler.cli.main", "crawl", "--seeds", str(self.seeds), "--data", str(self.data_dir),
               "--outlet", outlet, "--trigger", "schedule", "-s", f"ARCHIVE_WATCH_BACKOFF={self.backoff}"]
        for item in self.settings:
            cmd += ["-s", item]
        if self.redis_url:
            cmd += ["--redis", self.redis_url]
        return cmd

    def watch_command(self) -> list[str]:
        """The command line of one re-check of the articles due for it."""
        cmd = [self.python, "-m", "crawler.cli.main", "recrawl", "--due", "--trigger", "watch", "--seeds", str(self.seeds),
               "--data", str(self.data_dir), "--backoff", self.backoff, "-s", f"ARCHIVE_WATCH_BACKOFF={self.backoff}"]
        for item in self.settings:
            cmd += ["-s", item]
        return cmd


@dataclass
class Run:
    """One crawl process the scheduler started."""

    job: str
    outlets: list[str]
    trigger: str
    process: subprocess.Popen[bytes]
    started_at: str
    log_file: Path
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    exit_code: int | None = None
    crawl_id: int | None = None
    status: str = "running"


class Scheduler:
    """Crawl each outlet on its schedule in subprocesses; never two crawls of one outlet at once."""

    def __init__(self, config: SchedulerConfig, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.config = config
        self.clock = clock
        self.outlets: list[Outlet] = select_outlets(load_outlets(config.seeds), list(config.outlets))
        for outlet in self.outlets:
            trigger_for(outlet.schedule)  # a bad cron expression fails here, before anything runs
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir = config.data_dir / "logs"
        self.catalogue_path = config.data_dir / "catalogue.db"
        Catalogue(self.catalogue_path).close()  # create or migrate the schema before any crawl starts
        self.runs: list[Run] = []
        self._running: dict[str, Run] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # One thread per job, so one slow outlet never delays another; each job allows one instance only.
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=len(self.outlets) + 1)},
            job_defaults={
                "coalesce": True,  # runs missed while busy or asleep collapse into one
                "max_instances": 1,  # never two crawls of one outlet at once
                # APScheduler's 1 s default would silently drop a run that starts late (a busy machine, a
                # resumed laptop); None runs it however late, and coalesce makes that one run
                "misfire_grace_time": None,
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)

    # -- planning ---------------------------------------------------------------------------------

    def plan(self) -> dict[str, datetime]:
        """Each outlet's first run: from its last full crawl in the catalogue, so a restart keeps the schedule."""
        now = self.clock()
        with Catalogue(self.catalogue_path) as catalogue:
            plan = {}
            for outlet in self.outlets:
                last = catalogue.last_crawl(outlet.name, FULL_CRAWL_TRIGGERS)
                last_start = history.parse_when(last["started_at"]) if last else None
                plan[outlet.name] = first_run(outlet.schedule, last_start, now)
        return plan

    def start(self) -> None:
        """Add every outlet's job and the edit-watching job, and start the scheduler thread."""
        for name, when in self.plan().items():
            outlet = next(o for o in self.outlets if o.name == name)
            trigger = trigger_for(outlet.schedule, start=when if parse_interval(outlet.schedule) else None)
            self.scheduler.add_job(self.run_outlet, trigger, args=[name], id=name, name=f"crawl {name}",
                                   next_run_time=when)
            logger.info("outlet %s: schedule %s, next run %s", name, outlet.schedule, when.isoformat())
        if self.config.watch_every:
            every = parse_interval(self.config.watch_every) or 900.0
            self.scheduler.add_job(self.run_watch, IntervalTrigger(seconds=every, timezone=UTC),
                                   id=WATCH_JOB, name="re-check recent articles",
                                   next_run_time=self.clock() + timedelta(seconds=min(every, 60.0)))
        self.scheduler.start()
        self._publish()

    def next_runs(self) -> dict[str, datetime | None]:
        """The next run of each job, as APScheduler has it."""
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}

    def _publish(self, stopped: bool = False) -> None:
        with Catalogue(self.catalogue_path) as catalogue:
            runs = self.next_runs()
            for outlet in self.outlets:
                when = runs.get(outlet.name)
                catalogue.set_schedule(outlet.name, outlet.schedule,
                                       when.astimezone(UTC).isoformat(timespec="seconds") if when else None,
                                       None if stopped else os.getpid())

    def _on_skipped(self, event: JobExecutionEvent) -> None:
        # EVENT_JOB_MAX_INSTANCES comes as a JobSubmissionEvent (scheduled_run_times), EVENT_JOB_MISSED as a
        # JobExecutionEvent (scheduled_run_time)
        when = getattr(event, "scheduled_run_time", None) or (getattr(event, "scheduled_run_times", None) or [None])[-1]
        logger.warning("job %s: run due at %s skipped (%s)", event.job_id, when,
                       "previous run still going" if event.code == EVENT_JOB_MAX_INSTANCES else "missed")

    # -- running ----------------------------------------------------------------------------------

    def run_outlet(self, name: str) -> Run | None:
        """One scheduled crawl of outlet ``name`` in a subprocess, unless a crawl of it is already running."""
        if self._stopping.is_set():
            return None
        with Catalogue(self.catalogue_path) as catalogue:
            for row in catalogue.running_crawls(name):
                if pid_alive(row["pid"]) and row["trigger"] in RECRAWL_TRIGGERS:
                    # a re-crawl (the edit watch, `recrawl`) runs beside a crawl of its outlets and is never waited
                    # for, as the crawl itself does not wait (crawls.busy_outlets); before stop 40 every watch run
                    # that was re-checking an outlet's articles at its planned time cost that outlet a whole interval
                    continue
                if pid_alive(row["pid"]):
                    logger.warning("outlet %s: crawl %s (pid %s) is still running; skipping this run",
                                   name, row["id"], row["pid"])
                    return None
                # a crawl whose process is gone without finishing its row crashed (killed, out of memory, ...)
                catalogue.set_crawl_exit(row["id"], row["exit_code"], status="failed",
                                         error=f"process {row['pid']} ended without finishing the crawl")
        run = self._spawn(name, [name], "schedule", self.config.crawl_command(name))
        try:
            return self._finish(run) if run else None
        finally:
            if not self._stopping.is_set():
                self._publish_or_warn()

    def _publish_or_warn(self) -> None:
        """Publish the plan; a full disk or a locked catalogue is a warning here, never the end of the scheduler."""
        try:
            self._publish()
        except Exception as exc:
            if fault_reason(exc) is None:
                raise
            logger.warning("could not record the schedule in the catalogue (%s: %s); carrying on",
                           fault_reason(exc), exc)

    def run_watch(self) -> Run | None:
        """Re-check the articles due for it (one subprocess), unless nothing is due."""
        if self._stopping.is_set():
            return None
        from crawler.scheduling.recrawl import due_for_watch, watched_outlets

        # due as the child sees it (`recrawl --due --backoff B --seeds S`): by the back-off plan, of the outlets it
        # knows; the planned next_check_at alone started runs that found nothing to re-check
        outlets = watched_outlets(load_outlets(self.config.seeds))
        with Catalogue(self.catalogue_path) as catalogue:
            due = due_for_watch(catalogue, self.clock(), history.parse_backoff(self.config.backoff), outlets, 1)
        if not due:
            return None
        run = self._spawn(WATCH_JOB, sorted({r["outlet"] for r in due if r["outlet"]}), "watch",
                          self.config.watch_command())
        return self._finish(run) if run else None

    def _spawn(self, job: str, outlets: list[str], trigger: str, cmd: list[str]) -> Run | None:
        with self._lock:
            if self._stopping.is_set() or job in self._running:
                return None
            self.log_dir.mkdir(parents=True, exist_ok=True)
            stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
            log_file = self.log_dir / f"{job}-{stamp}-{uuid.uuid4().hex[:6]}.log"
            started_at = now_iso()
            with open(log_file, "wb") as log:
                # its own session: a Ctrl-C in the scheduler's terminal reaches the scheduler only, which then
                # stops the crawl on its own terms (grace period, SIGTERM, SIGKILL)
                # and PARENT_ENV: the crawl asks the kernel to stop it when the scheduler dies (crawler.scheduling.orphans)
                process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True, env={**os.environ, PARENT_ENV: str(os.getpid())})
            run = Run(job, outlets, trigger, process, started_at, log_file)
            self._running[job] = run
            self.runs.append(run)
            if len(self.runs) > RUN_HISTORY:
                # finished runs are in the catalogue; keeping every Run would grow memory with each crawl for months
                old, recent = self.runs[:-RUN_HISTORY], self.runs[-RUN_HISTORY:]
                self.runs = [r for r in old if r.process.poll() is None] + recent
        logger.info("%s: started pid %d (log %s)", job, process.pid, log_file)
        prune_logs(self.log_dir, self.config.log_keep, protect={r.log_file for r in self.running()})
        return run

    def _finish(self, run: Run) -> Run:
        code = run.process.wait()
        run.ended, run.exit_code = time.monotonic(), code
        try:
            self.record(run)
        except Exception as exc:  # a damaged, full or locked catalogue: one line, never the end of the scheduler
            if fault_reason(exc) is None and not isinstance(exc, CatalogueError):
                raise  # (stop 41: a damaged catalogue was an APScheduler traceback after each crawl)
            logger.error("%s: pid %d ended with exit status %s, not recorded in the catalogue: %s", run.job,
                         run.process.pid, run.exit_code, as_fault(exc) or exc)
        finally:
            with self._lock:
                self._running.pop(run.job, None)
        return run

    def record(self, run: Run) -> None:
        """Write the outcome of a finished crawl process to the catalogue (a crash is a failed crawl row)."""
        code = run.exit_code
        tail = tail_of(run.log_file)
        with Catalogue(self.catalogue_path) as catalogue:
            row = catalogue.crawl_of_pid(run.process.pid, run.started_at)
            log = str(run.log_file)
            if row is None and code == 0:
                # it had nothing to do (a watch run whose articles a crawl re-checked meanwhile): no crawl, no row;
                # before stop 37 each such run was a failed crawl row and a WARNING every --watch-every
                run.status = "idle"
            elif row is None:
                run.crawl_id = catalogue.record_failed_crawl(
                    f"{run.started_at}-{uuid.uuid4().hex[:8]}", run.trigger, run.outlets, started_at=run.started_at,
                    pid=run.process.pid, exit_code=code, error=f"exit status {code} before the crawl began\n{tail}",
                    log_file=log)
                run.status = "failed"
            elif code != 0 or row["status"] == "running":
                run.crawl_id = row["id"]
                # "interrupted" with no end time is another crawl's sweep of dead processes (crawls.mark_interrupted),
                # which can reach the row before this record under load: this process's own exit status decides
                swept = row["status"] == "interrupted" and not row["ended_at"]
                run.status = "failed" if row["status"] in ("running", "finished") or swept else row["status"]
                # a crawl that recorded why it failed (disk-full, catalogue-locked) keeps its own reason first
                error = f"{row['error']}\n(exit status {code})" if row["error"] else f"exit status {code}\n{tail}"
                catalogue.set_crawl_exit(row["id"], code, status=run.status, error=error, log_file=log)
            else:
                run.crawl_id = row["id"]
                run.status = row["status"]
                catalogue.set_crawl_exit(row["id"], code, log_file=log)
            if run.crawl_id is not None:
                catalogue.reconcile_history(run.crawl_id, history.parse_backoff(self.config.backoff))
        if run.status == "idle":
            logger.info("%s: pid %d ended after %.1f s with nothing to do (%s)", run.job, run.process.pid,
                        (run.ended or time.monotonic()) - run.started, tail.strip().splitlines()[-1] if tail.strip()
                        else "exit status 0, no crawl")
            return
        level = logging.INFO if run.status == "finished" else logging.WARNING
        logger.log(level, "%s: pid %d ended with exit status %s after %.1f s: %s (crawl %s)", run.job,
                   run.process.pid, code, (run.ended or time.monotonic()) - run.started, run.status, run.crawl_id)

    # -- stopping ---------------------------------------------------------------------------------

    def running(self) -> list[Run]:
        """The crawl processes running now."""
        with self._lock:
            return list(self._running.values())

    def stop(self) -> None:
        """Stop cleanly: no new runs; running crawls get ``stop_grace`` to finish, then SIGTERM, then SIGKILL."""
        self._stopping.set()
        self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + self.config.stop_grace
        for run in self.running():
            _wait(run.process, deadline - time.monotonic())
        for run in self.running():
            if run.process.poll() is None:
                logger.warning("%s: still running after %.0f s; asking it to stop (SIGTERM)", run.job,
                               self.config.stop_grace)
                _signal(run.process, signal.SIGTERM)
        deadline = time.monotonic() + self.config.kill_grace
        for run in self.running():
            _wait(run.process, deadline - time.monotonic())
            if run.process.poll() is None:
                logger.error("%s: did not stop within %.0f s; killing it (SIGKILL)", run.job, self.config.kill_grace)
                _signal(run.process, signal.SIGKILL)
        # the job threads record each outcome once their process has ended
        for run in list(self.runs):
            run.process.wait()
        end = time.monotonic() + 10
        while self.running() and time.monotonic() < end:
            time.sleep(0.05)
        self._publish(stopped=True)
        logger.info("scheduler stopped")

    def serve(self, stop_event: threading.Event | None = None) -> None:
        """Run until SIGTERM or SIGINT (or ``stop_event``), then stop cleanly. Call from the main thread."""
        stop_event = stop_event or threading.Event()

        def handle(signum: int, frame: Any) -> None:
            logger.info("received %s: stopping", signal.Signals(signum).name)
            stop_event.set()

        previous = {s: signal.signal(s, handle) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            while not stop_event.wait(5.0):
                self._publish_or_warn()
        finally:
            self.stop()
            for s, h in previous.items():
                signal.signal(s, h)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> None:
    try:
        process.wait(timeout=max(timeout, 0.0))
    except subprocess.TimeoutExpired:
        pass


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        process.send_signal(signum)
    except ProcessLookupError:
        pass
