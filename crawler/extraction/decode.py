"""HTML bytes to text: the one decoder for the crawl and `newsarchive extract`, the way Scrapy decodes a response."""

from __future__ import annotations

import logging

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding

logger = logging.getLogger(__name__)

DEFAULT_ENCODING = "ascii"  # Scrapy's TextResponse default; w3lib decodes it with U+FFFD for stray bytes
MAX_STRAY_SHARE = 0.001  # U+FFFD tolerated in a page read in its declared charset before UTF-8 is tried


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: BOM, then the HTTP Content-Type charset, then <meta charset>, then detection.

    This is w3lib's html_to_unicode with the detector of Scrapy's TextResponse, so a page reads the same in
    a crawl and from a saved file. Labels resolve as w3lib resolves them: iso-8859-1 is read as windows-1252,
    while ISO-8859-6 stays ISO-8859-6 (WHATWG keeps it distinct from windows-1256). Never raises:
    undecodable bytes become U+FFFD. One step of our own: a page whose declared charset garbles it (more than
    MAX_STRAY_SHARE of U+FFFD) but which is valid UTF-8 is read as UTF-8; saved pages are often re-encoded
    to UTF-8 with their old <meta charset> left in (fundus ``cn/People_2024_04_24``: declares GB2312).

    Args:
        body: the page bytes as received (after Content-Encoding is undone).
        content_type: the HTTP Content-Type header value (``text/html; charset=...``), when there was one.
    """
    encoding, text = html_to_unicode(content_type, body, default_encoding=DEFAULT_ENCODING, auto_detect_fun=_detect)
    if text.count("\ufffd") > MAX_STRAY_SHARE * len(text) and encoding != "utf-8":
        try:
            utf8 = body.decode("utf-8")
        except UnicodeDecodeError:
            return text
        logger.debug("declared charset %s garbles the page; read as UTF-8", encoding)
        return utf8
    return text


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
    match = from_bytes(body).best()
    logger.debug("no declared charset; detected %s", match.encoding if match else None)
    return resolve_encoding(match.encoding) if match else None
