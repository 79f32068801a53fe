"""The WARC file a one-crawl WACZ carries for the records its revisits refer to (``export --crawl N``).

A crawl that only re-checked pages archived revisits; what they refer to is an earlier crawl's responses, in files
that also hold everything else that crawl archived. The package carries a WARC of its own with just those records
(before stop 37 it took the earlier files whole: every article of the earlier crawl, indexed and replayable, in a
package that promised one crawl). warcio reads each record at its offset and writes it as it is: the WARC headers
(record id, date, both digests) and the block are unchanged, so a revisit's ``WARC-Refers-To`` still names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archive.errors import ArchiveIntegrityError
from archive.warc.build import RecordFactory


def referred_name(crawl_id: int) -> str:
    """The package's name for the file: it sorts after the archive's own ``NEWSARCHIVE-<time>-...`` files."""
    return f"NEWSARCHIVE-referred-by-crawl-{crawl_id}.warc.gz"


def write_referred_warc(data_dir: Path, records: Sequence[dict[str, Any]], out: Path, *, crawl_id: int,
                        crawl_uid: str) -> int:
    """Write ``out``: a warcinfo record, then each of ``records`` (``warc_file``, ``warc_offset``,
    ``warc_record_id`` of the catalogue's capture rows) copied as it is; return how many were copied."""
    data_dir = Path(data_dir)
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.1")
        writer.write_record(RecordFactory().warcinfo(out.name, {  # digested like the archive's own warcinfo
            "software": "newsarchive export --format wacz",
            "format": "WARC File Format 1.1",
            "description": f"the records that crawl {crawl_id} ({crawl_uid}) refers to, copied unchanged from the "
                           "archive's earlier WARC files",
        }, datetime.now(UTC)))
        for row in records:
            with open(data_dir / row["warc_file"], "rb") as src:
                src.seek(int(row["warc_offset"]))
                # no_record_parse: the block (HTTP head and body) is copied as bytes, not parsed and re-serialised
                record = next(iter(ArchiveIterator(src, no_record_parse=True)), None)
                got = record.rec_headers.get_header("WARC-Record-ID") if record is not None else None
                if got != row["warc_record_id"]:
                    raise ArchiveIntegrityError(f"{row['warc_file']}@{row['warc_offset']}: expected record "
                                                f"{row['warc_record_id']}, found {got}; run `newsarchive check`")
                writer.write_record(record)
    return len(records)
