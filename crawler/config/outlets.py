"""Outlet configuration: TOML files in seeds/ read once into frozen, self-validating dataclasses."""

from __future__ import annotations

import difflib
import functools
import hashlib
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ConfigError, ConfigErrors
from crawler.config.checks import MAX_DELAY, url_problem, zone_problem

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
    timezone: str = ""  # the IANA zone its pages print times in, e.g. "Africa/Tripoli" (crawler.capture.clock)
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
        """True when ``url`` (in any spelling of its escapes, :func:`url_spellings`) matches ``article_urls`` and
        none matches a ``deny_urls`` pattern."""
        return _matches(self.article_urls, self.deny_urls, url)

    def is_denied(self, url: str) -> bool:
        """True when a spelling of ``url`` matches one of ``deny_urls``."""
        return bool(self.deny_urls) and not _matches(("",), self.deny_urls, url)  # "" matches any URL

    def is_followed(self, url: str) -> bool:
        """True when ``url`` is a listing page worth walking (``follow_urls``) and not denied."""
        return _matches(self.follow_urls, self.deny_urls, url)

    def digest(self) -> str:
        """A short digest of this outlet's settings, recorded in warcinfo and the catalogue."""
        # an outlet with no timezone digests as it did before the key existed (its sitemap reads stay valid)
        text = repr(tuple((f.name, getattr(self, f.name)) for f in fields(self)
                          if f.name != "source" and (f.name != "timezone" or self.timezone)))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


# The escapes of one UTF-8 character (RFC 3629 section 4's byte ranges, roughly: a lead byte and its
# continuation bytes; strict decoding refuses the rest, overlong forms and surrogates). Escapes of ASCII bytes
# (%2F %3F %23 %26 %3D %25 ...) are never decoded: they are data, a share link's target or a login's ?next=,
# not the URL's structure.
_CONT = "%[89ABab][0-9A-Fa-f]"
_ONE_UTF8 = (
    f"%[Cc][2-9A-Fa-f]{_CONT}|%[Dd][0-9A-Fa-f]{_CONT}"
    f"|%[Ee][0-9A-Fa-f](?:{_CONT}){{2}}|%[Ff][0-4](?:{_CONT}){{3}}"
)
_ONE_UTF8_ESCAPE = re.compile(_ONE_UTF8)
_HIGH_RUN = re.compile(r"((?:%[89A-Fa-f][0-9A-Fa-f])+)")  # captured: re.split keeps the runs at odd indexes
_HIGH_ESCAPE = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LOWER_HIGH_ESCAPE = re.compile(r"%[89a-f][0-9a-f]")  # "%d8" in a pattern (not "%D8", nor "%2f")


def url_spellings(url: str, *, lower: bool = False) -> tuple[str, ...]:
    """The spellings of ``url`` that URL patterns are tried on: as the link writes it; with the escapes of its
    non-ASCII letters decoded (an Arabic slug as the address bar shows it); with its non-ASCII letters escaped
    in upper case (``%D8%A3``, as a sitemap or another page's link prints them); and, with ``lower``, escaped
    in lower case (``%d8%a3``).

    Only escapes that form strict UTF-8 of bytes 0x80 and above are decoded: ``%2F``, ``%3F``, ``%23``,
    ``%26``, ``%3D`` and ``%25`` stay as written (decoded, a share link's escaped target or a login's
    ``?next=%2Fnews%2F12`` read as an article, data in a query hit ``deny_urls``, and ``%25D8`` matched
    ``%D8``), and so do invalid or non-UTF-8 sequences (``%D8`` alone, windows-1256's ``%C3%CE``). An ASCII
    URL without ``%`` is its only spelling; the others are computed once per URL (a bounded cache:
    ``is_article`` and ``is_followed``, deny and allow patterns all ask for them)."""
    if "%" not in url and url.isascii():
        return (url,)
    return _spellings(url, lower)


