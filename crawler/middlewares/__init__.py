"""The downloader middlewares, the download handler and the duplicate filter, one adapter module per concern.

``capture`` writes every HTTP exchange to WARC as it came over the wire; ``refresh`` reads a meta refresh from a page's
head; ``cookies`` sends the cookies a redirect sets on the rest of its chain; ``bodies`` refuses a file served as HTML
and drops a charset label that names no web encoding; ``throttle`` keeps AutoThrottle above each outlet's floors;
``handler`` keeps an outlet's connections open and bounds a response's head; ``dupefilter`` lets an article's old,
redirecting URL through. The names are re-exported here, where they lived as one module before stop 42.
"""

from crawler.middlewares.bodies import BinaryBodyMiddleware, CharsetLabelMiddleware
from crawler.middlewares.capture import CONDITIONAL_KINDS, WarcCaptureMiddleware, exchange_from
from crawler.middlewares.cookies import ChainCookiesMiddleware
from crawler.middlewares.dupefilter import RedirectAwareDupeFilter
from crawler.middlewares.handler import PooledHTTPDownloadHandler
from crawler.middlewares.refresh import HeadMetaRefreshMiddleware
from crawler.middlewares.throttle import RobotsAwareAutoThrottle

__all__ = ["CONDITIONAL_KINDS", "BinaryBodyMiddleware", "ChainCookiesMiddleware", "CharsetLabelMiddleware",
           "HeadMetaRefreshMiddleware", "PooledHTTPDownloadHandler", "RedirectAwareDupeFilter",
           "RobotsAwareAutoThrottle", "WarcCaptureMiddleware", "exchange_from"]
