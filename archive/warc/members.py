"""Gzip member framing of ``.warc.gz`` files: each member's exact offset and length, and where one is torn."""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

BUFFER = 1 << 16
SPOOL = 8 << 20  # decompressed members bigger than this spill to a temporary file


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