@functools.lru_cache(maxsize=4096)
def _spellings(url: str, lower: bool) -> tuple[str, ...]:
    decoded: list[str] = []
    escaped: list[str] = []
    for i, piece in enumerate(_HIGH_RUN.split(url) if "%" in url else (url,)):
        if i % 2:  # a run of escapes of bytes 0x80 and above
            try:
                decoded.append(bytes.fromhex(piece.replace("%", "")).decode("utf-8"))
                escaped.append(piece.upper())
                continue
            except UnicodeDecodeError:
                piece = _ONE_UTF8_ESCAPE.sub(_decoded_one, piece)  # its strict UTF-8 only
        decoded.append(piece)
        escaped.append(piece if piece.isascii() else _NON_ASCII.sub(_escaped, piece))
    spellings = [url, "".join(decoded), "".join(escaped)]
    if lower:
        spellings.append(_HIGH_ESCAPE.sub(lambda m: m.group().lower(), spellings[2]))
    return tuple(dict.fromkeys(spellings))


def _decoded_one(match: re.Match[str]) -> str:
    """One character's escapes decoded, or left as written when they are no strict UTF-8 (an overlong form, a
    surrogate, a code point past U+10FFFF)."""
    try:
        return bytes.fromhex(match.group().replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def _escaped(match: re.Match[str]) -> str:
    """Non-ASCII characters as upper-case escapes of their UTF-8 bytes (as ``urllib.parse.quote`` does)."""
    return "%" + match.group().encode("utf-8", "surrogatepass").hex("%").upper()


@functools.lru_cache(maxsize=256)
def _wants_lower(patterns: tuple[str, ...]) -> bool:
    """True when a pattern spells an escape of a non-ASCII byte in lower case (``%d8``)."""
    return any(_LOWER_HIGH_ESCAPE.search(p) for p in patterns)


def _matches(patterns: tuple[str, ...], deny: tuple[str, ...], url: str) -> bool:
    """True when a spelling of ``url`` matches one of ``patterns`` and none matches a ``deny`` pattern."""
    if "%" not in url and url.isascii():  # the fast path: no other spelling, nothing to ask the patterns
        spellings: tuple[str, ...] = (url,)
    else:
        spellings = url_spellings(url, lower=_wants_lower(patterns) or _wants_lower(deny))
    if any(re.search(p, u) for p in deny for u in spellings):
        return False
    return any(re.search(p, u) for p in patterns for u in spellings)


_LIST_KEYS = {"start_urls", "feeds", "sitemaps", "article_urls", "follow_urls", "deny_urls", "allowed_domains"}
_REGEX_KEYS = {"article_urls", "follow_urls", "deny_urls"}
_URL_KEYS = {"start_urls", "feeds", "sitemaps"}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "display_name": str, "language": str, "country": str, "homepage": str,
    "robots_sitemaps": bool, "topic_filter": bool, "schedule": str, "download_delay": (int, float),
    "concurrency": int, "max_depth": int, "verified": bool, "notes": str, "timezone": str,
}
KNOWN_KEYS = _LIST_KEYS | set(_TYPES)


def parse_interval(text: str) -> float | None:
    """Seconds in an interval such as "90s", "30m", "2h" or "1d"; None if ``text`` is not one."""
    m = INTERVAL_RE.match(text)
    if not m:
        return None
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _check_schedule(value: str) -> str | None:
    from crawler.scheduling.timing import schedule_problem  # imports this module: read when a file is checked

    return schedule_problem(value)


