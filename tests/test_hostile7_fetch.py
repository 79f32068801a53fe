"""Hostile web, stop 37 (probe L): a 3xx whose Location spells its host with backslashes, and a meta refresh whose
URL carries a userinfo holding an escaped slash.

The real middlewares over real Scrapy requests and responses (no socket: the targets are loopback hosts that are
not the outlet's). /tmp/probe37_L/r1 and r4 hold the crawls that found them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import netguard
from crawler.fetch.refresh import meta_refresh
from crawler.fetch.safety import AddressPolicy
from crawler.middlewares import HeadMetaRefreshMiddleware
from crawler.netguard import Refused, ResponseGuardMiddleware

OUTLET, OTHER_OUTLET = "127.37.12.3", "127.37.12.7"  # 127.37.12.9 is no outlet's


class _Outlet(Spider):
    name = "outlet"
    allowed_domains = [OUTLET]


@pytest.fixture
def crawler(monkeypatch: pytest.MonkeyPatch):
    """A Scrapy crawler of an outlet on a loopback host, under the guarded resolver's policy for the outlets' hosts."""
    policy = AddressPolicy.for_hosts({OUTLET, OTHER_OUTLET})
    monkeypatch.setattr(netguard, "installed_resolver", lambda: SimpleNamespace(policy=policy))
    crawler = get_crawler(_Outlet)
    crawler.spider = _Outlet()
    return crawler


@pytest.mark.parametrize("location", [
    b"http:\\\\127.37.12.9:8089\\x",  # the probe's two spellings: a browser's and Scrapy's http://127.37.12.9:8089/x
    b"http:/\\127.37.12.9:8089/x",
    b"http://127.37.12.9:8089/x",
])
def test_a_redirect_to_a_backslashed_host_is_refused_as_the_plain_one(crawler, location: bytes) -> None:
    request = Request(f"http://{OUTLET}:8083/a")
    response = HtmlResponse(request.url, status=301, headers={"Location": location}, body=b"", request=request)
    with pytest.raises(Refused) as refused:
        ResponseGuardMiddleware(crawler).process_response(request, response)
    assert refused.value.reason == "private-address"
    assert "redirect to http://127.37.12.9:8089/x:" in refused.value.detail


def test_the_checked_target_is_the_one_scrapy_follows() -> None:
    # imported here, new at stop 37: the other tests of this file run on the tree before it too
    from crawler.fetch.guards import redirect_target

    base = f"http://{OUTLET}:8083/a#top"
    assert redirect_target(base, b"http:\\\\h.example\\x") == "http://h.example/x#top"
    assert redirect_target(base, b"//h.example/y#z") == "http://h.example/y#z"
    assert redirect_target(base, b" /b c ") == f"http://{OUTLET}:8083/b%20c#top"


TARGET = "http://127.37.12.9%2f@127.37.12.7:8087/news/target"


def test_a_refresh_drops_the_userinfo_as_a_redirect_does(crawler) -> None:
    page = "http://127.37.12.7:8087/news/refresh"
    html = f"<html><head><meta http-equiv='refresh' content='0; url={TARGET}'></head><body>x</body></html>"
    assert meta_refresh(html, page) == (0.0, "http://127.37.12.7:8087/news/target")
    crawler.spider.allowed_domains = [OTHER_OUTLET]
    request = Request(page)
    followed = HeadMetaRefreshMiddleware.from_crawler(crawler).process_response(
        request, HtmlResponse(page, body=html.encode(), request=request))
    assert isinstance(followed, Request) and followed.url == "http://127.37.12.7:8087/news/target"
