"""A gzip body of one or more members (RFC 1952 2.2) inflated in time linear in its size, up to a bound (no scrapy).

zlib's ``decompressobj`` reads one member and hands the bytes after it back as ``unused_data``, a copy: handing the
next member the rest of the body each time (as ``gzip.decompress`` does too) copies the body once per member, so a
sitemap of 1.6 million empty 20-byte members (32 MiB) took hours of the crawl's reactor. The input is handed over in
pieces that start small and double while a member goes on, so the leftover of each member is at most about twice the
member's own size. Hand-written because neither the standard library nor Scrapy's ``gunzip`` (a ``GzipFile``, linear,
but which cannot say whether the body ended inside a member) gives both.
"""

from __future__ import annotations

import logging
import zlib

logger = logging.getLogger(__name__)

FIRST_PIECE, LARGEST_PIECE = 64, 1 << 20  # bytes of input handed to zlib at once: the first of a member, the most


def gunzip_members(body: bytes, limit: int) -> tuple[bytes, bool]:
    """The inflated bytes of every gzip member of ``body``, and whether they are all there (every member read to
    its end; padding after the last is ignored). Bytes that are no gzip pass through, whole. A body cut part-way or
    corrupt gives what came before, not whole. More than ``limit`` bytes in all raise ValueError (a gzip bomb)."""
    if body[:2] != b"\x1f\x8b":
        return body, True
    view, out, size, pos = memoryview(body), [], 0, 0
    while True:
        inflater, piece = zlib.decompressobj(16 + zlib.MAX_WBITS), FIRST_PIECE
        while not inflater.eof:
            if pos >= len(body):
                return b"".join(out), False  # the stream was cut before its end
            chunk_in = view[pos:pos + piece]
            pos, piece = pos + len(chunk_in), min(piece * 2, LARGEST_PIECE)
            try:
                chunk = inflater.decompress(chunk_in, limit - size + 1)
            except zlib.error as exc:  # corrupt data: what came before it is kept, not whole
                logger.debug("gzip body unreadable past %d bytes: %s", size, exc)
                return b"".join(out), False
            size += len(chunk)
            if inflater.unconsumed_tail or size > limit:
                raise ValueError(f"gzip body decompresses to more than {limit} bytes")
            out.append(chunk)
        pos -= len(inflater.unused_data)  # the bytes of the last piece past this member's end
        if body[pos:pos + 2] != b"\x1f\x8b":  # no further member
            return b"".join(out), True
