"""Serve the two outlets of tests/altsites15 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (the Nuxt apps' nginx with
``x-powered-by: Nuxt``; the live outlet's PHP with its no-cache headers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .live import LiveSite
from .nuxt import NuxtSite

ADDRESSES = {"nuxt": "127.0.0.125", "live": "127.0.0.126"}
SITE_CLASSES = {"nuxt": NuxtSite, "live": LiveSite}
SERVERS = {"nuxt": "nginx/1.22.1", "live": "Apache/2.4.38 (Debian)"}
EXTRA = {
    "nuxt": (("X-Powered-By", "Nuxt"), ("Cache-Control", "public, max-age=60"), ("Vary", "Accept-Encoding")),
    "live": (("X-Powered-By", "PHP/7.2.24"), ("Cache-Control", "no-store, no-cache, must-revalidate"),
             ("Pragma", "no-cache"), ("Set-Cookie", "PHPSESSID=7n1q2w3e4r5t6y7u8i9o0p; path=/")),
}

_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites15(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite15") as sites:
        yield sites