def _unknown_key(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; known keys are {', '.join(sorted(known))}"


def raise_all(errors: list[ConfigError]) -> None:
    """Raise nothing, the one error, or every error at once (ConfigErrors)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors)


def _check_domain(domain: str) -> str | None:
    """Why ``domain`` is no entry of allowed_domains (a host name, as Scrapy's offsite filter reads it), or None."""
    try:
        ipaddress.ip_address(domain)  # "::1" is an address's host as urlsplit gives it, colons and all
        return None
    except ValueError:
        pass
    if not domain or any(c in domain for c in ":/?#@ ") or domain.startswith(".") or domain.endswith("."):
        host = urlsplit(domain if "//" in domain else f"//{domain}").hostname or "alwasat.ly"
        return (f"{domain!r} is not a host name: write the host alone, with no scheme, port or path, e.g. {host!r} "
                "(it covers its subdomains)")
    return None


def _outside(values: dict) -> list[str]:
    """A problem for each of the outlet's own URLs that its allowed_domains leave out: Scrapy's offsite filter would
    drop it without a word, and the crawl would fetch nothing from it."""
    domains = [d.lower() for d in values.get("allowed_domains", ())]
    if not domains:
        return []
    problems = []
    for key in ("start_urls", "feeds", "sitemaps"):  # a homepage with none of them is a start URL by now
        for url in values.get(key, ()):
            host = (urlsplit(url).hostname or "").lower()
            if host and not any(host == d or host.endswith("." + d) for d in domains):
                problems.append(f"{key} {url!r} is on {host!r}, which allowed_domains {list(domains)} leave out: "
                                f"nothing would be fetched from it; add {host!r} or leave allowed_domains out "
                                "(the hosts of the outlet's URLs are used then)")
    return problems


def _check_table(path: Path, table: dict, index: int) -> tuple[Outlet | None, list[ConfigError]]:
    """The outlet of one ``[[outlet]]`` table and every problem found in it (all keys are checked)."""
    name = table.get("name")
    label = name if isinstance(name, str) and name else f"#{index + 1}"
    errors: list[ConfigError] = []

    def fail(message: str, key: str) -> None:
        errors.append(ConfigError(path, message, outlet=label, key=key))

    for key in sorted(set(table) - KNOWN_KEYS):
        fail(_unknown_key(key, KNOWN_KEYS), key)
    if name is None:
        fail("every outlet needs a 'name': lower-case letters, digits, '-' or '_' (at most 40), "
             "e.g. name = \"alwasat\"", "name")
    elif not isinstance(name, str) or not NAME_RE.match(name):
        fail(f"{name!r} is not a valid name: lower-case letters, digits, '-' or '_' (at most 40), "
             "e.g. name = \"alwasat\" (the title readers see goes in display_name)", "name")
    values: dict = {}
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            continue
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                fail("must be a list of strings, e.g. [\"https://example.com/rss\"]", key)
                continue
            for item in value:
                if key in _REGEX_KEYS:
                    try:
                        re.compile(item)
                    except re.error as exc:
                        fail(f"bad regular expression {item!r}: {exc}; escape literal characters such as '.' "
                             "and '?' with '\\\\'", key)
                if key in _REGEX_KEYS and not item:
                    fail("an empty pattern matches every URL: write a pattern, or leave the key out", key)
                if key in _URL_KEYS and (problem := url_problem(item)):
                    fail(f"{item!r} is not an http(s) URL to fetch: {problem}; write a full address such as "
                         "'https://alwasat.ly/rss'", key)
                if key == "allowed_domains" and (problem := _check_domain(item)):
                    fail(problem, key)
            values[key] = tuple(value)
            continue
        expected = _TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            kind = expected.__name__ if isinstance(expected, type) else "number"
            fail(f"must be {'an' if kind == 'int' else 'a'} {kind}, got {value!r}", key)
            continue
        values[key] = value
    if "schedule" in values and (problem := _check_schedule(values["schedule"])):
        fail(problem, "schedule")
    if values.get("homepage") and (problem := url_problem(values["homepage"])):
        fail(f"{values['homepage']!r} is not an http(s) URL to fetch: {problem}; write a full address such as "
             "'https://alwasat.ly/'", "homepage")
    if not 0 <= values.get("download_delay", 1.0) <= MAX_DELAY:  # nan fails too; inf hung the crawl
        fail(f"{values['download_delay']!r} is no delay: write 0 to {MAX_DELAY:.0f} seconds (a longer wait between "
             "two requests would hang the crawl), e.g. download_delay = 2.0", "download_delay")
    if values.get("timezone") and (problem := zone_problem(values["timezone"])):
        fail(problem, "timezone")
    if values.get("concurrency", 2) < 1:
        fail("must be at least 1", "concurrency")
    if values.get("max_depth", 3) < 0:
        fail(f"{values['max_depth']} is no depth: write 0 (start pages only) or more, e.g. max_depth = 3", "max_depth")
    sources = ("start_urls", "feeds", "sitemaps", "homepage")
    if not any(values.get(k) for k in sources) and not any(k in table for k in sources if k not in values) \
            and not set(table) - KNOWN_KEYS:  # a misspelt "feedz" is reported above, with the name meant
        fail("nothing to crawl: give at least one of start_urls, feeds, sitemaps or homepage", "start_urls")
    if errors:
        return None, errors
    if values.get("homepage") and not values.get("start_urls") and not values.get("feeds") \
            and not values.get("sitemaps"):
        values["start_urls"] = (values["homepage"],)
    errors += [ConfigError(path, problem, outlet=label, key="allowed_domains") for problem in _outside(values)]
    if errors:
        return None, errors
    values["download_delay"] = float(values.get("download_delay", 1.0))
    values.setdefault("display_name", name)
    return Outlet(source=str(path), **values), []


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.toml") if p.name != "lexicon.toml")
    if path.is_file():
        return [path]
    if path.exists():  # /dev/null, a pipe
        raise ConfigError(path, "is no TOML file or folder; pass --seeds with a TOML file or a folder of them")
    from crawler.config.bundled import SEEDS

    here = f" in {Path.cwd()}" if not path.is_absolute() else ""
    raise ConfigError(path, f"no such file or folder{here}; pass --seeds with a TOML file or a folder of them (the "
                      f"package's example outlets: {SEEDS})")


def load_outlets(path: Path | str) -> list[Outlet]:
    """Every outlet configured in a TOML file or in the ``*.toml`` files of a folder (lexicon.toml excluded).

    Every file and every outlet is checked before anything is raised, so one run reports every problem.
    """
    path = Path(path)
    outlets: list[Outlet] = []
    errors: list[ConfigError] = []
    seen: dict[str, Path] = {}
    for file in _files(path):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8-sig"))  # a BOM, as Notepad writes, is no error
        except IsADirectoryError:
            errors.append(ConfigError(file, "is a folder, not a TOML file: rename it or move it out of the seeds "
                                      "folder"))
            continue
        except OSError as exc:
            errors.append(ConfigError(file, f"cannot be read ({exc.strerror}); check it exists and may be read"))
            continue
        except tomllib.TOMLDecodeError as exc:
            errors.append(ConfigError(file, f"not valid TOML: {exc}"))
            continue
        except UnicodeDecodeError:
            errors.append(ConfigError(file, "not UTF-8 text; save the file as UTF-8"))
            continue
        for key in sorted(set(data) - {"outlet"}):
            hint = _unknown_key(key, {"outlet"}).removeprefix(f"unknown key {key!r}; ")
            errors.append(ConfigError(file, f"unknown top-level key {key!r}; outlets go in [[outlet]] tables"
                                      + (f" ({hint})" if hint.startswith("did you mean") else ""), key=key))
        tables = data.get("outlet", [])
        if not isinstance(tables, list):
            errors.append(ConfigError(file, "write outlets as [[outlet]] tables (double brackets)", key="outlet"))
            continue
        for i, table in enumerate(tables):
            if not isinstance(table, dict):
                errors.append(ConfigError(file, "write outlets as [[outlet]] tables", outlet=f"#{i + 1}",
                                          key="outlet"))
                continue
            outlet, problems = _check_table(file, table, i)
            errors += problems
            if outlet is None:
                continue
            if outlet.name in seen:
                errors.append(ConfigError(file, f"outlet name {outlet.name!r} is already used in "
                                          f"{seen[outlet.name]}", outlet=outlet.name, key="name"))
                continue
            seen[outlet.name] = file
            outlets.append(outlet)
    raise_all(errors)
    if not outlets:
        where = " in a .toml file directly in this folder (other files and sub-folders are not read)" * path.is_dir()
        raise ConfigError(path, f"no [[outlet]] tables found: write each outlet as an [[outlet]] table{where}, e.g. "
                                "[[outlet]] name = \"alwasat\" feeds = [\"https://alwasat.ly/rss\"]")
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
