"""Find an article's headline: reconcile h1, og:title, JSON-LD headline and <title>, without the site name."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

# Separators that join a headline and a site name in <title> and og:title.
SEPARATOR_RE = re.compile(r"\s+[|\-–—»«:·•~/]+\s+|\s*[|»«•]\s*|\s*::\s*")
ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportage", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
     "reportagenewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting", "scholarlyarticle"}
)
MAX_TITLE_CHARS = 400


def clean_space(text: str | None) -> str:
    """Collapse whitespace (including NBSP and bidi marks) to single spaces."""
    if not text:
        return ""
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", text)
    return " ".join(text.split())


def _norm(text: str) -> str:
    """A comparison key: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", text.lower())


def iter_json_ld(root: HtmlElement) -> Iterator[dict]:
    """Every JSON-LD object on the page, flattening lists and @graph."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            logger.debug("unparsable JSON-LD block skipped")
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                if isinstance(item.get("mainEntity"), dict):
                    stack.append(item["mainEntity"])


def _types(item: dict) -> set[str]:
    """The lower-cased @type values of a JSON-LD object."""
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def json_ld_article(root: HtmlElement) -> dict | None:
    """The first JSON-LD object typed as an article (NewsArticle, BlogPosting, ...), or None."""
    fallback = None
    for item in iter_json_ld(root):
        kinds = _types(item)
        if kinds & (ARTICLE_TYPES - {"webpage"}):
            return item
        if "webpage" in kinds and item.get("headline") and fallback is None:
            fallback = item
    return fallback


def meta_content(root: HtmlElement, *names: str) -> str:
    """The content of the first <meta> whose property/name/itemprop is one of ``names``."""
    wanted = {n.lower() for n in names}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in wanted and meta.get("content"):
            value = clean_space(meta.get("content"))
            if value:
                return value
    return ""


def site_names(root: HtmlElement, url: str) -> list[str]:
    """Names the site goes by: og:site_name, application-name, JSON-LD publisher, host name parts."""
    names = [meta_content(root, "og:site_name"), meta_content(root, "application-name"),
             meta_content(root, "twitter:site").lstrip("@"), meta_content(root, "publisher")]
    for item in iter_json_ld(root):
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
        if _types(item) & {"organization", "newsmediaorganization", "website"} and isinstance(item.get("name"), str):
            names.append(item["name"])
    host = (urlsplit(url).hostname or "").lower()
    names.extend(_home_link_names(root, host))
    labels = [p for p in host.split(".") if p not in {"www", "m", "amp", "ar", "en", "arabic", "news"}]
    if labels:
        names.append(labels[0] if len(labels) == 1 else labels[-2])
        names.append(host.removeprefix("www."))
    return [clean_space(n) for n in names if n and clean_space(n)]


def _home_link_names(root: HtmlElement, host: str) -> list[str]:
    """Texts (and logo alt texts) of links to the site's home page: the name the site shows itself."""
    found: list[str] = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        try:
            parts = urlsplit(href)
            other_host = parts.hostname
        except ValueError:  # malformed href, e.g. "//[x"
            continue
        if parts.path.strip("/") or parts.query or (other_host and other_host.lower() != host):
            continue
        if not href or href.startswith("#"):
            continue
        texts = [link.text_content()] + [img.get("alt") or "" for img in link.iter("img")] + [link.get("title") or ""]
        found.extend(t for t in texts if 0 < len(clean_space(t)) <= 60)
        if len(found) > 10:
            break
    return found


def _is_site_segment(segment: str, names: list[str]) -> bool:
    """True when ``segment`` of a title is (part of) the site's name."""
    key = _norm(segment)
    if not key:
        return True
    for name in names:
        other = _norm(name)
        if other and (key == other or (len(other) >= 3 and other in key and len(key) <= len(other) + 12)
                      or (len(key) >= 3 and key in other)):
            return True
    return False


def strip_site_name(title: str, names: list[str]) -> str:
    """``title`` without leading/trailing segments that name the site ("... | الوسط", "الوسط - ...")."""
    title = clean_space(title)
    parts = [p for p in SEPARATOR_RE.split(title)]
    if len(parts) < 2:
        return title
    # Walk in from both ends, dropping site-name segments; keep the original text between.
    spans = [m.span() for m in SEPARATOR_RE.finditer(title)]
    start, end = 0, len(parts)
    while end - start > 1 and _is_site_segment(parts[start], names):
        start += 1
    while end - start > 1 and _is_site_segment(parts[end - 1], names):
        end -= 1
    if (start, end) == (0, len(parts)):
        return title
    left = 0 if start == 0 else spans[start - 1][1]
    right = len(title) if end == len(parts) else spans[end - 1][0]
    return title[left:right].strip()


def _headings(root: HtmlElement) -> list[str]:
    """Texts of the page's h1 elements, those inside <article>/<main> first."""
    preferred, others = [], []
    for h1 in root.iter("h1"):
        text = clean_space(h1.text_content())
        if not text or len(text) > MAX_TITLE_CHARS:
            continue
        inside = any(a.tag in ("article", "main") for a in h1.iterancestors())
        (preferred if inside else others).append(text)
    return preferred + others


def _agrees(a: str, b: str) -> bool:
    """True when two title candidates are the same headline (one holds the other)."""
    ka, kb = _norm(a), _norm(b)
    if not ka or not kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return short in long_ and len(short) >= 0.6 * len(long_)


def find_title(root: HtmlElement, url: str, fallback: str = "") -> str:
    """The headline of the article page ``root``; ``fallback`` (e.g. trafilatura's title) when nothing else."""
    names = site_names(root, url)
    article = json_ld_article(root) or {}
    headline = article.get("headline") or article.get("name") or ""
    json_title = clean_space(headline) if isinstance(headline, str) else ""
    og_title = meta_content(root, "og:title", "twitter:title")
    head_title = ""
    title_el = root.find(".//title")
    if title_el is not None:
        head_title = clean_space(title_el.text_content())
    structured = [strip_site_name(t, names) for t in (json_title, og_title, head_title) if t]
    structured = [t for t in structured if t and not _is_site_segment(t, names)]
    # The visible h1 is the headline when a structured title confirms it (pages often use h1 for the logo).
    headings = _headings(root)
    for heading in headings:
        if any(_agrees(heading, t) for t in structured):
            return heading
    for candidate in structured:
        if len(candidate) <= MAX_TITLE_CHARS:
            return candidate
    if len(headings) == 1 and not _is_site_segment(headings[0], names):
        return headings[0]
    return strip_site_name(fallback, names) if fallback else ""
