"""The head of a fetched page: the bytes its first characters take, for reads that need no more (no scrapy imports).

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first 4,096 characters of
``response.text`` (scrapy/utils/response.py ``get_meta_refresh``), and ``response.text`` decodes the whole body and
caches the string on the response. Every HTML page then carried a second copy of itself (a 100 KB Arabic page is a
150-200 KB ``str``) for as long as Scrapy held the response: through the spider callback and the item pipeline's
wait for an extraction worker. Over the ~150 pages a back-fill keeps in flight that was the largest single share of
the crawl process's heap (issue 10, tree RSS). No upstream issue found; Scrapy 2.19 still does it.
crawler.middlewares.HeadMetaRefreshMiddleware runs Scrapy's middleware on a copy cut to ``page_head``.
"""

from __future__ import annotations

import logging

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
