"""The writer process (crawler.capture.process, crawler.capture.child): real child processes, real SQLite and WARC."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.corpus import history
from archive.faults import CATALOGUE_LOCKED, StorageFault
from archive.integrity.inventory import pid_alive
from archive.records import Exchange
from crawler.capture.apply import apply_batch
from crawler.capture.config import ArchiveConfig
from crawler.capture.session import ArchiveSession

BASE = "http://portal.example"
ROOT = Path(__file__).resolve().parents[1]


def config(tmp_path: Path, **settings: object) -> ArchiveConfig:
    seeds = tmp_path / "outlets.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nstart_urls = ["{BASE}/"]\ntopic_filter = false\n',
                     encoding="utf-8")
    return ArchiveConfig.from_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data"), "ARCHIVE_SEEDS": str(seeds),
                                        "ARCHIVE_DISK_RESERVE": 0, "CRAWL_CONTACT_URL": "http://127.0.0.1/c",
                                        **settings})


def page(n: int) -> Exchange:
    body = f"<html><body><p>page {n}</p>{'x' * 2000}</body></html>".encode()
    return Exchange(f"{BASE}/news/{n}", "GET", (("Accept", "*/*"),), b"", 200, "OK", "HTTP/1.1",
                    (("Content-Type", "text/html"),), body)


def count(data: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def responses(data: Path) -> list[str]:
    """The target URIs of the response records in the crawl's WARC files, in file order."""
    uris = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                     if r.rec_type == "response"]
    return uris


