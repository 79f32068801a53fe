"""Crawl rows: the counts a crawl keeps, whose process runs a crawl, and the crawl-start checks (an interrupted
earlier crawl, another live crawl of the same outlets)."""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from archive.catalogue.transactions import immediate
from archive.errors import NewsArchiveError

logger = logging.getLogger(__name__)

# The counts of a crawl, in the order the summary shows them: each is a column of the crawls row (its total) and
# a key of crawls.counts (per outlet); the crawl summary labels them with COUNT_LABELS. The one definition.
COUNT_KEYS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "articles_irrelevant",
              "failures")
COUNT_LABELS = {"pages_fetched": "pages", "articles_new": "new", "articles_updated": "updated",
                "articles_unchanged": "unchanged", "articles_irrelevant": "irrelevant", "failures": "failures"}
# the triggers of re-crawls (`newsarchive recrawl`: named URLs, or the watch's due ones): they run beside a crawl of
# their outlets; any other crawl claims its outlets (``busy_outlets``)
RECRAWL_TRIGGERS = ("manual", "watch")
# seconds a crawl's process may seem to have started after its crawl: /proc gives the boot time to the second, and a
# wall-clock step (NTP) since the boot shifts every start it computes
START_SLACK = 60.0


class OutletsBusy(NewsArchiveError):
    """Every outlet a crawl was asked for is being crawled by another live crawl: it does not start."""


def last_status(db: sqlite_utils.Database) -> str | None:
    """The status of the most recent crawl row, or None when there is none."""
    row = db.execute("select status from crawls order by id desc limit 1").fetchone()
    return str(row[0]) if row else None


def mark_interrupted(db: sqlite_utils.Database, crawl_ids: Iterable[int]) -> None:
    """Mark crawls whose process died while they ran as ``interrupted``, with the counts of what they committed.

    A crawl writes its counts as it ends; one killed (``kill -9``, the OOM killer) showed 0 pages and 0 articles in
    its row, ``status`` and the reading room, though its captures and articles were in the catalogue (stop 41's
    probe). Its counts are rebuilt here from its rows: pages from its captures, failures (and their reasons) from
    its failure rows, new, irrelevant and updated articles from the versions its captures hold."""
    with immediate(db):
        for crawl_id in crawl_ids:
            row = db.execute("select pages_fetched, counts from crawls where id = ?", [crawl_id]).fetchone()
            change: dict[str, Any] = {"status": "interrupted"}
            if row is not None and not row[0] and row[1] in (None, "", "{}"):
                per_outlet = outlet_rows(committed_counts(db, crawl_id))
                change |= {k: sum(c[k] for c in per_outlet.values()) for k in COUNT_KEYS}
                change["counts"] = json.dumps(per_outlet, sort_keys=True)
            db["crawls"].update(crawl_id, change)


def committed_counts(db: sqlite_utils.Database, crawl_id: int) -> dict[str, Counter[str]]:
    """A crawl's counts per outlet as its committed rows give them (``mark_interrupted``). An article is ``new`` or
    ``irrelevant`` by its relevance now (the judgement of its first version is not kept apart)."""
    counts: dict[str, Counter[str]] = {}
    for outlet, n in db.execute("select outlet, count(*) from captures where crawl_id = ? group by outlet",
                                [crawl_id]):
        counts.setdefault(outlet or "-", Counter())["pages_fetched"] += n
    for outlet, reason, n in db.execute("select outlet, reason, count(*) from failures where crawl_id = ? "
                                        "group by outlet, reason", [crawl_id]):
        counts.setdefault(outlet or "-", Counter()).update({"failures": n, f"failure:{reason}": n})
    for outlet, first, relevant, n in db.execute(
            "select a.outlet, v.version = 1, a.relevant, count(*) from article_versions v join captures c "
            "on c.id = v.capture_id join articles a on a.id = v.article_id where c.crawl_id = ? group by 1, 2, 3",
            [crawl_id]):
        key = "articles_updated" if not first else "articles_new" if relevant else "articles_irrelevant"
        counts.setdefault(outlet or "-", Counter())[key] += n
    return counts


