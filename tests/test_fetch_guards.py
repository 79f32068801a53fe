"""The guard rules without Scrapy (crawler.fetch.guards): address policy from settings, budgets, redirects, robots."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.fetch.guards import Budget, UnreadableRobots, is_offsite, policy_from_settings, redirect_loop
from crawler.fetch.limits import Limits

SEEDS = """
[[outlet]]
name = "local"
language = "ar"
homepage = "http://127.0.0.5:8000/"
start_urls = ["http://127.0.0.5:8000/"]
allowed_domains = ["127.0.0.5"]

[[outlet]]
name = "public"
language = "ar"
homepage = "https://example.org/"
start_urls = ["https://example.org/"]
allowed_domains = ["example.org"]
"""


def _seeds(tmp_path: Path) -> str:
    path = tmp_path / "seeds.toml"
    path.write_text(SEEDS, encoding="utf-8")
    return str(path)


def test_policy_allows_the_configured_outlets_own_private_hosts_only(tmp_path: Path) -> None:
    policy = policy_from_settings({"ARCHIVE_SEEDS": _seeds(tmp_path)})
    assert policy.refusal("127.0.0.5") is None
    assert "loopback" in (policy.refusal("127.0.0.1") or "")
    assert policy.refusal("example.org", "93.184.216.34") is None


def test_policy_of_the_selected_outlets_only(tmp_path: Path) -> None:
    policy = policy_from_settings({"ARCHIVE_SEEDS": _seeds(tmp_path), "ARCHIVE_OUTLETS": "public"})
    assert "loopback" in (policy.refusal("127.0.0.5") or "")


def test_a_bad_config_refuses_every_private_host(tmp_path: Path) -> None:
    policy = policy_from_settings({"ARCHIVE_SEEDS": str(tmp_path / "missing.toml")})
    assert policy.refusal("127.0.0.5") is not None


def test_allow_private_allows_everything(tmp_path: Path) -> None:
    policy = policy_from_settings({"ARCHIVE_SEEDS": _seeds(tmp_path), "ARCHIVE_ALLOW_PRIVATE": True})
    assert policy.refusal("127.0.0.1") is None and policy.refusal("169.254.169.254") is None


def test_budget_is_exhausted_by_pages_then_by_bytes() -> None:
    limits = Limits.from_settings({"CRAWL_OUTLET_MAX_PAGES": 2, "CRAWL_OUTLET_MAX_BYTES": 1000})
    budget = Budget()
    assert budget.exhausted("a", limits) is None
    budget.pages["a"] = 2
    assert budget.exhausted("a", limits) == "2 requests sent for a in this crawl; CRAWL_OUTLET_MAX_PAGES is 2"
    assert budget.exhausted("b", limits) is None  # per outlet
    budget.pages["a"], budget.bytes["a"] = 1, 1000
    assert budget.exhausted("a", limits) == "1000 bytes fetched for a in this crawl; CRAWL_OUTLET_MAX_BYTES is 1000"


@pytest.mark.parametrize(("chain", "target", "loop"), [
    (["http://h/a", "http://h/b"], "http://h/a", "http://h/a -> http://h/b -> http://h/a"),
    (["http://h/a", "http://h/b"], "http://h/b#top", "http://h/b -> http://h/b#top"),
    (["http://h/a"], "http://h/c", None),
])
def test_redirect_loop_names_the_cycle(chain: list[str], target: str, loop: str | None) -> None:
    assert redirect_loop(chain, target) == loop


@pytest.mark.parametrize(("host", "domains", "offsite"), [
    ("news.example.org", ["example.org"], False),
    ("EXAMPLE.org", ["example.org:8080"], False),  # a port on a domain is ignored
    ("badexample.org", ["example.org"], True),
    ("localhost", ["127.0.0.5"], True),
    ("anything", [], False),  # no allowed_domains: nothing is offsite
])
def test_offsite_hosts(host: str, domains: list[str], offsite: bool) -> None:
    assert is_offsite(host, domains) is offsite


def test_an_unreadable_robots_txt_allows_nothing() -> None:
    robots = UnreadableRobots("robots.txt answered HTTP 503")
    assert robots.allowed("http://h/", "newsarchive") is False
    assert robots.detail == "robots.txt answered HTTP 503"
