"""Serve the TV channel and the regional portal on their own loopback addresses, logging every request (stdlib
only; the handler is tests/altsites4's, with these sites)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites4 import server as server4

from .portal import PortalSite
from .tv import TvSite

ADDRESSES = {"tv": "127.0.0.71", "portal": "127.0.0.72"}
SITE_CLASSES = {"tv": TvSite, "portal": PortalSite}
server4.SERVERS.update({"tv": "nginx/1.18.0", "portal": "Apache/2.2.22 (Unix) mod_ssl/2.2.22 PHP/5.2.17"})


@contextmanager
def serve_alt_sites5(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(
        SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, server4._handler_for, "altsite5"
    ) as sites:
        yield sites
