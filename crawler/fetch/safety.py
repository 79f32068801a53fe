"""Which addresses a crawl may connect to: refusal of loopback, private and other non-public IPs (no scrapy)."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges refused beyond what the ipaddress properties cover (RFC 6890 special-purpose registries). 100.64/10 is
# carrier-grade NAT ("shared"), which ipaddress counts neither private nor global.
_EXTRA_V4 = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32"))
_EXTRA_V6 = tuple(ipaddress.ip_network(n) for n in ("fc00::/7", "fe80::/10", "fec0::/10", "2001:db8::/32", "100::/64"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")

# inet_aton spellings: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the resolver of the C library
# accepts them all, so "2130706433" and "0x7f.1" reach 127.0.0.1 (WHATWG URL "IPv4 parser" does the same).
_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def _part_value(part: str) -> int | None:
    if not _PART.match(part):
        return None
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part[0] == "0":
        return int(part, 8)
    return int(part)


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written in any inet_aton spelling stands for (``2130706433``, ``0x7f.1``), or None."""
    text = host.rstrip(".")
    parts = text.split(".")
    if not text or len(parts) > 4:
        return None
    values = [_part_value(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [int(v) for v in values if v is not None]
    # a.b.c.d; a.b.c (c is 16 bits); a.b (b is 24 bits); a (32 bits)
    *head, last = nums
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = value * 256 ** (5 - len(nums)) + last
    return ipaddress.IPv4Address(value)


def parse_ip_host(host: str | None) -> IPAddress | None:
    """The IP address a URL host is, when it is written as one (IPv4 in any spelling, IPv6 with or without [])."""
    if not host:
        return None
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # an IPv6 zone id names an interface, not another address
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return parse_ipv4_loose(text)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (mapped, compatible, 6to4, NAT64, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip))
    return None


def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address ("loopback", "private", "link-local", ...), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            kind = address_kind(inner)
            return f"{kind} (IPv4 {inner} inside IPv6)" if kind else None
        if ip.is_loopback:
            return "loopback"
        if ip.is_unspecified:
            return "unspecified"
        if ip.is_multicast:
            return "multicast"
        if ip.is_link_local or ip in _EXTRA_V6[1]:
            return "link-local"
        if ip in _EXTRA_V6[0]:
            return "unique-local"
        if any(ip in net for net in _EXTRA_V6) or ip.is_reserved or ip.is_private or not ip.is_global:
            return "reserved"
        return None
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified or ip in _EXTRA_V4[0]:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip in _EXTRA_V4[1]:
        return "shared"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private and not any(ip in net for net in _EXTRA_V4):
        return "private"
    if ip.is_reserved or any(ip in net for net in _EXTRA_V4) or not ip.is_global:
        return "reserved"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses a crawl may reach: none, the outlets' own private hosts, or all (allow_private)."""

    allow_private: bool = False
    private_hosts: frozenset[str] = field(default_factory=frozenset)
    # "host:port" of the configured outlets' own URLs: reachable at a port no browser fetches from too
    # (crawler.fetch.guards.port_refusal), as the operator named it
    own_netlocs: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_hosts(cls, hosts: Iterable[str], *, allow_private: bool = False,
                  netlocs: Iterable[str] = ()) -> AddressPolicy:
        """The policy of a crawl of outlets on ``hosts``: those that are themselves non-public stay reachable."""
        own = set()
        for host in hosts:
            name = host.strip().lower().strip("[]")
            ip = parse_ip_host(name)
            if name == "localhost" or (ip is not None and address_kind(ip) is not None):
                own.add(name)
                if ip is not None:
                    own.add(str(ip))
        return cls(allow_private=allow_private, private_hosts=frozenset(own),
                   own_netlocs=frozenset(n.lower() for n in netlocs))

    def refusal(self, host: str, ip: IPAddress | str | None = None) -> str | None:
        """Why connecting to ``host`` (at ``ip``, or the host itself when it is an address) is refused, or None."""
        if self.allow_private:
            return None
        name = (host or "").strip().lower().strip("[]")
        if name in self.private_hosts:
            return None
        if ip is None:
            addr = parse_ip_host(name)
            if addr is None:
                return None  # a host name: the resolver checks what it resolves to
        else:
            addr = ip if not isinstance(ip, str) else parse_ip_host(ip)
            if addr is None:
                return f"{host} resolves to {ip}, which is not an IP address"
        kind = address_kind(addr)
        if kind is None:
            return None
        shown = f"{host} is {addr}" if ip is None and str(addr) != name else f"{host} resolves to {addr}"
        if ip is None and str(addr) == name:
            shown = f"{addr}"
        return f"{shown}: a {kind} address; pass --allow-private (ARCHIVE_ALLOW_PRIVATE) to fetch it"
