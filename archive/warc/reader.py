"""Read WARC files through warcio: records with offsets, lengths, headers and verified digests, plus our checks.

warcio's ``ArchiveIterator`` parses the records (headers, blocks, offsets and lengths in uncompressed files) and
verifies both digests (``check_digests``). This module adds only what warcio lacks:

* every gzip member must be complete: warcio reads a file whose last member is cut without a word
  (webrecorder/warcio#138), so the members are framed here and warcio parses each inflated member (letting warcio
  inflate the file again would inflate every member twice: ``check`` and recovery would take half as long again);
* our rules: mandatory fields, a WARC-Target-URI that is a URI, one record per gzip member, and in strict mode
  (files we write) warcinfo first, both digests present and revisit block digests checked;
* where a torn tail starts (``torn_tail``), so ``check --repair`` and crash recovery can cut it.

Only WARC is read. This project writes WARC/1.1 and ``newsarchive check`` reads the data folder it writes (there is
no import), so ARC files and other writers' quirks (payload digests of the de-chunked entity, revisits carrying the
original's block digest) are reported as problems, not worked around.
"""

from __future__ import annotations

import logging
import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import BufferedReader
from warcio.digestverifyingreader import DigestVerifyingReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

from archive.errors import ArchiveIntegrityError

logger = logging.getLogger(__name__)

BUFFER = 1 << 16
INFLATE_LIMIT = 1 << 20  # inflate at most this much per call (an archived gzip bomb goes to the spool file)
SPOOL = 8 << 20  # inflated members bigger than this spill to a temporary file
GZIP_MAGIC = b"\x1f\x8b"
MANDATORY = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
# Problem kinds after which the rest of the file cannot be framed: iter_records raises on them, repair cuts there.
STRUCTURAL = frozenset(
    {"gzip-truncated", "gzip-corrupt", "record-parse", "block-truncated", "record-end", "empty-file"}
)
# warcio's digest problem texts (warcio/digestverifyingreader.py) -> our kind and fix
_DIGEST_PROBLEMS = (
    ("unknown hash algorithm", "digest-algorithm", "cannot verify; use sha1"),
    ("block digest", "block-digest", "the stored bytes changed after writing: restore from a replica"),
    ("payload digest", "payload-digest", "the stored payload changed or the writer digested other bytes"),
)


class _Brotli:
    """warcio's decompressor protocol (``decompress``, ``unused_data``) over Google's brotli 1.1 and later.

    warcio 1.8.1 sets ``unused_data`` on ``brotli.Decompressor`` and calls its ``decompress``; brotli 1.1 refuses the
    attribute and names the method ``process`` (webrecorder/warcio#73, open), so no archived ``Content-Encoding: br``
    response could be read back, and outlets behind Cloudflare serve their pages so. One block of input (warcio reads
    16 KiB) gives about ``BROTLI_BLOCK_LIMIT`` bytes at most: a block that would give more is a compression bomb
    (ordinary HTML compresses 5-20 times, never 500); its output stops there and ``bomb`` says so (``inflated_bomb``).
    """

    unused_data = None  # brotli frames no members: nothing is ever left over for a next one

    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()
        self.bomb = False

    def decompress(self, data: bytes) -> bytes:
        """The next inflated bytes of ``data``: none once a bomb was met."""
        if self.bomb:
            return b""
        out = self._inflater.process(data, output_buffer_limit=BROTLI_BLOCK_LIMIT)
        self.bomb = not self._inflater.can_accept_more_data()  # the limit stopped it with output still to come
        return out


def inflated_bomb(stream: Any) -> bool:
    """Whether a record's ``content_stream()`` stopped inflating at a compression bomb (see ``_Brotli``)."""
    return bool(getattr(getattr(stream, "decompressor", None), "bomb", False))


BROTLI_BLOCK_LIMIT = 8 << 20
try:
    import brotli
except ImportError:  # pragma: no cover - without brotli warcio reads br bodies as they are stored
    brotli = None
