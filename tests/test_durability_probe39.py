"""Stop 39's durability probe (B2): faults a long unattended crawl meets, each on real parts.

* A text folder that refuses writes mid-crawl (here: replaced by a file, which refuses as root too) stopped nothing:
  every later article was a per-row ``store-error`` and its URL settled, the crawl ``finished`` with exit 0 and the
  next crawl fetched nothing. It is an ``io-error`` of the crawl now (exit 3), its URLs pending; rows an older
  version recorded so are queued again by recovery.
* Conditional validators come from a capture whose result was stored, so a re-crawl killed between an edited page's
  capture and its article never answers 304 to the edit for ever.
* A killed extraction worker rebuilds the pool once (the page in flight sent again), a page that kills two workers
  is a failure of its own, and pools that keep breaking stop the crawl.
"""

from __future__ import annotations

import errno
import sqlite3
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from archive.catalogue import refetch
from archive.integrity.storefaults import folder_fault_detail, writer_fault
from tests.helpers import crawl_feed_site, reply

N = 8
PARA = ("The council met on {n} to discuss the water supply of the northern districts, and its members agreed on a "
        "plan that sends engineers to every pumping station before the summer, the mayor said on the radio.")


def article(n: int, extra: str = "") -> bytes:
    paras = "".join(f"<p>{PARA.format(n=n)} Part {i}.</p>" for i in range(4)) + extra
    return (f"<html><head><meta charset='utf-8'><title>Council report {n}</title></head><body><article>"
            f"<h1>Council report {n}</h1>{paras}</article></body></html>").encode()


class FolderSite(BaseHTTPRequestHandler):
    """A feed of N articles; serving article 3 replaces the crawl's text folder by a file (``data`` set by the test)."""

    data: Path | None = None
    broken = False

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            items = "".join(f"<item><link>{base}/news/{n}</link></item>" for n in range(N))
            reply(self, 200, "application/rss+xml", f"<rss><channel>{items}</channel></rss>".encode())
        elif self.path.startswith("/news/"):
            n = int(self.path.rsplit("/", 1)[1])
            cls = type(self)
            if n == 3 and cls.data is not None and not cls.broken:
                cls.broken = True
                text = cls.data / "text"
                if text.is_dir():
                    text.rename(cls.data / "text.away")
                text.write_bytes(b"")  # a file where the folder was: ENOTDIR for every text file, root or not
            reply(self, 200, "text/html; charset=utf-8", article(n))
        else:
            reply(self, 404, "text/plain", b"not found")

    def log_message(self, *args: object) -> None:
        pass


