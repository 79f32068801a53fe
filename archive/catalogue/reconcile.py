"""The end-of-crawl history step: version diffs, deletion and return events, re-check plans (archive.corpus.history)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import sqlite_utils

from archive.catalogue.reading import article_row
from archive.catalogue.transactions import immediate
from archive.corpus import history

logger = logging.getLogger(__name__)

# The capture that found the page there again after its deletion (2xx, or 304: a revisit), at the URL that was gone
# or the article's own, this crawl's first (an earlier crawl's 200 may have been a "removed" notice): the capture a
# "returned" event cites. save_article (a changed page) and touch_article (a revisit) mark the article live before
# this step runs, so a revisit's return came here citing the article's capture_id, the version's capture taken
# before the deletion (a black-box probe, stop 36).
RETURN_CAPTURE_SQL = """select c.id, c.fetched_at, c.status from captures c
  where c.url in (:url, :gone_url) and (c.status between 200 and 299 or c.status = 304)
    and (c.id > :gone_capture or (:gone_capture is null and c.fetched_at > :gone_at))
  order by c.crawl_id is :crawl_id desc, c.id limit 1"""

# a version's text is NULL when it is the article's current text (archive.catalogue.versions)
VERSION_SQL = """select v.id, v.article_id, v.version, v.title, coalesce(v.text, a.text) as text, v.published
  from article_versions v join articles a on a.id = v.article_id where {where}"""


def reconcile_history(db: sqlite_utils.Database, crawl_id: int | None = None,
                      backoff: tuple[history.DeltaRule, ...] = history.DEFAULT_BACKOFF) -> dict[str, int]:
    """After a crawl: diff new versions, record deletions (404/410) and returns, plan re-checks of new articles.

    Returns how many of each it did: diffs, deleted, returned, watched.
    """
    done = {"diffs": 0, "deleted": 0, "returned": 0, "watched": 0}
    with immediate(db):
        for v in list(db.query(VERSION_SQL.format(where="v.version > 1 and v.diff is null"))):
            prev = list(db.query(VERSION_SQL.format(where="v.article_id = ? and v.version < ?")
                                 + " order by v.version desc limit 1", [v["article_id"], v["version"]]))
            if not prev:
                continue
            old, new = history.Snapshot.from_row(prev[0]), history.Snapshot.from_row(v)
            db["article_versions"].update(v["id"], {
                "diff": history.readable_diff(old, new, old_label=f"version {prev[0]['version']}",
                                              new_label=f"version {v['version']}"),
                "changed": ",".join(history.changed_fields(old, new))})
            done["diffs"] += 1
        if crawl_id is not None:
            # in capture order, so a 404 then a 200 in one crawl is a deletion then a return; a full 200 is
            # left to save_article (below): only extraction can tell a real page from a "removed" notice
            seen = db.query(
                "select c.id, c.url, c.status, c.fetched_at, c.record_type, a.id as aid from captures c "
                "join articles a on a.url = c.url or a.capture_id in "
                "(select id from captures where url = c.url and status = 200) "
                "where c.crawl_id = ? and (c.status in (404, 410) or c.record_type = 'revisit') order by c.id",
                [crawl_id])
            for g in list(seen):
                current = article_row(db.conn, g["aid"]) or {}
                kind = history.status_event(current.get("status"), g["status"])
                if kind is None:
                    continue
                db["articles"].update(g["aid"], {"status": "deleted" if kind == "deleted" else "live"})
                db["article_events"].insert({
                    "article_id": g["aid"], "kind": kind, "url": g["url"], "at": g["fetched_at"],
                    "crawl_id": crawl_id, "capture_id": g["id"], "http_status": g["status"], "detail": ""})
                done[kind] += 1
        # save_article marks an article live whenever it is extracted again: after a deletion, that is a return
        back = db.query(
            "select a.id, a.url, a.last_seen, a.capture_id, e.url as gone_url, e.at as gone_at, "
            "e.capture_id as gone_capture from articles a join article_events e on e.id = "
            "(select id from article_events where article_id = a.id order by at desc, id desc limit 1) "
            "where e.kind = 'deleted' and a.status = 'live' and a.last_seen >= e.at")
        for b in list(back):
            seen = next(iter(db.query(RETURN_CAPTURE_SQL, {**b, "crawl_id": crawl_id})), None)
            capture_id, at, status = (seen["id"], seen["fetched_at"], seen["status"]) if seen else \
                (b["capture_id"], b["last_seen"], 200)
            db["article_events"].insert({
                "article_id": b["id"], "kind": "returned", "url": b["url"], "at": at,
                "crawl_id": crawl_id, "capture_id": capture_id, "http_status": status, "detail": ""})
            done["returned"] += 1
        now = datetime.now(timezone.utc)
        plans = []
        for a in list(db.query("select id, first_seen, published from articles where watch is null")):
            due = history.next_check(history.article_born(a["first_seen"], a["published"]), now, backoff)
            plans.append(("watching" if due else "done", due.isoformat(timespec="seconds") if due else None, a["id"]))
            done["watched"] += 1 if due else 0
        # one statement for every new article of the crawl: sqlite-utils' update() re-reads the table's columns
        # and keys per row, most of the end-of-crawl time on a 10,000-article crawl (issue 10)
        db.conn.executemany("update articles set watch = ?, next_check_at = ? where id = ?", plans)
    return done
