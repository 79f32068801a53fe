"""Build the WARC/1.1 records of an HTTP exchange byte for byte: warcinfo, response, request, revisit."""

from __future__ import annotations

import io
import os
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter
from zlib_ng import zlib_ng

from archive.records import Exchange

WARC_VERSION = "WARC/1.1"
# zlib's default level, as wget --warc-file writes, by zlib-ng (python-zlib-ng), whose deflate writes the same format
# in less than half zlib's time: on 300 of the benchmark mirror's pages (96 KB of HTML) 0.48 ms per page against
# zlib's 1.02 at level 6 and 1.75 at level 9 (warcio's fixed choice), in 11.3 % of the page's bytes against zlib's
# 11.4 % and 11.0 % (issue 10). Any gzip reader inflates the members (zlib in archive/warc/reader.py, warcio).
GZIP_LEVEL = 6
REVISIT_PROFILES = {
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}
# WARC named field recording that we removed the "chunked" transfer coding from the stored HTTP headers:
# the body we receive is already de-chunked, and a header that says "chunked" over a de-chunked body
# is unreadable (webrecorder/pywb#584, nla/httrack2warc#5). See http_response_head().
REMOVED_TE_FIELD = "X-Newsarchive-Removed-Transfer-Encoding"


def warc_date(moment: datetime) -> str:
    """WARC-Date of an aware datetime: UTC, ISO 8601, microseconds when non-zero (allowed by WARC 1.1)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"WARC dates need an aware datetime, got naive {moment!r}")
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def sha1_digest(*data: bytes) -> str:
    """``sha1:BASE32`` digest of ``data`` (its parts one after another), as warcio writes it (the form Heritrix and
    warcprox write too)."""
    digester = Digester("sha1")
    for part in data:
        digester.update(part)
    return str(digester)


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC-Record-ID: a time-ordered UUID (version 7, RFC 9562 section 5.7)."""
    # Time first, then 74 random bits: ids made in a later millisecond sort later (within one, at random), so the
    # catalogue's index of captures by record id (captures.warc_record_id) grows at its end, where a random uuid4 put
    # each new capture on a random page that every group commit wrote again (issue 10's bytes written, which grow with
    # the catalogue). Hand-made because uuid.uuid7 arrives only in Python 3.14.
    ms = time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF
    rand = int.from_bytes(os.urandom(10), "big")
    value = ms << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62 | rand & (1 << 62) - 1
    return f"<urn:uuid:{uuid.UUID(int=value)}>"


def _header_bytes(text: str) -> bytes:
    # Header values arrive as str; latin-1 round-trips the wire bytes exactly when the capture decoded
    # them as latin-1. A value outside latin-1 can only have come from a utf-8 decode: write it as utf-8.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _head(first_line: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [_header_bytes(first_line)]
    lines.extend(_header_bytes(name) + b": " + _header_bytes(value) for name, value in headers)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _strip_chunked(headers: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, str]], str | None]:
    """Headers without the 'chunked' transfer coding (the body is de-chunked), and the removed value."""
    kept: list[tuple[str, str]] = []
    removed: str | None = None
    for name, value in headers:
        if name.lower() == "transfer-encoding":
            codings = [c.strip() for c in value.split(",") if c.strip()]
            others = [c for c in codings if c.lower() != "chunked"]
            if len(others) != len(codings):
                removed = value
                if others:
                    kept.append((name, ", ".join(others)))
                continue
        kept.append((name, value))
    return kept, removed


def request_target(url: str) -> str:
    """The origin-form request target (path and query) of ``url``."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def http_request_head(ex: Exchange) -> bytes:
    """Request line and headers as sent, in order."""
    return _head(f"{ex.method} {request_target(ex.url)} {ex.protocol}", ex.request_headers)


def http_response_head(ex: Exchange) -> tuple[bytes, str | None]:
    """Status line and headers of the response, and the Transfer-Encoding value removed, if any."""
    headers, removed = _strip_chunked(ex.response_headers)
    return _head(f"{ex.protocol} {ex.status} {ex.reason}", headers), removed


class _RawHttpHead(StatusAndHeaders):
    """HTTP status line and headers kept as the exact bytes captured (warcio would re-serialise them)."""

    def __init__(self, raw: bytes) -> None:
        super().__init__("", [])
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        """Keep the captured bytes: warcio's version would %-encode non-ASCII values."""

    def __bool__(self) -> bool:
        return True


