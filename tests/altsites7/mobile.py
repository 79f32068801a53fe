"""A mobile-split Arabic newspaper: the desktop host (www) and a mobile host (m., another loopback address) serve the
same stories in other markup. Desktop stories are ``/news/<yyyy>/<mm>/<id>.html`` or ``/<section>/<id>/<slug>``,
with a rel=canonical to themselves and ``<link rel="alternate" media="only screen and (max-width: 640px)">`` naming
the mobile twin ``/article?id=<id>``; mobile pages (a bare template: ``<br><br>`` between paragraphs, the date in a
span, no metadata but the rel=canonical to the desktop page) carry a rel=canonical to the desktop URL. The desktop
home page links desktop URLs in its cards and mobile URLs in its "most shared" box; the RSS 1.0 (RDF) feed links a
mix of both hosts; the only sitemap is gzipped (``/sitemap.xml.gz``, ``application/x-gzip``, named in the desktop
robots.txt, which asks a Crawl-delay and forbids the print views ``?print=1``). One long read is split over two
desktop pages (``?page=2``, linked only from page 1); its mobile twin and its print view hold it whole. Each host has
its own robots.txt (the mobile one forbids the comments pages and the share links)."""

from __future__ import annotations

import datetime as dt
import gzip
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content_mobile import ARTICLES, MOBILE_SITE, SECTIONS, SITE

WWW_DISALLOW = ["/*?print=", "/search.php", "/admin/"]
M_DISALLOW = ["/comments", "/*&share="]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
DAYS = "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد".split()


def iso(a: dict) -> str:
    """The publication moment (Libya's time, UTC+2)."""
    return "%04d-%02d-%02dT" % a["g"] + a["time"] + ":00+02:00"


def www_path(a: dict) -> str:
    """The desktop URL's path: ``/news/<yyyy>/<mm>/<id>.html``, or ``/<section>/<id>/<slug>``."""
    if a["section"] == "news":
        return "/news/%04d/%02d/" % a["g"][:2] + f"{a['id']}.html"
    return f"/{a['section']}/{a['id']}/{a['slug']}"


def m_path(a: dict) -> str:
    return f"/article?id={a['id']}"


def _articles() -> list[dict]:
    return sorted(ARTICLES, key=lambda a: a["g"], reverse=True)


