"""Conditional request headers across redirects: a hop is asked only with validators of its own URL."""

from __future__ import annotations

from typing import Any

# The conditional headers a request carries, and the request meta key naming the URL whose capture gave them.
# Scrapy's redirect middleware copies every header onto the next hop's request, so the target of a 301 was asked with
# the validators of the URL that redirected: a target serving the same bytes (a trailing slash, http -> https, a slug
# moved on a CMS whose ETag hashes the page) answered 304 to a URL never captured, archived as an empty 304 response
# and replayed as a blank page (stop 40's probe). Scrapy has no setting for it (its RedirectMiddleware drops only
# Cookie, Authorization and proxy headers across origins).
CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")
VALIDATED_URL = "validated_url"


def drop_inherited_validators(request: Any) -> bool:
    """Remove the conditional headers a redirect hop's request inherited from another URL's request, as an HTTP cache
    validates a stored response only with that response's own validators (RFC 9111 4.3.1); True when it removed any.

    ``request`` is a Scrapy ``Request`` (its ``meta`` and ``headers``); a retry of the same URL, or a chain that comes
    back to the URL the validators are of (a consent gate), keeps them.
    """
    if not request.meta.get("redirect_urls") or request.meta.get(VALIDATED_URL) == request.url:
        return False
    dropped = [name for name in CONDITIONAL_HEADERS if request.headers.pop(name, None) is not None]
    request.meta.pop(VALIDATED_URL, None)
    return bool(dropped)
