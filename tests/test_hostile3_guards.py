"""Round three's guards called directly: charset labels that are codecs, and the middleware that drops them."""

from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse

from crawler.extraction.decode import decode_html
from crawler.fetch.head import charset_for_foreign_meta, foreign_codec, without_foreign_charset
from crawler.middlewares import CharsetLabelMiddleware


@pytest.mark.parametrize(
    "label", ["zlib", "base64", "hex", "bz2", "rot13", "uu", "undefined", "punycode", "idna"]
)
def test_codecs_that_are_no_web_encoding_are_foreign(label: str) -> None:
    assert foreign_codec(label)
    assert without_foreign_charset(f"text/html; charset={label}") == "text/html"


@pytest.mark.parametrize(
    "label",
    [
        "utf-8",
        '"UTF-8"',
        "windows-1256",
        "cp1256",
        "arabic",
        "iso-8859-6",
        "iso-8859-1",
        "latin1",
        "shift_jis",
        "euc-kr",
        "gbk",
        "big5",
        "utf-16le",
        "koi8-r",
        "nonsense",
        "utf-7",
    ],
)
def test_web_encodings_and_unknown_labels_are_kept(label: str) -> None:
    """Web encodings stay; a label Python does not know is left too (w3lib ignores it already)."""
    assert foreign_codec(label) is None
    assert without_foreign_charset(f"text/html; charset={label}") is None


def test_other_parameters_stay() -> None:
    assert without_foreign_charset("text/html; charset=base64; q=1") == "text/html; q=1"


def _middleware() -> tuple[CharsetLabelMiddleware, Counter]:
    stats: Counter = Counter()
    return CharsetLabelMiddleware(
        SimpleNamespace(stats=SimpleNamespace(inc_value=lambda key: stats.update([key])))
    ), stats


def test_a_header_label_that_is_a_codec_is_dropped_and_the_page_reads() -> None:
    middleware, _ = _middleware()
    body = "<html><body><p>خبر</p></body></html>".encode()
    response = HtmlResponse(
        "http://outlet.example/a/1", body=body, headers={"Content-Type": "text/html; charset=zlib"}
    )
    with pytest.raises(LookupError):
        _ = response.text  # what Scrapy's readers (meta refresh, selectors) hit before
    fixed = middleware.process_response(None, response)
    assert fixed.headers[b"Content-Type"] == b"text/html" and "خبر" in fixed.text and fixed.body == body


def test_a_punycode_meta_label_is_overridden_so_decoding_stays_linear() -> None:
    """Python's punycode decoder is quadratic: 2 MB took minutes. The header's label now wins over the page's."""
    middleware, _ = _middleware()
    body = b'<html><head><meta charset="punycode"></head><body>-' + b"zz9a" * 500_000 + b"</body></html>"
    response = HtmlResponse("http://outlet.example/", body=body, headers={"Content-Type": "text/html"})
    fixed = middleware.process_response(None, response)
    assert fixed.headers[b"Content-Type"] == b"text/html; charset=utf-8"
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    decode_html(fixed.body, fixed.headers[b"Content-Type"].decode())
    assert time.process_time() - started < 2


def test_the_fallback_for_a_foreign_meta_label() -> None:
    assert charset_for_foreign_meta("خبر".encode()) == "utf-8"
    assert charset_for_foreign_meta("خبر".encode("cp1256")) == "windows-1256"


def test_pages_with_web_labels_pass_untouched() -> None:
    middleware, _ = _middleware()
    for headers, body in [
        ({"Content-Type": "text/html; charset=windows-1256"}, b"<p>x</p>"),
        ({"Content-Type": "text/html"}, b'<meta charset="utf-8"><p>x</p>'),
        ({"Content-Type": "text/html"}, b"<p>no label</p>"),
    ]:
        response = HtmlResponse("http://outlet.example/", body=body, headers=headers)
        assert middleware.process_response(None, response) is response


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=punycode", "text/html", "text/html; charset=UTF-8"]
)
def test_decode_html_ignores_a_foreign_label_as_the_crawl_does(content_type: str) -> None:
    """``newsarchive extract`` re-reads the archived header and page with decode_html, not through the middleware: the
    same rule (crawler.fetch.head.web_content_type) applies there, so 2 MB under a punycode label, in the header or
    in ``<meta charset>``, decodes in linear time (minutes before) and a zlib label does not raise."""
    body = '<html><head><meta charset="punycode"></head><body><p>خبر</p>-'.encode() + b"zz9a" * 500_000
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    text = decode_html(body, content_type)
    assert time.process_time() - started < 2 and "خبر" in text
    assert "خبر" in decode_html("<p>خبر</p>".encode(), "text/html; charset=zlib")


@pytest.mark.parametrize("meta", ["punycode", "zlib"])
@pytest.mark.parametrize("label", ["x-unknown", "x-user-defined", "unicode"])
def test_a_header_label_python_does_not_know_cannot_let_a_foreign_meta_label_through(
    label: str, meta: str
) -> None:
    """w3lib reads the first charset parameter only, and falls back to ``<meta>`` when it does not resolve: the guard
    appended a second one (``charset=x-unknown; charset=utf-8``), never read, so punycode or zlib decoded the page
    after all (UnicodeDecodeError, LookupError, or punycode's quadratic time). Every charset parameter now goes."""
    middleware, _ = _middleware()
    body = f'<html><head><meta charset="{meta}"></head><body><p>خبر</p>-'.encode() + b"zz9a" * 200_000
    served = f"text/html; charset={label}"
    response = HtmlResponse("http://outlet.example/", body=body, headers={"Content-Type": served})
    fixed = middleware.process_response(None, response)
    assert fixed.headers[b"Content-Type"] == b"text/html; charset=utf-8"
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    assert "خبر" in fixed.text and "خبر" in decode_html(body, served)
    assert time.process_time() - started < 2