def outlet_rows(counts: dict[str, Counter[str]]) -> dict[str, dict[str, Any]]:
    """A crawl's counts per outlet as crawls.counts keeps them: COUNT_KEYS, and where there are any the refusal
    reasons (``failure:<reason>`` counts) and how often the outlet throttled us (README "Limits and safety")."""
    rows: dict[str, dict[str, Any]] = {}
    for name, c in counts.items():
        rows[name] = {k: int(c.get(k, 0)) for k in COUNT_KEYS}
        reasons = {k.split(":", 1)[1]: int(v) for k, v in sorted(c.items()) if k.startswith("failure:")}
        if reasons:
            rows[name]["failure_reasons"] = reasons
        if c.get("throttled"):
            rows[name]["throttled"] = int(c["throttled"])
    return rows


def outlet_counts(db: sqlite_utils.Database, crawl_id: int) -> dict[str, dict[str, Any]]:
    """A crawl's counts per outlet (crawls.counts: COUNT_KEYS, failure_reasons, throttled)."""
    return json.loads(db["crawls"].get(crawl_id)["counts"] or "{}")


def crawl_process_alive(row: dict[str, Any]) -> bool:
    """Whether the process recorded in a crawl row (``pid``, ``started_at``) still runs: the pid exists, is no zombie,
    and that process started before the crawl did, since this machine booted (a pid the kernel gave to a later
    process, after a reboot for one, is not the crawl's)."""
    from archive.integrity.inventory import pid_alive  # here: archive.integrity imports the catalogue

    pid = row.get("pid")
    if not pid_alive(pid):
        return False
    try:
        crawl_began = datetime.fromisoformat(str(row.get("started_at"))).timestamp()
    except ValueError:
        return True
    boot, began = _boot_and_start(int(pid))
    if boot is None or began is None:
        return True  # no /proc (not Linux): the pid alone decides
    return boot - START_SLACK <= crawl_began and began <= crawl_began + START_SLACK


def _boot_and_start(pid: int) -> tuple[float | None, float | None]:
    """When this machine booted and when process ``pid`` started (Unix times), from /proc (proc(5): ``btime`` of
    /proc/stat, field 22 of /proc/PID/stat in clock ticks since the boot); None where /proc does not say."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        return boot, boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None, None


def shown_status(row: dict[str, Any]) -> str:
    """A crawl row's status as `status` shows it: a row still ``running`` whose process is gone (kill -9, a crash, a
    forced stop) says so, until the next crawl marks it ``interrupted``."""
    status = str(row.get("status"))
    if status == "running" and not crawl_process_alive(row):
        return "interrupted (process gone)"
    return status


def busy_outlets(db: sqlite_utils.Database, outlets: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The outlets of ``outlets`` that a live crawl is crawling now (never two crawls of one outlet at once), each with
    that crawl's row. Neither a re-crawl (RECRAWL_TRIGGERS), nor a row whose process is gone (the next crawl marks it
    interrupted), nor one of this process (the reactor runs one crawl a process: tests open sessions side by side) is
    in the way."""
    wanted = set(outlets)
    busy: dict[str, dict[str, Any]] = {}
    marks = ", ".join("?" for _ in RECRAWL_TRIGGERS)
    sql = (f"select * from crawls where status = 'running' and coalesce(trigger, '') not in ({marks}) "
           "and coalesce(pid, 0) != ? order by id")
    for row in db.query(sql, [*RECRAWL_TRIGGERS, os.getpid()]):
        names = wanted.intersection(json.loads(row["outlets"] or "[]")) - busy.keys()
        if names and crawl_process_alive(row):
            busy |= dict.fromkeys(names, row)
    return busy


def describe(row: dict[str, Any]) -> str:
    """A running crawl as a message names it: ``crawl 4 (cli, pid 1234, started 2024-05-01T10:00:00+00:00)``."""
    return f"crawl {row['id']} ({row['trigger']}, pid {row['pid']}, started {row['started_at']})"
