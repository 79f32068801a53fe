"""Read one archived WARC record back: the exact gzip member bytes, and its HTTP payload for replay."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveIntegrityError

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
#: Never read more than this for one record (a pointer with a huge length is a corrupt row, not a page).
MAX_RECORD_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ArchivedResponse:
    """The HTTP response stored in one WARC record, decoded for display."""

    target_uri: str
    record_id: str
    status: int
    content_type: str
    body: bytes = field(repr=False)


def warc_path(data_dir: Path, warc_file: str) -> Path:
    """The absolute path of a catalogue ``warc_file`` pointer; refuses anything outside ``data_dir``."""
    base = Path(data_dir).resolve()
    path = (base / warc_file).resolve()
    if base not in path.parents:
        raise ArchiveIntegrityError(f"WARC pointer {warc_file!r} points outside the data folder {base}")
    return path


def record_bytes(data_dir: Path, warc_file: str, offset: int, length: int) -> bytes:
    """The exact bytes ``warc_file[offset:offset+length]``: one gzip member holding one WARC record."""
    if offset < 0 or length <= 0 or length > MAX_RECORD_BYTES:
        raise ArchiveIntegrityError(f"bad WARC pointer {warc_file}@{offset}+{length}")
    path = warc_path(data_dir, warc_file)
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
    except FileNotFoundError:
        raise ArchiveIntegrityError(f"WARC file {path} is missing") from None
    if len(data) != length:
        raise ArchiveIntegrityError(f"{path} ends before {offset}+{length} (got {len(data)} bytes)")
    if not data.startswith(GZIP_MAGIC):
        raise ArchiveIntegrityError(f"{path}@{offset} is not the start of a gzip member")
    return data


def parse_response(member: bytes) -> ArchivedResponse:
    """The HTTP response of a gzip-member WARC ``response`` record, payload de-chunked and decompressed."""
    for record in ArchiveIterator(io.BytesIO(member)):
        if record.rec_type != "response" or record.http_headers is None:
            raise ArchiveIntegrityError(f"record is a {record.rec_type!r} record, not an HTTP response")
        body = record.content_stream().read()
        return ArchivedResponse(
            target_uri=record.rec_headers.get_header("WARC-Target-URI") or "",
            record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
            status=int(record.http_headers.get_statuscode() or 0),
            content_type=record.http_headers.get_header("Content-Type") or "application/octet-stream",
            body=body,
        )
    raise ArchiveIntegrityError("no WARC record in these bytes")
