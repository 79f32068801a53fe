"""Stop 37's probe K, read as a newcomer follows the README: `newsarchive demo -v` and `crawl -q` (the global options
after the command), `status` after the demo, the demo's own numbers and summary, a re-crawl of a never-archived URL
that answers 404, the scheduler's edit-watch when nothing is due, `export --out x.csv` without --format, the search
page's export command, and `dedupe --dry-run`'s seq. One demo run (in its own process, on free ports) serves most
tests; a small loopback site of today's articles serves the watch and dedupe ones."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import reply

from crawler.cli.main import cli
from crawler.demo.standalone import ADDRESSES, SEEDS, demo_sites_for
from crawler.scheduling.scheduler import WATCH_JOB, Scheduler, SchedulerConfig

ROOT = Path(__file__).resolve().parent.parent
CONTACT = "CRAWL_CONTACT_URL=http://127.0.0.1/probe37"


def newsarchive(*args: str, cwd: Path = ROOT, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """One ``newsarchive`` command as a user runs it, in its own process (the Twisted reactor runs once per process)."""
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def rows(data: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(data / "catalogue.db")
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# -- one demo run -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``newsarchive demo -v`` (the -v after the command) into a folder whose sites get free ports of their own."""
    data = tmp_path_factory.mktemp("probe37k") / "demo-data"
    data.mkdir()
    with ExitStack() as held:  # every port held until all three are chosen
        urls = {}
        for name, host in (("demo-feed", "127.0.0.2"), ("demo-sitemap", "127.0.0.3"), ("demo-legacy", "127.0.0.4")):
            sock = held.enter_context(socket.socket())
            sock.bind((host, 0))
            urls[name] = f"http://{host}:{sock.getsockname()[1]}"
        (data / ADDRESSES).write_text(json.dumps(urls))
    return data, newsarchive("demo", "-v", "--data", str(data), cwd=data.parent)


def test_global_log_options_are_accepted_after_the_command(demo, tmp_path: Path) -> None:
    # "Error: No such option '-v'" (exit 2) though the README and `demo -h` say -v shows the crawl's log
    data, run = demo
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert " INFO " in run.stderr and len(run.stderr.splitlines()) > 50  # the crawl's log, as `newsarchive -v demo`
    # the same meaning as before the command: the level they set, counted together
    root = logging.getLogger()
    level, handler_levels = root.level, [h.level for h in root.handlers]
    try:
        for args, expected in ((["-q"], logging.WARNING), (["-qq"], logging.ERROR), (["-v"], logging.DEBUG),
                               (["-v", "-q"], logging.INFO)):
            after = CliRunner().invoke(cli, ["status", "--data", str(data), "--seeds", str(data / SEEDS), *args])
            assert after.exit_code == 0, after.output
            assert root.level == expected, (args, root.level)
        before_and_after = CliRunner().invoke(cli, ["-v", "status", "--data", str(data), "--seeds",
                                                    str(data / SEEDS), "-v"])
        assert before_and_after.exit_code == 0 and root.level == logging.DEBUG  # -v and -v: -vv
        missing = CliRunner().invoke(cli, ["crawl", "-q", "--seeds", str(tmp_path / "nothing.toml")])
        assert missing.exit_code == 1 and "No such option" not in missing.output, missing.output
        assert "nothing.toml" in missing.output
    finally:
        root.setLevel(level)
        for handler, was in zip(root.handlers, handler_levels):
            handler.setLevel(was)


def test_status_after_the_demo_shows_its_crawl(demo) -> None:
    # every demo outlet said "never run", 0 pages, "due now": the demo's crawl (trigger demo) was left out
    data, run = demo
    assert run.returncode == 0, run.stderr[-3000:]
    result = CliRunner().invoke(cli, ["status", "--data", str(data), "--seeds", str(data / SEEDS), "--json"])
    assert result.exit_code == 0, result.output
    shown = {r["outlet"]: r for r in map(json.loads, result.output.splitlines()) if "trigger" in r}
    assert set(shown) == {"demo-feed", "demo-sitemap", "demo-legacy"}
    for row in shown.values():
        assert row["outcome"] == "finished" and row["trigger"] == "demo", row
        assert row["pages"] > 0 and row["last_run"], row
        assert "due now" not in row["next_run_in"], row  # an hourly schedule counts from the demo's crawl


