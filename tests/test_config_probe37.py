"""Configuration and command-line errors (black-box probe H, stop 37): bad input gets one clear error naming the file,
the outlet, the key and the fix, before anything is fetched; nothing is lost.

Unit-level where no crawl is needed (outlet files, ``-s`` values, schedules); click's CliRunner where the command line
is the point (the checks run before any crawl starts, so no reactor runs in this process); one short loopback crawl for
the spider's own defence (a start URL no request can be made of costs only its outlet).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT, crawl_cli, reply, rows

from archive.catalogue.db import Catalogue
from archive.errors import ConfigError
from crawler.cli.main import cli
from crawler.config.outlets import load_outlets

LEXICON = ROOT / "seeds" / "lexicon.toml"
CONTACT = ("-s", "CRAWL_CONTACT_URL=http://127.0.0.1/contact")


def _seeds(tmp_path: Path, body: str, name: str = "outlets.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _problems(path: Path) -> list[ConfigError]:
    with pytest.raises(ConfigError) as caught:
        load_outlets(path)
    return list(getattr(caught.value, "errors", [caught.value]))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def good_seeds(tmp_path: Path) -> Path:
    # a closed port: should a crawl start after all, it ends at once
    return _seeds(tmp_path, '[[outlet]]\nname = "probe"\nfeeds = ["http://127.0.0.1:9/rss"]\n', "good.toml")


# -- 1. URLs ------------------------------------------------------------------------------------------------------


BAD_URLS = {
    "http://127.0.0.21:99999/rss.xml": "Port out of range",
    "http:///rss.xml": "no host",
    "http://exa mple.com/rss": "white space",
    "ftp://127.0.0.21/": "only http",
    "127.0.0.21:8481/": "no http",
    "javascript:alert(1)": "only http",
    "http://[x/": "no URL",
    "http://h:0/": "port 0",
    "": "empty",
}


@pytest.mark.parametrize("key", ["feeds", "sitemaps", "start_urls", "homepage"])
def test_every_url_key_refuses_every_bad_url_one_message_each(tmp_path: Path, key: str) -> None:
    """Fault 1/4/6: the port, the host and the homepage were not checked (one bad feed then ended every outlet's start
    requests; a bad homepage gave tracebacks and fetched nothing; an ftp homepage was crawled)."""
    bad = {url: why for url, why in BAD_URLS.items() if url or key != "homepage"}  # homepage = "": none
    lines = []
    for i, url in enumerate(bad):
        value = f'"{url}"' if key == "homepage" else f'["{url}"]'
        extra = '\nfeeds = ["https://example.org/rss"]' if key == "homepage" else '\nhomepage = "https://example.org/"'
        lines.append(f'[[outlet]]\nname = "o{i}"\n{key} = {value}{extra}\n')
    path = _seeds(tmp_path, "\n".join(lines))
    problems = _problems(path)
    assert len(problems) == len(bad), [str(p) for p in problems]
    for i, ((_, why), problem) in enumerate(zip(bad.items(), problems, strict=True)):
        text = str(problem)
        assert text.startswith(f"{path}, outlet 'o{i}', key '{key}': "), text
        assert why in text and "such as 'https://alwasat.ly/" in text, text


def test_recrawl_of_a_url_with_a_bad_port_is_one_clear_error(tmp_path: Path, good_seeds: Path) -> None:
    code, out = _run("recrawl", "http://127.0.0.21:99999/news/1.html", "--seeds", good_seeds, "--data",
                     tmp_path / "d")
    assert code == 2 and "Port out of range" in out and "http:// or https://" in out, out
    assert not (tmp_path / "d").exists()


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        base = f"http://{self.headers['Host']}"
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>n{n}</title><link>{base}/news/{n}</link></item>" for n in (1, 2))
            reply(self, 200, "application/rss+xml", f"<rss><channel>{items}</channel></rss>".encode())
        elif self.path.startswith("/news/"):
            text = " ".join(["طرابلس ليبيا خبر الحكومة المجلس الرئاسي اليوم"] * 12)
            body = f"<html><head><title>خبر {self.path}</title></head><body><article><h1>خبر</h1><p>{text}</p>" \
                   f"<p>{text}</p></article></body></html>"
            reply(self, 200, "text/html; charset=utf-8", body.encode())
        else:
            reply(self, 404, "text/plain", b"no")

    def log_message(self, *args: object) -> None:
        pass


def test_a_start_url_no_request_can_be_made_of_costs_only_its_outlet(tmp_path: Path) -> None:
    """Defence in depth (fault 1): a URL the config check never saw (left pending in the frontier by an older
    version) raised in the spider's start generator, which ended Scrapy's reading of every outlet's start requests:
    the good outlet archived nothing and the crawl exited 0. Now it is a ``bad-url`` failure of its own outlet."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = _seeds(tmp_path, f'[[outlet]]\nname = "aaa"\nstart_urls = ["http://127.0.0.2:9/"]\ntopic_filter = false\n'
                             f'download_delay = 0\n\n[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\n'
                             "article_urls = ['/news/\\d+$']\ntopic_filter = false\ndownload_delay = 0\n")
    data = tmp_path / "data"
    data.mkdir()
    bad = "http://127.0.0.2:99999/news/7"
    with Catalogue(data / "catalogue.db") as cat:
        cat.db["frontier"].insert({"url": bad, "outlet": "aaa", "kind": "article", "status": "pending",
                                   "attempts": 0, "discovered_at": "2026-01-01T00:00:00+00:00"})
    try:
        proc = crawl_cli(seeds, data, "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=5", timeout=120)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Error while reading start" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert len(rows(data, "select id from articles where outlet = 'portal'")) == 2, proc.stdout
    failures = rows(data, "select outlet, reason, detail from failures where url = ?", (bad,))
    assert [(f["outlet"], f["reason"]) for f in failures] == [("aaa", "bad-url")], failures
    assert "Port out of range" in failures[0]["detail"]
    assert rows(data, "select status, reason from frontier where url = ?", (bad,)) == [
        {"status": "done", "reason": "bad-url"}]
    assert "bad-url" in proc.stderr  # said in the log, not only recorded


