"""The crawl's guard rules without Scrapy: its address policy, per-outlet budgets, redirect checks, unreadable robots.txt."""

from __future__ import annotations

import gzip
import logging
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from crawler.config.outlets import load_outlets, select_outlets
from crawler.fetch.limits import Limits
from crawler.fetch.safety import AddressPolicy

logger = logging.getLogger(__name__)

UNLISTED = "unlisted"  # crawler.scheduling.recrawl.UNLISTED: the ad-hoc outlet of `recrawl --any-outlet` is not "configured"

# What Scrapy's HttpCompressionMiddleware raises for a body that is not what its Content-Encoding says (a "gzip"
# page sent plain, a cut deflate stream): the server's fault, as a browser's ERR_CONTENT_DECODING_FAILED says. One
# error for each coding Scrapy asks for (its ACCEPTED_ENCODINGS): a page that lied about zstd was a fetch-error,
# retried for three crawls, where one that lied about gzip or br was bad-encoding (hostile web, round five).
DECODE_ERRORS: tuple[type[BaseException], ...] = (gzip.BadGzipFile, zlib.error, EOFError)
try:
    import brotli

    DECODE_ERRORS += (brotli.error,)
except ImportError:  # pragma: no cover - Scrapy then neither asks for nor decodes br
    pass
try:
    from compression import zstd  # type: ignore[import-not-found]  # Python 3.14
except ImportError:
    try:
        from backports import zstd  # what Scrapy decodes zstd with before 3.14
    except ImportError:  # pragma: no cover - Scrapy then neither asks for nor decodes zstd
        zstd = None
if zstd is not None:
    DECODE_ERRORS += (zstd.ZstdError,)


def unasked_partial(status: int, asked_range: bytes | None, content_range: bytes | None) -> str | None:
    """Why a response is refused as a part of the page: a 206 Partial Content to a request that asked for no range
    (a cache or CDN that serves a stored range to everyone), else None. Its body is a part of the page, which was
    stored as the whole article; the Fetch Standard makes such a response a network error ("rangeRequested")."""
    if status != 206 or asked_range:
        return None
    shown = (content_range or b"none").decode("latin-1")[:100]
    return (f"206 Partial Content (Content-Range: {shown}) to a request that asked for no range: a part of the "
            "page, not the page")


def unknown_transfer_coding(reasons: Iterable[object]) -> str | None:
    """The detail of a response whose Transfer-Encoding Twisted cannot decode, from its failure's reasons, else None.
    Twisted reads only ``chunked`` (RFC 9112 6.1 allows ``gzip, chunked``, rare) and fails with the header's value as
    a KeyError: a fetch-error retried for three crawls, its detail "KeyError: b'gzip, chunked'"."""
    for value in reasons:
        if isinstance(value, KeyError) and value.args and isinstance(value.args[0], bytes):
            coding = value.args[0].decode("latin-1")[:100]
            return f"Transfer-Encoding {coding!r}: only chunked is read (RFC 9112 6.1), the body is not readable"
    return None


def policy_from_settings(settings: Any) -> AddressPolicy:
    """The address policy of a crawl: its configured outlets' own non-public hosts, or everything if allowed."""
    limits = Limits.from_settings(settings)
    outlets = settings.get("ARCHIVE_OUTLETS") or []
    if isinstance(outlets, str):
        outlets = [o for o in outlets.split(",") if o]
    hosts: set[str] = set()
    try:
        for outlet in select_outlets(load_outlets(settings.get("ARCHIVE_SEEDS")), list(outlets)):
            if outlet.name != UNLISTED:
                hosts.update(outlet.domains())
    except Exception as exc:  # noqa: BLE001 - the crawl reports a bad config itself; refuse every private host
        logger.debug("no outlet hosts for the address policy: %s", exc)
    return AddressPolicy.for_hosts(hosts, allow_private=limits.allow_private)


class Budget:
    """Pages and bytes fetched per outlet in this crawl (shared by the two guard middlewares)."""

    def __init__(self) -> None:
        self.pages: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()

    def exhausted(self, outlet: str, limits: Limits) -> str | None:
        """Why ``outlet`` may send no more requests in this crawl, or None while it is within its budget."""
        if self.pages[outlet] >= limits.outlet_max_pages:
            return (f"{self.pages[outlet]} requests sent for {outlet} in this crawl; CRAWL_OUTLET_MAX_PAGES is "
                    f"{limits.outlet_max_pages}")
        if self.bytes[outlet] >= limits.outlet_max_bytes:
            return (f"{self.bytes[outlet]} bytes fetched for {outlet} in this crawl; CRAWL_OUTLET_MAX_BYTES is "
                    f"{limits.outlet_max_bytes}")
        return None


def redirect_loop(chain: Sequence[str], target: str) -> str | None:
    """The loop, as "a -> b -> a", when a redirect to ``target`` returns to a URL of ``chain``; else None."""
    if target in chain or target.split("#")[0] in chain:
        return " -> ".join([*chain[list(chain).index(target.split("#")[0]):], target])
    return None


def is_offsite(host: str, allowed_domains: Iterable[str]) -> bool:
    """True when ``allowed_domains`` is not empty and ``host`` is on none of them (a port on a domain is ignored)."""
    domains = [d.lower().rsplit(":", 1)[0] if d.count(":") == 1 else d.lower() for d in allowed_domains]
    host = host.lower()
    return bool(domains) and not any(host == d or host.endswith("." + d) for d in domains)


class UnreadableRobots:
    """The parser of a robots.txt that could not be read: nothing is allowed (RFC 9309 2.3.1.4)."""

    def __init__(self, detail: str):
        self.detail = detail

    def allowed(self, url: str, user_agent: str) -> bool:
        """Nothing is allowed."""
        return False


def redirect_target(request_url: str, location: bytes) -> str:
    """The URL Scrapy's RedirectMiddleware (2.19 ``process_response``) follows for a 3xx ``Location``: w3lib's
    ``safe_url_string`` of the raw value, a ``//host`` one given the request's scheme, joined to the request's URL,
    the request's fragment kept when the target has none. Written out because Scrapy keeps it inline; the check must
    read it the same way: ``http:\\\\host\\x`` and ``http:/\\host/x`` are ``http://host/x`` to safe_url_string (the
    WHATWG parser's backslash), but ``urljoin`` first made them paths on the outlet's host, so the check passed
    what OffsiteMiddleware then dropped unrecorded (hostile web, stop 37). Raises ValueError for no URL."""
    safe = safe_url_string(location)
    if location.startswith(b"//"):
        safe = urlsplit(request_url).scheme + "://" + safe.lstrip("/")
    target = urljoin(request_url, safe)
    if not urlsplit(target).fragment and (fragment := urlsplit(request_url).fragment):
        target = urljoin(target, f"#{fragment}")
    return target


def drop_userinfo(url: str) -> str:
    """``url`` without the ``user:pass@`` of its authority (``http://x%2f@host/a`` is ``http://host/a``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def without_userinfo(response: Any, target: str) -> tuple[Any, str]:
    """A redirect to ``http://user:pass@host/...`` as the same redirect without ``user:pass@``, and its target.

    Twisted refuses such a host ("invalid hostname") and the credentials would be stored in failure rows: a link's
    userinfo is dropped too (``crawler.discovery.urls.canonicalize``). The response archived before this keeps its
    ``Location`` as served; the one passed on to RedirectMiddleware carries the bare URL.
    """
    bare = drop_userinfo(target)
    if bare == target:
        return response, target
    headers = response.headers.copy()
    headers[b"Location"] = bare
    return response.replace(headers=headers), bare