def test_the_demo_says_what_it_holds_and_the_readme_agrees(demo) -> None:
    data, run = demo
    assert run.returncode == 0, run.stderr[-3000:]
    # the summary named "pages that robots.txt forbids" among the failures; none is ever recorded
    reasons = {r for (r,) in rows(data, "select distinct reason from failures")}
    assert reasons and not any("robots" in r for r in reasons), reasons
    said = next(line for line in run.stdout.splitlines() if "failures are on purpose" in line)
    assert "robots" not in said, said
    assert all(f"({r.removeprefix('http-')}" in said or f" {r.removeprefix('http-')})" in said for r in reasons), said
    # the README said "five are off-topic distractors" and listed four; the demo stores 9 relevant, 4 not
    relevant = dict(rows(data, "select relevant, count(*) from articles group by relevant"))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    words = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
    total = re.search(r"They carry (\d+) articles", readme)
    off = re.search(r"(\w+) are off-topic distractors", readme)
    on = re.search(r"(\d+) relevant and (\d+) off-topic", readme)
    assert total and off and on, "README's demo paragraph"
    assert int(total.group(1)) == sum(relevant.values()) == 13
    assert words[off.group(1)] == relevant[0] == int(on.group(2)) == 4
    assert int(on.group(1)) == relevant[1] == 9
    # the README's list of distractors names as many as it counts
    listed = re.search(r"off-topic distractors \(([^)]*)\)", readme)
    assert listed and len(listed.group(1).split(";")) == relevant[0], listed


def test_recrawl_of_a_never_archived_404_is_a_failure_and_a_deletion_only_of_a_live_article(demo, tmp_path) -> None:
    # "HTTP 404: gone (already recorded as deleted)", exit 0, for the demo's broken link that was never an article
    data, run = demo
    assert run.returncode == 0, run.stderr[-3000:]
    copy = tmp_path / "demo-data"
    shutil.copytree(data, copy)
    legacy_url = rows(copy, "select url from articles where outlet = 'demo-legacy' and relevant = 1 order by url")[0][0]
    number = int(re.search(r"id=(\d+)", legacy_url).group(1))
    with demo_sites_for(copy) as (sites, seeds):  # the addresses the demo served them at
        site = sites.site("legacy")
        base = sites.outlet("legacy").base_url
        article = next(a for a in site.by_key.values() if a.number == number)
        site.by_key[article.key] = dataclasses.replace(article, deleted=True)
        broken = f"{base}/article.php?id=31"  # the demo's 404 link: a failure of the demo's crawl, never an article
        first = newsarchive("-q", "recrawl", broken, legacy_url, "--seeds", str(seeds), "--data", str(copy),
                            "--allow-private", "-s", CONTACT)
        again = newsarchive("-q", "recrawl", broken, legacy_url, "--seeds", str(seeds), "--data", str(copy),
                            "--allow-private", "-s", CONTACT)
    for result in (first, again):
        assert result.returncode == 1, result.stdout + result.stderr[-3000:]
        lines = dict(line.split("  ", 1) for line in result.stdout.splitlines())
        assert lines[broken] == "[demo-legacy]  HTTP 404: failed: http-404", result.stdout
    assert dict(line.split("  ", 1) for line in first.stdout.splitlines())[legacy_url] == \
        "[demo-legacy]  HTTP 404: deleted: deletion recorded", first.stdout
    assert dict(line.split("  ", 1) for line in again.stdout.splitlines())[legacy_url] == \
        "[demo-legacy]  HTTP 404: gone (already recorded as deleted)", again.stdout
    events = rows(copy, "select e.kind, a.url from article_events e join articles a on a.id = e.article_id")
    assert events == [("deleted", legacy_url)]
    assert rows(copy, "select count(*) from articles where url like '%id=31%'") == [(0,)]


