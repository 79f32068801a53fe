"""HTML pages of the legacy demo site: a 2000s PHP news site, table layout, windows-1256 declared only in a meta tag."""

from __future__ import annotations

from datetime import datetime
from html import escape

from crawler.demo.content import SECTIONS, DemoArticle, arabic_date

ENCODING = "windows-1256"
PAGE_SIZE = 3
# The header of every page shows "today"; fixed so that pages are reproducible (the date seed 001 shows).
TODAY = datetime(2024, 3, 29, 9, 0)


def _e(text: str) -> str:
    return escape(text, quote=True)


def encode(html: str) -> bytes:
    """The page as the server sends it: windows-1256 bytes, numeric references for anything outside it."""
    return html.encode(ENCODING, errors="xmlcharrefreplace")


def article_href(article: DemoArticle, sid: str) -> str:
    """The link the site writes for ``article``: PHP's trans-sid appends the session id to every link."""
    old = article.old_path
    if old:
        return old  # the pre-migration link, still printed by the old archive box
    return f"{article.path}&PHPSESSID={sid}"


def _page(title: str, sid: str, content: str, sidebar: str) -> str:
    cats = " | ".join(f'<a href="/section.php?cat={key}&amp;PHPSESSID={sid}"><font color="#FFFFFF">{_e(name)}</font></a>'
                      for key, name in SECTIONS.items() if key in ("libya", "economy", "sport"))
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html dir="rtl" lang="ar">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>صحيفة الساحل :: {_e(title)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" src="/js/menu.js"></script>
</head>
<body bgcolor="#E5E5E5" topmargin="0" leftmargin="0">
<table id="cookie" width="100%" bgcolor="#FFFFCC"><tr><td><font size="1">هذا الموقع يستخدم الكوكيز. باستمرارك في التصفح فأنت توافق على ذلك.
<a href="/privacy.php">المزيد</a></font></td></tr></table>
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
<tr><td colspan="2" bgcolor="#003366">
<table width="100%"><tr>
<td><a href="/index.php?PHPSESSID={sid}"><img src="/images/logo.gif" width="300" height="60" border="0" alt="صحيفة الساحل"></a></td>
<td align="left"><font color="#FFFFFF" size="2">{_e(arabic_date(TODAY, "hijri"))}</font><br>
<font color="#FFCC00" size="1">رئيس التحرير: عبد السلام المنتصر</font></td>
</tr></table></td></tr>
<tr><td colspan="2" bgcolor="#336699" height="24"><font size="2"><a href="/index.php?PHPSESSID={sid}"><font color="#FFFFFF">الرئيسية</font></a> | {cats} |
<a href="/archive.php?PHPSESSID={sid}"><font color="#FFFFFF">الأرشيف</font></a></font></td></tr>
<tr><td colspan="2" bgcolor="#CC0000"><font color="#FFFFFF" size="2"><b>عاجل:</b></font>
<marquee direction="right" scrollamount="3"><font color="#FFFFFF" size="2">وصول شحنة أدوية إلى مستشفيات المنطقة الغربية ... استئناف الرحلات الجوية في مطار معيتيقة ... انطلاق امتحانات الشهادة الثانوية الأسبوع المقبل</font></marquee></td></tr>
<tr>
<td width="580" valign="top">
{content}
</td>
<td width="200" valign="top" bgcolor="#F0F0F0">
{sidebar}
</td></tr>
<tr><td colspan="2" bgcolor="#003366" align="center"><font color="#FFFFFF" size="1">
<a href="/about.php"><font color="#FFFFFF">من نحن</font></a> - <a href="/contact.php"><font color="#FFFFFF">اتصل بنا</font></a> -
<a href="/admin/login.php"><font color="#FFFFFF">دخول المحررين</font></a><br>
جميع الحقوق محفوظة لصحيفة الساحل 2003 - 2024 | تصميم وبرمجة: شركة الواحة للحلول البرمجية<br>
عدد الزوار: 1843299</font></td></tr>
</table>
</body>
</html>
"""


def _sidebar(articles: list[DemoArticle], sid: str) -> str:
    rows = "".join(f'<tr><td><font size="2">&raquo; <a href="{_e(article_href(a, sid))}">{_e(a.title)}</a></font></td></tr>'
                   for a in articles[:5])
    return (f'<table width="100%" cellpadding="3"><tr><td bgcolor="#336699"><font color="#FFFFFF" size="2"><b>'
            f'الأكثر قراءة</b></font></td></tr>{rows}</table>'
            '<table width="100%" cellpadding="3"><tr><td bgcolor="#336699"><font color="#FFFFFF" size="2"><b>'
            'استطلاع الرأي</b></font></td></tr><tr><td><font size="2">هل تتوقع انفراج الأزمة قريباً؟<br>'
            '<input type="radio" name="v"> نعم<br><input type="radio" name="v"> لا<br>'
            '<input type="submit" value="صوّت"></font></td></tr></table>'
            '<p align="center"><img src="/images/banner_120x600.gif" width="120" height="600" alt="إعلان"></p>')


def _row(href: str, title: str, when: str) -> str:
    return (f'<tr><td valign="top"><img src="/images/arrow.gif" width="9" height="9"></td>'
            f'<td><font size="3"><b><a href="{_e(href)}">{_e(title)}</a></b></font><br>'
            f'<font size="1" color="#999999">{_e(when)}</font></td></tr>')


def index_page(listed: list[DemoArticle], everything: list[DemoArticle], sid: str) -> str:
    """The front page: the latest articles and the sections."""
    rows = "".join(_row(article_href(a, sid), a.title, arabic_date(a.published, "hijri")) for a in listed)
    content = (f'<table width="100%" cellpadding="4"><tr><td colspan="2" bgcolor="#DDDDDD"><font size="2"><b>'
               f'آخر الأخبار</b></font></td></tr>{rows}</table>')
    return _page("الرئيسية", sid, content, _sidebar(everything, sid))


def section_page(cat: str, page: int, entries: list[tuple[str, str, str]], pages: int,
                 everything: list[DemoArticle], sid: str) -> str:
    """One page of a section listing: ``entries`` are (href, title, date) rows; links to the other pages."""
    rows = "".join(_row(href, title, when) for href, title, when in entries)
    nav = " ".join(f"<b>[{n}]</b>" if n == page else
                   f'<a href="/section.php?cat={cat}&amp;page={n}&amp;PHPSESSID={sid}">{n}</a>'
                   for n in range(1, pages + 1))
    if page < pages:
        nav += f' <a href="/section.php?cat={cat}&amp;page={page + 1}&amp;PHPSESSID={sid}">التالي &laquo;</a>'
    name = SECTIONS.get(cat, cat)
    content = (f'<table width="100%" cellpadding="4"><tr><td colspan="2" bgcolor="#DDDDDD"><font size="2"><b>'
               f'{_e(name)}</b></font></td></tr>{rows}'
               f'<tr><td colspan="2" align="center"><font size="2">الصفحات: {nav}</font></td></tr></table>')
    return _page(name, sid, content, _sidebar(everything, sid))


def article_page(article: DemoArticle, others: list[DemoArticle], everything: list[DemoArticle], sid: str) -> str:
    """An article: table layout, paragraphs separated by <br><br>, an inline "اقرأ أيضا" table in the text."""
    blocks = [_e(p) for p in article.paragraphs]
    if len(blocks) > 3 and others:
        links = "".join(f'&raquo; <a href="{_e(article_href(a, sid))}">{_e(a.title)}</a><br>' for a in others[:2])
        blocks.insert(3, '<table align="left" width="200" border="1" cellpadding="4" bordercolor="#CCCCCC">'
                         f'<tr><td bgcolor="#F5F5F5"><font size="2"><b>اقرأ أيضا:</b><br>{links}</font></td></tr></table>')
    body = "<br><br>\r\n".join(blocks)
    related = "".join(f'<li><a href="{_e(article_href(a, sid))}">{_e(a.title)}</a></li>' for a in others[:3])
    content = f"""<table width="100%" cellpadding="6"><tr><td>
<font size="1"><a href="/index.php?PHPSESSID={sid}">الرئيسية</a> &gt; <a href="/section.php?cat={article.section}&amp;PHPSESSID={sid}">{_e(SECTIONS[article.section])}</a></font>
</td></tr>
<tr><td><font size="4" color="#003366"><b>{_e(article.title)}</b></font></td></tr>
<tr><td><font size="1" color="#666666">{_e(article.author)} - نشر بتاريخ: {_e(arabic_date(article.published, "hijri"))} - عدد القراءات: 2731</font></td></tr>
<tr><td align="center"><img src="/images/news/{article.number}.gif" width="400" height="260" alt=""><br>
<font size="1" color="#666666">{_e(article.caption)}</font></td></tr>
<tr><td class="news_text"><font face="Tahoma" size="2">
{body}
</font></td></tr>
<tr><td><font size="1">كلمات دالة: {_e("، ".join(article.tags))}</font></td></tr>
<tr><td><font size="2"><a href="/print.php?id={article.number}&amp;PHPSESSID={sid}">نسخة للطباعة</a> |
<a href="/send.php?id={article.number}&amp;PHPSESSID={sid}">أرسل لصديق</a></font></td></tr>
<tr><td bgcolor="#EEEEEE"><font size="2"><b>أخبار ذات صلة</b></font><ul>{related}</ul></td></tr>
<tr><td><font size="2"><b>تعليقات القراء (1)</b></font><br>
<font size="2"><b>عمر من بنغازي:</b> الله يرحم الشهداء ويحفظ البلاد من كل شر.</font><br>
<form method="post" action="/comment.php"><textarea name="c" rows="3" cols="40"></textarea><br><input type="submit" value="أضف تعليقاً"></form>
</td></tr></table>"""
    return _page(article.title, sid, content, _sidebar(everything, sid))


def print_page(article: DemoArticle) -> str:
    """The "نسخة للطباعة" version of an article: the same text on another URL, no chrome."""
    body = "<br><br>\r\n".join(_e(p) for p in article.paragraphs)
    return f"""<html dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{_e(article.title)}</title></head>
<body onload="window.print()"><font face="Tahoma" size="2"><b>صحيفة الساحل</b><hr>
<font size="4"><b>{_e(article.title)}</b></font><br>{_e(arabic_date(article.published, "hijri"))}<br><br>
{body}
<hr>جميع الحقوق محفوظة لصحيفة الساحل</font></body></html>
"""


def not_found_page(sid: str) -> str:
    """The page PHP prints for an article id that does not exist."""
    content = ('<table width="100%" cellpadding="20"><tr><td align="center"><font size="3" color="#CC0000">'
               'عذراً، الخبر المطلوب غير موجود أو تم حذفه.</font><br>'
               f'<a href="/index.php?PHPSESSID={sid}">العودة إلى الصفحة الرئيسية</a></td></tr></table>')
    return _page("الخبر غير موجود", sid, content, "")


def error_page() -> str:
    """What the server prints when the database is down (the HTTP 500 link)."""
    return ("<html><head><title>500 Internal Server Error</title></head><body>\n"
            "<h1>Internal Server Error</h1>\n<p>Warning: mysql_connect(): Too many connections in "
            "/var/www/html/includes/db.php on line 12</p>\n</body></html>\n")
