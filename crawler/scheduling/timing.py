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