def test_export_takes_the_format_from_the_out_extension(demo, tmp_path: Path) -> None:
    # `--out corpus.csv` without --format wrote a WACZ zip named corpus.csv, exit 0
    data, run = demo
    assert run.returncode == 0, run.stderr[-3000:]
    runner = CliRunner()
    csv = runner.invoke(cli, ["export", "--data", str(data), "--out", str(tmp_path / "corpus.csv")])
    assert csv.exit_code == 0, csv.output
    assert len(pd.read_csv(tmp_path / "corpus.csv")) == 13
    jsonl = runner.invoke(cli, ["export", "--data", str(data), "--out", str(tmp_path / "corpus.jsonl"), "--relevant"])
    assert jsonl.exit_code == 0, jsonl.output
    assert len(pd.read_json(tmp_path / "corpus.jsonl", lines=True)) == 9
    mismatch = runner.invoke(cli, ["export", "--data", str(data), "--format", "wacz", "--out", str(tmp_path / "x.csv")])
    assert mismatch.exit_code == 2 and "names a .csv file but --format is wacz" in mismatch.output, mismatch.output
    assert not (tmp_path / "x.csv").exists()


def test_the_search_pages_export_command_works_from_where_serve_started(demo, monkeypatch, tmp_path) -> None:
    # served with --data demo-data, the page showed `newsarchive export --format csv --out articles.csv`, which
    # fails there ("data/catalogue.db does not exist")
    from crawler.web.app import build_datasette

    data, run = demo
    assert run.returncode == 0, run.stderr[-3000:]
    monkeypatch.chdir(data.parent)
    page = asyncio.run(build_datasette(Path("demo-data")).client.get("/search?q=طرابلس&relevant=1")).text
    command = re.search(r'<code id="export-command" dir="ltr">([^<]*)</code>', page).group(1)
    args = command.split()[1:]
    assert args[:5] == ["export", "--format", "csv", "--out", "articles.csv"], command
    assert args[args.index("--data") + 1] == "demo-data", command
    out = args.index("--out") + 1
    args[out] = str(tmp_path / args[out])  # written elsewhere, read from where serve started
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "articles.csv")) == 9


# -- a site of today's articles: the edit-watch and dedupe -------------------------------------------


TEXT = ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة "
        "استمرت عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات. ")