# -- 2. non-finite and absurd numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "-inf", "-1"])
def test_download_delay_must_be_a_finite_delay_up_to_an_hour(tmp_path: Path, value: str) -> None:
    path = _seeds(tmp_path, f'[[outlet]]\nname = "probe"\nfeeds = ["https://example.org/rss"]\n'
                            f"download_delay = {value}\n")
    (problem,) = _problems(path)
    assert f"{path}, outlet 'probe', key 'download_delay'" in str(problem)
    assert "0 to 3600 seconds" in str(problem) and "hang" in str(problem)
    assert load_outlets(_seeds(tmp_path, '[[outlet]]\nname = "p"\nfeeds = ["https://e.org/"]\ndownload_delay = 3600\n',
                               "ok.toml"))[0].download_delay == 3600.0


# -- 3. -s values, checked fully before the crawl starts -------------------------------------------------------------

BAD_SETS = {
    "EXTRACT_WORKERS=0": "from 1 to 256",
    "ARCHIVE_WARC_MAX_SIZE=0": "1000000 or more",
    "ARCHIVE_WARC_MAX_SIZE=100": "1000000 or more",
    "ARCHIVE_WARC_PREFIX=a/b": "file name",
    "ARCHIVE_WARC_PREFIX=../../evil": "file name",
    "ARCHIVE_WARC_PREFIX=a b": "file name",
    "CRAWL_USER_AGENT=bot {nope}": "{nope}, which is no placeholder",
    "CRAWL_USER_AGENT=bot {": "no template",
    "LOG_LEVEL=LOUD": "not a log level",
    "DOWNLOAD_DELAY=inf": "not a finite number",
    "DOWNLOAD_DELAY=1e308": "hang the crawl",
    "ARCHIVE_COMMIT_INTERVAL=nan": "not a finite number",
    "CRAWL_RETRY_AFTER_MAX=inf": "not a finite number",
    "CRAWL_ROBOTS_DELAY_MAX=1e9": "hang the crawl",
    "EXTRACT_TIMEOUT=-1": "from 0 to 86400",
    "ARCHIVE_COMMIT_EVERY=0": "1 or more",
    "ARCHIVE_WARC_FSYNC=maybe": "not yes or no",
    "CRAWL_CONTACT_URL=not a url": "no URL",
    "CONCURRENT_REQUESTS=2.5": "not a whole number",
    "CONCURRENT_REQUESTS=0": "1 or more",
    "CLOSESPIDER_TIMEOUT=nan": "not a finite number",
    "ARCHIVE_OUTLETS=nosuch": "no outlet called 'nosuch'",
}


