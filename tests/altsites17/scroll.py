"""A news site whose story pages carry the next stories inline, as Al-Ain, Erem News or Al-Masry Al-Youm print
their "infinite article": ``/article/<slug>``.

Below its own story a page holds the next two older stories whole, each with its own h1, date line and body, in a
``<div class="article-item">`` like the page's own (no ``<article>``, no microdata): the first of them names its
address in ``data-article-url``, the second only in the page's script (``window.__INFINITE__`` JSON, the list the
script walks to call ``history.pushState`` as the reader scrolls). Under each story a "read also" box holds two
teasers with the other story's whole first paragraph as the lead (outside the link); one story is a one-paragraph
brief, shorter than either lead and either story carried below it. The page's head is the own
story's: its ``<title>``, og:title, rel=canonical, ``article:published_time`` and a JSON-LD NewsArticle. The date
is printed as the site prints it ("الأحد 2019/8/4 07:45 م بتوقيت أبوظبي"), a ``<time datetime>`` beside it. The
home page links each story with ``?ref=home``, the RSS feed with ``?utm_source=rss``; robots.txt forbids
``/search`` and ``/ajax/``."""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import SCROLL_SITE, SCROLL_STORIES

DISALLOW = ["/search", "/ajax/"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


def iso(s: dict) -> str:
    """The publication moment (Gulf time, UTC+4)."""
    return "%04d-%02d-%02dT" % s["g"] + s["time"] + ":00+04:00"


def printed(s: dict) -> str:
    """The date line: weekday, y/m/d, a 12-hour clock with ص/م, the time zone's name."""
    day = dt.date(*s["g"])
    hour, minute = map(int, s["time"].split(":"))
    half = "م" if hour >= 12 else "ص"
    return f"{WEEKDAYS[day.weekday()]} {day.year}/{day.month}/{day.day} {(hour - 1) % 12 + 1:02d}:{minute:02d} {half} بتوقيت أبوظبي"


class ScrollSite:
    """Routes and pages of the "infinite article" outlet."""

    name = "scroll"

    def __init__(self, base: str):
        self.base = base
        self.stories = list(SCROLL_STORIES)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("scroll", f"scroll-{s['id']}", f"{self.base}/article/{s['slug']}", s["title"],
                                tuple(s["paras"]), s["relevant"]) for s in self.stories]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/ajax/next?after={s['id']}" for s in self.stories]

    def next_of(self, s: dict) -> list[dict]:
        """The two older stories the page carries below ``s`` (fewer at the end of the list)."""
        at = self.stories.index(s)
        return self.stories[at + 1: at + 3]

    def related_of(self, s: dict) -> list[dict]:
        """Two teasers of the "read also" box: stories other than ``s`` and the ones carried below it."""
        skip = [s, *self.next_of(s)]
        return [o for o in reversed(self.stories) if o not in skip][:2]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/":
            return html_reply(self.home(), gzip_ok=True)
        if path == "/rss":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.feed().encode())
        for s in self.stories:
            if path == f"/article/{s['slug']}":
                self.served.append((raw, s["id"]))
                return html_reply(self.page(s), gzip_ok=True)
        return html_reply(self.wrap("404", "<h1>الصفحة غير موجودة</h1>"), status=404)

    def wrap(self, title: str, inner: str, head: str = "") -> str:
        nav = "".join(f'<li><a href="/">{n}</a></li>' for n in ("ليبيا", "الخليج", "العالم", "اقتصاد", "رياضة"))
        return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{head}</head>
<body><header><div class="breaking"><span>عاجل</span> <a href="/">تابعوا آخر التطورات لحظة بلحظة</a></div>
<a class="logo" href="/">{SCROLL_SITE}</a><nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="بحث"></form></header>
{inner}
<footer><p>جميع الحقوق محفوظة © {SCROLL_SITE} 2019</p><p><a href="/">من نحن</a> | <a href="/">اتصل بنا</a></p>
</footer></body></html>"""

    def home(self) -> str:
        cards = "".join(f'<div class="card"><a href="/article/{s["slug"]}?ref=home"><h3>{escape(s["title"])}</h3></a>'
                        f'<p>{escape(s["paras"][0][:80])}...</p></div>' for s in self.stories)
        return self.wrap(SCROLL_SITE, f'<main class="home">{cards}</main>')

    def feed(self) -> str:
        items = "".join(f"<item><title>{escape(s['title'])}</title>"
                        f"<link>{self.base}/article/{s['slug']}?utm_source=rss</link>"
                        f"<guid isPermaLink=\"false\">ufuq-{s['id']}</guid></item>" for s in self.stories)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{SCROLL_SITE}</title>'
                f"<link>{self.base}/</link><description>آخر الأخبار</description>{items}</channel></rss>")

    def block(self, s: dict, *, own: bool, url_attr: bool) -> str:
        """One story as the page prints it: breadcrumb, h1, date, photo, body, share bar, "read also" teasers."""
        attrs = f' data-article-id="{s["id"]}"'
        if url_attr:
            attrs += f' data-article-url="/article/{s["slug"]}"'
        paras = "".join(f"<p>{escape(p)}</p>" for p in s["paras"])
        teasers = "".join(f'<div class="related-card"><a href="/article/{o["slug"]}"><h4>{escape(o["title"])}</h4></a>'
                          f'<p class="lead">{escape(o["paras"][0])}</p></div>' for o in self.related_of(s))
        return f"""<div class="article-item{'' if own else ' next-article'}"{attrs}>
<div class="breadcrumb"><a href="/">الرئيسية</a> / <a href="/">ليبيا</a></div>
<h1 class="article-title">{escape(s['title'])}</h1>
<div class="article-date"><time datetime="{iso(s)}">{printed(s)}</time></div>
<figure class="main-image"><img src="/img/{s['id']}.jpg" alt=""><figcaption>صورة أرشيفية</figcaption></figure>
<div class="article-body">{paras}</div>
<div class="share-bar">شارك: <a href="https://twitter.com/intent/tweet">تويتر</a> <a href="https://facebook.com/sharer.php">فيسبوك</a></div>
<div class="related-news"><h3>اقرأ أيضا</h3>{teasers}</div></div>"""

    def page(self, s: dict) -> str:
        following = self.next_of(s)
        blocks = [self.block(s, own=True, url_attr=True)]
        blocks += [self.block(o, own=False, url_attr=i == 0) for i, o in enumerate(following)]
        queue = [{"id": o["id"], "url": f"/article/{o['slug']}", "title": o["title"]} for o in following]
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
              "datePublished": iso(s), "mainEntityOfPage": f"{self.base}/article/{s['slug']}",
              "publisher": {"@type": "Organization", "name": SCROLL_SITE}}
        head = (f'<link rel="canonical" href="{self.base}/article/{s["slug"]}">'
                f'<meta property="og:title" content="{escape(s["title"])}">'
                f'<meta property="article:published_time" content="{iso(s)}">'
                f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
        script = (f"<script>window.__INFINITE__ = {json.dumps(queue, ensure_ascii=False)};"
                  "window.addEventListener('scroll', function () { var n = window.__INFINITE__[0];"
                  " if (n) { history.pushState({id: n.id}, n.title, n.url); document.title = n.title; } });</script>")
        inner = f'<main id="infinite-container">{"".join(blocks)}</main><div class="loader"></div>{script}'
        return self.wrap(f"{s['title']} | {SCROLL_SITE}", inner, head)
