"""Serve the two outlets of tests/altsites17 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (the agency's nginx and its CDN
headers; the scroll site's PHP behind Varnish)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .agency import AgencySite
from .scroll import ScrollSite

ADDRESSES = {"agency": "127.0.0.171", "scroll": "127.0.0.172"}
SITE_CLASSES = {"agency": AgencySite, "scroll": ScrollSite}
SERVERS = {"agency": "nginx", "scroll": "Apache"}
EXTRA = {
    "agency": (("X-Cache", "HIT"), ("Content-Language", "ar, en, fr")),
    "scroll": (("X-Powered-By", "PHP/7.3.9"), ("Via", "1.1 varnish"), ("X-Varnish", "32770")),
}

_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites17(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite17") as sites:
        yield sites
