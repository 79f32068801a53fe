"""An Arabic news portal of 2008-2014: a PHP script (``/news.php?action=show&id=N``) that took over from an ASP one
(``/index.asp?page=details&newsID=N&cat=C`` answers 301), pages in windows-1256 (stated in a ``<meta http-equiv>``
only, in the HTTP header only, in both, or PHP 5.6's default ``charset=UTF-8`` header over a windows-1256 page whose
meta says so), a table layout with the headline in ``<td class="title">`` or ``<font>``, paragraphs apart by
``<br /><br />``, the date in words (Hijri and Gregorian, some in Arabic-Indic digits), a read-also table inside the
story, a print view (``action=print``) and a send-to-a-friend form (``action=send``, forbidden by robots.txt), and an
RSS 2.0 feed in windows-1256 whose links are ``&amp;``-escaped, some with the parameters in another order."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, redirect

from .content import OLD_ARTICLES, OLD_CATEGORIES, OLD_SITE

PER_PAGE = 4
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
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /search.php
Disallow: /news.php?action=send
Disallow: /comment.php
"""
DISALLOW = ["/admin/", "/search.php", "/news.php?action=send", "/comment.php"]
TZ = timezone(timedelta(hours=2))


def _cp1256(text: str) -> bytes:
    return text.encode("cp1256", errors="xmlcharrefreplace")


