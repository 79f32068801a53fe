"""Fallback mirror server: several processes per outlet address sharing one port (SO_REUSEPORT), stdlib only.

Run as ``python -m benchmarks.throughput.pyserver ROOT PORT WORKERS``. Used only where nginx is absent: the
standard library's server is far slower than nginx, so the fetch arms then measure the server as much as the crawler.
"""

from __future__ import annotations

import functools
import multiprocessing
import signal
import socket
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.throughput.mirror import OUTLETS


class _Handler(SimpleHTTPRequestHandler):
    """Static files; extension-less article paths are HTML, as nginx's default_type makes them."""

    protocol_version = "HTTP/1.1"  # keep-alive, as nginx

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        """HTML for extension-less files, UTF-8 for text."""
        if "." not in Path(str(path)).name:
            return "text/html; charset=utf-8"
        kind = super().guess_type(path)
        return f"{kind}; charset=utf-8" if kind.startswith(("text/", "application/xml")) else kind

    def log_message(self, format: str, *args: object) -> None:
        """No access log, as the nginx config."""


class _ReusePortServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def _serve(root: Path, host: str, port: int) -> None:
    handler = functools.partial(_Handler, directory=str(root))
    with _ReusePortServer((host, port), handler) as server:
        server.serve_forever()


def main(argv: list[str]) -> None:
    """Start WORKERS processes per outlet and wait until terminated."""
    root, port, workers = Path(argv[0]), int(argv[1]), int(argv[2])
    procs = [multiprocessing.Process(target=_serve, args=(root / o.name, o.host, port), daemon=True)
             for o in OUTLETS for _ in range(max(1, workers))]
    for p in procs:
        p.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for p in procs:
        p.join()


if __name__ == "__main__":
    main(sys.argv[1:])
