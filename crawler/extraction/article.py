"""Turn one fetched HTML page into an ExtractedArticle, or an ExtractionFailure that says why not."""

from __future__ import annotations

import codecs
import copy
import logging
import re
from collections import Counter
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.extraction.boilerplate import prune_boilerplate
from crawler.extraction.language import detect_language
from crawler.extraction.layout import flatten_deep_html, normalise_layout
from crawler.extraction.postfilter import filter_paragraphs
from crawler.extraction.titles import clean_space, find_title, iter_json_ld, json_ld_article, meta_content

try:  # crawler/extraction/dates.py is written alongside this module; until it lands, trafilatura's date is used
    from crawler.extraction.dates import find_published
except ImportError:  # pragma: no cover - depends on the working tree
    find_published = None

logger = logging.getLogger(__name__)

HEADLINE_SEARCH = 4  # the headline is looked for among the first paragraphs only
ABOVE_HEADLINE_MAX = 200  # lines above the headline shorter than this in total are chrome (breadcrumb, kicker)
KEEP_SHARE = 0.6  # our normalised, precise result must keep this share of the words trafilatura finds without it
GRID_KEEP_SHARE = 0.3  # ... of a reference that is all grid rows (a whole layout table read as data)
DEFAULT_MIN_CHARS = 120  # shortest body kept as an article (a two-sentence news brief)
SHORT_ARTICLE_MIN_CHARS = 40  # ... or one sentence, on a page whose markup says it is an article
PARSER_MAX_DEPTH = 255  # libxml2's HTML parser drops elements nested deeper than this
FLATTEN_DEPTH = 128  # a page nested deeper is parsed again with its innermost wrappers unwrapped
SNIFF_BYTES = 4096
MAX_STRAY_BYTES_SHARE = 0.001  # undecodable bytes tolerated in a page in its declared charset
META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# WHATWG: these labels mean windows-1252 / windows-1256 on the web.
ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                    "us-ascii": "cp1252", "iso-8859-6": "cp1256", "arabic": "cp1256", "x-user-defined": "cp1252"}
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS")
CHALLENGE_MARKERS = (
    "just a moment...", "attention required! | cloudflare", "cf-browser-verification", "cf_chl_opt",
    "challenge-platform", "checking your browser before accessing", "ddos-guard", "enable javascript and cookies to continue",
    "g-recaptcha", "h-captcha", "hcaptcha.com/1/api.js", "are you a robot", "px-captcha", "_incapsula_resource",
    "verify you are human",
)
CONSENT_MARKERS = (
    "before you continue", "consent.google", "cookie consent", "we value your privacy", "manage your privacy",
    "privacy choices", "consent-page", "gdpr-consent", "accept all cookies", "consentmanager", "quantcast choice",
)
WORD_RE = re.compile(r"\w")
TOKEN_RE = re.compile(r"\w+")
JUNK_AUTHOR_RE = re.compile(r"https?:|www\.|\.(?:png|jpe?g|gif|svg|webp)\b|\blogo\b", re.IGNORECASE)
MIN_TEASERS_HOME = 5  # headline links that make a site's root page a listing
MIN_TEASERS_SECTION = 12  # ... and a short page elsewhere a section listing
ARTICLE_OG_TYPES = ("article", "news", "newsarticle")


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP charset, then <meta charset>, then UTF-8, then detection.

    Raises UnicodeDecodeError (or LookupError) only when nothing can decode the bytes.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    declared = [http_charset] if http_charset else []
    match = META_CHARSET_RE.search(data[:SNIFF_BYTES]) or META_CHARSET_RE.search(data[:SNIFF_BYTES * 16])
    if match:
        declared.append(match.group(1).decode("ascii", "ignore"))
    for label in declared:
        codec = _codec(label)
        if codec is None:
            continue
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            # A few stray bytes in a page that is otherwise in its declared charset: browsers show U+FFFD for
            # them (WHATWG decode); guessing another charset for the whole page would garble all of it.
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") <= MAX_STRAY_BYTES_SHARE * len(text):
                return text
            logger.debug("declared charset %s does not decode the page", label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import (
        from_bytes,  # imported late: only legacy pages without a declaration need it
    )

    best = from_bytes(data[: 1 << 20]).best()
    if best is not None:
        return data.decode(best.encoding, errors="replace")
    codec = _codec(declared[0]) if declared else None
    return data.decode(codec or "cp1252", errors="replace")


def _codec(label: str) -> str | None:
    """The Python codec name for an HTML charset label, or None when unknown."""
    label = label.strip().strip("\"'").lower()
    label = ENCODING_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page saying utf-16 in a meta tag that we could read as ASCII is not utf-16 (HTML spec, "prescan").
    return "utf-8" if name.startswith("utf-16") else name


def _failure_from_markers(root: HtmlElement, html: str, url: str, text_len: int) -> ExtractionFailure | None:
    """A challenge-page or consent-wall failure when the page is one, else None."""
    title = clean_space(root.findtext(".//title") or "").lower()
    markup = html.lower()
    for marker in CHALLENGE_MARKERS:
        if marker in title or (marker in markup and text_len < 1500):
            return ExtractionFailure(url, "challenge-page", f"marker {marker!r}")
    for marker in CONSENT_MARKERS:
        if marker in title or (marker in markup and text_len < 600):
            return ExtractionFailure(url, "consent-wall", f"marker {marker!r}")
    return None


def _canonical(root: HtmlElement, url: str) -> str | None:
    """Absolute URL of <link rel=canonical>, else og:url, else None."""
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (link.get("href") or "").strip():
            return urljoin(url, link.get("href").strip())
    og_url = meta_content(root, "og:url")
    return urljoin(url, og_url) if og_url else None


def _author(root: HtmlElement, fallback: str | None) -> str | None:
    """The author from JSON-LD or meta, else ``fallback`` (trafilatura's)."""
    article = json_ld_article(root) or {}
    authors = article.get("author")
    names: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            names.append(clean_space(author["name"]))
        elif isinstance(author, str):
            names.append(clean_space(author))
    names = [n for n in names if n and not n.lower().startswith("http")]
    if names:
        return "; ".join(dict.fromkeys(names))
    meta = meta_content(root, "author", "article:author", "dc.creator", "byl", "sailthru.author")
    if meta and not JUNK_AUTHOR_RE.search(meta):
        return meta
    fallback = clean_space(fallback)
    return fallback if fallback and not JUNK_AUTHOR_RE.search(fallback) else None


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


def _paragraphs(text: str) -> tuple[str, ...]:
    """Clean, non-empty paragraphs from extracted text, in order."""
    paragraphs = (clean_space(line) for line in text.splitlines())
    return tuple(p for p in paragraphs if p and WORD_RE.search(p))


def _parse(html: str) -> HtmlElement | None:
    """Parse like trafilatura does (its parser settings decide what it can extract), else with lxml.html."""
    from trafilatura.utils import load_html

    root = load_html(html)
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
    from trafilatura.utils import HTML_PARSER

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
    return bool(find_published and find_published(html, url, None))


def _run_trafilatura(root: HtmlElement, url: str, **options: object):
    """One trafilatura bare_extraction with options built for this call (never a shared options object)."""
    import trafilatura  # imported in the worker process only

    return trafilatura.bare_extraction(
        root, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, deduplicate=False, **options,
    )


def _body_of(document: object | None) -> tuple[str, ...]:
    """The clean paragraphs of a trafilatura document (none for None)."""
    return _paragraphs(document.text or "") if document is not None else ()


def _tokens(paragraphs: tuple[str, ...]) -> Counter[str]:
    """The lower-cased word tokens of ``paragraphs`` (a bag: order and paragraph breaks do not count)."""
    return Counter(TOKEN_RE.findall(" ".join(paragraphs).lower()))


def kept_share(paragraphs: tuple[str, ...], reference: tuple[str, ...]) -> float:
    """The share of the reference's words that ``paragraphs`` also holds (1.0 for an empty reference).

    Rows of a data grid ("| cell | cell |") do not count when the reference has other text: trafilatura renders a
    layout table of teasers that way, and unwrapping it rightly loses them.
    """
    prose = tuple(p for p in reference if not p.lstrip().startswith("|")) or reference
    wanted = _tokens(prose)
    total = sum(wanted.values())
    return sum((wanted & _tokens(paragraphs)).values()) / total if total else 1.0


def extract_body(root: HtmlElement, url: str) -> tuple[tuple[str, ...], object | None]:
    """The body paragraphs of the page ``root`` and trafilatura's document for it.

    Each stage of ours must earn its place on this page: pruned of known boilerplate, the page is extracted with
    trafilatura's balanced settings as it is (the reference), and with ``favor_precision`` once its layout is
    normalised (layout tables unwrapped, <br><br> split). The normalised, precise result is kept when it holds at
    least KEEP_SHARE of the reference's words (GRID_KEEP_SHARE when the reference is all grid rows); else the
    normalised balanced result when it does; else the reference (normalisation made trafilatura see one cell of a
    multi-cell article). A body shorter than a news brief falls back to trafilatura on the untouched page, in case
    pruning removed a mislabelled article container.
    """
    pruned = copy.deepcopy(root)
    prune_boilerplate(pruned)
    laid = copy.deepcopy(root)
    normalise_layout(laid)
    prune_boilerplate(laid)
    reference_document = _run_trafilatura(pruned, url)
    reference = _body_of(reference_document)
    spare = copy.deepcopy(laid)
    document = _run_trafilatura(laid, url, favor_precision=True)
    paragraphs = _body_of(document)
    # A reference made only of grid rows is trafilatura reading the whole layout table as data, chrome cells and
    # all: only a much bigger loss against it means normalisation lost the article.
    grid = bool(reference) and all(p.lstrip().startswith("|") for p in reference)
    threshold = GRID_KEEP_SHARE if grid else KEEP_SHARE
    if kept_share(paragraphs, reference) < threshold:
        balanced_document = _run_trafilatura(spare, url)
        balanced = _body_of(balanced_document)
        if kept_share(balanced, reference) >= threshold:
            paragraphs, document = balanced, balanced_document
        else:
            logger.debug("layout normalisation lost text on %s: trafilatura's reading kept", url)
            paragraphs, document = reference, reference_document
    if sum(map(len, paragraphs)) < DEFAULT_MIN_CHARS:
        fallback = _run_trafilatura(copy.deepcopy(root), url)
        other = _body_of(fallback)
        if sum(map(len, other)) > sum(map(len, paragraphs)):
            return other, fallback
    return paragraphs, document


def extract_article(
    html: str | bytes,
    url: str,
    fetched_at: datetime | None = None,
    *,
    http_charset: str | None = None,
    min_chars: int = DEFAULT_MIN_CHARS,
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
        An ExtractedArticle, or an ExtractionFailure whose reason is one of "not-html", "decode-error",
        "challenge-page", "consent-wall", "not-article", "no-text", "too-deep", "parse-error".
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
        if any(head.startswith(sig) for sig in BINARY_SIGNATURES) or b"\x00" in html[:1024] and not html.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            return ExtractionFailure(url, "not-html", f"binary content starting {head[:8]!r}")
        try:
            html = decode_html(html, http_charset)
        except (UnicodeDecodeError, LookupError) as exc:
            return ExtractionFailure(url, "decode-error", str(exc)[:500])
    if not html.strip():
        return ExtractionFailure(url, "no-text", "empty page")
    if "<" not in html[:SNIFF_BYTES * 4]:
        return ExtractionFailure(url, "not-html", "no markup in the document")
    html = html.replace("\x00", "")
    if html.lstrip().startswith("<?xml"):  # lxml refuses str input with an encoding declaration
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    root, depth = _parse_flat(html)
    if root is None:
        return ExtractionFailure(url, "not-html", "no HTML document could be parsed")
    visible = len(" ".join(root.text_content().split())) if root is not None else 0
    failure = _failure_from_markers(root, html, url, visible)
    if failure is not None:
        return failure
    paragraphs, document = extract_body(root, url)
    text_len = sum(len(p) for p in paragraphs)
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
    title = find_title(root, url, fallback=(document.title or "") if document is not None else "")
    paragraphs = _without_headline(paragraphs, title)
    author = _author(root, getattr(document, "author", None))
    paragraphs = filter_paragraphs(paragraphs, author)
    if not paragraphs:
        return ExtractionFailure(url, "no-text", "no body text left once boilerplate lines were removed")
    published, published_source = _published(html, url, fetched_at, document)
    declared = root.get("lang") or root.get("xml:lang") or meta_content(root, "og:locale", "content-language", "language")
    language = detect_language(" ".join(paragraphs), declared or getattr(document, "language", None))
    return ExtractedArticle(
        url=url,
        title=title,
        paragraphs=paragraphs,
        published=published,
        published_source=published_source,
        author=author,
        language=language,
        canonical_link=_canonical(root, url),
    )


def _without_headline(paragraphs: tuple[str, ...], title: str) -> tuple[str, ...]:
    """``paragraphs`` without the headline and the short chrome lines (breadcrumb, section) printed above it."""
    if not title:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:HEADLINE_SEARCH]):
        if paragraph == title:
            if sum(len(p) for p in paragraphs[:index]) <= ABOVE_HEADLINE_MAX:
                return paragraphs[index + 1:]
            return paragraphs[:index] + paragraphs[index + 1:]
    return paragraphs


def _published(html: str, url: str, fetched_at: datetime | None, document: object | None) -> tuple[str | None, str | None]:
    """(date, signal) from crawler.extraction.dates when available, else trafilatura's date."""
    if find_published is not None:
        found = find_published(html, url, fetched_at)
        if found:
            return found
        return None, None
    date = getattr(document, "date", None)
    return (date, "trafilatura") if date else (None, None)