class WwwSite:
    """Routes and pages of the desktop host."""

    name = "www"

    def __init__(self, base: str):
        self.base = base
        self.mobile = ""  # the mobile host's base URL, set once both are bound
        self.articles = _articles()
        self.robots = RobotsRules(WWW_DISALLOW)
        self.served: list[tuple[str, int]] = []  # the story pages (page 1) answered
        self.later_pages: list[str] = []  # ``?page=2`` of the long read, and print views, answered

    def url(self, a: dict) -> str:
        return self.base + www_path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its desktop URL, its body the whole story (the long read's two pages)."""
        return [
            ExpectedArticle(
                "www", f"www-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The print views every story page links, and the search page."""
        return [f"{self.url(a)}?print=1" for a in self.articles] + [
            f"{self.base}/search.php?q=%D8%B3%D8%B1%D8%AA"
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            text = "User-agent: *\nCrawl-delay: 5\n" + "".join(f"Disallow: {d}\n" for d in WWW_DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap.xml.gz\n"
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/sitemap.xml.gz":
            return Reply(
                200,
                (("Content-Type", "application/x-gzip"),),
                gzip.compress(self.sitemap().encode(), mtime=0),
            )
        if path == "/rss.rdf":
            return Reply(200, (("Content-Type", "application/rdf+xml; charset=utf-8"),), self.rdf().encode())
        if path == "/":
            return self.page(
                SITE, self.home(), head='<link rel="alternate" type="application/rss+xml" href="/rss.rdf">'
            )
        if path.startswith("/category/") and path.split("/")[2] in SECTIONS:
            key = path.split("/")[2]
            items = [a for a in self.articles if a["section"] == key and "category" in a["links"]]
            return self.page(SECTIONS[key], f'<h1 class="cat-title">{SECTIONS[key]}</h1>' + self.cards(items))
        for a in self.articles:
            if path == www_path(a):
                if "print" in query:
                    self.later_pages.append(raw)
                    return self.print_view(a)
                number = int(query.get("page", "1") or 1)
                if number > 1:
                    self.later_pages.append(raw)
                else:
                    self.served.append((raw, a["id"]))
                return self.story(a, number)
        return self.page("الصفحة غير موجودة", "<h1>الصفحة غير موجودة</h1>", status=404)

    # -- discovery files -----------------------------------------------------------------------

    def sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{self.url(a)}</loc><lastmod>{iso(a)}</lastmod><changefreq>never</changefreq></url>"
            for a in self.articles
            if "sitemap" in a["links"]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def rdf(self) -> str:
        """An RSS 1.0 feed: ``rdf:about`` and ``<link>`` on each item, a mix of desktop and mobile URLs."""
        chosen = []
        for a in self.articles:
            if "rdf-www" in a["links"]:
                chosen.append((a, self.url(a)))
            elif "rdf-m" in a["links"]:
                chosen.append((a, self.mobile + m_path(a)))
        seq = "".join(f'<rdf:li rdf:resource="{escape(u)}"/>' for _, u in chosen)
        items = "".join(
            f'<item rdf:about="{escape(u)}"><title>{escape(a["title"])}</title><link>{escape(u)}</link>'
            f"<description>{escape(a['paras'][0][:100])}...</description><dc:date>{iso(a)}</dc:date>"
            f"<dc:subject>{SECTIONS[a['section']]}</dc:subject></item>"
            for a, u in chosen
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{self.base}/rss.rdf"><title>{SITE}</title><link>{self.base}/</link>'
            f"<description>آخر الأخبار</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>"
            f"{items}</rdf:RDF>"
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The desktop shell: top bar, logo, menu, ``main``, the side column, the footer."""
        menu = "".join(f'<li><a href="/category/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        return html_reply(
            f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="ar">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title}</title>
{head}
<link rel="stylesheet" href="/themes/saraya/style.css" />
</head>
<body>
<div id="topbar"><span class="today">طرابلس - الطقس: مشمس 27</span> <a href="{self.mobile}/">النسخة المحمولة</a></div>
<div id="header"><a href="/"><img src="/themes/saraya/logo.png" alt="{SITE}" /></a>
<form action="/search.php" method="get" id="search"><input type="text" name="q" /><input type="submit" value="بحث" /></form></div>
<ul id="menu"><li><a href="/">الرئيسية</a></li>{menu}</ul>
<div id="wrapper"><div id="content">{main}</div>
<div id="sidebar"><div class="block"><h3>استطلاع الرأي</h3><p>هل تتوقع نجاح الحوار السياسي؟</p>
<form><input type="radio" name="v" /> نعم <input type="radio" name="v" /> لا</form></div>
<div class="block ads"><a href="/ads/click.php?b=4"><img src="/ads/banner4.gif" alt="إعلان" /></a></div></div></div>
<div id="footer"><p>جميع الحقوق محفوظة لصحيفة السرايا الليبية © 2020</p><p>تصميم وبرمجة: شركة الأفق للحلول الرقمية</p></div>
</body>
</html>""",
            status=status,
        )

    def cards(self, items: list[dict]) -> str:
        return "".join(
            f'<div class="item"><a href="{www_path(a)}"><img src="/upload/thumbs/{a["id"]}.jpg" alt="" /></a>'
            f'<h3><a href="{www_path(a)}">{a["title"]}</a></h3><p>{a["paras"][0][:100]}...</p></div>'
            for a in items
        )

    def home(self) -> str:
        cards = [a for a in self.articles if "home" in a["links"]]
        shared = "".join(
            f'<li><a href="{self.mobile}{m_path(a)}">{a["title"]}</a></li>'
            for a in self.articles
            if "shared" in a["links"]
        )
        return (
            f'<div class="main-news">{self.cards(cards)}</div>'
            f'<div class="block most-shared"><h3>الأكثر مشاركة</h3><ul>{shared}</ul></div>'
        )

    def story(self, a: dict, number: int) -> Reply:
        """The desktop story page (the long read's page ``number``)."""
        pages = a.get("pages", 1)
        size = -(-len(a["paras"]) // pages)
        paras = a["paras"][(number - 1) * size : number * size]
        head = (
            f'<link rel="canonical" href="{self.url(a)}{f"?page={number}" if number > 1 else ""}" />\n'
            f'<link rel="alternate" media="only screen and (max-width: 640px)" href="{self.mobile}{m_path(a)}" />\n'
            f'<meta property="og:title" content="{a["title"]}" />\n<meta property="og:type" content="article" />\n'
            f'<meta property="article:published_time" content="{iso(a)}" />\n'
            f'<meta name="description" content="{escape(a["paras"][0][:150])}" />'
        )
        pager = ""
        if pages > 1:
            links = " ".join(
                f"<strong>{n}</strong>"
                if n == number
                else f'<a href="{www_path(a)}{"" if n == 1 else f"?page={n}"}">{n}</a>'
                for n in range(1, pages + 1)
            )
            nxt = (
                f' <a class="next" href="{www_path(a)}?page={number + 1}">الصفحة التالية &laquo;</a>'
                if number < pages
                else ""
            )
            pager = f'<div class="article-pages">صفحات المقال: {links}{nxt}</div>'
        day = dt.date(*a["g"])
        main = f"""<div class="breadcrumbs"><a href="/">الرئيسية</a> &raquo; <a href="/category/{a["section"]}">{SECTIONS[a["section"]]}</a></div>
<div class="article">
<h1 class="title">{a["title"]}</h1>
<div class="info">نشر بتاريخ: {DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year} | {a["time"]} - عدد القراءات: {a["id"] % 997}</div>
<div class="tools"><a href="{www_path(a)}?print=1" target="_blank">طباعة</a> | <a href="mailto:?subject={a["id"]}">أرسل لصديق</a> | <a href="#" class="font-up">تكبير الخط</a></div>
<div class="photo"><img src="/upload/{a["id"]}.jpg" alt="" /><span class="caption">أرشيفية</span></div>
<div class="text">
{"".join(f"<p>{p}</p>" for p in paras)}
</div>
{pager}
<div class="comments"><h3>أضف تعليقك</h3><form action="/comment.php" method="post"><textarea name="c"></textarea><input type="submit" value="إرسال" /></form></div>
</div>"""
        return self.page(f"{SITE} - {a['title']}", main, head=head)

    def print_view(self, a: dict) -> Reply:
        """The print view: the whole story, no chrome."""
        body = "".join(f"<p>{p}</p>" for p in a["paras"])
        return html_reply(
            f'<html dir="rtl"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
            f'<link rel="canonical" href="{self.url(a)}"><title>{SITE} - طباعة</title></head>'
            f'<body onload="window.print()"><h1>{a["title"]}</h1>{body}<p>{SITE}</p></body></html>'
        )


class MobileSite:
    """Routes and pages of the mobile host."""

    name = "m"

    def __init__(self, base: str):
        self.base = base
        self.desktop = ""  # the desktop host's base URL, set once both are bound
        self.articles = _articles()
        self.robots = RobotsRules(M_DISALLOW)
        self.served: list[tuple[str, int]] = []

    def expected(self) -> list[ExpectedArticle]:
        """The mobile twins, keyed ``m-<id>``: each story under its desktop URL (only to resolve the twins)."""
        return [
            ExpectedArticle(
                "m", f"m-{a['id']}", self.desktop + www_path(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The comments pages and the share links of every mobile story."""
        return [f"{self.base}/comments?id={a['id']}" for a in self.articles] + [
            f"{self.base}{m_path(a)}&share=whatsapp" for a in self.articles
        ]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in M_DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/":
            items = "".join(
                f'<li><a href="{m_path(a)}">{a["title"]}</a> <a class="c" href="/comments?id={a["id"]}">💬</a></li>'
                for a in self.articles
                if "m-home" in a["links"]
            )
            return self.page(MOBILE_SITE, f'<ul class="m-list">{items}</ul>')
        if path == "/article" and query.get("id", "").isdigit():
            a = next((a for a in self.articles if a["id"] == int(query["id"])), None)
            if a is not None and "share" not in query:
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.page("غير موجود", "<p>الصفحة غير موجودة</p>", status=404)

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        return html_reply(
            f"""<!DOCTYPE html>
<html dir="rtl" lang="ar"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>{title}</title>{head}</head>
<body class="mobile">
<div class="m-header"><a href="/" class="m-logo">{MOBILE_SITE}</a> <a href="#menu" class="m-burger">القائمة</a></div>
{main}
<div class="m-footer"><a href="{self.desktop}/">النسخة الكاملة</a> | <a href="/">الرئيسية</a><br>© {SITE}</div>
</body></html>""",
            status=status,
        )

    def story(self, a: dict) -> Reply:
        """The mobile story: the headline, a date line, the whole story with ``<br><br>`` between paragraphs."""
        text = "<br><br>\n".join(a["paras"])
        main = f"""<div class="m-story">
<h1 class="m-story-title">{a["title"]}</h1>
<span class="m-date">{"%02d/%02d/%04d" % tuple(reversed(a["g"]))} {a["time"]}</span>
<img class="m-img" src="/upload/m/{a["id"]}.jpg" alt="">
<div class="m-story-text">{text}</div>
<div class="m-share"><a href="{m_path(a)}&amp;share=whatsapp">واتساب</a> <a href="{m_path(a)}&amp;share=facebook">فيسبوك</a></div>
<a class="m-comments" href="/comments?id={a["id"]}">التعليقات</a>
</div>"""
        return self.page(
            f"{a['title']} - {MOBILE_SITE}",
            main,
            head=f'<link rel="canonical" href="{self.desktop}{www_path(a)}">',
        )
