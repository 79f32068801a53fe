"""URL canonicalisation, so that one article is one catalogue row whatever link led to it."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from crawler.fetch.whatwg import long_host

# Query parameters that track the click or the session, never select content. Ambiguous names that some
# legacy CMSs use for content ("sid" = section id, "from", "output") are deliberately not here.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
    "_ga", "_gl", "ocid", "cmpid", "ref", "ref_src", "ref_url", "at_medium", "at_campaign", "ito", "xtor",
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "phpsessid", "sessionid",
    "session_id", "jsessionid", "cfid", "cftoken", "aspsessionid",
    # the click ids of X/Twitter, TikTok, LinkedIn, Facebook's in-app browser, Google's organic results, Pinterest
    "twclid", "ttclid", "li_fat_id", "mibextid", "srsltid", "epik",
})
# "utm-" too: Blogger's "Blog Posts" gadget tags its links "?utm_source=BP_recent&utm-medium=gadget&utm-campaign=..."
TRACKING_PREFIXES = ("utm_", "utm-", "pk_", "mtm_", "hsa_", "__hs", "_hs", "vero_", "oly_")
# ;jsessionid=... path parameters (Java servers)
PATH_SESSION_RE = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
# ASP.NET cookieless sessions put the token in a path segment: "/(S(lit3py55t21z5v55vlm25s55))/News.aspx?id=5", or
# "(X(1)S(...))", "(A(...))", "(F(...))" (learn.microsoft.com, "ASP.NET Session State Overview", cookieless); the
# server answers the bare path too (it redirects to a fresh token), so the segment goes from every URL
ASPNET_SESSION_RE = re.compile(r"/\((?:[A-Z]\([A-Za-z0-9_-]*\))+\)(?=/|$)")
# Characters left unescaped in a path: RFC 3986 pchar plus "/", so "%D9%84" stays as is and "ل" becomes it.
PATH_SAFE = "/:@!$&'()*+,;=-._~%"
# Directory index documents: "/news/index.php" and "/news/" are one page on every common server (Apache
# DirectoryIndex, IIS default documents, nginx index). Only identity keys drop them; fetch URLs keep them, since a
# server without that mapping would answer "/news/" with 403 or 404.
DEFAULT_DOCUMENTS = frozenset({
    "index.php", "index.php3", "index.html", "index.htm", "index.shtml", "index.asp", "index.aspx", "index.jsp",
    "index.cfm", "index.cgi", "default.asp", "default.aspx", "default.htm", "default.html",
})
# A learned session parameter's values look like tokens: 8 or more letters, digits, "-", "_" or ".", with at least
# one letter and one digit (an all-digit value is far more often a content id: "id=20190417")
SESSION_VALUE_RE = re.compile(r"^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9._-]{8,}$")
# Forum engines' guest sessions, put in every link for a client that keeps no cookies: vBulletin's
# "showthread.php?s=<md5>&t=48213", phpBB's "viewtopic.php?f=2&t=7&sid=<md5>". The names are ambiguous alone ("sid"
# is a section id on legacy CMSs, "s" WordPress's search), so only a 32-hex value (an MD5, which no id or query is)
# with a letter is dropped (an all-digit value may be an id: tests/altsites14)
HASH_SESSION_PARAMS = frozenset({"s", "sid", "sess", "sessid", "session", "sessionhash"})
HASH_SESSION_VALUE_RE = re.compile(r"^(?=.*[a-fA-F])[0-9a-fA-F]{32}$")
# a server-side script, whose query selects what it shows
SCRIPT_RE = re.compile(r"\.(php\d?|aspx?|jspx?|cfm|cgi|pl|do|action)$", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lname = name.lower()
    return lname in TRACKING_PARAMS or lname.startswith(TRACKING_PREFIXES)


def _is_hash_session(name: str, value: str) -> bool:
    return name.lower() in HASH_SESSION_PARAMS and bool(HASH_SESSION_VALUE_RE.match(value))


# Escapes a path keeps as escapes: "%2F" is a "/" inside a segment, not a segment break ("/a/b%2Fc" and "/a/b/c" are
# two resources, and "..%2F..%2Fetc" must not climb the tree), and "%25" a literal "%" (RFC 3986 2.2 and 6.2.2.2:
# only unreserved characters' escapes may be decoded). Found by the hostile-web round two (issue 13).
KEPT_ESCAPES_RE = re.compile(r"(%2[fF]|%25)")


def _requote(part: str, safe: str) -> str:
    # unquote then quote gives one spelling for "ليبيا", "%d9%84..." and "%D9%84..."
    return quote(unquote(part, errors="surrogateescape"), safe=safe, errors="surrogateescape")


def _around_kept_escapes(path: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the text between KEPT_ESCAPES_RE's escapes, which stay escapes (upper-cased)."""
    if "%2" not in path:  # the common case: nothing to keep
        return change(path)
    pieces = KEPT_ESCAPES_RE.split(path)  # text, escape, text, ...
    return "".join(piece.upper() if i % 2 else change(piece) for i, piece in enumerate(pieces))


