"""The head of a fetched page: the bytes its first characters take, for reads that need no more (no scrapy imports).

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first 4,096 characters of
``response.text`` (scrapy/utils/response.py ``get_meta_refresh``), and ``response.text`` decodes the whole body and
caches the string on the response. Every HTML page then carried a second copy of itself (a 100 KB Arabic page is a
150-200 KB ``str``) for as long as Scrapy held the response: through the spider callback and the item pipeline's
wait for an extraction worker. Over the ~150 pages a back-fill keeps in flight that was the largest single share of
the crawl process's heap (issue 10, tree RSS). No upstream issue found; Scrapy 2.19 still does it.
crawler.middlewares.refresh.HeadMetaRefreshMiddleware runs Scrapy's middleware on a copy cut to ``page_head``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

SCANNED_CHARS = 4096  # what scrapy.utils.response.get_meta_refresh reads of response.text
HEAD_BYTES = 4 * SCANNED_CHARS  # no character takes more than 4 bytes, so the head holds all the chars scanned


def page_head(body: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of ``body``, ending before a UTF-8 continuation byte (so a UTF-8 page's head is
    valid UTF-8 and its encoding is detected as the whole page's is)."""
    if len(body) <= size:
        return body
    end = size
    while end > size - 4 and body[end] & 0xC0 == 0x80:
        end -= 1
    return body[:end]


def inflated_head(body: bytes, size: int) -> bytes:
    """A gzip ``body`` inflated, its first ``size`` bytes at most (what inflates of a corrupt or cut one): a gzip bomb
    costs no more than ``size``. Other bytes as they are. A robots.txt gzipped with no ``Content-Encoding`` (read as
    text it had no rule, and everything was allowed) is read so, up to CRAWL_ROBOTS_MAX_SIZE."""
    import zlib

    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, size)
    except zlib.error:
        return b""


# Signatures of files that are never an HTML page, from the WHATWG MIME Sniffing Standard (image, audio/video,
# font and archive patterns, section 6; PDF and PostScript, section 7.1). Written out here because a browser only
# sniffs bodies served without a Content-Type (or as octet-stream), so no library applies them to one served as
# text/html, and the maintained sniffers (python-magic, filetype) are not dependencies of this project.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"), (b"%!PS-Adobe-", "a PostScript document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"), (b"\x00\x00\x01\x00", "an icon"), (b"\x1a\x45\xdf\xa3", "a WebM video"),
    (b"OggS\x00", "an Ogg file"), (b"ID3", "an MP3 file"), (b"fLaC", "a FLAC file"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"\x1f\x8b\x08", "gzip data"), (b"wOFF", "a web font"),
    (b"wOF2", "a web font"), (b"\x7fELF", "an executable"), (b"\x00asm", "a WebAssembly module"),
)


def binary_kind(body: bytes) -> str | None:
    """What file a body is by its first bytes ("a PDF document"), when it is one that is never an HTML page."""
    for signature, kind in _SIGNATURES:
        if body.startswith(signature):
            return kind
    if body[8:12] in (b"WEBP", b"AVI ", b"WAVE") and body.startswith(b"RIFF"):
        return "a RIFF media file"
    if body[4:8] == b"ftyp":
        return "an MP4 or HEIF media file"
    return None


# The encodings of the WHATWG Encoding Standard (section 4.2), as Python's codec registry names them (after w3lib's
# label translation: iso-8859-1 is read as cp1252, gbk as gb18030, ...), plus the UTF-32 and ASCII that BOM sniffing
# and Scrapy's default give. A browser ignores any other charset label. Python does not: its registry also names
# codecs that are no text encoding (``zlib``, ``base64``: LookupError), one that always fails (``undefined``) and
# one whose decoder is quadratic (``punycode``: 2 MB of body held the crawl's reactor for minutes). w3lib resolves a
# label through that registry and decodes with whatever it finds, so the label is checked against this list first.
WEB_CODECS = frozenset({
    "utf-8", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le", "ascii", "cp866", "koi8-r",
    "koi8-u", "mac-roman", "mac-cyrillic", "cp874", "cp932", "cp949", "euc_jp", "iso2022_jp", "iso2022_kr",
    "shift_jis", "euc_kr", "gbk", "gb2312", "gb18030", "big5", "big5hkscs", "hz", "iso8859-1",
    *(f"cp{n}" for n in range(1250, 1259)),
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
})


