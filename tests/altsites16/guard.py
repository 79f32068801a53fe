"""A Libyan news site on shared hosting behind a bot-protection layer, as southern Libyan and small Arab outlets are
served: a CDN firewall and the hosting panel's "anti-DDoS" module answer some requests with a challenge instead of
the page.

The challenges (each story's ``guard`` in content.py says which one its page meets first):
a Sucuri-style JavaScript page (200, ``<title>You are being redirected...</title>``, a script that computes a
``sucuri_cloudproxy_uuid_*`` cookie with ``document.cookie`` and calls ``location.reload()``, a ``<noscript>`` line;
nothing else); the hosting panel's page in Arabic only (200, "جاري التحقق من متصفحك", a paragraph on the protection
and a spinner: text enough to pass for a short story); a DDoS-Guard-style 503 with ``Retry-After: 1`` and a
``__ddg1_`` cookie, "Checking your browser..." in Arabic and English; a BitNinja-style 429 with ``Retry-After: 1``;
and a 200 "please wait" page that sets ``__fguard`` and refreshes itself (``<meta http-equiv="refresh"
content="1">``), the page served to a request that brings the cookie back. A later visit (the retry of a 503/429, a
later crawl for a 200 challenge) gets the page. The RSS feed's first request meets the 503 too, the home page's
first one the JavaScript page (the first crawl finds the stories through the feed).

The pages: ``/news/<id>.html`` (WordPress-like markup: ``h1.entry-title``, the date as printed, "الأحد 12 مايو
2019 - 13:40", and ``article:published_time``), the home page listing every story, ``/feed/`` (RSS 2.0), a
robots.txt forbidding ``/wp-admin/`` and ``/?s=``."""

from __future__ import annotations

from collections import Counter
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules

from .content import GUARD_SITE, GUARD_STORIES

