"""An AMP-first Arabic news outlet: the canonical story page ``/akhbar/<id>-<slug>`` is thin (headline, date, the
lead paragraph, a lead photo and an empty ``<div data-src="/api/story/<id>.json">`` that a script fills in a
browser, with a ``<noscript>`` link "اقرأ الخبر كاملا" to the AMP page), and ``<link rel="amphtml">`` names the AMP
page ``/amp/akhbar/<id>-<slug>`` that holds the whole story: ``<html ⚡>``, the AMP boilerplate, ``amp-img`` with a
caption, ``amp-sidebar`` menu, ``amp-social-share`` buttons, a "اقرأ أيضا" box inside the story, an ``amp-carousel`` of
related stories, ``amp-ad``, JSON-LD NewsArticle, and ``<link rel="canonical">`` back to the thin page (escaped,
absolute). The home page and section pages link the canonical URLs (unescaped Arabic), the most-read box the short
``/akhbar/<id>`` that answers 301 to the slugged URL, the share links carry ``?share=`` (robots.txt forbids them), and
the only sitemap (robots.txt names it) lists AMP URLs alone: one story only it leads to, an "about" page, and not
the newest story yet (a sitemap that lags the home page)."""

from __future__ import annotations

import json
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import ARTICLES, SECTIONS, SITE

DISALLOW = ["/api/", "/search", "/*?share="]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
DAYS = "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد".split()
AMP_BOILERPLATE = (
    "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;"
    "animation:-amp-start 8s steps(1,end) 0s 1 normal both}@keyframes -amp-start{from{visibility:hidden}"
    "to{visibility:visible}}</style><noscript><style amp-boilerplate>body{-webkit-animation:none;"
    "animation:none}</style></noscript>"
)


def arabic_date(a: dict) -> str:
    """The day and hour as the AMP page prints them: "الأحد 7 أبريل 2019 - 11:20"."""
    import datetime as dt

    day = dt.date(*a["g"])
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year} - {a['time']}"


def iso(a: dict) -> str:
    """The publication moment in the page's metadata (Libya's time, UTC+2)."""
    return "%04d-%02d-%02dT" % a["g"] + a["time"] + ":00+02:00"


