"""Export the corpus with its metadata and provenance as JSON Lines, CSV or Parquet, with a data card beside it."""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.catalogue import exports
from archive.durable import write_atomically
from archive.errors import ExportError
from archive.export.guard import refuse_archive_target

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 2000  # articles per query of their versions, and per Parquet row group

# (column, description): the export's columns in order; the data card lists them.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "article id: first 16 hex digits of sha256 of the canonical URL"),
    ("seq", "corpus sequence number (the NNN of text/NNN_<id>.txt); empty for articles judged irrelevant"),
    ("url", "canonical URL"),
    ("outlet", "outlet short name (the seeds file's `name`)"),
    ("outlet_name", "outlet name as readers know it"),
    ("title", "headline"),
    ("text", "body, one paragraph per line"),
    ("published", "publication date as the page gives it (ISO 8601, with its offset when known)"),
    ("author", "byline"),
    ("language", "detected language"),
    ("relevant", "1 when judged about the Libya conflict (or the outlet keeps everything), else 0"),
    ("relevance_score", "the topic score; relevant when >= 1"),
    ("matched_terms", "lexicon evidence: list of {term, category, weight, count}"),
    ("first_seen", "when the article was first archived (UTC)"),
    ("last_seen", "when it was last seen live (UTC)"),
    ("captured_at", "capture time of the response record the current text comes from (UTC)"),
    ("http_status", "HTTP status of that response"),
    ("warc_file", "WARC file holding that response, relative to the data folder"),
    ("warc_offset", "byte offset of the response record's gzip member in the WARC file"),
    ("warc_length", "length in bytes of that gzip member"),
    ("warc_record_id", "WARC-Record-ID of the response record"),
    ("payload_digest", "WARC-Payload-Digest of the response"),
    ("text_file", "the corpus file, relative to the data folder"),
    ("versions", "number of distinct versions archived"),
    ("versions_list", ("list of {version, first_seen, title, published, text_digest, changed, warc_file, "
                       "warc_offset, warc_record_id}")),
    ("published_time", ("time of day (HH:MM) printed beside the date with no time zone, where `published` is the "
                        "day only; empty when the page prints none or `published` holds the instant")),
    ("status", ("`live`, or `deleted` when the outlet took the article down (its URL answered 404 or 410 after it "
                "was live, and it has not come back); the archived copy stays")),
    ("deleted_at", "when the deletion was seen (UTC); empty unless `status` is `deleted`"),
)
NESTED = ("matched_terms", "versions_list")


