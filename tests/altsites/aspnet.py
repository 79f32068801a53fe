"""A classic ASP.NET WebForms outlet: NewsDetails.aspx?NewsID=&CatID=, __VIEWSTATE, windows-1256 in a meta only."""

from __future__ import annotations

import base64
import hashlib
import threading
from html import escape

from .common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

ROBOTS = """User-agent: *
Disallow: /Admin/
Disallow: /Print.aspx
Disallow: /SendToFriend.aspx
Disallow: /WebResource.axd
Disallow: /ScriptResource.axd
"""
DISALLOW = ["/Admin/", "/Print.aspx", "/SendToFriend.aspx", "/WebResource.axd", "/ScriptResource.axd"]
PER_PAGE = 2
IIS = (("Server", "Microsoft-IIS/7.5"), ("X-AspNet-Version", "2.0.50727"), ("X-Powered-By", "ASP.NET"),
       ("Cache-Control", "private"))


def viewstate(seed: str, size: int = 1800) -> str:
    """A plausible opaque __VIEWSTATE value (base64 of pseudo-random bytes)."""
    out = b""
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return base64.b64encode(b"\xff\x01" + out[:size]).decode()


class AspNetSite:
    """Routes and pages of the legacy ASP.NET site."""

    name = "aspnet"

    def __init__(self, content: dict, base: str):
        self.c = content
        self.base = base
        self.news = sorted(content["news"], key=lambda n: n["date"], reverse=True)
        self.by_id = {n["news_id"]: n for n in self.news}
        self.deleted = {d[0]: d for d in content["deleted"]}
        self.robots = RobotsRules(DISALLOW)
        self._lock = threading.Lock()
        self._unavailable_served: set[int] = set()

    def url(self, n: dict) -> str:
        """The article's address as the site's own links spell it."""
        return f"{self.base}/NewsDetails.aspx?NewsID={n['news_id']}&CatID={n['cat_id']}"

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each news item (the site has no rel=canonical: the final URL is the id)."""
        return [ExpectedArticle("aspnet", f"aspnet-{n['news_id']}", self.url(n), n["title"], tuple(n["body"]),
                                n["relevant"]) for n in self.news]

    def forbidden_links(self) -> list[str]:
        """Forbidden URLs that the site's pages link to."""
        return [f"{self.base}/{page}.aspx?NewsID={n['news_id']}" for n in self.news for page in ("Print", "SendToFriend")]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str]) -> Reply:
        """The reply for one GET request; IIS matches paths and parameter names case-insensitively."""
        lpath = path.lower()
        q = {k.lower(): v for k, v in query.items()}
        if lpath == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"), *IIS), ROBOTS.encode())
        if lpath == "/":
            return redirect(302, "/Default.aspx", IIS)
        if lpath == "/default.aspx":
            return self.home()
        if lpath == "/newslist.aspx" and q.get("catid", "").isdigit():
            page = int(q.get("page", "1")) if q.get("page", "1").isdigit() else 1
            return self.listing(int(q["catid"]), page)
        if lpath == "/newsdetails.aspx" and q.get("newsid", "").isdigit():
            news_id = int(q["newsid"])
            if news_id in self.deleted:
                return self.error_page(404, "عذراً، الخبر المطلوب غير موجود أو تم حذفه.")
            n = self.by_id.get(news_id)
            if n is None:
                return self.error_page(404, "عذراً، الخبر المطلوب غير موجود أو تم حذفه.")
            if "catid" not in q:
                # old links without CatID: the page redirects to its full address
                return redirect(302, f"/NewsDetails.aspx?NewsID={news_id}&CatID={n['cat_id']}", IIS)
            if n.get("unavailable_first"):
                with self._lock:
                    first = news_id not in self._unavailable_served
                    self._unavailable_served.add(news_id)
                if first:
                    return Reply(503, (("Content-Type", "text/html"), ("Retry-After", "1"), *IIS),
                                 b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>"
                                 b"<p>HTTP Error 503. The service is unavailable.</p></body></html>")
            return self.details(n)
        return self.error_page(404, "الصفحة المطلوبة غير موجودة.")

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, action: str, main: str) -> Reply:
        """A whole WebForms page, encoded in windows-1256, the charset declared only in a <meta>."""
        site = escape(self.c["site_name"])
        cats = "".join(f'<td class="MenuItem"><a href="NewsList.aspx?CatID={cid}">{escape(name)}</a></td>'
                       for cid, name in self.c["categories"].items())
        html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl">
<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256" /><title>
	{title}
