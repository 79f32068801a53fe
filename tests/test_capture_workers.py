"""The extraction pool's blame for a dead worker (crawler.capture.workers), on real worker processes that really die.

Before stop 40 a page sent again after a worker died ran alone among the pages sent again but in the shared pool,
beside new pages: a second poison page that killed the pool meanwhile had an innocent page recorded
``worker-killed`` in its stead. Now a page sent again runs in an executor of its own, one page at a time, and is
blamed only for a death there.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sqlite3
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from crawler.capture.workers import ExtractionPool, PoisonPage, PoolExhausted
from tests.helpers import ROOT


def _reads(folder: Path, n: int) -> int:
    """Record one more reading of page ``n``; how many there have been, this one included."""
    (folder / f"read-{n}-{uuid.uuid4().hex}").touch()
    return len(list(folder.glob(f"read-{n}-*")))


def _wait_for(path: Path, seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < end:
        time.sleep(0.02)


def _read(n: int, folder: str) -> int:
    """A page's extraction in a worker. Pages 13 and 17 kill the process reading them; page 11 is read while 13 kills
    its neighbour, and read again (alone) while 17 kills the shared pool; page 21 kills its first two readers."""
    where = Path(folder)
    reading = _reads(where, n)
    if n == 13:
        _wait_for(where / "reading-11")
        os.kill(os.getpid(), signal.SIGKILL)
    if n == 17:
        (where / "reading-17").touch()
        os.kill(os.getpid(), signal.SIGKILL)
    if n == 11:
        (where / f"reading-{n}" if reading == 1 else where / "alone-11").touch()
        _wait_for(where / "reading-17" if reading > 1 else where / "never", 30.0 if reading > 1 else 1.0)
        time.sleep(0.3)  # 17's worker is dead by now: the shared pool broke while 11 was read
    if n == 21 and reading <= 2:
        os.kill(os.getpid(), signal.SIGKILL)
    if n < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * 2


def _pool():
    return ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))


async def _read_all(pool: ExtractionPool, pages, folder: Path, late: int | None = None) -> list:
    async def one(n: int):
        return await pool.run(lambda p: p.submit(_read, n, str(folder)))

    async def after_11_is_alone(n: int):  # sent once page 11 is read again alone
        for _ in range(1500):
            if (folder / "alone-11").exists():
                break
            await asyncio.sleep(0.02)
        return await one(n)

    jobs = [one(n) for n in pages] + ([after_11_is_alone(late)] if late is not None else [])
    try:
        return await asyncio.gather(*jobs, return_exceptions=True)
    finally:
        pool.shutdown()


def test_a_second_poison_page_killing_the_pool_is_not_blamed_on_an_innocent_page_read_alone(tmp_path):
    pool = ExtractionPool(_pool)
    results = asyncio.run(_read_all(pool, [11, 13, 10], tmp_path, late=17))
    by_page = dict(zip([11, 13, 10, 17], results, strict=True))
    assert by_page[11] == 22 and by_page[10] == 20, by_page  # before stop 40: 11 was PoisonPage
    assert isinstance(by_page[13], PoisonPage) and isinstance(by_page[17], PoisonPage), by_page
    assert "signal 9 (SIGKILL)" in str(by_page[17])
    assert pool.exhausted is None


def test_a_page_killed_once_alone_with_nothing_else_to_read_is_tried_again_before_it_is_blamed(tmp_path):
    pool = ExtractionPool(_pool)
    assert asyncio.run(_read_all(pool, [21], tmp_path)) == [42]
    assert pool.generation == 2  # its first reader in the shared pool, then its first reader alone


def test_workers_that_die_whatever_they_read_stop_the_crawl_and_blame_at_most_one_page(tmp_path):
    pool = ExtractionPool(_pool)
    results = asyncio.run(_read_all(pool, [-1, -2, -3, -4, -5], tmp_path))
    assert all(isinstance(r, PoisonPage | PoolExhausted) for r in results), results
    assert sum(isinstance(r, PoisonPage) for r in results) <= 1
    assert "3 in a row" in str(pool.exhausted)


# -- end to end: a crawl whose pages kill the workers that read them ------------------------------------------------

N = 10
KILLERS = {2, 6}
MARK = "<!-- a page that kills the process reading it (tests/data/killer_hook) -->"


def _site():
    from http.server import BaseHTTPRequestHandler

    from tests.helpers import reply
    from tests.test_durability_probe39 import article

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                items = "".join(f"<item><link>{base}/news/{n}</link></item>" for n in range(N))
                reply(self, 200, "application/rss+xml", f"<rss><channel>{items}</channel></rss>".encode())
            elif self.path.startswith("/news/"):
                n = int(self.path.rsplit("/", 1)[1])
                reply(self, 200, "text/html; charset=utf-8", article(n, MARK if n in KILLERS else ""))
            else:
                reply(self, 404, "text/plain", b"not found")

        def log_message(self, *args: object) -> None:
            pass

    return Site


def test_a_crawl_with_two_poison_pages_blames_them_alone_and_extracts_every_other_page(tmp_path, monkeypatch):
    from tests.helpers import crawl_feed_site

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent / "data" / "killer_hook"), str(ROOT)]))
    monkeypatch.setenv("NEWSARCHIVE_TEST_KILLER_MARK", MARK)
    result = crawl_feed_site(_site(), tmp_path, "-s", "EXTRACT_WORKERS=2",
                             outlet="download_delay = 0\nconcurrency = 4\n")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "BrokenProcessPool" not in result.stderr
    with sqlite3.connect(tmp_path / "data" / "catalogue.db") as db:
        extracted = {int(u.rsplit("/", 1)[1]) for (u,) in db.execute("select url from articles")}
        failed = db.execute("select url, reason from failures").fetchall()
        assert db.execute("select status from crawls").fetchall() == [("finished",)]
        pending = db.execute("select count(*) from frontier where status = 'pending'").fetchone()[0]
    assert extracted == set(range(N)) - KILLERS, failed
    assert sorted((int(u.rsplit("/", 1)[1]), r) for u, r in failed) == [(n, "worker-killed") for n in sorted(KILLERS)]
    assert pending == 0