@dataclass(frozen=True)
class CorpusFilter:
    """Which articles to export: relevant only, some outlets, published (or first seen) in a date range, a language."""

    relevant_only: bool = False
    outlets: tuple[str, ...] = ()
    since: str | None = None  # ISO date or date-time, or a month or a year (YYYY-MM, YYYY) as the search page has
    until: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY: that day, month or year included
    language: str | None = None


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file, its data card, and the counts the card reports."""

    path: Path
    datacard: Path
    fmt: str
    rows: int
    relevant: int
    per_outlet: dict[str, int] = field(default_factory=dict)
    published_range: tuple[str, str] | None = None
    captured_range: tuple[str, str] | None = None
    deleted: int = 0  # articles their outlet took down since they were archived (``status`` deleted)


def parse_since(text: str, option: str = "--since") -> str:
    """``text`` checked as an ISO date or date-time (2019-04-04, 2019-04-04T10:00), or a month or a year (2019-04,
    2019: the search page's date filters, whose export command passes them on); an ExportError otherwise."""
    try:
        if len(text) in (4, 7) and text[:4].isascii() and text[:4].isdigit():
            # a month or a year: compared as a prefix, as the search page compares it (stop 40's third probe)
            date.fromisoformat(text + "-01-01"[len(text) - 4:])
            return text
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        if option != "--since":
            raise ValueError(text)
        datetime.fromisoformat(text)
    except ValueError:
        raise ExportError(f"{option} {text!r} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY), "
                          f"e.g. {option} 2019-04-04") from None
    return text


def check_range(since: str | None, until: str | None) -> None:
    """An ExportError when ``since`` (parsed) is after the end of ``until``: no article can be in the range. Before
    stop 41 such an export wrote an empty file, exit 0, where the search page names the reversed range."""
    if not since or not until:
        return
    first = since[:10] + "-01-01"[len(since[:10]) - 4:]  # 2025 -> 2025-01-01, 2025-03 -> 2025-03-01
    last = until + "-99-99"[len(until) - 4:]  # 2024 -> 2024-99-99: after every day of the year, compared as text
    if first > last:
        raise ExportError(f"--since {since} is after --until {until}: no article can be in that range; give the "
                          "earlier date to --since")


def corpus_rows(db: sqlite_utils.Database, flt: CorpusFilter) -> Iterator[dict[str, Any]]:
    """The export rows, in corpus order, nested columns as Python lists."""
    for rows in exports.export_article_batches(db, relevant_only=flt.relevant_only, outlets=flt.outlets,
                                               since=flt.since, until=flt.until, language=flt.language,
                                               batch=BATCH):
        versions = exports.versions_with_provenance(db, [r["id"] for r in rows])
        for row in rows:
            row["matched_terms"] = _terms(row["matched_terms"])
            row["versions_list"] = versions.get(row["id"], [])
            for late in ("published_time", "status", "deleted_at"):  # the trailing fields (stops 39 and 40), after
                row[late] = row.pop(late)  # the nested list: every earlier column keeps its place
            yield row


def _terms(raw: str | None) -> list[dict[str, Any]]:
    # stored as JSON [term, category, weight, count] lists (catalogue.save_article)
    items = json.loads(raw) if raw else []
    return [{"term": t[0], "category": t[1], "weight": float(t[2]), "count": int(t[3])} for t in items]


def export_corpus(db: sqlite_utils.Database, out: Path, fmt: str, flt: CorpusFilter = CorpusFilter(), *,
                  source: str = "") -> ExportResult:
    """Write the filtered corpus to ``out`` in ``fmt`` and its data card beside it; both replaced atomically.

    Args:
        db: the catalogue database.
        out: the file to write; the data card goes to ``<out>.datacard.md``.
        fmt: "jsonl", "csv" or "parquet".
        flt: which articles.
        source: the data folder, named in the data card.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    known = exports.known_outlets(db)
    missing = [o for o in flt.outlets if o not in known]
    if missing:
        raise ExportError(f"no outlet called {missing[0]!r} in the catalogue; known: {', '.join(sorted(known))}")
    out = Path(out)
    if source:  # never over the catalogue, a WARC or a corpus file of the folder exported (stop 37's probe)
        refuse_archive_target(Path(source), out)
    stats = _Stats()
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    write_atomically(out, lambda tmp: writer(tmp, stats.count(corpus_rows(db, flt))))
    result = ExportResult(path=out, datacard=out.with_name(out.name + ".datacard.md"), fmt=fmt, rows=stats.rows,
                          relevant=stats.relevant, per_outlet=dict(sorted(stats.outlets.items())),
                          published_range=stats.range("published"), captured_range=stats.range("captured_at"),
                          deleted=stats.deleted)
    names = exports.outlet_display_names(db)
    card = datacard(result, flt, names, source=source)
    write_atomically(result.datacard, lambda tmp: tmp.write_text(card, encoding="utf-8"))
    logger.debug("exported %d articles to %s (%s)", result.rows, out, fmt)
    if not result.rows:
        logger.warning("no article matches the selection: %s holds no rows%s", out, EMPTY_NOTE[fmt])
    return result


# What an export of no article holds, per format (the warning and the data card say it). JSON Lines stays a file of
# no lines, as datasette's `.json?_nl=on` of an empty table is: a line naming the columns would be read as one more
# article by every reader, and JSON Lines has no header. CSV keeps its header row and Parquet its schema.
EMPTY_NOTE = {
    "jsonl": (" (JSON Lines has no header, so pandas reads it as a table of 0 rows and 0 columns: the data card's "
              "column list names them, and CSV and Parquet exports keep them)"),
    "csv": " (its header row names the columns)",
    "parquet": " (its schema names and types the columns)",
}


class _Stats:
    """Counts taken while the rows stream past, for the data card."""

    def __init__(self) -> None:
        self.rows = 0
        self.relevant = 0
        self.deleted = 0
        self.outlets: Counter[str] = Counter()
        self.bounds: dict[str, list[str]] = {}

    def count(self, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pass ``rows`` through, counting them."""
        for row in rows:
            self.rows += 1
            self.relevant += int(row["relevant"] or 0)
            self.deleted += row.get("status") == "deleted"
            self.outlets[row["outlet"]] += 1
            for key in ("published", "captured_at"):
                if value := row.get(key):
                    low, high = self.bounds.setdefault(key, [value, value])
                    self.bounds[key] = [min(low, value), max(high, value)]
            yield row

    def range(self, key: str) -> tuple[str, str] | None:
        """The lowest and highest value of ``key`` seen, or None."""
        bounds = self.bounds.get(key)
        return (bounds[0], bounds[1]) if bounds else None


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# A text cell a spreadsheet would run as a formula (a page's title "=HYPERLINK(...)" becomes a live link when the
# file is opened: CSV injection, OWASP); written with a leading apostrophe, as OWASP advises. JSON Lines and Parquet
# keep every text as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value``, with a leading apostrophe where it is text that starts as a formula would (FORMULA_START)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _write_csv(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    # UTF-8 with a BOM so spreadsheet programs read the Arabic right; pandas and R's read.csv skip the BOM
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=[c for c, _ in COLUMNS])
        out.writeheader()
        for row in rows:
            out.writerow({k: json.dumps(v, ensure_ascii=False) if k in NESTED else spreadsheet_safe(v)
                          for k, v in row.items()})


