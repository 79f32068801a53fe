"""Crawl rows: the counts a crawl keeps, and the crawl-start checks for an interrupted earlier crawl."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from archive.catalogue.transactions import immediate

logger = logging.getLogger(__name__)

# The counts of a crawl, in the order the summary shows them: each is a column of the crawls row (its total) and
# a key of crawls.counts (per outlet); the crawl summary labels them with COUNT_LABELS. The one definition.
COUNT_KEYS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "articles_irrelevant",
              "failures")
COUNT_LABELS = {"pages_fetched": "pages", "articles_new": "new", "articles_updated": "updated",
                "articles_unchanged": "unchanged", "articles_irrelevant": "irrelevant", "failures": "failures"}


def last_status(db: sqlite_utils.Database) -> str | None:
    """The status of the most recent crawl row, or None when there is none."""
    row = db.execute("select status from crawls order by id desc limit 1").fetchone()
    return str(row[0]) if row else None


def mark_interrupted(db: sqlite_utils.Database, crawl_ids: Iterable[int]) -> None:
    """Mark crawls whose process died while they ran as ``interrupted``."""
    with immediate(db):
        for crawl_id in crawl_ids:
            db["crawls"].update(crawl_id, {"status": "interrupted"})


def outlet_counts(db: sqlite_utils.Database, crawl_id: int) -> dict[str, dict[str, Any]]:
    """A crawl's counts per outlet (crawls.counts: COUNT_KEYS, failure_reasons, throttled)."""
    return json.loads(db["crawls"].get(crawl_id)["counts"] or "{}")
