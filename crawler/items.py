"""The item a spider hands to the pipeline: one fetched article page."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """An article page to extract; the HTML stays out of repr so Scrapy's logs never print it."""

    outlet: str
    url: str
    html: str = field(repr=False)
    capture_id: int | None = None
    listed_date: str | None = None
    request_url: str | None = None  # the URL as discovered (the frontier key), before redirects
