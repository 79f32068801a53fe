"""Arm 1, the fetch ceiling: a minimal Scrapy spider that downloads a list of URLs and keeps nothing.

Run as ``python -m benchmarks.throughput.bare_spider URLS_FILE OUT_JSON CONCURRENCY_PER_HOST HOSTS``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    """Requests every URL once; counts responses and body bytes; no pipeline, no item."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls, self.pages, self.body_bytes = urls, 0, 0

    async def start(self):
        """One request per URL, in file order."""
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        """Count the page."""
        self.pages += response.status == 200
        self.body_bytes += len(response.body)


def main(argv: list[str]) -> None:
    """Crawl the URLs with the same reactor and concurrency the full pipeline gets, then write the counts."""
    urls = Path(argv[0]).read_text().split()
    per_host, hosts = int(argv[2]), int(argv[3])
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": per_host * hosts, "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "INFO", "RETRY_TIMES": 2,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    spider = crawler.spider
    Path(argv[1]).write_text(json.dumps({"pages": spider.pages, "body_bytes": spider.body_bytes}))


if __name__ == "__main__":
    main(sys.argv[1:])