def _parquet_schema() -> Any:
    import pyarrow as pa

    term = pa.struct([("term", pa.string()), ("category", pa.string()), ("weight", pa.float64()),
                      ("count", pa.int64())])
    version = pa.struct([("version", pa.int64()), ("first_seen", pa.string()), ("title", pa.string()),
                         ("published", pa.string()), ("text_digest", pa.string()), ("changed", pa.string()),
                         ("warc_file", pa.string()), ("warc_offset", pa.int64()), ("warc_record_id", pa.string())])
    types = {"seq": pa.int64(), "relevant": pa.int8(), "relevance_score": pa.float64(), "http_status": pa.int64(),
             "warc_offset": pa.int64(), "warc_length": pa.int64(), "versions": pa.int64(),
             "matched_terms": pa.list_(term), "versions_list": pa.list_(version)}
    return pa.schema([(c, types.get(c, pa.string())) for c, _ in COLUMNS])


def _write_parquet(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))  # also gives an empty file its schema


LOADERS = {
    "jsonl": ("pd.read_json({f!r}, lines=True)", "jsonlite::stream_in(file({f!r}))"),
    "csv": ("pd.read_csv({f!r})", "read.csv({f!r}, fileEncoding = \"UTF-8-BOM\")"),
    "parquet": ("pd.read_parquet({f!r})", "arrow::read_parquet({f!r})"),
}


