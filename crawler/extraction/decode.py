"""HTML bytes to text: the one decoder for the crawl and `newsarchive extract`, the way Scrapy decodes a response."""

from __future__ import annotations

import logging
import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

from crawler.fetch.head import foreign_codec, web_content_type

logger = logging.getLogger(__name__)

SEVEN_BIT = ("iso2022", "iso-2022", "hz", "utf-7", "utf_7")  # escape-coded: all ASCII bytes, so a stray UTF-8 sign
# ("©") would make a Japanese ISO-2022-JP page "valid UTF-8"
DEFAULT_ENCODING = "ascii"  # Scrapy's TextResponse default; w3lib decodes it with U+FFFD for stray bytes
# A UTF-8 label is wrong when at least this many characters, and most of the non-ASCII ones, do not decode (a UTF-8
# page with some stray legacy bytes, dragnet T31, stays UTF-8: re-read whole, its valid UTF-8 would break)
MISLABEL_MIN_BAD, MISLABEL_SHARE = 8, 0.5
LATIN_DEFAULT = "cp1252"  # what w3lib resolves ISO-8859-1, Latin-1, US-ASCII and windows-1252 labels to (WHATWG)
ARABIC_CHARSETS = frozenset({"cp1256", "iso8859-6"})  # windows-1256 and ISO-8859-6, as w3lib resolves them
ARABIC_SHARE = 0.5  # the share of a page's non-ASCII characters that are Arabic letters in an Arabic page


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP Content-Type charset, then <meta charset>, then detection.

    This is w3lib's html_to_unicode with the detector of Scrapy's TextResponse, so a page reads the same in
    a crawl and from a saved file. Labels resolve as w3lib resolves them: iso-8859-1 is read as windows-1252,
    while ISO-8859-6 stays ISO-8859-6 (WHATWG keeps it distinct from windows-1256). Never raises:
    undecodable bytes become U+FFFD. Two steps of our own: a page declared in another charset whose bytes are
    valid UTF-8 and not all ASCII is read as UTF-8 (see ``_is_utf8``; not a seven-bit charset's, SEVEN_BIT), and a
    UTF-16 label on bytes without NULs is a mislabel (WHATWG reads it as UTF-8): the bytes are detected.

    Args:
        body: the page bytes as received (after Content-Encoding is undone).
        content_type: the HTTP Content-Type header value (``text/html; charset=...``), when there was one.
    """
    # a label that names a codec but no web encoding (charset=punycode, zlib) is ignored, as a browser ignores it
    fixed = web_content_type(content_type, body)
    content_type = content_type if fixed is None else fixed  # "" when the header was only a foreign label
    encoding, text = html_to_unicode(content_type, body, default_encoding=DEFAULT_ENCODING, auto_detect_fun=_detect)
    if encoding.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:1024]:
        # a label, not the bytes (UTF-16 markup has a NUL in every ASCII character): WHATWG reads
        # <meta charset=utf-16> as UTF-8, since a page that could declare it in ASCII is not UTF-16
        return body.decode(_detect(body) or "utf-8", "replace")
    if encoding != "utf-8" and not encoding.startswith(SEVEN_BIT) and _is_utf8(body):
        logger.debug("declared charset %s, but the bytes are UTF-8; read as UTF-8", encoding)
        return body.decode("utf-8")
    if encoding == "utf-8" and _not_utf8(text):
        return _legacy_text(body, text)
    if encoding == LATIN_DEFAULT and http_content_type_encoding(content_type) == LATIN_DEFAULT:
        return _arabic_meta_text(body) or text
    return text


def _arabic_meta_text(body: bytes) -> str | None:
    """The page read in the Arabic charset its own ``<meta>`` declares, where the HTTP header said Latin-1.

    Browsers follow WHATWG's sniffing, in which an HTTP charset outranks the page's ``<meta>``; so does this module,
    with one exception, where that rule is wrong for Arabic pages. Apache's ``AddDefaultCharset ISO-8859-1`` (in the
    stock httpd.conf of Apache 2.0 and of many distributions' builds) labels every page a server sends, whatever the
    page says, and Arabic portals of the 2000s wrote windows-1256 pages under it, declared in a ``<meta
    http-equiv>``; read as the header says, every letter was Latin mojibake, the title and body stored as "ÇáÃÎÈÇÑ" and
    the language as English (a black-box probe, stop 37). A Latin-1 (windows-1252) header is the server's default, not the
    author's word, when the page names an Arabic charset (windows-1256, ISO-8859-6) and its bytes read as Arabic text
    in it: most of its non-ASCII characters Arabic letters (ARABIC_SHARE). Every other header keeps its rank (a
    windows-1256 page sent as UTF-8 is _legacy_text's case; a Latin page with a stale Arabic ``<meta>`` reads no
    Arabic letters and stays as the header says). None where the exception does not hold.
    """
    declared = html_body_declared_encoding(body) or _late_meta_charset(body)
    charset = resolve_encoding(declared) if declared and not foreign_codec(declared) else None
    if charset not in ARABIC_CHARSETS:
        return None
    try:
        text = body.decode(charset)
    except UnicodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 0x7F]
    arabic = sum(1 for c in non_ascii if "\u0600" <= c <= "\u06ff")
    if not non_ascii or arabic < ARABIC_SHARE * len(non_ascii):
        return None
    logger.debug("HTTP charset ISO-8859-1, <meta> %s with Arabic text: read as %s", charset, charset)
    return text


def _not_utf8(text: str) -> bool:
    """Whether a page read as UTF-8 is not UTF-8: most of its non-ASCII characters came out as U+FFFD."""
    bad = text.count("\ufffd")
    if bad < MISLABEL_MIN_BAD:
        return False
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return bad > MISLABEL_SHARE * non_ascii


def _legacy_text(body: bytes, text: str) -> str:
    """A page labelled UTF-8 (an HTTP header, usually) whose bytes are not: read in the charset its ``<meta>``
    declares, else the detected one, as trafilatura's ``decode_file`` tries charsets until one decodes.

    PHP 5.6 made ``default_charset = "UTF-8"``, so legacy windows-1256 portals began to send ``Content-Type:
    text/html; charset=UTF-8`` over pages whose ``<meta http-equiv>`` still says windows-1256; a browser trusts the
    header and shows U+FFFD for every Arabic letter, an archive wants the text. Kept as read when neither the meta nor
    detection gives a charset that decodes the bytes.
    """
    declared = html_body_declared_encoding(body)
    candidates = [resolve_encoding(declared) if declared and not foreign_codec(declared) else None, _detect(body)]
    for candidate in candidates:
        if not candidate or candidate == "utf-8" or candidate.startswith(("utf-16", "utf-32")):
            continue
        try:
            decoded = body.decode(candidate)
        except (UnicodeError, LookupError):
            continue
        logger.debug("labelled UTF-8, but the bytes are not; read as %s", candidate)
        return decoded
    return text


def _is_utf8(body: bytes) -> bool:
    """Whether the page is UTF-8 whatever it declares: valid UTF-8 with at least one non-ASCII character.

    A browser trusts the declaration; we read the bytes, like trafilatura (``utils.detect_encoding`` tries UTF-8
    first). Declarations go stale: servers send Apache's default ``charset=ISO-8859-1`` for UTF-8 pages, and
    saving tools re-encode pages to UTF-8 and leave the old ``<meta charset>`` in (fundus ``de/WinFuture``
    declares ISO-8859-1, ``cn/People`` GB2312); read in the declared charset, every accented or Arabic letter
    becomes two or three wrong ones ("fÃ¼r") and the text file is garbage. The converse mistake cannot happen in
    practice: legacy text is valid UTF-8 only if every byte above 0x7F falls into lead/continuation pairs, which
    real Latin or windows-1256 Arabic prose never does (Arabic letters there are mostly lead bytes in a row).
    A BOM has already decided (html_to_unicode reads it first), so a UTF-16 page never gets here as UTF-8.
    """
    if body.isascii() or body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


W3LIB_SCAN = 4096  # bytes of a page in which w3lib's html_body_declared_encoding looks for <meta charset>
# [^<>]: "<meta[^>]*charset" scanned to the next ">" from every "<meta" of a head with none: quadratic (stop 35)
_BODY_TAG, _CHARSET_META = re.compile(rb"<body[\s>]", re.I), re.compile(rb"<meta[^<>]*charset", re.I)


def _late_meta_charset(body: bytes) -> str | None:
    """A ``<meta charset>`` in the page's head past the first 4 KB that w3lib reads (a megabyte of comments or
    scripts before it), outside a comment: a browser that sniffed no charset from the first bytes still honours it
    when its parser meets it (HTML Standard 13.2.3.4, "changing the encoding while parsing"), where detection on
    such a page guessed windows-1250 for windows-1256 Arabic. None for a foreign codec (``zlib``) or none at all."""
    end = _BODY_TAG.search(body)
    head = body[: end.start()] if end else body
    for meta in _CHARSET_META.finditer(head, W3LIB_SCAN):  # the first 4 KB are w3lib's, read before this
        if head.rfind(b"<!--", 0, meta.start()) > head.rfind(b"-->", 0, meta.start()):
            continue  # inside a comment
        label = html_body_declared_encoding(head[meta.start() : meta.start() + 1024])
        # a <meta> naming UTF-16 means UTF-8 (WHATWG: ASCII markup cannot be UTF-16), left to detection here
        if label and not foreign_codec(label) and not label.startswith(("utf-16", "utf-32")):
            return label
    return None


def _detect(body: bytes) -> str | None:
    """A page without a declaration: ASCII, else UTF-8, else charset_normalizer's guess (as Scrapy does).

    charset_normalizer is kept for the one case that needs it: undeclared legacy pages (windows-1256 Arabic
    sites that never say so), which neither ASCII nor UTF-8 decodes.
    """
    for encoding in (DEFAULT_ENCODING, "utf-8"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    late = _late_meta_charset(body)
    if late:
        return late
    match = from_bytes(body).best()
    logger.debug("no declared charset; detected %s", match.encoding if match else None)
    return resolve_encoding(match.encoding) if match else None
