"""Serve the two outlets of tests/altsites11 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (Blogger's ``GSE`` and
``X-XSS-Protection``; Joomla's session cookie and no-cache headers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .blogspot import BlogspotSite
from .k2 import K2Site

ADDRESSES = {"blogspot": "127.0.0.115", "k2": "127.0.0.116"}
SITE_CLASSES = {"blogspot": BlogspotSite, "k2": K2Site}
SERVERS = {"blogspot": "GSE", "k2": "Apache"}
EXTRA = {
    "blogspot": (("X-Content-Type-Options", "nosniff"), ("X-XSS-Protection", "1; mode=block"),
                 ("Cache-Control", "private, max-age=0")),
    "k2": (("Set-Cookie", "3f5c1a9e0b7d2c4e=k2sess0a1b2c3d4e5f; path=/; HttpOnly"),
           ("Expires", "Wed, 17 Aug 2005 00:00:00 GMT"), ("Cache-Control", "no-store, no-cache, must-revalidate"),
           ("Pragma", "no-cache")),
}


_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites11(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite11") as sites:
        yield sites