class TodaySite:
    """/feed.xml listing ``feed``, and /news/N articles published today; N in ``same`` serve one shared body."""

    def __init__(self) -> None:
        self.feed: list[str] = []
        today = datetime.now(UTC).date().isoformat()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    return reply(self, 200, "text/plain", b"User-agent: *\nAllow: /\n")
                if self.path == "/feed.xml":
                    items = "".join(f"<item><title>n</title><link>{site.base}/news/{n}</link></item>" for n in site.feed)
                    return reply(self, 200, "application/rss+xml",
                                 f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
                                 "</channel></rss>".encode())
                n = self.path.rpartition("/")[2]
                if not self.path.startswith("/news/") or not n.isdigit():
                    return reply(self, 404, "text/html", b"<html><body>not found</body></html>")
                title = "اتفاق لوقف إطلاق النار في سرت"
                html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
                        f'<meta property="article:published_time" content="{today}"></head><body><article>'
                        f"<h1>{title}</h1><p>{TEXT * 3}</p></article></body></html>")
                return reply(self, 200, "text/html; charset=utf-8", html.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seeds(self, path: Path) -> Path:
        path.write_text(f'[[outlet]]\nname = "today"\nhomepage = "{self.base}/"\nfeeds = ["{self.base}/feed.xml"]\n'
                        'article_urls = ["/news/\\\\d+$"]\ntopic_filter = false\ndownload_delay = 0\n'
                        'schedule = "1d"\n', encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def today_site() -> Iterator[TodaySite]:
    site = TodaySite()
    yield site
    site.server.shutdown()


def test_the_edit_watch_starts_only_for_what_its_child_finds_due_and_an_idle_run_is_no_failure(today_site, tmp_path):
    # after `recrawl --due --backoff 1d:1s`, status said "1 due" and the scheduler (default --backoff) started
    # `recrawl --due --backoff DEFAULT` every --watch-every: "nothing to re-check", exit 0, stored as a failed crawl
    seeds, data = today_site.seeds(tmp_path / "seeds.toml"), tmp_path / "data"
    url = f"{today_site.base}/news/1"
    # its first re-check planned a second on (as a re-check by --backoff 1d:1s plans the next), never checked since
    first = newsarchive("-q", "recrawl", url, "-s", "ARCHIVE_WATCH_BACKOFF=1d:1s", "--seeds", str(seeds),
                        "--data", str(data), "-s", CONTACT)
    assert first.returncode == 0 and "new article" in first.stdout, first.stdout + first.stderr[-3000:]
    [(planned, seen)] = rows(data, "select next_check_at, first_seen from articles")
    wait = datetime.fromisoformat(planned).timestamp() + 1.1 - time.time()
    assert wait < 5, (planned, seen)
    time.sleep(max(0.0, wait))
    assert rows(data, "select count(*) from articles where next_check_at <= ?",
                (datetime.now(UTC).isoformat(timespec="seconds"),)) == [(1,)]  # planned by 1d:1s: its time has come
    crawls_before = rows(data, "select id, trigger, status from crawls")
    settings = ("AUTOTHROTTLE_ENABLED=0", "EXTRACT_WORKERS=1", CONTACT)
    idle = Scheduler(SchedulerConfig(data_dir=data, seeds=seeds, settings=settings, watch_every="5s"))
    assert idle.run_watch() is None and idle.runs == []  # nothing due by its plan: no child started
    assert rows(data, "select id, trigger, status from crawls") == crawls_before

    def due(*backoff: str) -> int:
        result = CliRunner().invoke(cli, ["status", "--seeds", str(seeds), "--data", str(data), "--json", *backoff])
        assert result.exit_code == 0, result.output
        return json.loads(result.output.splitlines()[-1])["due"]

    assert due() == 0  # by the default back-off, as the scheduler's watch above: re-checked within the hour
    assert due("--backoff", "1d:1s") == 1  # as the one below

    # a child that finds nothing (a crawl re-checked them meanwhile) exits 0 without a crawl: no row, no failure
    nothing = idle._spawn(WATCH_JOB, ["today"], "watch", [sys.executable, "-c", "print('nothing to re-check')"])
    assert idle._finish(nothing).status == "idle" and nothing.crawl_id is None
    assert rows(data, "select id, trigger, status from crawls") == crawls_before

    busy = Scheduler(SchedulerConfig(data_dir=data, seeds=seeds, settings=settings, watch_every="5s",
                                     backoff="1d:1s"))
    run = busy.run_watch()  # due by its plan: the child re-checks it
    assert run is not None and run.status == "finished", run and run.log_file.read_text()[-3000:]
    assert rows(data, "select trigger, status from crawls where id = ?", (run.crawl_id,)) == [("watch", "finished")]
    assert rows(data, "select count(*) from crawls where status = 'failed'") == [(0,)]


def test_dedupe_dry_run_shows_the_seq_the_merge_gives(today_site, tmp_path) -> None:
    # the dry run printed the kept row's own seq (1); the merge gives the group's lowest (0)
    seeds, data = today_site.seeds(tmp_path / "seeds.toml"), tmp_path / "data"
    crawl = ("crawl", "--seeds", str(seeds), "--data", str(data), "-s", CONTACT, "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "ARCHIVE_ALIASES=False", "-s", "EXTRACT_WORKERS=1")
    today_site.feed = ["100001"]  # first the long URL: seq 0
    assert newsarchive("-q", *crawl).returncode == 0
    today_site.feed = ["100001", "7"]  # then the same body under a shorter, cleaner URL: seq 1, the one kept
    assert newsarchive("-q", *crawl).returncode == 0
    stored = dict(rows(data, "select substr(url, -7), seq from articles"))
    assert stored == {"/news/7": 1, "/100001": 0}, stored
    dry = CliRunner().invoke(cli, ["dedupe", "--data", str(data), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    keep = next(line for line in dry.output.splitlines() if line.startswith("keep "))
    assert keep.endswith(f"seq 0 (now 1) {today_site.base}/news/7"), dry.output
    [(dropped_file,)] = rows(data, "select text_file from articles where url like '%/100001'")
    kept_aside = (data / dropped_file).read_bytes()
    done = CliRunner().invoke(cli, ["dedupe", "--data", str(data)])
    assert done.exit_code == 0, done.output
    assert rows(data, "select substr(url, -7), seq from articles") == [("/news/7", 0)]

    # a crash between the merge's commit and its file removal leaves the merged-away row's file: `check --repair`
    # removes it, and its summary said "0 text files rewritten, 0 temp files removed" of it
    (data / dropped_file).write_bytes(kept_aside)
    repaired = CliRunner().invoke(cli, ["check", "--data", str(data), "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "1 stray text files removed" in repaired.output and dropped_file in repaired.output, repaired.output
    assert not (data / dropped_file).exists()