</title><link href="Styles/Main.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="Scripts/FontSize.js"></script></head>
<body topmargin="0" leftmargin="0">
<form name="form1" method="post" action="{escape(action)}" id="form1">
<div>
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate(action)}" />
</div>
<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['form1'];
function __doPostBack(eventTarget, eventArgument) {{
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {{
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }}
}}
//]]>
</script>
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" class="MainTable">
<tr><td class="Header" colspan="2"><a href="Default.aspx"><img src="Images/logo.gif" border="0" alt="{site}" /></a>
  <span class="HeaderDate">جميع الأوقات بتوقيت ليبيا</span></td></tr>
<tr><td colspan="2"><table class="Menu" cellspacing="0"><tr><td class="MenuItem"><a href="Default.aspx">الرئيسية</a></td>{cats}
  <td class="MenuItem"><a href="ContactUs.aspx">اتصل بنا</a></td></tr></table></td></tr>
<tr><td valign="top" class="MainColumn">
{main}
</td>
<td valign="top" width="220" class="SideColumn">
  <table class="SideBox"><tr><td class="SideBoxTitle">استطلاع الرأي</td></tr>
  <tr><td>هل تتوقع نجاح جهود توحيد المؤسسة العسكرية؟<br /><input type="radio" name="poll" value="1" />نعم<br /><input type="radio" name="poll" value="2" />لا<br />
  <a href="javascript:__doPostBack('btnVote','')">تصويت</a></td></tr></table>
  <table class="SideBox"><tr><td class="SideBoxTitle">أرشيف الأعداد</td></tr><tr><td><a href="Archive.aspx">تصفح الأرشيف</a></td></tr></table>
</td></tr>
<tr><td colspan="2" class="Footer">جميع الحقوق محفوظة لـ {site} &copy; 2008 - 2024<br />تصميم وتطوير: إدارة تقنية المعلومات</td></tr>
</table>
<div>
	<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{viewstate(action + 'ev', 90)}" />
</div></form>
</body>
</html>
"""
        return html_reply(html, charset=None, encoding="windows-1256", extra=IIS)

    def row(self, n: dict, *, without_cat: bool = False) -> str:
        """A news row of a listing table."""
        href = f"NewsDetails.aspx?NewsID={n['news_id']}" if without_cat else \
            f"NewsDetails.aspx?NewsID={n['news_id']}&amp;CatID={n['cat_id']}"
        return (f'<tr><td class="NewsListItem"><img src="Images/bullet.gif" /> <a href="{href}" class="NewsLink">'
                f'{escape(n["title"])}</a> <span class="NewsListDate">({n["date"][:10].replace("-", "/")})</span></td></tr>')

    def home(self) -> Reply:
        """Default.aspx: the newest Libya item and the world news box."""
        libya = [n for n in self.news if n["cat_id"] == 4][:1]
        world = [n for n in self.news if n["cat_id"] == 7]
        main = f"""<table class="Box" width="100%"><tr><td class="BoxTitle">{escape(self.c['categories']['4'])}</td></tr>
{"".join(self.row(n) for n in libya)}
<tr><td align="left"><a href="NewsList.aspx?CatID=4" class="More">المزيد &gt;&gt;</a></td></tr></table>
<table class="Box" width="100%"><tr><td class="BoxTitle">{escape(self.c['categories']['7'])}</td></tr>
{"".join(self.row(n) for n in world)}
<tr><td align="left"><a href="NewsList.aspx?CatID=7" class="More">المزيد &gt;&gt;</a></td></tr></table>"""
        return self.page(f"{escape(self.c['site_name'])} :: الصفحة الرئيسية", "./Default.aspx", main)

    def listing(self, cat_id: int, page: int) -> Reply:
        """NewsList.aspx?CatID=N&Page=P: a GridView with both __doPostBack and plain paging links."""
        if str(cat_id) not in self.c["categories"]:
            return self.error_page(404, "القسم المطلوب غير موجود.")
        rows: list[tuple[str, dict | tuple]] = [(n["date"], n) for n in self.news if n["cat_id"] == cat_id]
        rows += [("2024-05-15", d) for d in self.c["deleted"] if d[1] == cat_id]
        rows.sort(key=lambda r: r[0], reverse=True)
        pages = max(1, (len(rows) + PER_PAGE - 1) // PER_PAGE)
        if page > pages:
            return self.error_page(404, "الصفحة المطلوبة غير موجودة.")
        html_rows = []
        for _, item in rows[(page - 1) * PER_PAGE: page * PER_PAGE]:
            if isinstance(item, dict):
                html_rows.append(self.row(item, without_cat=bool(item.get("listed_without_cat"))))
            else:
                html_rows.append(f'<tr><td class="NewsListItem"><img src="Images/bullet.gif" /> '
                                 f'<a href="NewsDetails.aspx?NewsID={item[0]}&amp;CatID={item[1]}" class="NewsLink">'
                                 f'{escape(item[2])}</a> <span class="NewsListDate">(2024/05/15)</span></td></tr>')
        pager = []
        for p in range(1, pages + 1):
            if p == page:
                pager.append(f"<span>{p}</span>")
            else:
                pager.append(f"<a href=\"javascript:__doPostBack('gvNews','Page${p}')\">{p}</a>")
        if page < pages:
            pager.append(f'<a href="NewsList.aspx?CatID={cat_id}&amp;Page={page + 1}" class="NextPage">التالي</a>')
        if page > 1:
            pager.insert(0, f'<a href="NewsList.aspx?CatID={cat_id}&amp;Page={page - 1}" class="PrevPage">السابق</a>')
        name = escape(self.c["categories"][str(cat_id)])
        main = f"""<table class="Box" width="100%"><tr><td class="BoxTitle">{name}</td></tr></table>
