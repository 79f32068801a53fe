"""What a response's body is: an HTML answer whose body is a file of another kind refused, a charset label that
names no web encoding dropped."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.fetch.head import binary_kind, web_content_type
from crawler.netguard import Refused

logger = logging.getLogger(__name__)


class BinaryBodyMiddleware:
    """Refuse an HTML answer whose body is a file of another kind (a PDF, an image, an archive served as text/html).

    Scrapy types a response by its Content-Type alone when it names one, so such a body reached extraction, which
    made an "article" of its bytes. Sits below HttpCompressionMiddleware (590): it sees the decoded body.
    """

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """The response, or Refused ``not-html`` (the exchange is archived already)."""
        if not isinstance(response, HtmlResponse) or request.meta.get("kind") in ("feed", "sitemap"):
            return response  # a feed or sitemap may be a .xml.gz file, whatever it is served as
        kind = binary_kind(response.body)
        if kind is None:
            return response
        served = response.headers.get(b"Content-Type", b"").decode("latin-1")
        raise Refused("not-html", f"served as {served or 'HTML'}, but the body is {kind}")


class CharsetLabelMiddleware:
    """Drop a Content-Type charset that names a Python codec but no web encoding (crawler.fetch.head.foreign_codec),
    and override a ``<meta charset>`` that does (crawler.fetch.head.charset_for_foreign_meta).

    w3lib, and so Scrapy's ``response.text`` and our decode_html, decode with whatever codec Python's registry finds
    for the label: ``charset=zlib`` raised LookupError (a listing's links lost, an article a fetch-error retried
    for three crawls) and ``charset=punycode`` held the reactor for minutes on a 2 MB page (a quadratic decoder).
    A browser ignores such a label; so does every reader below this middleware. The WARC keeps the header as sent.
    Sits below HttpCompressionMiddleware (590) and above the readers of the text (585, 580, the spider).
    """

    def __init__(self, crawler: Any):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetLabelMiddleware:
        """Scrapy entry point."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """The response, or a copy whose Content-Type has no foreign charset label."""
        content_type = response.headers.get(b"Content-Type")
        if not isinstance(response, TextResponse) or not content_type:
            return response
        served = content_type.decode("latin-1")
        fixed = web_content_type(served, response.body)
        if fixed is None:
            return response
        logger.info("%s: charset label of %r is no web encoding; read as %r", response.url, served[:100], fixed)
        self.stats.inc_value("newsarchive/charset/foreign-label")
        headers = response.headers.copy()
        headers[b"Content-Type"] = fixed.encode("latin-1")
        # built, not response.replace(): that reads response.encoding, which decodes with the label (see above)
        attributes = {name: getattr(response, name) for name in Response.attributes}
        return type(response)(**{**attributes, "headers": headers})
