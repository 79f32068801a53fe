"""A legacy PHP news portal on loopback where one article has many URLs (issue 13: one article, one row).

Every link on its listings carries ``&sid=<a new token per visit>`` (a name our parameter list leaves alone, as
"sid" selects content on some sites); old ``news_view.php?nid=N`` addresses answer 301 to the clean one; one
article lives in a folder reached as ``/reports/.../`` and ``/reports/.../index.php``; a print page declares
``rel=canonical``; a mobile page serves the same body under an unrelated URL; one link has ``..`` segments.
Standard library only.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ARTICLES = {
    1: ("اشتباكات عنيفة جنوب طرابلس بين قوات الوفاق وقوات حفتر",
        [("اندلعت اشتباكات عنيفة صباح اليوم في محيط مطار طرابلس الدولي بين قوات حكومة الوفاق الوطني والقوات "
          "التابعة للقيادة العامة بقيادة خليفة حفتر، وسط قصف متبادل بالمدفعية الثقيلة."),
         "وقال شهود عيان إن القذائف سقطت على أحياء سكنية في منطقة قصر بن غشير، ما أدى إلى نزوح عشرات العائلات.",
         "ودعت البعثة الأممية للدعم في ليبيا الطرفين إلى وقف فوري لإطلاق النار وحماية المدنيين."]),
    2: ("مجلس النواب يرفض حكومة الوحدة الوطنية في جلسة طبرق",
        [("صوّت مجلس النواب الليبي في جلسته المنعقدة بمدينة طبرق على رفض منح الثقة لحكومة الوحدة الوطنية، في خطوة "
          "تعمّق الانقسام السياسي بين شرق البلاد وغربها."),
         "واعتبر المجلس الأعلى للدولة في طرابلس أن الجلسة تفتقر إلى النصاب القانوني، مطالباً بالعودة إلى الحوار.",
         "ويأتي ذلك بعد أسابيع من التوتر بين المؤسسات المتنازعة على الشرعية منذ اتفاق الصخيرات."]),
    3: ("قصف جوي يستهدف مواقع لمسلحين في مدينة درنة",
        [("شن الطيران التابع للقيادة العامة غارات جوية على مواقع قال إنها لمجموعات مسلحة في مدينة درنة شرق ليبيا، "
          "وسط حصار مستمر للمدينة منذ أشهر."),
         "وأفادت مصادر طبية بسقوط قتلى وجرحى بين المدنيين، فيما تعذر وصول فرق الإسعاف إلى بعض الأحياء.",
         "وطالبت منظمات حقوقية بفتح ممرات إنسانية آمنة لإجلاء الجرحى وإدخال المساعدات الطبية."]),
    4: ("هدنة هشة في طرابلس بعد أسابيع من المعارك",
        [("أعلنت البعثة الأممية في ليبيا التوصل إلى هدنة إنسانية في طرابلس بين الأطراف المتحاربة، بعد أسابيع من "
          "المعارك التي خلفت مئات القتلى وآلاف النازحين."),
         "وقال الناطق باسم البعثة إن الهدنة تشمل وقف القصف على الأحياء السكنية وفتح الطرق أمام المساعدات.",
         "وشكك مراقبون في صمود الهدنة في ظل استمرار التحشيد العسكري على محاور القتال جنوب العاصمة."]),
    5: ("تبادل للأسرى بين طرفي النزاع في الزاوية",
        [("جرت في مدينة الزاوية عملية تبادل للأسرى بين قوات حكومة الوفاق والقوات التابعة للقيادة العامة، بوساطة "
          "من أعيان ومشايخ القبائل في المنطقة الغربية."),
         "وشملت العملية أكثر من ثلاثين أسيراً من الطرفين، وفق ما أعلنه المجلس البلدي للمدينة.",
         "ورحبت البعثة الأممية بالخطوة واعتبرتها بادرة لبناء الثقة بين الأطراف الليبية المتنازعة."]),
    6: ("مؤتمر برلين يدعو إلى حظر السلاح على ليبيا",
        [("دعا المشاركون في مؤتمر برلين حول ليبيا إلى الالتزام بحظر توريد السلاح المفروض من مجلس الأمن، ووقف "
          "التدخلات الخارجية في النزاع الليبي."),
         "وأكد البيان الختامي ضرورة تثبيت وقف إطلاق النار وإطلاق مسار سياسي يشمل مجلس النواب والمجلس الأعلى للدولة.",
         "وحضر المؤتمر ممثلون عن حكومة الوفاق والقيادة العامة دون أن يلتقيا وجهاً لوجه."]),
}
CONFIG = r"""
[[outlet]]
name = "legacy-portal"
display_name = "بوابة الجماهيرية"
start_urls = ["{base}/"]
article_urls = ['/article\.php\?id=\d+', '/news_view\.php\?nid=\d+', '/print\.php\?id=\d+', '/mobile/story\.php',
                '/reports/[a-z-]+/(index\.php)?$']
