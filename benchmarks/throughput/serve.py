"""Serve the mirror on loopback: nginx from Debian when installed, else a multi-process Python server."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.throughput.mirror import OUTLETS

logger = logging.getLogger(__name__)

NGINX_CONF = """worker_processes {workers};
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  types {{ text/html html; application/xml xml; application/rss+xml rss; text/plain txt; }}
  default_type text/html;
  charset utf-8;
  charset_types application/xml application/rss+xml text/plain;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {prefix}/tmp-body;
  proxy_temp_path {prefix}/tmp-proxy;
  fastcgi_temp_path {prefix}/tmp-fastcgi;
  uwsgi_temp_path {prefix}/tmp-uwsgi;
  scgi_temp_path {prefix}/tmp-scgi;
{servers}
}}
"""
SERVER = """  server {{ listen {host}:{port}; server_name _; root {root}; index index.html; }}"""


def free_port() -> int:
    """A TCP port free on all three outlet addresses (asked of the kernel on the first, checked on the others)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((OUTLETS[0].host, 0))
            port = s.getsockname()[1]
        try:
            for outlet in OUTLETS[1:]:
                with socket.socket() as s:
                    s.bind((outlet.host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port on the mirror's loopback addresses")


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    for outlet in OUTLETS:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"mirror server exited with {proc.returncode}")
            try:
                socket.create_connection((outlet.host, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"mirror server not listening on {outlet.host}:{port}") from None
                time.sleep(0.1)


def nginx_binary() -> str | None:
    """The nginx executable (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


@dataclass(frozen=True)
class Server:
    """A running mirror server: which kind, and its main process (not counted in any arm's figures)."""

    kind: str  # "nginx" or "python"
    pid: int


@contextmanager
def serve(root: Path, port: int, workers: int, prefer: str = "nginx") -> Iterator[Server]:
    """Serve the mirror at ``root`` on the outlets' addresses and ``port``."""
    binary = nginx_binary() if prefer == "nginx" else None
    if binary:
        prefix = root / ".nginx"
        prefix.mkdir(exist_ok=True)
        servers = "\n".join(SERVER.format(host=o.host, port=port, root=(root / o.name).resolve()) for o in OUTLETS)
        # As root, nginx drops its workers to "nobody", who cannot read a private temp folder: keep them as root.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=workers, user=user, prefix=prefix.resolve(), servers=servers))
        cmd = [binary, "-p", str(prefix.resolve()), "-c", str(conf.resolve()), "-e", str(prefix.resolve() / "error.log"),
               "-g", "daemon off;"]
        kind = "nginx"
    else:
        if prefer == "nginx":
            logger.warning("nginx not found (apt-get install nginx-light): serving with the Python fallback")
        cmd = [sys.executable, "-m", "benchmarks.throughput.pyserver", str(root), str(port), str(workers)]
        kind = "python"
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc)
        logger.info("mirror served by %s on port %d (pid %d)", kind, port, proc.pid)
        yield Server(kind, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