class OldPortal:
    """Routes and pages of the 2014 portal."""

    name = "oldportal"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(OLD_ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.robots = RobotsRules(DISALLOW)
        self.reads = itertools.count(1523)
        self.served: list[
            tuple[str, int]
        ] = []  # (raw path and query asked for, article id) of each article page

    # -- URLs ----------------------------------------------------------------------------------

    def show(self, a: dict) -> str:
        return f"{self.base}/news.php?action=show&id={a['id']}"

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each article (the portal has no rel=canonical: the show URL is its own)."""
        return [
            ExpectedArticle(
                "oldportal",
                f"oldportal-{a['id']}",
                self.show(a),
                a["title"],
                tuple(a["paras"]),
                a["relevant"],
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The send-to-a-friend forms every listing links to."""
        return [f"{self.base}/news.php?action=send&id={a['id']}" for a in self.articles]

    def date_words(self, a: dict) -> str:
        """ "الاثنين 16 رمضان 1435 هـ الموافق 14 يوليو 2014", in Arabic-Indic digits on some pages."""
        y, m, d = a["g"]
        hd, hm, hy = a["h"]
        text = f"{a['wd']} {hd} {hm} {hy} هـ الموافق {d} {MONTHS[m - 1]} {y}"
        return text.translate(INDIC) if a.get("indic") else text

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str) -> Reply:
        """The reply for one GET."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.encode())
        if path in ("/", "/index.php"):
            return self.page_reply(self.home(), "header")
        if path == "/rss.php":
            return Reply(200, (("Content-Type", "application/rss+xml"),), self.feed())
        if path == "/index.asp" and query.get("page") == "details" and query.get("newsID", "").isdigit():
            a = self.by_id.get(int(query["newsID"]))
            return redirect(301, self.show(a)) if a else self.not_found()
        if path == "/news.php":
            action = query.get("action", "show")
            if action == "list" and int(query.get("cat", "0") or 0) in OLD_CATEGORIES:
                return self.page_reply(
                    self.listing(int(query["cat"]), int(query.get("page", "1") or 1)), "header"
                )
            a = self.by_id.get(int(query.get("id", "0"))) if query.get("id", "").isdigit() else None
            if a is None:
                return self.not_found()
            if action == "show":
                self.served.append((raw, a["id"]))
                return self.page_reply(self.article(a), a["charset"])
            if action == "print":
                self.served.append((raw, a["id"]))
                return self.page_reply(self.print_view(a), a["charset"])
            if action == "send":
                return self.page_reply(self.send_form(a), "meta")
        return self.not_found()

    def not_found(self) -> Reply:
        return self.page_reply(
            self.frame("الصفحة غير موجودة", "<tr><td>عذرا، الصفحة المطلوبة غير موجودة</td></tr>"),
            "header",
            status=404,
        )

    def page_reply(self, html: str, charset: str, *, status: int = 200) -> Reply:
        """The page in windows-1256, its encoding stated as the article's ``charset`` says."""
        meta = {
            "meta": "windows-1256",
            "both": "windows-1256",
            "php-utf8": "windows-1256",
            "stale-meta": "utf-8",
        }
        header = {
            "meta": "text/html",
            "header": "text/html; charset=windows-1256",
            "both": "text/html; charset=windows-1256",
            "php-utf8": "text/html; charset=UTF-8",
            "stale-meta": "text/html; charset=windows-1256",
        }
        tag = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={meta[charset]}">'
            if charset in meta
            else ""
        )
        return Reply(
            status,
            (("Content-Type", header[charset]), ("X-Powered-By", "PHP/5.6.40")),
            _cp1256(html.replace("<!--charset-->", tag)),
        )

    # -- pages ---------------------------------------------------------------------------------

    def frame(self, title: str, center: str) -> str:
        """The portal's table layout around ``center`` (rows of the middle column)."""
        menu = " | ".join(
            f'<a href="news.php?action=list&amp;cat={c}" class="menu">{escape(n)}</a>'
            for c, n in OLD_CATEGORIES.items()
        )
        ticker = " &nbsp;&nbsp; ".join(
            f'<a href="news.php?action=show&amp;id={a["id"]}"><font color="#FFFFFF">'
            f"{escape(a['title'])}</font></a>"
            for a in self.articles[:4]
        )
        most = "".join(
            f'<tr><td class="small">&raquo; <a href="news.php?action=show&amp;id={a["id"]}">'
            f"{escape(a['title'])}</a></td></tr>"
            for a in self.articles[3:8]
        )
        cats = "".join(
            f'<tr><td class="cat"><img src="images/arrow.gif" border="0"> '
            f'<a href="news.php?action=list&amp;cat={c}">{escape(n)}</a></td></tr>'
            for c, n in OLD_CATEGORIES.items()
        )
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html dir="rtl">
<head>
<!--charset-->
<title>{escape(OLD_SITE)} - {escape(title)}</title>
<link href="style.css" rel="stylesheet" type="text/css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="rss.php">
<script language="JavaScript" src="js/functions.js"></script>
<script language="JavaScript">function openwin(url){{window.open(url,'win','width=500,height=400');}}</script>
</head>
<body topmargin="0" leftmargin="0" bgcolor="#E5E5E5">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
<tr><td colspan="3"><table width="100%" cellpadding="0" cellspacing="0"><tr>
<td width="300"><a href="index.php"><img src="images/logo.gif" width="300" height="90" border="0" alt="{escape(OLD_SITE)}"></a></td>
<td align="center"><img src="images/banner_468.gif" width="468" height="60" border="0"></td></tr></table></td></tr>
<tr><td colspan="3" class="menubar" bgcolor="#003366" height="28">&nbsp;<a href="index.php" class="menu">الرئيسية</a> | {menu} | <a href="search.php" class="menu">بحث</a> | <a href="contact.php" class="menu">اتصل بنا</a></td></tr>
<tr><td colspan="3"><table width="100%" cellpadding="2" cellspacing="0" bgcolor="#990000"><tr>
<td width="60" class="ticker_title"><b><font color="#FFFF00">عاجل</font></b></td>
<td><marquee direction="right" scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()">{ticker}</marquee></td></tr></table></td></tr>
<tr>
<td width="170" valign="top" bgcolor="#F2F2F2"><table width="100%" cellpadding="4" cellspacing="0">
<tr><td class="box_title">الأقسام</td></tr>{cats}
<tr><td class="box_title">استفتاء</td></tr>
<tr><td class="small"><form action="poll.php" method="post">هل تؤيد الحوار الوطني؟<br>
<input type="radio" name="vote" value="1"> نعم<br><input type="radio" name="vote" value="2"> لا<br>
<input type="submit" value="تصويت"></form></td></tr></table></td>
<td width="610" valign="top"><table width="100%" border="0" cellpadding="6" cellspacing="0">
{center}
</table></td>
<td width="200" valign="top" bgcolor="#F2F2F2"><table width="100%" cellpadding="4" cellspacing="0">
<tr><td class="box_title">الأكثر قراءة</td></tr>{most}
<tr><td align="center"><img src="images/ads/side_ad.gif" width="180" height="150" border="0"></td></tr></table></td>
</tr>
<tr><td colspan="3" class="footer" bgcolor="#003366" align="center"><font color="#FFFFFF" size="1">
جميع الحقوق محفوظة &copy; 2008 - 2014 {escape(OLD_SITE)}<br>تصميم وبرمجة: مؤسسة الواحة للحلول البرمجية</font></td></tr>
</table>
</body>
</html>
"""

    def teasers(self, items: list[dict]) -> str:
        """Headline rows of a listing, each with its print and send icons."""
        return "".join(
            f'<tr><td class="news_list"><img src="images/bullet.gif"> <a href="news.php?action=show&amp;id={a["id"]}" '
            f'class="news_title">{escape(a["title"])}</a> <font size="1" color="#888888">({self.date_words(a)})</font>'
            f' <a href="news.php?action=print&amp;id={a["id"]}" target="_blank"><img src="images/print.gif" '
            f'alt="طباعة" border="0"></a> <a href="news.php?action=send&amp;id={a["id"]}"><img src="images/send.gif" '
            f'alt="أرسل لصديق" border="0"></a></td></tr>'
            for a in items
        )

    def home(self) -> str:
        """Latest news, and the archive box whose links are still the old ASP ones."""
        old = "".join(
            f'<tr><td class="small"><a href="index.asp?page=details&amp;newsID={a["id"]}&amp;cat={a["cat"]}">'
            f"{escape(a['title'])}</a></td></tr>"
            for a in self.articles[5:]
        )
        return self.frame(
            "الرئيسية",
            f'<tr><td class="box_title">آخر الأخبار</td></tr>{self.teasers(self.articles[:5])}'
            f'<tr><td class="box_title">من الأرشيف</td></tr>{old}',
        )

    def listing(self, cat: int, page: int) -> str:
        """A category's list, paged by &page=N."""
        items = [a for a in self.articles if a["cat"] == cat]
        shown = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        pages = " ".join(
            f'<a href="news.php?action=list&amp;cat={cat}&amp;page={n}">[{n}]</a>'
            for n in range(1, (len(items) - 1) // PER_PAGE + 2)
        )
        return self.frame(
            OLD_CATEGORIES[cat],
            f'<tr><td class="box_title">{escape(OLD_CATEGORIES[cat])}</td></tr>'
            f'{self.teasers(shown)}<tr><td align="center">{pages}</td></tr>',
        )

    def story(self, a: dict) -> str:
        """The story as the portal's editor saved it: paragraphs apart by <br /><br />, a read-also table inside."""
        paras = [escape(p) for p in a["paras"]]
        if a.get("readalso"):
            others = [b for b in self.articles if b["cat"] == a["cat"] and b is not a][:2]
            box = (
                '<table align="left" width="220" border="1" cellpadding="3" cellspacing="0" bordercolor="#CCCCCC">'
                '<tr><td bgcolor="#EEEEEE"><b>اقرأ أيضا</b></td></tr>'
                + "".join(
                    f'<tr><td><a href="news.php?action=show&amp;id={b["id"]}">{escape(b["title"])}</a></td></tr>'
                    for b in others
                )
                + "</table>"
            )
            paras[0] = paras[0] + box
        return "<br />\r\n<br />\r\n".join(paras)

    def headline(self, a: dict) -> str:
        if a.get("font"):
            return (
                f'<tr><td><font face="Simplified Arabic" size="5" color="#990000"><b>{escape(a["title"])}</b>'
                f"</font></td></tr>"
            )
        return f'<tr><td class="title">{escape(a["title"])}</td></tr>'

    def article(self, a: dict) -> str:
        """The article page: path, headline, date and reads, story, print/send icons, related, comments."""
        related = "".join(
            f'<tr><td class="small">&raquo; <a href="news.php?action=show&amp;id={b["id"]}">'
            f"{escape(b['title'])}</a></td></tr>"
            for b in self.articles
            if b["cat"] == a["cat"] and b is not a
        )
        center = f"""<tr><td class="path"><a href="index.php">الرئيسية</a> &raquo; <a href="news.php?action=list&amp;cat={a["cat"]}">{escape(OLD_CATEGORIES[a["cat"]])}</a></td></tr>
{self.headline(a)}
<tr><td class="date"><font size="1" color="#666666">{self.date_words(a)} | عدد القراءات: {next(self.reads)}</font></td></tr>
<tr><td align="center"><img src="uploads/news/{a["id"]}.jpg" width="400" height="280" border="0"></td></tr>
<tr><td class="news_text" align="justify">{self.story(a)}</td></tr>
<tr><td align="left"><a href="news.php?action=print&amp;id={a["id"]}" target="_blank"><img src="images/print.gif" border="0"> طباعة</a> &nbsp;
<a href="javascript:openwin('news.php?action=send&amp;id={a["id"]}')"><img src="images/send.gif" border="0"> أرسل لصديق</a></td></tr>
<tr><td class="box_title">أخبار ذات صلة</td></tr>{related}
<tr><td class="box_title">التعليقات (2)</td></tr>
<tr><td class="comment"><b>ابن بنغازي</b> - <font size="1">{self.date_words(a)}</font><br>ربي يحفظ ليبيا وأهلها من كل شر، كفانا دم.</td></tr>
<tr><td class="comment"><b>سالم</b><br>نتمنى من الجميع تحكيم العقل.</td></tr>
<tr><td><form action="comment.php" method="post">أضف تعليقك<br><input type="text" name="name"> الاسم<br>
<textarea name="comment" rows="4" cols="40"></textarea><br><input type="submit" value="إرسال"></form></td></tr>"""
        # the script's older template titles every article page alike
        return self.frame("تفاصيل الخبر" if a["id"] % 3 == 0 else a["title"], center)

    def print_view(self, a: dict) -> str:
        """The print view: the logo, headline, date and story, and the article's address under it."""
        return f"""<html dir="rtl"><head><!--charset--><title>{escape(OLD_SITE)} - طباعة الخبر</title></head>
<body onload="window.print()"><table width="600" align="center" cellpadding="6">
<tr><td><img src="images/logo_print.gif"> <b>{escape(OLD_SITE)}</b></td></tr>
{self.headline(a)}
<tr><td><font size="1">{self.date_words(a)}</font></td></tr>
<tr><td align="justify">{"<br /><br />".join(escape(p) for p in a["paras"])}</td></tr>
<tr><td><hr><font size="1">رابط الخبر: {self.show(a)}</font></td></tr>
</table></body></html>"""

    def send_form(self, a: dict) -> str:
        return self.frame(
            "أرسل لصديق",
            f"""<tr><td><form action="news.php?action=send&amp;id={a["id"]}" method="post">
أرسل خبر: {escape(a["title"])}<br>بريد صديقك: <input name="to"><br><input type="submit" value="إرسال"></form></td></tr>""",
        )

    def feed(self) -> bytes:
        """RSS 2.0 in windows-1256; the links &amp;-escaped, every other one with ``id`` first."""
        items = []
        for n, a in enumerate(self.articles):
            link = (
                f"{self.base}/news.php?id={a['id']}&amp;action=show"
                if n % 2
                else f"{self.base}/news.php?action=show&amp;id={a['id']}"
            )
            when = format_datetime(datetime(*a["g"], 10, 30, tzinfo=TZ))
            items.append(
                f"<item><title>{escape(a['title'])}</title><link>{link}</link>"
                f"<description>{escape(a['paras'][0][:120])}...</description><pubDate>{when}</pubDate>"
                f"<category>{escape(OLD_CATEGORIES[a['cat']])}</category></item>"
            )
        return _cp1256(
            f'<?xml version="1.0" encoding="windows-1256"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(OLD_SITE)}</title><link>{self.base}/</link>"
            f"<description>آخر الأخبار</description><language>ar</language>{''.join(items)}"
            f"</channel></rss>"
        )
