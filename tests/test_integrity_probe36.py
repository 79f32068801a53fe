"""`check` and `check --repair` after the faults a black-box probe found (stop 36), on real crawls over loopback.

1. a lost WARC: the captures marked missing are fetched again, whole, onto the same article rows;
2. a merge killed between its commit and its file removals: the merged-away row's text file is removed;
3. a group kill that leaves a `.open` WARC: reported once, as pending recovery, not as dangling pointers;
4. temporary files of a killed `index` / `export`: reported, and removed when nobody holds them.

The scenarios run at once (a module fixture), each in a folder of its own: the killed dedupe and the left-open WARC on
sites of their own, the other three on copies of one crawl's data folder, once that crawl is done. Each test raises
its scenario's outcome.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import FAST, ROOT, cli, crawl_cli, rows
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue.refetch import LOST_REASON
from archive.corpus.textfiles import file_name

ARTICLES = 6
ONE_WORKER = ("-s", "EXTRACT_WORKERS=1")  # one extraction process to start, not one per core: these pages are few
PLACES = ["طرابلس", "بنغازي", "مصراتة", "سرت", "درنة", "سبها", "الزاوية"]


def article_html(n: int) -> bytes:
    place = PLACES[n % len(PLACES)]
    title = f"اشتباكات مسلحة في {place} بين قوات حكومة الوحدة الوطنية والجيش الوطني الليبي رقم {n}"
    paras = "".join(
        f"<p>قال مصدر عسكري في {place} إن الاشتباكات اندلعت صباح اليوم بين قوات حكومة الوحدة الوطنية وقوات الجيش "
        f"الوطني الليبي بقيادة خليفة حفتر، وأسفرت عن سقوط قتلى وجرحى، الفقرة {k} من الخبر {n}. وأضاف المصدر أن "
        "المعارك تركزت قرب المطار وأن المدنيين نزحوا من الأحياء الجنوبية للمدينة الليبية.</p>" for k in range(4))
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="2024-05-{n:02d}T10:00:00+02:00"></head><body>'
            f"<article><h1>{title}</h1><div class='content'>{paras}</div></article>"
            "<footer>جميع الحقوق محفوظة</footer></body></html>").encode()


@dataclass
class Site:
    """A news site: /news/N (and /story/N, the same page, when ``copies``); ETag and Last-Modified on every article,
    honoured with a 304; every article request logged with its conditional headers."""

    copies: bool = False
    delay: float = 0.0
    base_url: str = ""
    log: list[tuple[str, str | None, str | None, int]] = field(default_factory=list)

    def seeds(self, path: Path) -> Path:
        path.write_text(f"""[[outlet]]
name = "probe"
feeds = ["{self.base_url}/feed.xml"]
article_urls = ['/(news|story)/\\d+$']
topic_filter = false
robots_sitemaps = false
download_delay = 0
concurrency = 4
""", encoding="utf-8")
        return path

    def article_paths(self) -> set[str]:
        return {p for p, _, _, _ in self.log}


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                return self._send(200, "text/plain", b"User-agent: *\nAllow: /\n")
            if self.path == "/feed.xml":
                kinds = ("news", "story") if site.copies else ("news",)
                items = "".join(f"<item><title>خبر {n}</title><link>{site.base_url}/{k}/{n}</link></item>"
                                for k in kinds for n in range(1, ARTICLES + 1))
                return self._send(200, "application/rss+xml", (
                    f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
                    f"<link>{site.base_url}/</link>{items}</channel></rss>").encode())
            kind, _, num = self.path.strip("/").partition("/")
            if kind not in ("news", "story") or not num.isdigit() or not 1 <= int(num) <= ARTICLES:
                return self._send(404, "text/html", b"<html><body>not found</body></html>")
            if site.delay:
                time.sleep(site.delay)
            etag = f'"a{num}"'
            inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            status = 304 if inm == etag else 200
            site.log.append((self.path, inm, ims, status))
            body = article_html(int(num)) if status == 200 else b""
            self._send(status, "text/html; charset=utf-8", body, etag)

        def _send(self, status: int, kind: str, body: bytes, etag: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def _serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def crawled(site: Site, root: Path) -> Path:
    """A data folder after one whole crawl of ``site`` (copied by each scenario that changes it)."""
    result = crawl_cli(site.seeds(root / "seeds.toml"), root / "data", *ONE_WORKER)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(rows(root / "data", "select id from articles")) == ARTICLES
    return root / "data"


def _articles(data: Path) -> dict[str, tuple[str, int]]:
    return {r["url"]: (r["id"], r["seq"]) for r in rows(data, "select id, url, seq from articles")}


def _lost_urls(data: Path) -> set[str]:
    return {r["url"] for r in rows(data, "select c.url from articles a join captures c on c.id = a.capture_id "
                                         "where c.record_type = 'missing'")}


def _archived_response(data: Path, url: str) -> tuple[int, bytes]:
    """The status and payload of the URL's newest archived response, read from its WARC with warcio."""
    (row,) = rows(data, "select warc_file, warc_offset from captures where url = ? and record_type = 'response' "
                        "and warc_file is not null order by id desc limit 1", (url,))
    with open(data / row["warc_file"], "rb") as fh:
        fh.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        return int(record.http_headers.get_statuscode()), record.content_stream().read()


