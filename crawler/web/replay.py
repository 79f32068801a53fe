"""A minimal replay server for archived captures, meant to run on another origin than the catalogue.

``GET /capture/<id>`` answers with the archived response body and its Content-Type, under a
Content-Security-Policy that sandboxes the page (no scripts, opaque origin) and lets nothing load
from the network (``default-src 'none'``): an archived page can neither act on the catalogue nor
call home. It is a viewer for the evidence, not a full-fidelity replay (use pywb for that).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html

from archive.catalogue.reading import capture_of_url, capture_url, replay_chain
from archive.errors import ArchiveIntegrityError
from crawler.extraction.decode import decode_html
from crawler.web.records import CHUNK, TooLargeToReplay, parse_capture_id, parse_response, record_bytes

logger = logging.getLogger(__name__)

REPLAY_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
              "media-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
Send = Callable[[dict[str, Any]], Awaitable[None]]


Replayed = tuple[int, str, bytes, str | None]
#: archived statuses answered as they are; others (1xx, 204/205 and 304, which carry no body) answer 200
_NO_BODY = {204, 205, 304}


def load_capture(db_path: Path, data_dir: Path, capture_id: int, *, follow: bool = False) -> Replayed:
    """(HTTP status to answer, content type, body, Location) for ``/capture/<id>`` (``/view/<id>`` with ``follow``:
    an HTML page's links lead into the archive, ``linked``; ``/capture/`` keeps the body as served, decoded from its
    Content-Encoding).

    A revisit (the page fetched again, unchanged: a 304, or the same payload) replays as the response it refers
    to, the page as the server sent it (WARC 1.1 section 6.7: the revisit's payload is that record's). The archived
    status is answered (a 404 page replays as a 404), and a redirect as a redirect whose Location leads to the
    archived capture of its target through ``/go`` (before stop 40 every capture answered 200: a 301 was an empty
    page, a dead end for a moved story followed inside the archive).
    """
    chain = replay_chain(db_path, capture_id)
    if not chain:
        return 404, "text/plain; charset=utf-8", b"No such capture.", None
    row = chain[-1]
    if row["record_type"] != "response" or not row["warc_file"]:
        what = f"is a {row['record_type']} record" if row is chain[0] else \
            f"is a revisit of capture {row['id']}, which holds no archived response"
        return 404, "text/plain; charset=utf-8", f"Capture {capture_id} {what}.".encode(), None
    try:
        archived = parse_response(record_bytes(data_dir, row["warc_file"], int(row["warc_offset"]),
                                               int(row["warc_length"])))
    except TooLargeToReplay as exc:
        logger.warning("replay of capture %s refused: %s", capture_id, exc)
        return 413, "text/plain; charset=utf-8", f"Capture {capture_id} cannot be replayed: {exc}.".encode(), None
    except ArchiveIntegrityError as exc:
        logger.warning("replay of capture %s failed: %s", capture_id, exc)
        return 404, "text/plain; charset=utf-8", f"WARC record unavailable: {exc}".encode(), None
    status = archived.status if 200 <= archived.status <= 599 and archived.status not in _NO_BODY else 200
    base = capture_url(db_path, capture_id) or archived.target_uri
    location = None
    if 300 <= status <= 399:
        try:
            target = urldefrag(urljoin(base, archived.location.strip()))[0] if archived.location.strip() else ""
        except ValueError:  # a Location no URL parser reads ("http://[bad"): it leads nowhere
            target = ""
        if urlsplit(target).scheme in ("http", "https"):
            location = "/go?" + urlencode({"url": target}) + f"&near={capture_id}&hop=1"
        else:
            status = 200  # a 3xx with no usable Location leads nowhere: its body is all there is to show
    if follow and archived.content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        if base:
            return status, "text/html; charset=utf-8", linked(archived.body, archived.content_type, base,
                                                              capture_id), location
    return status, archived.content_type, archived.body, location


def linked(body: bytes, content_type: str, base: str, capture_id: int) -> bytes:
    """The page with each link resolved against ``base`` (and its ``<base href>``) and sent to ``/go``, which
    answers with the archived capture of that address or says it was never archived (stop 37's probe: every
    link in a replayed page answered 404). UTF-8 out: the header's charset is the page's now. The WARC record
    download keeps the bytes as served."""
    try:
        doc = lxml.html.document_fromstring(decode_html(body, content_type))
    except (ValueError, lxml.etree.ParserError):
        return body
    near = f"&near={capture_id}"

    def to_archive(link: str) -> str:
        if urlsplit(link).scheme not in ("http", "https"):
            return link if link.startswith("#") else "#"  # javascript:, data:, mailto: lead nowhere here
        return "/go?" + urlencode({"url": urldefrag(link)[0]}) + near

    doc.rewrite_links(to_archive, resolve_base_href=True, base_href=base)
    return lxml.html.tostring(doc, encoding="utf-8", doctype="<!DOCTYPE html>")


def go(db_path: Path, query: str) -> tuple[int, str, bytes, str | None]:
    """``/go?url=…[&near=<capture id>]``: (status, content type, body, Location) for a link in a replayed page."""
    args = dict(parse_qsl(query))
    url, near = args.get("url", ""), parse_capture_id(args.get("near", ""))
    # hop=1: the Location of an archived redirect, whose target was fetched after it
    found = capture_of_url(db_path, url, near, after=args.get("hop") == "1") if url else None
    if found is not None:
        return 302, "text/plain; charset=utf-8", b"", f"/view/{found}"
    text = (f"Not archived: {url} was never captured by this archive, so there is nothing to replay. "
            "The live address is not linked from here on purpose: this server shows evidence only.\n")
    return 404, "text/plain; charset=utf-8", text.encode(), None


class ReplayApp:
    """ASGI app serving ``/capture/<id>`` from the WARC files of one data folder."""

    def __init__(self, db_path: Path, data_dir: Path) -> None:
        self.db_path = Path(db_path)
        self.data_dir = Path(data_dir)

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                       send: Send) -> None:
        """Answer one HTTP request (lifespan events are acknowledged)."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        parts = path.strip("/").split("/")
        if scope.get("method") not in ("GET", "HEAD"):
            await _respond(send, 405, "text/plain", b"Only GET.")
        elif len(parts) == 2 and parts[0] in ("capture", "view") and parts[1].isdigit():
            wanted = parse_capture_id(parts[1])
            status, ctype, body, location = (404, "text/plain; charset=utf-8", b"No such capture.", None) \
                if wanted is None else \
                await asyncio.to_thread(load_capture, self.db_path, self.data_dir, wanted, follow=parts[0] == "view")
            await _respond(send, status, ctype, b"" if scope.get("method") == "HEAD" else body, location)
        elif parts == ["go"]:
            status, ctype, body, location = await asyncio.to_thread(
                go, self.db_path, scope.get("query_string", b"").decode("latin-1"))
            await _respond(send, status, ctype, body, location)
        else:
            await _respond(send, 404, "text/plain", b"Not an archived page. Replay serves /capture/<id> (the page as served: its links are the site's own and "
                          b"lead nowhere here) and /view/<id> (the same page, its links leading into the archive).")


async def _respond(send: Send, status: int, content_type: str, body: bytes, location: str | None = None) -> None:
    headers = [(b"location", location.encode("latin-1"))] if location else []
    headers += [
        (b"content-type", content_type.encode("latin-1", "replace")),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", REPLAY_CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"private, max-age=3600"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    # in chunks, so the server never queues a second copy of a large body in one message
    view = memoryview(body)
    for start in range(0, len(body), CHUNK):
        await send({"type": "http.response.body", "body": bytes(view[start:start + CHUNK]), "more_body": True})
    await send({"type": "http.response.body", "body": b""})
