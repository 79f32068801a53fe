"""The guards of tests/test_hostile2_crawl.py called directly, for targets a test must never connect to
(non-loopback addresses): the redirect and meta-refresh check, the address policy, body sniffing, link parsing."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from types import SimpleNamespace

import pytest
from scrapy import Request
from twisted.python.failure import Failure

from crawler import netguard
from crawler.discovery import parsers
from crawler.fetch.head import binary_kind
from crawler.fetch.limits import Limits
from crawler.fetch.safety import AddressPolicy, address_kind, parse_ip_host
from crawler.netguard import Refused, check_redirect, classify


class _Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str) -> None:
        self.values[key] += 1


@pytest.fixture
def crawler(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A crawler of one public outlet, with the guarded resolver's policy (no private host of its own)."""
    monkeypatch.setattr(netguard, "installed_resolver", lambda: SimpleNamespace(policy=AddressPolicy()))
    return SimpleNamespace(stats=_Stats(), spider=SimpleNamespace(allowed_domains=["outlet.example"]))


LIMITS = Limits.from_settings({})
NOT_PUBLIC = [
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:c0a8:101::]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://outlet.example@10.0.0.1/",
    "http://0300.0250.0.1/",
    "http://167772161/",
    "http://0x0a.1/",
    "http://[fe80::1%25eth0]/",
    "http://[::10.0.0.1]/",
    "http://[fd00::1]/",
    "http://100.64.0.1/",
    "http://192.168.1.1./",
    "http://[2001::3f57:fefe]/",  # Teredo, client 192.168.1.1
]


@pytest.mark.parametrize("how", ["redirect", "meta refresh"])
@pytest.mark.parametrize("target", NOT_PUBLIC)
def test_redirects_and_refreshes_to_non_public_addresses_are_refused(crawler, target: str, how: str) -> None:
    request = Request("http://outlet.example/a/1")
    with pytest.raises(Refused) as refused:
        check_redirect(crawler, request, target, LIMITS, how)
    assert refused.value.reason == "private-address", (target, refused.value.detail)
    assert refused.value.detail.startswith(f"{how} to ")


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://outlet.example/",
        "gopher://10.0.0.1:70/_x",
        "jar:http://outlet.example/a!/b",
    ],
)
def test_other_schemes_are_refused_as_such(crawler, target: str) -> None:
    with pytest.raises(Refused) as refused:
        check_redirect(crawler, Request("http://outlet.example/a/1"), target, LIMITS, "meta refresh")
    assert refused.value.reason == "unsupported-scheme"


def test_an_offsite_refresh_a_loop_and_a_good_one(crawler) -> None:
    request = Request("http://outlet.example/a/1")
    with pytest.raises(Refused, match="offsite-redirect"):
        check_redirect(crawler, request, "http://elsewhere.example/", LIMITS, "meta refresh")
    with pytest.raises(Refused, match="redirect-loop"):
        check_redirect(crawler, request, "http://outlet.example/a/1", LIMITS, "meta refresh")
    check_redirect(crawler, request, "http://www.outlet.example/a/2", LIMITS, "meta refresh")  # passes
    assert crawler.stats.values == {
        "newsarchive/refused/offsite-redirect": 1,
        "newsarchive/refused/redirect-loop": 1,
    }


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("[::ffff:a9fe:a9fe]", "link-local (IPv4 169.254.169.254 inside IPv6)"),
        ("64:ff9b::a00:1", "private (IPv4 10.0.0.1 inside IPv6)"),
        ("2002:c0a8:101::", "private (IPv4 192.168.1.1 inside IPv6)"),
        ("0300.0250.0.1", "private"),
        ("167772161", "private"),
        ("0x0a.1", "private"),
        ("[fe80::1%25eth0]", "link-local"),
    ],
)
def test_more_spellings_of_non_public_addresses(host: str, kind: str) -> None:
    assert address_kind(parse_ip_host(host)) == kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        (b"\xff\xd8\xff\xe0", "a JPEG image"),
        (b"PK\x03\x04rest", "a ZIP archive (or an office document)"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "a RIFF media file"),
        (b"\0\0\0\x18ftypmp42", "an MP4 or HEIF media file"),
        (b"<!DOCTYPE html><p>%PDF-</p>", None),
        (b"\xef\xbb\xbf<html>", None),
        (b"<p>\0\0 nul bytes</p>", None),
        (b"", None),
    ],
)
def test_binary_bodies_are_recognised_and_html_is_not(body: bytes, kind: str | None) -> None:
    assert binary_kind(body) == kind


def test_a_bad_link_costs_no_other_link() -> None:
    bad = ["http://[oops/a/1", "http://outlet.example:99999/a/2", "http://outlet.example:port/a/3"]
    page = "".join(f'<a href="{u}">x</a>' for u in bad) + '<a href="/a/ok">y</a>'
    assert parsers.page_links(page, "http://outlet.example/") == ["http://outlet.example/a/ok"]
    feed = "".join(f"<item><link>{u}</link></item>" for u in [*bad, "/a/ok"])
    assert [
        link.url
        for link in parsers.parse_feed(
            f"<rss><channel>{feed}</channel></rss>".encode(), "http://outlet.example/"
        )
    ] == ["http://outlet.example/a/ok"]
    urls = "".join(f"<url><loc>{u}</loc></url>" for u in [*bad, "/a/ok"])
    assert [
        link.url
        for link in parsers.parse_sitemap(f"<urlset>{urls}</urlset>".encode(), "http://outlet.example/").links
    ] == ["http://outlet.example/a/ok"]
    assert parsers.robots_sitemaps(
        "Sitemap: http://[oops/s.xml\nSitemap: /s.xml\n", "http://outlet.example/"
    ) == ["http://outlet.example/s.xml"]


def test_a_gzip_bomb_feed_or_sitemap_is_too_large_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsers, "MAX_GUNZIP", 1000)
    bomb = gzip.compress(b"<rss><channel>" + b" " * 5000)
    assert parsers.parse_feed(bomb, "http://outlet.example/") == []
    assert parsers.parse_sitemap(bomb, "http://outlet.example/").links == ()
    reason, detail = parsers.empty_reason(bomb, "feed", "none")
    assert reason == "too-large" and "the feed was not read" in detail


@pytest.mark.parametrize(
    "exc",
    [
        gzip.BadGzipFile("Not a gzipped file (b'<!')"),
        zlib.error("invalid stored block"),
        EOFError("Compressed file ended before the end-of-stream marker was reached"),
    ],
)
def test_a_body_not_as_encoded_is_bad_encoding(exc: BaseException) -> None:
    reason, detail = classify(Failure(exc))
    assert reason == "bad-encoding" and "Content-Encoding" in detail
