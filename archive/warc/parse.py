"""Parse one WARC or ARC record from a stream into a RecordInfo and the problems found on the way."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from archive.warc.digest import RecordDigests
from archive.warc.members import BUFFER, Member
from archive.warc.headers import MAX_HEAD, get_field, http_head_length, looks_like_arc, parse_fields, read_head

logger = logging.getLogger(__name__)

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
        return get_field(self.fields, name)


def _byte_count(text: str | None) -> int | None:
    """``text`` as a non-negative byte count, or None when it is not one (the caller reports the problem)."""
    try:
        length = int(text or "")
    except ValueError:
        return None
    return length if length >= 0 else None


class RecordParser:
    """Parses one WARC or ARC record at a time from a stream, remembering the ARC version of the file."""

    def __init__(self, path: Path, *, verify: bool, strict: bool) -> None:
        self.path = path
        self.verify = verify
        self.strict = strict
        self.arc_version = 1
        self.is_arc = False

    def problem(self, offset: int, kind: str, message: str, fix: str) -> Problem:
        """A Problem of this file."""
        return Problem(self.path, offset, kind, message, fix)

    def parse(
        self, stream: IO[bytes], line: bytes, offset: int, start: int, member: Member | None
    ) -> Iterator[RecordInfo | Problem]:
        """The record whose first line is ``line`` (the stream is past it; the record began at ``start``)."""
        if line.startswith(b"WARC/"):
            yield from self._warc_record(stream, line, offset, start, member)
        elif self.is_arc or line.startswith(b"filedesc://") or looks_like_arc(line):
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
            lines = read_head(stream)
            fields = parse_fields(lines or [])
        except ValueError as exc:
            yield self.problem(offset, "record-parse", f"WARC header: {exc}", "inspect the record by hand")
            return
        mandatory = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
        missing = [n for n in mandatory if not get_field(fields, n)]
        if missing:
            yield self.problem(
                offset,
                "missing-field",
                f"missing mandatory field(s) {', '.join(missing)}",
                "fix the writer; WARC 1.1 section 5 lists the mandatory fields",
            )
        rec_type = get_field(fields, "WARC-Type") or "unknown"
        uri = get_field(fields, "WARC-Target-URI")
        length = _byte_count(get_field(fields, "Content-Length"))
        if length is None:
            yield self.problem(
                offset,
                "record-parse",
                f"bad Content-Length {get_field(fields, 'Content-Length')!r}",
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
        block_label = get_field(fields, "WARC-Block-Digest")
        payload_label = get_field(fields, "WARC-Payload-Digest")
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
        digests = RecordDigests(block_label, payload_label, has_payload=rec_type != "revisit")
        if self.verify:
            for label in digests.unknown_labels():
                yield self.problem(
                    offset,
                    "digest-algorithm",
                    f"unknown digest algorithm in {label!r}",
                    "cannot verify; use sha1",
                )
        head = stream.read(min(length, MAX_HEAD))
        head_len, status, chunked = http_head_length(head) if is_http else (0, None, False)
        digests.update(head, head_len)
        remaining, got = length - len(head), len(head)
        while remaining > 0:
            buf = stream.read(min(remaining, BUFFER))
            if not buf:
                break
            got += len(buf)
            remaining -= len(buf)
            digests.update(buf)
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
            if digests.block_mismatch():
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
            if digests.payload_checkable():
                if not digests.payload_matches():
                    payload_start, payload_length = block_start + head_len, length - head_len
                    if chunked and digests.dechunked_payload_matches(stream, payload_start, payload_length):
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
            record_id=get_field(fields, "WARC-Record-ID"),
            date=get_field(fields, "WARC-Date"),
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
        length = _byte_count(length_text)
        if length is None:
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
            _, status, _ = http_head_length(body[:MAX_HEAD])
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
