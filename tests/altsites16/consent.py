"""An Arab news site behind a consent management platform and an age/region gate, with a print view of every story.

Every page is served under a full-screen consent overlay (``<div id="cmp-overlay" role="dialog" aria-modal="true">``
before the page's own markup: its heading "نحترم خصوصيتك", the notice in Arabic and English, "قبول الكل" and
"إدارة الخيارات" buttons, the partners' list); the story is in the page beneath it. A story of the "sensitive
pictures" section (``gate`` "age") is behind an age and region interstitial: the first request of a session (no
``age_gate`` cookie) is answered 302 ``/consent?return=<page>``, a page that sets the cookie and sends the reader back
after three seconds (``<meta http-equiv="refresh" content="3;url=<page>">``), in Arabic and English.

Addresses: stories ``/news/<id>/`` (a rel=canonical to themselves), each linking its print view
``/news/<id>/print/`` (a table template with the headline in ``<td class="ptitle">``, the date as "تاريخ النشر:
2019-06-02 10:20", the story's address and "طبع من موقع", no canonical, no overlay); the header's "النسخة النصية"
link opens ``/text/``, the text-only edition, which lists the print views. The story page prints its date day first
("الأحد 02/06/2019 - 10:20") beside ``<time datetime>``. robots.txt forbids ``/cmp/`` and ``/search``."""

from __future__ import annotations

import datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, redirect

from .content import CONSENT_SITE, GATED_STORIES

