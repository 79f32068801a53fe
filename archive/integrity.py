"""Check that WARCs, catalogue and text corpus agree, and recover them after a crash (run before each crawl)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from archive import textexport
from archive.catalogue import Catalogue
from archive.errors import ArchiveIntegrityError
from archive.records import Exchange, WarcLocation
from archive.warccheck import RepairResult, repair_open_file
from archive.warcscan import Problem, RecordInfo, Scanner

logger = logging.getLogger(__name__)

WARC_GLOBS = ("*.warc.gz", "*.warc", "*.arc.gz", "*.arc")
OPEN_GLOB = "*.warc.gz.open"
INDEXED_TYPES = ("response", "revisit")  # the records a capture row must exist for
MISSING = "missing"  # record_type of a capture row whose WARC record is gone (see Catalogue.mark_capture_missing)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the archive: what, where, and what to do about it."""

    kind: str  # warc-<problem kind>, open-file, dangling-pointer, pointer-mismatch, unindexed-record, text-...
    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}\n    fix: {self.fix}"


@dataclass(frozen=True)
class CheckReport:
    """What ``check_archive`` looked at and what it found."""

    findings: tuple[Finding, ...]
    warc_files: int
    records: int
    captures: int
    text_files: int
    set_aside: tuple[str, ...] = ()  # torn tails moved aside by repair (kept for inspection, not an error)
    skipped: tuple[str, ...] = ()  # files of a crawl that is running now

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.findings


@dataclass(frozen=True)
class RecoveryReport:
    """What ``recover`` changed."""

    repaired: tuple[RepairResult, ...] = ()
    skipped_open: tuple[str, ...] = ()  # .open files of a live crawl, left alone
    captures_marked_missing: tuple[int, ...] = ()
    captures_added: tuple[int, ...] = ()
    texts_written: tuple[str, ...] = ()
    temp_files_removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """True when recovery had anything to do."""
        return bool(self.repaired or self.captures_marked_missing or self.captures_added or self.texts_written
                    or self.temp_files_removed)


