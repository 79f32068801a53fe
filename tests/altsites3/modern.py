"""A server-rendered news site of the 2020s (Next.js / Arc-like): ``/<section>/YYYY/MM/DD/<slug>/`` with a 308 from
the URL without its slash, JSON-LD NewsArticle (an author list, ``datePublished`` with an offset or ``Z``), a
``<title>`` with `` | Site``, an og:title that is sometimes an SEO title, AMP renderings (``/amp/...`` or
``?outputType=amp``) tied by rel=amphtml/canonical, a Google News sitemap inside a sitemap index (robots.txt
``Sitemap:``), relative and protocol-relative links, ``?ref=`` and ``?utm_*`` share links, a live blog, a 301 from an
old slug, an English edition (hreflang, its own text) and read-also boxes in the middle of the story."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from . import editions
from .content_modern import ENGLISH, LIVE, MODERN_ARTICLES, MODERN_SECTIONS, MODERN_SITE

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
Disallow: /api/
Disallow: /search
Disallow: /*/comments/
Disallow: /_next/data/

Sitemap: {base}/sitemap-index.xml
"""
DISALLOW = ["/api/", "/search", "/*/comments/", "/_next/data/"]


def _day(item: dict) -> tuple[str, str, str]:
    d = datetime.fromisoformat(item["date"].replace("Z", "+00:00"))
    return f"{d.year}", f"{d.month:02d}", f"{d.day:02d}"


