"""Publication dates that the page declares in markup: JSON-LD, <meta> tags and <time> elements."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import lxml.html

from crawler.discovery.jsonbound import JSON_BLOCK_MAX_CONTAINERS, loads, too_many_containers
from crawler.extraction.arabic_dates import MODIFIED_WORDS, Found, normalize, parse_date_value
from crawler.extraction.live_entries import entry_times
from crawler.extraction.page_index import elements

logger = logging.getLogger(__name__)

# Publication-date meta keys, most trustworthy first (name=, property=, itemprop= or http-equiv=, lower-cased).
META_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "published_time", "datepublished", "dcterms.issued", "dc.date.issued", "dc.issued", "dcterms.created",
    "dc.date.created", "dc.created", "parsely-pub-date", "sailthru.date", "citation_publication_date",
    "citation_date", "article.published", "article_date_original", "original-publish-date",
    "originalpublicationdate", "publication_date", "publication-date", "publish-date", "publish_date",
    "publishdate", "pubdate", "pub_date", "datecreated", "article.created", "cxenseparse:recs:publishtime",
    "date_published", "release_date", "og:pubdate", "dc.date", "dcterms.date", "date", "created",
)
_META_RANK = {key: rank for rank, key in enumerate(META_KEYS)}
_ARTICLE_TYPES = re.compile(r"article|posting|report|news|blog|creativework|webpage|video|liveblog", re.IGNORECASE)
# Types that make a page an article's (schema.org's Article and its subtypes, the postings, Report): a
# VideoObject's uploadDate beside one is a clip's. Not WebPage, NewsMediaOrganization, VideoObject.
_STORY_TYPES = re.compile(r"(?:article|posting|\breport|reportagenews)\b", re.IGNORECASE)
_VIDEO = re.compile(r"\bvideoobject\b", re.IGNORECASE)
# JSON-LD date keys, most trustworthy first
DATE_KEYS = ("datePublished", "dateCreated")
_MODIFIED_ATTR = re.compile(r"updat|modif|edit|revis|tahdith", re.IGNORECASE)
BOILERPLATE_TAGS = {"header", "nav", "footer", "aside", "form"}
_LD_JSON_CASE = str.maketrans("LDJSON", "ldjson")


# --- json-ld -------------------------------------------------------------------------------------------------

def json_ld(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """datePublished (then dateCreated) of the JSON-LD objects, article-like types first; then, on a video
    page only, its VideoObject's uploadDate.

    A video story's page often describes only its VideoObject, whose date is ``uploadDate`` (the one Google's
    video structured data requires; ``datePublished`` is optional there). But an article's page carries clips
    too: an embed plugin's own top-level VideoObject block, a graph's clip node, a photo's ImageObject, each
    maybe older than the story. So ``uploadDate`` is read from a top-level (or ``@graph``) ``VideoObject``
    only, and only when the page declares no article-type object and no publication date in a meta tag or a
    marked ``<time>`` (which otherwise come after JSON-LD): the page is then the video's."""
    ranked: list[tuple[int, int, str]] = []
    uploads: list[tuple[int, int, str]] = []
    story = False
    # The XPath test //script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")] on a walk over the <script>
    # elements: the XPath's pass over every element cost most of this function (issue 10).
    for script in elements(doc, "script"):
        if "ld+json" not in (script.get("type") or "").translate(_LD_JSON_CASE):
            continue
        raw = script.text_content() or ""
        if too_many_containers(raw, JSON_BLOCK_MAX_CONTAINERS):  # 8 MB of [] loaded and walked: seconds (round 13)
            continue
        try:
            data = loads(raw, strict=False)
        except (ValueError, RecursionError):  # a block nested past the interpreter's depth is unreadable, not fatal
            # Broken JSON-LD is common (trailing commas, raw newlines): fall back to a plain key search.
            for key_rank, key in enumerate(DATE_KEYS):
                for m in re.finditer(rf'"{key}"\s*:\s*"([^"]+)"', raw):
                    ranked.append((key_rank, 2, m.group(1)))
            continue
        top = _top_level(data)
        for node in _walk(data):
            kinds = node.get("@type", "")
            kind = " ".join(map(str, kinds)) if isinstance(kinds, list) else str(kinds)
            type_rank = 0 if _ARTICLE_TYPES.search(kind) else 1
            story = story or bool(_STORY_TYPES.search(kind))
            for key_rank, key in enumerate(DATE_KEYS):
                value = node.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, str):
                    ranked.append((key_rank, type_rank, value))
            value = node.get("uploadDate")
            if isinstance(value, str) and _VIDEO.search(kind) and any(node is t for t in top):
                uploads.append((0, 0, value))
    yield from _parsed(ranked)
    # Checked lazily: the meta tags are read only once every date above has been refused.
    if uploads and not story and _undated_by_markup(doc):
        yield from _parsed(uploads)