topic_filter = false
download_delay = 0.0
concurrency = 4
"""


def clean_url(base: str, n: int) -> str:
    """The article's address without any session token (what its row should carry, article 4 aside)."""
    return f"{base}/reports/tripoli-truce/" if n == 4 else f"{base}/article.php?id={n}"


@dataclass
class Portal:
    """The running portal: its base URL and the path of every request it served."""

    base: str
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Status, headers and HTML of one GET."""
        # a new session token on every visit, as old PHP portals do ("s", a digit, then hex: always token-like)
        sid = f"s{uuid.uuid4().int % 10}{uuid.uuid4().hex[:10]}"
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /admin/\n"
        if path in ("/", "/index.php"):
            return 200, {}, self.listing(sid)
        if path == "/news_view.php" and query.get("nid", "").isdigit():
            return 301, {"Location": f"/article.php?id={query['nid']}"}, ""
        if path == "/article.php" and query.get("id", "").isdigit() and int(query["id"]) in ARTICLES:
            n = int(query["id"])
            canonical = f"/article.php?id={n}" if n == 3 else None  # only one article has a canonical link
            return 200, {}, self.article(n, sid, canonical=canonical)
        if path == "/print.php" and query.get("id") == "3":
            return 200, {}, self.article(3, sid, canonical="/article.php?id=3", chrome=False)
        if path == "/mobile/story.php" and query.get("n") == "5":
            return 200, {}, self.article(5, sid, chrome=False)
        if path in ("/reports/tripoli-truce/", "/reports/tripoli-truce/index.php"):
            return 200, {}, self.article(4, sid)
        return 404, {}, "<html><body><h1>404</h1></body></html>"

    def listing(self, sid: str) -> str:
        """The home page: a table of links, each with the visit's sid, plus the old, print, mobile and folder links."""
        links = [(f"/article.php?id={n}&sid={sid}", title) for n, (title, _) in ARTICLES.items() if n != 4]
        links += [
            ("/news_view.php?nid=1", "من الأرشيف: " + ARTICLES[1][0]),
            (f"/print.php?id=3&sid={sid}", "نسخة للطباعة"),
            ("/reports/tripoli-truce/", ARTICLES[4][0]),
            ("/reports/tripoli-truce/index.php", "التقرير كاملاً"),
            ("/mobile/story.php?n=5", "للهاتف: " + ARTICLES[5][0]),
            # absolute, so no urljoin resolves the dots before canonicalisation does
            (f"{self.base}/news/./../article.php?id=6&sid={sid}", "المزيد: " + ARTICLES[6][0]),
        ]
        rows = "".join(f'<tr><td class="nw"><a href="{escape(h)}">{escape(t)}</a></td></tr>' for h, t in links)
        return (f'<html dir="rtl"><head><meta charset="utf-8"><title>بوابة الجماهيرية - الرئيسية</title></head>'
                f'<body><table width="760"><tr><td><a href="/index.php?sid={sid}">الرئيسية</a></td></tr>{rows}'
                f'</table><p>جميع الحقوق محفوظة</p></body></html>')

    def article(self, n: int, sid: str, *, canonical: str | None = None, chrome: bool = True) -> str:
        """An article page in a table layout; the full page has a menu and a most-read box whose links carry sid."""
        title, paragraphs = ARTICLES[n]
        head = f'<link rel="canonical" href="{self.base}{canonical}">' if canonical else ""
        menu = side = ""
        if chrome:
            menu = (f'<tr><td class="menu"><a href="/index.php?sid={sid}">الرئيسية</a> | '
                    f'<a href="/article.php?id={n % 6 + 1}&sid={sid}">الخبر التالي</a></td></tr>')
            side = (f'<td class="side" width="180"><b>الأكثر قراءة</b><br>'
                    f'<a href="/article.php?id={(n + 1) % 6 + 1}&sid={sid}">{escape(ARTICLES[(n + 1) % 6 + 1][0])}</a></td>')
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return (f'<html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>{escape(title)} - بوابة الجماهيرية'
                f'</title>{head}</head><body><table width="760">{menu}<tr><td class="content"><h1>{escape(title)}</h1>'
                f'<div class="date">2019-04-{10 + n:02d}</div>{body}</td>{side}</tr></table>'
                f'<p class="footer">جميع الحقوق محفوظة لبوابة الجماهيرية</p></body></html>')


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # Portal.requests is the record

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with portal.lock:
                portal.requests.append(self.path)
            status, headers, html = portal.page(parts.path, dict(parse_qsl(parts.query)))
            body = html.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "text/html; charset=utf-8"))
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_portal(host: str = "127.0.0.21") -> Iterator[Portal]:
    """Run the portal on ``host`` (an IPv4 loopback address or "::1") on a free port for the ``with`` block."""

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True

    server = Server((host, 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    portal = Portal(f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}")
    server.RequestHandlerClass = _handler(portal)
    thread = threading.Thread(target=server.serve_forever, name="legacy-portal", daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
