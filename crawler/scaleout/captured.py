"""What the child crawls of one crawl archived per outlet, for the next child of that outlet's revisit test.

A one-machine crawl stores a 200 whose payload is byte-identical to the URL's latest full capture as a revisit
(crawler.capture.session ``archive``); its latest capture comes from this crawl's pending writes, else the catalogue.
A worker's child reads a catalogue the coordinator writes: on a shared data folder it sees what an earlier child of
the same outlet stored, but a worker on its own disk reads a copy made before the crawl, so when a worker was killed
and another took its outlet over, every page the killed one had fetched was fetched again as a full response (a
black-box probe, stop 37). So each child publishes, with its results and in the same MULTI/EXEC, the full captures
it archived (a Redis hash per crawl and outlet: URL -> record id, date, payload digest, validators), and a child
taking the outlet over loads them when it starts: its revisit test and validators see them as this crawl's own.

The hash lives while its outlet is crawled: the worker that finishes the item deletes it, the coordinator deletes
what is left with the crawl's keys, and it expires with them (DEFAULT_CRAWL_TTL) if both died.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from archive.records import WarcLocation
from crawler.capture.operations import CaptureOp
from crawler.capture.overlay import capture_row
from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import CrawlKeys

FIELDS = ("warc_record_id", "fetched_at", "payload_digest", "etag", "last_modified")  # what a revisit and validators need


def full_captures(keys: CrawlKeys, ops: Iterable[Any], locations: dict[str, WarcLocation],
                  outlets: Iterable[str]) -> dict[str, dict[str, str]]:
    """The hash entries of a batch's full 200 GET captures written to a WARC (those the one-machine overlay keeps:
    ``PendingWrites.add_capture``), by hash key; captures of no outlet of this crawl are left out."""
    mine = set(outlets)
    entries: dict[str, dict[str, str]] = {}
    for op in ops:
        if not isinstance(op, CaptureOp) or op.prior is not None or op.outlet not in mine:
            continue
        ex = op.exchange
        if ex.method != "GET" or ex.status != 200 or op.record_id not in locations:
            continue
        row = capture_row(op.record_id, ex, op.payload_digest)
        entries.setdefault(keys.captures(op.outlet), {})[ex.url] = json.dumps([row[f] for f in FIELDS])
    return entries


def load(link: RedisLink, keys: CrawlKeys, outlets: Iterable[str]) -> dict[str, str]:
    """The full captures earlier child crawls of this crawl published for ``outlets``: URL -> entry (``row``).

    Kept as the JSON text Redis holds (a dict per capture costs some ten times as much) and read in pieces (HSCAN)."""
    found: dict[str, str] = {}
    for outlet in outlets:
        key = keys.captures(outlet)
        found.update(link.call("read the outlet's captures", lambda r, key=key: dict(r.hscan_iter(key, count=1000))))
    return found


def row(url: str, entry: str) -> dict[str, Any]:
    """An entry as the captures-row fields a revisit and a conditional request read (``capture_row``'s, no id:
    like a pending capture of this crawl, its revisits are not looked up in the catalogue)."""
    return {"id": None, "url": url, "status": 200, "record_type": "response", **dict(zip(FIELDS, json.loads(entry),
                                                                                          strict=True))}


def forget(link: RedisLink, keys: CrawlKeys, outlets: Iterable[str]) -> None:
    """Delete the outlets' hashes: their items are done, no child of this crawl crawls them again."""
    names = [keys.captures(outlet) for outlet in outlets]
    if names:
        link.call("forget the outlet's captures", lambda r: r.delete(*names))
