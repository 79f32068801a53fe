"""A client-rendered news outlet (a React single-page app): every page's HTML is a shell, the header, an empty
``<div id="root">`` a script fills in a browser, the footer and the app's data in a ``<script type="application/json">``
blob (menu, trending headlines, strings). A story page ``/ar/news/<id>/<slug>`` adds what its server-side meta layer
prints: a rel=canonical, og tags, a ``<noscript>`` with the headline and the first paragraph only, and a schema.org
JSON-LD ``NewsArticle`` (headline, datePublished, author, publisher, ``articleBody`` with the whole story, its paragraphs
separated by "\\n\\n" on some pages, "\\n" on others and by nothing on others). The home and section pages are empty
shells too, so stories are found only through the RSS feed (``/ar/news/<id>?utm_source=rss``: no slug, the page's
canonical names the slugged URL) and the sitemap index robots.txt names (slugged URLs, escaped). Both also list
sponsored stories under ``/sponsored/ar/news/...``, which robots.txt forbids, as it forbids the ``/api/`` the app
reads its data from."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content_spa import ARTICLES, SECTIONS, SITE

DISALLOW = ["/api/", "/sponsored/", "/search"]
SPONSORED = [(9001, "عروض-الصيف-من-شركة-الاتصالات"), (9002, "افتتاح-فرع-جديد-لمصرف-تجاري")]


def rfc822(moment: str) -> str:
    """An ISO moment as an RSS pubDate."""
    return format_datetime(datetime.fromisoformat(moment.replace("Z", "+00:00")), usegmt=True)


def article_body(a: dict) -> str:
    """The JSON-LD articleBody: the whole story, its paragraphs joined by the page's separator."""
    return a["sep"].join(a["paras"])


