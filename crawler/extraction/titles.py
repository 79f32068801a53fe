"""Find an article's headline: reconcile h1, og:title, JSON-LD headline and <title>, without the site name."""

from __future__ import annotations

import copy
import functools
import logging
import re
import weakref
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.discovery.jsonbound import bounded_loads
from crawler.extraction import generic_titles  # a module (it imports this one): its function read when called
from crawler.extraction.glyphs import clean_space
from crawler.extraction.page_index import elements

logger = logging.getLogger(__name__)

# Separators that join a headline and a site name in <title> and og:title.
# Spaced separators (" - ", " :: ", " / ") may be any run of these; unspaced only the unambiguous ones.
SEPARATOR_RE = re.compile(r"\s+[|\-–—»«‹›:·•~/\\]+\s+|\s*(?:[|»«‹›•]|::)\s*")
# The same without guillemets, for a title whose guillemets pair up as quotation marks ("sur la « gravité »").
UNQUOTED_SEPARATOR_RE = re.compile(r"\s+[|\-–—:·•~/\\]+\s+|\s*(?:[|•]|::)\s*")
LEADING_COLON_RE = re.compile(r"^([^:]{2,80}?):\s+(?=\S)")  # "Name: rest", strip_site_name
QUOTED_RE = re.compile(r"«[^«»]*»|»[^«»]*«|‹[^‹›]*›|›[^‹›]*‹")  # French and German order
# Home-page paths and session-only query keys: a link there is the site's own name or logo.
HOME_PATHS = frozenset({"", "index.php", "index.html", "index.htm", "index.asp", "index.aspx", "default.asp",
                        "default.aspx", "home", "home.php", "main.php", "portal.php", "ar", "en", "arabic"})
VIEW_SWITCHES = frozenset({"m=0", "m=1"})  # Blogger's web / mobile view of a page: "/?m=1" is the home page
SESSION_KEYS = frozenset({"phpsessid", "sid", "jsessionid", "aspsessionid", "sessionid", "session", "lang", "l"})
HEADLINE_TOKENS = frozenset({"title", "headline", "heading", "head_line", "newstitle", "news_title", "article_title",
                             "entry-title", "post-title", "story-title", "articletitle", "maintitle", "main_title"})
MIN_FONT_SIZE = 4  # <font size=4> and up (or "+1" and up) is a headline on a 2000s page
ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportage", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
     "reportagenewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting", "scholarlyarticle"})
STORY_TYPES = ARTICLE_TYPES - {"webpage"}  # schema.org types of one story (a WebPage holds the whole page)
MAX_TITLE_CHARS = 400
ODD_URL_RE = re.compile(r"[\x00-\x20]")
PROMINENT_CANDIDATES = "//h1 | //h2 | //h3 | //font[@size] | //b | //strong | //big | //*[@class or @id]"  # _is_prominent's
MAX_HEADING_PARTS = 4  # an h1 of more element parts than this is not a kicker and a headline
KICKER_SEPARATORS = " -–—|:/·•"  # what joins a kicker to its headline, stripped from the headline's ends
# Compiled once: norm runs thousands of times a page (re.sub(pattern) looks it up each call, issue 10)
NON_WORD_RE = re.compile(r"[\W_]+")
SPACES_RE = re.compile(r"[\s]+")


def norm(text: str) -> str:
    """A comparison key: lower case, letters and digits only."""
    return NON_WORD_RE.sub("", text.lower())


