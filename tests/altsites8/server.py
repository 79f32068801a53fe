"""Serve the two outlets of tests/altsites8 on their own loopback addresses, logging every request (stdlib only; the
handler is tests/altsites4's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from altsites.server import AltSites
from altsites2.server import serve_on_loopback
from altsites4 import server as server4

from .paywall import PaywallSite
from .spa import SpaSite

ADDRESSES = {"spa": "127.0.0.101", "paywall": "127.0.0.102"}
SITE_CLASSES = {"spa": SpaSite, "paywall": PaywallSite}
server4.SERVERS.update({"spa": "nginx/1.18.0", "paywall": "Apache/2.4.41 (Ubuntu)"})


@contextmanager
def serve_alt_sites8(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(
        SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, server4._handler_for, "altsite8"
    ) as sites:
        yield sites
