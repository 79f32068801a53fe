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