class ModernSite:
    """Routes and pages of the modern site."""

    name = "modern"

    def __init__(self, base: str):
        self.base = base
        self.host = base.split("//", 1)[1]
        self.articles = sorted([*MODERN_ARTICLES, LIVE], key=lambda a: a["date"], reverse=True)
        self.by_path = {self.path(a): a for a in self.articles}
        self.old = {self.path(a, slug=a["old"]): a for a in self.articles if a.get("old")}
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    # -- URLs ----------------------------------------------------------------------------------

    def path(self, a: dict, *, slug: str | None = None, lang: str = "") -> str:
        y, m, d = _day(a)
        return f"{'/en' if lang else ''}/{a['section']}/{y}/{m}/{d}/{slug or a['slug']}/"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    def amp(self, a: dict) -> str:
        """Even ids: an /amp/ path (the WordPress-AMP-like plugin); odd ones: Arc's ?outputType=amp."""
        return self.base + ("/amp" + self.path(a) if a["id"] % 2 == 0 else self.path(a) + "?outputType=amp")

    def english(self) -> str:
        return self.base + self.path(ENGLISH, lang="en")

    def expected(self) -> list[ExpectedArticle]:
        """Every Arabic article, the live blog (summary and updates) and the English edition, each its own row."""
        out = [
            ExpectedArticle(
                "modern", f"modern-{a['id']}", self.url(a), a["title"], tuple(self.paras(a)), a["relevant"]
            )
            for a in self.articles
        ]
        return [
            *out,
            ExpectedArticle(
                "modern", "modern-601", self.english(), ENGLISH["title"], tuple(ENGLISH["paras"]), False
            ),
        ]

    @staticmethod
    def paras(a: dict) -> list[str]:
        if "updates" in a:
            return [a["summary"], *(line for _, head, text in a["updates"] for line in (head, text))]
        return list(a["paras"])

    def forbidden_links(self) -> list[str]:
        """The comment pages the home page's counters link to."""
        return [self.base + self.path(a) + "comments/" for a in self.articles[:6]]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.format(base=self.base).encode())
        if path == "/sitemap-index.xml":
            return self.xml(self.sitemap_index())
        if path == "/sitemaps/news.xml":
            return self.xml(self.news_sitemap())
        if path == "/":
            return self.page("الرئيسية", self.home())
        if path.strip("/") in MODERN_SECTIONS:
            return self.page(
                MODERN_SECTIONS[path.strip("/")],
                self.section(path.strip("/"), int(query.get("page", "1") or 1)),
            )
        keep = ("?" + raw.split("?", 1)[1]) if "?" in raw else ""
        if (
            path + "/" in self.by_path
            or path + "/" in self.old
            or path + "/" == self.path(ENGLISH, lang="en")
        ):
            return redirect(308, path + "/" + keep)  # Next.js trailingSlash: true
        if path in self.old:
            return redirect(301, self.path(self.old[path]) + keep)
        if path in self.by_path:
            a = self.by_path[path]
            self.served.append((raw, a["id"]))
            return editions.amp_page(self, a) if query.get("outputType") == "amp" else self.article(a)
        if path.startswith("/amp/") and path[4:] in self.by_path:
            a = self.by_path[path[4:]]
            self.served.append((raw, a["id"]))
            return editions.amp_page(self, a)
        if path == self.path(ENGLISH, lang="en"):
            self.served.append((raw, ENGLISH["id"]))
            return editions.english_page(self)
        return self.page("404", "<main><h1>الصفحة غير موجودة</h1></main>", status=404)

    def xml(self, text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), text.encode(), gzip_ok=True)

    def sitemap_index(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9"><sitemap><loc>{self.base}/sitemaps/news.xml</loc></sitemap></sitemapindex>'
        )

    def news_sitemap(self) -> str:
        """A Google News sitemap; two entries carry the URL without its slash (the generator's old habit)."""
        urls = []
        for n, a in enumerate(self.articles):
            loc = self.url(a)[:-1] if n in (2, 5) else self.url(a)
            urls.append(
                f"<url><loc>{escape(loc)}</loc><news:news><news:publication><news:name>{MODERN_SITE}"
                f"</news:name><news:language>ar</news:language></news:publication><news:publication_date>"
                f"{a['date']}</news:publication_date><news:title>{escape(a['title'])}</news:title>"
                f"</news:news></url>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(urls) + "</urlset>"
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(
        self,
        title: str,
        main: str,
        *,
        head: str = "",
        lang: str = "ar",
        status: int = 200,
        data: dict | None = None,
    ) -> Reply:
        """The Next.js shell: header with menu and breaking-news ticker, ``main``, most read, newsletter, footer."""
        nav = "".join(f'<li><a href="/{s}/">{escape(n)}</a></li>' for s, n in MODERN_SECTIONS.items())
        ticker = "".join(
            f'<li><a href="{self.path(a)}">{escape(a["title"])}</a></li>' for a in self.articles[:3]
        )
        most = "".join(
            f'<li><span class="rank">{i + 1}</span><a href="{self.path(a)}">{escape(a["title"])}</a></li>'
            for i, a in enumerate(self.articles[4:8])
        )
        next_data = json.dumps(
            {
                "props": {"pageProps": data or {}},
                "page": "/[section]/[...slug]",
                "buildId": "k2Xc9vQ",
                "isFallback": False,
            },
            ensure_ascii=False,
        )
        return html_reply(
            f"""<!DOCTYPE html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><meta charSet="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/><title>{escape(title)} | {MODERN_SITE}</title>{head}
<link rel="preload" href="/_next/static/css/7f1c2a.css" as="style"/><link rel="stylesheet" href="/_next/static/css/7f1c2a.css"/>
<script src="/_next/static/chunks/webpack-3b1f.js" defer=""></script></head><body><div id="__next">
<header class="site-header"><a class="logo" href="/"><img src="/logo.svg" alt="{MODERN_SITE}"/></a>
<nav class="main-nav"><ul><li><a href="/">الرئيسية</a></li>{nav}<li><a href="/search">بحث</a></li></ul></nav>
<div class="breaking-news" role="marquee"><span class="label">عاجل</span><ul>{ticker}</ul></div></header>
{main}
<aside class="most-read"><h2>الأكثر قراءة</h2><ol>{most}</ol></aside>
<section class="newsletter"><h2>اشترك في النشرة البريدية</h2><p>أهم أخبار ليبيا والعالم في بريدك كل صباح.</p>
<form action="/api/newsletter" method="post"><input type="email" placeholder="بريدك الإلكتروني"/><button>اشترك</button></form></section>
<footer class="site-footer"><ul><li><a href="/about/">من نحن</a></li><li><a href="/privacy/">سياسة الخصوصية</a></li></ul>
<p>© 2024 {MODERN_SITE}. جميع الحقوق محفوظة.</p></footer></div>
<script id="__NEXT_DATA__" type="application/json">{next_data}</script></body></html>
""",
            status=status,
        )

    def link(self, a: dict, n: int) -> str:
        """Links as the site's components print them: relative, protocol-relative, without the slash, ?ref=."""
        kind = n % 4
        if kind == 1:
            return f"//{self.host}{self.path(a)}"
        if kind == 2:
            return self.path(a)[:-1]
        if kind == 3:
            return self.path(a) + "?ref=home"
        return self.path(a)

    def card(self, a: dict, n: int) -> str:
        return (
            f'<div class="card"><a href="{self.link(a, n)}"><img src="/img/{a["id"]}.webp" alt=""/></a>'
            f'<h3><a href="{self.link(a, n)}">{escape(a["title"])}</a></h3>'
            f'<a class="comments-count" href="{self.path(a)}comments/">{n + 3} تعليقات</a></div>'
        )

    def home(self) -> str:
        """The lead (the live blog), a grid of cards, a most-read widget fed by the paths readers used (AMP ones
        included), the English edition's teaser and a share link with utm parameters."""
        lead, rest = self.articles[0], self.articles[1:]
        cards = "".join(self.card(a, n) for n, a in enumerate(rest))
        trending = "".join(
            f'<li><a href="{self.amp(a).replace(self.base, "")}">{escape(a["title"])}</a></li>'
            for a in self.articles[1:6]
        )
        share = f"{self.path(lead)}?utm_source=whatsapp&amp;utm_medium=social&amp;utm_campaign=share"
        return f"""<main class="home"><section class="lead"><h2><a href="{self.path(lead)}">{escape(lead["title"])}</a></h2>
<div class="share"><a href="{share}">انسخ الرابط</a></div></section>
<section class="grid">{cards}</section>
<section class="trending"><h2>الأكثر تداولا</h2><ul>{trending}</ul></section>
<section class="english"><h2>English</h2><a href="{self.english()}?ref=ar-home" lang="en">{escape(ENGLISH["title"])}</a></section></main>"""

    def section(self, slug: str, page: int) -> str:
        """A section front: cards of its articles; page 2 links the old slug of 502 (a cached teaser)."""
        items = [a for a in self.articles if a["section"] == slug]
        shown = items[:3] if page == 1 else items[3:]
        cards = "".join(self.card(a, n + 1) for n, a in enumerate(shown))
        if page == 2:
            cards += "".join(
                f'<div class="card"><h3><a href="{self.path(a, slug=a["old"])}">{escape(a["title"])}</a>'
                f"</h3></div>"
                for a in self.articles
                if a.get("old")
            )
        pager = '<a href="?page=2" rel="next">المزيد</a>' if page == 1 and len(items) > 3 else ""
        return f'<main class="section"><h1>{escape(MODERN_SECTIONS[slug])}</h1>{cards}<nav class="pager">{pager}</nav></main>'

    def json_ld(self, a: dict) -> str:
        kind = "LiveBlogPosting" if "updates" in a else "NewsArticle"
        data = {
            "@context": "https://schema.org",
            "@type": kind,
            "headline": a["title"],
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url(a)},
            "datePublished": a["date"],
            "dateModified": a["date"],
            "inLanguage": "ar",
            "author": [
                {"@type": "Person", "name": n, "url": f"{self.base}/author/{i}/"}
                for i, n in enumerate(a["authors"])
            ],
            "publisher": {
                "@type": "Organization",
                "name": MODERN_SITE,
                "logo": {"@type": "ImageObject", "url": f"{self.base}/logo.png"},
            },
            "image": [f"{self.base}/img/{a['id']}.webp"],
            "articleSection": MODERN_SECTIONS[a["section"]],
        }
        if "updates" in a:
            data["coverageStartTime"] = a["date"]
            data["liveBlogUpdate"] = [
                {"@type": "BlogPosting", "headline": head, "articleBody": text}
                for _, head, text in a["updates"]
            ]
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'

    def head(self, a: dict) -> str:
        y, m, d = _day(a)
        hreflang = ""
        if a.get("english"):
            hreflang = (
                f'<link rel="alternate" hreflang="ar" href="{self.url(a)}"/>'
                f'<link rel="alternate" hreflang="en" href="{self.english()}"/>'
            )
        return (
            f'<meta name="description" content="{escape(self.paras(a)[0][:150])}"/>'
            f'<link rel="canonical" href="{self.url(a)}"/><link rel="amphtml" href="{self.amp(a)}"/>{hreflang}'
            f'<meta property="og:type" content="article"/><meta property="og:site_name" content="{MODERN_SITE}"/>'
            f'<meta property="og:title" content="{escape(a.get("seo") or a["title"])}"/>'
            f'<meta property="og:url" content="{self.url(a)}"/>'
            f'<meta property="article:published_time" content="{a["date"]}"/>{self.json_ld(a)}'
        )

    def read_also(self, a: dict) -> str:
        """The box the editor drops in the story: three shapes, by article."""
        others = [b for b in self.articles if b is not a and "updates" not in b][:2]
        shape = a["id"] % 3
        if shape == 0:
            return (
                '<div class="read-also"><span class="read-also__title">اقرأ أيضا</span><ul>'
                + "".join(f'<li><a href="{self.path(b)}">{escape(b["title"])}</a></li>' for b in others)
                + "</ul></div>"
            )
        if shape == 1:
            return f'<p><strong>اقرأ أيضاً: </strong><a href="{self.path(others[0])}">{escape(others[0]["title"])}</a></p>'
        return (
            f'<div class="interstitial-link"><a href="{self.path(others[1])}?ref=inline">'
            f"{escape(others[1]['title'])}</a></div>"
        )

    def story(self, a: dict) -> str:
        if "updates" in a:
            ups = "".join(
                f'<article class="live-update" id="u{n}"><time datetime="{a["date"][:11]}{t}:00+02:00">'
                f"{t}</time><h3>{escape(h)}</h3><p>{escape(x)}</p>"
                f'<div class="share"><a href="{self.path(a)}#u{n}">رابط التحديث</a></div></article>'
                for n, (t, h, x) in enumerate(a["updates"])
            )
            return f'<p class="summary">{escape(a["summary"])}</p><div class="live-updates">{ups}</div>'
        out = []
        for n, p in enumerate(a["paras"]):
            out.append(f"<p>{escape(p)}</p>")
            if a.get("inline") == n + 1:
                out.append(self.read_also(a))
        return "".join(out)

    def byline(self, a: dict) -> str:
        y, m, d = _day(a)
        names = " و".join(f'<a href="/author/{i}/">{escape(n)}</a>' for i, n in enumerate(a["authors"]))
        return (
            f'<div class="byline">بقلم {names} <span class="sep">|</span> <time datetime="{a["date"]}">'
            f"{int(d)} {MONTHS[int(m) - 1]} {y}</time></div>"
        )

    def article(self, a: dict) -> Reply:
        tags = "".join(f'<a href="/tag/{t}/">{t}</a>' for t in ("ليبيا", MODERN_SECTIONS[a["section"]]))
        related = "".join(
            f'<li><a href="{self.path(b)}">{escape(b["title"])}</a></li>'
            for b in self.articles
            if b is not a and b["section"] == a["section"]
        )[:2000]
        share = "".join(
            f'<a href="https://{s}/share?url={self.url(a)}%3Futm_source%3D{s.split(".")[0]}">{s}</a>'
            for s in ("facebook.com", "twitter.com")
        )
        main = f"""<main><article class="article">
<nav aria-label="breadcrumb"><ol><li><a href="/">الرئيسية</a></li><li><a href="/{a["section"]}/">{escape(MODERN_SECTIONS[a["section"]])}</a></li></ol></nav>
<h1 class="headline">{escape(a["title"])}</h1>{self.byline(a)}
<figure><img src="/img/{a["id"]}.webp" alt=""/><figcaption>صورة أرشيفية ({MODERN_SITE})</figcaption></figure>
<div class="article-body">{self.story(a)}</div>
<div class="tags"><span>الكلمات المفتاحية:</span>{tags}</div>
<div class="share-bar"><span>شارك:</span>{share}</div></article>
<section class="related"><h2>أخبار ذات صلة</h2><ul>{related}</ul></section>
<section class="comments"><h2>التعليقات (2)</h2><div class="comment"><b>أحمد</b><p>نتمنى الأمن والاستقرار لبلادنا.</p></div>
<div class="comment"><b>منى</b><p>متى تنتهي هذه المعاناة؟</p></div></section></main>"""
        return self.page(
            a["title"],
            main,
            head=self.head(a),
            data={"article": {"headline": a["title"], "body": self.paras(a)}},
        )
