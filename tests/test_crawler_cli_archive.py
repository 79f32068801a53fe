"""Tests for crawler.cli.archive_commands: index, export and check through the real CLI group (CliRunner)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.catalogue.db import Catalogue
from archive.records import Exchange
from archive.warc.writer import WarcArchive
from crawler.cli.main import cli

FROZEN = datetime(2026, 11, 20, 22, 15, 0, tzinfo=UTC)


def exchange(i: int) -> Exchange:
    return Exchange(
        url=f"https://alwasat.ly/news/libya/{i}", method="GET", request_headers=(("Host", "alwasat.ly"),),
        request_body=b"", status=200, reason="OK", protocol="HTTP/1.1",
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=f"<html><body><p>خبر رقم {i}</p></body></html>".encode(), fetched_at=FROZEN)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    cat = Catalogue(root / "catalogue.db")
    for crawl in (1, 2):
        crawl_id = cat.start_crawl(f"uid-{crawl}", "test", [], pid=None)
        with WarcArchive(root, warcinfo={"crawl-id": f"uid-{crawl}"}, fsync=False) as warc:
            for i in range(3 * crawl - 3, 3 * crawl):
                cat.add_capture(crawl_id, None, exchange(i), warc.write_exchange(exchange(i)))
        cat.finish_crawl(crawl_id, "finished", {})
    cat.close()
    return root


def test_help_has_examples() -> None:
    for name in ("index", "export", "check"):
        result = CliRunner().invoke(cli, [name, "-h"])
        assert result.exit_code == 0 and "Example: newsarchive " + name in result.output


def test_index_writes_sorted_cdxj(data: Path) -> None:
    result = CliRunner().invoke(cli, ["index", "--data", str(data)])
    assert result.exit_code == 0, result.output
    lines = (data / "index" / "index.cdxj").read_text().splitlines()
    assert len(lines) == 6 and lines == sorted(lines)
    key, ts, blob = lines[0].split(" ", 2)
    fields = json.loads(blob)
    assert key.startswith("ly,alwasat)/news/libya/") and ts == "20261120221500"
    assert fields["status"] == "200" and fields["filename"].endswith(".warc.gz")


@pytest.mark.parametrize("crawl,records", [(None, 6), ("2", 3)])
def test_export_writes_a_valid_wacz(data: Path, tmp_path: Path, crawl: str | None, records: int) -> None:
    out = tmp_path / "out.wacz"
    args = ["export", "--format", "wacz", "--out", str(out), "--data", str(data)]
    result = CliRunner().invoke(cli, args + (["--crawl", crawl] if crawl else []))
    assert result.exit_code == 0, result.output
    assert "wacz validate: valid" in result.output
    with zipfile.ZipFile(out) as z:
        warcs = [n for n in z.namelist() if n.startswith("archive/")]
        assert len(warcs) == (2 if crawl is None else 1)
        assert "datapackage.json" in z.namelist()


def test_export_of_unknown_crawl_fails(data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path / "x.wacz"), "--data", str(data),
                                      "--crawl", "99"])
    assert result.exit_code != 0 and "no crawl 99" in result.output
    assert not (tmp_path / "x.wacz").exists()


def test_check_passes_then_fails_then_repair_fixes(data: Path) -> None:
    ok = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert ok.exit_code == 0 and "OK" in ok.output
    cat = Catalogue(data / "catalogue.db")
    cat.db.execute("delete from captures where id = 2")
    cat.db.conn.commit()
    cat.close()
    bad = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert bad.exit_code == 1
    assert "unindexed-record" in bad.output and "fix: run `newsarchive check --repair`" in bad.output
    fixed = CliRunner().invoke(cli, ["check", "--repair", "--data", str(data)])
    assert fixed.exit_code == 0, fixed.output
    assert "1 captures added" in fixed.output


def test_check_on_a_folder_without_catalogue_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--data", str(tmp_path)])
    assert result.exit_code != 0 and "catalogue.db does not exist" in result.output
