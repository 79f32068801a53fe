"""Write operations as JSON records for the results channel, and back (no scrapy imports).

A worker writes the WARC records itself, so a capture travels as its exchange's metadata (URL, method, status,
headers, fetch time, address: what ``Catalogue.add_capture`` reads; no body) plus the WARC location the worker
wrote it at; every other operation (crawler.capture.operations) travels as its fields. JSON rather than pickle:
whoever can write to Redis must not be able to run code in the coordinator.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from archive.records import Exchange, ExtractedArticle, ExtractionFailure, Relevance, WarcLocation
from crawler.capture.operations import (
    ArticleOp,
    CaptureOp,
    FailureOp,
    FrontierOp,
    SettleOp,
    SitemapReadOp,
    TouchOp,
)
from crawler.capture.prepare import Prepared

PLAIN = {"failure": FailureOp, "frontier": FrontierOp, "settle": SettleOp, "touch": TouchOp,
         "sitemap": SitemapReadOp}
KIND = {cls: kind for kind, cls in PLAIN.items()}


def encode(op: Any, location: WarcLocation | None = None) -> dict[str, Any]:
    """One operation as a JSON-ready record; a capture needs the ``location`` its record was written at."""
    if isinstance(op, CaptureOp):
        if location is None:
            raise ValueError(f"{op!r} has no WARC location: write its record before publishing it")
        ex = op.exchange
        return {
            "op": "capture", "record_id": op.record_id, "crawl_id": op.crawl_id, "outlet": op.outlet,
            "prior": op.prior, "profile": op.profile, "location": asdict(location),
            "exchange": {"url": ex.url, "method": ex.method, "request_headers": ex.request_headers,
                         "status": ex.status, "reason": ex.reason, "protocol": ex.protocol,
                         "response_headers": ex.response_headers, "fetched_at": ex.fetched_at.isoformat(),
                         "ip_address": ex.ip_address},
        }
    if isinstance(op, ArticleOp):
        result = op.result
        return {"op": "article", "outlet": op.outlet, "url": op.url, "capture": op.capture,
                "listed_date": op.listed_date, "request_url": op.request_url, "part_urls": list(op.part_urls),
                "result": {"failed": isinstance(result, ExtractionFailure), **asdict(result)},
                # the judgement and derived forms the worker's extraction pool computed: not redone by the coordinator
                "prepared": {**asdict(op.prepared), "shingles": list(op.prepared.shingles)}
                if isinstance(op.prepared, Prepared) else None}
    kind = KIND.get(type(op))
    if kind is None:
        raise TypeError(f"no record for {op!r}")
    return {"op": kind, **asdict(op)}


def decode(record: dict[str, Any]) -> tuple[Any, WarcLocation | None]:
    """The operation a record stands for, and for a capture the WARC location of its record."""
    kind = record["op"]
    if kind == "capture":
        ex = record["exchange"]
        exchange = Exchange(
            url=ex["url"], method=ex["method"], request_headers=_pairs(ex["request_headers"]), request_body=b"",
            status=int(ex["status"]), reason=ex["reason"], protocol=ex["protocol"],
            response_headers=_pairs(ex["response_headers"]), body=b"",
            fetched_at=datetime.fromisoformat(ex["fetched_at"]), ip_address=ex["ip_address"])
        op = CaptureOp(record["record_id"], record["crawl_id"], record["outlet"], exchange, record["prior"],
                       record["profile"])
        return op, WarcLocation(**record["location"])
    if kind == "article":
        data = dict(record["result"])
        failed = data.pop("failed")
        result: ExtractedArticle | ExtractionFailure
        if failed:
            result = ExtractionFailure(**data)
        else:
            result = ExtractedArticle(**{**data, "paragraphs": tuple(data["paragraphs"])})
        return ArticleOp(record["outlet"], record["url"], record["capture"], result, record["listed_date"],
                         record["request_url"], _prepared(record.get("prepared")),
                         tuple(record.get("part_urls", ()))), None  # an article split over pages: its parts
    cls = PLAIN.get(kind)
    if cls is None:
        raise ValueError(f"unknown result record kind {kind!r}")
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in record.items() if k in names}), None


def _prepared(data: dict[str, Any] | None) -> Prepared | None:
    if data is None:
        return None
    rel = data["relevance"]
    relevance = Relevance(rel["relevant"], rel["score"], rel["libya_score"], rel["conflict_score"],
                          tuple(tuple(term) for term in rel["matched_terms"]))
    return Prepared(relevance, array("q", data["shingles"]), tuple(data["story_keys"]), data["search_text"],
                    data["rendered"])


def _pairs(values: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in values)


# The outlet's configuration travels with its work item: the coordinator's --seeds decide what a worker crawls (a
# worker that crawled with its own seeds stored another host's articles under the outlet, a black-box probe, stop
# 37). The worker writes it back as a one-outlet seeds file for its child crawl and checks its digest.
def outlet_config(outlet: Any) -> dict[str, Any]:
    """An Outlet's fields as JSON-ready values (its ``source`` file is the coordinator's, not the item's)."""
    return {f.name: list(v) if isinstance(v := getattr(outlet, f.name), tuple) else v
            for f in fields(outlet) if f.name != "source"}


def outlet_toml(config: dict[str, Any]) -> str:
    """``config`` as one ``[[outlet]]`` table. Hand-written because the standard library reads TOML but does not
    write it, and the values are few kinds (string, boolean, number, list of strings); the worker checks the digest
    of what it reads back, so a value this writes wrong refuses the item instead of crawling something else."""
    return "[[outlet]]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in config.items())


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):  # JSON's escapes are TOML's basic-string escapes, but for DEL
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")
