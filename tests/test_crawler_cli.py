"""The command line: help, errors as messages, extract (CliRunner) and the demo end to end."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.main import cli

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
    assert result.exit_code == 1  # one file gave no article
    rows = [json.loads(line) for line in result.stdout.splitlines()]
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


def test_crawl_with_a_setting_that_is_no_number_is_a_clear_error(tmp_path):
    # Scrapy reads CONCURRENT_REQUESTS with int() as the crawl starts; the value is checked before that
    seeds = tmp_path / "ok.toml"
    seeds.write_text('[[outlet]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n')
    result = CliRunner().invoke(cli, ["crawl", "--seeds", str(seeds), "--data", str(tmp_path / "d"),
                                      "-s", "CONCURRENT_REQUESTS=many"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "'CONCURRENT_REQUESTS'" in result.output and "'many' is not a number" in result.output, result.output
    assert not (tmp_path / "d" / "catalogue.db").exists()


def _cli(*args: str, cwd: Path, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    # umask 022 set explicitly: the files made must follow it (0644), whatever the test runner's umask
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", *args], check=False, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, preexec_fn=lambda: os.umask(0o022))


def _demo_folder(data: Path) -> Path:
    """A data folder whose demo sites get free ports: parallel test runs never compete for the fixed ones."""
    return _demo_folders(data)[0]


def _demo_folders(*folders: Path) -> list[Path]:
    """Data folders as _demo_folder makes them, with no port shared between them (every port is held until all are
    chosen), for demos that run at once."""
    from crawler.demo.standalone import ADDRESSES

    with ExitStack() as held:
        for data in folders:
            data.mkdir(parents=True)
            urls = {}
            for name, host in (("demo-feed", "127.0.0.2"), ("demo-sitemap", "127.0.0.3"), ("demo-legacy", "127.0.0.4")):
                sock = held.enter_context(socket.socket())
                sock.bind((host, 0))
                urls[name] = f"http://{host}:{sock.getsockname()[1]}"
            (data / ADDRESSES).write_text(json.dumps(urls))
    return list(folders)


def _articles(data: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(data / "catalogue.db")
    try:
        return con.execute("select id, url from articles order by id").fetchall()
    finally:
        con.close()


def test_demo_end_to_end_then_again_adds_nothing(tmp_path):
    data = _demo_folder(tmp_path / "demo")
    first = _cli("demo", "--data", str(data), cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert "demo-feed" in out and "demo-sitemap" in out and "demo-legacy" in out
    assert "the failures are on purpose" in out and "newsarchive serve --data" in out
    assert first.stderr == ""  # a friendly summary: the crawl's log only with -v
    assert len(out.splitlines()) < 30
    texts = sorted((data / "text").glob("*.txt"))
    assert len(texts) >= 6
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in texts)  # the user's umask, like the WARCs
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in (data / "warc").glob("*.warc.gz"))
    before = _articles(data)

    again = _cli("demo", "--data", str(data), cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "nothing new" in again.stdout
    assert _articles(data) == before  # same site addresses, same URLs, same articles
    assert sorted((data / "text").glob("*.txt")) == texts
    con = sqlite3.connect(data / "catalogue.db")
    assert con.execute("select sum(articles_new) from crawls where id > 1").fetchone() == (0,)
    con.close()

    index = _cli("index", "--data", str(data), cwd=tmp_path)
    assert index.returncode == 0, index.stderr
    assert (data / "index" / "index.cdxj").stat().st_mode & 0o777 == 0o644


def test_demo_verbose_shows_the_log_and_quiet_only_one_line_warnings(tmp_path):
    # the two demos at once, each on its own free ports and data folder: nothing in them is timed
    folders = dict(zip("qv", _demo_folders(tmp_path / "q", tmp_path / "v"), strict=True))
    with ThreadPoolExecutor(2) as pool:
        jobs = {flag: pool.submit(_cli, f"-{flag}", "demo", "--data", str(data), cwd=tmp_path)
                for flag, data in folders.items()}
        quiet, verbose = jobs["q"].result(), jobs["v"].result()
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    lines = quiet.stderr.splitlines()
    assert all(re.match(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) ", line) for line in lines), quiet.stderr
    assert "Traceback" not in quiet.stderr and "Deprecation" not in quiet.stderr
    assert verbose.returncode == 0
    assert " INFO " in verbose.stderr and len(verbose.stderr.splitlines()) > 50


def test_quiet_crawl_of_an_unreachable_site_one_line_each_and_contact_warning(tmp_path):
    seeds = tmp_path / "gone.toml"
    with _closed_port() as port:
        seeds.write_text(f'[[outlet]]\nname = "gone"\nfeeds = ["http://127.0.0.1:{port}/rss"]\n')
        proc = _cli("-q", "crawl", "--seeds", str(seeds), "--data", str(tmp_path / "d"), "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0", "-s", "ARCHIVE_WARC_MAXSIZE=5",
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stderr.splitlines()
    assert lines and all(re.match(r"^\S+ \S+ (WARNING|ERROR) [\w.]+: ", line) for line in lines), proc.stderr
    assert "Traceback" not in proc.stderr and "Deprecation" not in proc.stderr
    assert "refused" in proc.stderr.lower()
    assert sum("CRAWL_CONTACT_URL is not set" in line for line in lines) == 1
    # a -s name no setting has is a warning with the closest one (a typo would otherwise change nothing, unsaid)
    assert sum("-s ARCHIVE_WARC_MAXSIZE: no such setting" in line and "ARCHIVE_WARC_MAX_SIZE?" in line
               for line in lines) == 1, proc.stderr
    assert "CRAWL_CONTACT_URL" not in _cli("-q", "crawl", "--seeds", str(seeds), "--data", str(tmp_path / "d"),
                                           "-s", "CRAWL_CONTACT_URL=http://127.0.0.1/c", "-s", "RETRY_TIMES=0",
                                           cwd=tmp_path).stderr


@contextmanager
def _closed_port() -> Iterator[int]:
    with socket.socket() as sock:  # bound but never listening: connections are refused, and while the block runs
        sock.bind(("127.0.0.1", 0))  # no other process (a parallel test worker's server) can take the port
        yield sock.getsockname()[1]


def test_demo_serve_only_serves_until_interrupted_with_a_valid_seeds_file(tmp_path):
    from crawler.config.outlets import load_outlets

    data = _demo_folder(tmp_path / "d")
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "demo", "--serve-only", "--data", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("stop with Ctrl-C"):
                break
        outlets = load_outlets(data / "demo-seeds.toml")
        assert [o.name for o in outlets] == ["demo-feed", "demo-sitemap", "demo-legacy"]
        for outlet in outlets:
            with urllib.request.urlopen(outlet.homepage + "robots.txt", timeout=10) as resp:
                assert resp.status == 200
        article = next(line.split()[2] for line in lines if line.strip().startswith("newsarchive recrawl"))
        recrawl = _cli("-q", "recrawl", article, "--seeds", str(data / "demo-seeds.toml"), "--data", str(data),
                       "-s", "CRAWL_CONTACT_URL=http://127.0.0.1/c", cwd=tmp_path, timeout=120)
        assert recrawl.returncode == 0, recrawl.stderr[-2000:]
        con = sqlite3.connect(data / "catalogue.db")
        assert con.execute("select count(*) from articles").fetchone()[0] == 1
        con.close()
    finally:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "demo sites stopped" in rest


def test_extract_exits_non_zero_when_any_file_fails(tmp_path):
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_bytes(LEGACY_PAGE.encode("windows-1256"))
    bad.write_text("<html><body></body></html>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(good), str(bad)])
    assert result.exit_code == 1
    assert "اشتباكات عنيفة جنوب طرابلس" in result.output  # the good file is still printed
    assert "1 of 2 files gave no article" in result.output
    assert CliRunner().invoke(cli, ["extract", str(good)]).exit_code == 0
