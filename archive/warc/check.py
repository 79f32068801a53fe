"""Check WARC files (framing, parsing, both digests) and repair files whose tail a crash tore."""

from __future__ import annotations

import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from archive.durable import fsync_dir
from archive.errors import ArchiveIntegrityError
from archive.warc.reader import BUFFER, GZIP_MAGIC, Problem, RecordInfo, read_warc, torn_tail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepairResult:
    """What repair_open_file did: the records kept, and where the torn tail went."""

    open_path: Path
    final_path: Path | None  # None when no complete record was left (the empty file is removed)
    kept: tuple[RecordInfo, ...]
    torn_path: Path | None
    torn_length: int


def check_warc(path: Path, *, strict: bool = False) -> list[Problem]:
    """Every problem of a WARC file: torn or corrupt gzip, unparsable records, digest mismatches.

    ``strict`` adds the rules for files we write: warcinfo first, block and payload digests present.
    """
    path = Path(path)
    problems = [item for item in read_warc(path, strict=strict) if isinstance(item, Problem)]
    for problem in problems:
        logger.debug("%s@%d %s: %s", path, problem.offset, problem.kind, problem.message)
    return problems


def whole_member_after(path: Path, start: int) -> int | None:
    """Offset of a complete gzip member holding a WARC record somewhere after ``start``, if any, past the end of the
    damaged member at ``start`` where that can be told (``_readable_extent``)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read()
    pos = data.find(b"\x1f\x8b\x08", max(1, _readable_extent(data)))
    while pos >= 0:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            head = inflater.decompress(data[pos:], 64)
            rest = inflater.decompress(inflater.unconsumed_tail)
            if inflater.eof and (head + rest).startswith(b"WARC/"):
                return start + pos
        except zlib.error:
            pass
        pos = data.find(b"\x1f\x8b\x08", pos + 1)
    return None


def _readable_extent(data: bytes, step: int = 1 << 14) -> int:
    """Where the gzip member at the start of ``data`` ends: all of ``data`` for a torn tail (a whole prefix of a
    member, as a crash leaves it), the member's end for a whole one; 0 where it breaks (corrupt), as nothing then tells
    its bytes from the next member's.

    A member found within those bytes is the record's payload, not a record of ours: deflate stores an incompressible
    payload verbatim (a page that is itself a .warc.gz, random bytes around it), so a crash while such a record was
    written left a torn tail holding a "whole record", and repair refused it as no crash tail (hostile web, round
    eight). Left open: a member corrupt in the middle is searched from its start, as before.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for pos in range(0, len(data), step):
        chunk = data[pos:pos + step]
        try:
            inflater.decompress(chunk, 1 << 20)
            while inflater.unconsumed_tail and not inflater.eof:  # output bounded: a payload may inflate far
                inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        except zlib.error:
            return 0
        if inflater.eof:  # the last input handed over was a suffix of chunk, whose rest is unused_data
            return pos + len(chunk) - len(inflater.unused_data)
    return len(data)


def final_name(open_path: Path) -> Path:
    """The closed name of a ``.open`` WARC file."""
    if open_path.suffix != ".open":
        raise ValueError(f"{open_path} is not a .open file")
    return open_path.with_suffix("")


def _set_tail_aside(path: Path, final: Path) -> tuple[tuple[RecordInfo, ...], Path | None, int]:
    """Cut ``path`` back to its whole records; the cut bytes go to ``<final name>.torn`` (``.torn.1``...).

    Returns (records kept, where the torn bytes went or None, how many bytes were cut).
    Raises ArchiveIntegrityError when the damage is not a tail (a whole record follows it).
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size and fh.read(2) != GZIP_MAGIC:
            if path.name.endswith((".gz", ".gz.open")):  # its first member damaged: no tail to cut
                raise ArchiveIntegrityError(f"{path}: its first gzip member (offset 0) is damaged, not a crash "
                                            "tail; restore the file from a replica")
            raise ArchiveIntegrityError(f"{path} is not gzip-compressed; repair only handles our .warc.gz files")
    kept, good_end, why = torn_tail(path)
    torn_path: Path | None = None
    torn_length = size - good_end
    if torn_length:
        later = whole_member_after(path, good_end)
        if later is not None:
            raise ArchiveIntegrityError(
                f"{path}: damage at offset {good_end} ({why}) is followed by a whole record at {later}; "
                "not a crash tail, repair by hand"
            )
        torn_path = final.with_name(final.name + ".torn")
        n = 0
        while torn_path.exists():
            n += 1
            torn_path = final.with_name(f"{final.name}.torn.{n}")
        with open(path, "rb") as src, open(torn_path, "xb") as dst:
            src.seek(good_end)
            while buf := src.read(BUFFER):
                dst.write(buf)
            dst.flush()
            os.fsync(dst.fileno())
        logger.warning(
            "%s: moved %d torn bytes from offset %d to %s (%s)", path, torn_length, good_end, torn_path, why
        )
        # the torn copy is on disk before the original is cut: a crash in between loses nothing
        fsync_dir(path.parent)
    with open(path, "r+b") as fh:
        fh.truncate(good_end)
        fh.flush()
        os.fsync(fh.fileno())
    return tuple(kept), torn_path, torn_length


def repair_open_file(path: Path) -> RepairResult:
    """Repair a `.open` WARC left by a crash: keep whole records, move a torn tail to `<name>.torn`, close it.

    The torn bytes are never dropped: they go to ``<final name>.torn`` (``.torn.1``... if that exists).
    Raises ArchiveIntegrityError when the damage is not a tail (a whole record follows it).
    """
    path = Path(path)
    final = final_name(path)
    if final.exists():
        raise ArchiveIntegrityError(f"{final} already exists; will not overwrite it with {path.name}")
    kept, torn_path, torn_length = _set_tail_aside(path, final)
    if kept:
        os.replace(path, final)
        final_path: Path | None = final
    else:
        path.unlink()
        final_path = None
        logger.warning("%s held no complete record; removed it", path)
    fsync_dir(path.parent)
    logger.info("repaired %s: kept %d records", path, len(kept))
    return RepairResult(path, final_path, kept, torn_path, torn_length)


def repair_closed_file(path: Path) -> RepairResult | None:
    """Repair a closed ``.warc.gz`` whose last gzip member is cut: move the torn tail to ``<name>.torn``.

    A file whose tail is whole is left as it is (None). A file holding no whole record is kept (empty) rather
    than deleted, so a closed file never disappears. Raises ArchiveIntegrityError when the damage is not a tail.
    """
    path = Path(path)
    _, good_end, why = torn_tail(path)
    if why is None and good_end == path.stat().st_size:
        return None
    kept, torn_path, torn_length = _set_tail_aside(path, path)
    logger.info("repaired closed %s: kept %d records", path, len(kept))
    return RepairResult(path, path, kept, torn_path, torn_length)

