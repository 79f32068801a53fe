"""The check that keeps one outlet's redirect off another outlet's domains (crawler/fetch/guards.py
``other_outlet``), which sends nothing; tests/test_hostile11_crawl.py tries it in a crawl."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crawler.fetch.guards import other_outlet


@dataclass(frozen=True)
class _Outlet:
    name: str
    hosts: tuple[str, ...]

    def domains(self) -> tuple[str, ...]:
        return self.hosts


OUTLETS = (_Outlet("first", ("first.example",)), _Outlet("second", ("second.example", "cdn.second.example")),
           _Outlet("shared", ("first.example",)), _Outlet("open", ()))


@pytest.mark.parametrize(("host", "outlet", "expected"), [
    ("second.example", "first", "second"),
    ("www.second.example", "first", "second"),  # a subdomain of another outlet's domain
    ("first.example", "first", None),
    ("www.first.example", "first", None),
    ("first.example", "shared", None),  # two outlets on one host: each may go there
    ("elsewhere.example", "first", None),  # off every outlet: the offsite check's case, not this one's
    ("second.example", None, None),  # a request of no outlet (robots.txt): RFC 9309 lets it follow
    ("second.example", "open", None),  # an outlet with no domains of its own
    ("second.example", "unknown", None),
])
def test_a_host_of_another_outlet(host: str, outlet: str | None, expected: str | None) -> None:
    assert other_outlet(host, outlet, OUTLETS) == expected
