"""The command line: help, errors as messages, extract (CliRunner) and the demo end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli

LEGACY_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>صحيفة الساحل :: اشتباكات عنيفة جنوب طرابلس</title></head><body><table><tr><td>
<h1>اشتباكات عنيفة جنوب طرابلس</h1>
<p>اندلعت اشتباكات عنيفة بين قوات الجيش الوطني الليبي وقوات حكومة الوفاق في محور عين زارة جنوب العاصمة طرابلس.</p>
<p>وقال مصدر عسكري إن المعارك استمرت حتى ساعات الفجر وسط قصف متبادل بالمدفعية الثقيلة في عدة محاور.</p>
<p>وأضاف المصدر أن قوات الجيش تقدمت في منطقة الخلاطات بعد انسحاب الميليشيات المسلحة من مواقعها هناك.</p>
</td></tr></table></body></html>"""


@pytest.mark.parametrize("command", [[], ["crawl"], ["extract"], ["demo"]])
def test_help_works_with_h_and_shows_an_example(command):
    result = CliRunner().invoke(cli, [*command, "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_extract_prints_seed_format_from_a_legacy_encoded_file(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(LEGACY_PAGE.encode("windows-1256"))
    result = CliRunner().invoke(cli, ["extract", str(page), "--url", "http://legacy.example/article.php?id=1"])
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    assert lines[0] == "اشتباكات عنيفة جنوب طرابلس"
    assert lines[1] == ""
    assert lines[2].startswith("اندلعت اشتباكات عنيفة")
    assert result.output.endswith("\n")


def test_extract_jsonl_one_object_per_file(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_bytes(LEGACY_PAGE.encode("windows-1256"))
    b.write_text("<html><body></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(a), str(b), "--jsonl"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["title"] == "اشتباكات عنيفة جنوب طرابلس" and rows[0]["language"] == "ar"
    assert set(rows[0]) >= {"file", "url", "title", "text", "date", "author", "language"}
    assert rows[1]["error"]  # an empty page is a failure with a reason, not a crash


def test_crawl_with_bad_config_is_a_clear_error(tmp_path):
    seeds = tmp_path / "bad.toml"
    seeds.write_text('[[outlet]]\nname = "x"\nfeeds = ["https://x.example/rss"]\narticle_urls = ["("]\n')
    result = CliRunner().invoke(cli, ["crawl", "--seeds", str(seeds), "--data", str(tmp_path / "d")])
    assert result.exit_code != 0
    assert str(seeds) in result.output and "article_urls" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "d" / "catalogue.db").exists()


def test_crawl_unknown_outlet_is_a_clear_error(tmp_path):
    seeds = tmp_path / "ok.toml"
    seeds.write_text('[[outlet]]\nname = "x"\nfeeds = ["https://x.example/rss"]\n')
    result = CliRunner().invoke(cli, ["crawl", "--seeds", str(seeds), "--outlet", "nope"])
    assert result.exit_code != 0 and "no outlet called 'nope'" in result.output


def test_demo_end_to_end(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "-q", "demo", "--data", str(tmp_path / "demo")],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "demo-feed" in out and "demo-sitemap" in out and "demo-legacy" in out
    texts = list((tmp_path / "demo" / "text").glob("*.txt"))
    assert len(texts) >= 6
    assert (tmp_path / "demo" / "catalogue.db").exists()
    assert any(Path(tmp_path / "demo" / "warc").glob("*.warc.gz"))
