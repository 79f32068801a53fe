"""AutoThrottle that never takes a download slot below its outlet's delay or its robots.txt Crawl-delay."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

from crawler.fetch.crawl_delay import floor_slot
from crawler.netguard import slot_floors


class RobotsAwareAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, which never takes a slot below its outlet's ``download_delay`` or its robots.txt
    Crawl-delay.

    AutoThrottle moves ``slot.delay`` between ``DOWNLOAD_DELAY`` and ``AUTOTHROTTLE_MAX_DELAY`` after every response
    (``_adjust_delay``): a fast site's slot would fall back to one second whatever its outlet's configuration
    (``DOWNLOAD_SLOTS``: an outlet asking 2 s was fetched 1.2 s apart, a black-box probe at stop 35) or its robots.txt
    asks. Each adjustment is followed by those floors (the Crawl-delay's: crawler.netguard ``RobotsGuardMiddleware``),
    here rather than in a second ``response_downloaded`` handler, whose order against AutoThrottle's no one promises.
    """

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        # the outlets' delays by slot (set by the spider's update_settings, before the extensions start)
        self._configured = {k: float(v["delay"]) for k, v in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
                            if isinstance(v, dict) and v.get("delay") is not None}

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        configured = self._configured.get(key)
        if configured is not None and slot.delay < configured:
            slot.delay = configured
        floor = slot_floors(self.crawler).get(key)
        if floor is not None:
            floor_slot(slot, floor)
