"""HeadMetaRefreshMiddleware on pages that declare no charset (no header charset, BOM or <meta charset>)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.fetch.head import HEAD_BYTES
from crawler.middlewares import HeadMetaRefreshMiddleware

FILLER = "<p>" + "تواصلت الاشتباكات في العاصمة الليبية طرابلس لليوم الثالث على التوالي. " * 40 + "</p>\n"


def undeclared(title: str, refresh: str = "") -> bytes:
    """A long UTF-8 Arabic page that names no charset anywhere: Scrapy infers its encoding from the bytes."""
    meta = f'<meta http-equiv="refresh" content="0; url={refresh}">' if refresh else ""
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head>{meta}<title>{title}</title></head><body>'
            f"<article><h1>{title}</h1>{FILLER * 12}</article></body></html>").encode()


@pytest.fixture
def middleware():
    return build_from_crawler(HeadMetaRefreshMiddleware, get_crawler())


def test_a_long_page_that_declares_no_charset_is_not_decoded_whole(middleware):
    request = Request("http://127.0.0.1/news/5")
    body = undeclared("خبر")
    assert len(body) > 2 * HEAD_BYTES
    response = HtmlResponse(request.url, body=body, request=request, headers={"Content-Type": "text/html"})
    assert middleware.process_response(request, response) is response
    # Response.replace copies ``encoding``, whose inference decodes the whole body and keeps the text on the response
    assert response._cached_ubody is None


def test_a_long_page_that_declares_no_charset_is_still_redirected(middleware):
    request = Request("http://127.0.0.1/news/6")
    body = undeclared("انتقل", refresh="/news/7")
    response = HtmlResponse(request.url, body=body, request=request, headers={"Content-Type": "text/html"})
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1/news/7"


def test_a_long_cp1256_page_that_declares_no_charset_is_redirected_as_scrapy_would(middleware):
    request = Request("http://127.0.0.1/news/8")
    body = undeclared("انتقل", refresh="/news/9").decode().encode("cp1256")
    whole = HtmlResponse(request.url, body=body, request=request, headers={"Content-Type": "text/html"})
    response = HtmlResponse(request.url, body=body, request=request, headers={"Content-Type": "text/html"})
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1/news/9" == whole.urljoin(whole.css("meta::attr(content)").get()[7:])
    assert response._cached_ubody is None