def test_a_text_folder_that_refuses_writes_stops_the_crawl_and_loses_nothing(tmp_path):
    data = tmp_path / "data"
    FolderSite.data, FolderSite.broken = data, False
    first = crawl_feed_site(FolderSite, tmp_path, outlet="download_delay = 0.1\nconcurrency = 1\n")
    assert FolderSite.broken
    assert first.returncode == 3, first.stderr[-3000:]
    assert "io-error" in first.stderr and "writable again" in first.stderr
    # said once: by the crawl process (the writer process's own line was there too), and once as the exit's error
    assert first.stderr.count("stopping the crawl: io-error") == 1, first.stderr[-3000:]
    assert first.stderr.count("stopped and was recorded as failed: io-error") == 1
    with sqlite3.connect(data / "catalogue.db") as db:
        assert db.execute("select status, error like 'io-error%' from crawls").fetchall() == [("failed", 1)]
        assert db.execute("select count(*) from failures where reason = 'store-error'").fetchone()[0] == 0
        stored = {r[0] for r in db.execute("select url from articles")}
        pending = {r[0] for r in db.execute("select url from frontier where status = 'pending'")}
        assert len(stored) < N
        assert all(f"/news/{n}" in " ".join(stored | pending) for n in range(N))  # nothing settled unstored
    (data / "text").unlink()
    if (data / "text.away").is_dir():
        (data / "text.away").rename(data / "text")
    FolderSite.data = None
    second = crawl_feed_site(FolderSite, tmp_path, outlet="download_delay = 0\n")
    assert second.returncode == 0, second.stderr[-3000:]
    with sqlite3.connect(data / "catalogue.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == N
        files = [r[0] for r in db.execute("select text_file from articles")]
    assert all((data / f).is_file() for f in files)


def test_folder_errors_are_the_crawls_fault_and_a_rows_own_error_is_not():
    for code in (errno.EROFS, errno.EACCES, errno.ENOTDIR, errno.ENOENT, errno.EIO):
        fault = writer_fault(OSError(code, "refused", "data/text/.tmp-1.txt"))
        assert fault is not None and fault.reason == "io-error", code
    assert writer_fault(OSError(errno.ENOSPC, "full")).reason == "disk-full"
    assert writer_fault(OSError(errno.ENAMETOOLONG, "long")) is None
    assert writer_fault(UnicodeEncodeError("utf-8", "\udc00", 0, 1, "surrogate")) is None
    assert folder_fault_detail("OSError: [Errno 30] Read-only file system: 'data/text/.tmp-6615-5.txt'")
    assert folder_fault_detail("NotADirectoryError: [Errno 20] Not a directory: 'data/text/.tmp-1.txt'")
    assert not folder_fault_detail("UnicodeEncodeError: 'utf-8' codec can't encode character '\\udc00'")
    assert not folder_fault_detail("OSError: [Errno 36] File name too long")


def test_recovery_queues_again_the_urls_a_folder_fault_settled(tmp_path):
    from archive.catalogue.db import Catalogue
    from archive.integrity.check import check_archive
    from archive.integrity.recovery import recover

    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    (data / "text").mkdir()
    catalogue = Catalogue(data / "catalogue.db")
    db = catalogue.db
    for n, detail in ((1, "OSError: [Errno 30] Read-only file system: 'data/text/.tmp-1.txt'"),
                      (2, "UnicodeEncodeError: 'utf-8' codec can't encode character '\\udc00'")):
        url = f"http://portal.example/news/{n}"
        catalogue.add_frontier(url, "portal", "article", None, "pending", None)
        catalogue.record_failure(None, "portal", url, "store", "store-error", detail, None)
        catalogue.settle(url, "done", "store failed")
    found = [f for f in check_archive(data, catalogue).findings if f.kind == "store-fault"]
    assert [f.where for f in found] == ["frontier/http://portal.example/news/1"]  # `check` says so; it was OK
    report = recover(data, catalogue)
    assert report.refetch_queued == ("http://portal.example/news/1",)
    assert dict(db.execute("select url, status from frontier").fetchall()) == {
        "http://portal.example/news/1": "pending", "http://portal.example/news/2": "done"}
    assert db.execute("select reason from frontier where status = 'pending'").fetchone()[0] == \
        refetch.STORE_FAULT_REASON
    assert recover(data, catalogue).refetch_queued == ()  # once
    assert not [f for f in check_archive(data, catalogue).findings if f.kind == "store-fault"]
    catalogue.close()


class EditSite(BaseHTTPRequestHandler):
    """One article at /news/0 with an ETag per version; ``version`` 2 adds a paragraph. Answers If-None-Match."""

    version = 1

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            reply(self, 200, "application/rss+xml",
                  f"<rss><channel><item><link>{base}/news/0</link></item></channel></rss>".encode())
        elif self.path == "/news/0":
            etag = f'"v{type(self).version}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            body = edited_page(type(self).version)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)
        else:
            reply(self, 404, "text/plain", b"not found")

    def log_message(self, *args: object) -> None:
        pass


def edited_page(version: int) -> bytes:
    return article(0, "<p>The mayor added later that the plan was changed after the vote.</p>" if version > 1 else "")


def _recrawl(seeds: Path, data: Path, url: str):
    from tests.helpers import FAST, cli

    return cli("recrawl", "--conditional", "--seeds", str(seeds), "--data", str(data), url, *FAST)


def test_a_recrawl_killed_between_an_edits_capture_and_its_article_still_records_the_edit(tmp_path):
    import threading
    from http.server import ThreadingHTTPServer

    from archive.records import Exchange
    from crawler.capture.apply import apply_batch
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.session import ArchiveSession
    from tests.helpers import crawl_cli

    EditSite.version = 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), EditSite)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base, data, seeds = f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "data", tmp_path / "seeds.toml"
    url = f"{base}/news/0"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\narticle_urls = [\'/news/\\d+$\']\n'
                     "topic_filter = false\ndownload_delay = 0\n", encoding="utf-8")
    try:
        assert crawl_cli(seeds, data).returncode == 0
        EditSite.version = 2
        # what `kill -9` of a re-crawl leaves between the edit's capture and its article: the capture committed (its
        # WARC record and row, with the new ETag) by the real writer, and no article result
        session = ArchiveSession(ArchiveConfig.from_settings({
            "ARCHIVE_DATA_DIR": str(data), "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DISK_RESERVE": 0}), apply_batch)
        body = edited_page(2)
        session.archive(Exchange(url, "GET", (("User-Agent", "test"),), b"", 200, "OK", "HTTP/1.1",
                                 (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                                  ("ETag", '"v2"')), body), "portal")
        assert session.flush(10)
        session.close()
        first = _recrawl(seeds, data, url)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "new version 2" in first.stdout, first.stdout  # before: "HTTP 304: not modified", for ever
        again = _recrawl(seeds, data, url)
        assert "new version" not in again.stdout and "304" in again.stdout, again.stdout
        with sqlite3.connect(data / "catalogue.db") as db:
            versions, text, text_file = db.execute("select versions, text, text_file from articles").fetchone()
        assert versions == 2 and "changed after the vote" in text
        assert "changed after the vote" in (data / text_file).read_text(encoding="utf-8")
    finally:
        server.shutdown()


