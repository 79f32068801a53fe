"""A Libyan news outlet's live coverage pages beside its ordinary stories, on a home-grown PHP CMS, as Libyan and
pan-Arab outlets ran "the day's events" pages through the 2019-2020 Tripoli war ("تغطية مستمرة").

A live page ``/live/<id>/<slug>`` prints the headline with a red "مباشر" badge, a standfirst, "بدأت التغطية" (the
coverage's start: the page's date) and "آخر تحديث" (its last entry's time), then the entries newest first as a
timeline: ``<ul class="timeline"><li class="timeline-item" id="post-<n>">`` each with its time (``<time
datetime>`` printing "16:55"), a heading on some, its paragraphs, and a share row with the entry's own link
``?post=<n>`` (the same page: rel=canonical to the live page; the home page's ticker links the newest entry so). The
page asks the browser to reload it every minute (``<meta http-equiv="refresh" content="60">``, as such pages did
before their scripts polled) and says so ("يتم تحديث الصفحة تلقائيا"); its JSON-LD is schema.org
``LiveBlogPosting`` (``coverageStartTime``, ``coverageEndTime``, ``dateModified`` the last entry's, each entry a
``liveBlogUpdate`` ``BlogPosting`` with its own ``headline``, ``datePublished`` and ``articleBody``); its og:type is
article. The page grows between crawls: ``LiveSite.grow()`` adds the entries the coverage gained later.

The results-day page was made with the CMS's first live template: no JSON-LD, no standfirst printed (only in the meta
description), each entry stamped with its day and time ("السبت 20 يوليو 2019 - 11:25").

An ordinary story ``/news/<id>/<slug>`` is the same template with a ``NewsArticle`` JSON-LD. Both print dates as the
CMS does, "الأحد 12 مايو 2019 - 16:55" (Libya's time); the lists print the day only. The home page lists the live
pages in a "تغطيات مباشرة" box and the stories as cards; the Libya section ``/section/libya`` pages with ``?page=2``;
the RSS feed ``/feed`` and the sitemap ``/sitemap.xml`` (robots.txt names it) have every page. robots.txt forbids
``/search`` and ``/ajax/`` (the live pages' poller ``/ajax/live.php?id=<id>&after=<n>``, named only in a script)."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply
from altsites13.nextjs import DAYS, MONTHS, TZ

from .content import LIVE_PAGES, LIVE_SITE

DISALLOW = ["/search", "/ajax/"]
SECTION = "أخبار ليبيا"


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(TZ)


def printed(iso: str) -> str:
    d = at(iso)
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year} - {d.hour:02d}:{d.minute:02d}"


def clock(iso: str) -> str:
    return at(iso).strftime("%H:%M")


def post_id(page: dict, i: int) -> int:
    return page["id"] * 20 + i


def old_template(page: dict) -> bool:
    return page.get("template") == "old"


def stamp(page: dict, iso: str) -> str:
    """An entry's time as the page prints it: "16:55", or its day and time on the old template."""
    return printed(iso) if old_template(page) else clock(iso)


def live_text(page: dict, updates: list[dict]) -> tuple[str, ...]:
    """A live page's body as one text: the standfirst (where printed), then the entries as the page prints them
    (newest first), each its heading (if any) and its paragraphs; not the clock times printed beside them (the
    extraction gold texts' convention, and tests/altsites3's live blog)."""
    out = [] if old_template(page) else [page["summary"]]
    for u in reversed(updates):
        out += [*([u["title"]] if u["title"] else []), *u["paras"]]
    return tuple(out)


