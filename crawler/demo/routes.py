"""One demo site's state and URL routing: which bytes, status and headers each request target gets."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.demo import feeds, legacy, modern
from crawler.demo.content import SECTIONS, DemoArticle, DemoOutlet, arabic_date

logger = logging.getLogger(__name__)

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
CSS = b"body{font-family:Tahoma,Arial,sans-serif;direction:rtl}.cookie-banner{position:fixed;bottom:0}\n"
JS = b"document.addEventListener('click',function(e){if(e.target.className==='accept'){e.target.parentNode.remove()}});\n"
LAUNCH = datetime(2019, 1, 1, tzinfo=UTC)
LIBYA_TIME = timezone(timedelta(hours=2))  # Last-Modified of static files and robots.txt
# Legacy listing rows that lead nowhere good: (id, title, date) of a deleted article (404) and a DB error (500).
LEGACY_BROKEN = ((31, "حصري: تفاصيل اجتماع القادة العسكريين في غريان", datetime(2019, 7, 30, 9, 0, tzinfo=LIBYA_TIME)),
                 (27, "تقرير: أوضاع المهاجرين في مراكز الإيواء بطرابلس", datetime(2019, 7, 10, 9, 0, tzinfo=LIBYA_TIME)))
LEGACY_ERROR_ID = 27
INFO_PAGES = {"/about": "من نحن", "/contact": "اتصل بنا", "/privacy": "سياسة الخصوصية", "/terms": "شروط الاستخدام",
              "/video": "فيديو", "/about.php": "من نحن", "/contact.php": "اتصل بنا", "/privacy.php": "سياسة الخصوصية",
              "/archive.php": "الأرشيف"}


@dataclass(frozen=True)
class Reply:
    """A response before transport: the server adds validators, compression, framing and conditionals."""

    status: int
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    last_modified: datetime | None = None
    validators: bool = True  # send ETag/Last-Modified and honour If-None-Match/If-Modified-Since
    compressible: bool = False  # gzip when the client accepts it
    chunked: bool = False  # Transfer-Encoding: chunked (HTTP/1.1 clients only)


class DemoSite:
    """The articles of one outlet and the routing of its URLs."""

    def __init__(self, outlet: DemoOutlet, articles: list[DemoArticle]) -> None:
        self.outlet = outlet
        # Article key -> its current state. Replacing a value (an edited or deleted DemoArticle, as the tests
        # do) changes what every page, feed and sitemap serves; keys are never added or removed, so readers
        # in the server threads can copy the values without a lock.
        self.by_key = {a.key: a for a in articles}
        self._sessions = itertools.count(1)

    # ---- state ----------------------------------------------------------------------------------------------
    def articles(self, *, include_hidden: bool = False) -> list[DemoArticle]:
        """Current articles, newest first; deleted and private ones only with ``include_hidden``."""
        found = list(self.by_key.values())
        if not include_hidden:
            found = [a for a in found if not a.deleted and not a.private]
        return sorted(found, key=lambda a: a.published, reverse=True)

    def _find(self, path: str) -> DemoArticle | None:
        wanted = unquote(path)
        for article in self.articles(include_hidden=True):
            if unquote(article.path) == wanted:
                return article
        return None

    # ---- routing --------------------------------------------------------------------------------------------
    def respond(self, target: str, headers: dict[str, str]) -> Reply:
        """The reply to a GET of request-target ``target`` (path and query, percent-encoded or not)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/images/"):
            return Reply(200, GIF, "image/gif", last_modified=LAUNCH)
        if path.startswith(("/static/", "/css/", "/js/")):
            kind = "application/javascript" if path.endswith(".js") else "text/css"
            return Reply(200, JS if path.endswith(".js") else CSS, kind, last_modified=LAUNCH, compressible=True)
        if path == "/robots.txt":
            return Reply(200, feeds.robots(self.outlet).encode(), "text/plain; charset=utf-8", last_modified=LAUNCH)
        if self.outlet.style == "legacy":
            return self._legacy(parts.path, parse_qs(parts.query), headers)
        return self._modern(parts.path, parts.query)

    def _html(self, status: int, html: str, last_modified: datetime | None = None) -> Reply:
        # The feed site streams its HTML (chunked, like PHP-FPM behind nginx); the sitemap site gzips.
        return Reply(status, html.encode("utf-8"), last_modified=last_modified,
                     chunked=self.outlet.style == "feed", compressible=self.outlet.style == "sitemap")

    def _modern(self, raw_path: str, query: str) -> Reply:
        path = unquote(raw_path)
        everything = self.articles()
        newest = max((a.last_modified for a in everything), default=LAUNCH)
        out = self.outlet
        if path in ("/", "/index.html"):
            if out.style == "feed":
                return self._html(200, modern.home(out, everything, everything), newest)
            private = [a for a in self.articles(include_hidden=True) if a.private and not a.deleted]
            extra = tuple((a.path, a.title) for a in private)
            return self._html(200, modern.home(out, everything[:3], everything, extra), newest)
        if path.startswith("/section/") and path.rstrip("/").count("/") == 2:
            section = path.rstrip("/").rsplit("/", 1)[1]
            if section in SECTIONS:
                listed = [a for a in everything if a.section == section]
                return self._html(200, modern.section_page(out, section, listed, everything), newest)
        if out.style == "feed" and path in ("/feed/rss.xml", "/feed", "/feed/"):
            return Reply(200, feeds.rss(out, everything).encode(), "application/rss+xml; charset=utf-8",
                         last_modified=newest)
        if out.style == "feed" and path == "/feed/atom.xml":
            return Reply(200, feeds.atom(out, everything).encode(), "application/atom+xml; charset=utf-8",
                         last_modified=newest)
        if path in INFO_PAGES or path.startswith(("/tag/", "/author/")):
            title = INFO_PAGES.get(path, unquote(path.rstrip("/").rsplit("/", 1)[1]))
            return self._html(200, modern.message_page(out, title, "صفحة تعريفية."), LAUNCH)
        if path == modern.search_path(out):
            return self._html(200, modern.message_page(out, "نتائج البحث", "لا توجد نتائج مطابقة."))
        if out.style == "sitemap":
            reply = self._sitemaps(path, everything)
            if reply:
                return reply
        article = self._find(raw_path)
        if article is None:
            return self._html(404, modern.message_page(out, "الصفحة غير موجودة", "عذراً، لم نعثر على الصفحة المطلوبة."))
        if article.deleted:
            return self._html(410, modern.message_page(out, "تم حذف المحتوى", "هذا الخبر لم يعد متاحاً."))
        others = [a for a in everything if a.key != article.key]
        extra = tuple((a.path, a.title) for a in self.articles(include_hidden=True)
                      if a.private and not a.deleted and a.key != article.key)
        return self._html(200, modern.article_page(out, article, others, everything, extra), article.last_modified)

    def _sitemaps(self, path: str, everything: list[DemoArticle]) -> Reply | None:
        out = self.outlet
        news, archive = everything[:2], everything[1:] + [a for a in self.articles(include_hidden=True)
                                                          if a.private and not a.deleted]
        stamp = max((a.last_modified for a in everything), default=LAUNCH)
        xml = "application/xml; charset=utf-8"
        if path == "/sitemap_index.xml":
            parts = [("/sitemaps/news.xml", stamp), ("/sitemaps/archive-2019.xml.gz", stamp)]
            return Reply(200, feeds.sitemap_index(out, parts).encode(), xml, last_modified=stamp, compressible=True)
        if path == "/sitemaps/news.xml":
            return Reply(200, feeds.news_sitemap(out, news).encode(), xml, last_modified=stamp, compressible=True)
        if path == "/sitemaps/archive-2019.xml.gz":
            body = gzip.compress(feeds.url_sitemap(out, archive).encode(), mtime=0)
            return Reply(200, body, "application/x-gzip", last_modified=stamp)
        return None

    # ---- the legacy PHP site --------------------------------------------------------------------------------
    def _session(self, query: dict[str, list[str]], headers: dict[str, str]) -> tuple[str, bool]:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed Cookie header is the client's problem, not a crash
            logger.debug("ignoring malformed Cookie header %r", headers.get("cookie"))
        if "PHPSESSID" in cookie:
            return cookie["PHPSESSID"].value, False
        if query.get("PHPSESSID"):
            return query["PHPSESSID"][0], False
        return hashlib.md5(f"{self.outlet.base_url}#{next(self._sessions)}".encode()).hexdigest()[:26], True

    def _legacy(self, raw_path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        sid, new = self._session(query, headers)
        php = [("X-Powered-By", "PHP/5.2.17"), ("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"),
               ("Cache-Control", "no-store, no-cache, must-revalidate, post-check=0, pre-check=0"),
               ("Pragma", "no-cache")]
        if new:
            php.append(("Set-Cookie", f"PHPSESSID={sid}; path=/"))

        def page(status: int, html: str) -> Reply:
            # Charset only in the <meta http-equiv>: the header says "text/html" and nothing more.
            return Reply(status, legacy.encode(html), "text/html", tuple(php), validators=False)

        everything = self.articles()
        path = unquote(raw_path)
        number = query.get("id", query.get("nid", [""]))[0]
        if path in ("/", "/index.php"):
            return page(200, legacy.index_page(everything[:3], everything, sid))
        if path == "/section.php":
            cat = query.get("cat", ["libya"])[0]
            try:
                page_no = max(1, int(query.get("page", ["1"])[0]))
            except ValueError:
                page_no = 1
            rows = [(a.published, legacy.article_href(a, sid), a.title) for a in everything if a.section == cat]
            if cat == "libya":
                rows += [(when, f"/article.php?id={n}&PHPSESSID={sid}", title) for n, title, when in LEGACY_BROKEN]
            rows.sort(reverse=True)
            pages = max(1, -(-len(rows) // legacy.PAGE_SIZE))
            chunk = rows[(page_no - 1) * legacy.PAGE_SIZE: page_no * legacy.PAGE_SIZE]
            entries = [(href, title, arabic_date(when, "hijri")) for when, href, title in chunk]
            return page(200, legacy.section_page(cat, page_no, entries, pages, everything, sid))
        if path == "/news_details.php" and re.fullmatch(r"\d+", number):
            location = f"{self.outlet.base_url}/article.php?id={number}"
            return Reply(301, b"", None, (("Location", location), *php), validators=False)
        if path == "/article.php" and re.fullmatch(r"\d+", number):
            if int(number) == LEGACY_ERROR_ID:
                return Reply(500, legacy.error_page().encode(), "text/html", tuple(php), validators=False)
            article = self._find(f"/article.php?id={number}")
            if article is None or article.deleted:
                return page(404, legacy.not_found_page(sid))
            others = [a for a in everything if a.key != article.key]
            return page(200, legacy.article_page(article, others, everything, sid))
        if path == "/print.php" and re.fullmatch(r"\d+", number):
            article = self._find(f"/article.php?id={number}")
            if article and not article.deleted:  # a second URL for the same text, without any canonical
                return page(200, legacy.print_page(article))
            return page(404, legacy.not_found_page(sid))
        if path in INFO_PAGES:
            return page(200, legacy.not_found_page(sid).replace("الخبر غير موجود", INFO_PAGES[path]))
        if path.startswith("/admin/"):
            return page(200, legacy.not_found_page(sid).replace("الخبر غير موجود", "دخول المحررين"))
        return page(404, legacy.not_found_page(sid))