def _requote_path(path: str) -> str:
    """``_requote(path, PATH_SAFE)``, the escapes of KEPT_ESCAPES_RE kept."""
    return _around_kept_escapes(path, lambda text: _requote(text, PATH_SAFE))


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 5.2.4 remove_dot_segments, as urllib.parse.urljoin implements it: "/a/./b/../c" -> "/a/c";
    # ".." above the root stays at the root ("/../a" -> "/a")
    if "." not in path:
        return path
    # a path starting "//" would be read as a host: "/." in front keeps it a path and is itself removed
    return urlsplit(urljoin("http://h/", "/." + path if path.startswith("//") else path)).path or "/"


def _netloc(scheme: str, hostname: str | None, port: int | None) -> str:
    host = (hostname or "").rstrip(".")
    if ":" in host:
        # an IPv6 literal: urlsplit drops its brackets, which must come back or "http://::1:8080/" is unfetchable
        host = f"[{host.lower()}]"
    else:
        try:
            # no IDNA for a host too long to be a DNS name: its punycode takes quadratic time (round twelve)
            host = host.encode("idna").decode("ascii") if host and not long_host(host) else host
        except UnicodeError:
            pass
        host = host.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        return f"{host}:{port}"
    return host


# Hand-written rather than w3lib.url.canonicalize_url: w3lib keeps default ports ("http://h:80/" and "http://h/" stay
# two URLs) and path parameters (";jsessionid=..."), and knows no tracking or session parameters; its query encoding
# ("+" kept) also differs from the keys already stored in catalogues, which must not change (article ids hash them).
def canonicalize(url: str, drop_params: Iterable[str] = ()) -> str:
    """The canonical form of ``url``.

    Lower-cased scheme and host (IDNA; IPv6 literals keep their brackets), default port dropped, fragment
    dropped, ``.`` and ``..`` segments resolved (RFC 3986 5.2.4), ``;jsessionid=`` and ASP.NET ``/(S(...))/``
    path sessions dropped, tracking and session parameters dropped (and ``drop_params``: the session parameters
    learned for the outlet, where their value is token-like), the remaining query sorted, the path percent-encoded in
    one spelling (upper-case UTF-8 escapes for Arabic slugs), empty path made "/".
    Different spellings of one page give one string; the result is still the URL to fetch.
    """
    params = drop_params if isinstance(drop_params, tuple) else tuple(drop_params)
    if len(url) > CACHED_URL_MAX:  # a URL no crawl fetches: worked out, not remembered (see _canonical)
        return _canonical.__wrapped__(url, params)
    return _canonical(url, params)


# The cache below holds its 4,096 URLs whatever their length: 300 links of 100 KB kept 73 MB alive in the crawl
# process (each URL and its canonical form), a full cache of them ~1 GB. A URL past this length is refused anyway
# (CRAWL_URL_MAX_LENGTH, 2,083 by default), so it is worked out each time it comes, never kept.
CACHED_URL_MAX = 8192


