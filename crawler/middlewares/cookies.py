"""The cookies a redirect (or a meta refresh) sets, sent on the rest of its chain and on no other request."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.http import Response

from crawler.fetch.chain_cookies import add_set_cookies, cookie_header


class ChainCookiesMiddleware:
    """Send the cookies a redirect set on the rest of that redirect chain, and on no other request (a consent or
    cookie-check gate passed as a first-time visitor passes it; crawler/fetch/chain_cookies.py). Sits above
    ResponseGuardMiddleware (700), so a 3xx's ``Set-Cookie`` is read before its loop check and before the next hop
    is built from the request, and below WarcCaptureMiddleware (950), so the WARC holds the ``Cookie`` header as
    sent.

    The jar rides in ``meta``, which Scrapy's redirects copy onto the next hop, and so do its retries: a hop's own
    cookies (``chain_cookies_hop``: its URL and place in ``redirect_urls``) go to later hops only, so a retry of a 503
    that set a cookie is sent with the jar its first try had (``chain_cookies_before``)."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Add the chain's cookies that apply to this hop (or drop one carried over to another host or a retry)."""
        meta = request.meta
        if "chain_cookies" not in meta:  # an empty jar too: a hop that deleted the last cookie sends none
            return
        if meta.get("chain_cookies_hop") == _hop(request):  # the hop that set them, again: a retry
            meta["chain_cookies"] = meta.pop("chain_cookies_before", ())
            del meta["chain_cookies_hop"]
        request.headers.pop("Cookie", None)  # the previous hop's, copied by Scrapy's redirect or retry
        header = cookie_header(meta["chain_cookies"], request.url)
        if header:
            request.headers["Cookie"] = header
            meta["chain_sent"] = (*meta.get("chain_sent", ()), (request.url, header))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """Keep the cookies this response sets for the hops that follow it (a redirect or a meta refresh)."""
        values = response.headers.getlist("Set-Cookie")
        if values:
            meta, hop = request.meta, _hop(request)
            if meta.get("chain_cookies_hop") != hop:
                meta["chain_cookies_before"], meta["chain_cookies_hop"] = meta.get("chain_cookies", ()), hop
            meta["chain_cookies"] = add_set_cookies(
                meta.get("chain_cookies", ()), [v.decode("latin-1") for v in values], response.url)
        return response


def _hop(request: Request) -> tuple[str, int]:
    """Which hop of its redirect chain a request is (a retry copies it: the same hop)."""
    return request.url, len(request.meta.get("redirect_urls", ()))
