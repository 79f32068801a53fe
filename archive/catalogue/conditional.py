"""Which capture a conditional request's validators (ETag, Last-Modified) come from: one whose result was stored.

Why not simply the URL's latest full capture: a re-crawl killed after an edited page's capture row committed, but
before its article result, left the article on its old version while the latest capture held the edit. Its ETag was
sent from then on, the site answered 304 every time, and the edit never reached the catalogue (stop 39's probe).
An HTTP cache keeps validators with the entry they validate (RFC 9111 4.3.1: a stored response's own validators);
the stored entry here is the article, so the validators are those of the capture its current version (or any
version, or a failure) was read from. A URL no article was read from keeps the latest full capture's.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from archive.catalogue import reading

_ARTICLES_SQL = ("select a.id, a.capture_id from articles a join captures k on k.id = a.capture_id "
                 "where k.url = ?")

# the newest full 200 capture of the URL that an article, one of its versions or a failure was read from, itself or
# through a revisit of it (a page fetched again byte-identical: the revisit is the capture the version names)
_SETTLED_SQL = """
select c.* from captures c
where c.url = ? and c.record_type = 'response' and c.status = 200 and exists (
  select 1 from captures r where r.url = c.url and (r.id = c.id or (r.record_type = 'revisit' and r.refers_to = c.id))
  and (r.id in (select capture_id from articles where id in ({ids}))
       or r.id in (select capture_id from article_versions where article_id in ({ids}))
       or exists (select 1 from failures f where f.capture_id = r.id)))
order by c.id desc limit 1"""


def validator_capture(db: sqlite_utils.Database, url: str, latest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The capture of ``url`` whose validators a conditional request sends: ``latest`` (the URL's latest full 200
    capture) when no article was read from the URL or its result was stored, else the newest capture whose result
    was stored (None: send none, fetch the page whole)."""
    if latest is None or latest.get("id") is None:  # none, or this crawl's own (its result is on its way)
        return latest
    articles = reading.rows(db.conn, _ARTICLES_SQL, [url])
    if not articles or any(row["capture_id"] == latest["id"] for row in articles):
        return latest
    ids = [row["id"] for row in articles]
    marks = ", ".join("?" * len(ids))
    found = reading.rows(db.conn, _SETTLED_SQL.format(ids=marks), [url, *ids, *ids])
    return found[0] if found else None


def result_stored(db: sqlite_utils.Database, url: str, capture: dict[str, Any]) -> bool:
    """True when the result read from ``capture`` (a full 200 capture of ``url``) was stored, or nothing is read from
    the URL: a page byte-identical to it is unchanged. False after a kill between the two: the page is read again."""
    found = validator_capture(db, url, capture)
    return found is not None and found.get("id") == capture.get("id")