def datacard(result: ExportResult, flt: CorpusFilter, outlet_names: dict[str, str], *, source: str = "") -> str:
    """The Markdown data card of an export: what, when, which outlets, counts, relevance, licence, citation."""
    made = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = result.path.name
    py, r = (t.format(f=name) for t in LOADERS[result.fmt])
    chosen = ["relevant articles only" if flt.relevant_only else "all archived articles, relevant or not"]
    if flt.outlets:
        chosen.append("outlets " + ", ".join(flt.outlets))
    if flt.since:
        chosen.append(f"published (or, without a date, first archived) on or after {flt.since}")
    if flt.until:
        chosen.append(f"published (or, without a date, first archived) on or before {flt.until}, included")
    if flt.language:
        chosen.append(f"language {flt.language}")
    lines = [
        f"# Data card: {name}",
        "",
        (f"Arabic-language news articles on the Libya conflict archived by newsarchive, exported {made} "
         f"as {result.fmt.upper()}{f' from {source}' if source else ''}."),
        "",
        f"* selection: {'; '.join(chosen)}",
        f"* articles: {result.rows} ({result.relevant} judged relevant)",
        f"* taken down by their outlet after they were archived: {result.deleted} (`status` deleted; each row keeps "
        "the archived text)",
        f"* published: {_span(result.published_range)}",
        f"* captured: {_span(result.captured_range)}",
        "",
        "| outlet | name | articles |",
        "|---|---|---|",
        *[f"| {o} | {outlet_names.get(o) or o} | {n} |" for o, n in result.per_outlet.items()],
        "",
        "## Load it",
        "",
        f"* Python: `import pandas as pd; df = {py}`",
        f"* R: `df <- {r}`",
        "",
        *(_empty_lines(result) if not result.rows else []),
        "Nested columns (`matched_terms`, `versions_list`) are lists in JSON Lines and Parquet and JSON text in CSV.",
        "In CSV, a text cell that starts with = + - @ (which a spreadsheet would run as a formula) has an apostrophe "
        "put before it; JSON Lines and Parquet keep every text as it is.",
        "",
        "## How relevance was judged",
        "",
        ("Each article's title and body were matched, after Arabic normalisation, against the topic lexicon "
         "(`seeds/lexicon.toml`): places, actors, armed groups and institutions of Libya, words of armed and "
         "political conflict, and counter-evidence (other war theatres, sport). `relevance_score` combines the "
         "Libya and conflict evidence; an article is relevant when it is 1 or more. Outlets configured with "
         "`topic_filter = false` (Libyan outlets) keep every article, with the score still given. `matched_terms` "
         "lists the evidence of every judgement, so it can be audited or re-judged."),
        "",
        "## Provenance",
        "",
        ("Every row points at the WARC response record its text was extracted from (`warc_file`, `warc_offset`, "
         "`warc_length`, `warc_record_id`, `payload_digest`, `captured_at`); `versions_list` does the same for "
         "each earlier version. The WARC files hold the bytes as received and can be replayed (`newsarchive "
         "serve`) or packaged (`newsarchive export --format wacz`)."),
        "",
        "## Columns",
        "",
        "| column | meaning |",
        "|---|---|",
        *[f"| `{c}` | {d} |" for c, d in COLUMNS],
        "",
        "## Licence and citation",
        "",
        ("The articles remain the copyright of their outlets. This export is for research (text and data "
         "mining, quotation for criticism and review); check what the law where you work allows before "
         "publishing texts or sharing the file. The metadata and the data card may be shared freely."),
        "",
        (f"Cite each article by its outlet, title, URL and publication date, and the collection as: newsarchive "
         f"export `{name}`, {result.rows} articles, made {made[:10]}; archived copies by `warc_record_id`."),
        "",
    ]
    return "\n".join(lines)


def _empty_lines(result: ExportResult) -> list[str]:
    """What the data card of an export of no article says about loading it."""
    lines = [f"No article matched this selection: the file holds no rows{EMPTY_NOTE[result.fmt]}."]
    if result.fmt == "jsonl":
        names = ", ".join(repr(c) for c, _ in COLUMNS)
        lines.append(f"To load it with its columns: `pd.read_json({result.path.name!r}, lines=True)"
                     f".reindex(columns=[{names}])`.")
    return [*lines, ""]


def _span(bounds: tuple[str, str] | None) -> str:
    return f"{bounds[0]} to {bounds[1]}" if bounds else "none"