class AmpSite:
    """Routes and pages of the AMP-first outlet."""

    name = "amp"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    @staticmethod
    def path(a: dict) -> str:
        """The canonical (thin) page's path, unescaped as the hrefs print it."""
        return f"/akhbar/{a['id']}-{a['slug']}"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its canonical URL, with the AMP page's whole text as its body."""
        return [
            ExpectedArticle(
                "amp", f"amp-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The share links of every canonical page, and the search box's tag links."""
        return [f"{self.url(a)}?share=whatsapp" for a in self.articles] + [
            f"{self.base}/search?q={quote('ليبيا')}"
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap-amp.xml\n"
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/sitemap-amp.xml":
            return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), self.sitemap().encode())
        if path == "/":
            return self.page("الرئيسية", self.home())
        if path in ("/page/about", "/amp/page/about"):
            return self.page(
                "من نحن",
                "<h1>من نحن</h1><p>منصة إخبارية ليبية مستقلة تأسست عام 2016، تغطي الشأن "
                "الليبي والمغاربي على مدار الساعة.</p>",
            )
        if path.startswith("/qism/") and path.split("/")[2] in SECTIONS:
            return self.section(path.split("/")[2], int(query.get("page", "1") or 1))
        if "share" in query:
            return Reply(403, (("Content-Type", "text/plain"),), b"forbidden by robots.txt")
        for a in self.articles:
            if path == f"/akhbar/{a['id']}":
                return redirect(301, quote(self.path(a)))
            if path == self.path(a):
                self.served.append((raw, a["id"]))
                return self.thin(a)
            if path == "/amp" + self.path(a):
                self.served.append((raw, a["id"]))
                return self.amp(a)
        return self.page("الصفحة غير موجودة", "<h1>404</h1><p>الصفحة غير موجودة</p>", status=404)

    def sitemap(self) -> str:
        """The AMP-only sitemap (escaped URLs, as sitemaps.org asks), and the about page."""
        urls = [
            (self.base + "/amp" + quote(self.path(a)), iso(a))
            for a in self.articles
            if not a.get("sitemap_lag")
        ]
        urls.append((f"{self.base}/amp/page/about", "2018-01-01T00:00:00+02:00"))
        items = "".join(f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>" for u, m in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        )

    # -- canonical (thin) pages ------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The desktop shell: header and menu, ``main``, the most-read box (short URLs), the footer."""
        menu = "".join(f'<li><a href="/qism/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        most = "".join(f'<li><a href="/akhbar/{a["id"]}">{a["title"]}</a></li>' for a in self.articles[:3])
        return html_reply(
            f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>{title} | {SITE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<script src="/static/js/app.bundle.js" defer></script>
</head>
<body>
<header class="site-header"><a href="/" class="logo">{SITE}</a>
<nav><ul class="menu"><li><a href="/">الرئيسية</a></li>{menu}</ul></nav>
<form action="/search" class="search"><input name="q" placeholder="ابحث"></form>
<a class="tag" href="/search?q={quote("ليبيا")}">ليبيا</a></header>
<main>{main}</main>
<aside class="most-read"><h3>الأكثر قراءة</h3><ol>{most}</ol></aside>
<footer><p>تابعونا على فيسبوك وتويتر</p><p>جميع الحقوق محفوظة &copy; {SITE} 2019</p></footer>
</body>
</html>""",
            status=status,
        )

    def card(self, a: dict) -> str:
        return (
            f'<article class="card"><a href="{self.path(a)}"><h2>{a["title"]}</h2></a>'
            f'<span class="date">{"%04d/%02d/%02d" % a["g"]}</span><p>{a["paras"][0][:90]}...</p></article>'
        )

    def home(self) -> str:
        return (
            '<section class="latest">'
            + "".join(self.card(a) for a in self.articles if a["home"])
            + "</section>"
        )

    def section(self, key: str, page: int) -> Reply:
        items = [a for a in self.articles if a["section"] == key and a["page"] == page]
        pager = "" if page > 1 else f'<a class="next" href="/qism/{key}?page=2">الصفحة التالية</a>'
        return self.page(
            SECTIONS[key], f"<h1>{SECTIONS[key]}</h1>" + "".join(self.card(a) for a in items) + pager
        )

    def thin(self, a: dict) -> Reply:
        """The canonical page: what a reader without JavaScript sees is the lead paragraph only."""
        amp = quote("/amp" + self.path(a))
        head = (
            f'<link rel="canonical" href="{self.base}{quote(self.path(a))}">\n'
            f'<link rel="amphtml" href="{self.base}{amp}">\n'
            f'<meta property="og:title" content="{a["title"]}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="article:published_time" content="{iso(a)}">'
        )
        share = " ".join(
            f'<a href="{self.path(a)}?share={s}">{n}</a>'
            for s, n in (("facebook", "فيسبوك"), ("whatsapp", "واتساب"))
        )
        main = f"""<article class="story">
<h1 class="story-title">{a["title"]}</h1>
<div class="story-meta"><time datetime="{iso(a)}">{"%04d/%02d/%02d" % a["g"]}</time></div>
<figure><img src="/uploads/{a["id"]}.jpg" alt=""></figure>
<p class="lead">{a["paras"][0]}</p>
<div id="story-body" data-src="/api/story/{a["id"]}.json"><p class="loading">جار تحميل الخبر...</p></div>
<noscript><a href="{amp}">اقرأ الخبر كاملا</a></noscript>
<div class="share">شارك: {share}</div>
</article>"""
        return self.page(a["title"], main, head=head)

    # -- AMP pages -------------------------------------------------------------------------------

    def amp(self, a: dict) -> Reply:
        """The AMP page holding the whole story."""
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": self.base + quote(self.path(a)),
            "headline": a["title"],
            "datePublished": iso(a),
            "dateModified": iso(a),
            "image": {
                "@type": "ImageObject",
                "url": f"{self.base}/uploads/{a['id']}.jpg",
                "width": 1200,
                "height": 675,
            },
            "publisher": {
                "@type": "Organization",
                "name": SITE,
                "logo": {"@type": "ImageObject", "url": f"{self.base}/static/logo.png"},
            },
        }
        other = next(
            o for o in self.articles if o["id"] != a["id"] and o["section"] in (a["section"], "libya")
        )
        paras = []
        for n, p in enumerate(a["paras"]):
            is_head = len(p) < 40
            paras.append(f"<h2>{p}</h2>" if is_head else f"<p>{p}</p>")
            if n == 1:
                paras.append(
                    f'<aside class="read-also"><strong>اقرأ أيضا:</strong> '
                    f'<a href="/amp{self.path(other)}">{other["title"]}</a></aside>'
                )
        related = "".join(
            f'<div class="slide"><a href="/amp{self.path(o)}"><amp-img src="/uploads/{o["id"]}_s.jpg" width="300" '
            f'height="169" layout="responsive" alt=""></amp-img><h3>{o["title"]}</h3></a></div>'
            for o in self.articles
            if o["id"] != a["id"]
        )
        menu = "".join(f'<li><a href="/qism/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        shares = "".join(
            f'<amp-social-share type="{t}" width="36" height="36"></amp-social-share>'
            for t in ("facebook", "twitter", "whatsapp", "email")
        )
        scripts = "".join(
            f'<script async custom-element="{c}" src="https://cdn.ampproject.org/v0/{c}-0.1.js"></script>'
            for c in ("amp-sidebar", "amp-social-share", "amp-carousel", "amp-ad", "amp-analytics")
        )
        text = f"""<!doctype html>
<html ⚡ lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
{scripts}
<title>{a["title"]} | {SITE}</title>
<link rel="canonical" href="{self.base}{quote(self.path(a))}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
{AMP_BOILERPLATE}
<style amp-custom>body{{font-family:Tahoma,sans-serif}}.read-also{{border-right:3px solid #c00}}</style>
</head>
<body>
<amp-sidebar id="menu" layout="nodisplay" side="right"><ul><li><a href="/">الرئيسية</a></li>{menu}</ul></amp-sidebar>
<header class="amp-header"><button on="tap:menu.toggle">القائمة</button>
<a href="/"><amp-img src="/static/logo.png" width="160" height="40" alt="{SITE}"></amp-img></a></header>
<amp-ad width="320" height="50" type="doubleclick" data-slot="/1234/amp_top"><div fallback>إعلان</div></amp-ad>
<article class="amp-story">
<h1>{a["title"]}</h1>
<div class="meta"><span class="section">{SECTIONS[a["section"]]}</span> <time datetime="{iso(a)}">{arabic_date(a)}</time></div>
<figure><amp-img src="/uploads/{a["id"]}.jpg" width="1200" height="675" layout="responsive" alt="{a["title"]}"></amp-img>
<figcaption>صورة أرشيفية (تصوير: وكالات)</figcaption></figure>
<div class="share-top">{shares}</div>
<div class="article-body">
{"".join(paras)}
</div>
<div class="tags">الوسوم: <a href="/amp/tag/{quote("طرابلس")}">طرابلس</a> <a href="/amp/tag/{quote("ليبيا")}">ليبيا</a></div>
<div class="share-bottom">شارك الخبر {shares}</div>
</article>
<section class="related"><h3>أخبار ذات صلة</h3>
<amp-carousel height="260" layout="fixed-height" type="carousel">{related}</amp-carousel></section>
<footer class="amp-footer"><a href="{self.base}{quote(self.path(a))}">النسخة الكاملة</a>
<p>جميع الحقوق محفوظة &copy; {SITE} 2019</p></footer>
<amp-analytics type="gtag" data-credentials="include"><script type="application/json">{{"vars":{{"gtag_id":"UA-1"}}}}</script></amp-analytics>
</body>
</html>"""
        return html_reply(text)