def _undated_by_markup(doc: lxml.html.HtmlElement) -> bool:
    """True when no publication <meta> tag (or itemprop) and no marked <time> gives a date."""
    return next(meta(doc), None) is None and next(time_elements(doc, marked=True), None) is None


def _top_level(data: object) -> list[dict]:
    """The objects a JSON-LD block describes at its top: the object, the list's objects, their ``@graph`` members."""
    nodes = [d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)]
    graphs = [g for d in nodes if isinstance(d.get("@graph"), list) for g in d["@graph"] if isinstance(g, dict)]
    return nodes + graphs


def _parsed(ranked: list[tuple[int, int, str]]) -> Iterator[Found]:
    """The values that parse as dates, by their two ranks (ties in document order)."""
    for _, _, value in sorted(ranked, key=lambda item: item[:2]):
        found = parse_date_value(value)
        if found is not None:
            yield found


def _walk(data: object) -> Iterator[dict]:
    """Every JSON object inside ``data``, depth first, @graph members included."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item)


# --- meta ----------------------------------------------------------------------------------------------------

def meta(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """Publication-date <meta> tags, itemprop="datePublished" elements and hAtom ``<abbr class="published">``,
    best-known keys first."""
    ranked: list[tuple[int, int, str]] = []
    # An <abbr> carries its machine-readable value in its title (the microformats abbr design pattern, hAtom's
    # published: Blogger's classic templates print <abbr class='published' itemprop='datePublished'
    # title='2024-03-12T09:15:00+02:00'>9:15 AM</abbr>, the time of day alone as text).
    # RDFa on any element (Drupal 7 prints a node's date only as <span property="dc:date dc:created"
    # content="2019-05-04T14:30:00+02:00">, its text month first; Drupal 8-10 as property="schema:dateCreated").
    # One scan for <meta content> and RDFa's content (//*[@content]): a second // scan cost 0.2 ms a page.
    query = ('//*[@content] | //*[not(self::meta)][@itemprop="datePublished" or @itemprop="dateCreated"]'
             ' | //abbr[@title][contains(concat(" ", normalize-space(@class), " "), " published ")]')
    for position, element in enumerate(doc.xpath(query)):
        if element.tag == "meta":
            keys = [element.get(a, "").strip().lower() for a in ("property", "name", "itemprop", "http-equiv")]
            value = element.get("content", "")
        elif element.get("property") and element.get("content"):
            keys = [_rdfa_key(token) for token in element.get("property", "").lower().split()]
            value = element.get("content", "")
        elif element.get("itemprop") not in ("datePublished", "dateCreated") and not (
                element.tag == "abbr" and element.get("title")
                and "published" in element.get("class", "").split()):
            continue  # another element's content attribute
        else:
            keys = [element.get("itemprop", "").strip().lower() or "datepublished"]
            value = element.get("content") or element.get("datetime") or (
                element.get("title") if element.tag == "abbr" else None) or element.text_content()
        if "parsely-page" in keys:
            keys, value = ["parsely-pub-date"], _parsely_page(value)
        ranks = [_META_RANK[key] for key in keys if key in _META_RANK]
        if ranks and value:
            ranked.append((min(ranks), position, value))
    yield from _parsed(ranked)


def _rdfa_key(token: str) -> str:
    """An RDFa property as a meta key: Dublin Core's ``dc:created`` / ``dcterms:issued`` as their dotted HTML names
    (``dc.created``), schema.org's ``schema:dateCreated`` as the bare itemprop (``datecreated``)."""
    prefix, colon, name = token.partition(":")
    if colon and prefix in ("dc", "dcterms"):
        return f"{prefix}.{name}"
    if colon and prefix in ("schema", "sdo"):
        return name
    return token


