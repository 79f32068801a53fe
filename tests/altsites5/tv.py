"""A Libya-focused satellite TV channel's news site of 2015-2025: video story pages (``/news/<id>/<Arabic slug>``)
whose text is a short summary under the player and the report's transcript, a "most watched" box, programme pages
that are not articles, slugs percent-encoded in upper case on some links and lower case on others (the CMS and the
player embed each escape their own way), ``/news/<id>`` answering 301 to the slugged URL, a video-section twin
``/video/<id>`` with a rel=canonical to the story, an archive by date (``/archive/2019-05-12``), ages as "منذ 3
ساعات" on the lists and full dates on the story, and a sitemap index split by month (``/sitemaps/2019-05.xml``) that
robots.txt names; robots.txt forbids the player embeds and the search."""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import TRANSCRIPT_LABEL, TV_ARTICLES, TV_PROGRAMMES, TV_SITE

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
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
DISALLOW = ["/embed/", "/search", "/*?autoplay="]


def _robots(base: str) -> str:
    return (
        "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW) + f"\nSitemap: {base}/sitemap.xml\n"
    )


def _day(g: tuple[int, int, int]) -> str:
    from datetime import date

    d = date(*g)
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def _ago(hours: int) -> str:
    return "منذ ساعة" if hours == 1 else ("منذ ساعتين" if hours == 2 else f"منذ {hours} ساعات")


class TvSite:
    """Routes and pages of the channel."""

    name = "tv"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(TV_ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.listed = [a for a in self.articles if not a.get("archive_only")]
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def path(self, a: dict, *, lower: bool = False) -> str:
        """The story's URL path: its slug escaped in upper case (the CMS) or in lower case (the player's links)."""
        slug = quote(a["slug"])
        return f"/news/{a['id']}/{slug.lower() if lower else slug}"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    @staticmethod
    def paras(a: dict) -> list[str]:
        return [*a["summary"], *([TRANSCRIPT_LABEL, *a["transcript"]] if a["transcript"] else [])]

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its slugged URL (its rel=canonical): summary, the transcript's heading, transcript."""
        return [
            ExpectedArticle(
                "tv", f"tv-{a['id']}", self.url(a), a["title"], tuple(self.paras(a)), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The embed players and the autoplay links every story page links to."""
        return [f"{self.base}/embed/{a['id']}" for a in self.articles] + [
            f"{self.url(a)}?autoplay=1" for a in self.articles
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), _robots(self.base).encode())
        if path == "/sitemap.xml":
            return self.sitemap_index()
        if path.startswith("/sitemaps/") and path.endswith(".xml"):
            return self.month_sitemap(path[len("/sitemaps/") : -4])
        if path == "/":
            return self.page("الرئيسية", self.home())
        if path == "/archive":
            days = sorted({a["g"] for a in self.articles}, reverse=True)
            links = "".join(f'<li><a href="/archive/{"%04d-%02d-%02d" % g}">{_day(g)}</a></li>' for g in days)
            return self.page("الأرشيف", f'<div class="archive-days"><h1>الأرشيف</h1><ul>{links}</ul></div>')
        if path.startswith("/archive/"):
            return self.archive_day(path[len("/archive/") :])
        if path.startswith("/programs/"):
            slug = path[len("/programs/") :].strip("/")
            if slug in TV_PROGRAMMES:
                return self.programme(slug)
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in ("news", "video") and parts[1].isdigit():
            a = self.by_id.get(int(parts[1]))
            if a is not None:
                if parts[0] == "video" and len(parts) == 2 and a["video_twin"]:
                    self.served.append((raw, a["id"]))
                    return self.story(a, twin=True)
                if parts[0] == "news" and len(parts) == 2:
                    return redirect(301, self.url(a))
                if parts[0] == "news" and len(parts) == 3 and parts[2] == a["slug"]:
                    self.served.append((raw, a["id"]))
                    return self.story(a)
        return self.page("الصفحة غير موجودة", "<h1>عذرا، الصفحة غير موجودة</h1>", status=404)

    # -- sitemaps ------------------------------------------------------------------------------

    def _months(self) -> dict[str, list[dict]]:
        by_month: dict[str, list[dict]] = defaultdict(list)
        for a in self.articles:
            by_month["%04d-%02d" % a["g"][:2]].append(a)
        return by_month

    def sitemap_index(self) -> Reply:
        """One sitemap per month, newest first, as the channel's CMS splits them."""
        entries = "".join(
            f"<sitemap><loc>{self.base}/sitemaps/{m}.xml</loc><lastmod>{m}-28T00:00:00+02:00</lastmod></sitemap>"
            for m in sorted(self._months(), reverse=True)
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/'
            f'0.9">{entries}</sitemapindex>'
        )
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), body.encode())

    def month_sitemap(self, month: str) -> Reply:
        """A month's stories (slugs escaped in lower case, as the sitemap plugin writes them) and, in the first
        month, the programme pages (a sitemap lists everything the site has)."""
        items = self._months().get(month)
        if items is None:
            return Reply(404, (("Content-Type", "text/plain"),), b"not found")
        entries = "".join(
            f"<url><loc>{self.base}{self.path(a, lower=True)}</loc><lastmod>{'%04d-%02d-%02d' % a['g']}T"
            f"{a['time']}:00+02:00</lastmod><changefreq>never</changefreq></url>"
            for a in items
        )
        if month == min(self._months()):
            entries += "".join(
                f"<url><loc>{self.base}/programs/{quote(s)}</loc><changefreq>weekly</changefreq></url>"
                for s in TV_PROGRAMMES
            )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>"
        )
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), body.encode())

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The channel's shell: live-stream bar, logo, menu, ``main``, the most-watched box, the schedule, footer."""
        watched = "".join(
            f'<li><a href="{self.path(a, lower=True)}"><img src="/thumbs/{a["id"]}.jpg" alt="">'
            f'<span class="t">{escape(a["title"])}</span></a><span class="ago">{_ago(a["hours_ago"])}</span>'
            f'<span class="views">{(a["id"] % 5000) + 1200} مشاهدة</span></li>'
            for a in sorted(self.listed, key=lambda a: a["id"] % 7)[:4]
        )
        progs = "".join(
            f'<li><a href="/programs/{quote(s)}">{s.replace("-", " ")}</a></li>' for s in TV_PROGRAMMES
        )
        return html_reply(
            f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)} - {TV_SITE}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{head}