class Locked:
    """A write lock on the catalogue held by another connection (the child's commits wait on it)."""

    def __init__(self, data: Path):
        self.conn = sqlite3.connect(data / "catalogue.db", isolation_level=None)
        self.conn.execute("begin immediate")

    def release(self) -> None:
        self.conn.execute("rollback")
        self.conn.close()


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_child_imports_neither_scrapy_nor_twisted_nor_the_extraction_stack():
    code = ("import sys\nfrom crawler.capture import child\n"
            "import archive.catalogue.db, crawler.capture.apply, crawler.capture.session, crawler.capture.writer\n"
            "print(sorted({m.split('.')[0] for m, v in sys.modules.items() if v is not None}))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    assert "'crawler'" in out and "'sqlite_utils'" in out and "'warcio'" in out
    for heavy in ("scrapy", "twisted", "pandas", "numpy", "trafilatura", "lxml", "htmldate"):  # lxml: 12 MB RSS
        assert f"'{heavy}'" not in out


def test_operations_are_stored_in_order_in_group_commits(tmp_path):
    session = ArchiveSession(config(tmp_path), apply_batch, process_writer=True)
    try:
        ids = [session.archive(page(n), "portal")[0] for n in range(120)]
        for n in range(120):
            session.discover(f"{BASE}/next/{n}", "portal", "article")
        assert session.flush(timeout=30)
        assert len(session.pending) == 0  # acknowledged: the overlay forgot the committed writes
        data = session.config.data_dir
        assert count(data, "select count(*) from captures") == 120
        assert count(data, "select count(*) from frontier where url like '%/next/%'") == 120
        assert session.writer.applied == 240 and session.writer.batches <= 24  # 10 or more operations per commit
        assert session.totals()["pages_fetched"] == 120
        assert session.latest_capture(f"{BASE}/news/7")["warc_record_id"] == ids[7]  # from the catalogue now
    finally:
        session.finish()
        session.close()
    assert not pid_alive(session.writer.pid)
    assert responses(data) == [f"{BASE}/news/{n}" for n in range(120)]  # one closed file, in the order handed over
    assert count(data, "select count(*) from crawls where status = 'finished'") == 1


def test_pages_of_every_size_reach_the_warc_whole_through_the_kept_pickling_buffer(tmp_path, monkeypatch):
    # the sender pickles each message into one buffer kept between messages (issue 10): a small message after a
    # large one must not carry the large one's tail, and a message past KEEP_BUFFER gets the next one a new buffer
    from crawler.capture import process

    monkeypatch.setattr(process, "KEEP_BUFFER", 200_000)
    sizes = [300_000, 10, 150_000, 3, 600_000, 40_000, 1, 250_000, 7]
    bodies = {f"{BASE}/news/{n}": bytes([65 + n]) * size for n, size in enumerate(sizes)}
    session = ArchiveSession(config(tmp_path), apply_batch, process_writer=True)
    try:
        for url, body in bodies.items():
            session.archive(Exchange(url, "GET", (), b"", 200, "OK", "HTTP/1.1", (("Content-Type", "text/html"),),
                                     body), "portal")
            assert session.flush(timeout=30)  # one message per page: sizes up and down in turn
        data = session.config.data_dir
    finally:
        session.finish()
        session.close()
    stored = {}
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            stored.update({r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
                           for r in ArchiveIterator(fh) if r.rec_type == "response"})
    assert stored == bodies


def test_the_session_plans_new_articles_as_they_are_stored(tmp_path):
    session = ArchiveSession(config(tmp_path, ARCHIVE_WATCH_BACKOFF="2d:6h"), apply_batch, process_writer=True)
    try:
        assert session.catalogue.watch_backoff == history.parse_backoff("2d:6h")  # Catalogue._watch_plan's rule
    finally:
        session.finish()
        session.close()


def test_a_full_queue_makes_producers_wait_until_the_child_commits(tmp_path):
    session = ArchiveSession(config(tmp_path, ARCHIVE_WRITE_QUEUE=2, ARCHIVE_COMMIT_INTERVAL=0),
                             apply_batch, process_writer=True)
    lock = Locked(session.config.data_dir)
    try:
        for n in range(3):
            session.archive(page(n), "portal")
        room = session.writer.room()
        assert room is not None
        time.sleep(0.5)
        assert not room.done()  # the child cannot commit: nothing acknowledged, the producer keeps waiting
        lock.release()
        assert room.result(timeout=30) is None
        assert session.flush(timeout=30) and session.writer.room() is None
        assert count(session.config.data_dir, "select count(*) from captures") == 3
    finally:
        session.finish()
        session.close()


def test_a_storage_fault_in_the_child_trips_the_session(tmp_path):
    session = ArchiveSession(config(tmp_path, ARCHIVE_BUSY_TIMEOUT=0.2), apply_batch, process_writer=True)
    stopped: list[str] = []
    session.on_fault = stopped.append
    lock = Locked(session.config.data_dir)
    try:
        session.archive(page(1), "portal")
        session.flush(timeout=30)
        # trip() sets the fault, stops the writer, then tells on_fault: wait for the last of the three (a fresh CI
        # machine once read ``stopped`` between the first and the last)
        assert wait_for(lambda: session.fault is not None and stopped)
        assert session.fault.reason == CATALOGUE_LOCKED and stopped == [CATALOGUE_LOCKED]
        assert "ARCHIVE_BUSY_TIMEOUT" in str(session.fault)
        assert session.writer.stopped and session.writer.room() is None
        with pytest.raises(StorageFault):
            session.archive(page(2), "portal")
    finally:
        lock.release()
        session.finish()
        session.close()
    conn = sqlite3.connect(session.config.data_dir / "catalogue.db")
    assert conn.execute("select status from crawls").fetchone()[0] == "failed"
    conn.close()


def test_the_death_of_the_child_trips_the_session(tmp_path):
    session = ArchiveSession(config(tmp_path), apply_batch, process_writer=True)
    stopped: list[str] = []
    session.on_fault = stopped.append
    try:
        session.archive(page(1), "portal")
        assert session.flush(timeout=30)
        os.kill(session.writer.pid, signal.SIGKILL)
        assert wait_for(lambda: session.fault is not None and stopped)  # on_fault is told last (trip())
        assert session.fault.reason == "writer-killed" and stopped == ["writer-killed"]  # not a disk fault
        assert "archive writer process" in str(session.fault) and "signal 9" in str(session.fault)
        assert session.flush(timeout=5) and session.writer.room() is None  # nobody waits for a dead child
    finally:
        session.finish()
        session.close()


PARENT = textwrap.dedent("""
    import sys, time
    from crawler.capture.apply import apply_batch
    from crawler.capture.session import ArchiveSession
    from test_writer_process import config, page
    from pathlib import Path
    session = ArchiveSession(config(Path(sys.argv[1])), apply_batch, process_writer=True)
    print(session.writer.pid, flush=True)
    sys.stdin.readline()  # the test holds the catalogue's write lock now
    for n in range(40):
        session.archive(page(n), "portal")
        session.discover(f"http://portal.example/next/{n}", "portal", "article")
    while session.writer.sent < 80:
        time.sleep(0.01)  # handed over: in the pipe or in the child, which cannot commit yet
    print("handed", flush=True)
    time.sleep(60)
""")


def test_sigkill_of_the_crawl_process_leaves_every_record_and_row(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    lock = None
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    child = 0
    try:
        child = int(parent.stdout.readline())
        lock = Locked(data)  # the child's first commit waits: everything is in flight when the parent dies
        parent.stdin.write("go\n")
        parent.stdin.flush()
        assert parent.stdout.readline().strip() == "handed"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert count(data, "select count(*) from captures") == 0
        lock.release()
        lock = None
        assert wait_for(lambda: not pid_alive(child), 30), "the writer process did not finish after its parent died"
    finally:
        if lock is not None:
            lock.release()
        if parent.poll() is None:
            parent.kill()
        if child and pid_alive(child):
            os.kill(child, signal.SIGKILL)
    assert count(data, "select count(*) from captures") == 40
    assert count(data, "select count(*) from frontier where url like '%/next/%'") == 40
    assert not list((data / "warc").glob("*.open"))  # the child closed the file
    assert responses(data) == [f"{BASE}/news/{n}" for n in range(40)]


def test_the_writer_setting_is_checked(tmp_path):
    from archive.errors import ConfigError

    assert config(tmp_path).writer == "process"
    assert config(tmp_path, ARCHIVE_WRITER="Thread").writer == "thread"
    with pytest.raises(ConfigError, match="ARCHIVE_WRITER=process"):
        config(tmp_path, ARCHIVE_WRITER="fork")


def test_a_capture_waits_for_its_batch_as_its_built_records_not_its_page(tmp_path):
    # crawler.capture.child.compact, on each op as it arrives: records gzipped and digested, bodies dropped (issue 10)
    from archive.warc.build import new_record_id
    from crawler.capture.child import compact
    from crawler.capture.operations import CaptureOp, SettleOp

    session = ArchiveSession(config(tmp_path), apply_batch)  # the writing half, as in the child: session.warc
    try:
        ex = Exchange(f"{BASE}/news/1", "GET", (), b"", 200, "OK", "HTTP/1.1", (("Content-Type", "text/html"),),
                      os.urandom(50_000))
        first = CaptureOp(new_record_id(), session.crawl_id, "portal", ex)
        small = compact(session, first)
        assert small.exchange.body == b"" and small.exchange.url == ex.url and small.built is not None
        assert small.built.record_id == first.record_id and small.built.record_type == "response"
        prior = {"url": ex.url, "warc_record_id": first.record_id, "fetched_at": ex.fetched_at.isoformat(),
                 "payload_digest": small.built.payload_digest}
        again = compact(session, CaptureOp(new_record_id(), session.crawl_id, "portal", ex, prior,
                                           "identical-payload-digest"))
        assert again.built.record_type == "revisit" and again.exchange.body == b""
        broken = CaptureOp(new_record_id(), session.crawl_id, "portal", ex, {**prior, "payload_digest": ""},
                           "identical-payload-digest")
        assert compact(session, broken) is broken  # left whole: its batch fails on it as it did before
        settle = SettleOp(ex.url)
        assert compact(session, settle) is settle
        apply_batch(session, [small, again])
        rows = session.catalogue.db.execute(
            "select warc_record_id, record_type, payload_digest from captures order by id").fetchall()
        data = session.config.data_dir
    finally:
        session.finish()
        session.close()
    assert rows == [(first.record_id, "response", small.built.payload_digest),
                    (again.record_id, "revisit", small.built.payload_digest)]
    [path] = (data / "warc").glob("*.warc.gz")
    with open(path, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.content_stream().read())
                   for r in ArchiveIterator(fh) if r.rec_type in ("response", "revisit")]
    assert records == [("response", first.record_id, ex.body), ("revisit", again.record_id, b"")]


def test_the_child_runs_our_modules_not_those_of_the_folder_the_crawl_is_started_in(tmp_path, monkeypatch):
    # stop 42's probe: `python -m` puts the current folder first on the child's path, so a researcher's own
    # inspect.py (or json.py, types.py) beside the data folder was imported by the stdlib in its place: every crawl
    # and re-crawl from that folder stopped at once, writer-failed
    here = tmp_path / "research"
    here.mkdir()
    for name in ("inspect", "json", "types"):
        (here / f"{name}.py").write_text("raise SystemExit('the folder\\'s own module was imported')\n",
                                         encoding="utf-8")
    monkeypatch.chdir(here)
    session = ArchiveSession(config(tmp_path), apply_batch, process_writer=True)
    try:
        for n in range(3):
            session.archive(page(n), "portal")
        assert session.flush(timeout=30)
    finally:
        session.finish()
        session.close()
    assert count(session.config.data_dir, "select count(*) from captures") == 3


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the writer's signal masks from /proc")
def test_the_child_ignores_ctrl_c_and_sigterm_and_blocks_neither(tmp_path):
    # started inside orphans.ignored_by_children, whose block of the two signals a subprocess.Popen child inherits
    # through fork and exec: the child ignores them and takes the block off, so a process it started would not
    # inherit it (stop 42's review)
    session = ArchiveSession(config(tmp_path), apply_batch, process_writer=True)
    try:
        session.archive(page(0), "portal")
        assert session.flush(timeout=30)  # the child is past its start
        status = dict(line.split(":\t", 1) for line in Path(f"/proc/{session.writer.pid}/status").read_text()
                      .splitlines() if ":\t" in line)
    finally:
        session.finish()
        session.close()
    bits = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
    assert int(status["SigIgn"], 16) & bits == bits
    assert int(status["SigBlk"], 16) & bits == 0