def _parsely_page(content: str) -> str:
    """The pub_date inside a parsely-page JSON blob, or "" if it has none."""
    try:
        data = loads(content)
    except (ValueError, RecursionError):
        return ""
    return str(data.get("pub_date", "")) if isinstance(data, dict) else ""


# --- <time> --------------------------------------------------------------------------------------------------

def time_elements(doc: lxml.html.HtmlElement, *, marked: bool) -> Iterator[Found]:
    """<time datetime> elements marked as the publication (``marked``), or else: in the article, then the rest."""
    ranked: list[tuple[int, int, str]] = []
    entries: set | None = None
    for position, element in enumerate(elements(doc, "time")):
        value = element.get("datetime") or element.get("data-datetime")
        if not value:
            continue
        if entries is None:  # a live page's entries' times (the newest first) are no publication date
            entries = entry_times(doc)
        if element in entries:
            continue
        marks = " ".join(element.get(a, "") for a in ("class", "id", "itemprop", "name"))
        if _MODIFIED_ATTR.search(marks) or _in_modified_context(element):
            continue
        if element.get("pubdate") is not None or re.search(r"publish|pubdate|posted|created", marks, re.IGNORECASE):
            rank = 0
        elif has_ancestor(element, {"article", "main"}) and not has_ancestor(element, BOILERPLATE_TAGS - {"header"}):
            rank = 1
        elif not has_ancestor(element, BOILERPLATE_TAGS):
            rank = 2
        else:
            rank = 3
        if (rank == 0) == marked:
            ranked.append((rank, position, value))
    yield from _parsed(ranked)


def _in_modified_context(element: lxml.html.HtmlElement) -> bool:
    """True when the words just before the element label it as an update ("Updated:", "آخر تحديث")."""
    parent = element.getparent()
    if parent is None:
        return False
    pieces: list[str] = []  # nearest first
    for sibling in element.itersiblings(preceding=True):
        pieces.append(sibling.tail or "")
        if isinstance(sibling.tag, str):
            pieces.append(sibling.text_content() or "")
        if sum(map(len, pieces)) > 40:
            break
    else:
        pieces.append(parent.text or "")
    before = "".join(reversed(pieces))
    return bool(MODIFIED_WORDS.search(normalize(before[-40:])))


def has_ancestor(element: lxml.html.HtmlElement, tags: set[str]) -> bool:
    """True when some ancestor of ``element`` has one of ``tags``; a <form> that wraps the page is none."""
    return any(isinstance(a.tag, str) and a.tag in tags and not (a.tag == "form" and page_form(a))
               for a in element.iterancestors())


def page_form(form: lxml.html.HtmlElement) -> bool:
    """True for a <form> that holds the page rather than a search box or a comment form: ASP.NET WebForms wraps
    every page of a site in one server form (``<body><form id="Form1">``, its ``__VIEWSTATE`` first), and the
    headline and date of an old Arab portal stood inside it, read as page furniture."""
    parent = form.getparent()
    if parent is not None and parent.tag == "body":
        return True
    for count, field in enumerate(form.iter("input")):  # the server form's hidden state comes first
        if field.get("name") in ("__VIEWSTATE", "__EVENTVALIDATION", "__VIEWSTATEGENERATOR"):
            return True
        if count >= 4:
            break
    return False
