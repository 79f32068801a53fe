"""Round eight's guards called directly, sending nothing: the response head's rules (crawler/fetch/wire.py), the
repair of a WARC whose torn record carried a .warc.gz as its page (archive/warc/check.py), and the resolver's
answer for a host with a public and a private address."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from twisted.internet.address import IPv4Address

from archive.errors import ArchiveIntegrityError
from archive.records import Exchange
from archive.warc.build import RecordFactory, record_bytes
from archive.warc.check import repair_open_file, whole_member_after
from crawler.fetch.safety import AddressPolicy
from crawler.resolver import GuardedResolver

# -- the response head (crawler.middlewares.BoundedHTTPClientParser applies these) ------------------------------------


@pytest.mark.parametrize("line", [
    b"HTTP/1.1 20000000000000000000 OK",  # Twisted's int() took it: no SQLite INTEGER holds it
    b"HTTP/1.1 -200 OK", b"HTTP/1.1 +200 OK", b"HTTP/1.1 2_00 OK", b"HTTP/1.1 0200 OK", b"HTTP/1.1 20 OK",
    b"HTTP/1.-1 200 OK", b"HTTP/11.1 200 OK", b"ICY 200 OK", b"HTTP/1.1  200 OK",
    "HTTP/1.1 ٢٠٠ OK".encode(), b"<html>",
])
def test_a_status_line_that_is_not_rfc_9112s_is_refused(line: bytes) -> None:
    # imported here, new in round eight: the other tests of this file run on the tree before it too
    from crawler.fetch.wire import head_line_verdict

    assert head_line_verdict(line + b"\r", None, "STATUS")


@pytest.mark.parametrize("line", [b"HTTP/1.1 200 OK", b"HTTP/1.0 404 Not Found", b"HTTP/1.1 200", b"HTTP/1.1 200 ",
                                  b"HTTP/1.1 999 Whatever", b"HTTP/1.1 100 Continue", "HTTP/1.1 200 حسنا".encode()])
def test_an_rfc_9112_status_line_is_parsed(line: bytes) -> None:
    from crawler.fetch.wire import head_line_verdict

    assert head_line_verdict(line + b"\r", None, "STATUS") is None


def test_header_lines() -> None:
    from crawler.fetch.wire import head_line_verdict

    assert head_line_verdict(b"X-Note: a\x00b\r", None, "HEADER") is None  # held: kept as sent (left open)
    assert head_line_verdict(b" folded-before-any-header: x\r", None, "HEADER") == ""  # consumed (RFC 9112 2.2)
    assert head_line_verdict(b"\tcontinued\r", [b"X-F: a"], "HEADER") is None  # an obs-fold: Twisted joins it
    assert head_line_verdict(b"X-Evil: a\rb\r", None, "HEADER") is None  # a bare CR: Twisted makes it a space


# -- a torn record whose page was a .warc.gz ---------------------------------------------------------------------------


def _forged_warc_gz() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("http://victim.example/", "response",
                                                  payload=io.BytesIO(b"<p>FORGED</p>"), http_headers=head))
    return out.getvalue()


def _records(body: bytes) -> tuple[bytes, bytes]:
    """A warcinfo member and the response member of a page whose body is ``body``."""
    factory = RecordFactory()
    exchange = Exchange(url="http://127.38.8.1:8080/a/page.warc.gz", method="GET",
                        request_headers=(("Host", "127.38.8.1:8080"),), request_body=b"", status=200, reason="OK",
                        protocol="HTTP/1.1", response_headers=(("Content-Type", "application/gzip"),), body=body,
                        fetched_at=datetime.now(UTC), ip_address="127.38.8.1")
    info = record_bytes(factory.warcinfo("NEWSARCHIVE-x.warc.gz", {"software": "test"}, datetime.now(UTC)))
    return info, record_bytes(factory.response(exchange))


def test_a_crash_while_a_page_holding_a_warc_gz_is_written_is_repaired(tmp_path: Path) -> None:
    """deflate stores an incompressible page verbatim, so the torn tail held the page's own gzip member, which repair
    took for a whole record after damage: "not a crash tail, repair by hand" (the next crawl's recovery failed)."""
    noise = random.Random(8).randbytes
    info, response = _records(noise(40_000) + _forged_warc_gz() + noise(40_000))
    path = tmp_path / "NEWSARCHIVE-x.warc.gz.open"
    path.write_bytes(info + response[:-20_000])  # the crawl killed while the response record was written
    assert whole_member_after(path, len(info)) is None
    result = repair_open_file(path)
    assert [record.record_type for record in result.kept] == ["warcinfo"]
    assert result.torn_path is not None and result.torn_length == len(response) - 20_000


def test_damage_followed_by_a_whole_record_is_still_no_crash_tail(tmp_path: Path) -> None:
    info, first = _records(b"<p>first</p>" * 500)
    _, second = _records(b"<p>second</p>" * 500)
    path = tmp_path / "NEWSARCHIVE-y.warc.gz.open"
    path.write_bytes(info + first[:len(first) // 2] + second)
    assert whole_member_after(path, len(info)) == len(info) + len(first) // 2
    with pytest.raises(ArchiveIntegrityError, match="not a crash tail"):
        repair_open_file(path)


# -- held: a host with a public and a private address ------------------------------------------------------------------


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []

    def resolutionBegan(self, resolution: object) -> None:  # noqa: N802 - Twisted's interface
        pass

    def addressResolved(self, address: IPv4Address) -> None:  # noqa: N802
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:  # noqa: N802
        pass


class _TwoAnswers:
    """A name resolver answering a public and a loopback address for every name (nothing is sent)."""

    def resolveHostName(self, receiver, host, port=0, types=None, semantics="TCP"):  # noqa: ANN001,ANN201,N802
        receiver.resolutionBegan(None)
        for address in ("8.8.8.8", "127.38.8.2"):
            receiver.addressResolved(IPv4Address("TCP", address, port))
        receiver.resolutionComplete()
        return receiver


def test_a_host_with_a_public_and_a_private_address_is_connected_to_the_public_one_only() -> None:
    resolver = GuardedResolver(type("Reactor", (), {"nameResolver": _TwoAnswers()})(), 100, AddressPolicy())
    for _ in range(2):  # the second answer comes from Scrapy's cache, and is checked again
        receiver = _Receiver()
        resolver.resolveHostName(receiver, "both.hostile8.test", 80)
        assert receiver.addresses == ["8.8.8.8"]
    assert "127.38.8.2" in resolver.refused["both.hostile8.test"]
