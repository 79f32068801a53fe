"""Shared pieces of the alternative test sites: replies, expected articles, robots.txt rules, HTML escaping."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

CONTENT_PATH = Path(__file__).with_name("content.json")


def load_content() -> dict:
    """The articles of the three sites (tests/altsites/content.json)."""
    return json.loads(CONTENT_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Reply:
    """One HTTP response a site gives: status, headers and body bytes (already encoded)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = field(default=b"", repr=False)
    gzip_ok: bool = False  # the body may be sent with Content-Encoding: gzip when the client accepts it


def html_reply(text: str, *, status: int = 200, charset: str | None = "utf-8", encoding: str = "utf-8",
               gzip_ok: bool = False, extra: tuple[tuple[str, str], ...] = ()) -> Reply:
    """An HTML page; ``charset=None`` sends ``text/html`` with no charset (the page declares it in a meta)."""
    ctype = "text/html" if charset is None else f"text/html; charset={charset}"
    return Reply(status, (("Content-Type", ctype), *extra), text.encode(encoding), gzip_ok)


def redirect(status: int, location: str, extra: tuple[tuple[str, str], ...] = ()) -> Reply:
    """A redirect with a small HTML body, as real servers send."""
    body = f'<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="{escape(location)}">here</a>.</h2></body></html>'
    return Reply(status, (("Location", location), ("Content-Type", "text/html; charset=utf-8"), *extra),
                 body.encode())


@dataclass(frozen=True)
class ExpectedArticle:
    """What a correct crawl must make of one article page of these sites."""

    site: str  # "wordpress", "drupal" or "aspnet"
    key: str  # stable id for test parametrisation, e.g. "wordpress-104"
    canonical_url: str  # the article's own URL (the page's rel=canonical, or its final URL when it has none)
    title: str  # the headline exactly as the page shows it
    paragraphs: tuple[str, ...] = field(repr=False)  # the real body, subheadings included, nothing else
    relevant: bool = False  # a human judgement: about Libya *and* about the armed conflict


class RobotsRules:
    """The rules of one robots.txt group for ``*``, matched as RFC 9309 says (``*``, ``$``, longest match wins)."""

    def __init__(self, disallow: list[str], allow: list[str] = ()):
        self.disallow = list(disallow)
        self.allow = list(allow)
        self._rules = [(len(r), False, re.compile(self._to_regex(r))) for r in self.disallow if r]
        self._rules += [(len(r), True, re.compile(self._to_regex(r))) for r in self.allow if r]

    @staticmethod
    def _to_regex(rule: str) -> str:
        anchored = rule.endswith("$")
        body = rule[:-1] if anchored else rule
        return "^" + ".*".join(re.escape(part) for part in body.split("*")) + ("$" if anchored else "")

    def forbids(self, path_and_query: str) -> bool:
        """True when a request for ``path_and_query`` (raw, as sent on the wire) is disallowed."""
        matches = [(length, allow) for length, allow, rx in self._rules if rx.match(path_and_query)]
        if not matches:
            return False
        # the most specific (longest) rule wins; on a tie, Allow wins (RFC 9309 section 2.2.2)
        return not max(matches)[1]

    def forbids_url(self, url: str) -> bool:
        """True when ``url`` is disallowed."""
        parts = urlsplit(url)
        return self.forbids((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def para_html(text: str, links: dict[str, str]) -> str:
    """A paragraph as HTML: the dateline (up to the first ':') bold, the first mention of each linked phrase a link."""
    head, sep, rest = text.partition(":")
    out = f"<strong>{escape(head)}{sep}</strong>{escape(rest)}" if sep and len(head) < 60 else escape(text)
    for phrase, href in links.items():
        esc = escape(phrase)
        if esc in out:
            out = out.replace(esc, f'<a href="{escape(href)}">{esc}</a>', 1)
    return out


def body_texts(body: list) -> tuple[str, ...]:
    """The expected body of an article: its paragraphs and subheadings, in page order."""
    return tuple(item["h2"] if isinstance(item, dict) else item for item in body)