DISALLOW = ["/cmp/", "/search"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
HTML = (("Content-Type", "text/html; charset=utf-8"),)

OVERLAY = """<div id="cmp-overlay" class="cmp-root" role="dialog" aria-modal="true" style="position:fixed;inset:0;z-index:99999;background:rgba(0,0,0,.6)">
<div class="cmp-box"><h2 class="cmp-title">نحترم خصوصيتك</h2>
<p>نستخدم نحن وشركاؤنا ملفات تعريف الارتباط وتقنيات مماثلة لتخزين المعلومات على جهازك والوصول إليها، وذلك لعرض إعلانات ومحتوى مخصص وقياس أداء الإعلانات والمحتوى وفهم جمهورنا وتطوير خدماتنا. يمكنك قبول ذلك أو إدارة خياراتك في أي وقت من صفحة سياسة الخصوصية.</p>
<p lang="en" dir="ltr">We and our partners store and access information on your device, such as cookies, to show personalised ads and content, measure ads and content and develop our services.</p>
<ul class="cmp-vendors"><li>شركاء الإعلان (143)</li><li>شركاء القياس (28)</li></ul>
<button class="cmp-accept">قبول الكل</button> <button class="cmp-manage">إدارة الخيارات</button>
<a href="/cmp/privacy-policy/">سياسة الخصوصية</a></div></div>"""

GATE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تنبيه - {site}</title>
<meta http-equiv="refresh" content="3;url={back}"></head>
<body class="age-gate"><h1>تنبيه: محتوى حساس</h1>
<p>تتضمن هذه الصفحة صورا قد لا تناسب من هم دون الثامنة عشرة، وقد لا تكون متاحة في منطقتك. بمتابعتك تؤكد أنك تجاوزت الثامنة عشرة.</p>
<p lang="en" dir="ltr">This page contains images that may not be suitable for readers under 18. By continuing you confirm you are over 18.</p>
<p>سيتم تحويلك خلال 3 ثوان. <a href="{back}">متابعة</a></p></body></html>
"""


class ConsentSite:
    """Routes and pages of the outlet behind the consent overlay and the age gate."""

    name = "consent"

    def __init__(self, base: str):
        self.base = base
        self.stories = sorted(GATED_STORIES, key=lambda s: s["g"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.gated: list[str] = []  # the pages sent to the gate

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("consent", f"consent-{s['id']}", f"{self.base}/news/{s['id']}/", s["title"],
                                tuple(s["paras"]), s["relevant"]) for s in self.stories]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/cmp/privacy-policy/"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/":
            return Reply(200, HTML, self.home().encode())
        if path == "/text/":
            return Reply(200, HTML, self.text_home().encode())
        if path == "/consent":
            back = query.get("return", "/")
            if not back.startswith("/"):
                back = "/"
            return Reply(200, (*HTML, ("Set-Cookie", "age_gate=1; Path=/; Max-Age=2592000")),
                         GATE.format(site=CONSENT_SITE, back=escape(back)).encode())
        for s in self.stories:
            page = f"/news/{s['id']}/"
            if path == page:
                if s["gate"] == "age" and "age_gate=1" not in headers.get("cookie", ""):
                    self.gated.append(raw)
                    return redirect(302, f"/consent?return={quote(page)}", (("Cache-Control", "no-store"),))
                self.served.append((raw, s["id"]))
                return Reply(200, HTML, self.story(s).encode())
            if path == page + "print/":
                self.served.append((raw, s["id"]))
                return Reply(200, HTML, self.print_view(s).encode())
        return Reply(404, HTML, self.wrap("الصفحة غير موجودة", "<h1>الصفحة غير موجودة</h1>").encode())

    def wrap(self, title: str, inner: str, head: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)}</title>{head}
<script src="/cmp/stub.js"></script></head>
<body>{OVERLAY}
<header class="site-header"><a class="logo" href="/">{CONSENT_SITE}</a>
<nav><a href="/">الرئيسية</a> <a href="/section/arab/">عربي</a> <a href="/section/world/">دولي</a>
<a href="/text/">النسخة النصية</a></nav></header>
<main>{inner}</main>
<footer><p>© 2019 {CONSENT_SITE}. جميع الحقوق محفوظة.</p><a href="/cmp/privacy-policy/">سياسة الخصوصية</a>
<a href="#" class="cmp-reopen">إعدادات ملفات تعريف الارتباط</a></footer></body></html>"""

    def home(self) -> str:
        cards = "".join(f'<div class="card"><h3><a href="/news/{s["id"]}/">{escape(s["title"])}</a></h3>'
                        f'<p>{escape(s["paras"][0][:80])}...</p></div>' for s in self.stories)
        return self.wrap(CONSENT_SITE, f'<section class="latest"><h2>آخر الأخبار</h2>{cards}</section>')

    def text_home(self) -> str:
        rows = "".join(f'<li><a href="/news/{s["id"]}/print/">{escape(s["title"])}</a></li>' for s in self.stories)
        return (f'<html dir="rtl"><head><meta charset="utf-8"><title>{CONSENT_SITE} - النسخة النصية</title></head>'
                f'<body><h1>{CONSENT_SITE}</h1><ul>{rows}</ul></body></html>')

    def story(self, s: dict) -> str:
        y, m, d = s["g"]
        day = datetime.date(y, m, d)
        iso = f"{y:04d}-{m:02d}-{d:02d}T{s['time']}:00+03:00"
        printed = f"{WEEKDAYS[day.weekday()]} {d:02d}/{m:02d}/{y} - {s['time']}"
        paras = "".join(f"<p>{escape(p)}</p>" for p in s["paras"])
        head = (f'<link rel="canonical" href="{self.base}/news/{s["id"]}/">'
                f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(s["title"])}">')
        inner = f"""<article class="story"><h1 class="story-title">{escape(s['title'])}</h1>
<div class="story-meta"><time datetime="{iso}">{printed}</time>
<a class="print" href="/news/{s['id']}/print/">طباعة</a></div>
<div class="story-body">{paras}</div></article>
<aside class="most-read"><h3>الأكثر قراءة</h3><ol>{''.join(f'<li><a href="/news/{o["id"]}/">{escape(o["title"])}</a></li>' for o in self.stories)}</ol></aside>"""
        return self.wrap(f"{s['title']} | {CONSENT_SITE}", inner, head)

    def print_view(self, s: dict) -> str:
        y, m, d = s["g"]
        paras = "".join(f"{escape(p)}<br><br>" for p in s["paras"])
        return f"""<html dir="rtl"><head><meta charset="utf-8"><title>{CONSENT_SITE} - طباعة</title>
<meta name="robots" content="noindex"></head><body onload="window.print()">
<table width="640" align="center" cellpadding="6"><tr><td><img src="/img/logo-print.png" alt="{CONSENT_SITE}"></td></tr>
<tr><td class="ptitle"><b><font size="5">{escape(s['title'])}</font></b></td></tr>
<tr><td class="pdate">تاريخ النشر: {y:04d}-{m:02d}-{d:02d} {s['time']}</td></tr>
<tr><td class="ptext">{paras}</td></tr>
<tr><td class="purl">رابط الخبر: {self.base}/news/{s['id']}/</td></tr>
<tr><td class="pfoot">طبع من موقع {CONSENT_SITE}</td></tr></table></body></html>"""