if brotli is not None and hasattr(brotli.Decompressor, "process"):  # Google's brotli; brotlipy's fits warcio as it is
    BufferedReader.DECOMPRESSORS["br"] = _Brotli


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
    """Where one record is (its gzip member when compressed) and what its WARC headers say."""

    offset: int
    length: int
    record_type: str
    target_uri: str | None
    record_id: str | None
    date: str | None
    payload_digest: str | None
    version: str  # "WARC/1.1", "WARC/1.0"
    fields: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def field(self, name: str) -> str | None:
        """The first WARC header field called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.fields if k.lower() == lname), None)


@dataclass
class Member:
    """One gzip member: compressed offset and length, inflated data, and why it stopped early (None when whole)."""

    offset: int
    length: int
    data: IO[bytes]  # inflated, positioned at 0
    error: str | None


def gzip_members(fh: IO[bytes], size: int, start: int = 0) -> Iterator[Member]:
    """The gzip members of a file from ``start`` (where ``fh`` stands) with their exact offsets, lengths and data;
    stops after a torn or corrupt one."""
    offset = start
    pending = fh.read(BUFFER)
    while pending:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (the caller closes it)
        length, error = 0, None
        while not inflater.eof:
            if not pending:
                error = "gzip-truncated"
                break
            try:
                data.write(inflater.decompress(pending, INFLATE_LIMIT))
            except zlib.error as exc:
                length, error = size - offset, f"gzip-corrupt: {exc}"
                break
            # at the end of the member zlib reports the bytes after it in unused_data AND in unconsumed_tail when
            # max_length cut the call short: count them once
            tail = b"" if inflater.eof else inflater.unconsumed_tail
            length += len(pending) - len(tail) - len(inflater.unused_data)
            pending = tail or (b"" if inflater.eof else fh.read(BUFFER))
        data.seek(0)
        yield Member(offset, length, data, error)
        if error:
            return
        offset += length
        pending = inflater.unused_data or fh.read(BUFFER)


class _Loader(ArcWarcRecordLoader):
    """warcio's record loader that keeps the WARC-Target-URI as written and, if strict, checks revisit blocks."""

    def __init__(self, *, strict: bool) -> None:
        super().__init__(verify_http=False, arc2warc=False)
        self.strict = strict
        self.written_uri: str | None = None

    def _ensure_target_uri_format(self, rec_headers: Any) -> Any:
        # warcio rewrites "<uri>" (the Wget 1.19 bug) and spaces in place; the check reports the value as written
        self.written_uri = rec_headers.get_header("WARC-Target-URI")
        return super()._ensure_target_uri_format(rec_headers)

    def wrap_digest_verifying_stream(self, stream: Any, rec_type: str, rec_headers: Any, digest_checker: Any,
                                     length: int | None = None) -> tuple[Any, bool]:
        """warcio skips revisit digests (some writers put the original's block digest there); ours must match."""
        block = rec_headers.get_header("WARC-Block-Digest")
        if self.strict and rec_type == "revisit" and block:
            return DigestVerifyingReader(stream, length, digest_checker, block_digest=block), True
        return super().wrap_digest_verifying_stream(stream, rec_type, rec_headers, digest_checker, length)


def _byte_count(text: str | None) -> int | None:
    """``text`` as a non-negative byte count, or None when it is not one."""
    try:
        length = int(text or "")
    except ValueError:
        return None
    return length if length >= 0 else None


