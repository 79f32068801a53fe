"""An article split over pages: finding, on one of its pages, the links to its other pages (no scrapy).

A CMS that splits a long story prints one part a page and links the others: Joomla's ``{pagebreak}`` as
``?start=N`` / ``?limitstart=N`` (its article index and its pager), K2 items the same, WordPress's ``<!--nextpage-->``
as ``/2/``, old Arabic portals as ``?page=2``, ``&p=2``, ``/2/`` or ``_2.html``, under a "صفحة 1 من 3" counter or
beside a "الصفحة التالية" link, often with ``<link rel="next">``. A link is taken as one of the article's own parts
when all of these hold:

* its URL is the page's own URL with only a page marker changed: a page parameter (``PAGE_PARAMS``) added or changed,
  or a page number appended to the path (``/2``, ``/2/``, ``/page/2``, ``_2.html``, ``-2.html``), its number small
  (up to ``MAX_PAGE_NUMBER``): a "next article" link names another path, and a news id is no page number;
* it is said to be a page: ``rel="next"``, inside a pager or article index (a class or id such as ``pagenav``,
  ``pagination``, ``page-links``, ``article-index``), or its text is a page number, "التالي", "next", "»", "صفحة 2";
* it is no comments pager (inside a comments block, ``#comments``, ``cpage``, ``comment-page-2``; one beside a
  comments block is told by its first part, the story again);
* the page is no listing: a listing's pager (``/news?page=2``) sits under a run of linked teaser headings, an
  article's under one story; a page that shows a page counter ("صفحة 1 من 3") is an article's part whatever else.

What comes back is a candidate: the chain (``crawler/spiders/parts.py``) stops at a part whose runs of text
(``text_blocks``) add nothing or repeat the first page's story, and the join (``crawler/capture/paged.py``) keeps a
fetched part only when it carries the first page's headline and not its story again, so a pager that only looked like
an article's adds nothing. Hand-written, as neither Scrapy
nor trafilatura finds an article's own pages (Scrapy's link extractors take every link a pattern matches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from w3lib.url import safe_url_string

from crawler.fetch.whatwg import host_refusal

# query parameters that number a story's pages (Joomla's two are 0-based item offsets of its pagebreak parts)
PAGE_PARAMS = ("start", "limitstart", "page", "p", "pg", "pagenum", "pageno", "page_no", "paged", "part", "npage")
MAX_PAGE_NUMBER = 60  # a page number beyond it is an id (next article), not a page
MAX_PARTS = 20  # the article's parts fetched after its first page
MAX_BYTES = 8 * 1024 * 1024  # the parts' bodies together
MIN_BLOCK = 30  # characters: a run of text this long is a sentence of the page, not a menu item or a date
MIN_STORY_BLOCK = 80  # characters: a run this long is a paragraph of a story (or a long teaser)
# a sidebar, menu or widget, by a whole class/id token or its start: its text is on every page, no part's
_BOILER = re.compile(r"(?:^|[\s_-])(?:sidebar|side-bar|widget|related|most|menu|breadcrumbs?|share|social|"
                     r"footer|header|banner|ads?|adverts?|advertisement)(?:$|[\s_-])", re.I)
# a pager or article index, by a whole class/id token or its start
_PAGER = re.compile(r"(?:^|[\s_-])(?:pag(?:er|es|ing|ination|enav|enavcounter|ebreak|e-links|elinks|e-nav|enavigation)|"
                    r"article-index|articleindex|toc|multipage|nextpage|post-nav-links|entry-pages)(?:$|[\s_-])", re.I)
_COMMENTS = re.compile(r"comment|disqus|respond|reply|ta3le?q|تعليق", re.I)
_NEXT_WORDS = re.compile(r"^(?:التالي[ةه]?|الصفحة التالي[ةه]|صفحة تالي[ةه]|next(?: page)?|more|›|»|>|>>|"
                         r"(?:ال)?صفح[ةه]\s*\d+|page\s*\d+|\d+|[٠-٩]+)$", re.I)
_OTHER_STORY = re.compile(r"مقال|خبر|موضوع|تقرير|قصة|رسالة|أحدث|أقدم|article|post|story|entry|newer|older", re.I)
_COUNTER = re.compile(r"(?:ال)?صفح[ةه]\s*[\d٠-٩]+\s*من\s*[\d٠-٩]+|\bpage\s*\d+\s*of\s*\d+", re.I)
PATH_FORMS = (  # a page number in the path: (prefix, number, suffix) of the path
    re.compile(r"^(?P<stem>.+?)/(?:page/)?(?P<n>\d{1,2})/?$"),
    re.compile(r"^(?P<stem>.+?)[_-](?P<n>\d{1,2})(?P<ext>\.[a-z]{2,5})$", re.I),
)


@dataclass(frozen=True)
class Part:
    """A link to another page of the article: its URL and its page number by the marker that names it."""

    url: str
    number: int
    marker: str  # the parameter or path form: parts of one marker are one series


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _without(url: str, name: str) -> str:
    s = urlsplit(url)
    query = urlencode(sorted((k, v) for k, v in parse_qsl(s.query, keep_blank_values=True) if k.lower() != name))
    return urlunsplit((s.scheme, s.netloc.lower(), s.path, query, ""))


def _path_key(url: str) -> tuple[str, str, int | None, str]:
    """(scheme://host and query, path stem, number, form) of a URL whose path may end in a page number."""
    s = urlsplit(url)
    rest = f"{s.scheme}://{s.netloc.lower()}?{urlencode(sorted(parse_qsl(s.query, keep_blank_values=True)))}"
    for i, form in enumerate(PATH_FORMS):
        m = form.match(s.path)
        if m:
            return rest, m["stem"] + (m.groupdict().get("ext") or ""), int(m["n"]), f"path{i}"
    return rest, s.path.rstrip("/") if s.path != "/" else "/", None, ""


def page_marker(page_url: str, link: str) -> Part | None:
    """The link as another page of ``page_url``'s article by its URL alone, or None."""
    a, b = urlsplit(page_url), urlsplit(link)
    if (a.scheme, a.netloc.lower()) != (b.scheme, b.netloc.lower()) or link.split("#")[0] == page_url.split("#")[0]:
        return None
    if a.path == b.path:
        mine, theirs = dict((k.lower(), v) for k, v in _query(page_url)), dict((k.lower(), v) for k, v in _query(link))
        for name in PAGE_PARAMS:
            value = theirs.get(name)
            if value is None or not value.isdigit() or value == mine.get(name) or _without(page_url, name) != _without(
                    link, name):
                continue
            own = mine.get(name)
            if int(value) > MAX_PAGE_NUMBER or (own is not None and (not own.isdigit() or int(own) > MAX_PAGE_NUMBER)):
                return None  # an id, not a page: ?p=1234 is WordPress's post id
            return Part(link.split("#")[0], int(value), "start" if name == "limitstart" else name)
        return None
    rest_a, rest_b, (stem_b, n_b, form_b) = _path_key(page_url)[0], _path_key(link)[0], _path_key(link)[1:]
    if n_b is None or rest_a != rest_b or n_b > MAX_PAGE_NUMBER:
        return None
    # a number appended to the first page's path: not one changed (Blogger's blog-post_3.html, news_1234_5.html are
    # other posts, a later part's links are read against the first page)
    if stem_b == a.path.rstrip("/"):
        return Part(link.split("#")[0], n_b, form_b)
    return None


def _tokens(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def _in(el: lxml.html.HtmlElement, pattern: re.Pattern[str], depth: int = 6) -> bool:
    for i, node in enumerate(el.iterancestors()):
        if i >= depth or node.tag in ("body", "html"):
            return False
        if pattern.search(_tokens(node)):
            return True
    return False


def _said_to_be_a_page(a: lxml.html.HtmlElement) -> bool:
    text = " ".join(a.text_content().split())
    if _OTHER_STORY.search(text) or _OTHER_STORY.search(a.get("title", "")) or re.search(r"newer|older", _tokens(a)):
        return False  # "المقال التالي", "next post": another story
    return ("next" in (a.get("rel") or "").lower().split() or _in(a, _PAGER) or bool(_PAGER.search(_tokens(a)))
            or bool(_NEXT_WORDS.match(text)))


def _is_comments(a: lxml.html.HtmlElement, url: str) -> bool:
    fragment = urlsplit(a.get("href", "")).fragment
    # Not "beside comment markup": an article's own pager sits at the story's end, right above the comment form or
    # list as often as a comments pager does (tests/altsites7's long read). A comments pager outside any comments
    # block is told by its first part instead, the story again (repeats_first): one fetch, no page lost.
    return bool(_COMMENTS.search(fragment) or re.search(r"cpage|comment-page", url, re.I) or _in(a, _COMMENTS, 30))


def _listing(doc: lxml.html.HtmlElement, page_url: str) -> bool:
    """A run of linked teaser headings to other pages: a section or search page, whose pager is no article's."""
    host = urlsplit(page_url).netloc.lower()
    teasers = {urljoin(page_url, a.get("href", "")) for a in doc.xpath("//h2//a[@href]|//h3//a[@href]|//h4//a[@href]")}
    return len({u for u in teasers if urlsplit(u).netloc.lower() == host and u != page_url}) >= 4


def continuation_parts(page_url: str, html: str | lxml.html.HtmlElement, base_url: str | None = None) -> list[Part]:
    """The links of the page (``<a>`` and ``<link rel="next">``) to other pages of its article, one per page number
    of one series (the first series met), in page order; ``base_url``: the first page's URL, when this is a later
    part (its links are read against the first page's)."""
    doc = lxml.html.fromstring(html) if isinstance(html, str) else html
    first = base_url or page_url
    counter = bool(_COUNTER.search(" ".join(doc.xpath("//body//text()[not(ancestor::script)]"))[:200_000]))
    if not counter and _listing(doc, page_url):
        return []
    found: dict[tuple[str, int], Part] = {}
    own = page_marker(first, page_url) if base_url else None
    for el in doc.xpath("//a[@href]|//link[@href][@rel]"):
        href = el.get("href", "").strip()
        if not href or href.startswith(("javascript:", "mailto:")):
            continue
        url = urljoin(page_url, href)
        if host_refusal(url):  # no DNS name: no page of this article, and its IDNA is quadratic (round twelve)
            continue
        url = safe_url_string(url)  # a raw Arabic slug %-escaped, as the page's URL is
        part = page_marker(first, url)
        if part is None or (own is not None and part.marker == own.marker and part.number == own.number):
            continue
        if el.tag == "link":
            if "next" not in el.get("rel", "").lower().split():
                continue
        elif _is_comments(el, url) or not _said_to_be_a_page(el):
            continue
        found.setdefault((part.marker, part.number), part)
    if not found:
        return []
    series = next(iter(found.values())).marker
    return sorted((p for p in found.values() if p.marker == series), key=lambda p: p.number)[:MAX_PARTS]


@dataclass(frozen=True)
class Blocks:
    """A page's runs of text (``text_blocks``), and whether they start at its headline (its first ``<h1>``)."""

    runs: tuple[str, ...]
    after_headline: bool

    def story(self) -> tuple[str, ...]:
        """The runs long enough to be paragraphs of a story (``MIN_STORY_BLOCK``), in page order."""
        return tuple(b for b in self.runs if len(b) >= MIN_STORY_BLOCK)


def text_blocks(html: str | lxml.html.HtmlElement) -> Blocks:
    """The page's runs of text of at least ``MIN_BLOCK`` characters, in order, whitespace collapsed, from its headline
    on (its first ``<h1>``, when it has one): outside links, scripts, menus, sidebars, headers and footers. What a
    later part adds is what its runs add to those of the pages before it; compared before any extraction (which runs
    in the worker pool, once the last part is in)."""
    doc = lxml.html.fromstring(html) if isinstance(html, str) else html
    anchored = bool(doc.xpath("//body//h1"))
    where = "(//body//h1)[1]/following::text()" if anchored else "//body//text()"
    found = []
    for node in doc.xpath(f"{where}[not(ancestor::script|ancestor::style|ancestor::noscript|ancestor::a|"
                          "ancestor::nav|ancestor::aside|ancestor::header|ancestor::footer)]"):
        text = " ".join(str(node).split())
        if len(text) < MIN_BLOCK:
            continue
        parent = node.getparent()
        if parent is not None and (_BOILER.search(_tokens(parent)) or _in(parent, _BOILER, 12)):
            continue
        found.append(text)
    return Blocks(tuple(found), anchored)


def adds_nothing(part: Blocks, seen: set[str], first: Blocks) -> bool:
    """Whether a part's runs of text are all on the pages before it (``seen``), and are text enough to tell: half the
    first page's at least (a part whose story is cut into runs shorter than ``MIN_BLOCK`` keeps only the page's
    furniture here, which is no sign that it adds nothing)."""
    runs = set(part.runs)
    return bool(runs) and runs <= seen and 2 * sum(map(len, runs)) >= sum(map(len, set(first.runs)))


def repeats_first(part: Blocks, first: Blocks) -> bool:
    """Whether a part repeats its first page's story: its first two paragraphs after the headline are the first page's
    (a later page repeats the lead at most), or, on pages with no ``<h1>`` to start from, two of the first page's three
    longest paragraphs and 60 % of its text. The same story with other comments or reviews around it (a comments pager
    outside any comments block), or page 1 shown again for a page number the site ignores, repeats it. Kept strict: a
    part wrongly taken for a repeat is a page lost, one wrongly kept a fetch more, whose join leaves it out
    (crawler.capture.paged.repeats_story)."""
    mine, theirs = first.story(), part.story()
    if first.after_headline and part.after_headline:
        return len(mine) >= 2 and theirs[:2] == mine[:2]
    unique, have = set(first.runs), set(part.runs)
    longest = sorted(set(mine), key=len, reverse=True)[:3]
    if len(longest) < 2 or sum(b in have for b in longest) < 2:
        return False
    return sum(len(b) for b in unique if b in have) >= 0.6 * sum(map(len, unique))


def maybe_paged(body: bytes, page_url: str) -> bool:
    """A cheap look at the bytes: could the page link another page of ``page_url`` (its first page's URL)? A part's
    link is the page's own URL with a page marker changed, so its ``href`` holds the URL's last path segment, or is a
    bare ``?query``, right before the marker: a search for literals, where one for any page marker (``-2.png``,
    ``/05/``, ``&p=``: on three pages in four) cost 3.6 ms a page on the reactor thread and sent three pages in four
    to the parse (``continuation_parts``) besides: 7 ms a page in all on 300 benchmark pages, 0.15 ms now."""
    head = body[:2_000_000]
    seg = urlsplit(page_url).path.rstrip("/").rsplit("/", 1)[-1]
    seg = re.sub(r"\.[A-Za-z]{2,5}$", "", seg)  # story_1234.html: its parts are story_1234_2.html
    # the segment as the URL has it, lower-cased (%d8 for %D8) and decoded (a raw UTF-8 Arabic slug in the href);
    # bytes.find, a fast search for a literal, then the marker right after it (a regex alternation of the names
    # tried every position)
    for name in {v.encode("utf-8", "surrogateescape") for v in (seg, seg.lower(), unquote(seg)) if v}:
        at = head.find(name)
        while at != -1:
            if _OWN_MARKER.match(head, at + len(name)):
                return True
            at = head.find(name, at + 1)
    # href="?page=2": a bare query; "/?p=5&page=2" on a page whose path is "/" (not on others: "/?p=123" is
    # WordPress's short link, on most of its pages)
    before = (b'"', b"'", b"=") if seg else (b'"', b"'", b"=", b"/")
    at = head.find(b"?")
    while at != -1:
        if head[at - 1:at] in before and _QUERY_MARKER.match(head, at):
            return True
        at = head.find(b"?", at + 1)
    return False


_PARAM = b"(?:" + b"|".join(re.escape(p.encode()) for p in PAGE_PARAMS) + b")=\\d"
_QUERY_MARKER = re.compile(rb"\?(?:[^\"'<>\s]{0,400}?[&;])?" + _PARAM)


# after the page's own last path segment: a path form of ``PATH_FORMS``, or a page parameter
_OWN_MARKER = re.compile(rb"(?:/page)?/\d{1,2}/?(?:[\"'#?\s>]|$)|[_-]\d{1,2}\.[A-Za-z]{2,5}(?:[\"'#?\s>]|$)|"
                         rb"(?:\.[A-Za-z]{2,5})?/?" + _QUERY_MARKER.pattern)
