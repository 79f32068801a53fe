"""A 2020s pan-Arab news site with "continuous reading": each story page ``/<section>/<id>-<slug>`` carries, below the
story, the full text of the next one or two stories, server-rendered as infinite scroll leaves them (each in its own
``<article>`` with its own headline (an h1 on some pages, an h2 on others), date, share bar and microdata naming its
own URL), then a loader for the next. The story body holds a photo gallery between paragraphs (captions, a "1 / 3"
counter), an embedded tweet (``blockquote.twitter-tweet``: the tweet's text, then "— Name (@handle) date") and a
"related" box; beside it a sticky "most read" rail, an ad slot, a breaking-news bar. The listings are a JSON endpoint
``/api/section?page=N`` that the pages' scripts fetch in a browser (no ``<a>`` leads to it): links are found only in
the RSS 2.0 feed, the Google News sitemap robots.txt names, and the server-rendered first page of the home page and
of each section (whose cards also link a story's comments page, which robots.txt forbids)."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content_scroll import ARTICLES, SECTIONS, SITE, TWEETS

DISALLOW = ["/search", "/*/comments", "/*?share=", "/live/"]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()


def iso(a: dict) -> str:
    """The publication moment in the metadata (Gulf time, UTC+4)."""
    return "%04d-%02d-%02dT" % a["g"] + a["time"] + ":00+04:00"


def shown_date(a: dict) -> str:
    """The date line under a headline: "10 أغسطس 2019 - 17:45 (بتوقيت أبوظبي)"."""
    year, month, day = a["g"]
    return f"{day} {MONTHS[month - 1]} {year} - {a['time']} (بتوقيت أبوظبي)"


def attribution(a: dict) -> str:
    """The line an embedded tweet prints under its text: "— Name (@handle) day"."""
    name, handle, day = TWEETS[a["id"]]
    return f"— {name} (@{handle}) {day}"


def body(a: dict) -> tuple[str, ...]:
    """The story's body as a reader reads it: its paragraphs, an embedded tweet whole (its text, then the attribution
    line under it, as the Zyte benchmark's gold keeps an embedded tweet)."""
    paras = list(a["paras"])
    if a.get("tweet"):
        paras.insert(a["tweet_at"] + 1, attribution(a))
    return tuple(paras)