class RecordFactory:
    """Builds warcio records from exchanges, byte for byte, with digests computed here."""

    def __init__(self, id_factory: Callable[[], str] = new_record_id) -> None:
        self.id_factory = id_factory

    def _record(
        self,
        rec_type: str,
        fields: list[tuple[str, str]],
        content_type: str,
        head: bytes,
        body: bytes,
        *,
        payload_digest: bool | str = True,
    ) -> ArcWarcRecord:
        """A record whose block is ``head + body`` (``head`` empty for non-HTTP blocks), digests included.

        ``payload_digest``: False for none, else ``sha1_digest(body)``, made here unless given.
        """
        fields = list(fields)
        fields.append(("WARC-Block-Digest", sha1_digest(head, body)))
        if payload_digest:
            digest = payload_digest if isinstance(payload_digest, str) else sha1_digest(body)
            fields.append(("WARC-Payload-Digest", digest))
        fields.append(("Content-Type", content_type))
        # warcio's builder makes the record from our fields: its own field order differs (ensure_digest writes the
        # payload digest before the block digest and none on warcinfo; create_warcinfo_record puts WARC-Filename
        # before WARC-Date; create_revisit_record knows one profile), and the golden records are byte-exact
        return RecordBuilder(WARC_VERSION).create_warc_record(
            "", rec_type, payload=io.BytesIO(body), length=len(body), warc_content_type=content_type,
            warc_headers=StatusAndHeaders("", fields, protocol=WARC_VERSION),
            http_headers=_RawHttpHead(head) if head else None,
        )

    def _common(self, rec_type: str, ex: Exchange, record_id: str) -> list[tuple[str, str]]:
        fields = [
            ("WARC-Type", rec_type),
            ("WARC-Record-ID", record_id),
            ("WARC-Date", warc_date(ex.fetched_at)),
            ("WARC-Target-URI", ex.url),
        ]
        if ex.ip_address:
            fields.append(("WARC-IP-Address", ex.ip_address))
        return fields

    def warcinfo(self, filename: str, info: dict[str, str], moment: datetime) -> ArcWarcRecord:
        """The warcinfo record that opens every file."""
        block = b"".join(
            f"{name}: {value}\r\n".encode() for name, value in info.items() if value not in (None, "")
        )
        fields = [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", self.id_factory()),
            ("WARC-Date", warc_date(moment)),
            ("WARC-Filename", filename),
        ]
        return self._record("warcinfo", fields, "application/warc-fields", b"", block)

    def response(self, ex: Exchange, record_id: str | None = None, payload_digest: str | None = None) -> ArcWarcRecord:
        """The response record: status line, headers, body as received (content-encoded); ``record_id`` or a new one.

        ``payload_digest``: ``sha1_digest(ex.body)`` when already made (the crawl process hashes each new page: one
        SHA-1 of ~100 KB per page less in the writer, issue 10).
        """
        head, removed = http_response_head(ex)
        fields = self._common("response", ex, record_id or self.id_factory())
        if removed is not None:
            fields.append((REMOVED_TE_FIELD, removed))
        return self._record("response", fields, "application/http; msgtype=response", head, ex.body,
                            payload_digest=payload_digest or True)

    def request(self, ex: Exchange, concurrent_to: str) -> ArcWarcRecord:
        """The request record, linked to its response or revisit by WARC-Concurrent-To."""
        fields = self._common("request", ex, self.id_factory())
        fields.append(("WARC-Concurrent-To", concurrent_to))
        head = http_request_head(ex)
        return self._record("request", fields, "application/http; msgtype=request", head, ex.request_body)

    def revisit(
        self,
        ex: Exchange,
        *,
        refers_to_uri: str,
        refers_to_date: str,
        refers_to_record_id: str | None,
        payload_digest: str,
        profile: str = "identical-payload-digest",
        record_id: str | None = None,
    ) -> ArcWarcRecord:
        """A revisit record: HTTP status line and headers only, pointing at the original capture."""
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}; use one of {sorted(REVISIT_PROFILES)}")
        if not payload_digest:
            raise ValueError("a revisit record needs the payload digest of the record it refers to")
        head, removed = http_response_head(ex)
        fields = self._common("revisit", ex, record_id or self.id_factory())
        fields.append(("WARC-Profile", REVISIT_PROFILES[profile]))
        fields.append(("WARC-Refers-To-Target-URI", refers_to_uri))
        fields.append(("WARC-Refers-To-Date", refers_to_date))
        if refers_to_record_id:
            fields.append(("WARC-Refers-To", refers_to_record_id))
        if removed is not None:
            fields.append((REMOVED_TE_FIELD, removed))
        # The payload is not stored: WARC-Payload-Digest is the one of the record referred to.
        fields.append(("WARC-Payload-Digest", payload_digest))
        return self._record(
            "revisit", fields, "application/http; msgtype=response", head, b"", payload_digest=False
        )


def record_bytes(record: ArcWarcRecord, *, gzip: bool = True) -> bytes:
    """One record serialised by warcio's WARCWriter (one gzip member, at ``GZIP_LEVEL``, when ``gzip``)."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
    if not gzip:
        return buffer.getvalue()
    # not WARCWriter(gzip=True): its GzippingWrapper hard-codes level 9 with the stdlib's zlib (warcio/warcwriter.py)
    gz = zlib_ng.compressobj(GZIP_LEVEL, zlib_ng.DEFLATED, zlib_ng.MAX_WBITS + 16)
    return gz.compress(buffer.getvalue()) + gz.flush()