class SpaSite:
    """Routes and pages of the client-rendered outlet."""

    name = "spa"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["date"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    @staticmethod
    def path(a: dict) -> str:
        """The story's path, unescaped (the canonical the page names, escaped)."""
        return f"/ar/news/{a['id']}/{a['slug']}"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its slugged URL, its body the whole story as its articleBody holds it."""
        return [
            ExpectedArticle(
                "spa", f"spa-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The sponsored stories the feed and the sitemap list, the app's API and the search page."""
        return [f"{self.base}/sponsored/ar/news/{n}/{quote(s)}" for n, s in SPONSORED] + [
            f"{self.base}/api/v2/articles/{self.articles[0]['id']}",
            f"{self.base}/search?q={quote('طرابلس')}",
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap.xml\n"
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/feed.xml":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.rss().encode())
        if path == "/sitemap.xml":
            return self.xml(self.sitemap_index())
        if path == "/sitemaps/articles-2019-08.xml":
            return self.xml(self.sitemap())
        if path == "/":
            return self.shell(SITE, "home")
        if path.startswith("/ar/section/") and path.split("/")[3] in SECTIONS:
            return self.shell(f"{SECTIONS[path.split('/')[3]]} | {SITE}", "section")
        for a in self.articles:
            if path in (self.path(a), f"/ar/news/{a['id']}"):
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.shell("الصفحة غير موجودة", "not-found", status=404)

    @staticmethod
    def xml(text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), text.encode())

    # -- discovery files -----------------------------------------------------------------------

    def rss(self) -> str:
        """The RSS 2.0 feed: short story links with utm_* parameters, the sponsored stories among them."""
        items = [
            f"<item><title>{escape(a['title'])}</title>"
            f"<link>{self.base}/ar/news/{a['id']}?utm_source=rss&amp;utm_medium=feed</link>"
            f'<guid isPermaLink="false">sahel-{a["id"]}</guid><pubDate>{rfc822(a["date"])}</pubDate>'
            f"<description>{escape(a['paras'][0][:100])}...</description></item>"
            for a in self.articles
            if "rss" in a["where"]
        ]
        items += [
            f"<item><title>محتوى مدفوع</title><link>{self.base}/sponsored/ar/news/{n}/{quote(s)}</link></item>"
            for n, s in SPONSORED
        ]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{SITE}</title><link>{self.base}/</link><description>آخر الأخبار</description>"
            f"{''.join(items)}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.base}/sitemaps/articles-2019-08.xml</loc>"
            "<lastmod>2019-08-12T09:20:00Z</lastmod></sitemap></sitemapindex>"
        )

    def sitemap(self) -> str:
        urls = [
            (self.base + quote(self.path(a)), a["date"]) for a in self.articles if "sitemap" in a["where"]
        ]
        urls += [
            (f"{self.base}/sponsored/ar/news/{n}/{quote(s)}", "2019-08-07T10:00:00Z") for n, s in SPONSORED
        ]
        items = "".join(f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>" for u, m in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        )

    # -- pages ---------------------------------------------------------------------------------

    def shell(
        self, title: str, route: str, *, status: int = 200, head: str = "", noscript: str = ""
    ) -> Reply:
        """The app shell: header, an empty root, the footer, the app's data blob and its bundle."""
        menu = "".join(f'<li><a href="/ar/section/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        state = {
            "route": route,
            "menu": [{"key": k, "label": v, "href": f"/ar/section/{k}"} for k, v in SECTIONS.items()],
            "trending": [{"id": a["id"], "title": a["title"]} for a in self.articles[:4]],
            "i18n": {"readMore": "اقرأ المزيد", "share": "شارك الخبر", "loading": "جار التحميل"},
            "ads": {"provider": "gam", "slots": ["top", "inarticle"]},
        }
        blob = json.dumps(state, ensure_ascii=False)
        return html_reply(
            f"""<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
{head}
<link href="/static/css/main.7c1e2a.css" rel="stylesheet">
</head>
<body>
<header class="app-header"><a class="brand" href="/">{SITE}</a>
<nav class="app-nav"><ul><li><a href="/">الرئيسية</a></li>{menu}</ul></nav></header>
{noscript}<div id="root"></div>
<footer class="app-footer"><p>{SITE} منصة إخبارية رقمية مستقلة تأسست في تونس عام 2016، تغطي على مدار الساعة
شؤون ليبيا ودول الساحل والصحراء بشبكة من المراسلين في طرابلس وبنغازي وسبها ونيامي وإنجامينا، وتلتزم بميثاق
الشرف الصحفي وبالتحقق من كل خبر قبل نشره.</p>
<ul class="footer-links"><li><a href="/ar/about">من نحن</a></li><li><a href="/ar/contact">اتصل بنا</a></li>
<li><a href="/ar/privacy">سياسة الخصوصية</a></li><li><a href="/ar/terms">شروط الاستخدام</a></li></ul>
<p>© 2019 {SITE}. جميع الحقوق محفوظة</p></footer>
<script id="__APP_STATE__" type="application/json">{blob}</script>
<script src="/static/js/main.3f2a1b.js"></script>
</body>
</html>""",
            status=status,
        )

    def story(self, a: dict) -> Reply:
        """A story's shell: its meta layer (canonical, og, JSON-LD with the whole story) and the noscript lead."""
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.base + quote(self.path(a))},
            "headline": a["title"],
            "datePublished": a["date"],
            "dateModified": a["date"],
            "author": {"@type": "Organization", "name": SITE},
            "publisher": {
                "@type": "Organization",
                "name": SITE,
                "logo": {"@type": "ImageObject", "url": f"{self.base}/logo.png"},
            },
            "image": [f"{self.base}/media/{a['id']}/cover.jpg"],
            "articleSection": SECTIONS[a["section"]],
            "inLanguage": "ar",
            "articleBody": article_body(a),
        }
        head = (
            f'<link rel="canonical" href="{self.base}{quote(self.path(a))}">\n'
            f'<meta name="description" content="{escape(a["paras"][0][:150])}">\n'
            f'<meta property="og:title" content="{escape(a["title"])}">\n<meta property="og:type" content="article">\n'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        )
        noscript = f"<noscript><h1>{a['title']}</h1><p>{a['paras'][0]}</p></noscript>"
        return self.shell(f"{a['title']} | {SITE}", "article", head=head, noscript=noscript)
