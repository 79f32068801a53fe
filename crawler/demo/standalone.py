"""Stable demo addresses per data folder, and serving the demo sites alone until stopped."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from crawler.demo.server import DEFAULT_HOSTS, DEMO_PORTS, OUTLETS, DemoSites, serve_demo_sites

logger = logging.getLogger(__name__)

ADDRESSES = "demo-sites.json"  # in the data folder: where its demo sites were served, reused by the next run
SEEDS = "demo-seeds.toml"


def remembered(data_dir: Path) -> tuple[tuple[str, str, str], tuple[int, int, int]]:
    """The hosts and ports the data folder's demo sites had (DEFAULT_HOSTS and DEMO_PORTS the first time).

    Article ids come from URLs, and the demo's URLs carry host and port: serving the sites where they were
    before is what makes a second demo run on the same folder find the same articles.
    """
    path = Path(data_dir) / ADDRESSES
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        parts = [urlsplit(saved[name]) for name, _, _ in OUTLETS]
        hosts = tuple(p.hostname or "" for p in parts)
        ports = tuple(int(p.port or 0) for p in parts)
    except FileNotFoundError:
        return DEFAULT_HOSTS, DEMO_PORTS
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring %s (%s); serving the demo sites at their default addresses", path, exc)
        return DEFAULT_HOSTS, DEMO_PORTS
    if not all(hosts) or not all(ports):
        return DEFAULT_HOSTS, DEMO_PORTS
    return hosts, ports  # type: ignore[return-value]


def remember(data_dir: Path, sites: DemoSites) -> Path:
    """Record where the sites are served (outlet name -> base URL) in the data folder; return the file."""
    path = Path(data_dir) / ADDRESSES
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({o.name: o.base_url for o in sites.outlets}, indent=1) + "\n", encoding="utf-8")
    return path


@contextmanager
def demo_sites_for(data_dir: Path) -> Iterator[tuple[DemoSites, Path]]:
    """Serve the demo sites at the data folder's addresses; yield them and the seeds file written for them."""
    hosts, ports = remembered(data_dir)
    known = (Path(data_dir) / ADDRESSES).is_file()
    with serve_demo_sites(hosts, ports) as sites:
        moved = [o.base_url for o in sites.outlets] != [f"http://{h}:{p}" for h, p in zip(hosts, ports)]
        if moved and known:
            # keep the recorded addresses: the next run, once they are free again, matches the earlier runs
            logger.warning("the demo sites could not get their usual addresses: articles of earlier demo runs "
                           "in %s will be archived again under the new ones", data_dir)
        else:
            remember(data_dir, sites)
        yield sites, sites.write_seeds(Path(data_dir) / SEEDS)


def _print(text: str) -> None:
    print(text, flush=True)


def serve_until_stopped(data_dir: Path, echo: Callable[[str], None] = _print,
                        stop: threading.Event | None = None) -> None:
    """Serve the demo sites and keep their seeds file valid until SIGINT/SIGTERM (or ``stop`` is set)."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, lambda signum, frame: stop.set())
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with demo_sites_for(data_dir) as (sites, seeds):
            for outlet in sites.outlets:
                echo(f"serving {outlet.name} ({outlet.style}) at {outlet.base_url}/")
            echo(f"seeds file: {seeds}  (valid while this runs)")
            echo("try, in another terminal:")
            echo(f"  newsarchive crawl --seeds {seeds} --data {data_dir} -s CRAWL_CONTACT_URL=http://127.0.0.1/demo")
            echo(f"  newsarchive schedule --seeds {seeds} --data {data_dir}")
            article = min((o.base_url + a.path for o in sites.outlets for a in sites.site(o.style).articles()), key=len)
            echo(f"  newsarchive recrawl {article} --seeds {seeds} --data {data_dir}")
            echo("stop with Ctrl-C")
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    echo("demo sites stopped")
