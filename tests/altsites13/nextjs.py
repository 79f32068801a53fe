"""A Libyan news site on Next.js (the pages router) whose story pages are shells: the server renders the header, the
headline, the excerpt, the date and the photo, but the story itself is drawn in the browser (a rich-text component
loaded with ``ssr: false``), so the HTML holds an empty ``<div class="article-body">`` and the story is only in
``<script id="__NEXT_DATA__" type="application/json">``: ``props.pageProps.article.content``, HTML as the headless
CMS stores it (paragraphs, an ``<h3>`` crosshead, a ``<figure>`` with its caption, the editor's "اقرأ أيضا" line).
No JSON-LD and no ``articleBody``; next-seo prints the description (the excerpt) and og tags, no date meta.

Addresses as the app's ``pages/article/[id]/[[...slug]].js`` route answers them: ``/article/<id>/<slug>`` (the slug
escaped in every link), ``/article/<id>`` (the RSS feed's links) with a rel=canonical to the slugged address,
``?utm_source=most_read`` on the "most read" box's links. The home page and the category pages ``/category/<name>``
are server-rendered cards (a "load more" button fetches ``/api/articles?page=N`` in a browser: no ``<a>``); the RSS
feed ``/rss.xml`` (only some stories) and next-sitemap's index ``/sitemap.xml`` -> ``/sitemap-0.xml`` (every story),
which robots.txt names; robots.txt forbids ``/api/`` and ``/_next/``.

A story page's ``__NEXT_DATA__`` also holds the menu, the breaking-news bar and the "most read" and related stories
with their excerpts. The date is printed as ``<time dateTime="<ISO UTC>">`` with the day in Arabic in Libya's time
(UTC+2): "الإثنين 29 مايو 2023 - 23:40"."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import NEXT_SECTIONS, NEXT_SITE, NEXT_STORIES

TZ = timezone(timedelta(hours=2))
DAYS = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر"]
DISALLOW = ["/api/", "/_next/"]
BUILD_ID = "Qm4x7pZ2rTnC1vYdE8sLk"


def when(s: dict) -> datetime:
    return datetime.fromisoformat(s["date"].replace("Z", "+00:00"))


def printed(s: dict) -> str:
    d = when(s).astimezone(TZ)
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year} - {d.hour:02d}:{d.minute:02d}"


def excerpt(s: dict) -> str:
    return s["excerpt"] or s["paras"][0][:140].rstrip() + "..."


def content_html(s: dict, path_of) -> str:
    """The story as the headless CMS stores it (and the app would draw it)."""
    out = []
    for i, p in enumerate(s["paras"]):
        out.append(f"<h3>{escape(p)}</h3>" if len(p.split()) < 5 else f"<p>{escape(p)}</p>")
        if i == 0 and s["caption"]:
            out.append(f'<figure class="image"><img src="https://cdn.libya360.example/uploads/2023/05/{s["id"]}-1.jpg" '
                       f'alt="{escape(s["caption"])}"><figcaption>{escape(s["caption"])}</figcaption></figure>')
        if i == 0 and s["read_also"]:
            other = next(o for o in NEXT_STORIES if o["id"] == s["read_also"])
            out.append(f'<p><strong>اقرأ أيضا:</strong> <a href="{path_of(other)}">{escape(other["title"])}</a></p>')
    return "".join(out)


class NextSite:
    """Routes and pages of the Next.js outlet."""

    name = "nextjs"

    def __init__(self, base: str):
        self.base = base
        self.stories = sorted(NEXT_STORIES, key=when, reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def path(self, s: dict) -> str:
        return f"/article/{s['id']}/{quote(s['slug'])}"

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("nextjs", f"nextjs-{s['id']}", self.base + self.path(s), s["title"], tuple(s["paras"]),
                                s["relevant"]) for s in self.stories]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/api/articles?page=2"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = ("# *\nUser-agent: *\nAllow: /\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
                    + f"\n# Host\nHost: {self.base}\n\n# Sitemaps\nSitemap: {self.base}/sitemap.xml\n")
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path == "/sitemap.xml":
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                   f'sitemap/0.9">\n<sitemap><loc>{self.base}/sitemap-0.xml</loc></sitemap>\n</sitemapindex>')
            return Reply(200, (("Content-Type", "application/xml"),), xml.encode())
        if path == "/sitemap-0.xml":
            urls = "".join(f"<url><loc>{self.base}{self.path(s)}</loc><lastmod>{s['date']}</lastmod><changefreq>daily"
                           "</changefreq><priority>0.7</priority></url>\n" for s in self.stories)
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
                   f"<url><loc>{self.base}</loc><changefreq>daily</changefreq><priority>0.7</priority></url>\n{urls}"
                   "</urlset>")
            return Reply(200, (("Content-Type", "application/xml"),), xml.encode())
        if path == "/rss.xml":
            return self.feed()
        if path == "/":
            return self.listing(NEXT_SITE, [s for s in self.stories if s["home"]], "/")
        for key, label in NEXT_SECTIONS.items():
            if path == f"/category/{key}":
                return self.listing(label, [s for s in self.stories if s["section"] == key], path)
        for s in self.stories:
            if path in (f"/article/{s['id']}", f"/article/{s['id']}/{s['slug']}"):
                self.served.append((raw, s["id"]))
                return self.story(s)
        return self.page("404: الصفحة غير موجودة", '<main class="not-found"><h1>404</h1><p>الصفحة غير موجودة</p></main>',
                         {"statusCode": 404}, "/_error", status=404)

    # -- pieces --------------------------------------------------------------------------------

    def page(self, title: str, main: str, props: dict, route: str, *, head: str = "", query: dict | None = None,
             status: int = 200) -> Reply:
        menu = "".join(f'<li><a href="/category/{k}">{escape(v)}</a></li>' for k, v in NEXT_SECTIONS.items())
        breaking = self.stories[0]
        data = json.dumps({"props": {"pageProps": props, "__N_SSP": True}, "page": route, "query": query or {},
                           "buildId": BUILD_ID, "isFallback": False, "gssp": True, "locale": "ar",
                           "locales": ["ar"], "defaultLocale": "ar", "scriptLoader": []}, ensure_ascii=False)
        html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charSet="utf-8"/><meta name="viewport" content="width=device-width"/><title>{escape(title)}</title>{head}<meta name="next-head-count" content="12"/><link rel="preload" href="/_next/static/css/2b8e1f0c.css" as="style"/><link rel="stylesheet" href="/_next/static/css/2b8e1f0c.css" data-n-g=""/><noscript data-n-css=""></noscript><script defer="" nomodule="" src="/_next/static/chunks/polyfills-c67a75d1b6f99dc8.js"></script><script src="/_next/static/chunks/webpack-8fa1640cc84ba8fe.js" defer=""></script><script src="/_next/static/chunks/framework-2c79e2a64abdb08b.js" defer=""></script><script src="/_next/static/chunks/main-0ecb9ccfcb6c9b24.js" defer=""></script><script src="/_next/static/chunks/pages/_app-3c9ca398d8cd6f1a.js" defer=""></script><script src="/_next/static/{BUILD_ID}/_buildManifest.js" defer=""></script></head><body><div id="__next"><div class="cookie-consent" role="dialog"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.</p><button>موافق</button></div><header class="header"><div class="top-bar"><a class="logo" href="/"><img alt="{NEXT_SITE}" src="/logo.svg" width="140" height="40"/></a><nav><ul class="menu"><li><a href="/">الرئيسية</a></li>{menu}</ul></nav></div><div class="breaking"><span class="breaking-label">عاجل</span><a href="{self.path(breaking)}">{escape(breaking["title"])}</a></div></header>{main}<footer class="footer"><ul><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li><li><a href="/privacy">سياسة الخصوصية</a></li></ul><p>© 2023 {NEXT_SITE}. جميع الحقوق محفوظة.</p></footer></div><script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>"""
        return html_reply(html, status=status)

    def card(self, s: dict, href: str | None = None) -> str:
        return (f'<article class="card"><a href="{href or self.path(s)}"><img alt="" src="https://cdn.libya360.example/'
                f'uploads/2023/05/{s["id"]}-1.jpg" loading="lazy"/><h3 class="card-title">{escape(s["title"])}</h3></a>'
                f'<p class="card-excerpt">{escape(excerpt(s))}</p><time dateTime="{s["date"]}">{printed(s)}</time></article>')

    def teaser(self, s: dict) -> dict:
        return {"id": s["id"], "title": s["title"], "slug": s["slug"], "excerpt": excerpt(s), "publishedAt": s["date"],
                "image": f"https://cdn.libya360.example/uploads/2023/05/{s['id']}-1.jpg"}

    def most_read(self) -> str:
        items = "".join(f'<li><a href="{self.path(s)}?utm_source=most_read">{escape(s["title"])}</a></li>'
                        for s in self.stories[1:4])
        return f'<aside class="most-read"><h2>الأكثر قراءة</h2><ol>{items}</ol></aside>'

    def listing(self, label: str, stories: list[dict], path: str) -> Reply:
        cards = "".join(self.card(s) for s in stories)
        main = (f'<main class="listing"><h1 class="listing-title">{escape(label)}</h1><div class="cards">{cards}</div>'
                f'<button class="load-more" type="button">تحميل المزيد</button></main>{self.most_read()}')
        props = {"articles": [self.teaser(s) for s in stories], "page": 1, "hasMore": len(stories) > 3}
        return self.page(f"{label} | {NEXT_SITE}", main, props, "/" if path == "/" else "/category/[name]")

    def story(self, s: dict) -> Reply:
        url = self.base + self.path(s)
        related = [o for o in self.stories if o is not s][:3]
        rel = "".join(self.card(o) for o in related)
        main = f"""<main class="article-page"><article class="article"><div class="article-header"><a class="kicker" href="/category/{s["section"]}">{escape(NEXT_SECTIONS[s["section"]])}</a><h1 class="article-title">{escape(s["title"])}</h1><p class="article-excerpt">{escape(excerpt(s))}</p><div class="article-meta"><span class="author">فريق التحرير</span><time dateTime="{s["date"]}">{printed(s)}</time></div><div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u={quote(url, safe="")}">فيسبوك</a><a href="https://twitter.com/intent/tweet?url={quote(url, safe="")}">تويتر</a><button>نسخ الرابط</button></div></div><figure class="lead-image"><img alt="{escape(s["title"])}" src="https://cdn.libya360.example/uploads/2023/05/{s["id"]}-0.jpg" width="1200" height="675"/></figure><div class="article-body" id="article-body"></div><div class="tags"><a href="/category/{s["section"]}">{escape(NEXT_SECTIONS[s["section"]])}</a></div></article><section class="related"><h2>أخبار ذات صلة</h2>{rel}</section></main>{self.most_read()}"""
        head = (f'<meta name="description" content="{escape(excerpt(s))}"/><meta property="og:title" content="'
                f'{escape(s["title"])}"/><meta property="og:description" content="{escape(excerpt(s))}"/>'
                f'<meta property="og:url" content="{url}"/><meta property="og:type" content="article"/>'
                f'<meta property="og:image" content="https://cdn.libya360.example/uploads/2023/05/{s["id"]}-0.jpg"/>'
                f'<meta property="og:site_name" content="{NEXT_SITE}"/><meta name="twitter:card" content="summary_large_image"/>'
                f'<link rel="canonical" href="{url}"/>')
        article = {**self.teaser(s), "content": content_html(s, self.path), "updatedAt": s["date"],
                   "author": {"name": "فريق التحرير", "slug": "editorial"},
                   "category": {"slug": s["section"], "name": NEXT_SECTIONS[s["section"]]},
                   "seo": {"metaTitle": s["title"], "metaDescription": excerpt(s)}}
        props = {"article": article, "related": [self.teaser(o) for o in related],
                 "mostRead": [self.teaser(o) for o in self.stories[1:4]],
                 "menu": [{"slug": k, "name": v} for k, v in NEXT_SECTIONS.items()]}
        return self.page(f"{s['title']} | {NEXT_SITE}", main, props, "/article/[id]/[[...slug]]", head=head,
                         query={"id": str(s["id"]), "slug": [s["slug"]]})

    def feed(self) -> Reply:
        items = "".join(
            f"<item><title><![CDATA[{s['title']}]]></title><link>{self.base}/article/{s['id']}</link>"
            f"<guid isPermaLink=\"false\">{s['id']}</guid><description><![CDATA[{excerpt(s)}]]></description>"
            f"<pubDate>{when(s).strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item>"
            for s in self.stories if s["feed"])
        xml = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
               f"<title>{NEXT_SITE}</title><link>{self.base}</link><description>آخر الأخبار</description>"
               f"<language>ar</language>{items}</channel></rss>")
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())
