"""Turn one fetched HTML page into an ExtractedArticle, or an ExtractionFailure that says why not."""

from __future__ import annotations

import codecs
import functools
import logging
import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.extraction.author import bounded_author, find_author, printed_author, trafilatura_metadata
from crawler.extraction.body import BRIEF_CHARS, extract_body
from crawler.extraction.cfemail import reveal_cfemails
from crawler.extraction.challenge import failure_from_markers
from crawler.extraction.chrome_lines import page_site_names, without_chrome_lines
from crawler.extraction.dates import find_published
from crawler.extraction.decode import decode_html
from crawler.extraction.editions import own_language_canonical
from crawler.extraction.forum_thread import first_post
from crawler.extraction.giant_markup import (
    PAGE_MAX_ELEMENTS,
    TAG_MAX_ATTRIBUTES,
    more_attributes_than,
    more_elements_than,
)
from crawler.extraction.jsonld_body import with_article_body
from crawler.extraction.language import detect_language
from crawler.extraction.layout import empty_giant_scripts, flatten_deep_html
from crawler.extraction.listing import listing_reason
from crawler.extraction.notfound import not_found_notice
from crawler.extraction.post_shell import post_in_description
from crawler.extraction.postfilter import filter_paragraphs
from crawler.extraction.stream import canonicals
from crawler.extraction.textclean import clean_article, clean_text, markup_for_parsing
from crawler.extraction.title_line import headline_line
from crawler.extraction.titles import find_title, iter_json_ld, json_ld_article, meta_content
from crawler.extraction.untitled import lead_title

logger = logging.getLogger(__name__)

SHORT_ARTICLE_MIN_CHARS = 40  # ... or one sentence, on a page whose markup says it is an article
PARSER_MAX_DEPTH = 255  # libxml2's HTML parser drops elements nested deeper than this
FLATTEN_DEPTH = 128  # a page nested deeper is parsed again with its innermost wrappers unwrapped
SNIFF_BYTES = 4096
# The ASCII control characters of trafilatura.utils.INVALID_XML_CHARS (all but tab, line feed and carriage return)
INVALID_XML_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS")
MIN_TEASERS_HOME = 5  # headline links that make a site's root page a listing
MIN_TEASERS_SECTION = 12  # ... and a short page elsewhere a section listing
ARTICLE_OG_TYPES = ("article", "news", "newsarticle")


def _canonical(root: HtmlElement, url: str) -> str | None:
    """Absolute URL of <link rel=canonical>, else og:url, else None (a malformed one, "https://[bad", is skipped)."""
    hrefs = [href.strip() for href in canonicals(root) if href.strip()]
    for href in [*hrefs, meta_content(root, "og:url")]:
        try:
            return urljoin(url, href) if href else None
        except ValueError:  # urljoin parses the address and refuses a bad IPv6 bracket
            continue
    return None


def _looks_like_listing(root: HtmlElement, url: str) -> bool:
    """True when the page is a home, section or tag page (many teaser headlines, no article markup)."""
    if json_ld_article(root) is not None or meta_content(root, "og:type").lower() in ARTICLE_OG_TYPES:
        return False
    if any({"collectionpage", "itemlist", "searchresultspage"} & {str(i.get("@type", "")).lower()}
           for i in iter_json_ld(root)):
        return True
    teasers = sum(1 for h in root.iter("h2", "h3", "h4") if h.find(".//a") is not None or h.getparent().tag == "a")
    teasers += sum(1 for _ in root.iter("article"))
    parts = urlsplit(url)
    at_root = parts.path.strip("/") in ("", "index.html", "index.php", "ar", "en", "home") and not parts.query
    return teasers >= (MIN_TEASERS_HOME if at_root else MIN_TEASERS_SECTION)


