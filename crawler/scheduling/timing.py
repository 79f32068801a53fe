"""When scheduled crawls run: an outlet's APScheduler trigger, and its first run after a (re)start."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config.outlets import parse_interval

logger = logging.getLogger(__name__)


def trigger_for(schedule: str, start: datetime | None = None) -> BaseTrigger:
    """The APScheduler trigger of an outlet's ``schedule``: interval ("90s", "30m", "2h", "1d") or 5-field cron."""
    seconds = parse_interval(schedule)
    if seconds is not None:
        if seconds <= 0:
            raise ValueError(f"schedule {schedule!r}: the interval must be more than zero")
        return IntervalTrigger(seconds=seconds, start_date=start, timezone=UTC)
    return CronTrigger.from_crontab(schedule, timezone=UTC)


MAX_INTERVAL = 366 * 86400.0  # a year: longer is no schedule (and past timedelta's range, OverflowError)


def schedule_problem(schedule: str) -> str | None:
    """Why ``schedule`` is no schedule a scheduler can run (None when it is one): an interval that is zero or over a
    year, or a cron expression APScheduler's own CronTrigger refuses ("61 * * * *", "a b c d e", "*/0 * * * *") or
    that never fires ("0 0 31 2 *": 31 February). ``status`` and ``schedule`` read it the same way."""
    seconds = parse_interval(schedule)
    if seconds is not None:
        if not 0 < seconds <= MAX_INTERVAL:
            return f"schedule {schedule!r}: an interval must be more than zero and at most a year ('366d'), e.g. '1h'"
        return None
    if len(schedule.split()) != 5:
        return (f"schedule {schedule!r} is neither an interval like '30m', '2h', '1d' nor a five-field cron "
                "expression like '*/30 * * * *'")
    try:
        cron = CronTrigger.from_crontab(schedule, timezone=UTC)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return (f"schedule {schedule!r} is no cron expression APScheduler reads ({exc}); write five fields: minute "
                "(0-59) hour (0-23) day (1-31) month (1-12 or jan-dec) weekday (0-6 or mon-sun), e.g. '*/30 * * * *'")
    if cron.get_next_fire_time(None, datetime.now(UTC)) is None:
        return f"schedule {schedule!r} never fires (no such date); e.g. '0 0 28 2 *' for 28 February"
    return None


def first_run(schedule: str, last_start: datetime | None, now: datetime) -> datetime:
    """When an outlet's next crawl is due, given when the last one started: overdue (or never run) means now.

    However many runs were missed while the scheduler was down, the answer is one run, now (coalescing).
    """
    if last_start is None:
        return now
    seconds = parse_interval(schedule)
    if seconds is not None:
        due = last_start + timedelta(seconds=seconds)
        return max(due, now)
    cron = CronTrigger.from_crontab(schedule, timezone=UTC)
    due = cron.get_next_fire_time(None, last_start + timedelta(seconds=1))
    if due is None:
        raise ValueError(f"schedule {schedule!r} never fires")
    return max(due, now)