class LiveSite:
    """Routes and pages of the live coverage outlet."""

    name = "live"

    def __init__(self, base: str):
        self.base = base
        self.pages = sorted(LIVE_PAGES, key=lambda p: p["date"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.updates = {p["id"]: list(p.get("updates", [])) for p in self.pages}

    def grow(self) -> None:
        """The coverage goes on: each live page gains its later entries."""
        for p in self.pages:
            self.updates[p["id"]] += p.get("later", [])

    def path(self, p: dict) -> str:
        return f"/{p['kind'] if p['kind'] == 'live' else 'news'}/{p['id']}/{p['slug']}"

    def body(self, p: dict) -> tuple[str, ...]:
        return live_text(p, self.updates[p["id"]]) if p["kind"] == "live" else tuple(p["paras"])

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("live", f"live-{p['id']}", self.base + self.path(p), p["title"], self.body(p),
                                p["relevant"]) for p in self.pages]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/search?q=%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW) + f"Sitemap: {self.base}/sitemap.xml\n"
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}{self.path(p)}</loc><lastmod>{self.modified(p)}</lastmod></url>"
                           for p in self.pages)
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Reply(200, (("Content-Type", "text/xml; charset=utf-8"),), xml.encode())
        if path == "/feed":
            return self.feed()
        if path == "/":
            return self.home()
        if path == "/section/libya":
            return self.section(int(query.get("page", "1")))
        for p in self.pages:
            if path == self.path(p):
                self.served.append((raw, p["id"]))
                return self.live(p) if p["kind"] == "live" else self.story(p)
        return self.page("الصفحة غير موجودة", '<div class="error"><h1>عذرا، الصفحة غير موجودة</h1></div>', status=404)

    # -- pieces ------------------------------------------------------------------------------

    def modified(self, p: dict) -> str:
        ups = self.updates[p["id"]]
        return ups[-1]["time"] if ups else p["date"]

    def page(self, title: str, main: str, head: str = "", status: int = 200) -> Reply:
        lives = "".join(f'<li><a href="{self.path(p)}">{escape(p["title"])}</a></li>' for p in self.pages
                        if p["kind"] == "live")
        html = f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
{head}
<link rel="stylesheet" href="/assets/css/style.css?v=3.2">
<script src="/assets/js/jquery.min.js"></script>
</head>
<body class="rtl">
<div id="top-bar"><div class="date-now">طرابلس</div><ul class="social"><li><a href="https://facebook.com/alraednet">فيسبوك</a></li><li><a href="https://twitter.com/alraednet">تويتر</a></li></ul></div>
<header id="header"><a href="/" id="logo"><img src="/assets/img/logo.png" alt="{LIVE_SITE}"></a>
<ul id="menu"><li><a href="/">الرئيسية</a></li><li><a href="/section/libya">{SECTION}</a></li><li><a href="/search?q=">بحث</a></li></ul></header>
<div id="main">{main}</div>
<aside id="sidebar"><div class="box live-box"><h3>تغطيات مباشرة</h3><ul>{lives}</ul></div>
<div class="box newsletter"><h3>النشرة البريدية</h3><form action="/newsletter"><input name="email" placeholder="بريدك الإلكتروني"><button>اشترك</button></form></div></aside>
<footer id="footer"><p>جميع الحقوق محفوظة لموقع {LIVE_SITE} 2019</p><p><a href="/about">من نحن</a> | <a href="/contact">اتصل بنا</a></p></footer>
</body>
</html>"""
        return html_reply(html, status=status)

    def share(self, url: str, label: str = "شارك") -> str:
        return (f'<div class="share"><span>{label}:</span><a href="https://www.facebook.com/sharer.php?u={url}">فيسبوك</a>'
                f'<a href="https://twitter.com/share?url={url}">تويتر</a></div>')

    def ld(self, p: dict) -> str:
        url = self.base + self.path(p)
        common = {"@context": "https://schema.org", "headline": p["title"], "url": url, "mainEntityOfPage": url,
                  "datePublished": p["date"], "dateModified": self.modified(p),
                  "publisher": {"@type": "Organization", "name": LIVE_SITE,
                                "logo": {"@type": "ImageObject", "url": f"{self.base}/assets/img/logo.png"}}}
        if p["kind"] == "live":
            ups = self.updates[p["id"]]
            data = {**common, "@type": "LiveBlogPosting", "description": p["summary"],
                    "coverageStartTime": p["date"], "coverageEndTime": self.modified(p),
                    "liveBlogUpdate": [{"@type": "BlogPosting", "headline": u["title"] or u["paras"][0][:60],
                                        "datePublished": u["time"], "url": f"{url}?post={post_id(p, i)}",
                                        "articleBody": "\n".join(u["paras"])}
                                       for i, u in reversed(list(enumerate(ups)))]}
        else:
            data = {**common, "@type": "NewsArticle", "articleSection": SECTION, "description": p["paras"][0],
                    "author": {"@type": "Organization", "name": LIVE_SITE}}
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'

    def head(self, p: dict) -> str:
        url = self.base + self.path(p)
        return (f'<meta name="description" content="{escape(p.get("summary") or p["paras"][0])}">\n'
                f'<meta property="og:title" content="{escape(p["title"])}">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:url" content="{url}">\n<link rel="canonical" href="{url}">\n'
                f'{"" if old_template(p) else self.ld(p)}')

    def live(self, p: dict) -> Reply:
        url = self.base + self.path(p)
        ups = self.updates[p["id"]]
        items = []
        for i, u in reversed(list(enumerate(ups))):
            n = post_id(p, i)
            heading = f'<h3 class="timeline-title">{escape(u["title"])}</h3>' if u["title"] else ""
            paras = "".join(f"<p>{escape(t)}</p>" for t in u["paras"])
            items.append(f'<li class="timeline-item" id="post-{n}"><div class="timeline-time"><time datetime="{u["time"]}">'
                         f'{stamp(p, u["time"])}</time></div><div class="timeline-content">{heading}{paras}'
                         f'<div class="timeline-share"><a href="{self.path(p)}?post={n}" class="permalink">رابط الخبر</a>'
                         f'<a href="https://twitter.com/share?url={url}%3Fpost%3D{n}">تويتر</a></div></div></li>')
        main = f"""<div class="breadcrumb"><a href="/">الرئيسية</a> &raquo; <a href="/section/libya">{SECTION}</a></div>
