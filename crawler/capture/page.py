"""The extraction worker's entry point for one fetched page: its bytes are decoded in the worker (no scrapy imports).

The crawl process hands the pool the page as it came (the response body Scrapy holds anyway, plus its Content-Type)
rather than a decoded ``str``: a decoded Arabic page is a second, larger copy of the body (UCS-2: 2 bytes per
character, markup included), and the crawl process kept one per page waiting in the scraper and the pipeline
(issue 10, tree RSS). Decoding a page costs the worker well under 1 % of its extraction.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.capture.memory import fix_mmap_threshold
from crawler.capture.prepare import Prepared, extract_and_prepare, init_worker
from crawler.extraction.decode import decode_html

logger = logging.getLogger(__name__)


def init_page_worker(parent_pid: int, lexicon: Path) -> None:
    """Pool initializer: page-sized blocks freed go back to the OS (crawler.capture.memory), then
    crawler.capture.prepare.init_worker (die with the crawl process, load the lexicon)."""
    fix_mmap_threshold()
    init_worker(parent_pid, lexicon)


def extract_page(body: bytes, content_type: str | None,
                 url: str) -> tuple[ExtractedArticle | ExtractionFailure, Prepared | None]:
    """Decode a fetched page as Scrapy would (crawler.extraction.decode) and extract and prepare it."""
    return extract_and_prepare(decode_html(body, content_type), url)