@pytest.mark.parametrize("setting", BAD_SETS)
def test_a_bad_s_value_is_refused_before_the_crawl_starts(tmp_path: Path, good_seeds: Path, setting: str) -> None:
    """Fault 3: these passed the pre-start check and failed once the crawl ran (a crawl row, a traceback, exit 3)."""
    data = tmp_path / "d"
    code, out = _run("crawl", "--seeds", good_seeds, "--data", data, *CONTACT, "-s", setting)
    key = setting.partition("=")[0]
    assert code == 1 and f"key '{key}'" in out and BAD_SETS[setting] in out, out
    assert len([line for line in out.splitlines() if line.startswith("Error")]) == 1, out
    assert not (data / "catalogue.db").exists()  # no crawl row: nothing was recorded, nothing fetched


def test_schedule_checks_its_s_values_at_start_up(tmp_path: Path, good_seeds: Path) -> None:
    """Fault 3: ``schedule`` accepted them and every scheduled crawl failed later (a subprocess: were the check
    missing, the scheduler would serve until the timeout)."""
    for setting, why in (("EXTRACT_WORKERS=0", "from 1 to 256"), ("CONCURRENT_REQUESTS=many", "not a number")):
        proc = subprocess.run([sys.executable, "-m", "crawler.cli.main", "schedule", "--seeds", str(good_seeds),
                               "--data", str(tmp_path / "d"), "-s", setting], capture_output=True, text=True,
                              timeout=30, cwd=ROOT, check=False)
        assert proc.returncode == 1 and why in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# -- 4. schedules --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("schedule, why", [("61 * * * *", "higher than the maximum"), ("a b c d e", "month name"),
                                           ("*/0 * * * *", "Increment"), ("0 0 31 2 *", "never fires"),
                                           ("0s", "more than zero"), ("9999999d", "at most a year")])
def test_bad_schedules_are_refused_at_load_and_status_says_so(tmp_path: Path, schedule: str, why: str) -> None:
    path = _seeds(tmp_path, f'[[outlet]]\nname = "probe"\nfeeds = ["https://example.org/rss"]\n'
                            f'schedule = "{schedule}"\n')
    (problem,) = _problems(path)
    assert str(problem).startswith(f"{path}, outlet 'probe', key 'schedule': ") and why in str(problem)
    data = tmp_path / "d"
    data.mkdir()
    Catalogue(data / "catalogue.db").close()
    code, out = _run("status", "--seeds", path, "--data", data)  # an APScheduler traceback before
    assert code == 1 and "key 'schedule'" in out, out


# -- 5. one line, not a traceback ------------------------------------------------------------------------------------


def test_a_lexicon_not_in_utf8_is_a_config_error(tmp_path: Path) -> None:
    from crawler.relevance.judge import load_lexicon

    path = tmp_path / "lexicon.toml"
    path.write_bytes(LEXICON.read_text(encoding="utf-8").encode("cp1256", errors="replace"))
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_lexicon(path)


def test_a_folder_named_toml_and_a_device_as_seeds_are_config_errors(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "x.toml").mkdir(parents=True)
    _seeds(seeds, '[[outlet]]\nname = "probe"\nfeeds = ["https://example.org/rss"]\n')
    (problem,) = _problems(seeds)
    assert str(problem).startswith(f"{seeds / 'x.toml'}: is a folder")
    (problem,) = _problems(Path(os.devnull))
    assert "is no TOML file or folder" in str(problem)


def _archive(tmp_path: Path) -> Path:
    data = tmp_path / "d"
    data.mkdir()
    Catalogue(data / "catalogue.db").close()
    (data / ".disk-reserve").write_bytes(b"\0" * 1000)
    return data


