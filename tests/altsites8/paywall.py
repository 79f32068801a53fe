"""A metered-paywall Arabic newspaper on WordPress. A story ``/akhbar/<id>/`` has its id in Arabic-Indic digits
(``/akhbar/٤٨١٧/``); the hrefs print it escaped in lower case (as WordPress does), the sitemap in upper case, the
section pages raw. The news ticker links ``/akhbar/4817/`` (ASCII digits) and the "most read" box the short link
``/?p=4817``: both answer 301 to the pretty URL. A paywalled story's page shows the headline, the standfirst and the
first two paragraphs, then a "اشترك لمتابعة القراءة" box in ``<div class="paywall">``; its JSON-LD NewsArticle says
``isAccessibleForFree: false`` with a ``hasPart`` WebPageElement naming ``.paywall`` and carries the whole story in
``articleBody`` (Google's documented paywall markup). A free story is whole on the page and in articleBody (one's
articleBody is a teaser: its first 160 characters and "..."). Every story page has a meter bar, a byline, a captioned
photo, tags, share buttons and a "read also" box; robots.txt forbids the print views the section pages link, the
search, the subscribe and login pages. Discovery: the home page, the section pages, the RSS feed and a sitemap index
named by robots.txt (WordPress/Yoast style)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content_paywall import ARTICLES, SECTIONS, SITE

DISALLOW = ["/wp-admin/", "/?s=", "/*/print/", "/subscribe/", "/login/"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
AUTHORS = ["سالم الورفلي", "مريم الترهوني", "عبد الحكيم الزنتاني"]
PROMPT = (
    f"هذا المقال متاح لمشتركي {SITE} فقط. اشترك الآن لتحصل على وصول غير محدود إلى كل مقالاتنا وتحقيقاتنا "
    "الحصرية مقابل خمسة دنانير شهريا."
)


def path(a: dict) -> str:
    """The story's pretty path, its id in Arabic-Indic digits, unescaped."""
    return f"/akhbar/{str(a['id']).translate(INDIC)}/"


def lower_escaped(text: str) -> str:
    """``text`` percent-escaped in lower case, as WordPress prints its permalinks."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(text))


def shown(a: dict) -> str:
    moment = datetime.fromisoformat(a["date"])
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def article_body(a: dict) -> str:
    """The JSON-LD articleBody as the page's plugin writes it (``ld``)."""
    if a["ld"] == "teaser":
        return a["paras"][0][:160] + "..."
    if a["ld"] == "entities":
        return "\n".join(p.replace('"', "&quot;") for p in a["paras"])
    return a["ld"].join(a["paras"])


