"""Serve the catalogue read-only in Datasette, with the project's metadata, templates and plugin, and a replay origin."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

import crawler.web.plugin as plugin
from archive.catalogue import opening
from archive.errors import ConfigError
from crawler.web.pages import PLUGIN_NAME
from crawler.web.replay import ReplayApp

logger = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent / "datasette"
CATALOGUE_FILE = "catalogue.db"
DATABASE_NAME = "catalogue"
STATIC_MOUNT = "newsarchive-static"
SETTINGS: dict[str, Any] = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "suggest_facets": False,  # suggestions run a query per column on every table page: slow and noisy at scale
    "max_returned_rows": 2000,
    "allow_download": False,  # the catalogue can be large and is served live; copy the file instead
}


@dataclass(frozen=True)
class ServeConfig:
    """Where the data is and where to listen; validated when made."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8001
    replay_port: int | None = None  # None: port + 1 (or any free port when port is 0); -1: no replay server
    immutable: bool = False  # True: open with immutable=1 (only for a catalogue nothing writes to any more)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError("--port", f"{self.port} is not a TCP port")
        if self.replay_port is not None and self.replay_port != -1 and not 0 <= self.replay_port <= 65535:
            raise ConfigError("--replay-port", f"{self.replay_port} is not a TCP port")
        if self.replay_port is not None and self.replay_port == self.port and self.port != 0:
            raise ConfigError("--replay-port", "must differ from --port: replay needs its own origin")

    @property
    def db_path(self) -> Path:
        """The catalogue database file."""
        return self.data_dir / CATALOGUE_FILE


def load_metadata(data_dir: Path, replay_url: str | None) -> dict[str, Any]:
    """The bundled metadata.yaml plus the plugin settings and the stylesheet for this data folder."""
    meta = yaml.safe_load((ASSETS / "metadata.yaml").read_text(encoding="utf-8"))
    meta["extra_css_urls"] = [f"/{STATIC_MOUNT}/catalogue.css"]
    meta.setdefault("plugins", {})[PLUGIN_NAME] = {
        "database": DATABASE_NAME, "data_dir": str(Path(data_dir).resolve()), "replay_url": replay_url}
    return meta


def register_plugin() -> None:
    """Register the newsarchive plugin with Datasette once (an installed entry point may have done it)."""
    if not pm.is_registered(plugin) and pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)


def build_datasette(data_dir: Path, *, replay_url: str | None = None, immutable: bool = False) -> Datasette:
    """A Datasette instance on ``<data_dir>/catalogue.db``, read-only (mode=ro) or immutable.

    Raises ConfigError when there is no catalogue yet.
    """
    db_path = Path(data_dir) / CATALOGUE_FILE
    if not db_path.is_file():
        raise ConfigError(db_path, "no catalogue here yet: run `newsarchive crawl` (or `newsarchive demo`) first")
    register_plugin()
    files = {"immutables": [str(db_path)]} if immutable else {"files": [str(db_path)]}
    # A file Datasette opens as mutable is opened with ?mode=ro: SQLite refuses every write on it. Datasette
    # 0.65 has no write API, and our metadata defines no writable canned query.
    return Datasette(
        **files, metadata=load_metadata(data_dir, replay_url), template_dir=str(ASSETS / "templates"),
        static_mounts=[(STATIC_MOUNT, str(ASSETS / "static"))], settings=SETTINGS, cors=False)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"{host}:{port}", f"cannot listen there: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, sock: socket.socket) -> str:
    """The http:// URL of a bound socket."""
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@dataclass
class Prepared:
    """The bound sockets and apps of one ``serve`` run, ready to start."""

    datasette: Datasette
    catalogue_socket: socket.socket
    catalogue_url: str
    replay_app: ReplayApp | None = None
    replay_socket: socket.socket | None = None
    replay_url: str | None = None


def prepare(config: ServeConfig) -> Prepared:
    """Bind the sockets (so port 0 gets a real port before the replay URL is written) and build the apps."""
    if not config.db_path.is_file():
        raise ConfigError(config.db_path, "no catalogue here yet: run `newsarchive crawl` (or `newsarchive demo`) first")
    opening.check_file(config.db_path)  # an empty or damaged file: say so now, not a 500 on every page
    opening.connect_read_only(config.db_path).close()
    immutable = config.immutable or not os.access(config.data_dir, os.W_OK)
    if immutable and not config.immutable:
        # a WAL reader needs a -shm file beside the catalogue, which a read-only folder cannot hold: Datasette's
        # mode=ro connection then fails on every page (https://www.sqlite.org/wal.html#readonly)
        logger.warning("%s is read-only: serving the catalogue immutable (as --immutable)", config.data_dir)
    main = bind(config.host, config.port)
    replay_sock = replay_url = None
    if config.replay_port != -1:
        wanted = config.replay_port if config.replay_port is not None else (config.port + 1 if config.port else 0)
        try:
            replay_sock = bind(config.host, wanted)
        except ConfigError:
            main.close()
            raise
        replay_url = url_of(config.host, replay_sock)
    ds = build_datasette(config.data_dir, replay_url=replay_url, immutable=immutable)
    replay_app = ReplayApp(config.db_path, config.data_dir) if replay_sock else None
    return Prepared(ds, main, url_of(config.host, main), replay_app, replay_sock, replay_url)


async def run(prepared: Prepared) -> None:
    """Serve the catalogue (and the replay origin) until interrupted."""
    import uvicorn

    await prepared.datasette.invoke_startup()
    servers = [(uvicorn.Server(uvicorn.Config(prepared.datasette.app(), lifespan="auto", log_level="warning")),
                prepared.catalogue_socket)]
    if prepared.replay_app is not None and prepared.replay_socket is not None:
        servers.append((uvicorn.Server(uvicorn.Config(prepared.replay_app, lifespan="auto", log_level="warning")),
                        prepared.replay_socket))
    logger.info("catalogue at %s, replay at %s", prepared.catalogue_url, prepared.replay_url or "(off)")
    await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in servers))
