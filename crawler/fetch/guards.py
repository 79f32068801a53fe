"""The crawl's guard rules without Scrapy: its address policy, per-outlet budgets, redirect checks, unreadable robots.txt."""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from crawler.config.outlets import load_outlets, select_outlets
from crawler.fetch.limits import Limits
from crawler.fetch.safety import AddressPolicy
from crawler.fetch.whatwg import browser_location, host_refusal, without_dot_segments

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
    netlocs: set[str] = set()
    try:
        for outlet in select_outlets(load_outlets(settings.get("ARCHIVE_SEEDS")), list(outlets)):
            if outlet.name != UNLISTED:
                hosts.update(outlet.domains())
                netlocs.update(urlsplit(u).netloc for u in (outlet.homepage, *outlet.start_urls, *outlet.feeds,
                                                            *outlet.sitemaps) if u)
    except Exception as exc:  # noqa: BLE001 - the crawl reports a bad config itself; refuse every private host
        logger.debug("no outlet hosts for the address policy: %s", exc)
    return AddressPolicy.for_hosts(hosts, allow_private=limits.allow_private, netlocs=netlocs)


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


def other_outlet(host: str, outlet: str | None, outlets: Iterable[Any]) -> str | None:
    """The name of another configured outlet on whose domains ``host`` is, when it is on none of ``outlet``'s own
    (``outlets``: objects with ``name`` and ``domains()``), else None. The crawl's offsite filter reads every outlet's
    domains as one list, so one outlet's redirect to another's host was followed and the page filed under the first
    outlet (hostile web, round eleven)."""
    own = next((o for o in outlets if o.name == outlet), None)
    if own is None or not own.domains() or not is_offsite(host, own.domains()):
        return None
    return next((o.name for o in outlets if o.name != outlet and o.domains() and not is_offsite(host, o.domains())),
                None)


class UnreadableRobots:
    """The parser of a robots.txt that could not be read: nothing is allowed (RFC 9309 2.3.1.4)."""

    def __init__(self, detail: str):
        self.detail = detail

    def allowed(self, url: str, user_agent: str) -> bool:
        """Nothing is allowed."""
        return False


def redirect_target(request_url: str, location: bytes) -> str:
    """The URL a browser follows for a 3xx ``Location``, as Scrapy's RedirectMiddleware (2.19 ``process_response``)
    then reads it once ``as_followed`` has put it in the response: the browser reading of the value
    (``crawler.fetch.whatwg``), w3lib's ``safe_url_string`` of it, a ``//host`` one given the request's scheme,
    joined to the request's URL, the request's fragment kept when the target has none. Written out because Scrapy
    keeps it inline; the check must read it the same way: ``http:\\\\host\\x`` is ``http://host/x`` to
    safe_url_string, but ``urljoin`` first made it a path on the outlet's host, so the check passed what
    OffsiteMiddleware then dropped unrecorded (hostile web, stop 37); ``\\\\host/x`` and ``/\\host/x``, which
    safe_url_string reads as paths (``%5C%5Chost/x``), go to ``host`` in a browser (round nine). Raises ValueError
    for no URL, and for a host no DNS name can be (``whatwg.long_host``), before its quadratic IDNA encoding."""
    location = browser_location(location, request_url)
    if too_long := host_refusal(location.decode("utf-8", "replace")):  # before IDNA, quadratic (round twelve)
        raise ValueError(too_long)
    safe = safe_url_string(location)
    if location.startswith(b"//"):
        safe = urlsplit(request_url).scheme + "://" + safe.lstrip("/")
    target = without_dot_segments(urljoin(request_url, safe))
    if not urlsplit(target).fragment and (fragment := urlsplit(request_url).fragment):
        target = urljoin(target, f"#{fragment}")
    return target


