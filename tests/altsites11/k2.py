"""A Libyan municipal outlet on Joomla 3 with the K2 component, as Libyan party and municipal outlets used.

Addresses as Joomla's router makes them without URL rewriting: an item is ``/index.php/<category>/item/<id>-<slug>``
(the category lists link it so; K2 prints a rel=canonical to it) and ``/index.php?option=com_k2&view=item&id=<id>:
<slug>&Itemid=<n>`` (the "latest news" module's links; no canonical), both answering 200. An item split by
``{pagebreak}`` shows one part a page: ``?start=<n>`` (the article index's links) and ``?limitstart=<n>`` (the pager's
"next"), a "صفحة 2 من 3" counter; every item links its print view ``?tmpl=component&print=1`` (the whole item, its
parts one after the other, as Joomla's pagebreak plugin prints it). Category lists page with ``?start=<n>``; each has
the K2 RSS feed ``?format=feed&type=rss``. Joomla 3's default robots.txt.

An item: the K2 date span ("الأحد, 12 أيار/مايو 2019 14:30", Joomla's Arabic pack with the Levantine and Egyptian
month names), the title in ``h2.itemTitle``, the legacy "Written by" line (the pack leaves it untranslated), the
toolbar, the text, the extra fields ("المصدر", "الموقع") as a table under it, the last-modified line, category and
tags, related items, the previous/next navigation; the template's top bar prints today's date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import CATEGORIES, ITEMS, SITE, k2_paras

DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
MONTHS = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيو",
          "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"]
DISALLOW = ["/administrator/", "/bin/", "/cache/", "/cli/", "/components/", "/includes/", "/installation/",
            "/language/", "/layouts/", "/libraries/", "/logs/", "/modules/", "/plugins/", "/tmp/"]
PER_PAGE = 1  # items per category list page (?start=N)


def k2_date(day: tuple, time: str = "") -> str:
    """K2's date: "الأحد, 12 أيار/مايو 2019 14:30"."""
    d = date(*day)
    return f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year}" + (f" {time}" if time else "")