# Remembered: the crawl writer resolves each article's URLs through 13 canonicalize calls (the page's, its request's,
# its rel=canonical, each with and without the outlet's session parameters, the outlet's listings), and 12 of them
# repeat one already made: 0.41 -> 0.24 ms of URL resolution per article on issue 10's benchmark mirror
@functools.lru_cache(maxsize=4096)
def _canonical(url: str, drop_params: tuple[str, ...]) -> str:
    """``canonicalize`` of a hashable ``drop_params``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, parts.hostname, parts.port)
    path = ASPNET_SESSION_RE.sub("", PATH_SESSION_RE.sub("", parts.path)) or "/"
    # after requoting, so "%2E%2E" (an escaped "..", RFC 3986 2.3) is resolved like ".."
    path = _remove_dot_segments(_requote_path(path))
    dropped = {d.lower() for d in drop_params}
    # a learned parameter goes only with a token-like value (what it was learned from): learned on one script, it
    # must not drop "?s=12345" from another, where it selects the page
    # surrogateescape both ways: a legacy site's windows-1256 query ("q=%E1%ED%C8%ED%C7") keeps its bytes, where
    # the UTF-8 default would turn every such value into U+FFFD and make different pages one URL
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True, errors="surrogateescape")
                   if not _is_tracking(k) and not _is_hash_session(k, v)
                   and not (k.lower() in dropped and SESSION_VALUE_RE.match(v))]
    query_pairs.sort()
    query = urlencode(query_pairs, quote_via=quote, safe="-._~", errors="surrogateescape")
    return urlunsplit((scheme, netloc, path, query, ""))


def _nfc_path(path: str) -> str:
    # an Arabic slug typed on one system and linked from another: "آ" (U+0622) and "ا" + U+0653 are one letter in
    # Unicode (canonical equivalence), but their UTF-8 escapes differ. Identity only: a server that matches bytes
    # would answer the other spelling with 404, so the URL fetched keeps the spelling the link had.
    if "%" not in path:
        return path
    decoded = unquote(path, errors="surrogateescape")
    nfc = unicodedata.normalize("NFC", decoded)
    if nfc == decoded:
        return path
    return _around_kept_escapes(path, lambda text: quote(
        unicodedata.normalize("NFC", unquote(text, errors="surrogateescape")), safe=PATH_SAFE, errors="surrogateescape"))


def _spelling_path(path: str) -> str:
    # "/news//2019/x" is "/news/2019/x" on nginx (merge_slashes, on by default) and on Apache serving files
    return re.sub(r"//+", "/", _nfc_path(path))


def _spelling(canonical: str) -> str:
    # one spelling of a canonical URL: its path in NFC with repeated slashes made one (what "url-rule" covers)
    parts = urlsplit(canonical)
    return urlunsplit((parts.scheme, parts.netloc, _spelling_path(parts.path), parts.query, ""))


def identity_key(url: str, drop_params: Iterable[str] = ()) -> str:
    """The canonical URL with a trailing default document dropped ("/news/index.php?id=3" -> "/news/?id=3"), the
    path in Unicode NFC and repeated slashes made one.

    Used to tell that two URLs name one page, never as the URL to fetch.
    """
    canonical = canonicalize(url, drop_params)
    parts = urlsplit(canonical)
    path = _spelling_path(parts.path)
    head, _, last = path.rpartition("/")
    if last.lower() in DEFAULT_DOCUMENTS:
        path = head + "/"
    if path == parts.path:
        return canonical
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def is_root(url: str, drop_params: Iterable[str] = ()) -> bool:
    """Whether ``url`` is a site's home page ("/", "/index.php", "/default.aspx": its identity key's path is the root,
    with no query), which names no article."""
    parts = urlsplit(identity_key(url, drop_params))
    return parts.path in ("", "/") and not parts.query


def url_rank(url: str) -> tuple[int, int, str]:
    """Sort key of one page's URLs, cleanest first: fewest query parameters, then shortest, then fewest capitals in
    the path, then alphabetical."""
    # capitals before alphabetical: a case-blind server (IIS) answers "/News/N0512A.htm" and "/news/n0512a.htm" with
    # one file, and ASCII order would put the capitals first; the lower-case spelling is the one the site's own
    # folder listings use (tests/altsites14)
    parts = urlsplit(url)
    return (len(parse_qsl(parts.query, keep_blank_values=True)), len(url), sum(c.isupper() for c in parts.path), url)


def session_params_between(a: str, b: str) -> tuple[str, ...]:
    """The query parameters that alone tell two URLs of one page apart, when they look like session tokens.

    Two URLs that serve the same article body and differ only in such parameters (a value that changes per
    visit, or a token one of them lacks) show those parameters do not select content on that site. Empty when
    the URLs differ in anything else (host, path, another parameter) or a differing value is not token-like
    (short or with other characters), since "sid=4" may well select a section; empty too when the differing
    parameters are the only ones and the path is a script (``SCRIPT_RE``: ".php", ".aspx" ...) or ends in "/"
    ("/story.php?code=a1b2c3d4e5"), where the token alone would select the page.
    """
    pa, pb = urlsplit(identity_key(a)), urlsplit(identity_key(b))
    if (pa.scheme, pa.netloc, pa.path) != (pb.scheme, pb.netloc, pb.path):
        return ()
    qa = dict(parse_qsl(pa.query, keep_blank_values=True))
    qb = dict(parse_qsl(pb.query, keep_blank_values=True))
    differing = sorted(k for k in qa.keys() | qb.keys() if qa.get(k) != qb.get(k))
    for name in differing:
        values = [v for v in (qa.get(name), qb.get(name)) if v is not None]
        if not values or not all(SESSION_VALUE_RE.match(v) for v in values):
            return ()
    if differing and not (qa.keys() - set(differing)) and (pa.path.endswith("/") or SCRIPT_RE.search(pa.path)):
        # nothing but the token would be left to select the page ("/story.php?code=a1b2c3d4e5"): two such URLs
        # with one body are more likely a script's default or error page than a session token
        return ()
    return tuple(differing)


def choose_canonical(fetched_url: str, declared: str | None, allowed: tuple[str, ...],
                     drop_params: Iterable[str] = (), listings: Iterable[str] = ()) -> str:
    """The article's canonical URL: the page's ``rel=canonical`` when it is trustworthy, else the fetched URL.

    A declared canonical is ignored when it is off the outlet's domains, is the site's home page (its identity
    key's path is "/" with no query: "/", "/index.php", "/default.aspx"), or is one of ``listings`` (the outlet's
    configured start pages, feeds and sitemaps: "/ar/", "/news/"): some CMSs point every page at a home or section
    page, and trusting that would make every article one row. Whether the canonical names *another* article is
    for the caller to judge by content (crawler.capture.ingest).
    """
    fetched = canonicalize(fetched_url, drop_params)
    if not declared:
        return fetched
    candidate = canonicalize(declared, drop_params)
    cparts = urlsplit(candidate)
    if cparts.scheme not in ("http", "https"):
        return fetched
    host = cparts.hostname or ""
    if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
        return fetched
    if is_root(candidate, drop_params):
        return fetched
    key = identity_key(candidate, drop_params)
    if any(key == identity_key(listing, drop_params) for listing in listings if listing):
        return fetched
    return candidate


def alias_reason(alias: str, target: str, drop_params: Iterable[str] = ()) -> str | None:
    """Which URL rule makes ``alias`` another address of ``target`` (article_aliases.how), or None when none does."""
    a, t = canonicalize(alias), canonicalize(target)
    if a == t or _spelling(a) == _spelling(t):
        return "url-rule"  # one URL spelt otherwise: escapes, NFD, "//"
    if canonicalize(alias, drop_params) == canonicalize(target, drop_params) or session_params_between(alias, target):
        return "session-param"
    if identity_key(alias, drop_params) == identity_key(target, drop_params):
        return "default-document"
    return None
