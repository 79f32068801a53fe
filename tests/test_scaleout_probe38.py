"""Scale-out faults stop 37's probe left (/tmp/probe37_F): a real redis-server, real worker sessions and WARCs.

1. With workers on their own disks, the pages a killed worker had fetched were fetched again as full responses by
   the worker that took its outlet over (its catalogue copy predates them); on one machine a 200 whose payload is
   the URL's latest full capture's is a revisit. Each child crawl now publishes its full captures with its results,
   and the next child of the outlet reads them.
2. A ``.open`` WARC's liveness was its worker's name: while a worker's next child crawl ran, the file its killed
   child left counted as a live writer's (repaired at the crawl's end at best). Each child is a writer of its own now.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from helpers import portal_session
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)
from warcio.archiveiterator import ArchiveIterator

from archive.records import Exchange
from crawler.capture.config import ArchiveConfig
from crawler.cli.worker_commands import live_writers
from crawler.scaleout.connection import connect
from crawler.scaleout.coordinator import Coordinator
from crawler.scaleout.keys import ACTIVE_CRAWLS, WRITER_RUN, CrawlKeys
from crawler.scaleout.results import ResultsChannel
from crawler.scaleout.session import WorkerCrawl, WorkerSession
from crawler.scaleout.worker import Worker
from crawler.scaleout.workqueue import WorkQueue

H = "http://portal.example"
PAGE = "<html><body><h1>اشتباكات في طرابلس</h1></body></html>".encode()


def _exchange(url: str, body: bytes, when: int) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                    protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html; charset=utf-8"),), body=body,
                    fetched_at=datetime(2026, 1, 2, 10, when, tzinfo=UTC))


def _worker_session(tmp_path: Path, disk: str, redis_url: str, coordinator, run: str, monkeypatch) -> WorkerSession:
    """A worker's child crawl session on its own disk (an empty folder: it knows nothing the coordinator stored)."""
    seeds = tmp_path / "outlets.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nstart_urls = ["{H}/"]\ntopic_filter = false\n', encoding="utf-8")
    config = ArchiveConfig.from_settings({"ARCHIVE_DATA_DIR": str(tmp_path / disk), "ARCHIVE_SEEDS": str(seeds),
                                          "ARCHIVE_DISK_RESERVE": 0})
    monkeypatch.setenv(WRITER_RUN, run)  # as its worker starts it
    crawl = WorkerCrawl.from_settings({"CRAWL_WORKER_CRAWL": coordinator.uid, "CRAWL_WORKER_NAME": "w1",
                                       "CRAWL_REDIS_URL": redis_url,
                                       "CRAWL_WORKER_CRAWL_ID": str(coordinator.crawl_id)})
    assert crawl.run == run
    return WorkerSession(config, crawl)


def _records(folder: Path) -> list[tuple[str, dict[str, str]]]:
    found = []
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "revisit"):
                    found.append((path.name, {k: v for k, v in rec.rec_headers.headers}))
    return found