@dataclass
class _WarcFile:
    """One scanned WARC file: its records by offset, its problems, and the crawl uid of its warcinfo."""

    rel: str
    records: dict[int, RecordInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    crawl_uid: str | None = None


# ---------------------------------------------------------------- helpers


def pid_alive(pid: int | None) -> bool:
    """True when a process with this pid exists (a zombie counts as gone)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def live_crawls(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Crawl rows marked running whose process is alive (a dead pid means the crawl crashed)."""
    return [row for row in catalogue.running_crawls() if pid_alive(row.get("pid"))]


def warc_files(warc_dir: Path) -> list[Path]:
    """The closed WARC/ARC files of a folder, sorted by name."""
    found: set[Path] = set()
    for pattern in WARC_GLOBS:
        found.update(warc_dir.glob(pattern))
    return sorted(found)


def warcinfo_fields(path: Path) -> dict[str, str]:
    """The fields of the file's leading warcinfo record (empty when it has none)."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "warcinfo":
                return {}
            text = record.content_stream().read().decode("utf-8", errors="replace")
            pairs = (line.partition(":") for line in text.splitlines())
            return {k.strip(): v.strip() for k, sep, v in pairs if sep}
    return {}


def _scan(path: Path, rel: str) -> _WarcFile:
    scanned = _WarcFile(rel)
    for item in Scanner(path, verify=True, strict=True).scan():
        if isinstance(item, RecordInfo):
            scanned.records[item.offset] = item
        else:
            scanned.problems.append(item)
    try:
        scanned.crawl_uid = warcinfo_fields(path).get("crawl-id")
    except Exception as exc:  # noqa: BLE001 - a broken file is already reported by the scan
        logger.debug("no warcinfo in %s: %s", path, exc)
    return scanned


def _record_at(path: Path, offset: int) -> Any:
    """The warcio record at ``offset`` (its HTTP headers parsed; the payload is not read)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            http = record.http_headers
            return record.rec_type, record.rec_headers, http
    raise ArchiveIntegrityError(f"{path}: no record at offset {offset}")


def _parse_date(value: str | None) -> datetime:
    text = (value or "").replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.astimezone()


def _outlet_by_domain(catalogue: Catalogue, url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for row in catalogue.db.query("select name, domains from outlets order by name"):
        for domain in (d.strip().lower() for d in (row["domains"] or "").split(",")):
            if domain and (host == domain or host.endswith("." + domain)):
                return str(row["name"])
    return None


def _pointer_mismatch(row: dict[str, Any], rec: RecordInfo) -> list[str]:
    wrong = []
    for label, want, got in (("record type", row["record_type"], rec.record_type), ("URI", row["url"], rec.target_uri),
                             ("record id", row["warc_record_id"], rec.record_id),
                             ("payload digest", row["payload_digest"], rec.payload_digest),
                             ("length", row["warc_length"], rec.length)):
        if want is not None and want != got:
            wrong.append(f"{label} {want!r} in the catalogue, {got!r} in the WARC")
    return wrong


def _rendered(row: dict[str, Any]) -> str:
    return textexport.render(row["title"] or "", (row["text"] or "").split("\n"))


# ---------------------------------------------------------------- check


def check_archive(data_dir: Path, catalogue: Catalogue) -> CheckReport:
    """Check every WARC, every catalogue pointer, every archived response's row and every text file.

    Files and rows of a crawl that is running now are skipped (its ``.open`` file is still being written).
    """
    data_dir = Path(data_dir)
    warc_dir = data_dir / "warc"
    findings: list[Finding] = []
    live = live_crawls(catalogue)
    live_ids = {row["id"] for row in live}
    live_uids = {row["uid"] for row in live}
    skipped: list[str] = []

    for path in sorted(warc_dir.glob(OPEN_GLOB)):
        rel = f"warc/{path.name}"
        if live:
            skipped.append(rel)
            continue
        findings.append(Finding("open-file", rel, "left open by a crawl that did not finish (no crawl is running)",
                                "run `newsarchive check --repair`: it keeps every whole record, moves a torn tail "
                                "to <name>.torn and closes the file"))

    files: dict[str, _WarcFile] = {}
    n_records = 0
    for path in warc_files(warc_dir):
        rel = f"warc/{path.name}"
        scanned = _scan(path, rel)
        files[rel] = scanned
        n_records += len(scanned.records)
        for p in scanned.problems:
            findings.append(Finding(f"warc-{p.kind}", f"{rel}@{p.offset}", p.message, p.fix))

    captures = list(catalogue.db.query(
        "select id, crawl_id, url, warc_file, warc_offset, warc_length, warc_record_id, record_type, payload_digest "
        "from captures order by id"))
    indexed: set[tuple[str, int]] = set()
    for row in captures:
        if row["warc_file"] is None:
            continue
        indexed.add((row["warc_file"], row["warc_offset"]))
        if row["crawl_id"] in live_ids:
            continue
        where = f"captures/{row['id']}"
        scanned_file = files.get(row["warc_file"])
        if scanned_file is None:
            findings.append(Finding("dangling-pointer", where, f"points at {row['warc_file']}, which does not exist",
                                    "run `newsarchive check --repair` (marks the capture missing; the next crawl "
                                    "fetches the URL again), or restore the file from a replica"))
            continue
        rec = scanned_file.records.get(row["warc_offset"])
        if rec is None:
            findings.append(Finding("dangling-pointer", where,
                                    f"no record starts at {row['warc_file']}@{row['warc_offset']}",
                                    "run `newsarchive check --repair` (marks the capture missing), or restore the "
                                    "file from a replica"))
            continue
        wrong = _pointer_mismatch(row, rec)
        if wrong:
            findings.append(Finding("pointer-mismatch", where, "; ".join(wrong),
                                    "the WARC or the catalogue was changed by hand: restore the one that is wrong "
                                    "from a replica"))

    for rel, scanned_file in files.items():
        if scanned_file.crawl_uid in live_uids:
            skipped.append(rel)
            continue
        for offset, rec in scanned_file.records.items():
            if rec.record_type in INDEXED_TYPES and (rel, offset) not in indexed:
                findings.append(Finding("unindexed-record", f"{rel}@{offset}",
                                        f"{rec.record_type} record of {rec.target_uri} has no catalogue row",
                                        "run `newsarchive check --repair` to add the capture row back"))

    text_findings, n_text = _check_texts(data_dir, catalogue, bool(live))
    findings.extend(text_findings)
    set_aside = tuple(sorted(f"warc/{p.name}" for p in warc_dir.glob("*.torn*")))
    return CheckReport(tuple(findings), len(files), n_records, len(captures), n_text, set_aside, tuple(skipped))


def _check_texts(data_dir: Path, catalogue: Catalogue, crawl_running: bool) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    text_dir = data_dir / "text"
    referenced: set[str] = set()
    rows = list(catalogue.db.query(
        "select id, seq, title, text, relevant, text_file from articles where text_file is not null or relevant = 1 "
        "order by seq, id"))
    fix_from_row = "run `newsarchive check --repair`: it rewrites the file from the catalogue row"
    for row in rows:
        where = f"articles/{row['id']}"
        if row["text_file"] is None:
            if not crawl_running:
                findings.append(Finding("text-missing", where, "relevant article has no text file", fix_from_row))
            continue
        referenced.add(row["text_file"])
        path = data_dir / row["text_file"]
        expected_name = textexport.file_name(row["seq"], row["id"]) if row["seq"] is not None else None
        if expected_name is None or Path(row["text_file"]).name != expected_name:
            findings.append(Finding("text-name", where, f"text file {row['text_file']!r} does not match seq "
                                    f"{row['seq']} and id {row['id']} ({expected_name})", fix_from_row))
        if not path.is_file():
            findings.append(Finding("text-missing", where, f"{row['text_file']} does not exist", fix_from_row))
            continue
        got = path.read_text(encoding="utf-8")
        want = _rendered(row)
        if got != want:
            head_got = got.partition("\n\n")[0]
            head_want, _, _ = want.partition("\n\n")
            which = "title" if head_got != head_want else "body"
            findings.append(Finding("text-differs", where, f"{row['text_file']}: {which} differs from the catalogue",
                                    fix_from_row))
    n_files = 0
    if text_dir.is_dir():
        for path in sorted(text_dir.iterdir()):
            rel = f"text/{path.name}"
            if path.name.startswith(".tmp-"):
                if not crawl_running:
                    findings.append(Finding("text-temp", rel, "half-written temporary file left by a crash",
                                            "run `newsarchive check --repair` (deletes it)"))
                continue
            if path.suffix != ".txt":
                continue
            n_files += 1
            if rel not in referenced:
                findings.append(Finding("text-stray", rel, "no catalogue row points at this text file",
                                        "delete it, or re-crawl the article it came from"))
    return findings, n_files


# ---------------------------------------------------------------- recover


def recover(data_dir: Path, catalogue: Catalogue, *,
            outlet_for: Callable[[str], str | None] | None = None) -> RecoveryReport:
    """Make WARCs, catalogue and corpus agree after a crash; safe to run while other crawls run.

    Repairs every ``.open`` WARC of a crawl that is not running (torn tail to ``<name>.torn``), marks capture
    rows whose record is gone as missing, adds rows for archived responses/revisits the catalogue does not know,
    and rewrites text files from their catalogue rows. ``outlet_for(url)`` names the outlet of a re-added
    capture (default: the outlet whose ``domains`` hold the URL's host).
    """
    data_dir = Path(data_dir)
    warc_dir = data_dir / "warc"
    live = [row for row in live_crawls(catalogue) if row["pid"] != os.getpid()]
    live_ids = {row["id"] for row in live}
    live_uids = {row["uid"] for row in live}

    repaired, skipped = _repair_open_files(warc_dir, live_uids, bool(live))
    files = {f"warc/{p.name}": p for p in warc_files(warc_dir)}
    scanned = {rel: _scan(path, rel) for rel, path in files.items()}
    marked = _mark_missing(catalogue, scanned, live_ids, {f"warc/{Path(s).name[:-5]}" for s in skipped})
    added = _add_unindexed(catalogue, scanned, files, live_uids, outlet_for)
    texts, temps = _restore_texts(data_dir, catalogue, crawl_running=bool(live))
    report = RecoveryReport(tuple(repaired), tuple(skipped), tuple(marked), tuple(added), tuple(texts), tuple(temps))
    if report.changed:
        logger.warning("recovered %s: %d WARC files repaired, %d captures marked missing, %d captures added, "
                       "%d text files rewritten", data_dir, len(repaired), len(marked), len(added), len(texts))
    return report


def _repair_open_files(warc_dir: Path, live_uids: set[str], any_live: bool) -> tuple[list[RepairResult], list[str]]:
    repaired: list[RepairResult] = []
    skipped: list[str] = []
    for path in sorted(warc_dir.glob(OPEN_GLOB)):
        try:
            uid = warcinfo_fields(path).get("crawl-id")
        except Exception:  # noqa: BLE001 - torn warcinfo: the file belongs to no identifiable crawl
            uid = None
        if uid in live_uids or (uid is None and any_live):
            # another crawl is writing it now (or may be: an unreadable header while crawls run)
            skipped.append(f"warc/{path.name}")
            logger.info("leaving %s alone: crawl %s is running", path, uid)
            continue
        repaired.append(repair_open_file(path))
    return repaired, skipped


def _mark_missing(catalogue: Catalogue, scanned: dict[str, _WarcFile], live_ids: set[int],
                  open_files: set[str]) -> list[int]:
    marked: list[int] = []
    rows = catalogue.db.query(
        "select id, crawl_id, url, warc_file, warc_offset, warc_length, warc_record_id, record_type, payload_digest "
        "from captures where warc_file is not null order by id")
    for row in list(rows):
        if row["crawl_id"] in live_ids or row["warc_file"] in open_files:
            continue
        scanned_file = scanned.get(row["warc_file"])
        rec = scanned_file.records.get(row["warc_offset"]) if scanned_file else None
        if rec is not None and not _pointer_mismatch(row, rec):
            continue
        why = "file gone" if scanned_file is None else ("no record there" if rec is None
                                                        else "; ".join(_pointer_mismatch(row, rec)))
        catalogue.mark_capture_missing(int(row["id"]), why)
        marked.append(int(row["id"]))
    return marked


def _add_unindexed(catalogue: Catalogue, scanned: dict[str, _WarcFile], files: dict[str, Path],
                   live_uids: set[str], outlet_for: Callable[[str], str | None] | None) -> list[int]:
    indexed = {(r["warc_file"], r["warc_offset"]) for r in catalogue.db.query(
        "select warc_file, warc_offset from captures where warc_file is not null")}
    crawl_ids = {r["uid"]: r["id"] for r in catalogue.db.query("select id, uid from crawls")}
    added: list[int] = []
    for rel, scanned_file in scanned.items():
        if scanned_file.crawl_uid in live_uids:
            continue
        requests = {rec.field("WARC-Concurrent-To"): rec for rec in scanned_file.records.values()
                    if rec.record_type == "request"}
        for offset, rec in sorted(scanned_file.records.items()):
            if rec.record_type not in INDEXED_TYPES or (rel, offset) in indexed or not rec.target_uri:
                continue
            capture_id = _add_capture(catalogue, files[rel], rel, rec, requests.get(rec.record_id),
                                      crawl_ids.get(scanned_file.crawl_uid or ""), outlet_for)
            added.append(capture_id)
    return added


def _add_capture(catalogue: Catalogue, path: Path, rel: str, rec: RecordInfo, request: RecordInfo | None,
                 crawl_id: int | None, outlet_for: Callable[[str], str | None] | None) -> int:
    _, rec_headers, http = _record_at(path, rec.offset)
    method = "GET"
    if request is not None:
        _, _, req_http = _record_at(path, request.offset)
        method = (req_http.protocol if req_http is not None else "") or "GET"
    status_text = http.get_statuscode() if http is not None else ""
    status = int(status_text) if status_text and status_text.isdigit() else 0
    reason = http.statusline.partition(" ")[2] if http is not None else ""
    uri = str(rec.target_uri)
    ex = Exchange(
        url=uri, method=method, request_headers=(), request_body=b"", status=status, reason=reason,
        protocol=(http.protocol if http is not None else "") or "HTTP/1.1",
        response_headers=tuple(http.headers) if http is not None else (), body=b"",
        fetched_at=_parse_date(rec.date), ip_address=rec_headers.get_header("WARC-IP-Address"))
    loc = WarcLocation(warc_file=rel, offset=rec.offset, length=rec.length, record_id=str(rec.record_id),
                       record_type=rec.record_type, payload_digest=str(rec.payload_digest),
                       request_offset=request.offset if request else None)
    outlet = outlet_for(uri) if outlet_for else None
    outlet = outlet or _outlet_by_domain(catalogue, uri)
    refers_to = _refers_to(catalogue, rec) if rec.record_type == "revisit" else None
    capture_id = catalogue.add_capture(crawl_id, outlet, ex, loc, refers_to=refers_to)
    logger.warning("added missing capture row %d for %s@%d (%s)", capture_id, rel, rec.offset, uri)
    return capture_id


def _refers_to(catalogue: Catalogue, rec: RecordInfo) -> int | None:
    target = rec.field("WARC-Refers-To")
    if target:
        rows = list(catalogue.db.query("select id from captures where warc_record_id = ? limit 1", [target]))
        if rows:
            return int(rows[0]["id"])
    rows = list(catalogue.db.query(
        "select id from captures where url = ? and payload_digest = ? and record_type = 'response' "
        "order by id desc limit 1", [rec.field("WARC-Refers-To-Target-URI") or rec.target_uri, rec.payload_digest]))
    return int(rows[0]["id"]) if rows else None


def _restore_texts(data_dir: Path, catalogue: Catalogue, *, crawl_running: bool) -> tuple[list[str], list[str]]:
    written: list[str] = []
    rows = list(catalogue.db.query(
        "select id, seq, title, text, relevant, text_file from articles where text_file is not null or relevant = 1 "
        "order by seq, id"))
    for row in rows:
        if row["text_file"] is None and crawl_running:
            continue  # a running crawl may be about to write it
        seq = catalogue.assign_seq(row["id"]) if row["seq"] is None else int(row["seq"])
        expected = f"text/{textexport.file_name(seq, row['id'])}"
        path = data_dir / expected
        if row["text_file"] == expected and path.is_file() and path.read_text(encoding="utf-8") == _rendered(row):
            continue
        rel = textexport.write_text(data_dir, seq, row["id"], row["title"] or "", (row["text"] or "").split("\n"))
        catalogue.set_text_file(row["id"], rel)
        if row["text_file"] and row["text_file"] != rel:
            (data_dir / row["text_file"]).unlink(missing_ok=True)
        written.append(rel)
    temps: list[str] = []
    if not crawl_running and (data_dir / "text").is_dir():
        for tmp in sorted((data_dir / "text").glob(".tmp-*")):
            tmp.unlink()
            temps.append(f"text/{tmp.name}")
    return written, temps


def describe(findings: Iterable[Finding]) -> str:
    """The findings as text, one block per finding."""
    return "\n".join(str(f) for f in findings)