# -- a killed extraction worker ------------------------------------------------------------------------------------


def _crawl_workers(marker: str) -> list[int]:
    """The pids of the extraction workers of the crawl whose command line holds ``marker``: the children of its
    multiprocessing fork server (crawler.capture.pool_start), or of the crawl itself where workers are spawned."""
    parents: dict[int, int] = {}
    cmdlines: dict[int, bytes] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdlines[int(proc.name)] = (proc / "cmdline").read_bytes()
            parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    crawls = {pid for pid, cmd in cmdlines.items() if marker.encode() in cmd}
    servers = {pid for pid, cmd in cmdlines.items() if b"forkserver" in cmd and parents.get(pid) in crawls}
    return [pid for pid, cmd in cmdlines.items()
            if (parents.get(pid) in servers) or (b"spawn_main" in cmd and parents.get(pid) in crawls)]


class KillerSite(FolderSite):
    """The feed of N articles; serving article 3 kills one of the crawl's extraction workers (SIGKILL, as the kernel's
    OOM killer does). ``marker``: the crawl's data folder, in its command line."""

    marker = ""
    killed: list[int] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        import os
        import signal
        import time

        cls = type(self)
        if self.path.endswith("/news/3") and not cls.killed:
            for _ in range(60):
                workers = _crawl_workers(cls.marker)
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    cls.killed.append(workers[0])
                    break
                time.sleep(0.05)
        super().do_GET()


def test_a_killed_extraction_worker_costs_no_page(tmp_path):
    KillerSite.marker, KillerSite.killed, KillerSite.data = str(tmp_path / "data"), [], None
    result = crawl_feed_site(KillerSite, tmp_path, outlet="download_delay = 0.05\nconcurrency = 1\n")
    assert KillerSite.killed
    assert result.returncode == 0, result.stderr[-3000:]
    assert "BrokenProcessPool" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "an extraction worker died" in line]
    assert len(warnings) == 1 and f"pid {KillerSite.killed[0]}, signal 9 (SIGKILL)" in warnings[0], warnings
    with sqlite3.connect(tmp_path / "data" / "catalogue.db") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == N
        assert db.execute("select count(*) from failures").fetchone()[0] == 0
        assert db.execute("select status from crawls").fetchall() == [("finished",)]


def _read(n: int) -> int:
    """A page's extraction in a worker: page 13 kills the process reading it (a poison page), as does every negative
    page (pools that keep breaking)."""
    import os
    import signal
    import time

    time.sleep(0.02)
    if n == 13 or n < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 2


def _pool():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))


def test_a_poison_page_is_its_own_failure_and_pools_that_keep_breaking_stop():
    import asyncio

    from crawler.capture.workers import ExtractionPool, PoisonPage, PoolExhausted

    async def read_all(pool, pages):
        return await asyncio.gather(*(pool.run(lambda p, n=n: p.submit(_read, n)) for n in pages),
                                    return_exceptions=True)

    async def poison():
        pool = ExtractionPool(_pool)
        try:
            return await read_all(pool, range(10, 16)), pool.generation
        finally:
            pool.shutdown()

    results, broken = asyncio.run(poison())
    assert [r for r in results if not isinstance(r, Exception)] == [20, 22, 24, 28, 30]
    assert isinstance(results[3], PoisonPage) and "signal 9 (SIGKILL)" in str(results[3])
    # the page's first death in the pool, then its death alone in its own executor: blamed there when another page was
    # read since, else sent alone once more (stop 40's rule, tests/test_capture_workers.py): 2 or 3 deaths, as the
    # other pages' timing falls, never more
    assert broken in (2, 3)

    async def always():
        pool = ExtractionPool(_pool)
        try:
            return await read_all(pool, [-1, -2, -3, -4])
        finally:
            pool.shutdown()

    results = asyncio.run(always())
    assert any(isinstance(r, PoolExhausted) for r in results)
    exhausted = next(r for r in results if isinstance(r, PoolExhausted))
    assert exhausted.reason == "workers-killed" and "3 in a row" in str(exhausted)

