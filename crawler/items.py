"""The item a spider hands to the pipeline: one fetched article page, as it came (decoded by the worker)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """An article page to extract; the body stays out of repr so Scrapy's logs never print it."""

    outlet: str
    url: str
    body: bytes = field(repr=False)  # the response body; the extraction worker decodes it (crawler.capture.prepare)
    content_type: str | None = None  # the response's Content-Type header, for its charset
    capture_id: int | None = None
    listed_date: str | None = None
    request_url: str | None = None  # the URL as discovered (the frontier key), before redirects
    # the later pages of an article split over pages (crawler/spiders/parts.py), in order: (url, body, content type,
    # capture id) each; joined into one article by the worker (crawler/capture/paged.py)
    parts: tuple[tuple[str, bytes, str | None, int | None], ...] = field(default=(), repr=False)