class _Reader:
    """Walks one WARC file with warcio and yields RecordInfo and Problem objects in file order."""

    def __init__(self, path: Path, *, verify: bool, strict: bool, start: int = 0) -> None:
        self.path = path
        self.verify = verify
        self.strict = strict
        self.loader = _Loader(strict=strict)
        self.start = start
        self.first = not start  # no record read yet (from the file's start)

    def problem(self, offset: int, kind: str, message: str, fix: str) -> Problem:
        """A Problem of this file."""
        return Problem(self.path, offset, kind, message, fix)

    def read(self) -> Iterator[RecordInfo | Problem]:
        """Every record and problem of the file, in file order; stops at the first structural problem."""
        size = self.path.stat().st_size
        if size == 0:
            yield self.problem(0, "empty-file", "file is empty", "delete it; it holds no record")
            return
        with open(self.path, "rb") as fh:
            fh.seek(self.start)  # the magic where reading starts: a damaged first member must not turn a later
            magic = fh.read(2)   # start into a read of the whole file as uncompressed (check looped forever, stop 37)
            if magic != GZIP_MAGIC and (self.start or self.path.name.endswith(".gz")):
                yield self.problem(self.start, "gzip-corrupt", f"gzip member at {self.start} is corrupt (no gzip "
                                   f"magic: {magic.hex() or 'end of file'}); {size - self.start} bytes to the end of "
                                   "the file", "restore the file from a replica")
                return
            if magic != GZIP_MAGIC:
                fh.seek(0)
                yield from self.records(fh, None)
                return
            fh.seek(self.start)
            for member in gzip_members(fh, size, self.start):
                with member.data:
                    if member.error:
                        kind = member.error.split(":", 1)[0]
                        yield self.problem(member.offset, kind, f"gzip member at {member.offset} is "
                                           f"{kind.split('-')[1]} ({member.error}); {member.length} bytes to the "
                                           "end of the file", "if this is a crash tail, run repair "
                                           "(repair_open_file) to move the torn bytes aside")
                        return
                    for item in self.records(member.data, member):
                        yield item
                        if isinstance(item, Problem) and item.kind in STRUCTURAL:
                            return

    def records(self, stream: IO[bytes], member: Member | None) -> Iterator[RecordInfo | Problem]:
        """The records warcio reads from an uncompressed file or one inflated member, each checked."""
        # the HTTP head is parsed only to start the payload digest: without verification it is left unread
        it = WARCIterator(stream, check_digests=self.verify, no_record_parse=not self.verify)
        it.loader = self.loader
        count = 0
        try:
            for record in it:
                offset = member.offset if member else it.offset  # it.offset moves on as the record is read
                if count == 1 and member:
                    yield self.problem(member.offset, "not-per-record-gzip", "one gzip member holds several "
                                       "records: offsets cannot point at single records",
                                       "recompress with one gzip member per record: warcio recompress IN OUT")
                count += 1
                items = list(self.record(it, record, offset, member))
                if self.first and isinstance(items[-1], RecordInfo):
                    self.first = False
                    if self.strict and record.rec_type != "warcinfo":
                        yield self.problem(offset, "warcinfo-not-first", f"first record is {record.rec_type}, "
                                           "not warcinfo", "write a warcinfo record first (WARC 1.1 section 6.2)")
                yield from items
                if isinstance(items[-1], Problem):  # structural: the rest cannot be framed
                    return
        except ArchiveLoadFailed as exc:
            yield self.problem(member.offset if member else it.offset, "record-parse", str(exc).strip()[:200],
                               "the Content-Length of the previous record may be wrong; inspect by hand")
            return
        if member and not count:
            yield self.problem(member.offset, "record-parse", "gzip member holds no record", "remove the empty member")

    def record(self, it: WARCIterator, record: ArcWarcRecord, offset: int,
               member: Member | None) -> Iterator[RecordInfo | Problem]:
        """The problems of one record, then its RecordInfo (or a structural problem last, where it stops)."""
        headers = record.rec_headers
        values: dict[str, str] = {}  # first value of each field, by lower-case name (get_header scans every field)
        for name, value in headers.headers:
            values.setdefault(name.lower(), value)
        missing = [n for n in MANDATORY if not values.get(n.lower())]
        if missing:
            yield self.problem(offset, "missing-field", f"missing mandatory field(s) {', '.join(missing)}",
                               "fix the writer; WARC 1.1 section 5 lists the mandatory fields")
        length = _byte_count(values.get("content-length"))
        if length is None:
            yield self.problem(offset, "record-parse", f"bad Content-Length {values.get('content-length')!r}",
                               "inspect the record by hand")
            return
        uri = self.loader.written_uri
        if uri is not None and (re.search(r"\s", uri) or uri.startswith("<")):
            yield self.problem(offset, "invalid-target-uri", f"WARC-Target-URI is not a URI: {uri!r}",
                               "percent-encode spaces / drop the angle brackets (Wget 1.19 bug) when rewriting")
        if self.strict:
            wanted = ["WARC-Block-Digest"] + (["WARC-Payload-Digest"] if record.rec_type != "request" else [])
            for name in wanted:
                if not values.get(name.lower()):
                    yield self.problem(offset, "missing-digest", f"no {name}", "write digests on every record")
        while record.raw_stream.read(BUFFER):
            pass
        if record.raw_stream.limit:  # warcio's LimitReader: block bytes that were not there
            yield self.problem(offset, "block-truncated", f"Content-Length says {length} bytes, only "
                               f"{length - record.raw_stream.limit} present",
                               "the record is cut short: repair the file (crash tail) or re-fetch the URL")
            return
        errors = it.err_count
        record_length = it.get_record_length()  # warcio reads the blank lines after the block here
        if member:
            record_length = member.length
        if it.err_count > errors:
            yield self.problem(offset, "record-end", "record not followed by CRLF CRLF; Content-Length may be wrong",
                               "rewrite the record with the right Content-Length")
            return
        for text in record.digest_checker.problems if self.verify else ():
            kind, fix = next((k, f) for key, k, f in _DIGEST_PROBLEMS if key in text)
            yield self.problem(offset, kind, f"{text} ({record.rec_type} record)", fix)
        yield RecordInfo(
            offset=offset,
            length=record_length,
            record_type=record.rec_type or "unknown",
            target_uri=values.get("warc-target-uri"),
            record_id=values.get("warc-record-id"),
            date=values.get("warc-date"),
            payload_digest=values.get("warc-payload-digest"),
            version=headers.protocol,
            fields=tuple(headers.headers),
        )