def drop_userinfo(url: str) -> str:
    """``url`` without the ``user:pass@`` of its authority (``http://x%2f@host/a`` is ``http://host/a``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


_DOTS = re.compile(rb"/(?:\.|%2e)", re.IGNORECASE)  # a Location that may hold a dot segment: the target is put in


def as_followed(response: Any, location: bytes, request_url: str, target: str) -> tuple[Any, str]:
    """The 3xx ``response`` as RedirectMiddleware must follow it, and its target: its ``Location`` replaced by the
    target where Scrapy would read the value otherwise (a browser's backslashes, ``crawler.fetch.whatwg``) or where
    the target names ``user:pass@``, which is dropped.

    Twisted refuses a host with userinfo ("invalid hostname") and the credentials would be stored in failure rows: a
    link's userinfo is dropped too (``crawler.discovery.urls.canonicalize``). The response archived before this
    keeps its ``Location`` as served; the one passed on to RedirectMiddleware carries the URL checked.
    """
    bare = drop_userinfo(target)
    if bare == target and browser_location(location, request_url) == location and not _DOTS.search(location):
        return response, target
    headers = response.headers.copy()
    headers[b"Location"] = bare
    return response.replace(headers=headers), bare


# The Fetch Standard's bad ports (2.9 "Port blocking"): a browser refuses a request to any of them, whatever the host,
# so that a page cannot make it talk HTTP to a mail, FTP, IRC or SIP server (a cross-protocol request). A link,
# feed, sitemap or redirect from any page reached them; Scrapy has no such list (hand-written, as the standard's).
BAD_PORTS = frozenset({
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
    110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531,
    532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060,
    5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080})
# Ports of services that read a line of text as a command and that a crawler has no business talking to: Redis (its
# inline protocol runs "GET /x HTTP/1.1" lines; it hangs up at a "Host:" line only since 3.2.7, CVE-2016-10517),
# memcached, Elasticsearch's transport, the Docker and etcd APIs. Not in the Fetch list (browsers reach them), but
# an archive crawls news sites: a news page on one of these ports is not worth a forged command.
SERVICE_PORTS = frozenset({2375, 2376, 2379, 6379, 9300, 11211})


def port_refusal(url: str, policy: AddressPolicy | None = None) -> str | None:
    """Why the crawl sends nothing to the port of ``url`` (a Fetch Standard bad port, or a service port), else None;
    a port a configured outlet's own URL names (``policy.own_netlocs``) is allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None  # no port a request could be made to: refused elsewhere as no URL
    if policy is not None and parts.netloc.rpartition("@")[2].lower() in policy.own_netlocs:
        return None
    if port in BAD_PORTS:
        return f"port {port} is one a browser never fetches from (Fetch Standard 2.9, port blocking)"
    if port in SERVICE_PORTS:
        return f"port {port} is a service's (Redis, memcached, Docker, etcd), not a web site's"
    return None


def header_refusal(headers: Any) -> str | None:
    """Why a response is refused for its header values (Scrapy ``Headers`` or (name, values) pairs), else None: a NUL
    in a value. RFC 9110 5.5: a recipient of CR, LF or NUL in a field value MUST reject the message or replace them
    with SP; browsers reject a NUL (a network error: whatwg/xhr#165, WPT ``fetch/h1-parsing/
    resources-with-0x00-in-header``), Twisted's server does (``HTTPChannel.headerReceived``), and Twisted's client,
    which reads the answers of a crawl, takes it (a bare CR is already a space there; a LF ends the line). Other C0
    controls are kept, as browsers keep them (RFC 9110 5.5 allows it): the WARC holds them as sent, and warcio reads
    them back."""
    for name, values in headers.items():
        for value in values:
            if b"\x00" in value:
                shown = name.decode("latin-1", "replace")[:100] if isinstance(name, bytes) else str(name)[:100]
                return (f"a NUL byte in the value of the {shown} header: a browser refuses the whole answer "
                        "(RFC 9110 5.5; the exchange is archived as sent)")
    return None


def response_refusal(status: int, asked_range: bytes | None, headers: Any) -> tuple[str, str] | None:
    """(reason, detail) of an answer refused once archived: ``http-206`` (``unasked_partial``), ``bad-header``
    (``header_refusal``); else None."""
    if partial := unasked_partial(status, asked_range, headers.get(b"Content-Range")):
        return "http-206", partial
    if bad := header_refusal(headers):
        return "bad-header", bad
    return None


def url_refusal(url: str, policy: AddressPolicy | None = None) -> tuple[str, str] | None:
    """(reason, detail) of a URL no request is sent to: another scheme than http(s), a port ``port_refusal`` names."""
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        return "unsupported-scheme", f"{scheme}: only http and https are fetched"
    if port := port_refusal(url, policy):
        return "bad-port", port
    return None
