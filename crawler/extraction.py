"""Turn one fetched HTML page into an ExtractedArticle, or an ExtractionFailure that says why not."""

from __future__ import annotations

import codecs
import copy
import logging
import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.boilerplate import prune_boilerplate
from crawler.layout import normalise_layout
from crawler.postfilter import filter_paragraphs
from crawler.titles import clean_space, find_title, iter_json_ld, json_ld_article, meta_content

try:  # crawler/dates.py is written alongside this module; until it lands, trafilatura's date is used
    from crawler.dates import find_published
except ImportError:  # pragma: no cover - depends on the working tree
    find_published = None

logger = logging.getLogger(__name__)

HEADLINE_SEARCH = 4  # the headline is looked for among the first paragraphs only
ABOVE_HEADLINE_MAX = 200  # lines above the headline shorter than this in total are chrome (breadcrumb, kicker)
PRECISE_MIN_SHARE = 0.8  # favor_precision must keep at least this share of the balanced result's text
DEFAULT_MIN_CHARS = 120  # shortest body kept as an article (a two-sentence news brief)
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
ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
PERSIAN_RE = re.compile(r"[پچژگکی]")
URDU_RE = re.compile(r"[ٹڈڑںےۓھ]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
HEBREW_RE = re.compile(r"[\u0590-\u05ff]")
CJK_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
WORD_RE = re.compile(r"\w")
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


def detect_language(text: str, declared: str | None = None) -> str:
    """The ISO 639-1 code of ``text``, judged by its script; ``declared`` decides among Latin-script languages."""
    sample = text[:5000]
    counts = {
        "arabic": len(ARABIC_RE.findall(sample)), "latin": len(LATIN_RE.findall(sample)),
        "cyrillic": len(CYRILLIC_RE.findall(sample)), "hebrew": len(HEBREW_RE.findall(sample)),
        "cjk": len(CJK_RE.findall(sample)),
    }
    script = max(counts, key=lambda k: counts[k])
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
    if counts[script] == 0:
        return declared or "und"
    if script == "arabic":
        if declared in ("ar", "fa", "ur", "ps", "ku", "ckb", "sd", "ug"):
            return declared
        persian, urdu = len(PERSIAN_RE.findall(sample)), len(URDU_RE.findall(sample))
        if urdu > 0.01 * counts["arabic"]:
            return "ur"
        return "fa" if persian > 0.02 * counts["arabic"] else "ar"
    if script == "latin":
        if declared and declared not in ("ar", "fa", "ur", "he", "ru", "zh", "ja", "ko", "uk"):
            return declared
        return "en"
    if script == "cyrillic":
        return declared if declared in ("ru", "uk", "bg", "sr", "mk", "be", "kk") else "ru"
    if script == "hebrew":
        return "he"
    return declared if declared in ("zh", "ja", "ko") else "zh"


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


def extract_body(root: HtmlElement, url: str) -> tuple[tuple[str, ...], object | None]:
    """The body paragraphs of the page ``root`` and trafilatura's document for it.

    The page is normalised (layout tables, <br><br>) and pruned of known boilerplate, then extracted twice:
    with trafilatura's balanced settings and with ``favor_precision``. The precise result is kept unless it lost
    more than a fifth of the text, which means it cut into the article rather than trimming chrome around it.
    """
    pruned = copy.deepcopy(root)
    normalise_layout(pruned)
    prune_boilerplate(pruned)
    document = _run_trafilatura(copy.deepcopy(pruned), url)
    paragraphs = _body_of(document)
    size = sum(map(len, paragraphs))
    precise_document = _run_trafilatura(pruned, url, favor_precision=True)
    precise = _body_of(precise_document)
    if precise and sum(map(len, precise)) >= PRECISE_MIN_SHARE * size:
        paragraphs, document = precise, precise_document
    if sum(map(len, paragraphs)) < DEFAULT_MIN_CHARS:
        # Pruning can remove a mislabelled article container; trafilatura alone is the fallback.
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
        min_chars: bodies shorter than this are a "no-text" failure.

    Returns:
        An ExtractedArticle, or an ExtractionFailure whose reason is one of "not-html", "decode-error",
        "challenge-page", "consent-wall", "not-article", "no-text", "parse-error".
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
    root = _parse(html)
    if root is None:
        return ExtractionFailure(url, "not-html", "no HTML document could be parsed")
    visible = len(" ".join(root.text_content().split())) if root is not None else 0
    failure = _failure_from_markers(root, html, url, visible)
    if failure is not None:
        return failure
    paragraphs, document = extract_body(root, url)
    text_len = sum(len(p) for p in paragraphs)
    if text_len < min_chars:
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
    """(date, signal) from crawler.dates when available, else trafilatura's date."""
    if find_published is not None:
        found = find_published(html, url, fetched_at)
        if found:
            return found
        return None, None
    date = getattr(document, "date", None)
    return (date, "trafilatura") if date else (None, None)
