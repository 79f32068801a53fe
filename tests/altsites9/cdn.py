"""A Libyan news portal behind Cloudflare. Its HTML comes brotli-compressed (``Content-Encoding: br``) to a client that
accepts it, its RSS feed zlib-wrapped ``deflate`` and its sitemap raw ``deflate`` (the origin's PHP output handler, passed
through), every page with ``Vary: Accept-Encoding, User-Agent``: a mobile user agent gets a lighter page (no sidebar, a
shorter menu). Cloudflare's email obfuscation rewrites every address the pages print: a story's contact line, a quoted
statement's address and the footer's show ``[email protected]`` inside an element ``__cf_email__`` whose
``data-cfemail`` holds the address XOR-ed with its first byte, under a link to ``/cdn-cgi/l/email-protection#<hex>``,
and the page loads Cloudflare's decoder script (robots.txt forbids ``/cdn-cgi/``). Stories are ``/news/<section>/<id>``
(print views ``/print/news/<section>/<id>``, which robots.txt forbids). The site's soft 404s: a removed story answers
200 with the story template (og:type article, JSON-LD NewsArticle) headed "this story is no longer available"; a
deleted one answers 301 to the home page; a story id that does not exist (a link that dropped a digit) answers 200
with the "page not found" template and the latest stories' teasers under it. Discovery: the home page, the section
pages, the RSS feed and the sitemap robots.txt names."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content_cdn import ARTICLES, DOMAIN, GONE, MISTYPED, SECTIONS, SITE

DISALLOW = ["/cdn-cgi/", "/search/", "/print/", "/wp-admin/"]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
AUTHORS = ["سالم الفرجاني", "نجلاء المصراتي", "القسم الرياضي"]
FOOTER_EMAIL = f"info@{DOMAIN}"
MOBILE_MARKERS = ("Mobile", "Android", "iPhone")
DECODER = '<script data-cfasync="false" src="/cdn-cgi/scripts/5c5dd728/cloudflare-static/email-decode.min.js"></script>'


def cf_hex(address: str, key: int) -> str:
    """The address as Cloudflare's email obfuscation writes it in ``data-cfemail``: a key byte, then each UTF-8 byte
    XOR-ed with it, in hex."""
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode())


def obfuscated(address: str, key: int, *, form: int) -> str:
    """The markup Cloudflare puts where the origin printed ``address`` (``form`` 0: a span inside a protection link, as
    it rewrites a ``mailto:`` link; 1: the protection link itself carries the class, as it rewrites bare text)."""
    code = cf_hex(address, key)
    if form == 0:
        return (f'<a href="/cdn-cgi/l/email-protection#{code}"><span class="__cf_email__" data-cfemail="{code}">'
                "[email&#160;protected]</span></a>")
    return (f'<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{code}">'
            "[email&#160;protected]</a>")


def path(a: dict) -> str:
    return f"/news/{a['section']}/{a['id']}"


def shown(a: dict) -> str:
    moment = datetime.fromisoformat(a["date"])
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} - {moment:%H:%M}"


class CdnSite:
    """Routes and pages of the Cloudflare-fronted portal."""

    name = "cdn"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["date"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []  # story pages answered with the story
        self.gone: list[tuple[str, int, int]] = []  # (raw, id, status): removed, deleted and mistyped stories asked for
        self.encodings: list[tuple[str, str]] = []  # (raw, Content-Encoding sent) for every reply

    def url(self, a: dict) -> str:
        return self.base + path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every live story under its URL, its body the paragraphs a reader's browser shows (addresses decoded)."""
        return [
            ExpectedArticle("cdn", f"cdn-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"])
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The print views every story links, the search and Cloudflare's email-protection links."""
        return [f"{self.base}/print{path(a)}" for a in self.articles] + [
            f"{self.base}/cdn-cgi/l/email-protection",
            f"{self.base}/search/?q=ليبيا",
        ]

    # -- routing -------------------------------------------------------------------------------

    def encoding_for(self, path_: str) -> str | None:
        """The Content-Encoding the site answers ``path_`` with, when the client accepts it."""
        if path_ == "/feed":
            return "deflate"
        if path_ == "/sitemap.xml":
            return "deflate-raw"
        return "br"

    def handle(self, path_: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path_`` percent-decoded)."""
        mobile = any(m in headers.get("user-agent", "") for m in MOBILE_MARKERS)
        if path_ == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap.xml\n"
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path_ == "/sitemap.xml":
            return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), self.sitemap().encode())
        if path_ == "/feed":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.rss().encode())
        if path_ == "/" and not query:
            return self.page(SITE, self.home(mobile), mobile=mobile)
        parts = path_.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "news" and parts[1] in SECTIONS:
            return self.page(f"{SECTIONS[parts[1]]} | {SITE}", self.section(parts[1]), mobile=mobile)
        if len(parts) == 3 and parts[0] == "news" and parts[1] in SECTIONS and parts[2].isdigit():
            story_id = int(parts[2])
            for a in self.articles:
                if a["id"] == story_id and a["section"] == parts[1]:
                    self.served.append((raw, story_id))
                    return self.story(a, mobile)
            for g in GONE:
                if g["id"] == story_id:
                    if g["state"] == "deleted":
                        self.gone.append((raw, story_id, 301))
                        return redirect(301, self.base + "/")
                    self.gone.append((raw, story_id, 200))
                    return self.removed(g, mobile)
            self.gone.append((raw, story_id, 200))
            return self.not_found(mobile)  # the CMS answers any id with its "page not found" template, status 200
        return self.page(f"404 | {SITE}", "<h1>404</h1>", status=404, mobile=mobile)

    # -- discovery files -----------------------------------------------------------------------

    def _listed(self, where: str) -> list[dict]:
        return [a for a in [*self.articles, *GONE] if where in a["links"]]

    def rss(self) -> str:
        items = "".join(
            f"<item><title>{escape(a['title'])}</title><link>{self.base}{path(a)}</link>"
            + (f"<pubDate>{format_datetime(datetime.fromisoformat(a['date']))}</pubDate>" if "date" in a else "")
            + f"<guid>{self.base}{path(a)}</guid></item>"
            for a in self._listed("feed")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{SITE}</title><link>{self.base}/</link><description>أخبار ليبيا والعالم</description>"
            f"<language>ar</language>{items}</channel></rss>"
        )

    def sitemap(self) -> str:
        items = "".join(
            f"<url><loc>{self.base}{path(a)}</loc>" + (f"<lastmod>{a['date']}</lastmod>" if "date" in a else "")
            + "</url>"
            for a in self._listed("sitemap")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "", mobile: bool = False) -> Reply:
        """The theme: top bar, masthead and menu (shorter on mobile), ``main``, footer with an obfuscated address."""
        keys = list(SECTIONS)[:2] if mobile else list(SECTIONS)
        menu = "".join(f'<li><a href="/news/{k}/">{SECTIONS[k]}</a></li>' for k in keys)
        return html_reply(
            f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE}" href="/feed">
{head}
<script data-cfasync="false">window.__cfRLUnblockHandlers = true;</script>
</head>
<body class="{'mobile' if mobile else 'desktop'}">
<div class="topbar"><a href="/search/">بحث</a> | <a href="/news/libya/">عاجل</a></div>
<header class="masthead"><a class="logo" href="/">{SITE}</a>
<nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li>{menu}</ul></nav></header>
<div class="container">{main}</div>
<footer class="site-footer"><p>راسلونا: {obfuscated(FOOTER_EMAIL, 0x5A, form=1)}</p>
<p>جميع الحقوق محفوظة © 2019 {SITE}</p></footer>
{DECODER}
</body>
</html>""",
            status=status,
        )

    def card(self, a: dict) -> str:
        return (
            f'<div class="card"><h3 class="card-title"><a href="{path(a)}">{escape(a["title"])}</a></h3>'
            f'<p class="card-excerpt">{escape(a["paras"][0][:140])}...</p><span class="card-date">{shown(a)}</span></div>'
        )

    def most_read(self) -> str:
        items = "".join(f'<li><a href="{path(a)}">{escape(a["title"])}</a></li>' for a in self.articles[:4])
        return f'<aside class="sidebar"><div class="widget most-read"><h3>الأكثر قراءة</h3><ol>{items}</ol></div></aside>'

    def home(self, mobile: bool) -> str:
        cards = "".join(self.card(a) for a in self.articles if "home" in a["links"])
        ticker = "".join(
            f'<li><a href="/news/libya/{n}">{escape(a["title"])}</a></li>'
            for n, a in zip(MISTYPED[:1], self.articles, strict=False)
        ) + "".join(f'<li><a href="{path(a)}">{escape(a["title"])}</a></li>' for a in self.articles[1:3])
        main = (f'<div class="breaking"><span>عاجل</span><ul>{ticker}</ul></div>'
                f'<main class="home"><h1 class="sr-only">{SITE}</h1>{cards}</main>')
        return main if mobile else main + self.most_read()

    def section(self, key: str) -> str:
        """A section's cards; the Libya section's last one links its story with a digit dropped."""
        cards = "".join(self.card(a) for a in self.articles if a["section"] == key and "section" in a["links"])
        if key == "libya":
            cards += (f'<div class="card"><h3 class="card-title"><a href="/news/libya/{MISTYPED[1]}">تطورات الوضع '
                      'الميداني في العاصمة</a></h3></div>')
        return f'<main class="section"><h1 class="section-title">{SECTIONS[key]}</h1>{cards}</main>'

    def paragraph(self, a: dict, text: str, n: int) -> str:
        out = escape(text)
        for k, address in enumerate(a["email"]):
            if address in text:
                out = out.replace(escape(address), obfuscated(address, 0x21 + 17 * n + k, form=(n + k) % 2))
        return f"<p>{out}</p>"

    def json_ld(self, a: dict) -> str:
        return json.dumps({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a["title"],
            "datePublished": a["date"],
            "dateModified": a["date"],
            "author": {"@type": "Person", "name": AUTHORS[a["id"] % 3]},
            "publisher": {"@type": "Organization", "name": SITE},
            "mainEntityOfPage": self.url(a),
        }, ensure_ascii=False)

    def story(self, a: dict, mobile: bool) -> Reply:
        """The story page; its related box links another story and a deleted one."""
        body = "".join(self.paragraph(a, p, n) for n, p in enumerate(a["paras"]))
        related = [o for o in self.articles if "related" in o["links"] and o["id"] != a["id"]][:1]
        related_links = "".join(f'<li><a href="{path(o)}">{escape(o["title"])}</a></li>' for o in related)
        related_links += "".join(f'<li><a href="{path(g)}">{escape(g["title"])}</a></li>'
                                 for g in GONE if "related" in g["links"])
        head = (
            f'<link rel="canonical" href="{self.url(a)}">\n'
            f'<meta name="description" content="{escape(a["paras"][0][:150])}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{escape(a["title"])}">\n'
            f'<meta property="article:published_time" content="{a["date"]}">\n'
            f'<script type="application/ld+json">{self.json_ld(a)}</script>'
        )
        main = f"""<div class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/news/{a["section"]}/">{SECTIONS[a["section"]]}</a></div>
<article class="post">
<h1 class="post-title">{escape(a["title"])}</h1>
<div class="post-meta"><span class="author">{AUTHORS[a["id"] % 3]}</span> <time datetime="{a["date"]}">{shown(a)}</time></div>
<figure class="post-image"><img src="/uploads/2019/04/{a["id"]}.jpg" alt=""><figcaption>صورة من الأرشيف</figcaption></figure>
<div class="post-content">{body}</div>
<div class="post-tools"><a href="/print{path(a)}">طباعة</a> <a href="https://www.facebook.com/sharer.php?u={self.url(a)}">فيسبوك</a></div>
</article>
<section class="related"><h3>أخبار ذات صلة</h3><ul>{related_links}</ul></section>"""
        return self.page(f"{a['title']} | {SITE}", main if mobile else main + self.most_read(), head=head,
                         mobile=mobile)

    def removed(self, g: dict, mobile: bool) -> Reply:
        """A removed story: the story template, answering 200, headed "this story is no longer available"."""
        head = (
            '<meta property="og:type" content="article">\n'
            '<meta property="og:title" content="هذا الخبر لم يعد متاحاً">\n'
            f'<link rel="canonical" href="{self.base}{path(g)}">'
        )
        cards = "".join(self.card(a) for a in self.articles[:3])
        main = f"""<article class="post post-removed">
<h1 class="post-title">عذراً، هذا الخبر لم يعد متاحاً</h1>
<div class="post-content"><p>ربما حُذف هذا الخبر أو نُقل إلى رابط آخر بقرار من هيئة التحرير. يمكنك متابعة آخر الأخبار من الصفحة الرئيسية.</p></div>
</article>
<section class="latest"><h3>آخر الأخبار</h3>{cards}</section>"""
        return self.page(f"هذا الخبر لم يعد متاحاً | {SITE}", main, head=head, mobile=mobile)

    def not_found(self, mobile: bool) -> Reply:
        """The CMS's "page not found" template, answering 200, with the latest stories' teasers under it."""
        cards = "".join(self.card(a) for a in self.articles[:4])
        main = f"""<main class="error-page">
<h1>الصفحة غير موجودة</h1>
<p>عذراً، لم نتمكن من العثور على الصفحة التي تبحث عنها. ربما تم نقلها أو حذفها، أو أن الرابط الذي اتبعته غير صحيح.</p>
<form action="/search/"><input name="q" placeholder="ابحث في الموقع"></form>
<section class="latest"><h2>آخر الأخبار</h2>{cards}</section>
</main>"""
        return self.page(f"الصفحة غير موجودة | {SITE}", main, mobile=mobile)