def test_export_out_empty_or_a_folder_or_the_disk_reserve_is_refused(tmp_path: Path) -> None:
    data = _archive(tmp_path)
    code, text = _run("export", "--data", data, "--format", "csv", "--out", "")  # OSError "Device or resource busy"
    assert code == 1 and "--out '' (the current folder): it is a folder, not a file" in text, text
    code, text = _run("index", "--data", data, "--out", "")
    assert code == 1 and "it is a folder, not a file" in text, text
    code, text = _run("export", "--data", data, "--format", "csv", "--out", data / ".disk-reserve")
    assert code == 1 and "the disk reserve" in text, text
    assert (data / ".disk-reserve").read_bytes() == b"\0" * 1000


def test_crawl_data_that_is_a_file_or_under_one(tmp_path: Path, good_seeds: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, out = _run("crawl", "--seeds", good_seeds, "--data", afile, *CONTACT)
    assert code == 2 and "is a file, not a folder" in out, out
    code, out = _run("crawl", "--seeds", good_seeds, "--data", afile / "sub", *CONTACT)
    assert code == 2 and f"{afile} is a file, so" in out, out
    assert afile.read_text() == "x"


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A data folder seen through a read-only bind mount (chmod does not stop root); skips where not allowed."""
    data = _archive(tmp_path)
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "--bind", str(data), str(mount)], capture_output=True, check=False).returncode:
        pytest.skip("cannot bind-mount here (needs root / CAP_SYS_ADMIN)")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], capture_output=True,
                          check=False).returncode:
            pytest.skip("cannot make a bind mount read-only here")
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_crawl_into_a_read_only_folder_says_so(read_only: Path, good_seeds: Path) -> None:
    code, out = _run("crawl", "--seeds", good_seeds, "--data", read_only, *CONTACT)
    assert code == 1 and f"the data folder {read_only} is read-only" in out, out


# -- 6. a BOM -------------------------------------------------------------------------------------------------------


def test_a_utf8_bom_is_accepted_in_an_outlet_file_and_the_lexicon(tmp_path: Path) -> None:
    from crawler.relevance.judge import load_lexicon

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + '[[outlet]]\nname = "probe"\nfeeds = ["https://example.org/rss"]\n'.encode())
    assert [o.name for o in load_outlets(path)] == ["probe"]
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_bytes(b"\xef\xbb\xbf" + LEXICON.read_bytes())
    reader = LEXICON.parent / "lexicon-reader.json"  # the learned reader it names, beside it
    (tmp_path / reader.name).write_bytes(reader.read_bytes())
    assert load_lexicon(lexicon).terms == load_lexicon(LEXICON).terms


# -- 7. no seeds/ here ----------------------------------------------------------------------------------------------


def test_without_seeds_here_commands_say_so_instead_of_using_the_packages_outlets(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch
                                                                                  ) -> None:
    data = _archive(tmp_path)
    monkeypatch.chdir(tmp_path)  # a folder with no seeds/
    for args in (["status", "--data", data], ["crawl", "--data", data, *CONTACT]):
        code, out = _run(*args)
        assert code == 1 and "seeds: no such file or folder in" in out and "pass --seeds" in out, out
        assert "example outlets" in out and "alwasat" not in out
    with sqlite3.connect(data / "catalogue.db") as conn:
        assert conn.execute("select count(*) from crawls").fetchone() == (0,)
    conn.close()


# -- 8. small ones --------------------------------------------------------------------------------------------------


def test_small_values_refused_clearly(tmp_path: Path, good_seeds: Path) -> None:
    path = _seeds(tmp_path, '[[outlet]]\nname = "probe"\nfeeds = ["https://example.org/rss"]\nmax_depth = -1\n'
                            "article_urls = ['']\n")
    problems = sorted(str(p) for p in _problems(path))
    assert len(problems) == 2
    assert "key 'article_urls': an empty pattern matches every URL" in problems[0]
    assert "key 'max_depth': -1 is no depth" in problems[1]
    code, out = _run("recrawl", "--due", "--limit", "-1", "--seeds", good_seeds, "--data", tmp_path / "d")
    assert code == 2 and "--limit" in out, out
    code, out = _run("crawl", "--seeds", good_seeds, "--data", tmp_path / "d", "--trigger", "", *CONTACT)
    assert code == 1 and "key 'ARCHIVE_TRIGGER'" in out and "--trigger" in out, out
    code, out = _run("crawl", "--seeds", good_seeds, "--data", tmp_path / "d", "-s", "=5")
    assert code == 2 and "name is missing" in out, out
    assert not (tmp_path / "d").exists()
