"""URL canonicalisation, so that one article is one catalogue row whatever link led to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that track the click or the session, never select content. Ambiguous names that some
# legacy CMSs use for content ("sid" = section id, "from", "output") are deliberately not here.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
    "_ga", "_gl", "ocid", "cmpid", "ref", "ref_src", "ref_url", "at_medium", "at_campaign", "ito", "xtor",
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "phpsessid", "sessionid",
    "session_id", "jsessionid", "cfid", "cftoken", "aspsessionid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "_hs", "vero_", "oly_")
# ;jsessionid=... path parameters (Java servers)
PATH_SESSION_RE = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
# Characters left unescaped in a path: RFC 3986 pchar plus "/", so "%D9%84" stays as is and "ل" becomes it.
PATH_SAFE = "/:@!$&'()*+,;=-._~%"
QUERY_SAFE = PATH_SAFE + "?"


def _is_tracking(name: str) -> bool:
    lname = name.lower()
    return lname in TRACKING_PARAMS or lname.startswith(TRACKING_PREFIXES)


def _requote(part: str, safe: str) -> str:
    # unquote then quote gives one spelling for "ليبيا", "%d9%84..." and "%D9%84..."
    return quote(unquote(part, errors="surrogateescape"), safe=safe, errors="surrogateescape")


def canonicalize(url: str) -> str:
    """The canonical form of ``url``.

    Lower-cased scheme and host (IDNA), default port dropped, fragment dropped, tracking and session
    parameters dropped, the remaining query sorted, the path percent-encoded in one spelling (upper-case
    UTF-8 escapes for Arabic slugs), empty path made "/". Different spellings of one page give one string.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host else host
    except UnicodeError:
        host = host.lower()
    host = host.lower()
    port = parts.port
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = PATH_SESSION_RE.sub("", parts.path) or "/"
    path = _requote(path, PATH_SAFE)
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query_pairs.sort()
    query = urlencode(query_pairs, quote_via=quote, safe="-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def choose_canonical(fetched_url: str, declared: str | None, allowed: tuple[str, ...]) -> str:
    """The article's canonical URL: the page's ``rel=canonical`` when it is trustworthy, else the fetched URL.

    A declared canonical is ignored when it is off the outlet's domains, is the site's home page, or is a
    listing rather than the article (some CMSs point every page at "/"), so such pages are not merged.
    """
    fetched = canonicalize(fetched_url)
    if not declared:
        return fetched
    candidate = canonicalize(declared)
    cparts = urlsplit(candidate)
    if cparts.scheme not in ("http", "https"):
        return fetched
    host = cparts.hostname or ""
    if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
        return fetched
    if cparts.path in ("", "/") and not cparts.query:
        return fetched
    return candidate
