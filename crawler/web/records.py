"""Read one archived WARC record back: the exact gzip member bytes, and its HTTP payload for replay."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import ArchiveIntegrityError
from archive.warc.reader import GZIP_MAGIC, first_record, inflated_bomb

logger = logging.getLogger(__name__)

#: Never read more than this for one record (a pointer with a huge length is a corrupt row, not a page); the crawl
#: refuses pages over 32 MiB (DOWNLOAD_MAXSIZE), so a real record is well under it.
MAX_RECORD_BYTES = 64 * 1024 * 1024
#: Never inflate more than this of one archived body for replay: an archived gzip bomb (4 MB that inflates to
#: 4 GB) must not take the reading room down. The same as the crawl's page limit.
MAX_REPLAY_BYTES = 32 * 1024 * 1024
CHUNK = 64 * 1024
#: SQLite's largest integer: a larger number in a URL is no capture (binding it raised OverflowError, an HTTP 500).
MAX_CAPTURE_ID = 2**63 - 1


class TooLargeToReplay(ArchiveIntegrityError):
    """An archived body inflates past the replay limit; the WARC record is still there to download."""


@dataclass(frozen=True)
class ArchivedResponse:
    """The HTTP response stored in one WARC record, decoded for display."""

    target_uri: str
    record_id: str
    status: int
    content_type: str
    body: bytes = field(repr=False)
    location: str = ""  # the Location header of a redirect, as archived


def parse_capture_id(text: str) -> int | None:
    """The capture id a URL path segment names (ASCII digits, at most ``MAX_CAPTURE_ID``), else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_CAPTURE_ID else None


def warc_path(data_dir: Path, warc_file: str) -> Path:
    """The absolute path of a catalogue ``warc_file`` pointer; refuses anything outside ``data_dir``."""
    base = Path(data_dir).resolve()
    path = (base / warc_file).resolve()
    if base not in path.parents:
        raise ArchiveIntegrityError(f"WARC pointer {warc_file!r} points outside the data folder {base}")
    return path


def record_bytes(data_dir: Path, warc_file: str, offset: int, length: int) -> bytes:
    """The exact bytes ``warc_file[offset:offset+length]``: one gzip member holding one WARC record."""
    return b"".join(iter_record_bytes(data_dir, warc_file, offset, length))


def parse_response(member: bytes, max_body: int = MAX_REPLAY_BYTES) -> ArchivedResponse:
    """The HTTP response of a gzip-member WARC ``response`` record, payload de-chunked and decompressed.

    The body is inflated a chunk at a time and never past ``max_body`` bytes (TooLargeToReplay beyond it).
    """
    record = first_record(io.BytesIO(member))
    if record is None:
        raise ArchiveIntegrityError("no WARC record in these bytes")
    if record.rec_type != "response" or record.http_headers is None:
        raise ArchiveIntegrityError(f"record is a {record.rec_type!r} record, not an HTTP response")
    return ArchivedResponse(
        target_uri=record.rec_headers.get_header("WARC-Target-URI") or "",
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        status=int(record.http_headers.get_statuscode() or 0),
        content_type=record.http_headers.get_header("Content-Type") or "application/octet-stream",
        body=_read_capped(record.content_stream(), max_body),
        location=record.http_headers.get_header("Location") or "",
    )


def _read_capped(stream: Any, limit: int) -> bytes:
    """Read a decompressing stream to its end, or raise TooLargeToReplay as soon as it passes ``limit`` bytes (or a
    block of it inflates past what the reader allows: ``archive.warc.reader.inflated_bomb``)."""
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit or inflated_bomb(stream):
            raise TooLargeToReplay(f"the archived body inflates to more than {limit} bytes (a compression bomb, "
                                   "or a page over the crawl's size limit); download the WARC record instead")
        parts.append(chunk)
    return b"".join(parts)


def iter_record_bytes(data_dir: Path, warc_file: str, offset: int, length: int) -> Iterator[bytes]:
    """``record_bytes`` a chunk at a time, for a download that never holds the whole record in memory."""
    if offset < 0 or length <= 0 or length > MAX_RECORD_BYTES:
        raise ArchiveIntegrityError(f"bad WARC pointer {warc_file}@{offset}+{length}")
    path = warc_path(data_dir, warc_file)
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed when the generator ends)
    except FileNotFoundError:
        raise ArchiveIntegrityError(f"WARC file {path} is missing") from None
    with fh:
        fh.seek(offset)
        left = length
        while left:
            chunk = fh.read(min(CHUNK, left))
            if not chunk:
                raise ArchiveIntegrityError(f"{path} ends before {offset}+{length} (got {length - left} bytes)")
            if left == length and not chunk.startswith(GZIP_MAGIC):
                raise ArchiveIntegrityError(f"{path}@{offset} is not the start of a gzip member")
            left -= len(chunk)
            yield chunk
