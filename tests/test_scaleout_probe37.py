"""Scale-out faults of stop 37's black-box probe (/tmp/probe37_F): a real redis-server, real workers and child crawls.

1. the coordinator's configuration decides what a worker crawls (a worker's own seeds stored another host's articles
   under the outlet); the same crawl pins 4 and 5: a worker with an empty data folder, and one whose seeds lack the
   outlet, crawl (they failed every item, and the coordinator heard "worker-died" six leases later);
2. a child crawl killed on its own leaves a file a coordinator repairs (the worker's name read as its writer's), and
   the item is handed back at once, not after a lease "taken over from a silent worker";
3. Redis restarted without its data: one clear error, the crawl recorded failed, what was archived indexed;
4. a worker that cannot crawl an item says why at once and takes nothing more of that crawl;
6. bad Redis URLs: one message with the fix, no traceback, no endless wait.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from click.testing import CliRunner
from helpers import FAST, ROOT, portal_session, reply
from redisserver import RedisServer, redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.cli.main import cli
from crawler.cli.worker_commands import live_writers
from crawler.scaleout.connection import connect
from crawler.scaleout.coordinator import Coordinator, RedisLostCrawl
from crawler.scaleout.keys import ACTIVE_CRAWLS, CrawlKeys
from crawler.scaleout.worker import FAILURE_FILE, CannotCrawl, Worker
from crawler.scaleout.workqueue import WorkQueue

CLI = [sys.executable, "-m", "crawler.cli.main"]
CRAWL = "crawl-37"
PARAS = ("قالت مصادر محلية في طرابلس إن اشتباكات مسلحة اندلعت بين فصائل متنافسة في العاصمة الليبية مساء أمس.",
         "وأفاد شهود عيان بسماع دوي انفجارات وإطلاق نار كثيف في عدة أحياء جنوب المدينة، فيما أغلقت الطرق الرئيسية.",
         "ودعت بعثة الأمم المتحدة للدعم في ليبيا جميع الأطراف إلى وقف فوري لإطلاق النار وحماية المدنيين.")


def _serve(host: str, name: str, n: int, hits: list[str]) -> ThreadingHTTPServer:
    """An outlet on ``host``: robots.txt, /feed.xml listing /news/1..n, and the articles; ``hits`` logs each path."""
    class Site(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            hits.append(self.path)
            base = f"http://{host}:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                return reply(self, 200, "text/plain", b"User-agent: *\nDisallow:\n")
            if self.path == "/feed.xml":
                items = "".join(f"<item><title>{i}</title><link>{base}/news/{i}</link></item>" for i in range(1, n + 1))
                return reply(self, 200, "application/rss+xml", f'<?xml version="1.0" encoding="utf-8"?><rss '
                             f'version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode())
            if self.path.startswith("/news/"):
                title = f"اشتباكات في طرابلس رقم {self.path[6:]} في {name}"
                body = "".join(f"<p>{p} ({name} {self.path})</p>" for p in PARAS)
                page = (f'<html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head><body><article>'
                        f"<h1>{title}</h1>{body}</article></body></html>")
                return reply(self, 200, "text/html; charset=utf-8", page.encode())
            return reply(self, 404, "text/html", b"<html><body>no</body></html>")

    server = ThreadingHTTPServer((host, 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _outlet(name: str, server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return (f'[[outlet]]\nname = "{name}"\nfeeds = ["http://{host}:{port}/feed.xml"]\nallowed_domains = ["{host}"]\n'
            "topic_filter = false\ndownload_delay = 0\nconcurrency = 2\n")


def test_the_coordinators_config_decides_what_a_worker_on_an_empty_folder_crawls(redis_server, tmp_path):
    # the probe: a worker whose seeds point alpha at another host stored that host's articles under alpha, exit 0;
    # a worker on an empty folder failed every item ("catalogue.db does not exist"); one whose seeds lack gamma too
    hits: dict[str, list[str]] = {"alpha": [], "gamma": [], "decoy": []}
    servers = {name: _serve(host, name, 3, hits[name])
               for name, host in (("alpha", "127.37.7.11"), ("gamma", "127.37.7.13"), ("decoy", "127.37.7.14"))}
    try:
        coordinator_seeds = tmp_path / "coordinator.toml"
        coordinator_seeds.write_text(_outlet("alpha", servers["alpha"]) + _outlet("gamma", servers["gamma"]))
        worker_seeds = tmp_path / "worker.toml"  # alpha pointed at the decoy; no gamma
        worker_seeds.write_text(_outlet("alpha", servers["decoy"]))
        (tmp_path / "w").mkdir()  # the worker's own disk, empty
        lease = ["-s", "CRAWL_LEASE_TIMEOUT=15"]
        worker = subprocess.Popen([*CLI, "worker", "--redis", redis_server.url, "--seeds", str(worker_seeds),
                                   "--data", str(tmp_path / "w"), "--name", "w1", *lease],
                                  stdout=(tmp_path / "w1.log").open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            started = time.monotonic()
            done = subprocess.run([*CLI, "crawl", "--redis", redis_server.url, "--seeds", str(coordinator_seeds),
                                   "--data", str(tmp_path / "c"), "--outlet", "alpha", "--outlet", "gamma", *FAST,
                                   *lease], capture_output=True, text=True, cwd=ROOT, timeout=80)
            took = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait(20)
    finally:
        for server in servers.values():
            server.shutdown()
    log = (tmp_path / "w1.log").read_text(errors="replace")
    assert done.returncode == 0, done.stderr[-2000:] + log[-2000:]
    db = sqlite3.connect(tmp_path / "c" / "catalogue.db")
    rows = db.execute("select outlet, url from articles order by url").fetchall()
    alpha_host, gamma_host = servers["alpha"].server_address[0], servers["gamma"].server_address[0]
    assert sorted(o for o, _ in rows) == ["alpha"] * 3 + ["gamma"] * 3
    assert all((alpha_host if o == "alpha" else gamma_host) in url for o, url in rows), rows
    assert not hits["decoy"], hits["decoy"]  # the worker's own idea of alpha fetched nothing
    assert "could not crawl" not in log and "does not exist" not in log
    assert took < 45, took  # no lease waited out (15 s each)
    assert list((tmp_path / "w" / "warc").glob("NEWSARCHIVE-w1-*.warc.gz"))


def _queue(link, item: dict | None = None) -> WorkQueue:
    work = WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3)
    work.put([("outlet:portal", item or {"kind": "outlet", "outlet": "portal", "crawl_uid": CRAWL, "crawl_id": 1})])
    link.client.zadd(ACTIVE_CRAWLS, {CRAWL: time.time()})
    return work


def _run_until(worker: Worker, condition, on_stop=None) -> None:
    def watch() -> None:
        deadline = time.monotonic() + 20
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        if on_stop is not None:
            on_stop()
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=watch, daemon=True).start()
    worker.run()


def test_a_child_killed_on_its_own_is_a_dead_writer_and_its_item_is_tried_again_at_once(redis_server, tmp_path):
    # the OOM killer took the child, the worker lived: the coordinator left its .open file alone ("its writer is
    # alive": the worker's name), `check` failed after a "finished" crawl, and the retry came a lease later
    link = connect(redis_server.url, give_up_after=5)
    work = _queue(link)
    killed = tmp_path / "killed"
    child = ("import os, sys, pathlib\n"
             f"if pathlib.Path({str(killed)!r}).exists(): sys.exit(0)\n"
             f"pathlib.Path({str(killed)!r}).touch()\n"
             "from datetime import UTC, datetime\n"
             "from archive.records import Exchange\n"
             "from archive.warc.writer import WarcArchive\n"
             "ex = Exchange(url='http://portal.example/', method='GET', request_headers=(), request_body=b'', "
             "status=200, reason='OK', protocol='HTTP/1.1', response_headers=(), body=b'x', "
             "fetched_at=datetime(2026, 1, 2, tzinfo=UTC))\n"
             f"warc = WarcArchive({str(tmp_path)!r}, prefix='NEWSARCHIVE-t1', fsync=False)\n"
             "warc.write_exchange(ex); warc.sync()\n"
             "os.kill(os.getpid(), 9)\n")
    worker = Worker(link, "t1", lambda item: [sys.executable, "-c", child], lease_timeout=3,
                    warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)
    alive: list[bool] = []
    started = time.monotonic()

    def look() -> None:  # the worker still runs: only the writer's own liveness may keep its file open
        [path] = (tmp_path / "warc").glob("NEWSARCHIVE-t1-*.open")
        alive.append(live_writers(link, "NEWSARCHIVE")(path))
    _run_until(worker, lambda: worker.finished == 1, look)
    assert worker.finished == 1 and work.outstanding() == 0
    assert alive == [False]
    assert time.monotonic() - started < 3  # tried again at once, not after the 3 s lease
    [(field, said)] = link.client.hgetall(CrawlKeys(CRAWL).refusals).items()
    assert field == "t1|outlet:portal|1" and "killed by SIGKILL" in said and "again at once" in said


def test_a_worker_that_cannot_crawl_an_item_says_why_at_once_and_takes_no_more_of_the_crawl(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    work = _queue(link)
    code = (f"import os; open(os.environ[{FAILURE_FILE!r}], 'w').write('catalogue.db is not a database: restore "
            "it'); raise SystemExit(3)")
    runs = tmp_path / "runs"
    worker = Worker(link, "t1", lambda item: [sys.executable, "-c", f"open({str(runs)!r}, 'a').write('x'); {code}"],
                    lease_timeout=3, warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)
    refusals = CrawlKeys(CRAWL).refusals
    _run_until(worker, lambda: link.client.hlen(refusals) == 1 and time.sleep(1.0) is None)
    assert runs.read_text() == "x"  # once: it took the item no more after failing it
    said = link.client.hget(refusals, "t1|outlet:portal|1")
    assert "catalogue.db is not a database: restore it" in said and "handed back for another worker" in said
    again = work.take("t2", block=0)  # at once, for another worker
    assert again is not None and again.failures == 1 and not again.taken_over

    # the same when the worker cannot even build the command (the coordinator's config does not read back)
    link.client.flushall()
    work = _queue(link)

    def refuse(item) -> list[str]:
        raise CannotCrawl("this worker reads the configuration of outlet portal as sha256:1, not sha256:2")
    worker = Worker(link, "t3", refuse, lease_timeout=3, warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE",
                    poll=0.1)
    _run_until(worker, lambda: link.client.hlen(refusals) == 1)
    assert "sha256:1, not sha256:2" in link.client.hget(refusals, "t3|outlet:portal|1")
    assert work.take("t2", block=0).failures == 1


def test_failures_set_an_item_aside_with_their_reason_after_max_deliveries(redis_server):
    # the README says "given up after 5 deliveries"; the log said 6 (the take-over attempt that delivers nothing)
    link = connect(redis_server.url, give_up_after=5)
    work = WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3, max_deliveries=3)
    work.put([("outlet:portal", {"outlet": "portal"})])
    counts = []
    for n in range(3):
        item = work.take(f"w{n}", block=0)
        assert item.failures == n
        counts.append(work.fail(item, f"w{n}", f"worker w{n}: killed by SIGKILL"))
    assert counts == [1, 2, -3] and work.outstanding() == 0
    assert work.dead() == [("outlet:portal", {"outlet": "portal"}, 3, "worker w2: killed by SIGKILL")]


def test_redis_that_lost_the_crawls_keys_fails_the_crawl_clearly_and_indexes_what_was_archived(redis_server, tmp_path):
    # Redis restarted without appendonly: a 60-line NOGROUP traceback, the crawl row left as it was, .open files
    from datetime import UTC, datetime

    from archive.records import Exchange
    from archive.warc.writer import WarcArchive

    session = portal_session(tmp_path, "http://portal.example")
    link = connect(redis_server.url, give_up_after=5)
    coordinator = Coordinator(session, link, lease_timeout=3, settings={})
    # what a worker archived and published just before Redis lost it: the record is in a WARC of this crawl
    warc = WarcArchive(tmp_path / "data", prefix="NEWSARCHIVE-w1", fsync=False,
                       warcinfo={"crawl-id": session.uid, "worker": "w1"})
    warc.write_exchange(Exchange(url="http://portal.example/news/1", method="GET", request_headers=(),
                                 request_body=b"", status=200, reason="OK", protocol="HTTP/1.1",
                                 response_headers=(("Content-Type", "text/html"),), body=b"<html>x</html>",
                                 fetched_at=datetime(2026, 1, 2, tzinfo=UTC)))
    warc.close()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            coordinator.run()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            errors.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60  # 10 s was too short once in a loaded run: the flush came first, nothing lost
    while not link.client.zrange(ACTIVE_CRAWLS, 0, -1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert link.client.zrange(ACTIVE_CRAWLS, 0, -1), "the coordinator never registered its crawl"
    link.client.flushall()  # a restart without appendonly
    thread.join(20)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], RedisLostCrawl), errors
    assert "lost this crawl's keys" in str(errors[0]) and "appendonly" in str(errors[0])
    db = sqlite3.connect(tmp_path / "data" / "catalogue.db")
    status, error = db.execute("select status, error from crawls where uid = ?", (session.uid,)).fetchone()
    assert status == "failed" and "appendonly" in error
    assert db.execute("select count(*) from captures where url = 'http://portal.example/news/1'").fetchone() == (1,)


def test_a_worker_whose_item_vanished_says_so_not_that_another_worker_took_it(redis_server, tmp_path, caplog):
    link = connect(redis_server.url, give_up_after=5)
    _queue(link)
    started = tmp_path / "started"
    worker = Worker(link, "t1", lambda item: [sys.executable, "-c", f"import time; open({str(started)!r}, 'w')"
                                              ".close(); time.sleep(20)"],
                    lease_timeout=3, warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)

    def lose_the_keys() -> None:
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        link.client.flushall()
    threading.Thread(target=lose_the_keys, daemon=True).start()
    caplog.set_level("INFO", logger="crawler.scaleout.worker")
    _run_until(worker, lambda: "is gone from Redis" in caplog.text)
    assert "is gone from Redis" in caplog.text and "took it over" not in caplog.text


def _answer(banner: bytes) -> tuple[socket.socket, int]:
    """A TCP server on a free loopback port that sends ``banner`` (or an HTTP error after the first line)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                if banner:
                    conn.sendall(banner)
                else:
                    conn.recv(100)
                    conn.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>bad</html>")
    threading.Thread(target=serve, daemon=True).start()
    return sock, sock.getsockname()[1]


