"""Round nine's checks called directly, sending nothing: references read as a browser reads them
(crawler/fetch/whatwg.py), header values and ports refused (crawler/fetch/guards.py), the address policy on the
spellings an attacker tries, a DNS answer that changes between two lookups, and WARC records whose header values
hold C0 controls, read back with warcio."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from twisted.internet.address import IPv4Address
from warcio.archiveiterator import ArchiveIterator

from archive.records import Exchange
from archive.warc.build import RecordFactory, record_bytes
from crawler.fetch.safety import AddressPolicy
from crawler.resolver import GuardedResolver

PAGE = "http://127.39.9.1:8091/a/b?q"

# -- references: the URL Standard's reading of a special URL ----------------------------------------------------------


@pytest.mark.parametrize(("reference", "browser"), [
    ("\\\\127.39.9.2/x", "http://127.39.9.2/x"),  # was http://127.39.9.1:8091/a/%5C%5C127.39.9.2/x
    ("/\\127.39.9.2/x", "http://127.39.9.2/x"),
    ("\\/127.39.9.2/x", "http://127.39.9.2/x"),
    ("///127.39.9.2/x", "http://127.39.9.2/x"),  # urljoin: a path of the page's host
    ("https:127.39.9.2/x", "https://127.39.9.2/x"),  # another special scheme: its host follows, slashes or not
    ("http:\\\\127.39.9.2\\x", "http://127.39.9.2/x"),
    ("https://h.example\\@127.39.9.1/", "https://h.example/@127.39.9.1/"),  # the host a browser connects to
    ("\\a\\c", "http://127.39.9.1:8091/a/c"),
    ("c\\d?e\\f#g\\h", "http://127.39.9.1:8091/a/c/d?e\\f#g\\h"),  # the query and fragment keep theirs
    (" \t/x\n/y\x01 ", "http://127.39.9.1:8091/x/y"),  # C0 and spaces stripped, tabs and newlines removed
    ("http:c", "http://127.39.9.1:8091/a/c"),  # the page's own scheme and no //: relative, as urljoin reads it
    ("http:/c", "http://127.39.9.1:8091/c"),
    ("//h.example/y", "http://h.example/y"),
    ("?z", "http://127.39.9.1:8091/a/b?z"),
    ("mailto:a\\b@c", "mailto:a\\b@c"),  # not a special scheme: left as it is
    ("file:///etc/passwd", "file:///etc/passwd"),  # refused as a scheme later: its empty host is kept
])
def test_a_reference_resolves_as_a_browser_resolves_it(reference: str, browser: str) -> None:
    from crawler.fetch.whatwg import browser_join

    assert browser_join(PAGE, reference) == browser


@pytest.mark.parametrize(("location", "target"), [
    (b"\\\\127.39.9.2:8092/x", "http://127.39.9.2:8092/x"),  # was followed as /a/%5C%5C127.39.9.2:8092/x
    (b"/\\127.39.9.2:8092/x", "http://127.39.9.2:8092/x"),
    (b"https:127.39.9.2:8092/x", "https://127.39.9.2:8092/x"),  # was "https:127.39.9.2:8092/x", no host
    (b"\\a\\c", "http://127.39.9.1:8091/a/c"),
])
def test_a_location_is_checked_where_a_browser_goes(location: bytes, target: str) -> None:
    from crawler.fetch.guards import as_followed, redirect_target

    assert redirect_target(PAGE, location) == target
    request = Request(PAGE)
    response = HtmlResponse(PAGE, status=302, headers={"Location": location}, body=b"", request=request)
    followed, checked = as_followed(response, location, PAGE, target)
    assert followed.headers[b"Location"] == target.encode() and checked == target  # what Scrapy then follows
    assert response.headers[b"Location"] == location  # the archived response keeps it as served


@pytest.mark.parametrize(("head", "target"), [
    ('<meta http-equiv="refresh" content="0;url=\\\\127.39.9.2/x">', "http://127.39.9.2/x"),
    ('<base href="\\\\127.39.9.2/d/"><meta http-equiv="refresh" content="0;url=x">', "http://127.39.9.2/d/x"),
    ('<base href="/e/"><meta http-equiv="refresh" content="0;url=x">', "http://127.39.9.1:8091/e/x"),
])
def test_a_refresh_and_its_base_are_read_as_a_browser_reads_them(head: str, target: str) -> None:
    from crawler.fetch.refresh import meta_refresh

    assert meta_refresh(f"<html><head>{head}</head><body>x</body></html>", PAGE) == (0.0, target)


# -- header values: a NUL refuses the answer; other C0 controls are kept ---------------------------------------------


def test_a_nul_in_a_header_value_refuses_the_answer() -> None:
    from crawler.fetch.guards import header_refusal, response_refusal

    headers = HtmlResponse(PAGE, headers={"X-Note": b"a\x00b", "Content-Type": "text/html"}).headers
    assert "NUL byte in the value of the X-Note header" in (header_refusal(headers) or "")
    assert (response_refusal(200, None, headers) or ("",))[0] == "bad-header"
    kept = HtmlResponse(PAGE, headers={"X-A": b"a\x01b\x0bc\x0cd\x1be\x7ff\x85g", "X-B": b"\ttab\t"}).headers
    assert header_refusal(kept) is None  # as browsers keep them (RFC 9110 5.5 allows it)
    assert response_refusal(206, None, kept)[0] == "http-206"  # round five's refusal, unchanged


def test_a_record_whose_header_values_hold_c0_controls_is_read_back_by_warcio() -> None:
    values = ["a\x00b", "a\x01b", "a\x0bb", "a\x0cb", "a\x1bb", "a\x1cb", "a\x1eb", "a\x7fb", "a\x85b", "\x08a\tb"]
    headers = (*((f"X-{n}", v) for n, v in enumerate(values)), ("Content-Type", "text/html"))
    exchange = Exchange(url="http://127.39.9.1:8091/p/c0", method="GET", request_headers=(("Host", "127.39.9.1"),),
                        request_body=b"", status=200, reason="OK", protocol="HTTP/1.1", response_headers=headers,
                        body=b"<p>x</p>", fetched_at=datetime.now(UTC), ip_address="127.39.9.1")
    data = record_bytes(RecordFactory().response(exchange))
    read = [(record.rec_type, record.http_headers.headers, record.content_stream().read())
            for record in ArchiveIterator(io.BytesIO(data))]
    assert read == [("response", list(headers), b"<p>x</p>")]


# -- ports no browser fetches from ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "reason"), [
    ("http://127.39.9.1:25/a", "bad-port"), ("https://news.example:6379/a", "bad-port"),
    ("http://news.example:0/", "bad-port"), ("http://news.example:6000/", "bad-port"),
    ("http://news.example:11211/", "bad-port"), ("gopher://news.example/", "unsupported-scheme"),
    ("http://news.example/", None), ("https://news.example:443/", None), ("http://127.39.9.1:8080/", None),
    ("http://[x/", None),  # no URL: refused elsewhere as one
])
def test_a_port_no_browser_fetches_from_is_refused(url: str, reason: str | None) -> None:
    from crawler.fetch.guards import url_refusal

    refusal = url_refusal(url) if url != "http://[x/" else None
    assert (refusal[0] if refusal else None) == reason


def test_a_port_a_configured_outlet_names_is_allowed() -> None:
    """An outlet the operator configured at such a port (tests/hostile's unreachable one is at port 9) is asked."""
    from crawler.fetch.guards import url_refusal

    policy = AddressPolicy.for_hosts({"127.0.0.8"}, netlocs={"127.0.0.8:9"})
    assert url_refusal("http://127.0.0.8:9/robots.txt", policy) is None
    assert url_refusal("http://127.0.0.8:25/", policy) == ("bad-port", url_refusal("http://127.0.0.8:25/")[1])


# -- held: the address policy on an attacker's spellings; a DNS answer that changes between lookups ------------------


@pytest.mark.parametrize(("host", "address"), [
    ("169.254.169.254", None), ("0.0.0.0", None), ("::", None), ("::ffff:127.39.9.2", None), ("::ffff:7f27:902", None),
    ("2133264642", None), ("0177.047.011.02", None), ("0x7f.0x27.9.2", None), ("127.39.2306", None),
    ("localhost.", "127.0.0.1"), ("metadata.google.internal", "169.254.169.254"), ("fd00::1", None),
    ("64:ff9b::a9fe:a9fe", None), ("2002:a9fe:a9fe::", None), ("100.100.100.200", None),  # Alibaba's metadata
])
def test_internal_addresses_in_every_spelling_are_refused(host: str, address: str | None) -> None:
    assert AddressPolicy.for_hosts({"127.39.9.1"}).refusal(host, address)


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []

    def resolutionBegan(self, resolution: object) -> None:  # noqa: N802 - Twisted's interface
        pass

    def addressResolved(self, address: IPv4Address) -> None:  # noqa: N802
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:  # noqa: N802
        pass


class _Rebinding:
    """A name resolver whose answer for every name turns from a public address to a private one (nothing is sent)."""

    def __init__(self) -> None:
        self.answers = ["93.184.216.34", "127.39.9.2"]

    def resolveHostName(self, receiver, host, port=0, types=None, semantics="TCP"):  # noqa: ANN001,ANN201,N802
        receiver.resolutionBegan(None)
        receiver.addressResolved(IPv4Address("TCP", self.answers.pop(0) if len(self.answers) > 1 else
                                             self.answers[0], port))
        receiver.resolutionComplete()
        return receiver


def test_a_name_rebound_to_a_private_address_between_two_lookups_is_refused_at_the_second() -> None:
    """robots.txt is asked under the public answer, the page under the private one: the address checked is the one
    connected to, each time (no cache here, as with a TTL of 0)."""
    resolver = GuardedResolver(type("Reactor", (), {"nameResolver": _Rebinding()})(), 0, AddressPolicy())
    first, second = _Receiver(), _Receiver()
    resolver.resolveHostName(first, "rebind.hostile9.test", 80)
    resolver.resolveHostName(second, "rebind.hostile9.test", 80)
    assert first.addresses == ["93.184.216.34"] and second.addresses == []
    assert "127.39.9.2" in resolver.refused["rebind.hostile9.test"]
