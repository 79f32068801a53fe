"""A real redis-server for tests: a free loopback port, a temporary folder, stopped (and its files gone) after."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections while the block runs: bound, never listening, so that no other
    process (a parallel test worker's server) can take it as a port ``free_port()`` returned could be taken."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


class PortTaken(RuntimeError):
    """redis-server could not bind its port: something else took it after ``free_port()`` found it free."""


class RedisServer:
    """One redis-server process on 127.0.0.1; ``restart()`` stops and starts it again on the same port.

    No persistence by default (``--save ''``, ``--appendonly no``); ``appendonly=True`` keeps an append-only
    file in the temporary folder so that a restart keeps the data, as a production Redis should.
    """

    def __init__(self, *, appendonly: bool = False):
        self.dir = Path(tempfile.mkdtemp(prefix="redis-test-"))
        self.port = free_port()
        self.appendonly = appendonly
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = False  # True once it has answered: a restart must come back on the same port

    @property
    def url(self) -> str:
        """The redis:// URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers PING.

        The first start takes another free port if the chosen one was taken between ``free_port()`` and the
        server's bind (parallel test workers start servers and connections all the time); a restart keeps its port.
        """
        for _ in range(3 if not self.started else 0):
            try:
                return self._start()
            except PortTaken:
                self.port = free_port()
        self._start()

    def _start(self) -> None:
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError(f"{REDIS_SERVER} not found: install Debian's redis-server (.ci/run does)")
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                "--save", "", "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always",
                "--daemonize", "no", "--protected-mode", "yes", "--logfile", str(self.dir / "redis.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                # our server, not another worker's that took the port first (ours then fails to bind and exits)
                if client.info("server")["process_id"] == self.proc.pid:
                    break
                self.proc.wait(10)
                raise PortTaken(f"port {self.port} answered from another redis-server")
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
                    if self.proc.poll() is not None and "Address already in use" in log:
                        raise PortTaken(log) from None
                    raise RuntimeError(f"redis-server did not start on port {self.port}:\n{log}") from None
                time.sleep(0.05)
            finally:
                client.close()
        self.started = True

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and wait for it to exit."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, down_for: float = 0.0) -> None:
        """Stop, stay down ``down_for`` seconds, start again on the same port."""
        self.stop()
        time.sleep(down_for)
        self.start()

    def close(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(name="redis_server")
def redis_server_fixture() -> Iterator[RedisServer]:
    """A fresh redis-server for one test, without persistence files (import this; tests ask for redis_server)."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.close()
        assert not server.dir.exists()