# trafilatura's parser (trafilatura.utils.HTML_PARSER: its settings decide what it can extract), with one change: lxml's
# element classes looked up in C. lxml.html's HtmlElementClassLookup calls Python for every element proxy lxml makes,
# and trafilatura's reads of our trees (and the copies it makes of them, which keep the parser) make them by the
# thousand: 3-8 % of extract_article's CPU (issue 10). The one difference: <form>, <input>, <select>, <textarea> and
# <label> are plain HtmlElements, not lxml.html's form classes, whose extras (fields, values) nothing here reads.
# tests/test_crawler_extraction_parse.py checks that the trees match trafilatura's own.
HTML_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
HTML_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
))


def _load_html(html: str) -> HtmlElement | None:
    """trafilatura.utils.load_html's reading of a decoded page, step for step, with our HTML_PARSER (see above)."""
    from trafilatura.utils import is_dubious_html

    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = _repair_faulty_html(html, beginning)
    tree, as_bytes = None, False
    try:
        tree = lxml.html.fromstring(html, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, as_bytes = _from_bytes(html), True
    except Exception as exc:  # as load_html does
        logger.debug("lxml parsing failed: %r", exc)
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < 2:  # not (well-formed) HTML, as load_html decides
        return None
    return tree


def _repair_faulty_html(html: str, beginning: str) -> str:
    """trafilatura.utils.repair_faulty_html, its removal of invalid XML characters run only where the page holds one.

    Its regular expression over the whole page cost a quarter to half a millisecond a page (issue 10): in UTF-8 an
    ASCII control character is a byte of its own that appears nowhere else, so the page's bytes tell in C whether
    there is one, in half the time; U+FFFE and U+FFFF are looked for in the text.
    """
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS

    data = html.encode("utf-8", "surrogatepass")
    if len(data.translate(None, INVALID_XML_BYTES)) != len(data) or "\ufffe" in html or "\uffff" in html:
        html = INVALID_XML_CHARS.sub("", html)
    # the rest as trafilatura has it (libxml2/lxml issue: https://bugs.launchpad.net/lxml/+bug/1955915)
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:  # a self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    return html


def _from_bytes(html: str) -> HtmlElement | None:
    """The page parsed from its UTF-8 bytes (trafilatura.utils.fromstring_bytes with our HTML_PARSER)."""
    try:
        return lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=HTML_PARSER)
    except Exception as exc:  # as fromstring_bytes does
        logger.debug("lxml parsing of the bytes failed: %r", exc)
        return None


def _parse(html: str) -> HtmlElement | None:
    """Parse like trafilatura does (_load_html), else with lxml.html."""
    root = _load_html(html)
    if root is None:
        try:
            root = lxml.html.document_fromstring(html)
        except (ValueError, lxml.etree.ParserError):
            return None
    return root




def _parse_flat(html: str) -> tuple[HtmlElement | None, int]:
    """(tree, depth): the parsed page, and when it nests deeper than the HTML parser goes, its depth.

    libxml2 stops building the tree PARSER_MAX_DEPTH elements down and drops everything below; such a page is parsed
    again with its over-deep wrappers unwrapped (crawler.extraction.layout.flatten_deep_html), so its text is not lost.
    """
    root = _parse(html)
    log = getattr(HTML_PARSER, "error_log", ())
    if root is not None and any("Buffer size limit exceeded" in entry.message for entry in log):
        # libxml2 ends the parse at a text node of 10 MB (an inline script or JSON blob), and the story after it is
        # lost: such a page is parsed again with its giant scripts emptied (hostile web, round four). huge_tree would
        # lift the depth limit too, which the flattening below relies on.
        html = empty_giant_scripts(html)
        root = _parse(html)
        log = getattr(HTML_PARSER, "error_log", ())
    if root is None or not any("Excessive depth" in entry.message for entry in log):
        return root, 0
    flat, depth = flatten_deep_html(html, FLATTEN_DEPTH)
    logger.debug("page nested %d deep: parsed again flattened to %d", depth, FLATTEN_DEPTH)
    return _parse(flat) if depth > FLATTEN_DEPTH else root, depth