<link rel="stylesheet" href="/static/css/main.rtl.css?v=3.2"></head><body class="rtl">
<div class="live-bar"><a href="/live" class="live-btn"><span class="dot"></span>البث المباشر</a>
<span class="now-playing">يعرض الآن: نشرة الأخبار الرئيسية</span></div>
<header class="header"><a class="brand" href="/"><img src="/static/img/logo.svg" alt="{TV_SITE}"></a>
<nav class="main-nav"><ul><li><a href="/">الرئيسية</a></li><li><a href="/archive">الأرشيف</a></li>
<li class="dropdown"><a href="#">البرامج</a><ul>{progs}</ul></li><li><a href="/search">بحث</a></li></ul></nav></header>
<main class="content"><div class="main-col">{main}</div>
<aside class="side-col"><section class="most-watched"><h3 class="box-title">الأكثر مشاهدة</h3><ul>{watched}</ul>
</section><section class="schedule"><h3 class="box-title">جدول البرامج</h3><ul><li>20:00 نشرة الأخبار الرئيسية</li>
<li>21:00 بانوراما المساء</li></ul></section></aside></main>
<footer class="footer"><ul class="social"><li><a href="https://www.youtube.com/c/sahel">يوتيوب</a></li>
<li><a href="https://www.facebook.com/sahel.tv">فيسبوك</a></li></ul>
<p>تردد القناة على نايل سات 11595 أفقي</p><p>© {TV_SITE} 2015 - 2025 جميع الحقوق محفوظة</p></footer>
</body></html>""",
            status=status,
        )

    def card(self, a: dict, *, lower: bool = False, video: bool = False, short: bool = False) -> str:
        """A story card of the lists: thumbnail, duration, headline and age ("منذ 3 ساعات"); ``video``: linked to
        the video section's player page; ``short``: to ``/news/<id>``, which answers 301 to the slugged URL."""
        href = f"/video/{a['id']}" if video else f"/news/{a['id']}" if short else self.path(a, lower=lower)
        return (
            f'<div class="card"><a class="thumb" href="{href}"><img src="/thumbs/{a["id"]}.jpg" alt="">'
            f'<span class="duration">02:{a["id"] % 60:02d}</span></a><h3><a href="{href}">{escape(a["title"])}</a>'
            f'</h3><span class="ago">{_ago(a["hours_ago"])}</span></div>'
        )

    def home(self) -> str:
        """The latest stories, then the video strip (the video section's player pages)."""
        cards = "".join(self.card(a) for a in self.listed)
        strip = "".join(self.card(a, video=True) for a in self.listed if a["video_twin"])
        return (
            f'<section class="latest"><h2 class="box-title">آخر الأخبار</h2>{cards}</section>'
            f'<section class="video-strip"><h2 class="box-title">فيديو</h2>{strip}</section>'
        )

    def archive_day(self, day: str) -> Reply:
        """The day's stories, oldest first, the first linked by its short URL, the others in lower-case escapes."""
        items = [a for a in reversed(self.articles) if "%04d-%02d-%02d" % a["g"] == day]
        if not items:
            return self.page("الأرشيف", "<h1>لا توجد أخبار في هذا اليوم</h1>", status=404)
        cards = "".join(self.card(a, lower=True, short=n == 0) for n, a in enumerate(items))
        return self.page(
            f"أرشيف {day}", f'<section class="archive"><h1>أرشيف يوم {day}</h1>{cards}</section>'
        )

    def programme(self, slug: str) -> Reply:
        """A programme page: its blurb, air times, presenters and the latest episodes (no article)."""
        episodes = "".join(
            f'<li><a href="/programs/{quote(slug)}?episode={n}">الحلقة {n}</a> <span class="ago">{_ago(n + 2)}</span></li>'
            for n in range(12, 8, -1)
        )
        main = (
            f'<div class="program"><h1>{slug.replace("-", " ")}</h1><p class="blurb">{TV_PROGRAMMES[slug]}</p>'
            f'<div class="airtimes">يعرض يوميا الساعة 21:00 بتوقيت طرابلس والإعادة 02:00</div>'
            f'<h2>الحلقات</h2><ul class="episodes">{episodes}</ul></div>'
        )
        return self.page(slug.replace("-", " "), main)

    def story(self, a: dict, *, twin: bool = False) -> Reply:
        """A video story: the player, headline, date and time, summary, the transcript, tags, share links."""
        summary = "".join(f"<p>{escape(p)}</p>" for p in a["summary"])
        transcript = ""
        if a["transcript"]:
            lines = "".join(f"<p>{escape(p)}</p>" for p in a["transcript"])
            transcript = (
                f'<div class="transcript"><h2 class="transcript-title">{TRANSCRIPT_LABEL}</h2>{lines}</div>'
            )
        related = "".join(self.card(b, video=b["video_twin"]) for b in self.listed if b is not a)
        main = f"""<div class="video-story">
<div class="player"><iframe src="/embed/{a["id"]}" allowfullscreen></iframe>
<a class="autoplay" href="{self.path(a)}?autoplay=1">تشغيل تلقائي</a></div>
<h1 class="story-title">{escape(a["title"])}</h1>
<div class="story-meta"><span class="date">{_day(a["g"])} - {a["time"]}</span>
<span class="views">{(a["id"] % 5000) + 1200} مشاهدة</span></div>
<div class="story-body"><div class="story-summary">{summary}</div>{transcript}</div>
<div class="tags"><span>الوسوم:</span><a href="/tag/ليبيا">ليبيا</a><a href="/tag/طرابلس">طرابلس</a></div>
<div class="share"><span>شارك:</span><a href="https://www.facebook.com/sharer.php?u={self.url(a)}">فيسبوك</a>
<a href="https://twitter.com/intent/tweet?url={self.url(a)}">تويتر</a><a href="https://wa.me/?text={self.url(a)}">واتساب</a>
<a class="short-link" href="/news/{a["id"]}">رابط مختصر</a></div>
</div><section class="related-videos"><h2 class="box-title">فيديوهات ذات صلة</h2>{related}</section>"""
        # Google's video structured data: a VideoObject whose date is its uploadDate (datePublished is optional)
        video = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": a["title"],
            "description": a["summary"][0],
            "thumbnailUrl": f"{self.base}/thumbs/{a['id']}.jpg",
            "uploadDate": "%04d-%02d-%02dT%s:00+02:00" % (*a["g"], a["time"]),
            "duration": f"PT2M{a['id'] % 60}S",
            "embedUrl": f"{self.base}/embed/{a['id']}",
        }
        head = (
            f'<link rel="canonical" href="{self.url(a)}"><meta property="og:type" content="video.other">'
            f'<meta property="og:title" content="{escape(a["title"])}">'
            f'<meta property="og:video" content="{self.base}/embed/{a["id"]}">'
            f'<script type="application/ld+json">{json.dumps(video, ensure_ascii=False)}</script>'
        )
        return self.page(a["title"], main, head=head)
