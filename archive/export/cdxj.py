"""Write a sorted, pywb-compatible CDXJ index of the archive's WARC files (cdxj-indexer does the indexing)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdxj_indexer.main import CDXJIndexer

from archive.durable import write_atomically
from archive.export.guard import refuse_archive_target
from archive.export.notmodified import NotModifiedIndexing
from archive.integrity.inventory import require_whole, warc_files

logger = logging.getLogger(__name__)

DEFAULT_INDEX = Path("index") / "index.cdxj"
INDEX_RECORDS = ("response", "revisit", "resource", "metadata")  # what pywb indexes (never warcinfo or request)


class _Indexer(NotModifiedIndexing, CDXJIndexer):
    """cdxj-indexer with a fixed record filter (importing py-wacz appends "warcinfo" to its shared default list), whose
    304 revisits' lines point at the response they refer to (archive.export.notmodified)."""

    def filter_record(self, record: Any) -> bool:
        """Index the replayable records only; skip warc-fields metadata as cdxj-indexer does."""
        if record.rec_type not in INDEX_RECORDS:
            return False
        return not (record.rec_type in ("resource", "metadata")
                    and record.rec_headers.get_header("Content-Type") == "application/warc-fields")


@dataclass(frozen=True)
class IndexResult:
    """Where the index went and what it covers."""

    path: Path
    lines: int
    warc_files: tuple[Path, ...]


def write_cdxj(out: Path, files: Sequence[Path], *, dir_root: Path | None = None) -> int:
    """Index ``files`` into ``out`` (sorted CDXJ, replaced atomically); return the number of lines.

    The ``filename`` of each line is relative to ``dir_root`` (default: the bare file name, as pywb's
    ``archive/`` folder wants).
    """
    out = Path(out)
    # post_append: POST request bodies go into the key, as pywb's own indexer does
    write_atomically(out, lambda tmp: _Indexer(str(tmp), [str(p) for p in files], sort=True, post_append=True,
                                               dir_root=str(dir_root) if dir_root else None).process_all())
    with open(out, "rb") as fh:
        lines = sum(1 for _ in fh)
    logger.info("indexed %d WARC files into %s (%d lines)", len(files), out, lines)
    return lines


def index_archive(data_dir: Path, out: Path | None = None) -> IndexResult:
    """Index every closed WARC of ``<data_dir>/warc`` into ``out`` (default ``<data_dir>/index/index.cdxj``)."""
    data_dir = Path(data_dir)
    files = warc_files(data_dir / "warc")
    require_whole(files, "index the archive")
    target = Path(out) if out is not None else data_dir / DEFAULT_INDEX
    refuse_archive_target(data_dir, target)
    lines = write_cdxj(target, files, dir_root=data_dir / "warc")
    return IndexResult(target, lines, tuple(files))
