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

from archive.catalogue.reading import replay_chain
from archive.errors import ArchiveIntegrityError
from crawler.web.records import CHUNK, TooLargeToReplay, parse_capture_id, parse_response, record_bytes

logger = logging.getLogger(__name__)

REPLAY_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
              "media-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
Send = Callable[[dict[str, Any]], Awaitable[None]]


def load_capture(db_path: Path, data_dir: Path, capture_id: int) -> tuple[int, str, bytes]:
    """(HTTP status to answer, content type, body) for ``/capture/<id>``.

    A revisit (the page fetched again, unchanged: a 304, or the same payload) replays as the response it refers
    to, the page as the server sent it (WARC 1.1 section 6.7: the revisit's payload is that record's).
    """
    chain = replay_chain(db_path, capture_id)
    if not chain:
        return 404, "text/plain; charset=utf-8", b"No such capture."
    row = chain[-1]
    if row["record_type"] != "response" or not row["warc_file"]:
        what = f"is a {row['record_type']} record" if row is chain[0] else \
            f"is a revisit of capture {row['id']}, which holds no archived response"
        return 404, "text/plain; charset=utf-8", f"Capture {capture_id} {what}.".encode()
    try:
        archived = parse_response(record_bytes(data_dir, row["warc_file"], int(row["warc_offset"]),
                                               int(row["warc_length"])))
    except TooLargeToReplay as exc:
        logger.warning("replay of capture %s refused: %s", capture_id, exc)
        return 413, "text/plain; charset=utf-8", f"Capture {capture_id} cannot be replayed: {exc}.".encode()
    except ArchiveIntegrityError as exc:
        logger.warning("replay of capture %s failed: %s", capture_id, exc)
        return 404, "text/plain; charset=utf-8", f"WARC record unavailable: {exc}".encode()
    return 200, archived.content_type, archived.body


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
        elif len(parts) == 2 and parts[0] == "capture" and parts[1].isdigit():
            wanted = parse_capture_id(parts[1])
            status, ctype, body = (404, "text/plain; charset=utf-8", b"No such capture.") if wanted is None else \
                await asyncio.to_thread(load_capture, self.db_path, self.data_dir, wanted)
            await _respond(send, status, ctype, b"" if scope.get("method") == "HEAD" else body)
        else:
            await _respond(send, 404, "text/plain", b"Replay serves /capture/<id> only.")


async def _respond(send: Send, status: int, content_type: str, body: bytes) -> None:
    headers = [
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