def _is_article_page(root: HtmlElement, html: str, url: str) -> bool:
    """True when the page says it is one article: JSON-LD or og:type article, or an h1 headline and a date."""
    if meta_content(root, "og:type").lower() in ARTICLE_OG_TYPES:
        return True
    article = json_ld_article(root) or {}
    kinds = article.get("@type", [])
    if {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])} - {"webpage"} and article.get("headline"):
        return True
    if root.find(".//h1") is None:
        return False
    return bool(find_published(html, url, None, tree=root))


def extract_article(
    html: str | bytes,
    url: str,
    fetched_at: datetime | None = None,
    *,
    http_charset: str | None = None,
    min_chars: int = BRIEF_CHARS,
) -> ExtractedArticle | ExtractionFailure:
    """Extract the headline, body paragraphs, date, author, language and canonical link of one article page.

    Args:
        html: the page, decoded (str) or raw bytes in any encoding (BOM, ``http_charset``, <meta>, detection).
        url: the URL the page was fetched from (resolves relative links and gives the site name).
        fetched_at: when it was fetched; date heuristics use it as "now".
        http_charset: the charset of the HTTP Content-Type header, when the bytes came with one.
        min_chars: bodies shorter than this are a "no-text" failure, unless the page's markup says it is an
            article (JSON-LD article, og:type article, or an h1 and a date): then SHORT_ARTICLE_MIN_CHARS.

    Returns:
        An ExtractedArticle, or an ExtractionFailure whose reason is one of "not-html",
        "challenge-page", "consent-wall", "not-article", "soft-404", "no-text", "too-deep", "too-many-elements",
        "too-many-attributes", "parse-error".
    """
    try:
        return _extract(html, url, fetched_at, http_charset, min_chars)
    except Exception as exc:  # bad HTML must become data, never crash a worker
        logger.warning("extraction of %s failed: %r", url, exc)
        return ExtractionFailure(url, "parse-error", f"{type(exc).__name__}: {exc}"[:500])


