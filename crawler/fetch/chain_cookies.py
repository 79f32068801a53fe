"""Cookies that live for one redirect chain only (no scrapy imports).

The crawl keeps no cookie jar (``COOKIES_ENABLED = False``: the archive records what a first-time visitor is served,
not a session). Some sites put a gate in front of their pages that a browser passes in one round trip: a consent
page or a bot check ("testcookie") answers a visitor without its cookie with a redirect that sets the cookie and
leads back to the page (``/post/`` -> 302 ``/consent/?return=/post/`` + ``Set-Cookie`` -> 302 ``/post/``). Without
the cookie the crawl went round that loop until the duplicate filter or ``REDIRECT_MAX_TIMES`` stopped it, and every
page of the site was a ``redirect-loop`` failure. A browser that never visited the site before gets the page, so the
cookies a redirect sets are sent on the rest of its own chain (same host, path and expiry as RFC 6265 says, no
``Domain`` widening), and on nothing else: each new page starts without cookies again.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

ChainCookie = tuple[str, str, str, str]  # (host, path, name, value)


def _default_path(url_path: str) -> str:
    """RFC 6265 section 5.1.4: the request path up to its last slash, "/" when that is all."""
    if not url_path.startswith("/") or url_path.count("/") == 1:
        return "/"
    return url_path[: url_path.rindex("/")]


def _path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 section 5.1.4 path-match."""
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def add_set_cookies(
    jar: Iterable[ChainCookie], set_cookies: Iterable[str], url: str
) -> tuple[ChainCookie, ...]:
    """``jar`` with the cookies of the ``Set-Cookie`` values a response from ``url`` carried (a cookie set again
    replaces the old one; ``Max-Age`` <= 0 or an empty value deletes it)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    cookies = {(h, p, n): v for h, p, n, v in jar}
    for header in set_cookies:
        pair, *attrs = header.split(";")
        name, eq, value = pair.partition("=")
        name, value = name.strip(), value.strip().strip('"')
        if not eq or not name:
            continue
        path, expired = _default_path(parts.path or "/"), not value
        for attr in attrs:
            key, _, val = attr.partition("=")
            key, val = key.strip().lower(), val.strip()
            if key == "path" and val.startswith("/"):
                path = val
            elif key == "max-age" and val.lstrip("-").isdigit() and int(val) <= 0:
                expired = True
        cookies.pop((host, path, name), None)
        if not expired:
            cookies[(host, path, name)] = value
    return tuple((h, p, n, v) for (h, p, n), v in cookies.items())


def cookie_header(jar: Iterable[ChainCookie], url: str) -> str:
    """The ``Cookie`` header a browser holding ``jar`` sends to ``url`` ("" when none applies): same host only,
    longer paths first (RFC 6265 section 5.4)."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    matching = sorted(
        (c for c in jar if c[0] == host and _path_matches(path, c[1])), key=lambda c: -len(c[1])
    )
    return "; ".join(f"{name}={value}" for _, _, name, value in matching)


def new_cookies_for(meta: dict, target: str) -> bool:
    """True when a hop back to ``target``, a URL of its own chain, carries cookies that URL was not yet asked with
    (``meta`` the request's: ``chain_cookies`` and ``chain_sent``, kept by crawler.middlewares.ChainCookiesMiddleware):
    a gate passed, not a loop. The same cookies again are a loop; ``REDIRECT_MAX_TIMES`` bounds a site that sets a new
    one on every hop."""
    header = cookie_header(meta.get("chain_cookies", ()), target)
    return bool(header) and (target, header) not in meta.get("chain_sent", ())