def test_bad_redis_urls_are_one_clear_message_each(redis_server, tmp_path):
    seeds = tmp_path / "s.toml"
    seeds.write_text('[[outlet]]\nname = "portal"\nstart_urls = ["http://portal.example/"]\n')

    def worker(url: str):
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["worker", "--redis", url, "--data", str(tmp_path / "w"), "--name", "w1"])
        return result, time.monotonic() - started

    result, _ = worker(redis_server.url.rsplit("/", 1)[0] + "/abc")  # redis-py used database 0 in silence
    assert result.exit_code == 2 and "'abc'" in result.output and "no database number" in result.output
    result = CliRunner().invoke(cli, ["crawl", "--redis", redis_server.url.rsplit("/", 1)[0] + "/99", "--seeds",
                                      str(seeds), "--data", str(tmp_path / "c")])  # a 73-line traceback
    assert result.exit_code == 1 and "has no database 99" in result.output and "0 to 15" in result.output
    assert isinstance(result.exception, SystemExit)
    ssh, ssh_port = _answer(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")  # a traceback (InvalidResponse)
    http, http_port = _answer(b"")  # waited for ever, "unreachable"
    try:
        for port, what in ((ssh_port, "SSH-2.0"), (http_port, "HTTP/1.0 400")):
            result, took = worker(f"redis://127.0.0.1:{port}/0")
            assert result.exit_code == 1 and "is not a Redis server" in result.output and what in result.output
            assert isinstance(result.exception, SystemExit) and took < 10
    finally:
        ssh.close()
        http.close()