def read_warc(path: Path, *, verify: bool = True, strict: bool = False,
              start: int = 0) -> Iterator[RecordInfo | Problem]:
    """Every record and problem of a WARC file in file order; ``verify`` checks digests, ``strict`` our rules.

    ``start``: the offset of a gzip member to read from (a whole member after damage: see
    archive.warc.check.whole_member_after); the file's first record is then not checked for being a warcinfo.
    """
    return _Reader(Path(path), verify=verify, strict=strict, start=start).read()


def iter_records(path: Path) -> Iterator[RecordInfo]:
    """Every record of a WARC file in order; raises ArchiveIntegrityError where the file cannot be framed."""
    for item in read_warc(path, verify=False):
        if isinstance(item, RecordInfo):
            yield item
        elif item.kind in STRUCTURAL:
            raise ArchiveIntegrityError(f"{item.path} at offset {item.offset}: {item.kind}: {item.message}")
        else:
            logger.warning("%s at offset %d: %s: %s", item.path, item.offset, item.kind, item.message)


def torn_tail(path: Path) -> tuple[list[RecordInfo], int, str | None]:
    """The records of the longest whole prefix of a file, where that prefix ends, and why the rest is not whole."""
    path = Path(path)
    if path.stat().st_size == 0:
        return [], 0, None
    items = list(read_warc(path, verify=False))
    records = [i for i in items if isinstance(i, RecordInfo)]
    bad = [i for i in items if isinstance(i, Problem) and i.kind in STRUCTURAL]
    if not bad:
        return records, path.stat().st_size, None
    first = min(bad, key=lambda p: p.offset)
    return [r for r in records if r.offset < first.offset], first.offset, f"{first.kind}: {first.message}"


def first_record(stream: IO[bytes]) -> ArcWarcRecord | None:
    """The warcio record at the stream's position (None at its end): headers parsed, block read on demand."""
    try:
        return next(iter(WARCIterator(stream)), None)
    except ArchiveLoadFailed as exc:
        raise ArchiveIntegrityError(f"no WARC record here: {str(exc).strip()[:200]}") from exc
