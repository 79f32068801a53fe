"""Cookies that live for one redirect chain only (no scrapy imports).

The crawl keeps no cookie jar (``COOKIES_ENABLED = False``: the archive records what a first-time visitor is served,
not a session). Some sites put a gate in front of their pages that a browser passes in one round trip: a consent
page or a bot check ("testcookie") answers a visitor without its cookie with a redirect that sets the cookie and
leads back to the page (``/post/`` -> 302 ``/consent/?return=/post/`` + ``Set-Cookie`` -> 302 ``/post/``). Without
the cookie the crawl went round that loop until the duplicate filter or ``REDIRECT_MAX_TIMES`` stopped it, and every
page of the site was a ``redirect-loop`` failure. A browser that never visited the site before gets the page, so the
cookies a redirect sets are sent on the rest of its own chain (same host, path, expiry and ``Secure`` as RFC 6265
says, no ``Domain`` widening), and on nothing else: each new page starts without cookies again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import urlsplit

from crawler.fetch.limits import http_date

ChainCookie = tuple[str, str, str, str, bool]  # (host, path, name, value, secure)

# What a user agent must hold at least (RFC 6265 section 6.1), and here at most: a redirect chain whose every hop set
# 250 new cookies of 1 KB grew its Cookie header by 250 KB a hop (1.26 MB on the fifth, each hop's request archived
# whole); a gate sets one or two. Past the count the oldest of the host's cookies goes, as browsers evict.
COOKIE_MAX_BYTES, COOKIES_PER_HOST = 4096, 50


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


def _expires_past(value: str, now: datetime) -> bool | None:
    """Whether an ``Expires`` date is past (RFC 6265 section 5.2.1); None when it is no date (the attribute is
    then ignored)."""
    when = http_date(value)
    return None if when is None else when <= now


def add_set_cookies(
    jar: Iterable[ChainCookie], set_cookies: Iterable[str], url: str, now: datetime | None = None
) -> tuple[ChainCookie, ...]:
    """``jar`` with the cookies of the ``Set-Cookie`` values a response from ``url`` carried (a cookie set again
    replaces the old one; ``Max-Age`` <= 0, else an ``Expires`` date not after ``now``, or an empty value deletes
    it). Values are kept as sent, quotes and all (RFC 6265 section 5.2)."""
    now = now or datetime.now(timezone.utc)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    cookies = {(h, p, n): (v, secure) for h, p, n, v, secure in jar}
    for header in set_cookies:
        pair, *attrs = header.split(";")
        name, eq, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or len(name) + len(value) > COOKIE_MAX_BYTES:
            continue
        path, secure, max_age, expires = _default_path(parts.path or "/"), False, None, None
        for attr in attrs:
            key, _, val = attr.partition("=")
            key, val = key.strip().lower(), val.strip()
            if key == "path" and val.startswith("/"):
                path = val
            elif key == "secure":
                secure = True
            elif key == "max-age" and val.lstrip("-").isascii() and val.lstrip("-").isdigit():  # not "²"
                max_age = int(val) <= 0
            elif key == "expires":
                expires = _expires_past(val, now)
        # section 5.3 step 3: Max-Age, when present, wins over Expires
        expired = not value or bool(max_age if max_age is not None else expires)
        cookies.pop((host, path, name), None)
        if not expired:
            cookies[(host, path, name)] = (value, secure)
            held = [held for held in cookies if held[0] == host]  # dicts keep insertion order: oldest first
            for oldest in held[: max(0, len(held) - COOKIES_PER_HOST)]:
                del cookies[oldest]
    return tuple((h, p, n, v, secure) for (h, p, n), (v, secure) in cookies.items())


def cookie_header(jar: Iterable[ChainCookie], url: str) -> str:
    """The ``Cookie`` header a browser holding ``jar`` sends to ``url`` ("" when none applies): same host only,
    ``Secure`` ones over https only, longer paths first (RFC 6265 section 5.4)."""
    parts = urlsplit(url)
    host, path, https = (parts.hostname or "").lower(), parts.path or "/", parts.scheme.lower() == "https"
    matching = sorted(
        (c for c in jar if c[0] == host and _path_matches(path, c[1]) and (https or not c[4])),
        key=lambda c: -len(c[1]),
    )
    return "; ".join(f"{name}={value}" for _, _, name, value, _ in matching)


def new_cookies_for(meta: dict, target: str) -> bool:
    """True when a hop back to ``target``, a URL of its own chain, carries cookies that URL was not yet asked with
    (``meta`` the request's: ``chain_cookies`` and ``chain_sent``, kept by
    crawler.middlewares.cookies.ChainCookiesMiddleware):
    a gate passed, not a loop. The same cookies again are a loop; ``REDIRECT_MAX_TIMES`` bounds a site that sets a new
    one on every hop."""
    header = cookie_header(meta.get("chain_cookies", ()), target)
    return bool(header) and (target, header) not in meta.get("chain_sent", ())