class K2Site:
    """Routes and pages of the Joomla/K2 site."""

    name = "k2"

    def __init__(self, base: str):
        self.base = base
        self.items = sorted(ITEMS, key=lambda a: (a["g"], a["time"]), reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.today = date(*self.items[0]["g"]) + timedelta(days=3)

    def sef(self, a: dict) -> str:
        return f"{self.base}/index.php/{a['cat']}/item/{a['id']}-{a['slug']}"

    def raw(self, a: dict) -> str:
        return (f"{self.base}/index.php?option=com_k2&view=item&id={a['id']}:{a['slug']}"
                f"&Itemid={CATEGORIES[a['cat']][1]}")

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("k2", f"k2-{a['id']}", self.sef(a), a["title"], k2_paras(a), a["relevant"])
                for a in self.items]

    def forbidden_links(self) -> list[str]:
        """The pages link nothing robots.txt forbids but the component's scripts and the module's assets."""
        return [f"{self.base}/components/com_k2/js/k2.js", f"{self.base}/modules/mod_k2_content/tmpl/style.css"]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        page = int(query.get("start") or query.get("limitstart") or 0)
        if path == "/index.php" and query.get("option") == "com_k2" and query.get("view") == "item":
            for a in self.items:
                if query.get("id", "").split(":")[0] == str(a["id"]):
                    self.served.append((raw, a["id"]))
                    return self.item(a, page, sef=False, printable=query.get("print") == "1")
        if path in ("/", "/index.php") and not query:
            return self.home()
        for a in self.items:
            if path == f"/index.php/{a['cat']}/item/{a['id']}-{a['slug']}":
                self.served.append((raw, a["id"]))
                return self.item(a, page, sef=True, printable=query.get("print") == "1")
        for cat in CATEGORIES:
            if path == f"/index.php/{cat}":
                if query.get("format") == "feed":
                    return self.feed(cat)
                return self.category(cat, page)
        return self.page("404 - الصفحة غير موجودة", "<h2>404 - لم يتم العثور على الصفحة</h2>", status=404)

    # -- pieces --------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, canonical: str = "", status: int = 200, head: str = "") -> Reply:
        link = f'<link href="{canonical}" rel="canonical" />' if canonical else ""
        latest = "".join(f'<li><a class="moduleItemTitle" href="{escape(self.raw(a))}">{escape(a["title"])}</a>'
                         f'<span class="moduleItemDateCreated">{k2_date(a["g"])}</span></li>' for a in self.items)
        menu = "".join(f'<li><a href="{self.base}/index.php/{c}">{n}</a></li>' for c, (n, _) in CATEGORIES.items())
        html = ('<!DOCTYPE html><html lang="ar-aa" dir="rtl"><head><meta http-equiv="content-type" content="text/html; '
                f'charset=utf-8" /><meta name="generator" content="Joomla! - Open Source Content Management" />{link}'
                f'{head}<title>{escape(title)}</title><link href="{self.base}/components/com_k2/css/k2.css" rel="stylesheet" />'
                f'<script src="{self.base}/components/com_k2/js/k2.js" type="text/javascript"></script></head><body>'
                f'<div id="topbar"><span class="date">{k2_date((self.today.year, self.today.month, self.today.day))}</span>'
                f'</div><div id="header"><a href="{self.base}/"><img src="{self.base}/images/logo.png" alt="{SITE}" /></a>'
                f'</div><ul class="nav menu"><li><a href="{self.base}/">الرئيسية</a></li>{menu}</ul>'
                f'<div id="main">{main}</div><div id="aside"><div class="moduletable"><h3>آخر الأخبار</h3>'
                f'<div id="k2ModuleBox91" class="k2ItemsBlock"><ul>{latest}</ul></div></div></div>'
                f'<div id="footer">جميع الحقوق محفوظة &copy; {self.today.year} {SITE}</div></body></html>')
        return html_reply(html, status=status)

    def part(self, a: dict, n: int) -> str:
        return "".join(f"<p>{escape(t)}</p>" for t in a["pages"][n])

    def item(self, a: dict, n: int, *, sef: bool, printable: bool) -> Reply:
        pages = len(a["pages"])
        url = self.sef(a) if sef else self.raw(a)
        amp = "?" if sef else "&"
        if printable:
            text = "<br />".join(self.part(a, i) for i in range(pages))
        else:
            n = min(n, pages - 1)
            text = self.part(a, n)
            if pages > 1:
                index = "".join(f'<li><a href="{escape(url + (f"{amp}start={i}" if i else ""))}" class="toclink'
                                f'{" active" if i == n else ""}">{"صفحة" if i else escape(a["title"])} {i + 1 if i else ""}'
                                "</a></li>" for i in range(pages))
                nav = []
                if n:
                    nav.append(f'<li class="previous"><a href="{escape(url + (f"{amp}limitstart={n - 1}" if n > 1 else ""))}">'
                               "&laquo; السابق</a></li>")
                if n + 1 < pages:
                    nav.append(f'<li class="next"><a href="{escape(url + f"{amp}limitstart={n + 1}")}">التالي &raquo;</a></li>')
                text = (f'<div class="pull-left article-index"><h3>فهرس المقال</h3><ul class="nav nav-tabs nav-stacked">'
                        f'{index}</ul></div><div class="pagenavcounter">صفحة {n + 1} من {pages}</div>{text}'
                        f'<ul class="pager pagenav">{"".join(nav)}</ul>')
        fields = (f'<div class="itemExtraFields"><h3>معلومات إضافية</h3><ul><li class="odd typeTextfield group1">'
                  f'<span class="itemExtraFieldsLabel">المصدر:</span><span class="itemExtraFieldsValue">{escape(a["source"])}'
                  '</span></li><li class="even typeTextfield group1"><span class="itemExtraFieldsLabel">الموقع:</span>'
                  f'<span class="itemExtraFieldsValue">{escape(a["location"])}</span></li></ul></div>')
        modified = (f'<div class="itemDateModified">آخر تعديل في {k2_date(a["modified"], "09:10")}</div>'
                    if a["modified"] else "")
        tools = "" if printable else (
            f'<div class="itemToolbar"><ul><li><a class="itemPrintLink" rel="nofollow" href="{escape(url + amp)}tmpl=component'
            '&amp;print=1" onclick="window.open(this.href,\'printWindow\');return false;">طباعة</a></li><li><a class='
            f'"itemEmailLink" rel="nofollow" href="{self.base}/index.php/component/mailto/?tmpl=component">البريد الإلكتروني'
            '</a></li><li><span class="itemTextResizerTitle">حجم الخط</span> <a id="fontDecrease" href="#">تصغير</a> '
            '<a id="fontIncrease" href="#">تكبير</a></li></ul></div>')
        others = [o for o in self.items if o is not a][:2]
        related = "" if printable else (
            '<div class="itemRelated"><h3>مواد ذات علاقة (بواسطة الوسم)</h3><ul>'
            + "".join(f'<li><a href="{self.sef(o)}">{escape(o["title"])}</a></li>' for o in others) + "</ul></div>"
            f'<div class="itemNavigation"><span class="itemNavigationTitle">المزيد في هذا القسم:</span> '
            f'<a class="itemNext" href="{self.sef(others[0])}">{escape(others[0]["title"])} &raquo;</a></div>'
            '<div class="itemComments"><h3>أضف تعليق</h3><form action="#"><textarea name="commentText">'
            "أدخل تعليقك هنا...</textarea></form></div>")
        main = (f'<span id="startOfPageId{a["id"]}"></span><div id="k2Container" class="itemView">'
                f'<div class="itemHeader"><span class="itemDateCreated">{k2_date(a["g"], a["time"])}</span>'
                f'<h2 class="itemTitle">{escape(a["title"])}</h2><span class="itemAuthor">Written by <a rel="author" '
                f'href="{self.base}/index.php/{a["cat"]}/itemlist/user/62-{a["id"]}">{escape(a["author"])}</a></span>'
                f'</div>{tools}<div class="itemBody"><div class="itemImageBlock"><span class="itemImage"><img src="'
                f'{self.base}/media/k2/items/cache/{a["id"]}_L.jpg" alt="{escape(a["title"])}" /></span></div>'
                f'<div class="itemFullText">{text}</div>{fields}{modified}</div>'
                f'<div class="itemLinks"><div class="itemCategory"><span>نشر في</span> <a href="{self.base}/index.php/'
                f'{a["cat"]}">{CATEGORIES[a["cat"]][0]}</a></div></div>{related}</div>')
        title = a["title"] if not n else f"{a['title']} - صفحة {n + 1}"
        if printable:
            html = ('<!DOCTYPE html><html lang="ar-aa" dir="rtl"><head><meta http-equiv="content-type" content="text/html;'
                    f' charset=utf-8" /><meta name="robots" content="noindex, nofollow" /><title>{escape(a["title"])}'
                    f'</title></head><body class="contentpane">{main}'
                    '<script>window.print();</script></body></html>')
            return html_reply(html)
        return self.page(f"{title} - {SITE}", main, canonical=self.sef(a) if sef else "")

    def category(self, cat: str, start: int) -> Reply:
        items = [a for a in self.items if a["cat"] == cat]
        shown = items[start:start + PER_PAGE]
        blocks = "".join(
            f'<div class="itemContainer"><div class="catItemView groupLeading"><div class="catItemHeader">'
            f'<span class="catItemDateCreated">{k2_date(a["g"], a["time"])}</span><h3 class="catItemTitle">'
            f'<a href="{self.sef(a)}">{escape(a["title"])}</a></h3></div><div class="catItemBody"><div '
            f'class="catItemIntroText"><p>{escape(a["pages"][0][0])}</p></div></div><div class="catItemReadMore">'
            f'<a class="k2ReadMore" href="{self.sef(a)}">اقرأ المزيد...</a></div></div></div>' for a in shown)
        pager = "".join(f'<li><a href="{self.base}/index.php/{cat}' + (f"?start={i}" if i else "") + f'">{i + 1}</a></li>'
                        for i in range(0, len(items), PER_PAGE))
        feed = f"{self.base}/index.php/{cat}?format=feed&amp;type=rss"
        main = (f'<div id="k2Container" class="itemListView"><div class="k2FeedIcon"><a href="{feed}" title="اشترك في '
                f'خدمة RSS">RSS</a></div><h2>{CATEGORIES[cat][0]}</h2><div class="itemList">{blocks}</div>'
                f'<div class="k2Pagination"><ul class="pagination-list">{pager}</ul></div></div>')
        head = f'<link href="{feed}" rel="alternate" type="application/rss+xml" title="RSS 2.0" />'
        return self.page(f"{CATEGORIES[cat][0]} - {SITE}", main, head=head)

    def home(self) -> Reply:
        blocks = "".join(f'<div class="catItemView"><h3 class="catItemTitle"><a href="{self.sef(a)}">{escape(a["title"])}'
                         f'</a></h3><span class="catItemDateCreated">{k2_date(a["g"], a["time"])}</span></div>'
                         for a in self.items[:2])
        return self.page(SITE, f'<div id="k2Container" class="itemListView">{blocks}</div>')

    def feed(self, cat: str) -> Reply:
        items = "".join(
            f"<item><title>{escape(a['title'])}</title><link>{self.sef(a)}</link><guid isPermaLink=\"true\">{self.sef(a)}"
            f"</guid><description>{escape(self.part(a, 0))}</description><author>{escape(a['author'])}</author>"
            f"<category>{CATEGORIES[cat][0]}</category><pubDate>"
            f"{datetime(*a['g'], *map(int, a['time'].split(':'))).strftime('%a, %d %b %Y %H:%M:00 +0200')}</pubDate></item>"
            for a in self.items if a["cat"] == cat)
        xml = ('<?xml version="1.0" encoding="utf-8"?><!-- generator="Joomla! - Open Source Content Management" -->'
               f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>{CATEGORIES[cat][0]}</title>'
               f'<link>{self.base}/index.php/{cat}</link><description>{SITE}</description><language>ar-aa</language>'
               f"{items}</channel></rss>")
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())