class PaywallSite:
    """Routes and pages of the metered-paywall newspaper."""

    name = "paywall"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["date"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.redirected: list[tuple[str, int]] = []  # the ASCII-digit and ?p= URLs answered with a 301

    def url(self, a: dict) -> str:
        return self.base + path(a)

    def href(self, a: dict) -> str:
        return lower_escaped(path(a))

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its pretty URL, its body the whole story (the standfirst is its description)."""
        return [
            ExpectedArticle(
                "paywall", f"paywall-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The print views the section pages link, the search, the subscribe and login pages."""
        return [f"{self.base}{quote(path(a))}print/" for a in self.articles] + [
            f"{self.base}/?s={quote('ليبيا')}",
            f"{self.base}/subscribe/",
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path_: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path_`` percent-decoded)."""
        if path_ == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap_index.xml\n"
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path_ == "/sitemap_index.xml":
            return self.xml(self.sitemap_index())
        if path_ == "/post-sitemap.xml":
            return self.xml(self.sitemap())
        if path_ == "/feed/":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=UTF-8"),), self.rss().encode())
        if path_ == "/" and "p" in query:
            for a in self.articles:
                if query["p"] == str(a["id"]):
                    self.redirected.append((raw, a["id"]))
                    return redirect(301, self.base + quote(path(a)))
        if path_ == "/" and not query:
            return self.page(f"{SITE} - أخبار ليبيا", self.home(), body_class="home")
        if path_.startswith("/category/") and path_.split("/")[2] in SECTIONS:
            return self.page(f"{SECTIONS[path_.split('/')[2]]} - {SITE}", self.category(path_.split("/")[2]))
        for a in self.articles:
            if path_ == f"/akhbar/{a['id']}/":
                self.redirected.append((raw, a["id"]))
                return redirect(301, quote(path(a)))
            if path_ == path(a):
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.page("الصفحة غير موجودة", "<h1>الصفحة غير موجودة</h1>", status=404)

    @staticmethod
    def xml(text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),), text.encode())

    # -- discovery files -----------------------------------------------------------------------

    def rss(self) -> str:
        """WordPress's RSS 2.0 feed: pretty links (escaped), ``?p=`` guids, the standfirst as the description."""
        items = "".join(
            f"<item><title>{escape(a['title'])}</title><link>{self.base}{self.href(a)}</link>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(a['date']))}</pubDate>"
            f'<guid isPermaLink="false">{self.base}/?p={a["id"]}</guid>'
            f"<description><![CDATA[{a['standfirst']}]]></description></item>"
            for a in self.articles
            if "feed" in a["links"]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{SITE}</title><link>{self.base}</link><description>أخبار ليبيا</description>"
            f"<language>ar</language>{items}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.base}/post-sitemap.xml</loc><lastmod>{self.articles[0]['date']}</lastmod>"
            "</sitemap></sitemapindex>"
        )

    def sitemap(self) -> str:
        items = "".join(
            f"<url><loc>{self.base}{quote(path(a))}</loc><lastmod>{a['date']}</lastmod></url>"
            for a in self.articles
            if "sitemap" in a["links"]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(
        self, title: str, main: str, *, status: int = 200, head: str = "", body_class: str = ""
    ) -> Reply:
        """The theme: meter bar, masthead and menu, the news ticker (ASCII-digit links), ``main``, the footer."""
        menu = "".join(f'<li><a href="/category/{k}/">{v}</a></li>' for k, v in SECTIONS.items())
        ticker = "".join(
            f'<li><a href="/akhbar/{a["id"]}/">{a["title"]}</a></li>'
            for a in self.articles
            if "ticker" in a["links"]
        )
        return html_reply(
            f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE} &raquo; الخلاصة" href="{self.base}/feed/">
{head}
</head>
<body class="{body_class}">
<div class="meter-bar" id="piano-meter">تبقى لك 3 مقالات مجانية هذا الشهر. <a href="/subscribe/">اشترك الآن</a></div>
<header id="masthead" class="site-header"><div class="site-branding"><a href="/" rel="home">{SITE}</a></div>
<nav id="site-navigation" class="main-navigation"><ul><li><a href="/">الرئيسية</a></li>{menu}</ul></nav>
<div class="header-actions"><a class="btn-subscribe" href="/subscribe/">اشترك</a> <a href="/login/">دخول</a>
<form role="search" action="/"><input type="search" name="s" placeholder="بحث"></form></div></header>
<div class="news-ticker"><span class="ticker-label">آخر الأخبار</span><ul>{ticker}</ul></div>
<div id="content" class="site-content">{main}</div>
<footer id="colophon" class="site-footer"><p>جميع الحقوق محفوظة © 2020 {SITE}</p>
<p><a href="/about/">من نحن</a> | <a href="/privacy/">سياسة الخصوصية</a></p></footer>
</body>
</html>""",
            status=status,
        )

    def card(self, a: dict, *, print_link: bool = False) -> str:
        tools = f' <a class="print" href="{self.href(a)}print/">طباعة</a>' if print_link else ""
        return (
            f'<article class="post-card"><h2 class="entry-title"><a href="{self.href(a)}">{a["title"]}</a></h2>'
            f'<p class="excerpt">{a["standfirst"]}</p><span class="date">{shown(a)}</span>{tools}</article>'
        )

    def home(self) -> str:
        cards = "".join(self.card(a) for a in self.articles if "home" in a["links"])
        most = "".join(
            f'<li><a href="/?p={a["id"]}">{a["title"]}</a></li>'
            for a in self.articles
            if "mostread" in a["links"]
        )
        comments = "".join(
            f'<li>قارئ على <a href="{self.href(a)}#comment-{a["id"] % 97}">{a["title"]}</a></li>'
            for a in self.articles[:2]
        )
        return (
            f'<main id="main" class="site-main"><h1 class="screen-reader-text">{SITE}</h1>{cards}</main>'
            f'<aside id="secondary" class="widget-area"><section class="widget most-read"><h3>الأكثر قراءة</h3>'
            f'<ol>{most}</ol></section><section class="widget recent-comments"><h3>آخر التعليقات</h3>'
            f"<ul>{comments}</ul></section></aside>"
        )

    def category(self, key: str) -> str:
        cards = "".join(
            self.card(a, print_link=True)
            for a in self.articles
            if a["section"] == key and "category" in a["links"]
        )
        return f'<main id="main" class="site-main"><h1 class="page-title">{SECTIONS[key]}</h1>{cards}</main>'

    def json_ld(self, a: dict) -> str:
        """Google's paywall markup: isAccessibleForFree, hasPart naming the paywalled class, the whole articleBody."""
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.base + self.href(a)},
            "headline": a["title"],
            "description": a["standfirst"],
            "datePublished": a["date"],
            "author": {"@type": "Person", "name": AUTHORS[a["id"] % 3]},
            "publisher": {"@type": "Organization", "name": SITE},
            "isAccessibleForFree": not a["paywalled"],
            "articleBody": article_body(a),
        }
        if a["paywalled"]:
            ld["hasPart"] = {
                "@type": "WebPageElement",
                "isAccessibleForFree": False,
                "cssSelector": ".paywall",
            }
        return json.dumps(ld, ensure_ascii=False)

    def story(self, a: dict) -> Reply:
        """The story page: the whole story when free, else two paragraphs and the subscribe box."""
        shown_paras = a["paras"][:2] if a["paywalled"] else a["paras"]
        body = "".join(f"<p>{p}</p>" for p in shown_paras)
        if a["paywalled"]:
            body += (
                '<div class="paywall"><div class="offer-box"><h3>اشترك لمتابعة القراءة</h3>'
                f'<p>{PROMPT}</p><a class="offer-cta" href="/subscribe/?ref=paywall">اشترك الآن</a>'
                '<p class="offer-login">لديك اشتراك؟ <a href="/login/">سجل الدخول</a></p></div></div>'
            )
        others = [o for o in self.articles if o["id"] != a["id"]][:3]
        also = "".join(f'<li><a href="{self.href(o)}">{o["title"]}</a></li>' for o in others)
        head = (
            f'<link rel="canonical" href="{self.base}{self.href(a)}">\n'
            f'<link rel="shortlink" href="{self.base}/?p={a["id"]}">\n'
            f'<meta name="description" content="{escape(a["standfirst"])}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{escape(a["title"])}">\n'
            f'<meta property="article:published_time" content="{a["date"]}">\n'
            f'<script type="application/ld+json">{self.json_ld(a)}</script>'
        )
        main = f"""<main id="main" class="site-main">
<article id="post-{a["id"]}" class="post-{a["id"]} post type-post status-publish format-standard">
<header class="entry-header"><div class="entry-cat"><a href="/category/{a["section"]}/">{SECTIONS[a["section"]]}</a></div>
<h1 class="entry-title">{a["title"]}</h1>
<p class="entry-standfirst">{a["standfirst"]}</p>
<div class="entry-meta"><span class="byline">بقلم: <a href="/author/{a["id"] % 3}/">{AUTHORS[a["id"] % 3]}</a></span>
<time class="entry-date published" datetime="{a["date"]}">{shown(a)}</time></div></header>
<figure class="post-thumbnail"><img src="/wp-content/uploads/2020/01/{a["id"]}.jpg" alt=""><figcaption>صورة أرشيفية - وكالات</figcaption></figure>
<div class="entry-content">{body}</div>
<footer class="entry-footer"><div class="post-tags">الوسوم: <a href="/tag/libya/">ليبيا</a></div>
<div class="share-buttons"><span>مشاركة:</span> <a href="https://www.facebook.com/sharer.php?u={quote(self.url(a), safe="")}">فيسبوك</a>
<a href="https://twitter.com/intent/tweet?url={quote(self.url(a), safe="")}">تويتر</a></div></footer>
</article>
<section class="read-also"><h3>اقرأ أيضا</h3><ul>{also}</ul></section>
</main>"""
        return self.page(f"{a['title']} - {SITE}", main, head=head, body_class="single single-post")
