"""Serve the two outlets of tests/altsites7 on their own loopback addresses (the mobile-split one on two: its desktop
and its mobile host), logging every request (stdlib only; the handler is tests/altsites4's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites4 import server as server4

from .mobile import MobileSite, WwwSite
from .scroll import ScrollSite

ADDRESSES = {"scroll": "127.0.0.91", "www": "127.0.0.92", "m": "127.0.0.93"}
SITE_CLASSES = {"scroll": ScrollSite, "www": WwwSite, "m": MobileSite}
server4.SERVERS.update({"scroll": "nginx", "www": "Apache/2.2.22 (Ubuntu)", "m": "Apache/2.2.22 (Ubuntu)"})


@contextmanager
def serve_alt_sites7(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the sites on loopback (free ports) for the ``with`` block, the desktop and mobile hosts told each other's
    address."""
    with serve_on_loopback(
        SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, server4._handler_for, "altsite7"
    ) as sites:
        sites.sites["www"].mobile = sites.sites["m"].base
        sites.sites["m"].desktop = sites.sites["www"].base
        yield sites
