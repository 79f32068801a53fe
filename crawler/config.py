"""Outlet configuration: TOML files in seeds/ read once into frozen, self-validating dataclasses."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ConfigError

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Outlet:
    """One news outlet: where to discover its articles and how politely to fetch them."""

    name: str
    display_name: str = ""
    language: str = "ar"
    country: str = ""
    homepage: str = ""
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    robots_sitemaps: bool = True
    article_urls: tuple[str, ...] = ()
    follow_urls: tuple[str, ...] = ()
    deny_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    topic_filter: bool = True
    schedule: str = "1h"
    download_delay: float = 1.0
    concurrency: int = 2
    max_depth: int = 3
    verified: bool = False
    notes: str = ""
    source: str = field(default="", compare=False)  # the file it came from

    def domains(self) -> tuple[str, ...]:
        """The host names this outlet may be crawled on (explicit, or those of its configured URLs)."""
        if self.allowed_domains:
            return self.allowed_domains
        hosts: list[str] = []
        for url in (self.homepage, *self.start_urls, *self.feeds, *self.sitemaps):
            host = urlsplit(url).hostname if url else None
            if host and host not in hosts:
                hosts.append(host)
        return tuple(hosts)

    def owns(self, url: str) -> bool:
        """True when ``url`` is on one of this outlet's domains (or a subdomain of one)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains())

    def is_article(self, url: str) -> bool:
        """True when ``url`` matches ``article_urls`` and no ``deny_urls`` pattern."""
        if any(re.search(p, url) for p in self.deny_urls):
            return False
        return any(re.search(p, url) for p in self.article_urls)

    def is_followed(self, url: str) -> bool:
        """True when ``url`` is a listing page worth walking (``follow_urls``) and not denied."""
        if any(re.search(p, url) for p in self.deny_urls):
            return False
        return any(re.search(p, url) for p in self.follow_urls)

    def digest(self) -> str:
        """A short digest of this outlet's settings, recorded in warcinfo and the catalogue."""
        text = repr(tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name != "source"))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


_LIST_KEYS = {"start_urls", "feeds", "sitemaps", "article_urls", "follow_urls", "deny_urls", "allowed_domains"}
_REGEX_KEYS = {"article_urls", "follow_urls", "deny_urls"}
_URL_KEYS = {"start_urls", "feeds", "sitemaps"}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "display_name": str, "language": str, "country": str, "homepage": str,
    "robots_sitemaps": bool, "topic_filter": bool, "schedule": str, "download_delay": (int, float),
    "concurrency": int, "max_depth": int, "verified": bool, "notes": str,
}
KNOWN_KEYS = _LIST_KEYS | set(_TYPES)


def parse_interval(text: str) -> float | None:
    """Seconds in an interval such as "90s", "30m", "2h" or "1d"; None if ``text`` is not one."""
    m = INTERVAL_RE.match(text)
    if not m:
        return None
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _check_schedule(path: Path, name: str, value: str) -> None:
    if parse_interval(value) is not None:
        return
    if len(value.split()) == 5:
        return
    raise ConfigError(
        path, f"schedule {value!r} is neither an interval like '30m', '2h', '1d' nor a five-field cron "
        "expression like '*/30 * * * *'", outlet=name, key="schedule")


def outlet_from_table(path: Path, table: dict, index: int) -> Outlet:
    """Validate one ``[[outlet]]`` table into an Outlet, or raise ConfigError naming file, outlet and key."""
    name = table.get("name")
    label = name if isinstance(name, str) else f"#{index + 1}"
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(path, f"unknown key {unknown[0]!r}; known keys are {', '.join(sorted(KNOWN_KEYS))}",
                          outlet=label, key=unknown[0])
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(path, "every outlet needs a 'name': lower-case letters, digits, '-' or '_' "
                          "(at most 40), e.g. name = \"alwasat\"", outlet=label, key="name")
    values: dict = {}
    for key, value in table.items():
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(path, "must be a list of strings, e.g. [\"https://example.com/rss\"]",
                                  outlet=name, key=key)
            for item in value:
                if key in _REGEX_KEYS:
                    try:
                        re.compile(item)
                    except re.error as exc:
                        raise ConfigError(path, f"bad regular expression {item!r}: {exc}; "
                                          "escape literal characters such as '.' and '?' with '\\\\'",
                                          outlet=name, key=key) from None
                if key in _URL_KEYS and urlsplit(item).scheme not in ("http", "https"):
                    raise ConfigError(path, f"{item!r} is not an http(s) URL", outlet=name, key=key)
            values[key] = tuple(value)
        else:
            expected = _TYPES[key]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                kind = expected.__name__ if isinstance(expected, type) else "number"
                raise ConfigError(path, f"must be a {kind}, got {value!r}", outlet=name, key=key)
            values[key] = value
    if "schedule" in values:
        _check_schedule(path, name, values["schedule"])
    if values.get("download_delay", 1.0) < 0:
        raise ConfigError(path, "must be 0 or more seconds", outlet=name, key="download_delay")
    if values.get("concurrency", 2) < 1:
        raise ConfigError(path, "must be at least 1", outlet=name, key="concurrency")
    if not (values.get("start_urls") or values.get("feeds") or values.get("sitemaps") or values.get("homepage")):
        raise ConfigError(path, "nothing to crawl: give at least one of start_urls, feeds, sitemaps or homepage",
                          outlet=name, key="start_urls")
    if values.get("homepage") and not values.get("start_urls") and not values.get("feeds") \
            and not values.get("sitemaps"):
        values["start_urls"] = (values["homepage"],)
    values["download_delay"] = float(values.get("download_delay", 1.0))
    values.setdefault("display_name", name)
    return Outlet(source=str(path), **values)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.toml") if p.name != "lexicon.toml")
    if path.is_file():
        return [path]
    raise ConfigError(path, "no such file or folder; pass --seeds with a TOML file or a folder of them")


def load_outlets(path: Path | str) -> list[Outlet]:
    """Every outlet configured in a TOML file or in the ``*.toml`` files of a folder (lexicon.toml excluded)."""
    path = Path(path)
    outlets: list[Outlet] = []
    seen: dict[str, Path] = {}
    for file in _files(path):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(file, f"not valid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(file, "not UTF-8 text; save the file as UTF-8") from None
        extra = sorted(set(data) - {"outlet"})
        if extra:
            raise ConfigError(file, f"unknown top-level key {extra[0]!r}; outlets go in [[outlet]] tables",
                              key=extra[0])
        tables = data.get("outlet", [])
        if not isinstance(tables, list):
            raise ConfigError(file, "write outlets as [[outlet]] tables (double brackets)", key="outlet")
        for i, table in enumerate(tables):
            outlet = outlet_from_table(file, table, i)
            if outlet.name in seen:
                raise ConfigError(file, f"outlet name {outlet.name!r} is already used in {seen[outlet.name]}",
                                  outlet=outlet.name, key="name")
            seen[outlet.name] = file
            outlets.append(outlet)
    if not outlets:
        raise ConfigError(path, "no [[outlet]] tables found")
    return outlets


def select_outlets(outlets: list[Outlet], names: tuple[str, ...] | list[str]) -> list[Outlet]:
    """The outlets called ``names`` (all when empty); an unknown name is a ConfigError listing the known ones."""
    if not names:
        return outlets
    by_name = {o.name: o for o in outlets}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ConfigError("--outlet", f"no outlet called {missing[0]!r}; configured: {', '.join(by_name)}")
    return [by_name[n] for n in names]
