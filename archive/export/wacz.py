"""Package the archive, or one crawl of it, as a WACZ file (py-wacz) with the catalogue's articles as pages."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wacz import main as wacz_main_module
from wacz.main import main as wacz_main

from archive.catalogue import exports
from archive.catalogue.db import Catalogue
from archive.errors import ArchiveIntegrityError, ExportError, NewsArchiveError
from archive.export.guard import refuse_archive_target
from archive.export.notmodified import NotModifiedIndexing
from archive.export.referred import referred_name, write_referred_warc
from archive.integrity.inventory import require_whole, warc_files, warcinfo_fields

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaczResult:
    """The WACZ written and what went into it."""

    path: Path
    warc_files: tuple[Path, ...]
    pages: int


def _run_wacz(args: list[str]) -> tuple[int, str]:
    """Run py-wacz's command line in-process; its progress output (print) goes to the log, not stdout."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = wacz_main(args)
        except SystemExit as exc:  # a sys.exit() deep in py-wacz or a library it calls: a failure to report
            code = exc.code if isinstance(exc.code, int) else 1
            print(f"py-wacz stopped: exit {exc.code!r}")
        except Exception as exc:  # noqa: BLE001 - py-wacz's own errors (warcio's among them) are reported, not raised
            code = 1
            print(f"py-wacz failed: {type(exc).__name__}: {str(exc)[:300]}")
    text = out.getvalue()
    for line in text.splitlines():
        logger.debug("wacz: %s", line)
    return int(code or 0), text


def crawl_files(data_dir: Path, catalogue: Catalogue, crawl_id: int) -> tuple[list[Path], list[dict[str, Any]]]:
    """The WARC files of one crawl, and the records outside them that its revisits refer to (archive.export.referred:
    the package carries those records, not the earlier crawl's files whole)."""
    row = exports.crawl_row(catalogue.db, crawl_id)
    if row is None:
        raise ExportError(f"no crawl {crawl_id} in {catalogue.path}")
    warc_dir = Path(data_dir) / "warc"
    files = {Path(data_dir) / name for name in exports.crawl_own_warc_files(catalogue.db, crawl_id)}
    for path in warc_files(warc_dir):  # files of the crawl with no capture row (e.g. only robots.txt failures)
        if path not in files and warcinfo_fields(path).get("crawl-id") == row["uid"]:
            files.add(path)
    referred = exports.crawl_referred_records(catalogue.db, crawl_id)
    missing = sorted({str(p) for p in files if not p.is_file()}
                     | {str(Path(data_dir) / r["warc_file"]) for r in referred
                        if not (Path(data_dir) / r["warc_file"]).is_file()})
    if missing:
        raise ArchiveIntegrityError(f"crawl {crawl_id} refers to WARC files that are not there: {', '.join(missing)}")
    return sorted(files), referred


def archive_files(data_dir: Path, catalogue: Catalogue) -> list[Path]:
    """The closed WARC files of the whole archive; refuses when the catalogue's captures point at files that are not
    there (deleted, moved away), as ``crawl_files`` does for one crawl. Before stop 40 such a package was written
    and validated with the pages and the revisits' responses in those files silently left out ("7 pages" said of a
    package holding 1): ``check --repair`` marks those captures missing, after which the package says what it holds."""
    def there(name: str) -> bool:  # a file a running crawl still writes (``.open``) is there, not yet closed
        path = Path(data_dir) / name
        return path.is_file() or path.with_name(path.name + ".open").is_file()

    missing = sorted(name for name in exports.archive_warc_files(catalogue.db) if not there(name))
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ArchiveIntegrityError(
            f"the catalogue's captures point at {len(missing)} WARC file(s) that are not there: {shown}. Restore them "
            "from a replica, or run `newsarchive check --repair` (marks their captures missing; the next crawl "
            "fetches their articles again) and export again")
    return warc_files(Path(data_dir) / "warc")


def _packaged_pages(path: Path) -> int:
    """How many pages the package at ``path`` lists: py-wacz leaves out a page it finds no record for."""
    with zipfile.ZipFile(path) as package:
        with package.open("pages/pages.jsonl") as pages:
            return sum(1 for line in pages if line.strip()) - 1