<div class="post live-post">
<span class="live-badge">مباشر</span>
<h1 class="post-title">{escape(p["title"])}</h1>
{"" if old_template(p) else f'<p class="post-summary">{escape(p["summary"])}</p>'}
<div class="post-meta"><span>بدأت التغطية: {printed(p["date"])}</span> | <span>آخر تحديث: {printed(self.modified(p))}</span></div>
<div class="auto-refresh">يتم تحديث الصفحة تلقائيا كل دقيقة</div>
{self.share(url)}
<ul class="timeline">{"".join(items)}</ul>
<script>var LIVE_ID = {p["id"]}; var LIVE_POLL = "/ajax/live.php?id={p["id"]}&after={post_id(p, len(ups) - 1)}";</script>
</div>"""
        head = f'<meta http-equiv="refresh" content="60">\n{self.head(p)}'
        return self.page(f"{p['title']} | {LIVE_SITE}", main, head)

    def story(self, p: dict) -> Reply:
        url = self.base + self.path(p)
        paras = "".join(f"<p>{escape(t)}</p>" for t in p["paras"])
        related = [o for o in self.pages if o is not p][:3]
        rel = "".join(f'<li><a href="{self.path(o)}">{escape(o["title"])}</a></li>' for o in related)
        main = f"""<div class="breadcrumb"><a href="/">الرئيسية</a> &raquo; <a href="/section/libya">{SECTION}</a></div>
<div class="post">
<h1 class="post-title">{escape(p["title"])}</h1>
<div class="post-meta"><span>نشر في: {printed(p["date"])}</span></div>
<div class="post-image"><img src="/uploads/2019/05/{p["id"]}.jpg" alt=""></div>
<div class="post-content">{paras}</div>
{self.share(url)}
<div class="related"><h3>اقرأ أيضا</h3><ul>{rel}</ul></div>
</div>"""
        return self.page(f"{p['title']} | {LIVE_SITE}", main, self.head(p))

    def card(self, p: dict) -> str:
        return (f'<div class="card"><a href="{self.path(p)}"><img src="/uploads/2019/05/{p["id"]}-s.jpg" alt=""><h2>'
                f'{escape(p["title"])}</h2></a><span class="card-date">{printed(p["date"]).split(" - ")[0]}</span></div>')

    def home(self) -> Reply:
        newest = next(p for p in self.pages if p["kind"] == "live" and self.updates[p["id"]])
        n = post_id(newest, len(self.updates[newest["id"]]) - 1)
        ticker = (f'<div class="ticker"><span>آخر الأخبار</span><a href="{self.path(newest)}?post={n}">'
                  f'{escape(self.updates[newest["id"]][-1]["paras"][0][:70])}...</a></div>')
        cards = "".join(self.card(p) for p in self.pages if p["kind"] == "story")
        return self.page(f"{LIVE_SITE} | الصفحة الرئيسية", f'{ticker}<div class="cards">{cards}</div>')

    def section(self, page: int) -> Reply:
        pages = self.pages[(page - 1) * 3: page * 3]
        pager = '<div class="pager"><a href="/section/libya?page=2">التالي</a></div>' if page == 1 else ""
        return self.page(f"{SECTION} | {LIVE_SITE}",
                         f'<h1 class="section-title">{SECTION}</h1><div class="cards">{"".join(self.card(p) for p in pages)}</div>{pager}')

    def feed(self) -> Reply:
        items = "".join(f"<item><title>{escape(p['title'])}</title><link>{self.base}{self.path(p)}</link><pubDate>"
                        f"{datetime.fromisoformat(p['date']).strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
                        for p in self.pages)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{LIVE_SITE}</title><link>'
               f'{self.base}/</link><description>{LIVE_SITE}</description>{items}</channel></rss>')
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())
