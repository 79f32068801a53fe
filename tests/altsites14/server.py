"""Serve the two outlets of tests/altsites14 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (vBulletin's PHP with its
no-cache headers; IIS 6 with FrontPage's ``MicrosoftOfficeWebServer`` and no charset)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .forum import ForumSite
from .wordsite import WordSite

ADDRESSES = {"forum": "127.0.0.123", "word": "127.0.0.124"}
SITE_CLASSES = {"forum": ForumSite, "word": WordSite}
SERVERS = {"forum": "Apache/2.2.22 (Unix)", "word": "Microsoft-IIS/6.0"}
EXTRA = {
    "forum": (("X-Powered-By", "PHP/5.3.29"), ("Cache-Control", "private"), ("Pragma", "private"),
              ("Expires", "0")),
    "word": (("MicrosoftOfficeWebServer", "5.0_Pub"), ("X-Powered-By", "ASP.NET")),
}

_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites14(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite14") as sites:
        yield sites
