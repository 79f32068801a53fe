"""Serve the two outlets of tests/altsites13 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (Vercel's ``x-vercel-cache``
and ``x-powered-by: Next.js``; Ghost's Express ``x-powered-by`` and its cache headers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites10.server import gzip_handlers

from .ghost import GhostSite
from .nextjs import NextSite

ADDRESSES = {"nextjs": "127.0.0.119", "ghost": "127.0.0.120"}
SITE_CLASSES = {"nextjs": NextSite, "ghost": GhostSite}
SERVERS = {"nextjs": "Vercel", "ghost": "nginx"}
EXTRA = {
    "nextjs": (("X-Powered-By", "Next.js"), ("X-Vercel-Cache", "HIT"), ("X-Vercel-Id", "fra1::iad1::7xk2p-1685312400"),
               ("Cache-Control", "private, no-cache, no-store, max-age=0, must-revalidate"),
               ("Strict-Transport-Security", "max-age=63072000")),
    "ghost": (("X-Powered-By", "Express"), ("Cache-Control", "public, max-age=0"), ("Vary", "Accept-Version, Accept-Encoding")),
}


_handler_for = gzip_handlers(SERVERS, EXTRA)  # the platform's headers, gzip, every request logged


@contextmanager
def serve_alt_sites13(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite13") as sites:
        yield sites