def iter_json_ld(root: HtmlElement) -> Iterator[dict]:
    """Every JSON-LD object on the page, flattening lists and @graph."""
    for script in elements(root, "script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:  # bounded: 8 MB of [] were loaded and walked in 22 s of a worker (hostile web, round thirteen)
            data = bounded_loads(script.text or "", strict=False)
        except (ValueError, RecursionError):  # a block nested past the interpreter's depth is unreadable, not fatal
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
        if (kinds := _types(item)) & STORY_TYPES:
            return item
        if "webpage" in kinds and item.get("headline") and fallback is None:
            fallback = item
    return fallback


def meta_content(root: HtmlElement, *names: str) -> str:
    """The content of the first <meta> whose property/name/itemprop is one of ``names``."""
    index = _meta_index(root)
    found = [index[key] for key in {n.lower() for n in names} if key in index]
    return min(found)[1] if found else ""


# One walk over the <meta> of a tree for its dozen meta_content calls (issue 10: the walks cost a third of a
# millisecond a page). Weak keys: an entry goes with its tree; a tree is read, never changed, once extraction starts.
_META_INDEXES: weakref.WeakKeyDictionary[HtmlElement, dict[str, tuple[int, str]]] = weakref.WeakKeyDictionary()


def _meta_index(root: HtmlElement) -> dict[str, tuple[int, str]]:
    """Each property/name/itemprop key of ``root``'s <meta>: (position, content) of the first with content."""
    index = _META_INDEXES.get(root)
    if index is None:
        index = {}
        for position, meta in enumerate(elements(root, "meta")):
            key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
            if key not in index and meta.get("content"):
                value = clean_space(meta.get("content"))
                if value:
                    index[key] = (position, value)
        _META_INDEXES[root] = index
    return index


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


@functools.lru_cache(maxsize=4096)
def _is_home_link(href: str, host: str) -> bool:
    """True when ``href`` points at the site's home page (also /index.php?PHPSESSID=...)."""
    if not href or href.startswith(("#", "javascript:", "mailto:")) or not _may_be_home(href):
        return False
    try:
        parts = urlsplit(href)
        other_host = parts.hostname
    except ValueError:  # malformed href, e.g. "//[x"
        return False
    if other_host and other_host.lower().removeprefix("www.") != host.removeprefix("www."):
        return False
    keys = {kv.split("=", 1)[0].lower() for kv in parts.query.split("&") if kv and kv.lower() not in VIEW_SWITCHES}
    return parts.path.strip("/").lower() in HOME_PATHS and keys <= SESSION_KEYS


def _may_be_home(href: str) -> bool:
    """False only where the path urlsplit finds in ``href`` is surely not one of HOME_PATHS, told without urlsplit.

    urlsplit and its hostname cost two microseconds an href, most of _home_link_names on a page of a few hundred
    links (issue 10). The path is what precedes the first "?" and "#" after the scheme and netloc: where it is one of
    HOME_PATHS, that text ends with it (slashes aside) after a "/", or is a scheme or netloc with no path.
    """
    if ODD_URL_RE.search(href):  # characters urlsplit strips or removes
        return True
    rest = href.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    last = rest.rsplit("/", 1)[-1]
    return last.lower() in HOME_PATHS or ":" in last or ("//" in rest and "/" not in rest.partition("//")[2])


def _home_link_names(root: HtmlElement, host: str) -> list[str]:
    """Texts (and logo alt texts) of links to the site's home page and of logo images: the name the site shows."""
    found: list[str] = []
    # Each distinct href tested once, and only the links home visited (issue 10: a Python loop over every link of a
    # page that tested each cost half a millisecond).
    anchors = elements(root, "a")
    hrefs = [a.get("href") for a in anchors]
    homes = {href for href in dict.fromkeys(hrefs) if href is not None and _is_home_link(href.strip(), host)}
    for link in (a for a, href in zip(anchors, hrefs, strict=True) if href in homes):
        texts = [link.text_content()] + [img.get("alt") or "" for img in link.iter("img")] + [link.get("title") or ""]
        found.extend(t for t in texts if 0 < len(clean_space(t)) <= 60)
        if len(found) > 10:
            break
    for img in elements(root, "img"):
        where = f"{img.get('src', '')} {img.get('class', '')} {img.get('id', '')}".lower()
        alt = clean_space(img.get("alt"))
        if "logo" in where and 0 < len(alt) <= 60:
            found.append(alt)
    return found


def is_site_segment(segment: str, names: list[str]) -> bool:
    """True when ``segment`` of a title is (part of) the site's name."""
    key = norm(segment)
    if not key:
        return True
    for name in names:
        other = norm(name)
        if other and (key == other or (len(other) >= 3 and other in key and len(key) <= len(other) + 12)
                      or (len(key) >= 3 and key in other)):
            return True
    return False


def separators(title: str) -> re.Pattern[str]:
    """The separators of ``title``: guillemets too, unless they all pair up as quotation marks around words."""
    paired = ("«" in title or "‹" in title) and not any(mark in QUOTED_RE.sub("", title) for mark in "«»‹›")
    return UNQUOTED_SEPARATOR_RE if paired else SEPARATOR_RE


def strip_site_name(title: str, names: list[str]) -> str:
    """``title`` without leading/trailing segments that name the site ("... | الوسط", "الوسط - ...")."""
    title = clean_space(title)
    lead = LEADING_COLON_RE.match(title)  # "Blog: Post" (Blogger): the exact name only ("ليبيا: ..." is a headline)
    if lead and norm(lead.group(1)) and norm(lead.group(1)) in {norm(name) for name in names}:
        title = title[lead.end():]
    separator = separators(title)
    parts = separator.split(title)
    if len(parts) < 2:
        return title
    # Walk in from both ends, dropping site-name segments; keep the original text between.
    spans = [m.span() for m in separator.finditer(title)]
    start, end = 0, len(parts)
    while end - start > 1 and is_site_segment(parts[start], names):
        start += 1
    while end - start > 1 and is_site_segment(parts[end - 1], names):
        end -= 1
    if (start, end) == (0, len(parts)):
        return title
    left = 0 if start == 0 else spans[start - 1][1]
    right = len(title) if end == len(parts) else spans[end - 1][0]
    return title[left:right].strip()


def _heading_texts(h1: HtmlElement) -> list[str]:
    """The text of one h1, then (when a link holds only part of it) its text without the linked part.

    A link inside the h1 that is not all of it is the site's name or a section: the headline may be the h1 without it.
    """
    if h1.find(".//br") is not None:  # a two-line headline: its lines joined by a space, not glued (probe 37)
        h1 = copy.deepcopy(h1)
        for br in h1.iter("br"):
            br.tail = " " + (br.tail or "")
    texts = [clean_space(h1.text_content())]
    links = [a for a in h1.iter("a") if norm(a.text_content())]
    if links and all(norm(a.text_content()) != norm(texts[0]) for a in links):
        unlinked = copy.deepcopy(h1)
        for link in list(unlinked.iter("a")):
            link.drop_tree()  # keeps the link's tail text
        texts.append(clean_space(unlinked.text_content()))
    # A kicker printed in the h1 ("<h1><span>Topic:</span> <span>Headline</span></h1>"): the h1 without one of its
    # parts, which find_title takes only when it is exactly a structured title; its own text is one part too (probe 37)
    loose = norm(h1.text or "") or any(norm(child.tail or "") for child in h1)  # "<h1><span>Kicker</span> Headline"
    if 2 <= len(_parts(h1)) + bool(loose) and 1 <= len(_parts(h1)) <= MAX_HEADING_PARTS:
        for index in range(len(_parts(h1))):
            trimmed = copy.deepcopy(h1)
            _parts(trimmed)[index].drop_tree()  # keeps its tail; a screen-reader " - " left at an end goes
            texts.append(clean_space(trimmed.text_content()).strip(KICKER_SEPARATORS))
    return [t for t in dict.fromkeys(texts) if t and len(t) <= MAX_TITLE_CHARS]


def _parts(h1: HtmlElement) -> list[HtmlElement]:
    """The child elements of ``h1`` that hold text."""
    return [c for c in h1 if isinstance(c.tag, str) and norm(c.text_content())]


def _headings(root: HtmlElement) -> list[str]:
    """Texts of the page's h1 elements, those inside <article>/<main> first."""
    preferred, others = [], []
    for h1 in elements(root, "h1"):
        inside = any(a.tag in ("article", "main") for a in h1.iterancestors())
        (preferred if inside else others).extend(_heading_texts(h1))
    return preferred + others


def _spelled(heading: str, structured: str) -> str:
    """The h1's spelling of a headline it shares with a structured title, unless the structured one adds separators.

    Spans joined ("<span>Kicker</span><span>Headline</span>") lose the separator a style sheet draws ("Kicker
    Headline"); the editor's structured title has it ("Kicker: Headline"). Other differences ("?" dropped, "-" for
    "–", title case) make it no better.
    """
    marks = [sum(text.count(mark) for mark in KICKER_SEPARATORS.strip()) for text in (heading, structured)]
    return structured if marks[1] > marks[0] else heading


def _agrees(a: str, b: str) -> bool:
    """True when two title candidates are the same headline (one holds the other)."""
    short, long_ = sorted((norm(a), norm(b)), key=len)  # an empty key agrees with nothing
    return bool(short) and short in long_ and len(short) >= 0.6 * len(long_)


def _font_size(element: HtmlElement) -> int:
    """The HTML 3 size of a <font> (3 is normal; "+1" is 4), 0 when absent or malformed."""
    value = (element.get("size") or "").strip()
    try:
        return 3 + int(value) if value.startswith(("+", "-")) else int(value)
    except ValueError:
        return 0


def _is_prominent(element: HtmlElement) -> bool:
    """True when ``element`` is styled as a headline: h1-h3, a big <font>, a title class, a lone bold line."""
    tag = element.tag
    if tag in ("h1", "h2", "h3"):
        return True
    if tag == "font" and _font_size(element) >= MIN_FONT_SIZE:
        return True
    raw = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if raw.strip() and any(t in HEADLINE_TOKENS for t in SPACES_RE.split(raw)):
        return True
    if tag in ("b", "strong", "big"):
        block = element.getparent()
        while block is not None and block.tag in ("font", "span", "a", "b", "strong", "big", "center"):
            block = block.getparent()
        return block is not None and norm(block.text_content()) == norm(element.text_content())
    return False


def prominent_texts(root: HtmlElement, host: str = "") -> list[str]:
    """Texts of the page's headline-styled elements, in document order (not the logo: links home are skipped)."""
    found = []
    for element in root.xpath(PROMINENT_CANDIDATES):  # in document order, without a Python loop over every element
        if _is_prominent(element):
            links = [*element.iterancestors("a"), *element.iter("a")]
            if any(_is_home_link((a.get("href") or "").strip(), host) for a in links):
                continue
            text = clean_space(element.text_content())
            if 0 < len(text) <= MAX_TITLE_CHARS:
                found.append(text)
    return found


TITLE_MAX_SEPARATORS = 16


def title_variants(title: str) -> list[str]:
    """``title`` and every run of its separator-delimited segments (longest first), for matching a headline."""
    title = clean_space(title)
    # every run of segments is O(n²) strings: a <title> of 800 separators made 320,000 of them (645 MB); a title has a
    # few, and past TITLE_MAX_SEPARATORS the rest is one last segment (a black-box audit, stop 35)
    spans = [m.span() for m in separators(title).finditer(title)][:TITLE_MAX_SEPARATORS]
    bounds = [0] + [e for _, e in spans]
    ends = [s for s, _ in spans] + [len(title)]
    # in title order, then longest first by a stable sort: a set's order of two runs of one length ("Site Name"
    # vs "Headline") follows the process's string hash seed, and so did the headline chosen
    variants = dict.fromkeys(title[bounds[i]:ends[j]].strip() for i in range(len(bounds)) for j in range(i, len(ends)))
    return sorted((v for v in variants if v), key=len, reverse=True)


def visible_headline(root: HtmlElement, titles: list[str], host: str = "") -> str:
    """The headline-styled text that equals one of ``titles`` or a separator-delimited part of it ("" if none)."""
    shown = {norm(t): t for t in reversed(prominent_texts(root, host))}
    for title in titles:
        for variant in title_variants(title):
            key = norm(variant)
            if len(key) >= 8 and key in shown:
                return shown[key]
    return ""


def find_title(root: HtmlElement, url: str, fallback: Callable[[], str] | None = None) -> str:
    """The headline of the article page ``root``; ``fallback()`` (e.g. trafilatura's title) when nothing else."""
    names = site_names(root, url)
    article = json_ld_article(root) or {}
    headline = article.get("headline") or article.get("name") or ""
    json_title = clean_space(headline) if isinstance(headline, str) else ""
    og_title = meta_content(root, "og:title", "twitter:title")
    title_el = root.find(".//title")
    head_title = clean_space(title_el.text_content()) if title_el is not None else ""
    structured = [strip_site_name(t, names) for t in (json_title, og_title, head_title) if t]
    structured = [t for t in structured if t and not is_site_segment(t, names)]
    # The visible h1 is the headline when a structured title confirms it (pages often use h1 for the logo).
    headings = _headings(root)
    keys: dict[str, str] = {}
    for title in structured:
        keys.setdefault(norm(title), title)
    for heading in headings:  # an h1 text (or its text without a site link) that is a structured title exactly
        if norm(heading) in keys:
            return _spelled(heading, keys[norm(heading)])
    for heading in headings:
        if any(_agrees(heading, t) for t in structured):
            return heading
    # Without a site name to strip, the headline shown says which part of <title> is the headline (or none is).
    host, raw = (urlsplit(url).hostname or "").lower(), [t for t in (json_title, og_title, head_title) if t]
    if generic := generic_titles.headline_over_generic_title(root, host, raw, names, headings):
        return generic
    shown = visible_headline(root, raw, host)
    if shown and not is_site_segment(shown, names):
        return shown
    for candidate in structured:
        if len(candidate) <= MAX_TITLE_CHARS:
            return candidate
    if len(headings) == 1 and not is_site_segment(headings[0], names):
        return headings[0]
    # A page whose only title is the site's name (a blog's own name as its <title>) still has that title.
    last = (fallback() if fallback else "") or json_title or og_title or head_title
    return strip_site_name(last, names) if last else ""
