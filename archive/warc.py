"""Write HTTP exchanges to rotating, gzip-per-record WARC/1.1 files (the archive of record)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import logging
import os
import re
import socket
import threading
import uuid
from base64 import b32encode
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Self
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.errors import ArchiveIntegrityError
from archive.records import Exchange, WarcLocation

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
REVISIT_PROFILES = {
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}
OPEN_SUFFIX = ".open"
# WARC named field recording that we removed the "chunked" transfer coding from the stored HTTP headers:
# the body we receive is already de-chunked, and a header that says "chunked" over a de-chunked body
# is unreadable (webrecorder/pywb#584, nla/httrack2warc#5). See _http_response_head().
REMOVED_TE_FIELD = "X-Newsarchive-Removed-Transfer-Encoding"


def software_version() -> str:
    """``newsarchive/<version> warcio/<version>`` for the warcinfo record."""
    try:
        ours = importlib.metadata.version("newsarchive")
    except importlib.metadata.PackageNotFoundError:
        ours = "0+not-installed"
    return f"newsarchive/{ours} warcio/{importlib.metadata.version('warcio')}"


def warc_date(moment: datetime) -> str:
    """WARC-Date of an aware datetime: UTC, ISO 8601, microseconds when non-zero (allowed by WARC 1.1)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"WARC dates need an aware datetime, got naive {moment!r}")
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` digest of ``data`` (the form Heritrix, warcprox and warcio write)."""
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode("ascii")


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC-Record-ID."""
    return f"<urn:uuid:{uuid.uuid4()}>"


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
        payload_digest: bool = True,
    ) -> ArcWarcRecord:
        """A record whose block is ``head + body`` (``head`` empty for non-HTTP blocks), digests included."""
        fields = list(fields)
        fields.append(("WARC-Block-Digest", sha1_digest(head + body)))
        if payload_digest:
            fields.append(("WARC-Payload-Digest", sha1_digest(body)))
        fields.append(("Content-Type", content_type))
        headers = StatusAndHeaders("", fields, protocol=WARC_VERSION)
        http = _RawHttpHead(head) if head else None
        record = ArcWarcRecord(
            "warc", rec_type, headers, io.BytesIO(body), http, content_type, len(head) + len(body)
        )
        record.payload_length = len(body)
        return record

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

    def response(self, ex: Exchange) -> ArcWarcRecord:
        """The response record: status line, headers, body as received (content-encoded)."""
        head, removed = http_response_head(ex)
        fields = self._common("response", ex, self.id_factory())
        if removed is not None:
            fields.append((REMOVED_TE_FIELD, removed))
        return self._record("response", fields, "application/http; msgtype=response", head, ex.body)

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
        profile: str,
    ) -> ArcWarcRecord:
        """A revisit record: HTTP status line and headers only, pointing at the original capture."""
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}; use one of {sorted(REVISIT_PROFILES)}")
        if not payload_digest:
            raise ValueError("a revisit record needs the payload digest of the record it refers to")
        head, removed = http_response_head(ex)
        fields = self._common("revisit", ex, self.id_factory())
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
    """One record serialised by warcio's WARCWriter (one gzip member when ``gzip``)."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=gzip, warc_version=WARC_VERSION).write_record(record)
    return buffer.getvalue()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _safe_host(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", name) or "unknown-host"


class WarcArchive:
    """Rotating WARC/1.1 writer: ``<data_dir>/warc/<prefix>-<timestamp17>-<serial5>-<host>.warc.gz``.

    Files are written as ``<name>.open`` and renamed when closed (fsync file, rename, fsync folder).
    Each record is one gzip member; a request/response pair is never split across files.
    With ``fsync`` on, the file is also fsynced after every ``fsync_every`` writes (0: only at
    rotate/close), so a location returned is on disk before the catalogue records it.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        prefix: str = "NEWSARCHIVE",
        max_size: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
        fsync: bool = True,
        fsync_every: int = 1,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        id_factory: Callable[[], str] = new_record_id,
        hostname: str | None = None,
    ) -> None:
        if max_size <= 0:
            raise ValueError(f"max_size must be positive, got {max_size}")
        if fsync_every < 0:
            raise ValueError(f"fsync_every must be >= 0, got {fsync_every}")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", prefix):
            raise ValueError(f"prefix {prefix!r} may only hold letters, digits, '_', '.' and '-'")
        self.data_dir = Path(data_dir)
        self.warc_dir = self.data_dir / "warc"
        self.prefix = prefix
        self.max_size = max_size
        self.extra_info = dict(warcinfo or {})
        self.fsync = fsync
        self.fsync_every = fsync_every
        self.clock = clock
        self.factory = RecordFactory(id_factory)
        self.hostname = _safe_host(hostname or socket.gethostname())
        self.serial = 0
        self.files_written: list[Path] = []
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None
        self._name: str | None = None
        self._size = 0
        self._unsynced = 0

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self.warc_dir / (self._name + OPEN_SUFFIX) if self._name else None

    def warcinfo_fields(self) -> dict[str, str]:
        """The warcinfo fields: software, host, format, conformsTo, then the caller's fields."""
        info = {
            "software": software_version(),
            "host": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": CONFORMS_TO,
        }
        info.update(self.extra_info)
        return info

    def _open(self) -> None:
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        now = self.clock()
        stamp = now.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        while True:
            name = f"{self.prefix}-{stamp}-{self.serial:05d}-{self.hostname}.warc.gz"
            self.serial += 1
            final = self.warc_dir / name
            if final.exists():
                continue
            try:
                self._fh = open(self.warc_dir / (name + OPEN_SUFFIX), "xb")  # noqa: SIM115 (closed in _finish)
            except FileExistsError:
                continue
            break
        self._name = name
        self._size = 0
        info = record_bytes(self.factory.warcinfo(name, self.warcinfo_fields(), now))
        self._fh.write(info)
        self._size += len(info)
        self._fh.flush()
        logger.info("opened WARC file %s", self.current_path)

    def _write_members(self, members: list[bytes]) -> list[int]:
        total = sum(len(m) for m in members)
        if self._fh is not None and self._size + total > self.max_size:
            self._finish()
        if self._fh is None:
            self._open()
        assert self._fh is not None
        before = self._size
        offsets = []
        try:
            for member in members:
                offsets.append(self._size)
                self._fh.write(member)
                self._size += len(member)
            self._fh.flush()
        except OSError:
            # e.g. disk full: cut the half-written pair so later records do not follow garbage
            logger.exception("write to %s failed; truncating it back to %d bytes", self.current_path, before)
            self._size = before
            self._fh.seek(before)
            self._fh.truncate(before)
            raise
        self._unsynced += 1
        if self.fsync and self.fsync_every and self._unsynced >= self.fsync_every:
            os.fsync(self._fh.fileno())
            self._unsynced = 0
        return offsets

    def _location(self, record: ArcWarcRecord, offset: int, length: int, request_offset: int) -> WarcLocation:
        assert self._name is not None
        return WarcLocation(
            warc_file=f"warc/{self._name}",
            offset=offset,
            length=length,
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            record_type=record.rec_type,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            request_offset=request_offset,
        )

    def write_exchange(self, ex: Exchange) -> WarcLocation:
        """Write a response record and its request record; return where the response is."""
        response = self.factory.response(ex)
        request = self.factory.request(ex, response.rec_headers.get_header("WARC-Record-ID"))
        return self._write_pair(response, request)

    def write_revisit(
        self,
        ex: Exchange,
        *,
        refers_to_uri: str,
        refers_to_date: str,
        refers_to_record_id: str | None,
        payload_digest: str,
        profile: str = "identical-payload-digest",
    ) -> WarcLocation:
        """Write a revisit record (headers only) and its request record; return where the revisit is."""
        revisit = self.factory.revisit(
            ex,
            refers_to_uri=refers_to_uri,
            refers_to_date=refers_to_date,
            refers_to_record_id=refers_to_record_id,
            payload_digest=payload_digest,
            profile=profile,
        )
        request = self.factory.request(ex, revisit.rec_headers.get_header("WARC-Record-ID"))
        return self._write_pair(revisit, request)

    def _write_pair(self, main: ArcWarcRecord, request: ArcWarcRecord) -> WarcLocation:
        members = [record_bytes(main), record_bytes(request)]
        with self._lock:
            offsets = self._write_members(members)
            return self._location(main, offsets[0], len(members[0]), offsets[1])

    def _finish(self) -> None:
        if self._fh is None or self._name is None:
            return
        fh, name = self._fh, self._name
        self._fh, self._name = None, None
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())
        fh.close()
        final = self.warc_dir / name
        if final.exists():
            raise ArchiveIntegrityError(f"{final} already exists; leaving {name}{OPEN_SUFFIX} in place")
        os.replace(self.warc_dir / (name + OPEN_SUFFIX), final)
        if self.fsync:
            _fsync_dir(self.warc_dir)
        self.files_written.append(final)
        logger.info("closed WARC file %s (%d bytes)", final, self._size)

    def rotate(self) -> None:
        """Close the current file (fsync, rename ``.open`` to final); the next write opens a new one."""
        with self._lock:
            self._finish()

    def close(self) -> None:
        """Close the current file; the archive may still be written to afterwards (it opens a new file)."""
        self.rotate()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