_WEB = frozenset(codec.replace("_", "-") for codec in WEB_CODECS)


def foreign_codec(label: str) -> str | None:
    """The Python codec a charset label resolves to (as w3lib resolves it) when that codec is no web encoding
    (``zlib``, ``punycode``); None for a web encoding, and for a label Python does not know (w3lib ignores those)."""
    from w3lib.encoding import resolve_encoding  # Scrapy's dependency; no scrapy import in this module

    resolved = resolve_encoding(label.strip().strip("\"'"))
    if resolved is None or resolved.lower().replace("_", "-") in _WEB:
        return None
    return resolved


def without_foreign_charset(content_type: str) -> str | None:
    """``content_type`` less a charset parameter that names a codec but no web encoding; None when it has none.

    ``text/html; charset=zlib`` -> ``text/html``: the page is then decoded as one without a header label is (its
    BOM, its ``<meta charset>``, detection), as a browser, which ignores a label it does not know, decodes it.
    """
    from w3lib.encoding import http_content_type_encoding

    kept = _without_charset(content_type, foreign_codec)
    if foreign_codec(http_content_type_encoding(kept) or ""):
        # a spelling the parameter split does not take apart and w3lib still reads (``charset=zlib, text/html``):
        # checked by w3lib's own reader, so whatever it would decode with is checked, and every parameter goes
        kept = _media_type(kept)
    return kept if kept != content_type else None


def charset_for_foreign_meta(body: bytes) -> str:
    """The charset to read a page with whose ``<meta charset>`` names a foreign codec and whose header names none.

    A browser ignores the label and falls back (HTML Standard 13.2.3.2, "encoding sniffing algorithm"): UTF-8 when
    the bytes are UTF-8, else the locale's default, windows-1256 for Arabic. Given as the header's label, it takes
    precedence over the page's own in every reader (w3lib: BOM, then header, then ``<meta>``).
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1256"
    return "utf-8"


def web_content_type(content_type: str | None, body: bytes) -> str | None:
    """The Content-Type to decode ``body`` with when its charset label, or its ``<meta charset>`` where the header
    names none, is a codec but no web encoding (``foreign_codec``); None when the labels need no change.

    The one rule for every reader of page bytes: the crawl's CharsetLabelMiddleware and ``decode_html`` (so
    ``newsarchive extract``, which re-reads the archived header and page, decodes as the crawl did).
    """
    from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

    fixed = without_foreign_charset(content_type) if content_type else None
    current = content_type if fixed is None else fixed  # "" when the header was a foreign label and nothing else
    if http_content_type_encoding(current) is None:
        # no label in the header: the page's own (<meta charset>, read from its first 4 KB) is used instead
        declared = html_body_declared_encoding(body)
        if declared and foreign_codec(declared):
            # w3lib reads the first charset parameter only, and falls back to <meta> when that one does not resolve
            # (charset=x-unknown): the header's labels go, so the one added here is the one read
            kept = _without_charset(current or "text/html") or "text/html"
            fixed = f"{kept}; charset={charset_for_foreign_meta(body)}"
    return fixed


def _without_charset(content_type: str, unwanted: Callable[[str], object] = lambda label: True) -> str:
    """``content_type`` less its charset parameters whose label is ``unwanted`` (every one by default).

    The first part too: w3lib reads ``charset=zlib`` with no media type before it (a header sent so, and the
    ``Content-Type`` that ``newsarchive extract --charset`` makes), which used to pass this check whole.
    """
    parts = content_type.split(";")
    kept = [p for p in parts if not (p.partition("=")[0].strip().lower() == "charset" and unwanted(p.partition("=")[2]))]
    return ";".join(kept).strip() if len(kept) < len(parts) else content_type


def _media_type(content_type: str) -> str:
    """The media type of a Content-Type (``text/html``), without its parameters; "" when it names none."""
    first = content_type.split(";", 1)[0].strip()
    return "" if "=" in first else first