@contextlib.contextmanager
def _indexing_not_modified() -> Iterator[None]:
    """py-wacz indexes with our 304 handling (archive.export.notmodified) while it creates a package: its
    ``create`` looks its indexer class up in its module, and has no option for another."""
    original = wacz_main_module.WACZIndexer
    wacz_main_module.WACZIndexer = type("NotModifiedWACZIndexer", (NotModifiedIndexing, original), {})
    try:
        yield
    finally:
        wacz_main_module.WACZIndexer = original


def _page_ts(fetched_at: str) -> str:
    """The capture time as py-wacz wants it (``2026-11-20T22:15:00Z``: it reads digits, not offsets)."""
    moment = datetime.fromisoformat(fetched_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pages_jsonl(catalogue: Catalogue, crawl_id: int | None, title: str) -> str:
    """pages.jsonl: one page per archived capture of an article version (URL, capture time, that version's title
    and text) for ReplayWeb.page's list: every version is an entry point, not only the article's latest."""
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title})]
    for r in exports.archived_article_pages(catalogue.db, crawl_id):
        lines.append(json.dumps({"url": r["url"], "ts": _page_ts(r["fetched_at"]), "title": r["title"] or r["url"],
                                 "text": r["text"] or ""}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def export_wacz(data_dir: Path, catalogue: Catalogue, out: Path, *, crawl_id: int | None = None,
                title: str | None = None) -> WaczResult:
    """Write ``out`` (a WACZ) holding the whole archive, or crawl ``crawl_id`` and the records it refers to."""
    data_dir = Path(data_dir)
    refuse_archive_target(data_dir, out)
    files, referred = crawl_files(data_dir, catalogue, crawl_id) if crawl_id is not None else \
        (archive_files(data_dir, catalogue), [])
    if not files:
        raise NewsArchiveError(f"no closed WARC files to export in {data_dir / 'warc'}"
                               + (f" for crawl {crawl_id}" if crawl_id is not None else ""))
    require_whole(sorted(set(files) | {data_dir / r["warc_file"] for r in referred}), f"export {out}")
    title = title or (f"newsarchive crawl {crawl_id}" if crawl_id is not None else "newsarchive")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tmp-wacz-") as tmp:
        packaged = list(files)
        if referred and crawl_id is not None:
            packaged.append(Path(tmp) / referred_name(crawl_id))
            write_referred_warc(data_dir, referred, packaged[-1], crawl_id=crawl_id,
                                crawl_uid=exports.crawl_row(catalogue.db, crawl_id)["uid"])
        pages = Path(tmp) / "pages.jsonl"
        text = pages_jsonl(catalogue, crawl_id, title)
        pages.write_text(text, encoding="utf-8")
        partial = Path(tmp) / out.name
        # a package with no page still has pages/pages.jsonl, its header alone (WACZ 1.1.1: it MUST be there);
        # py-wacz writes the file only for pages it matched in its index, unless told to copy it as it is
        copy = ["--copy-pages"] if text.count("\n") == 1 else []
        with _indexing_not_modified():
            code, output = _run_wacz(["create", "-o", str(partial), "-p", str(pages), *copy, "--title", title,
                                      *(str(p) for p in packaged)])
        if code != 0:
            raise NewsArchiveError(f"py-wacz could not create {out}: {output.strip()[-500:]}")
        n_pages, listed = _packaged_pages(partial), text.count("\n") - 1
        if n_pages != listed:
            logger.warning("%s: %d of the %d article pages have no record in the package (run `newsarchive check`)",
                           out, listed - n_pages, listed)
        os.replace(partial, out)  # never leave a half-written package under the name asked for
    logger.info("wrote %s: %d WARC files, %d pages", out, len(packaged), n_pages)
    return WaczResult(out, tuple(packaged), n_pages)


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Run py-wacz's validation on ``path``; return (valid, its report)."""
    code, output = _run_wacz(["validate", "-f", str(path)])
    return code == 0, output.strip()