def cut_warc(site: Site, data: Path, tmp_path: Path) -> None:
    before = _articles(data)
    (warc,) = (data / "warc").glob("*.warc.gz")
    with open(warc, "r+b") as fh:
        fh.truncate(warc.stat().st_size * 6 // 10)  # a disk fault or a bad copy: the last records are gone
    assert "dangling-pointer" in cli("check", "--data", str(data)).stdout

    repaired = cli("check", "--repair", "--data", str(data))
    lost = _lost_urls(data)
    assert lost and lost < set(before), repaired.stdout
    # not archived any more: queued for the next crawl, and `check` says so rather than OK
    queued = rows(data, "select url, status from frontier where reason = ?", (LOST_REASON,))
    assert {(r["url"], r["status"]) for r in queued} == {(u, "pending") for u in lost}
    assert repaired.returncode == 1 and repaired.stdout.count("refetch-pending") == len(lost), repaired.stdout

    site.log.clear()
    again = crawl_cli(site.seeds(tmp_path / "seeds.toml"), data, *ONE_WORKER)
    assert again.returncode == 0, again.stderr[-3000:]
    fetched = {f"{site.base_url}{p}" for p in site.article_paths()}
    assert fetched == lost  # every lost article, and none whose record is still archived
    # whole: no conditional request built from the lost capture's ETag / Last-Modified
    assert [(p, inm, ims, status) for p, inm, ims, status in site.log if inm or ims or status != 200] == []
    assert _articles(data) == before  # the same rows, ids and corpus sequence numbers: no duplicate row
    assert _lost_urls(data) == set()  # each row (and its current version) now points at the capture fetched again
    assert rows(data, "select count(*) n from article_versions v join captures c on c.id = v.capture_id "
                      "where c.record_type = 'missing'")[0]["n"] == 0
    for url in lost:
        status, payload = _archived_response(data, url)
        assert status == 200 and payload == article_html(int(url.rsplit("/", 1)[1]))
    after = cli("check", "--data", str(data))
    assert after.returncode == 0 and after.stdout.rstrip().endswith("OK"), after.stdout


def deleted_warc(data: Path) -> None:
    (warc,) = (data / "warc").glob("*.warc.gz")
    warc.unlink()
    repaired = cli("check", "--repair", "--data", str(data))
    assert "captures marked missing" in repaired.stdout and repaired.returncode == 1
    assert repaired.stdout.count("refetch-pending") == ARTICLES, repaired.stdout
    queued = sorted(r["url"] for r in rows(data, "select url from frontier where status = 'pending' and reason = ?",
                                           (LOST_REASON,)))
    assert len(queued) == ARTICLES
    # the state the repair before stop 36 left (frontier rows done), and a re-fetch that gave up
    conn = sqlite3.connect(data / "catalogue.db")
    with conn:
        conn.execute("update frontier set status = 'done', reason = null where url = ?", [queued[0]])
        conn.execute("update frontier set status = 'failed', reason = 'http-503' where url = ?", [queued[1]])
    conn.close()
    check = cli("check", "--data", str(data))
    assert check.returncode == 1
    assert check.stdout.count("refetch-pending") == ARTICLES - 2
    unarchived = [line for line in check.stdout.splitlines() if ": article-unarchived:" in line]
    assert len(unarchived) == 2
    assert any(queued[0] in line and "no crawl will fetch it" in line for line in unarchived), unarchived
    assert any(queued[1] in line and "failed (http-503)" in line for line in unarchived), unarchived
    cli("check", "--repair", "--data", str(data))  # queues the first again; a failed re-fetch needs a replica
    states = {r["url"]: r["status"] for r in rows(data, "select url, status from frontier where url in (?, ?)",
                                                  (queued[0], queued[1]))}
    assert states == {queued[0]: "pending", queued[1]: "failed"}


# -- a merge killed between its commit and its file removals ----------------------------------------------------

# `dedupe` with Path.unlink SIGKILLing the process at its first text file removal: after the merge's commit (a real
# kill at the point a black-box probe hit by timing)
KILLED_DEDUPE = """
import os, pathlib, signal, sys
real = pathlib.Path.unlink
def unlink(self, *args, **kwargs):
    if self.parent.name == "text" and self.suffix == ".txt":
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, *args, **kwargs)
pathlib.Path.unlink = unlink
from crawler.cli.main import cli
cli(["dedupe", "--data", sys.argv[1]])
"""


def merged_away(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with _serve(Site(copies=True)) as site:
        result = crawl_cli(site.seeds(tmp_path / "seeds.toml"), data, "-s", "ARCHIVE_ALIASES=False", *ONE_WORKER)
        assert result.returncode == 0, result.stderr[-3000:]
    assert len(rows(data, "select id from articles")) == 2 * ARTICLES
    killed = subprocess.run([sys.executable, "-c", KILLED_DEDUPE, str(data)], cwd=ROOT, capture_output=True,
                            timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    (alias,) = rows(data, "select url_id, article_id from article_aliases")  # one merge committed
    stray = next((data / "text").glob(f"*_{alias['url_id']}.txt"))
    (kept,) = rows(data, "select text_file from articles where id = ?", (alias["article_id"],))
    assert stray.read_text(encoding="utf-8") == (data / kept["text_file"]).read_text(encoding="utf-8")
    unknown = data / "text" / file_name(999, "0123456789abcdef")
    unknown.write_text("عنوان\n\nنص لا يعرف أحد من أين جاء\n", encoding="utf-8")

    check = cli("check", "--data", str(data))
    assert f"text/{stray.name}: text-stray" in check.stdout and f"merged into article {alias['article_id']}" \
        in check.stdout, check.stdout
    assert f"text/{unknown.name}: text-stray" in check.stdout and "cannot tell where it came from" in check.stdout

    repaired = cli("check", "--repair", "--data", str(data))
    assert not stray.exists() and (data / kept["text_file"]).is_file()
    # the kill came before any removal: the kept row's file under its old sequence number went too
    assert sorted((data / "text").glob(f"*_{alias['article_id']}.txt")) == [data / kept["text_file"]]
    assert f"removed text/{stray.name}" in repaired.stderr
    assert unknown.exists()  # nothing tells where it came from: left, and still reported
    assert repaired.stdout.count("text-stray") == 1 and f"text/{unknown.name}" in repaired.stdout
    unknown.unlink()
    assert cli("check", "--data", str(data)).returncode == 0


# -- a group kill leaves a .open WARC -----------------------------------------------------------------------------


def left_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with _serve(Site(delay=0.4)) as site:
        seeds = site.seeds(tmp_path / "seeds.toml")
        with open(tmp_path / "crawl.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds),
                                     "--data", str(data), *FAST, *ONE_WORKER, "-s", "ARCHIVE_COMMIT_INTERVAL=0.05"],
                                    cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if (data / "catalogue.db").exists() and len(_safe_rows(
                        data, "select id from captures where url like '%/news/%'")) >= 2:
                    break
                time.sleep(0.05)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the crawl, its writer and its workers together
            proc.wait()
    (open_file,) = (data / "warc").glob("*.warc.gz.open")
    n = len(rows(data, "select id from captures where warc_file = ?", (f"warc/{open_file.name[:-5]}",)))
    assert n >= 3  # robots.txt, the feed, two articles at least

    check = cli("check", "--data", str(data))
    assert check.returncode == 1
    assert "dangling-pointer" not in check.stdout, check.stdout
    assert check.stdout.count("open-file") == 1
    assert f"{n} captures point at its closed name" in check.stdout and "it keeps every whole record" in check.stdout
    repaired = cli("check", "--repair", "--data", str(data))
    assert "0 captures marked missing" in repaired.stdout, repaired.stdout
    assert repaired.returncode == 0, repaired.stdout


def _safe_rows(data: Path, sql: str) -> list[dict]:
    try:
        return rows(data, sql)
    except sqlite3.OperationalError:  # the crawl has not made its tables yet
        return []


# -- temporary files of a killed index / export -------------------------------------------------------------------

# the command with os.replace SIGKILLing the process where it would publish its file: its temporary file is whole
# and left behind, as a kill at any moment of the write leaves one
KILLED_AT_PUBLISH = """
import os, signal, sys
real = os.replace
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *args, **kwargs)
os.replace = replace
from crawler.cli.main import cli
cli(sys.argv[2:])
"""


def temp_files(data: Path) -> None:
    out = data / "exports" / "all.jsonl"
    for target, args in (("index.cdxj", ["index", "--data", str(data)]),
                         ("all.jsonl", ["export", "--format", "jsonl", "--out", str(out), "--data", str(data)])):
        killed = subprocess.run([sys.executable, "-c", KILLED_AT_PUBLISH, target, *args], cwd=ROOT,
                                capture_output=True, timeout=120, check=False)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    left = sorted(data.glob("*/.tmp-*"))
    assert [p.suffix for p in left] == [".jsonl", ".cdxj"], left
    assert cli("check", "--data", str(data)).returncode == 0  # just written: maybe a running command's, not reported
    # a minute later, and one more temporary file that a live process holds open (an index being written now)
    live = data / "index" / ".tmp-live.cdxj"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; f = open(sys.argv[1], 'w'); time.sleep(60)",
                               str(live)])
    try:
        while not live.exists():
            time.sleep(0.01)
        old = time.time() - 120
        for path in [*left, live]:
            os.utime(path, (old, old))
        check = cli("check", "--data", str(data))
        assert check.returncode == 1
        reported = {line.split(":")[0] for line in check.stdout.splitlines() if ": temp-stale:" in line}
        assert reported == {str(p.relative_to(data)) for p in left}, check.stdout
        repaired = cli("check", "--repair", "--data", str(data))
        assert repaired.returncode == 0, repaired.stdout
        assert "2 temp files removed" in repaired.stdout
        assert not any(p.exists() for p in left) and live.exists()
    finally:
        holder.kill()
        holder.wait()


# -- the scenarios, all at once -------------------------------------------------------------------------------------

ON_BASE: dict[str, Callable[[Site, Path, Path], None]] = {  # (site, a copy of the base crawl's data, its folder)
    "cut_warc": cut_warc,  # the only one to crawl the site again (it clears the site's log first)
    "deleted_warc": lambda site, data, tmp: deleted_warc(data),
    "temp_files": lambda site, data, tmp: temp_files(data),
}
OWN_SITE: dict[str, Callable[[Path], None]] = {"merged_away": merged_away, "left_open": left_open}
TESTS = {  # each test and the scenario whose outcome it raises
    "test_articles_of_a_cut_warc_are_fetched_again_whole": "cut_warc",
    "test_a_deleted_warc_queues_every_article_and_check_says_what_will_fetch_it": "deleted_warc",
    "test_text_file_of_a_row_merged_away_by_a_killed_dedupe_is_removed": "merged_away",
    "test_captures_in_a_left_open_warc_are_reported_once_as_pending_recovery": "left_open",
    "test_temporary_files_of_a_killed_index_and_export_are_reported_and_removed": "temp_files",
}


def _on_copy(name: str, site: Site, base: Future, tmp: Path) -> None:
    """Scenario ``name`` on a copy of the base crawl's data folder, once that crawl is done (its failure is this
    scenario's too)."""
    shutil.copytree(base.result(), tmp / "data")
    ON_BASE[name](site, tmp / "data", tmp)


@pytest.fixture(scope="module")
def scenarios(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The scenarios this session's tests need, all at once, each in its own folder: a crawl's or a command's start-up
    is most of each one's time, and none is timed against another (the left-open WARC's site is slow for its own
    crawl only)."""
    chosen = {TESTS[item.originalname] for item in request.session.items
              if item.module is request.module and item.originalname in TESTS}
    with _serve(Site()) as site, ThreadPoolExecutor(len(chosen) + 1) as pool:
        futures: dict[str, Future] = {}
        if chosen & set(ON_BASE):
            base = pool.submit(crawled, site, tmp_path_factory.mktemp("base"))
            for name in sorted(chosen & set(ON_BASE)):
                futures[name] = pool.submit(_on_copy, name, site, base, tmp_path_factory.mktemp(name))
        for name in sorted(chosen & set(OWN_SITE)):
            futures[name] = pool.submit(OWN_SITE[name], tmp_path_factory.mktemp(name))
        yield futures


def test_articles_of_a_cut_warc_are_fetched_again_whole(scenarios: dict) -> None:
    scenarios["cut_warc"].result()


def test_a_deleted_warc_queues_every_article_and_check_says_what_will_fetch_it(scenarios: dict) -> None:
    scenarios["deleted_warc"].result()


def test_text_file_of_a_row_merged_away_by_a_killed_dedupe_is_removed(scenarios: dict) -> None:
    scenarios["merged_away"].result()


def test_captures_in_a_left_open_warc_are_reported_once_as_pending_recovery(scenarios: dict) -> None:
    scenarios["left_open"].result()


def test_temporary_files_of_a_killed_index_and_export_are_reported_and_removed(scenarios: dict) -> None:
    scenarios["temp_files"].result()
