"""Address checks (crawler.fetch.safety) and limits (crawler.fetch.limits): which hosts a crawl may reach, Retry-After."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from archive.errors import ConfigError
from crawler.discovery.parsers import empty_reason
from crawler.fetch.limits import Limits, is_transient, parse_retry_after
from crawler.fetch.safety import AddressPolicy, address_kind, parse_ip_host

LOOPBACK_SPELLINGS = ["127.0.0.1", "2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "0177.1", "127.1",
                      "127.0.1", "[::1]", "::1", "[::ffff:127.0.0.1]", "::ffff:7f00:1", "2002:7f00:1::",
                      "64:ff9b::7f00:1", "::127.0.0.1", "127.0.0.1."]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_loopback(host: str) -> None:
    ip = parse_ip_host(host)
    assert ip is not None, host
    kind = address_kind(ip)
    assert kind is not None and kind.startswith("loopback"), (host, ip, kind)


@pytest.mark.parametrize(("host", "kind"), [
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.0.10", "private"),
    ("169.254.169.254", "link-local"), ("100.64.0.1", "shared"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("0", "unspecified"), ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ("192.0.2.1", "reserved"), ("198.18.0.1", "reserved"), ("fd12:3456::1", "unique-local"),
    ("fe80::1", "link-local"), ("ff02::1", "multicast"), ("::", "unspecified"), ("2001:db8::1", "reserved"),
    ("::ffff:10.0.0.1", "private (IPv4 10.0.0.1 inside IPv6)"),
    ("::ffff:169.254.169.254", "link-local (IPv4 169.254.169.254 inside IPv6)"),
    ("2002:a9fe:a9fe::", "link-local (IPv4 169.254.169.254 inside IPv6)"),
])
def test_non_public_ranges_are_named(host: str, kind: str) -> None:
    assert address_kind(parse_ip_host(host)) == kind


@pytest.mark.parametrize("host", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                  "64:ff9b::808:808", "2002:808:808::"])
def test_public_addresses_pass(host: str) -> None:
    assert address_kind(parse_ip_host(host)) is None


@pytest.mark.parametrize("host", ["example.com", "alwasat.ly", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "0x", "",
                                  "1.2.3.xyz", "[::g]"])
def test_names_and_non_addresses_are_not_ips(host: str) -> None:
    assert parse_ip_host(host) is None or host == "0x"


def test_policy_allows_only_the_outlets_own_private_hosts() -> None:
    policy = AddressPolicy.for_hosts(["127.0.0.2", "alwasat.ly", "localhost"])
    assert policy.private_hosts == frozenset({"127.0.0.2", "localhost"})
    assert policy.refusal("127.0.0.2") is None  # the outlet's own host
    assert policy.refusal("localhost", "127.0.0.1") is None
    assert "loopback" in (policy.refusal("127.0.0.1") or "")  # another loopback host: refused
    assert "loopback" in (policy.refusal("2130706433") or "")
    assert policy.refusal("alwasat.ly") is None  # a name: the resolver checks the address it resolves to
    assert "loopback" in (policy.refusal("alwasat.ly", "127.0.0.1") or "")  # DNS rebinding to loopback
    assert "link-local" in (policy.refusal("evil.test", ipaddress.ip_address("169.254.169.254")) or "")
    assert policy.refusal("alwasat.ly", "93.184.216.34") is None
    assert "--allow-private" in (policy.refusal("10.0.0.1") or "")


def test_allow_private_allows_everything() -> None:
    policy = AddressPolicy.for_hosts([], allow_private=True)
    assert policy.refusal("127.0.0.1") is None
    assert policy.refusal("evil.test", "169.254.169.254") is None


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(b" 120 ") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


def test_limits_from_settings_read_strings_and_refuse_nonsense() -> None:
    limits = Limits.from_settings({"ARCHIVE_ALLOW_PRIVATE": "0", "CRAWL_URL_MAX_LENGTH": "100"})
    assert limits.allow_private is False and limits.url_max_length == 100
    assert limits.max_size == 32 * 1024 * 1024 and limits.sitemap_max_depth == 4
    assert Limits.from_settings({"ARCHIVE_ALLOW_PRIVATE": "true"}).allow_private is True
    with pytest.raises(ConfigError, match="CRAWL_OUTLET_MAX_PAGES"):
        Limits.from_settings({"CRAWL_OUTLET_MAX_PAGES": 0})


def test_transient_reasons() -> None:
    assert is_transient("timeout") and is_transient("http-503") and is_transient("robots-unavailable")
    assert not is_transient("too-large") and not is_transient("private-address") and not is_transient("http-404")


def test_entity_feeds_are_named_not_empty() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><rss>&b;</rss>'
    assert empty_reason(laughs, "feed", "none")[0] == "xml-entities"
    assert empty_reason(b"<rss><channel></channel></rss>", "feed", "none") == ("empty-feed", "none")


def test_only_http_is_fetched_and_the_guards_are_installed() -> None:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers.get(scheme, "missing") is None for scheme in ("file", "data", "ftp", "s3"))
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.resolver.GuardedResolver"
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["crawler.netguard.RequestGuardMiddleware"] < 100  # before robots.txt is asked
    assert 600 < middlewares["crawler.netguard.ResponseGuardMiddleware"] < 950  # between redirect and capture
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    with pytest.raises(ConfigError, match="not a number"):
        Limits.from_settings({"CRAWL_URL_MAX_LENGTH": "long"})
