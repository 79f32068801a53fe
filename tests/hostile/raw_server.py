"""The skeleton of the raw-socket hostile outlets (tests/hostile8, 10 to 14; round nine writes it out): several
loopback hosts, each connection's request head read, the answer chosen by a function and written as it is (or, for an
answer that goes on talking on its connection, a function given the socket).

The answers are bytes built by tests/hostile9's helpers (``raw``, ``html``, ``redirect``, ...), so a server can break
HTTP in ways http.server cannot. Nothing here listens anywhere but on the loopback addresses it is given.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from tests.hostile9.site import raw

NOT_FOUND = raw(b"HTTP/1.1 404 Not Found", [b"Content-Length: 0", b"Connection: close"], b"")

# (host, path, request head) -> the answer's bytes, or a function that writes to (and may read from) the connection's
# socket itself; the path is percent-decoded, its query kept
Reply = Callable[[object], None]
Answer = Callable[[str, str, bytes], "bytes | Reply"]


def read_head(sock: object) -> bytes | None:
    """The request's head (up to its blank line), or None when the client hung up first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)  # type: ignore[attr-defined]
        if not chunk:
            return None
        data += chunk
    return data


def request_path(head: bytes) -> str:
    """The request target of ``head``, percent-decoded (an Arabic slug as the route table writes it)."""
    return unquote(head.split(b" ", 2)[1].decode("latin-1"))


class _Handler(socketserver.BaseRequestHandler):
    host: str
    answer: Answer
    on_connect: Callable[[str], None] | None = None

    def handle(self) -> None:
        if type(self).on_connect is not None:  # before a byte is read: a host that must never be reached counts these
            type(self).on_connect(self.host)
        try:
            head = read_head(self.request)
            if head is not None:
                reply = type(self).answer(self.host, request_path(head), head)
                if callable(reply):  # a conversation: it writes (and reads) on the socket itself
                    reply(self.request)
                else:
                    self.request.sendall(reply)
        except OSError:
            pass  # the crawler hung up


@contextmanager
def serve_hosts(hosts: Iterable[str], answers: Callable[[dict[str, str]], Answer],
                on_connect: Callable[[str], None] | None = None) -> Iterator[dict[str, str]]:
    """Bind a server on a free port of each loopback ``host``, build the answer function from their base URLs
    (``answers(bases)``: a route table may name the other hosts), serve, and yield ``{host: "http://host:port"}``;
    stop them on exit. ``on_connect(host)`` is called as each connection is accepted, before its request is read."""
    servers = {}
    for host in hosts:
        assert host.startswith("127."), host  # loopback only, ever
        servers[host] = socketserver.ThreadingTCPServer((host, 0), type("H", (_Handler,), {"host": host}))
        servers[host].daemon_threads = True
    bases = {host: f"http://{host}:{server.server_address[1]}" for host, server in servers.items()}
    answer = answers(bases)
    for server in servers.values():
        server.RequestHandlerClass.answer = staticmethod(answer)
        server.RequestHandlerClass.on_connect = None if on_connect is None else staticmethod(on_connect)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield bases
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