<table class="GridView" cellspacing="0" rules="all" border="1" id="gvNews" style="border-collapse:collapse;">
{"".join(html_rows)}
<tr class="Pager"><td><table border="0"><tr><td>{"&nbsp;".join(pager)}</td></tr></table></td></tr>
</table>"""
        action = f"./NewsList.aspx?CatID={cat_id}" + (f"&Page={page}" if page > 1 else "")
        return self.page(f"{escape(self.c['site_name'])} :: {name}", action, main)

    def details(self, n: dict) -> Reply:
        """NewsDetails.aspx: headline and body in Label spans, paragraphs split by <br />."""
        title = escape(n["title"])
        body = "<br /><br />".join(escape(p) for p in n["body"])
        others = [o for o in self.news if o is not n and o["cat_id"] == n["cat_id"]] or [o for o in self.news if o is not n]
        related = "".join(self.row(o) for o in others[:3])
        main = f"""<table class="NewsDetails" width="100%" cellpadding="4">
<tr><td class="Breadcrumb"><a href="Default.aspx">الرئيسية</a> &gt; <a href="NewsList.aspx?CatID={n['cat_id']}">{escape(self.c['categories'][str(n['cat_id'])])}</a></td></tr>
<tr><td class="NewsTitle"><span id="lblTitle">{title}</span></td></tr>
<tr><td class="NewsInfo"><span id="lblDate">{escape(n['date_ar'])}</span> &nbsp;|&nbsp; <span id="lblWriter">{escape(n['author'])}</span>
 &nbsp;|&nbsp; عدد القراءات: <span id="lblVisits">{1000 + n['news_id'] % 977}</span></td></tr>
<tr><td class="Toolbar"><a href="Print.aspx?NewsID={n['news_id']}" target="_blank"><img src="Images/print.gif" border="0" /> طباعة</a> | <a href="SendToFriend.aspx?NewsID={n['news_id']}">إرسال</a>
 | <a href="javascript:ChangeFontSize(1)">تكبير الخط</a> | <a href="javascript:ChangeFontSize(-1)">تصغير الخط</a></td></tr>
<tr><td class="NewsImage"><img id="imgNews" src="NewsImages/{n['news_id']}.jpg" width="400" border="0" /></td></tr>
<tr><td class="NewsBody"><span id="lblBody">{body}</span></td></tr>
</table>
<table class="Box" width="100%"><tr><td class="BoxTitle">أخبار ذات صلة</td></tr>{related}</table>
<table class="Box" width="100%"><tr><td class="BoxTitle">أضف تعليقك</td></tr>
<tr><td>الاسم: <input name="txtName" type="text" id="txtName" /><br />التعليق: <textarea name="txtComment" rows="4" cols="40" id="txtComment"></textarea><br />
<input type="submit" name="btnSend" value="إرسال" id="btnSend" /></td></tr></table>"""
        return self.page(f"{escape(self.c['site_name'])} :: {title}",
                         f"./NewsDetails.aspx?NewsID={n['news_id']}&CatID={n['cat_id']}", main)

    def error_page(self, status: int, message: str) -> Reply:
        """The site's custom error page (real status code, as customErrors redirectMode=ResponseRewrite gives)."""
        reply = self.page(f"{escape(self.c['site_name'])} :: خطأ", "./Error.aspx",
                          f'<table class="Box" width="100%"><tr><td class="ErrorMessage">{escape(message)}</td></tr></table>')
        return Reply(status, reply.headers, reply.body)
