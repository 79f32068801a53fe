"""Serve the AMP-first outlet on its own loopback address, logging every request (stdlib only; the handler is
tests/altsites4's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites4 import server as server4

from .amp import AmpSite

ADDRESSES = {"amp": "127.0.0.81"}
SITE_CLASSES = {"amp": AmpSite}
server4.SERVERS.update({"amp": "cloudflare"})


@contextmanager
def serve_alt_sites6(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the site on loopback (a free port) for the ``with`` block."""
    with serve_on_loopback(
        SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, server4._handler_for, "altsite6"
    ) as sites:
        yield sites