def test_a_page_the_killed_workers_child_archived_is_a_revisit_for_the_next_one(redis_server, tmp_path, monkeypatch):
    link = connect(redis_server.url, give_up_after=5)
    (tmp_path / "c").mkdir()
    coordinator = portal_session(tmp_path / "c", H)
    try:
        first = _worker_session(tmp_path, "w1", redis_server.url, coordinator, "aaaa1111", monkeypatch)
        record_a, prior = first.archive(_exchange(f"{H}/news/1", PAGE, 0), "portal")
        assert prior is None
        first.archive(_exchange(f"{H}/news/2", b"<html>two</html>", 0), "portal")
        first.flush()
        first.writer.close()  # killed: no counts, no closing of its file; what it published stays
        first.warc.sync()
        first.reader.close()
        first.link.close()

        # the worker that takes the outlet over, on its own disk: its catalogue knows nothing of the first's pages
        second = _worker_session(tmp_path, "w2", redis_server.url, coordinator, "bbbb2222", monkeypatch)
        record_b, prior = second.archive(_exchange(f"{H}/news/1", PAGE, 5), "portal")
        assert prior == record_a  # byte-identical to the first's capture: a revisit (a full response before)
        changed, prior2 = second.archive(_exchange(f"{H}/news/2", b"<html>two, edited</html>", 5), "portal")
        assert prior2 is None  # another payload: a full response, as on one machine
        fresh, prior3 = second.archive(_exchange(f"{H}/news/3", PAGE, 5), "portal")
        assert prior3 is None  # the same bytes under another URL: no revisit (the rule is per URL)
        second.finish()
        second.close()

        [(name, revisit)] = [(n, h) for n, h in _records(tmp_path / "w2") if h["WARC-Type"] == "revisit"]
        assert name.startswith("NEWSARCHIVE-w1-bbbb2222-")  # the writer's own name
        assert record_b in revisit["WARC-Record-ID"]
        assert record_a in revisit["WARC-Refers-To"]
        assert revisit["WARC-Profile"].endswith("identical-payload-digest")
        assert revisit["WARC-Refers-To-Target-URI"] == f"{H}/news/1"

        # the coordinator stores the revisit as one referring to the first child's capture
        crawl = Coordinator(coordinator, link, lease_timeout=3, settings={})
        channel = ResultsChannel(link, CrawlKeys(coordinator.uid))
        while entries := channel.read(block=0):
            crawl.apply([record for _, record in entries])
            channel.ack([entry_id for entry_id, _ in entries])
        coordinator.flush()
        rows = {r["warc_record_id"]: r for r in coordinator.catalogue.db.query(
            "select id, warc_record_id, record_type, refers_to from captures")}
        assert rows[record_b]["record_type"] == "revisit" and rows[record_b]["refers_to"] == rows[record_a]["id"]
        assert rows[changed]["record_type"] == rows[fresh]["record_type"] == "response"
        # the outlet's captures travel in Redis only while it is crawled: the coordinator's end deletes them
        assert link.client.hlen(CrawlKeys(coordinator.uid).captures("portal")) == 3  # news/2 once: its latest
        crawl._forget()
        assert not link.client.exists(CrawlKeys(coordinator.uid).captures("portal"))
    finally:
        coordinator.close()


def test_a_killed_childs_file_is_a_dead_writers_while_its_workers_next_child_runs(redis_server, tmp_path):
    crawl = "crawl-38"
    link = connect(redis_server.url, give_up_after=5)
    work = WorkQueue(link, CrawlKeys(crawl), lease_timeout=3)
    work.put([("outlet:portal", {"kind": "outlet", "outlet": "portal", "crawl_uid": crawl, "crawl_id": 1})])
    link.client.zadd(ACTIVE_CRAWLS, {crawl: time.time()})
    killed, go = tmp_path / "killed", tmp_path / "go"
    # each child writes a WARC under its writer's name, as a worker's child crawl does (WorkerSession); the first is
    # killed (the OOM killer), the second waits for the test to look, then ends well
    child = ("import os, sys, pathlib, time\n"
             "from datetime import UTC, datetime\n"
             "from archive.records import Exchange\n"
             "from archive.warc.writer import WarcArchive\n"
             f"run = os.environ.get({WRITER_RUN!r}, '')\n"
             f"warc = WarcArchive({str(tmp_path)!r}, prefix='NEWSARCHIVE-t1' + ('-' + run if run else ''), "
             "fsync=False)\n"
             "warc.write_exchange(Exchange(url='http://portal.example/', method='GET', request_headers=(), "
             "request_body=b'', status=200, reason='OK', protocol='HTTP/1.1', response_headers=(), body=b'x', "
             "fetched_at=datetime(2026, 1, 2, tzinfo=UTC))); warc.sync()\n"
             f"if not pathlib.Path({str(killed)!r}).exists():\n"
             f"    pathlib.Path({str(killed)!r}).touch(); os.kill(os.getpid(), 9)\n"
             f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.02)\n")
    worker = Worker(link, "t1", lambda item: [sys.executable, "-c", child], lease_timeout=3,
                    warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)
    seen: dict[str, bool] = {}

    def look() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(list((tmp_path / "warc").glob("*.open"))) < 2:
            time.sleep(0.05)
        writing = live_writers(link, "NEWSARCHIVE")
        # the first child's file is the older one (file names begin with the writer, then the time)
        files = sorted((tmp_path / "warc").glob("*.open"), key=lambda p: p.stat().st_mtime)
        seen.update({"killed": writing(files[0]), "running": writing(files[1]), "files": len(files)})
        go.touch()
        deadline = time.monotonic() + 20
        while worker.finished < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=look, daemon=True).start()
    worker.run()
    assert seen == {"killed": False, "running": True, "files": 2}  # the killed one counted as live before
    assert worker.finished == 1 and work.outstanding() == 0
    names = sorted(p.name for p in (tmp_path / "warc").glob("*.open"))
    assert len({n.split("-")[2] for n in names}) == 2  # one writer name per child
    assert not link.client.keys("newsarchive:writer:*")  # none left once the children ended
