"""Every bad ``-s`` value is named in one error (crawler/config/checks.py ``crawl_problems``, crawler/runner.py
``crawl_settings``), not one a run: real CLI commands in a subprocess, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FAST, ROOT

from crawler.config.checks import crawl_problems
from crawler.runner import crawl_settings

# one of each kind: a value of the checks' table, a reader's choice, a reader's format, a lexicon, an outlet name,
# a number where Scrapy reads one (crawl_settings), a contradiction of --data
BAD = {
    "EXTRACT_WORKERS": "0",
    "ARCHIVE_WRITER": "nope",
    "ARCHIVE_WATCH_BACKOFF": "bad",
    "RELEVANCE_LEXICON": "lex/none.toml",
    "ARCHIVE_OUTLETS": "nosuch",
    "CLOSESPIDER_PAGECOUNT": "abc",
}


def _seeds(path: Path) -> Path:
    path.write_text('[[outlet]]\nname = "probe"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n', encoding="utf-8")
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, check=False)


@pytest.mark.parametrize("command", ["crawl", "recrawl"])
def test_every_bad_value_is_named_in_one_error(command: str, tmp_path: Path) -> None:
    seeds, data = _seeds(tmp_path / "seeds.toml"), tmp_path / "data"
    sets = [arg for key, value in BAD.items() for arg in ("-s", f"{key}={value}")]
    targets = ["--any-outlet", "http://127.0.0.1:9/news/1"] if command == "recrawl" else []
    proc = _run(command, "--seeds", seeds, "--data", data, *FAST, *sets, *targets)
    assert proc.returncode == 1, proc.stderr
    assert f"{len(BAD)} problems in the -s settings" in proc.stderr, proc.stderr
    for key in BAD:
        assert f"key '{key}'" in proc.stderr, (key, proc.stderr)
    assert "lex/none.toml: cannot read the lexicon" in proc.stderr  # its file as typed, with the key
    assert not data.exists()  # nothing written: no catalogue, no crawl row


def test_a_contradiction_comes_with_the_other_problems(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path / "seeds.toml")
    with pytest.raises(Exception) as caught:
        crawl_settings(data_dir=tmp_path / "a", seeds=seeds, overrides={
            "ARCHIVE_DATA_DIR": str(tmp_path / "b"), "EXTRACT_WORKERS": "0", "ARCHIVE_WRITER": "nope"})
    keys = [e.key for e in caught.value.errors]
    assert keys == ["ARCHIVE_DATA_DIR", "EXTRACT_WORKERS", "ARCHIVE_WRITER"]


def test_good_settings_have_no_problems(tmp_path: Path) -> None:
    settings = crawl_settings(data_dir=tmp_path / "d", seeds=_seeds(tmp_path / "seeds.toml"),
                              overrides={"EXTRACT_WORKERS": "1", "CRAWL_LASTMOD_RECHECKS": "0"})
    assert crawl_problems(settings, ["EXTRACT_WORKERS", "CRAWL_LASTMOD_RECHECKS"]) == []
