"""The tests' oracle for the demo sites: what a perfect crawl archives, the URLs that must never be fetched or
give no article, a log of every request, and hooks that edit or delete an article.

The installed ``crawler.demo`` only serves the sites; this wraps them for the tests (and the benchmarks that
compare with the demo articles)::

    from demo_oracle import serve_demo_sites

    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "demo.toml")
        ...  # crawl, then compare with sites.expected and sites.requests_log
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.demo import serve_demo_sites as _serve
from crawler.demo.content import DemoArticle, DemoOutlet
from crawler.demo.feeds import RSS_TRACKING
from crawler.demo.modern import search_path
from crawler.demo.routes import DemoSite
from crawler.demo.server import DEFAULT_HOSTS, DemoSites


@dataclass(frozen=True)
class ExpectedArticle:
    """What a perfect crawl and extraction of one demo article yields."""

    outlet: str
    url: str  # as linked by the discovery source (feed item link, sitemap loc, listing href without session id)
    canonical_url: str
    title: str
    paragraphs: tuple[str, ...]
    published: str  # ISO date
    relevant: bool
    seed: str | None
    author: str = ""
    key: str = ""


class RequestHeaders(dict[str, str]):
    """Request headers as received (original spelling), looked up case-insensitively."""

    def _key(self, name: object) -> object:
        if isinstance(name, str) and not dict.__contains__(self, name):
            for key in self:
                if key.lower() == name.lower():
                    return key
        return name

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, self._key(name))

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, self._key(name))

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of header ``name`` whatever its case, or ``default``."""
        return dict.get(self, self._key(name), default)


class LoggedRequest(NamedTuple):
    """One request a demo server received."""

    host: str  # "127.0.0.2:PORT", the server that received it
    method: str
    path: str  # the request target as sent
    headers: RequestHeaders  # case-insensitive: headers["User-Agent"] == headers["user-agent"]


class DemoOracle:
    """The running demo sites with what a perfect crawl finds in them now, their request log and edit hooks."""

    def __init__(self, sites: DemoSites, log: list[LoggedRequest], lock: threading.Lock,
                 times: list[float] | None = None) -> None:
        self.sites = sites
        self._log = log
        self._lock = lock
        self._times = times if times is not None else []

    @property
    def outlets(self) -> list[DemoOutlet]:
        """The three outlets, in the order feed, sitemap, legacy."""
        return self.sites.outlets

    def outlet(self, style: str) -> DemoOutlet:
        """The outlet of ``style`` ("feed", "sitemap" or "legacy")."""
        return self.sites.outlet(style)

    def write_seeds(self, path: Path | str) -> Path:
        """Write the seeds TOML configuring the three demo outlets; returns its path."""
        return self.sites.write_seeds(path)

    def _all(self) -> list[DemoSite]:
        return [self.sites.site(o.style) for o in self.outlets]

    @property
    def request_times(self) -> list[tuple[LoggedRequest, float]]:
        """A snapshot of the log with the time.monotonic() each request arrived at (politeness checks)."""
        with self._lock:
            return list(zip(self._log, self._times, strict=True))

    @property
    def requests_log(self) -> list[LoggedRequest]:
        """A snapshot of every request the servers received so far."""
        with self._lock:
            return list(self._log)

    @property
    def expected(self) -> list[ExpectedArticle]:
        """Every article a perfect crawl archives now (deleted, private and broken links excluded)."""
        return [_expected(site.outlet, article) for site in self._all() for article in site.articles()]

    @property
    def forbidden_paths(self) -> list[str]:
        """Absolute URLs that robots.txt disallows and that pages link to: never to be fetched."""
        urls = []
        for site in self._all():
            base, style = site.outlet.base_url, site.outlet.style
            if style in ("feed", "sitemap"):
                urls.append(base + search_path(site.outlet) + "?q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7")
            if style == "sitemap":
                urls += [base + a.path for a in site.articles(include_hidden=True) if a.private]
            if style == "legacy":
                urls.append(base + "/admin/login.php")
        return urls

    @property
    def broken_urls(self) -> dict[str, int]:
        """Linked URLs that do not give an article, with their status (legacy 404, 500 and the 301 hop)."""
        legacy = self.sites.site("legacy")
        base = legacy.outlet.base_url
        found = {base + "/article.php?id=31": 404, base + "/article.php?id=27": 500}
        for article in legacy.articles():
            if article.old_path:
                found[base + article.old_path] = 301
        return found

    def find(self, url: str) -> tuple[DemoSite, DemoArticle]:
        """The site and article that ``url`` (canonical, as linked, or old) names; KeyError if none."""
        wanted = _url_key(url)
        for site in self._all():
            for article in site.articles(include_hidden=True):
                base = site.outlet.base_url
                if wanted in {_url_key(base + article.path), _url_key(base + (article.old_path or article.path))}:
                    return site, article
        raise KeyError(f"no demo article at {url}")

    def edit_article(self, url: str, title: str | None = None,
                     paragraphs: tuple[str, ...] | list[str] | None = None) -> ExpectedArticle:
        """Change an article's title and/or body; its pages, feeds, sitemaps and validators follow."""
        site, article = self.find(url)
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = title
        if paragraphs is not None:
            changes["paragraphs"] = tuple(paragraphs)
        return _expected(site.outlet, _update(site, article, **changes))

    def delete_article(self, url: str) -> None:
        """Delete an article: 410 Gone on the modern sites, 404 on the legacy one; gone from listings too."""
        site, article = self.find(url)
        _update(site, article, deleted=True)


def _update(site: DemoSite, article: DemoArticle, **changes: object) -> DemoArticle:
    """Replace fields of ``article`` on ``site`` and stamp it modified now."""
    changed = replace(article, modified=datetime.now(UTC).replace(microsecond=0), **changes)
    site.by_key[article.key] = changed
    return changed


def _url_key(url: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(url)
    query = tuple(sorted((k, v) for k, v in parse_qsl(parts.query)
                         if not k.lower().startswith("utm_") and k.lower() != "phpsessid"))
    return parts.netloc, unquote(parts.path), query


def _expected(outlet: DemoOutlet, article: DemoArticle) -> ExpectedArticle:
    canonical = outlet.base_url + article.path
    if outlet.style == "feed":
        url = canonical + RSS_TRACKING
    else:
        url = outlet.base_url + (article.old_path or article.path)
    return ExpectedArticle(outlet=outlet.name, url=url, canonical_url=canonical, title=article.title,
                           paragraphs=article.paragraphs, published=article.published.date().isoformat(),
                           relevant=article.relevant, seed=article.seed, author=article.author, key=article.key)


@contextmanager
def serve_demo_sites(hosts: tuple[str, str, str] = DEFAULT_HOSTS,
                     ports: tuple[int, int, int] = (0, 0, 0)) -> Iterator[DemoOracle]:
    """crawler.demo.serve_demo_sites with every request logged, yielding the oracle of the running sites."""
    log: list[LoggedRequest] = []
    times: list[float] = []
    lock = threading.Lock()

    def record(host: str, method: str, path: str, headers: list[tuple[str, str]]) -> None:
        with lock:
            log.append(LoggedRequest(host, method, path, RequestHeaders(headers)))
            times.append(time.monotonic())

    with _serve(hosts, ports, on_request=record) as sites:
        yield DemoOracle(sites, log, lock, times)