def _extract(
    html: str | bytes, url: str, fetched_at: datetime | None, http_charset: str | None, min_chars: int
) -> ExtractedArticle | ExtractionFailure:
    """The body of extract_article, free to raise."""
    if isinstance(html, bytes):
        head = html[:64].lstrip()
        # A NUL in the first KB means binary unless the bytes open as 8-bit markup ("<" and a letter, "!" or "?"):
        # a NUL inside a <title> is a broken page the crawl reads, and UTF-16 opens "<\x00" or with its BOM.
        if any(head.startswith(sig) for sig in BINARY_SIGNATURES) or b"\x00" in html[:1024] and not (
            html.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or re.match(rb"<[!?A-Za-z]", head)
        ):
            return ExtractionFailure(url, "not-html", f"binary content starting {head[:8]!r}")
        html = decode_html(html, f"charset={http_charset}" if http_charset else None)
    if not html.strip():
        return ExtractionFailure(url, "no-text", "empty page")
    if "<" not in html[:SNIFF_BYTES * 4]:
        return ExtractionFailure(url, "not-html", "no markup in the document")
    html = markup_for_parsing(html.replace("\x00", ""))  # form feeds and references XML cannot hold (textclean)
    if html.lstrip().startswith("<?xml"):  # lxml refuses str input with an encoding declaration
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    if more_elements_than(html, PAGE_MAX_ELEMENTS):
        return ExtractionFailure(url, "too-many-elements", f"more than {PAGE_MAX_ELEMENTS:,} elements (the page is "
                                 "not read: reading it grows faster than the page)")
    if more_attributes_than(html):
        return ExtractionFailure(url, "too-many-attributes", f"a tag with more than {TAG_MAX_ATTRIBUTES:,} attributes "
                                 "(the page is not read: the HTML parser reads them in quadratic time)")
    root, depth = _parse_flat(html)
    if root is None:
        return ExtractionFailure(url, "not-html", "no HTML document could be parsed")
    failure = failure_from_markers(root, html, url)
    if failure is not None:
        return failure
    reveal_cfemails(root, html)  # addresses a CDN hid from readers without its script (crawler.extraction.cfemail)
    # the story whole in the page's JSON-LD articleBody where its HTML is a shell or stops at a paywall
    if (forum := first_post(root, fetched_at)) and forum.answers_only:  # a forum thread's first post (forum_thread)
        return ExtractionFailure(url, "not-article", "a forum thread's page of answers: its first post is not post #1")
    paragraphs = forum.paragraphs if forum else with_article_body(root, extract_body(root, url), url=url)
    text_len = sum(len(p) for p in paragraphs)
    # a post page whose text a script draws from its description (t.me's message pages: crawler.extraction.post_shell)
    shell = post_in_description(root, paragraphs, min_chars) if text_len < min_chars else None
    if shell is not None:
        paragraphs, text_len = shell.paragraphs, sum(len(p) for p in shell.paragraphs)
    if text_len < min_chars and not (text_len >= SHORT_ARTICLE_MIN_CHARS and _is_article_page(root, html, url)):
        if depth:
            return ExtractionFailure(url, "too-deep", f"elements nested {depth} deep (the HTML parser stops at "
                                     f"{PARSER_MAX_DEPTH}); {text_len} characters of body text once flattened")
        if _looks_like_listing(root, url):
            return ExtractionFailure(url, "not-article", "home or section page without article markup")
        return ExtractionFailure(url, "no-text", f"{text_len} characters of body text (minimum {min_chars})")
    parts = urlsplit(url)
    if parts.path.strip("/") == "" and not parts.query and _looks_like_listing(root, url):
        return ExtractionFailure(url, "not-article", "site home page with teaser headlines")
    metadata = functools.cache(lambda: trafilatura_metadata(root))  # only when our own readings find nothing
    title = clean_text(shell.headline if shell and shell.headline else find_title(
        root, url, fallback=lambda: metadata().title or ""))  # clean as the body is
    if not_found_notice(title):  # a soft 404: the template of a story, answering 200 (crawler.extraction.notfound)
        return ExtractionFailure(url, "soft-404", f"the page's headline is a not-found notice: {title!r}")
    title = headline_line(root, paragraphs, title, lambda: page_site_names(root, url, title)) or title  # title_line
    # the headline (or it and its dateline), a date stamp above the story, the site's name below (chrome_lines)
    paragraphs = without_chrome_lines(paragraphs, title, lambda: page_site_names(root, url, title))
    canonical = _canonical(root, url)
    marked = json_ld_article(root) is not None or meta_content(root, "og:type").lower() in ARTICLE_OG_TYPES
    if paragraphs and not marked and (why := listing_reason(root, url, title, canonical, paragraphs)):
        return ExtractionFailure(url, "not-article", why)
    author = bounded_author(find_author(root, lambda: metadata().author))  # no byline of a megabyte
    paragraphs = filter_paragraphs(paragraphs, author)
    author = author or bounded_author(printed_author(root))  # a byline printed as a line: "كتب: name | date"
    if not paragraphs:
        return ExtractionFailure(url, "no-text", "no body text left once boilerplate lines were removed")
    title = title or lead_title(paragraphs)  # a page that prints no headline (crawler.extraction.untitled)
    published, published_source = (forum.published, "text") if forum and forum.published else find_published(
        html, url, fetched_at, tree=root, headline=title, local_times=True) or (None, None)  # crawler.capture.clock
    declared = root.get("lang") or root.get("xml:lang") or meta_content(root, "og:locale", "content-language", "language")
    language = detect_language(" ".join(paragraphs), declared)
    canonical = own_language_canonical(root, url, canonical, language)  # a translation is no alias (editions)
    return clean_article(ExtractedArticle(  # no lone surrogate or control character in any field (textclean)
        url=url,
        title=title,
        paragraphs=paragraphs,
        published=published,
        published_source=published_source,
        author=author,
        language=language,
        canonical_link=canonical,
    ))
