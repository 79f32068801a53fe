"""A static (Hugo, PaperMod-like) news blog on a CDN: ``/posts/<slug>/`` pages also served as
``/posts/<slug>/index.html`` and answering 301 without their slash (Netlify's pretty URLs), a renamed post's old slug
as Hugo's alias page (200, ``<meta http-equiv="refresh">`` and rel=canonical), tag pages paged as
``/tags/<tag>/page/N/`` (``page/1/`` an alias page too), a JSON Feed 1.1 (``/feed.json``) beside Hugo's RSS, a sitemap
index naming one sitemap per language with ``xhtml:link`` hreflang alternates, English translations under ``/en/``,
JSON-LD BlogPosting, and a cookie-consent gate in front of every HTML page: a visitor without the consent cookie is
sent (302) to ``/consent/?return=<path>``, which sets the cookie and sends them (302) back, as CDN-edge consent and
"testcookie" bot checks do."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import BLOG_ARTICLES, BLOG_SITE

MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /search/

Sitemap: {base}/sitemap.xml
"""
DISALLOW = ["/admin/", "/search/"]
PER_PAGE = 2
CONSENT = "cookie_consent"
ENGLISH = {1: "Geneva talks on a unified government open", 3: "Deal to move armed groups out of Tripoli"}


class BlogSite:
    """Routes and pages of the Hugo blog."""

    name = "blog"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(BLOG_ARTICLES, key=lambda a: a["date"], reverse=True)
        self.by_slug = {a["slug"]: a for a in self.articles}
        self.old = {a["old"]: a for a in self.articles if a.get("old")}
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.tags = sorted({t for a in self.articles for t in a["tags"]})

    def url(self, a: dict) -> str:
        return f"{self.base}/posts/{a['slug']}/"

    def expected(self) -> list[ExpectedArticle]:
        """Every post under its permalink (with the slash)."""
        return [
            ExpectedArticle(
                "blog", f"blog-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The search page the header links to and the CMS login in the footer."""
        return [f"{self.base}/search/", f"{self.base}/admin/"]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded); HTML pages behind the consent gate."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.format(base=self.base).encode())
        if path == "/feed.json":
            return Reply(
                200, (("Content-Type", "application/feed+json"),), self.json_feed().encode(), gzip_ok=True
            )
        if path == "/sitemap.xml":
            return self.xml(self.sitemap_index())
        if path in ("/ar/sitemap.xml", "/en/sitemap.xml"):
            return self.xml(self.sitemap(path.split("/")[1]))
        if path == "/consent/":
            back = query.get("return", "/")
            back = back if back.startswith("/") and not back.startswith("//") else "/"
            return redirect(
                302,
                back,
                (
                    ("Set-Cookie", f"{CONSENT}=accepted; Path=/; Max-Age=31536000; SameSite=Lax"),
                    ("Cache-Control", "no-store"),
                ),
            )
        if not self._consented(headers):
            return redirect(302, "/consent/?return=" + quote(raw, safe="/"), (("Cache-Control", "no-store"),))
        return self.html(path, raw)

    @staticmethod
    def _consented(headers: dict[str, str]) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except CookieError:
            return False
        return CONSENT in cookie and cookie[CONSENT].value == "accepted"

    def html(self, path: str, raw: str) -> Reply:
        if path in ("/", "/index.html"):
            return self.page(BLOG_SITE, self.home(), canonical=self.base + "/")
        if path == "/about/":
            return self.page(
                "من نحن",
                f'<article class="post-single"><h1>من نحن</h1><div class="post-content"><p>'
                f"{BLOG_SITE} مدونة مستقلة يكتب فيها صحفيون ليبيون عن الشأن العام.</p></div></article>",
            )
        parts = path.strip("/").split("/")
        if parts[0] == "tags" and len(parts) >= 2 and parts[1] in self.tags:
            tag = parts[1]
            if parts[2:] == ["page", "1"]:
                return self.alias(f"{self.base}/tags/{quote(tag)}/")
            page = int(parts[3]) if parts[2:3] == ["page"] and parts[3:4] and parts[3].isdigit() else 1
            return self.tag_page(tag, page)
        if parts[0] == "posts" and len(parts) >= 2:
            slug, rest = parts[1], parts[2:]
            a = self.by_slug.get(slug)
            if a is not None and not path.endswith("/") and not rest:
                return redirect(301, path + "/")
            if a is not None and (rest == [] or rest == ["index.html"]):
                self.served.append((raw, a["id"]))
                return self.post(a)
            if slug in self.old and not rest:
                return self.alias(self.url(self.old[slug]))
        if parts[0] == "en" and parts[1:2] == ["posts"]:
            a = self.by_slug.get(parts[2] if len(parts) > 2 else "")
            if a is not None and a["id"] in ENGLISH:
                return self.page(
                    ENGLISH[a["id"]],
                    f'<article class="post-single"><h1 class="post-title">'
                    f'{ENGLISH[a["id"]]}</h1><div class="post-content"><p>English summary of the story '
                    f"for readers abroad, translated by the desk.</p></div></article>",
                    lang="en",
                )
        return self.page("404", "<h1>404</h1><p>الصفحة غير موجودة</p>", status=404)

    def xml(self, text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml"),), text.encode(), gzip_ok=True)

    def sitemap_index(self) -> str:
        maps = "".join(
            f"<sitemap><loc>{self.base}/{lang}/sitemap.xml</loc><lastmod>2024-05-10T21:30:00+02:00"
            f"</lastmod></sitemap>"
            for lang in ("ar", "en")
        )
        return (
            '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<sitemapindex xmlns="http://www.'
            f'sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'
        )

    def sitemap(self, lang: str) -> str:
        """Hugo's per-language sitemap: every page (home, tags, about, posts), hreflang alternates on translations."""

        def alternates(a: dict) -> str:
            if a["id"] not in ENGLISH:
                return ""
            return (
                f'<xhtml:link rel="alternate" hreflang="ar" href="{self.url(a)}"/>'
                f'<xhtml:link rel="alternate" hreflang="en" href="{self.base}/en/posts/{a["slug"]}/"/>'
            )

        if lang == "en":
            urls = [
                (f"{self.base}/en/posts/{a['slug']}/", a["date"], alternates(a))
                for a in self.articles
                if a["id"] in ENGLISH
            ]
        else:
            urls = [(f"{self.base}/", "2024-05-10T21:30:00+02:00", ""), (f"{self.base}/about/", "", "")]
            urls += [(f"{self.base}/tags/{quote(t)}/", "", "") for t in self.tags]
            urls += [(self.url(a), a["date"], alternates(a)) for a in self.articles]
        body = "".join(
            f"<url><loc>{u}</loc>{f'<lastmod>{d}</lastmod>' if d else ''}{alt}</url>" for u, d, alt in urls
        )
        return (
            '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">' + body + "</urlset>"
        )

    def json_feed(self) -> str:
        """JSON Feed 1.1 (jsonfeed.org/version/1.1): the newest posts with their HTML and dates."""
        items = [
            {
                "id": self.url(a),
                "url": self.url(a),
                "title": a["title"],
                "content_html": "".join(f"<p>{escape(p)}</p>" for p in a["paras"]),
                "date_published": a["date"],
                "authors": [{"name": a["author"]}],
                "tags": a["tags"],
            }
            for a in self.articles
        ]
        return json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": BLOG_SITE,
                "home_page_url": self.base + "/",
                "feed_url": self.base + "/feed.json",
                "language": "ar",
                "items": items,
            },
            ensure_ascii=False,
            indent=2,
        )

    # -- pages ---------------------------------------------------------------------------------

    def alias(self, target: str) -> Reply:
        """Hugo's alias page (layouts/alias.html), byte for byte in shape."""
        return html_reply(
            f'<!DOCTYPE html><html lang="ar"><head><title>{target}</title><link rel="canonical" '
            f'href="{target}"><meta name="robots" content="noindex"><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={target}"></head></html>'
        )

    def page(
        self,
        title: str,
        main: str,
        *,
        head: str = "",
        lang: str = "ar",
        status: int = 200,
        canonical: str = "",
    ) -> Reply:
        """PaperMod's shell: header and menu, ``main``, footer."""
        canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
        menu = "".join(f'<li><a href="/tags/{quote(t)}/"><span>{t}</span></a></li>' for t in self.tags[:3])
        return html_reply(
            f"""<!DOCTYPE html>
<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge"><meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<title>{escape(title)} | {BLOG_SITE}</title>{canon}{head}<meta name="generator" content="Hugo 0.125.4">
<link rel="alternate" type="application/rss+xml" href="{self.base}/index.xml"><link rel="alternate" type="application/feed+json" href="{self.base}/feed.json">
<link crossorigin="anonymous" href="/assets/css/stylesheet.b609c58d.css" rel="preload stylesheet" as="style"></head>
<body class="list" id="top"><header class="header"><nav class="nav"><div class="logo"><a href="/" accesskey="h">{BLOG_SITE}</a></div>
<ul id="menu">{menu}<li><a href="/about/"><span>من نحن</span></a></li><li><a href="/search/"><span>بحث</span></a></li></ul></nav></header>
<main class="main">{main}</main>
<footer class="footer"><span>&copy; 2024 <a href="/">{BLOG_SITE}</a></span> · <span>مدعوم من <a href="https://gohugo.io/">Hugo</a> و
<a href="https://github.com/adityatelange/hugo-PaperMod/">PaperMod</a></span> · <a href="/admin/">دخول المحررين</a></footer>
<a href="#top" aria-label="go to top" title="Go to Top (Alt + G)" class="top-link" id="top-link">↑</a></body></html>""",
            status=status,
            gzip_ok=True,
        )

    def card(self, a: dict, n: int) -> str:
        """A post entry; the theme links its cover as ``index.html`` and "read more" without the slash."""
        href = [f"/posts/{a['slug']}/", f"/posts/{a['slug']}/index.html", f"/posts/{a['slug']}"][n % 3]
        return (
            f'<article class="post-entry"><header class="entry-header"><h2>{escape(a["title"])}</h2></header>'
            f'<div class="entry-content"><p>{escape(a["paras"][0][:140])}...</p></div>'
            f'<footer class="entry-footer"><span>{self.day(a)}</span>&nbsp;·&nbsp;{escape(a["author"])}</footer>'
            f'<a class="entry-link" aria-label="post link to {escape(a["title"])}" href="{href}"></a></article>'
        )

    def home(self) -> str:
        """The tagged posts (newest first) and an "from the archive" box whose link is a renamed post's old slug."""
        listed = [a for a in self.articles if a["tags"]]
        cards = "".join(self.card(a, n) for n, a in enumerate(listed[:4]))
        olds = "".join(
            f'<li><a href="/posts/{slug}/">{escape(a["title"])}</a></li>' for slug, a in self.old.items()
        )
        return (
            f'<div class="home-info"><h1>{BLOG_SITE}</h1><p>قراءات في الشأن الليبي</p></div>{cards}'
            f'<aside class="archive-box"><h2>من الأرشيف</h2><ul>{olds}</ul></aside>'
            f'<footer class="page-footer"><nav class="pagination"><a class="next" href="/tags/{quote(self.tags[0])}/">'
            "المزيد »</a></nav></footer>"
        )

    def tag_page(self, tag: str, page: int) -> Reply:
        """A tag's posts, two a page; pages after the first carry a canonical to themselves (Hugo)."""
        items = [a for a in self.articles if tag in a["tags"]]
        pages = max(1, -(-len(items) // PER_PAGE))
        shown = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        base = f"/tags/{quote(tag)}/"
        prev = f'<a class="prev" href="{base}page/{page - 1}/">« السابق</a>' if page > 1 else ""
        nxt = f'<a class="next" href="{base}page/{page + 1}/">التالي »</a>' if page < pages else ""
        cards = "".join(self.card(a, n + page) for n, a in enumerate(shown))
        main = (
            f'<header class="page-header"><h1>{escape(tag)}</h1></header>{cards}'
            f'<footer class="page-footer"><nav class="pagination">{prev}{nxt}</nav></footer>'
        )
        own = self.base + base + (f"page/{page}/" if page > 1 else "")
        return self.page(tag, main, canonical=own)

    @staticmethod
    def day(a: dict) -> str:
        d = datetime.fromisoformat(a["date"])
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    def post(self, a: dict) -> Reply:
        """PaperMod's single page: breadcrumbs, h1, meta line, content (h2 subheadings), tags, prev/next, share."""
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": a["title"],
            "name": a["title"],
            "datePublished": a["date"],
            "dateModified": a["date"],
            "author": [{"@type": "Person", "name": a["author"]}],
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url(a)},
            "publisher": {"@type": "Organization", "name": BLOG_SITE},
        }
        alt = ""
        if a["id"] in ENGLISH:
            alt = (
                f'<link rel="alternate" hreflang="ar" href="{self.url(a)}"><link rel="alternate" hreflang="en" '
                f'href="{self.base}/en/posts/{a["slug"]}/">'
            )
        head = (
            f'<meta name="description" content="{escape(a["paras"][0][:150])}"><meta name="author" '
            f'content="{escape(a["author"])}">{alt}<meta property="og:title" content="{escape(a["title"])}">'
            f'<meta property="og:type" content="article"><meta property="og:url" content="{self.url(a)}">'
            f'<meta property="article:published_time" content="{a["date"]}">'
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
        )
        body = "".join(
            f"<h2 id='q{n}'>{escape(p)}</h2>" if p.endswith("؟") else f"<p>{escape(p)}</p>"
            for n, p in enumerate(a["paras"])
        )
        i = self.articles.index(a)
        nav = ""
        if i > 0:
            nav += (
                f'<a class="prev" href="/posts/{self.articles[i - 1]["slug"]}/"><span class="title">« السابق'
                f"</span><br><span>{escape(self.articles[i - 1]['title'])}</span></a>"
            )
        if i + 1 < len(self.articles):
            nav += (
                f'<a class="next" href="/posts/{self.articles[i + 1]["slug"]}/"><span class="title">التالي »'
                f"</span><br><span>{escape(self.articles[i + 1]['title'])}</span></a>"
            )
        tags = "".join(f'<li><a href="/tags/{quote(t)}/">{t}</a></li>' for t in a["tags"])
        main = f"""<article class="post-single"><header class="post-header">
<div class="breadcrumbs"><a href="/">الرئيسية</a>&nbsp;»&nbsp;<a href="/posts/">المقالات</a></div>
<h1 class="post-title entry-hint-parent">{escape(a["title"])}</h1>
<div class="post-meta"><span title="{a["date"]}">{self.day(a)}</span>&nbsp;·&nbsp;3 دقائق&nbsp;·&nbsp;{escape(a["author"])}</div>
</header><div class="post-content">{body}</div>
<footer class="post-footer"><ul class="post-tags">{tags}</ul><nav class="paginav">{nav}</nav>
<ul class="share-buttons"><li><a target="_blank" rel="noopener noreferrer" aria-label="share on x"
href="https://x.com/intent/tweet/?url={self.url(a)}">x</a></li><li><a aria-label="share on whatsapp"
href="https://api.whatsapp.com/send?text={self.url(a)}">واتساب</a></li></ul></footer></article>"""
        return self.page(a["title"], main, head=head, canonical=self.url(a))