class ScrollSite:
    """Routes and pages of the continuous-reading outlet."""

    name = "scroll"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    @staticmethod
    def path(a: dict) -> str:
        """The story's path, unescaped as the hrefs print it."""
        return f"/{a['section']}/{a['id']}-{a['slug']}"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its own URL, its body its own text alone (none of the stories appended below it)."""
        return [
            ExpectedArticle("scroll", f"scroll-{a['id']}", self.url(a), a["title"], body(a), a["relevant"])
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The comments pages the cards link, the share links and the tag search."""
        return (
            [f"{self.url(a)}/comments" for a in self.articles]
            + [f"{self.url(a)}?share=whatsapp" for a in self.articles]
            + [f"{self.base}/search?tag={quote('ليبيا')}"]
        )

    def next_of(self, a: dict) -> list[dict]:
        """The stories infinite scroll appends below ``a``: the next one or two older ones (two on even ids)."""
        at = self.articles.index(a)
        return self.articles[at + 1 : at + (3 if a["id"] % 2 == 0 else 2)]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"Allow: /\n\nSitemap: {self.base}/sitemaps/news.xml\n"
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path == "/rss.xml":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.rss().encode())
        if path == "/sitemaps/news.xml":
            return Reply(
                200, (("Content-Type", "application/xml; charset=utf-8"),), self.news_sitemap().encode()
            )
        if path == "/api/section":
            return self.api(query.get("section", ""), int(query.get("page", "1") or 1))
        if path == "/":
            cards = [a for a in self.articles if "home" in a["where"]]
            return self.page(f"{SITE} | أخبار العالم العربي", self.listing("آخر الأخبار", cards, "home"))
        if path.strip("/") in SECTIONS:
            key = path.strip("/")
            cards = [a for a in self.articles if "section" in a["where"] and a["section"] == key]
            return self.page(f"{SECTIONS[key]} | {SITE}", self.listing(SECTIONS[key], cards, key))
        if "share" in query:
            return Reply(403, (("Content-Type", "text/plain"),), b"forbidden by robots.txt")
        for a in self.articles:
            if path == self.path(a):
                self.served.append((raw, a["id"]))
                return self.story(a)
            if path == self.path(a) + "/comments":
                return self.page(
                    "التعليقات", f"<h1>التعليقات على: {a['title']}</h1><p>لا توجد تعليقات بعد.</p>"
                )
        return self.page("الصفحة غير موجودة", "<h1>404</h1><p>الصفحة المطلوبة غير موجودة</p>", status=404)

    # -- discovery files -----------------------------------------------------------------------

    def rss(self) -> str:
        """An RSS 2.0 feed (escaped links, media:content, RFC 822 dates in UTC)."""
        import datetime as dt

        items = []
        for a in self.articles:
            if "rss" not in a["where"]:
                continue
            moment = dt.datetime.fromisoformat(iso(a)).astimezone(dt.UTC)
            items.append(
                f"<item><title>{escape(a['title'])}</title><link>{self.base}{quote(self.path(a))}</link>"
                f'<guid isPermaLink="false">madar-{a["id"]}</guid>'
                f"<pubDate>{moment.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate>"
                f"<category>{SECTIONS[a['section']]}</category>"
                f"<description><![CDATA[{a['paras'][0][:120]}...]]></description>"
                f'<media:content url="{self.base}/images/{a["id"]}/main.jpg" medium="image"/></item>'
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{SITE}</title><link>{self.base}/</link><description>آخر الأخبار</description>"
            f'<atom:link href="{self.base}/rss.xml" rel="self" type="application/rss+xml"/>'
            f"<language>ar</language>{''.join(items)}</channel></rss>"
        )

    def news_sitemap(self) -> str:
        """A Google News sitemap (escaped URLs, news:title, news:publication_date)."""
        urls = "".join(
            f"<url><loc>{self.base}{quote(self.path(a))}</loc><news:news><news:publication><news:name>{SITE}"
            f"</news:name><news:language>ar</news:language></news:publication>"
            f"<news:publication_date>{iso(a)}</news:publication_date><news:title>{escape(a['title'])}</news:title>"
            f"</news:news></url>"
            for a in self.articles
            if "sitemap" in a["where"]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
        )

    def api(self, section: str, page: int) -> Reply:
        """The JSON listing the pages' scripts fetch: every story of the section (or all), eight a page."""
        items = [a for a in self.articles if not section or section == "home" or a["section"] == section]
        chunk = items[(page - 1) * 8 : page * 8]
        body = {
            "page": page,
            "items": [
                {"id": a["id"], "url": self.path(a), "title": a["title"], "date": iso(a)} for a in chunk
            ],
        }
        return Reply(
            200, (("Content-Type", "application/json"),), json.dumps(body, ensure_ascii=False).encode()
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(
        self, title: str, main: str, *, status: int = 200, head: str = "", body_class: str = ""
    ) -> Reply:
        """The shell: header and menu, the breaking-news bar, ``main``, the sticky rail, the footer, the app state."""
        menu = "".join(f'<li><a href="/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        most = "".join(
            f'<li><a href="{self.path(a)}"><span class="rank">{n}</span><span class="t">{a["title"]}</span></a></li>'
            for n, a in enumerate(self.articles[2:7], 1)
        )
        breaking = self.articles[0]
        trending = "".join(
            f'<article class="trend-card"><a href="{self.path(a)}"><img src="/images/{a["id"]}/sq.jpg" alt="">'
            f"<h3>{a['title']}</h3></a></article>"
            for a in self.articles[1:5]
        )
        state = json.dumps(
            {"route": title, "ads": {"network": "gpt", "slots": ["rail", "inread"]}}, ensure_ascii=False
        )
        return html_reply(
            f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE}" href="/rss.xml">
<link rel="preload" href="/_next/static/css/app.css" as="style">
{head}
</head>
<body class="{body_class}">
<div id="__next">
<header class="site-header"><a class="logo" href="/"><img src="/static/logo.svg" alt="{SITE}"></a>
<nav class="main-nav"><ul><li><a href="/">الرئيسية</a></li>{menu}<li><a href="/live/">البث المباشر</a></li></ul></nav>
<form class="search-form" action="/search"><input name="q" placeholder="ابحث في {SITE}"></form></header>
<div class="breaking-bar"><span class="label">عاجل</span> <a href="{self.path(breaking)}">{breaking["title"]}</a></div>
<section class="trending"><h2 class="trending-title">الأكثر تداولا</h2><div class="trend-track">{trending}</div></section>
<div class="layout">
<main id="content">{main}</main>
<aside class="layout-rail"><div class="rail-sticky"><section class="most-read"><h3>الأكثر قراءة</h3><ol>{most}</ol></section>
<div class="ad-slot" id="rail-ad"><span>إعلان</span></div>
<section class="newsletter"><h3>النشرة البريدية</h3><p>اشترك ليصلك ملخص أخبار اليوم</p></section></div></aside>
</div>
<footer class="site-footer"><ul><li><a href="/about">من نحن</a></li><li><a href="/privacy">سياسة الخصوصية</a></li></ul>
<p>تابعونا على منصات التواصل الاجتماعي</p><p>© 2019 {SITE}. جميع الحقوق محفوظة</p></footer>
</div>
<script id="__NEXT_DATA__" type="application/json">{state}</script>
<script src="/_next/static/chunks/main.js" async></script>
</body>
</html>""",
            status=status,
        )

    def card(self, a: dict, key: str) -> str:
        return (
            f'<article class="card card--{key}"><a class="card-link" href="{self.path(a)}">'
            f'<img src="/images/{a["id"]}/thumb.jpg" alt=""><h3 class="card-title">{a["title"]}</h3></a>'
            f'<div class="card-meta"><span class="section">{SECTIONS[a["section"]]}</span>'
            f'<time datetime="{iso(a)}">{shown_date(a)}</time>'
            f'<a class="comments-count" href="{self.path(a)}/comments">{a["id"] % 40} تعليق</a></div></article>'
        )

    def listing(self, heading: str, cards: list[dict], key: str) -> str:
        """The server-rendered first page of a listing, and the button whose script fetches the rest as JSON."""
        return (
            f'<section class="listing"><h1 class="listing-title">{heading}</h1>'
            + "".join(self.card(a, key) for a in cards)
            + f'<button class="load-more" type="button" data-endpoint="/api/section?section={key}&amp;page=2">'
            "المزيد من الأخبار</button></section>"
            f'<script>window.__LISTING__ = {{"endpoint": "/api/section?section={key}", "page": 1}};</script>'
        )

    def share(self, a: dict) -> str:
        url = quote(self.url(a), safe="")
        return (
            f'<div class="share-bar"><span class="share-label">شارك</span>'
            f'<a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={url}">فيسبوك</a>'
            f'<a class="tw" href="https://twitter.com/intent/tweet?url={url}">تويتر</a>'
            f'<a class="wa" href="{self.path(a)}?share=whatsapp">واتساب</a>'
            f'<button class="copy-link" data-url="{self.url(a)}">نسخ الرابط</button></div>'
        )

    def gallery(self, a: dict) -> str:
        shots = "".join(
            f'<li class="gallery-slide"><figure><img src="/images/{a["id"]}/g{n}.jpg" alt="">'
            f"<figcaption>من موقع الحدث ({n} من 3) - تصوير: رويترز</figcaption></figure></li>"
            for n in range(1, 4)
        )
        return (
            f'<div class="media-gallery" data-count="3"><ul class="gallery-track">{shots}</ul>'
            '<span class="gallery-counter">1 / 3</span><button class="gallery-next">التالي</button></div>'
        )

    def tweet(self, a: dict, text: str) -> str:
        name, handle, day = TWEETS[a["id"]]
        return (
            f'<blockquote class="twitter-tweet" data-lang="ar"><p lang="ar" dir="rtl">{text}</p>'
            f'&mdash; {name} (@{handle}) <a href="https://twitter.com/{handle}/status/{a["id"]}0001">{day}</a>'
            '</blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
        )

    def related(self, a: dict) -> str:
        others = [o for o in self.articles if o["id"] != a["id"] and o["section"] == a["section"]][:2]
        items = "".join(f'<li><a href="{self.path(o)}">{o["title"]}</a></li>' for o in others)
        return f'<div class="inline-related"><h4>مواضيع ذات صلة</h4><ul>{items}</ul></div>'

    def story_block(self, a: dict, *, first: bool, level: str = "h1") -> str:
        """One story as the stream renders it: headline, date, share bar, lead photo, body, tags."""
        parts = []
        for n, p in enumerate(a["paras"]):
            parts.append(self.tweet(a, p) if a.get("tweet") and n == a["tweet_at"] else f"<p>{p}</p>")
            if a.get("gallery") and n + 1 == a["gallery"]:
                parts.append(self.gallery(a))
            if a.get("related") and n + 1 == a["related"]:
                parts.append(self.related(a))
        crumb = (
            f'<nav class="breadcrumb"><a href="/">الرئيسية</a> &rsaquo; '
            f'<a href="/{a["section"]}">{SECTIONS[a["section"]]}</a></nav>'
            if first
            else '<div class="next-label">القصة التالية</div>'
        )
        return f"""<article class="article{" article--next" if not first else ""}" data-id="{a["id"]}" data-url="{self.path(a)}" itemscope itemtype="https://schema.org/NewsArticle">
<link itemprop="mainEntityOfPage" href="{self.url(a)}">
{crumb}
<{level} class="article-title" itemprop="headline">{a["title"]}</{level}>
<div class="article-meta"><span class="author" itemprop="author">{SITE} - أبوظبي</span>
<time itemprop="datePublished" datetime="{iso(a)}">{shown_date(a)}</time></div>
{self.share(a)}
<figure class="article-media"><img src="/images/{a["id"]}/main.jpg" alt="" itemprop="image"><figcaption>صورة أرشيفية</figcaption></figure>
<div class="rich-text">
{"".join(parts)}
</div>
<div class="article-tags"><a href="/search?tag={quote("ليبيا")}">ليبيا</a></div>
{self.share(a)}
</article>"""

    def story(self, a: dict) -> Reply:
        """The story, the stories infinite scroll appended below it, and the loader of the next."""
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a["title"],
            "datePublished": iso(a),
            "mainEntityOfPage": self.url(a),
            "publisher": {"@type": "Organization", "name": SITE},
        }
        head = (
            f'<link rel="canonical" href="{self.base}{quote(self.path(a))}">\n'
            f'<meta property="og:title" content="{a["title"]}">\n<meta property="og:type" content="article">\n'
            f'<meta property="article:published_time" content="{iso(a)}">\n'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        )
        level = (
            "h2" if self.articles.index(a) % 2 else "h1"
        )  # the stream template prints either, page by page
        stream = "".join(self.story_block(o, first=False, level=level) for o in self.next_of(a))
        last = (self.next_of(a) or [a])[-1]
        main = (
            f'<div class="article-stream" data-next="/api/next?after={last["id"]}">'
            f"{self.story_block(a, first=True)}{stream}"
            '<div class="stream-loader"><span>جار تحميل القصة التالية...</span></div></div>'
        )
        return self.page(f"{a['title']} | {SITE}", main, head=head, body_class="page-article")