DISALLOW = ["/wp-admin/", "/?s=", "/cgi-bin/"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
HTML = (("Content-Type", "text/html; charset=UTF-8"),)

SUCURI = """<html><title>You are being redirected...</title>
<noscript>Javascript is required. Please enable javascript before you are allowed to see this page.</noscript>
<script>var s={},u,c,U,r,i,l=0,a,e=eval,w=String.fromCharCode,sucuri_cloudproxy_js='',S='bz0iNiIuc2xpY2UoMCwxKSArICdkJyArICI0Ii5zbGljZSgwLDEpOw==';L=S.length;U=0;r='';var A='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';for(u=0;u<64;u++){s[A.charAt(u)]=u;}for(i=0;i<L;i++){c=s[S.charAt(i)];U=(U<<6)+c;l+=6;while(l>=8){((a=(U>>>(l-=8))&0xff)||(i<(L-2)))&&(r+=w(a));}}e(r);document.cookie='sucuri_cloudproxy_uuid_7b2e1f9c3=' + o + ';path=/;max-age=86400'; location.reload();</script></html>
"""

PANEL = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{site}</title>
<style>body{{font-family:Tahoma;text-align:center;background:#f3f3f3}}.spinner{{margin:40px auto;width:40px;height:40px;border:4px solid #ccc;border-top-color:#2a6;border-radius:50%;animation:spin 1s linear infinite}}@keyframes spin{{to{{transform:rotate(360deg)}}}}</style>
<script>setTimeout(function(){{var t=Math.floor(Date.now()/1000);document.cookie="panel_guard="+t+"; path=/";window.location.reload();}},3000);</script>
</head><body><div class="box"><h2>جاري التحقق من متصفحك...</h2><div class="spinner"></div>
<p>يقوم نظام الحماية من هجمات حجب الخدمة بالتحقق من اتصالك قبل السماح لك بالدخول إلى الموقع، وستتم إعادة توجيهك تلقائيا إلى الصفحة المطلوبة خلال ثوان قليلة. يرجى عدم تحديث الصفحة أو إغلاقها حتى انتهاء عملية التحقق، ويجب أن يكون متصفحك يدعم ملفات تعريف الارتباط والجافاسكربت.</p>
<p>الحماية مقدمة من لوحة تحكم الاستضافة</p></div></body></html>
"""

DDG = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>DDoS-Guard</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><div id="ddg-l10n-title">Checking your browser before accessing {host}</div>
<div>جاري التحقق من متصفحك قبل الدخول إلى الموقع</div>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>
<p>هذه العملية تلقائية. سيتم تحويلك إلى المحتوى المطلوب خلال لحظات.</p>
<script src="/.well-known/ddos-guard/check?context=free_splash"></script>
<div>DDoS protection by DDoS-Guard</div></body></html>
"""

NINJA = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Please wait...</title></head>
<body><h1>Please wait while your request is being verified...</h1>
<p>يرجى الانتظار بينما يتم التحقق من طلبك...</p>
<p>Your IP address has been temporarily rate limited by BitNinja. Try again in a few seconds.</p>
<script>setTimeout(function(){{location.reload()}},1000);</script></body></html>
"""

REFRESH = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>لحظة من فضلك...</title>
<meta http-equiv="refresh" content="1"></head>
<body><p>لحظة من فضلك... يتم التحقق من متصفحك</p><p>One moment, please... Checking your browser</p></body></html>
"""


def printed_date(g: tuple[int, int, int], time: str) -> str:
    """The date as the theme prints it: weekday, day, month name, year, a dash and the time."""
    import datetime

    day = datetime.date(*g)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year} - {time}"


class GuardSite:
    """Routes and pages of the outlet behind the protection layer."""

    name = "guard"

    def __init__(self, base: str):
        self.base = base
        self.host = base.split("//", 1)[1]
        self.stories = sorted(GUARD_STORIES, key=lambda s: s["g"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.hits: Counter[str] = Counter()
        self.challenges: list[tuple[str, str, int]] = []  # (path, kind, status) of every challenge answered

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("guard", f"guard-{s['id']}", f"{self.base}/news/{s['id']}.html", s["title"],
                                tuple(s["paras"]), s["relevant"]) for s in self.stories]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/wp-admin/admin-ajax.php"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        self.hits[path] += 1
        if path == "/":
            if self.hits[path] == 1:  # the crawl's first visit to the home page
                return self.challenge(path, "sucuri")
            return Reply(200, HTML, self.home().encode())
        if path == "/feed/":
            if self.hits[path] == 1:
                return self.challenge(path, "ddg503")
            return Reply(200, (("Content-Type", "application/rss+xml; charset=UTF-8"),), self.feed().encode())
        for s in self.stories:
            if path == f"/news/{s['id']}.html":
                kind = s["guard"]
                if kind == "refresh" and "__fguard=" not in headers.get("cookie", ""):
                    return self.challenge(path, kind)
                if kind not in ("", "refresh") and self.hits[path] == 1:
                    return self.challenge(path, kind)
                self.served.append((raw, s["id"]))
                return Reply(200, HTML, self.story(s).encode())
        return Reply(404, HTML, self.wrap("الصفحة غير موجودة", "<h1>عذرا، الصفحة غير موجودة</h1>").encode())

    def challenge(self, path: str, kind: str) -> Reply:
        """The protection layer's answer instead of the page."""
        nocache = (("Cache-Control", "no-cache, no-store, must-revalidate"), ("Pragma", "no-cache"))
        if kind == "sucuri":
            reply = Reply(200, (*HTML, *nocache, ("X-Sucuri-ID", "16014")), SUCURI.encode())
        elif kind == "panel":
            reply = Reply(200, (*HTML, *nocache), PANEL.format(site=GUARD_SITE).encode())
        elif kind == "ddg503":
            reply = Reply(503, (*HTML, *nocache, ("Retry-After", "1"),
                                ("Set-Cookie", "__ddg1_=Xk2v8bq1Rt0sLmN4; Domain=; Path=/; HttpOnly; Max-Age=31536000")),
                          DDG.format(host=self.host).encode())
        elif kind == "ninja429":
            reply = Reply(429, (*HTML, *nocache, ("Retry-After", "1")), NINJA.encode())
        else:  # "refresh"
            reply = Reply(200, (*HTML, *nocache, ("Set-Cookie", "__fguard=ok7f3a; Path=/; Max-Age=600")),
                          REFRESH.encode())
        self.challenges.append((path, kind, reply.status))
        return reply

    def wrap(self, title: str, inner: str, head: str = "") -> str:
        nav = "".join(f'<li><a href="/category/{c}/">{n}</a></li>' for c, n in
                      (("libya", "ليبيا"), ("south", "الجنوب"), ("economy", "اقتصاد"), ("sport", "رياضة")))
        return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar"><head><meta charset="UTF-8"><title>{escape(title)}</title>
<meta name="generator" content="WordPress 5.2.1">{head}
<link rel="alternate" type="application/rss+xml" title="{GUARD_SITE} &raquo; الخلاصة" href="{self.base}/feed/">
</head><body class="home blog">
<header id="masthead"><div class="top-bar">تابعونا على فيسبوك وتويتر</div>
<div class="site-branding"><a href="/" rel="home">{GUARD_SITE}</a></div>
<nav class="main-navigation"><ul><li><a href="/">الرئيسية</a></li>{nav}</ul></nav>
<div class="breaking"><span>عاجل</span> متابعة مستمرة لآخر الأخبار من الجنوب الليبي</div></header>
<div id="content">{inner}</div>
<footer id="colophon"><p>جميع الحقوق محفوظة لبوابة فزان الإخبارية 2019</p>
<p><a href="/about/">من نحن</a> | <a href="/contact/">اتصل بنا</a></p></footer></body></html>"""

    def home(self) -> str:
        cards = "".join(f'<article class="post"><h2 class="entry-title"><a href="/news/{s["id"]}.html">'
                        f'{escape(s["title"])}</a></h2><p>{escape(s["paras"][0][:90])}...</p></article>'
                        for s in self.stories)
        return self.wrap(GUARD_SITE, f'<main class="site-main">{cards}</main>')

    def feed(self) -> str:
        items = "".join(f"<item><title>{escape(s['title'])}</title><link>{self.base}/news/{s['id']}.html</link>"
                        f"<guid isPermaLink=\"false\">{self.base}/?p={s['id']}</guid></item>" for s in self.stories)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{GUARD_SITE}</title>'
                f"<link>{self.base}/</link><description>أخبار الجنوب الليبي</description>{items}</channel></rss>")

    def story(self, s: dict) -> str:
        y, m, d = s["g"]
        iso = f"{y:04d}-{m:02d}-{d:02d}T{s['time']}:00+02:00"
        paras = "".join(f"<p>{escape(p)}</p>" for p in s["paras"])
        related = "".join(f'<li><a href="/news/{o["id"]}.html">{escape(o["title"])}</a></li>'
                          for o in self.stories if o["id"] != s["id"])
        head = (f'<meta property="og:type" content="article"><meta property="article:published_time" '
                f'content="{iso}"><link rel="canonical" href="{self.base}/news/{s["id"]}.html">')
        inner = f"""<main class="site-main"><article class="post type-post">
<header class="entry-header"><h1 class="entry-title">{escape(s['title'])}</h1>
<div class="entry-meta"><span class="post-date">{printed_date(s['g'], s['time'])}</span></div></header>
<div class="entry-content">{paras}</div>
<div class="share">شارك الخبر: <a href="https://facebook.com/sharer.php">فيسبوك</a></div>
</article><aside class="related"><h3>أخبار ذات صلة</h3><ul>{related}</ul></aside></main>"""
        return self.wrap(f"{s['title']} – {GUARD_SITE}", inner, head)
