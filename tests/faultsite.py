"""A small outlet site on loopback for the fault and soak tests: a feed of N articles, editable and deletable."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers import reply

PARAGRAPHS = [
    ("قالت مصادر عسكرية في طرابلس إن اشتباكات مسلحة اندلعت بين قوات حكومة الوحدة الوطنية وقوات "
     "الجيش الوطني الليبي جنوب العاصمة الليبية، وسط قصف متبادل بالمدفعية الثقيلة."),
    ("وأكد المتحدث باسم المجلس الرئاسي أن المفاوضات مع مجلس النواب في طبرق متوقفة، وأن البعثة الأممية "
     "دعت الأطراف الليبية إلى وقف إطلاق النار فورا والعودة إلى الحوار السياسي."),
    ("وأفاد شهود عيان في مصراتة وسرت بأن تعزيزات عسكرية وصلت إلى خطوط التماس، فيما نزحت عائلات "
     "من الأحياء القريبة من المعارك في ضواحي طرابلس."),
]


@dataclass
class FaultSite:
    """What the site serves: ``articles`` pages, each padded with ``pad`` random bytes; edits and deletions."""

    articles: int = 40
    pad: int = 0  # incompressible bytes per article page (fills a small disk quickly)
    delay: float = 0.0  # seconds each article answer waits
    edits: dict[int, int] = field(default_factory=dict)  # article -> version shown
    deleted: set[int] = field(default_factory=set)
    requests: int = 0
    base_url: str = ""
    # the article answers after the first ``hold_after`` wait until ``release`` is set (at most a minute): a test
    # that must act while the crawl still has pages to fetch and write does not race the crawl's pace
    hold_after: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    answered: int = 0

    def article_html(self, n: int) -> bytes:
        """The page of article ``n`` (its current version)."""
        version = self.edits.get(n, 0)
        body = "".join(f"<p>{p} (تقرير رقم {n})</p>" for p in PARAGRAPHS)
        if version:
            body += f"<p>تحديث رقم {version}: أعلنت وزارة الداخلية في طرابلس حظر التجول في المنطقة {n}.</p>"
        blob = random.Random(n * 1000 + version).randbytes(self.pad).hex()[: self.pad] if self.pad else ""
        return (f"<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'>"
                f"<title>اشتباكات في طرابلس رقم {n}</title></head><body><header>موقع الاختبار</header>"
                f"<article><h1>اشتباكات في طرابلس رقم {n}</h1>{body}</article>"
                f"<!-- {blob} --></body></html>").encode()

    def feed(self) -> bytes:
        """The RSS feed listing every article that is not deleted."""
        items = "".join(f"<item><title>خبر {n}</title><link>{self.base_url}/news/{n}</link>"
                        f"<pubDate>{formatdate(usegmt=True)}</pubDate></item>"
                        for n in range(1, self.articles + 1) if n not in self.deleted)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>faults</title>'
                f"<link>{self.base_url}/</link>{items}</channel></rss>").encode()

    def seeds(self, path: Path, schedule: str = "1h", name: str = "faulty") -> Path:
        """Write the seeds TOML configuring this site as one outlet; return its path."""
        host = self.base_url.split("//", 1)[1].split(":", 1)[0]
        path.write_text(f"""[[outlet]]
name = "{name}"
feeds = ["{self.base_url}/feed.xml"]
article_urls = ['/news/\\d+$']
allowed_domains = ["{host}"]
topic_filter = false
robots_sitemaps = false
download_delay = 0
concurrency = 2
schedule = "{schedule}"
""", encoding="utf-8")
        return path


_COUNT = threading.Lock()


def _handler(site: FaultSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            site.requests += 1
            path = self.path.split("?", 1)[0]
            if path == "/robots.txt":
                self._send(200, "text/plain", b"User-agent: *\nAllow: /\n")
            elif path == "/feed.xml":
                self._send(200, "application/rss+xml", site.feed())
            elif path.startswith("/news/") and path[6:].isdigit():
                n = int(path[6:])
                if site.delay:
                    time.sleep(site.delay)
                with _COUNT:
                    site.answered += 1
                    held = site.hold_after is not None and site.answered > site.hold_after
                if held:
                    site.release.wait(60)
                if n in site.deleted or not 1 <= n <= site.articles:
                    self._send(404, "text/html", b"<html><body>not found</body></html>")
                else:
                    self._send(200, "text/html; charset=utf-8", site.article_html(n))
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            reply(self, status, ctype, body)

    return Handler


@contextmanager
def serve_fault_site(site: FaultSite | None = None, host: str = "127.0.0.1") -> Iterator[FaultSite]:
    """Serve ``site`` on ``host`` (any free port) for the duration of the block."""
    site = site or FaultSite()
    server = ThreadingHTTPServer((host, 0), _handler(site))
    server.daemon_threads = True
    site.base_url = f"http://{host}:{server.server_address[1]}"
    # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
