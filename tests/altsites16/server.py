"""Serve the two outlets of tests/altsites16 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (the protection layer's
``Server`` and ``X-Sucuri-Cache``-style headers over Apache; the consent site's nginx with its CMP's headers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .consent import ConsentSite
from .guard import GuardSite

ADDRESSES = {"guard": "127.0.0.161", "consent": "127.0.0.162"}
SITE_CLASSES = {"guard": GuardSite, "consent": ConsentSite}
SERVERS = {"guard": "Sucuri/Cloudproxy", "consent": "nginx"}
EXTRA = {
    "guard": (("X-Powered-By", "PHP/7.2.34"), ("X-Sucuri-Cache", "MISS"), ("X-XSS-Protection", "1; mode=block")),
    "consent": (("X-Frame-Options", "SAMEORIGIN"), ("Vary", "Cookie")),
}

_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites16(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite16") as sites:
        yield sites
