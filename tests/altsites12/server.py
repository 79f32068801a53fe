"""Serve the two outlets of tests/altsites12 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (Drupal 7's ``X-Generator`` and
``X-Drupal-Cache``; t.me's nginx with ``Strict-Transport-Security`` and no-store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .drupal import DrupalSite
from .telegram import TelegramSite

ADDRESSES = {"drupal": "127.0.0.117", "telegram": "127.0.0.118"}
SITE_CLASSES = {"drupal": DrupalSite, "telegram": TelegramSite}
SERVERS = {"drupal": "Apache/2.4.29 (Ubuntu)", "telegram": "nginx/1.18.0"}
EXTRA = {
    "drupal": (("X-Generator", "Drupal 7 (http://drupal.org)"), ("X-Drupal-Cache", "MISS"),
               ("Expires", "Sun, 19 Nov 1978 05:00:00 GMT"), ("Cache-Control", "no-cache, must-revalidate"),
               ("X-Content-Type-Options", "nosniff"), ("Content-Language", "ar")),
    "telegram": (("Set-Cookie", "stel_ssid=0a1b2c3d4e5f6a7b8c_1234567890123456; expires=Tue, 12 Sep 2023 00:00:00 GMT; "
                                "path=/; samesite=None; secure; HttpOnly"),
                 ("Pragma", "no-cache"), ("Cache-control", "no-store"), ("X-Frame-Options", "SAMEORIGIN"),
                 ("Strict-Transport-Security", "max-age=35768000")),
}


_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites12(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite12") as sites:
        yield sites
