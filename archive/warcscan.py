"""Parse WARC/ARC files member by member into records and problems (the framing the check and repair share)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

from archive.errors import ArchiveIntegrityError

logger = logging.getLogger(__name__)

BUFFER = 1 << 16
SPOOL = 8 << 20  # decompressed members bigger than this spill to a temporary file
MAX_HEAD = 1 << 20  # WARC / HTTP header blocks larger than this are not headers
HTTP_RECORD_TYPES = ("response", "request", "revisit")
# Problem kinds after which the rest of the file (or member) cannot be framed: iter_records raises on them.
STRUCTURAL = frozenset(
    {"gzip-truncated", "gzip-corrupt", "record-parse", "block-truncated", "record-end", "empty-file"}
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a WARC file, where it is, and how to fix it."""

    path: Path
    offset: int
    kind: str
    message: str
    fix: str


@dataclass(frozen=True)
class RecordInfo:
    """Where one record is and what it says it holds (offset/length of its gzip member when compressed)."""

    offset: int
    length: int
    record_type: str
    target_uri: str | None
    record_id: str | None
    date: str | None
    block_digest: str | None
    payload_digest: str | None
    content_length: int
    version: str  # "WARC/1.1", "WARC/1.0", "ARC/1"
    http_status: int | None = None
    fields: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def field(self, name: str) -> str | None:
        """The first WARC header field called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.fields if k.lower() == lname), None)



# ---------------------------------------------------------------- gzip members


@dataclass
class Member:
    """One gzip member: compressed offset and length, decompressed data, and why it stopped early."""

    offset: int
    length: int
    data: IO[bytes]  # decompressed, positioned at 0
    error: str | None  # "gzip-truncated" / "gzip-corrupt" / None


def is_gzip(path: Path) -> bool:
    """Whether the file starts with the gzip magic bytes."""
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def iter_members(fh: BinaryIO) -> Iterator[Member]:
    """Gzip members with their exact compressed offset and length; stops after a torn or corrupt one."""
    offset = 0
    pending = fh.read(BUFFER)
    while pending:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (the caller closes it)
        consumed, error = 0, None
        while True:
            try:
                out.write(inflater.decompress(pending))
            except zlib.error as exc:
                error = f"gzip-corrupt: {exc}"
                consumed += len(pending) + len(fh.read())
                break
            if inflater.eof:
                used = len(pending) - len(inflater.unused_data)
                consumed += used
                pending = inflater.unused_data or fh.read(BUFFER)
                break
            consumed += len(pending)
            pending = fh.read(BUFFER)
            if not pending:
                error = "gzip-truncated"
                break
        out.seek(0)
        yield Member(offset, consumed, out, error)
        if error:
            return
        offset += consumed


# ---------------------------------------------------------------- digests


def _hasher(label: str) -> hashlib._Hash | None:
    algo = label.lower().replace("-", "")
    try:
        return hashlib.new(algo)
    except ValueError:
        return None


def _decode_digest(value: str, size: int) -> bytes | None:
    """Digest bytes from base32 (Heritrix, warcio), base16 (warcprox 1.x) or base64 text."""
    candidates = []
    for decode in (
        lambda v: base64.b32decode(v.upper() + "=" * (-len(v) % 8)),
        lambda v: base64.b16decode(v.upper()),
        lambda v: base64.b64decode(v + "=" * (-len(v) % 4)),
        lambda v: base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)),
    ):
        try:
            candidates.append(decode(value.strip()))
        except (binascii.Error, ValueError):
            continue
    return next((c for c in candidates if len(c) == size), None)


def _digest_matches(label_value: str, data_hasher: hashlib._Hash) -> bool:
    _, _, value = label_value.partition(":")
    return _decode_digest(value, data_hasher.digest_size) == data_hasher.digest()


def _dechunked_hasher(stream: IO[bytes], start: int, length: int, label: str) -> hashlib._Hash | None:
    """Digest of a chunked payload after de-chunking, or None if it is not valid chunked data."""
    hasher = _hasher(label)
    stream.seek(start)
    remaining = length
    if hasher is None:
        return None
    while remaining > 0:
        line = stream.readline(min(remaining, 1024))
        remaining -= len(line)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return hasher
        if size + 2 > remaining:
            return None
        hasher.update(stream.read(size))
        if stream.read(2) != b"\r\n":
            return None
        remaining -= size + 2
    return None


# ---------------------------------------------------------------- record parsing


def _read_head(stream: IO[bytes], first: bytes | None = None) -> list[bytes] | None:
    """Header lines (CRLF stripped) up to a blank line; None at end of stream."""
    lines: list[bytes] = []
    size = 0
    line = first if first is not None else stream.readline(MAX_HEAD)
    if not line:
        return None
    while line.strip():
        lines.append(line.rstrip(b"\r\n"))
        size += len(line)
        if size > MAX_HEAD:
            raise ValueError("header block longer than 1 MiB")
        line = stream.readline(MAX_HEAD)
        if not line:
            raise ValueError("header block not terminated by a blank line")
    return lines


def _fields(lines: list[bytes]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for raw in lines:
        text = raw.decode("utf-8", errors="replace")
        if text[:1] in (" ", "\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + " " + text.strip())
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise ValueError(f"header line without a colon: {text[:80]!r}")
        fields.append((name.strip(), value.strip()))
    return fields


def _get(fields: list[tuple[str, str]], name: str) -> str | None:
    lname = name.lower()
    return next((v for k, v in fields if k.lower() == lname), None)


def _http_head_length(head: bytes) -> tuple[int, int | None, bool]:
    """Length of the HTTP header block at the start of ``head`` (warcio's rule), status, chunked flag."""
    pos, status, chunked, first = 0, None, False, True
    while pos < len(head):
        end = head.find(b"\n", pos)
        end = len(head) if end < 0 else end + 1
        line = head[pos:end]
        pos = end
        if first:
            first = False
            parts = line.split(None, 2)
            if len(parts) >= 2 and parts[0].upper().startswith(b"HTTP/") and parts[1].isdigit():
                status = int(parts[1])
            if not line.strip():
                break
            continue
        if not line.strip():
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return pos, status, chunked


def _resync(stream: IO[bytes]) -> bool:
    """Move an uncompressed stream to the next line starting with ``WARC/`` (to go on checking)."""
    while line := stream.readline(MAX_HEAD):
        if line.startswith(b"WARC/"):
            stream.seek(-len(line), os.SEEK_CUR)
            return True
    return False


def _looks_like_arc(line: bytes) -> bool:
    parts = line.rstrip(b"\r\n").rsplit(b" ", 4)
    return len(parts) == 5 and parts[2].isdigit() and len(parts[2]) >= 8


class Scanner:
    """Walks one file and yields RecordInfo and Problem objects in file order."""

    def __init__(self, path: Path, *, verify: bool, strict: bool) -> None:
        self.path = path
        self.verify = verify
        self.strict = strict
        self.arc_version = 1
        self.is_arc = False

    def problem(self, offset: int, kind: str, message: str, fix: str) -> Problem:
        """A Problem of this file."""
        return Problem(self.path, offset, kind, message, fix)

    def scan(self) -> Iterator[RecordInfo | Problem]:
        """Every record and problem of the file, in file order."""
        if self.path.stat().st_size == 0:
            yield self.problem(0, "empty-file", "file is empty", "delete it; it holds no record")
            return
        first = True
        for item in self._records():
            if isinstance(item, RecordInfo) and first:
                first = False
                if self.strict and item.record_type != "warcinfo":
                    yield self.problem(
                        item.offset,
                        "warcinfo-not-first",
                        f"first record is {item.record_type}, not warcinfo",
                        "write a warcinfo record first (WARC 1.1 section 6.2)",
                    )
            yield item

    def _records(self) -> Iterator[RecordInfo | Problem]:
        with open(self.path, "rb") as fh:
            if not is_gzip(self.path):
                yield from self.stream_records(fh, None)
                return
            for member in iter_members(fh):
                with member.data:
                    if member.error:
                        kind = member.error.split(":", 1)[0]
                        yield self.problem(
                            member.offset,
                            kind,
                            f"gzip member at {member.offset} is {'truncated' if kind == 'gzip-truncated' else 'corrupt'}"
                            f" ({member.error}); {member.length} bytes to the end of the file",
                            "if this is a crash tail, run repair (repair_open_file) to move the torn bytes aside",
                        )
                        return
                    yield from self.stream_records(member.data, member)

    def stream_records(self, stream: IO[bytes], member: Member | None) -> Iterator[RecordInfo | Problem]:
        """Records of one decompressed member (or of a whole uncompressed file)."""
        count = 0
        while True:
            start = stream.tell()
            line = stream.readline(MAX_HEAD)
            while line and not line.strip():  # blank lines between records (uncompressed files)
                start = stream.tell()
                line = stream.readline(MAX_HEAD)
            if not line:
                if member is not None and count == 0:
                    yield self.problem(
                        member.offset,
                        "record-parse",
                        "gzip member holds no record",
                        "remove the empty member",
                    )
                return
            offset = member.offset if member else start
            if count == 1 and member is not None:
                yield self.problem(
                    member.offset,
                    "not-per-record-gzip",
                    "one gzip member holds several records: offsets cannot point at single records",
                    "recompress with one gzip member per record: warcio recompress IN OUT",
                )
            count += 1
            failed: Problem | None = None
            for item in self._one_record(stream, line, offset, start, member):
                if isinstance(item, Problem) and item.kind in STRUCTURAL:
                    failed = item
                yield item
            if failed is not None and not (
                member is None and failed.kind == "record-end" and _resync(stream)
            ):
                return

    def _one_record(
        self, stream: IO[bytes], line: bytes, offset: int, start: int, member: Member | None
    ) -> Iterator[RecordInfo | Problem]:
        if line.startswith(b"WARC/"):
            yield from self._warc_record(stream, line, offset, start, member)
        elif self.is_arc or line.startswith(b"filedesc://") or _looks_like_arc(line):
            self.is_arc = True
            yield from self._arc_record(stream, line, offset, start, member)
        else:
            yield self.problem(
                offset,
                "record-parse",
                f"not a WARC or ARC record; first line {line[:80]!r}",
                "the Content-Length of the previous record may be wrong; inspect by hand",
            )

    def _trailer(self, stream: IO[bytes], offset: int, member: Member | None) -> Problem | None:
        """Consume the CRLF CRLF after a block; strict wants exactly that, lenient any CR/LF run (as warcio)."""
        mark = stream.tell()
        tail = stream.read(4)
        if tail == b"\r\n\r\n":
            return None
        stream.seek(mark)
        run = b""
        while (byte := stream.read(1)) in (b"\r", b"\n"):
            run += byte
        if byte:
            stream.seek(-1, os.SEEK_CUR)
        at_end = not byte
        if not run and not at_end:
            return self.problem(
                offset,
                "record-end",
                f"record not followed by CRLF CRLF (found {tail!r}); Content-Length may be wrong",
                "rewrite the record with the right Content-Length",
            )
        if self.strict:
            return self.problem(
                offset,
                "record-trailer",
                f"record ends with {run!r}, not CRLF CRLF",
                "fix the writer: WARC 1.1 section 4 ends every record with CRLF CRLF",
            )
        return None

    def _length(self, start: int, stream: IO[bytes], member: Member | None) -> int:
        return member.length if member else stream.tell() - start

    def _warc_record(
        self, stream: IO[bytes], line: bytes, offset: int, start: int, member: Member | None
    ) -> Iterator[RecordInfo | Problem]:
        version = line.strip().decode("ascii", errors="replace")
        try:
            lines = _read_head(stream)
            fields = _fields(lines or [])
        except ValueError as exc:
            yield self.problem(offset, "record-parse", f"WARC header: {exc}", "inspect the record by hand")
            return
        missing = [
            n for n in ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length") if not _get(fields, n)
        ]
        if missing:
            yield self.problem(
                offset,
                "missing-field",
                f"missing mandatory field(s) {', '.join(missing)}",
                "fix the writer; WARC 1.1 section 5 lists the mandatory fields",
            )
        rec_type = _get(fields, "WARC-Type") or "unknown"
        uri = _get(fields, "WARC-Target-URI")
        try:
            length = int(_get(fields, "Content-Length") or "")
            if length < 0:
                raise ValueError
        except ValueError:
            yield self.problem(
                offset,
                "record-parse",
                f"bad Content-Length {_get(fields, 'Content-Length')!r}",
                "inspect the record by hand",
            )
            return
        if uri is not None and (re.search(r"\s", uri) or uri.startswith("<")):
            yield self.problem(
                offset,
                "invalid-target-uri",
                f"WARC-Target-URI is not a URI: {uri!r}",
                "percent-encode spaces / drop the angle brackets (Wget 1.19 bug) when rewriting",
            )
        block_label = _get(fields, "WARC-Block-Digest")
        payload_label = _get(fields, "WARC-Payload-Digest")
        # warcio strips the <> that Wget 1.19 wrote around the URI before deciding the block is HTTP
        is_http = rec_type in HTTP_RECORD_TYPES and (uri or "").strip("<>").lower().startswith(
            ("http:", "https:")
        )
        if self.strict:
            if not block_label:
                yield self.problem(
                    offset, "missing-digest", "no WARC-Block-Digest", "write digests on every record"
                )
            if not payload_label and rec_type != "request":
                yield self.problem(
                    offset, "missing-digest", "no WARC-Payload-Digest", "write digests on every record"
                )
        block_start = stream.tell()
        block_hasher = _hasher(block_label.partition(":")[0]) if block_label else None
        payload_hasher = _hasher(payload_label.partition(":")[0]) if payload_label else None
        for label, hasher in ((block_label, block_hasher), (payload_label, payload_hasher)):
            if label and hasher is None and self.verify:
                yield self.problem(
                    offset,
                    "digest-algorithm",
                    f"unknown digest algorithm in {label!r}",
                    "cannot verify; use sha1",
                )
        head = stream.read(min(length, MAX_HEAD))
        head_len, status, chunked = _http_head_length(head) if is_http else (0, None, False)
        if block_hasher:
            block_hasher.update(head)
        if payload_hasher and rec_type != "revisit":
            payload_hasher.update(head[head_len:])
        remaining, got = length - len(head), len(head)
        while remaining > 0:
            buf = stream.read(min(remaining, BUFFER))
            if not buf:
                break
            got += len(buf)
            remaining -= len(buf)
            if block_hasher:
                block_hasher.update(buf)
            if payload_hasher and rec_type != "revisit":
                payload_hasher.update(buf)
        if got < length:
            yield self.problem(
                offset,
                "block-truncated",
                f"Content-Length says {length} bytes, only {got} present",
                "the record is cut short: repair the file (crash tail) or re-fetch the URL",
            )
            return
        trailer_problem = self._trailer(stream, offset, member)
        if trailer_problem is not None:
            yield trailer_problem
            if trailer_problem.kind in STRUCTURAL:
                return
        trailer_end = stream.tell()
        if self.verify:
            if block_hasher and block_label and not _digest_matches(block_label, block_hasher):
                if rec_type == "revisit" and not self.strict:
                    # warcio skips revisit digests; some writers (Webrecorder 2017) put the digest of the
                    # original's block there. Ours must match (strict).
                    logger.info("%s@%d: revisit block digest does not match its block", self.path, offset)
                else:
                    yield self.problem(
                        offset,
                        "block-digest",
                        f"WARC-Block-Digest {block_label} does not match the block",
                        "the stored bytes changed after writing: restore from a replica",
                    )
            if payload_hasher and payload_label and rec_type != "revisit":
                if not _digest_matches(payload_label, payload_hasher):
                    alt = (
                        _dechunked_hasher(
                            stream, block_start + head_len, length - head_len, payload_label.partition(":")[0]
                        )
                        if chunked
                        else None
                    )
                    if alt is not None and _digest_matches(payload_label, alt):
                        # Heritrix >= 3.x PR #770 and IIPC warc-specifications#22: digest of the entity after
                        # removing the transfer coding. warcio digests the bytes as stored; accept both.
                        logger.info("%s@%d: payload digest matches the de-chunked entity", self.path, offset)
                    else:
                        yield self.problem(
                            offset,
                            "payload-digest",
                            f"WARC-Payload-Digest {payload_label} does not match the payload",
                            "the stored payload changed or the writer digested other bytes",
                        )
                stream.seek(trailer_end)
        yield RecordInfo(
            offset=offset,
            length=self._length(start, stream, member),
            record_type=rec_type,
            target_uri=uri,
            record_id=_get(fields, "WARC-Record-ID"),
            date=_get(fields, "WARC-Date"),
            block_digest=block_label,
            payload_digest=payload_label,
            content_length=length,
            version=version,
            http_status=status,
            fields=tuple(fields),
        )

    def _arc_record(
        self, stream: IO[bytes], line: bytes, offset: int, start: int, member: Member | None
    ) -> Iterator[RecordInfo | Problem]:
        text = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
        filedesc = text.startswith("filedesc://")
        parts = text.split(" ") if self.arc_version == 2 and not filedesc else text.rsplit(" ", 4)
        uri, length_text = parts[0], parts[-1]
        try:
            length = int(length_text)
            if length < 0:
                raise ValueError
        except ValueError:
            yield self.problem(
                offset,
                "record-parse",
                f"ARC record with bad length {length_text!r}",
                "inspect the record by hand",
            )
            return
        if " " in uri.strip():
            yield self.problem(
                offset,
                "invalid-target-uri",
                f"ARC URL holds a space: {uri!r}",
                "percent-encode spaces when converting",
            )
        body = stream.read(length)
        if len(body) < length:
            yield self.problem(
                offset,
                "block-truncated",
                f"ARC length {length}, only {len(body)} bytes present",
                "the record is cut short",
            )
            return
        if filedesc and body[:1] == b"2":
            self.arc_version = 2
        status = None
        if not filedesc:
            _, status, _ = _http_head_length(body[:MAX_HEAD])
        yield RecordInfo(
            offset=offset,
            length=self._length(start, stream, member),
            record_type="warcinfo" if filedesc else "response",
            target_uri=uri,
            record_id=None,
            date=parts[2] if len(parts) > 2 else None,
            block_digest=None,
            payload_digest=None,
            content_length=length,
            version=f"ARC/{self.arc_version}",
            http_status=status,
        )


def iter_records(path: Path) -> Iterator[RecordInfo]:
    """Every record of a WARC/ARC file in order; raises ArchiveIntegrityError where the file cannot be framed."""
    for item in Scanner(Path(path), verify=False, strict=False).scan():
        if isinstance(item, RecordInfo):
            yield item
        elif item.kind in STRUCTURAL:
            raise ArchiveIntegrityError(f"{item.path} at offset {item.offset}: {item.kind}: {item.message}")
        else:
            logger.warning("%s at offset %d: %s: %s", item.path, item.offset, item.kind, item.message)

