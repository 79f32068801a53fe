"""Walk WARC/ARC files member by member into records and problems (the framing the check and repair share)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from archive.errors import ArchiveIntegrityError
from archive.warc.members import Member, is_gzip, iter_members
from archive.warc.headers import MAX_HEAD
from archive.warc.parse import STRUCTURAL, Problem, RecordInfo, RecordParser

logger = logging.getLogger(__name__)


def _resync(stream: IO[bytes]) -> bool:
    """Move an uncompressed stream to the next line starting with ``WARC/`` (to go on checking)."""
    while line := stream.readline(MAX_HEAD):
        if line.startswith(b"WARC/"):
            stream.seek(-len(line), os.SEEK_CUR)
            return True
    return False


class Scanner:
    """Walks one file and yields RecordInfo and Problem objects in file order."""

    def __init__(self, path: Path, *, verify: bool, strict: bool) -> None:
        self.path = path
        self.verify = verify
        self.strict = strict
        self.parser = RecordParser(path, verify=verify, strict=strict)

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
            for item in self.parser.parse(stream, line, offset, start, member):
                if isinstance(item, Problem) and item.kind in STRUCTURAL:
                    failed = item
                yield item
            if failed is not None and not (
                member is None and failed.kind == "record-end" and _resync(stream)
            ):
                return


def iter_records(path: Path) -> Iterator[RecordInfo]:
    """Every record of a WARC/ARC file in order; raises ArchiveIntegrityError where the file cannot be framed."""
    for item in Scanner(Path(path), verify=False, strict=False).scan():
        if isinstance(item, RecordInfo):
            yield item
        elif item.kind in STRUCTURAL:
            raise ArchiveIntegrityError(f"{item.path} at offset {item.offset}: {item.kind}: {item.message}")
        else:
            logger.warning("%s at offset %d: %s: %s", item.path, item.offset, item.kind, item.message)

