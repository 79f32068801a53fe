"""A reference (a 3xx ``Location``, a meta refresh, a link) read as a browser reads it: the WHATWG URL Standard's
basic URL parser for the special schemes (http, https), where Python's ``urljoin`` reads RFC 3986 (no scrapy).

Three places where the two disagree, each a way to make the crawl fetch what no browser does, or to reach a host a
browser would reach by a URL that no guard read as that host:

* A backslash is a slash in the scheme, authority and path of a special URL (URL Standard 4.4, "special authority
  slashes", "path start" and "path" states): ``\\\\host/x`` and ``/\\host/x`` are ``//host/x`` (another host), ``a\\b``
  is the path ``a/b``. ``urljoin`` keeps ``\\`` as a path character, and w3lib's ``safe_url_string`` reads it as a
  slash only when the URL names its scheme (it then percent-encodes it in a relative one: ``%5C%5Chost/x``), so a
  ``Location: \\\\host/x`` was followed as ``/a/%5C%5Chost/x`` of the outlet (hostile web, round eight, left open).
* Leading and trailing C0 controls and spaces are stripped, and every tab, LF and CR removed, before parsing.
* A special scheme that is not the base's, with no ``//`` (``https:host/x`` on an http page), names a host (the
  "special authority ignore slashes" state), and so do three or more slashes (``///host/x``); ``urljoin`` made the
  first a URL with no host and the second a path.

Hand-written: none of the project's dependencies resolves a relative reference by the URL Standard. w3lib reads a
backslash as a slash only in a URL that names its special scheme (scrapy/w3lib#285, for ``_urlsplit``), never in a
relative one, and ``urljoin`` follows RFC 3986 by design. The query and fragment keep their backslashes, as the
standard does.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

SPECIAL = frozenset({"http", "https", "ws", "wss", "ftp", "file"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
# RFC 1035 2.3.4: a name is at most 253 characters written out (255 octets on the wire), a label at most 63; an IDNA
# A-label too (RFC 5890 2.3.2.1), and a Unicode label never encodes to fewer ASCII characters than it has letters.
HOST_MAX, LABEL_MAX = 253, 63


def long_host(host: str | None) -> str | None:
    """Why ``host`` (a URL's host, as ``urlsplit`` gives it) can be no DNS name for its length, else None: over
    ``HOST_MAX`` characters, or a label over ``LABEL_MAX``. Told before any IDNA encoding of it: Python's punycode
    encoder (which w3lib's ``safe_url_string``, Scrapy's ``Request`` and ``str.encode("idna")`` run) takes time
    quadratic in a label's distinct letters, and a host of 5,000 of them took 8 s, of 10,000 31 s, before IDNA
    refused it for its length (hostile web, round twelve). Checked by length alone, it costs nothing."""
    if not host or len(host) <= LABEL_MAX:
        return None
    if len(host) > HOST_MAX:
        return f"a host of {len(host)} characters (no DNS name is longer than {HOST_MAX}: RFC 1035 2.3.4)"
    label = max(host.split("."), key=len)
    if len(label) > LABEL_MAX:
        return f"a host label of {len(label)} characters (no DNS label is longer than {LABEL_MAX}: RFC 1035 2.3.4)"
    return None


def host_refusal(url: str) -> str | None:
    """``long_host`` of the host of ``url`` (None for no URL, which is refused elsewhere)."""
    try:
        return long_host(urlsplit(url).hostname)
    except ValueError:
        return None


def browser_reference(reference: str, base: str) -> str:
    """``reference`` rewritten so that ``urljoin(base, ...)`` reads it as a browser resolving it against ``base``
    does: stripped as the URL Standard strips it, backslashes made slashes before its query or fragment, and a host
    it names spelled ``//host`` (``\\\\host/x``, ``/\\host/x``, ``///host/x``, ``https:host/x`` on an http page)."""
    ref = reference.strip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)
    scheme_match = _SCHEME.match(ref)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    base_scheme = urlsplit(base).scheme.lower()
    if (scheme or base_scheme) not in SPECIAL:
        return ref
    cut = min((i for i in (ref.find("?"), ref.find("#")) if i >= 0), default=len(ref))
    ref = ref[:cut].replace("\\", "/") + ref[cut:]
    rest = ref[scheme_match.end():] if scheme_match else ref
    if "file" in (scheme, base_scheme):
        return ref  # "file:///etc/passwd" has an empty host (the "file host" state), which the rest below drops
    if scheme and scheme != base_scheme:
        return f"{scheme}://{rest.lstrip('/')}"  # another special scheme: its authority follows, slashes or not
    if rest.startswith("//"):
        return f"{scheme or base_scheme}://{rest.lstrip('/')}"  # scheme-relative, however many slashes
    return rest if scheme else ref  # "http:a/b" on an http page is the relative "a/b", as urljoin reads it too


def browser_join(base: str, reference: str) -> str:
    """``reference`` resolved against ``base`` as a browser resolves it (``browser_reference``, then ``urljoin``)."""
    if _plain(reference):  # nearly every link: read alike by both, so urljoin alone (half the cost, every link)
        return urljoin(base, reference)
    return urljoin(base, browser_reference(reference, base))


def _plain(reference: str) -> bool:
    """Whether ``urljoin`` reads ``reference`` as the URL Standard does: no backslash, no tab or newline, nothing to
    strip at either end, and no form whose host only a browser sees (``https:host/x``, ``///host/x``)."""
    if not reference or "\\" in reference or reference[0] <= " " or reference[-1] <= " " or "\t" in reference \
            or "\n" in reference or "\r" in reference:
        return False
    if reference[0] in "/.?#" or ":" not in reference:  # a path, a query, a fragment: no scheme to read
        return not reference.startswith("///")
    scheme = _SCHEME.match(reference)
    if scheme is None:
        return True
    rest = reference[scheme.end():]
    return scheme.group(1).islower() and rest.startswith("//") and not rest.startswith("///")


def browser_location(location: bytes, request_url: str) -> bytes:
    """A 3xx ``Location`` value as the browser reading of it, as bytes for Scrapy's RedirectMiddleware to follow."""
    text = location.decode("latin-1")
    read = browser_reference(text, request_url)
    return location if read == text else read.encode("latin-1")


_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)
_WHOLE_DOT_SEGMENT = re.compile(r"(?<=/)(?:\.|%2e){1,2}(?=/|$)", re.IGNORECASE)


def without_dot_segments(url: str) -> str:
    """``url`` with the ``.`` and ``..`` segments of its path resolved, as a browser and RFC 3986 5.2.2 resolve them
    in an absolute reference too (``urljoin`` leaves ``http://h/a/./b`` as it is, so a redirect to it was fetched as
    written, a URL no browser asks for, and a loop spelled anew with ``/./`` at each hop was not seen as one: hostile
    web, round thirteen). ``%2e`` is a dot here, as in the URL Standard's path state; ``%2f`` stays in its segment."""
    parts = urlsplit(url)
    if not _DOT_SEGMENT.search(parts.path):
        return url
    # only a whole segment of one or two dots is one: a %2e inside a name (``v1%2E2``) stays escaped, as the URL
    # Standard leaves it
    path = _WHOLE_DOT_SEGMENT.sub(lambda m: "." * (len(m[0]) - 2 * m[0].count("%")), parts.path)
    path = urlsplit(urljoin("http://h/", "/." + path)).path  # RFC 3986 5.2.4, run by urljoin ("/." keeps "//x" a path)
    return urlunsplit(parts._replace(path=path))
