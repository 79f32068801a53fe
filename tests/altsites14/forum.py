"""A Libyan news forum on vBulletin 3.8 (the Arabic language pack, the default style), as Libyan boards of 2008-2019
ran it: members posted the day's news as threads and readers answered under them.

Addresses as vBulletin 3.8 makes them, relative to ``/forum/``: a thread is ``showthread.php?t=<id>`` (the forum's
thread list links it so), its later pages ``showthread.php?t=<id>&page=<n>`` (the list's mini pager and the thread's
own pager), a post ``showthread.php?p=<pid>#post<pid>`` (the list's "last post" arrow and a quote's "view post" link;
it shows the page that holds the post), ``showthread.php?goto=newpost&t=<id>`` (the list's "first unread" arrow: a
302 to the last post's ``?p=`` address). A guest without the ``bbsessionhash`` cookie gets every link with the session
in the query, ``?s=<32 hex>&t=<id>``, as vBulletin does for clients that keep no cookies. No page prints a
rel=canonical (vBulletin 3 never did), a machine-readable date, or og tags. robots.txt is the one vBulletin's manual
suggests: ``printthread.php``, ``showpost.php``, ``member.php``, ``newreply.php``, ``search.php`` and the rest
forbidden.

A thread page: the title ``<title>`` "<thread> - <forum name>" (" - الصفحة 2" inserted on later pages), the navbar's
breadcrumb and its guest login form, the thread tools, the pager "صفحة 1 من 2", then each post as vBulletin's table:
a ``thead`` row with the post's date in the board's format, vBulletin's default ``m-d-Y, h:i A`` ("05-08-2019, 02:30
PM" is 8 May; nothing on the page says so but a later post's "05-14-2019"), the poster's box (name, rank, avatar,
join date, post count), the post's title line, ``<div id="post_message_<pid>">`` with paragraphs apart by ``<br />``
pairs, the poster's signature under "__________________", the report and quote buttons. Answers quote the story
("اقتباس: المشاركة الأصلية كتبت بواسطة ..."). Under the posts: similar threads, the posting rules, the time zone line
and vBulletin's copyright."""

from __future__ import annotations

from datetime import datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import FORUM, THREADS

FORUMS = {12: "الأخبار الليبية", 15: "المنتدى العام"}
DISALLOW = ["/forum/printthread.php", "/forum/showpost.php", "/forum/member.php", "/forum/newreply.php",
            "/forum/newthread.php", "/forum/search.php", "/forum/private.php", "/forum/sendmessage.php",
            "/forum/login.php", "/forum/register.php", "/forum/report.php", "/forum/calendar.php", "/forum/image.php"]
PER_PAGE = 3  # posts a thread page (the board's setting)
THREADS_PER_PAGE = 2  # threads a page of a forum's list
SESSION = "3f9c2b1a8d7e6f5a4b3c2d1e0f9a8b7c"
SIGNATURES = {"الراصد الليبي": "لا إله إلا الله محمد رسول الله", "مراقب عام": "قوانين المنتدى فوق الجميع",
              "ابن طرابلس": "طرابلس في القلب", "صقر الجنوب": "سبها بلادي", "نسمة البحر": "",
              "قارئة نهمة": "", "أبو فارس": "", "مراسل الجبل": "غريان عروس الجبل", "ابن الجبل": ""}


def vbdate(year: int, month: int, day: int, hour: int, minute: int) -> str:
    """vBulletin's default format, m-d-Y, h:i A."""
    return datetime(year, month, day, hour, minute).strftime("%m-%d-%Y, %I:%M %p")


def posts(t: dict) -> list[dict]:
    """The thread's posts in order: the story, then the answers, each with its post id."""
    h, m = map(int, t["time"].split(":"))
    first = {"pid": t["pid"], "who": t["poster"], "when": (*t["g"], h, m), "text": t["paras"], "quote": False,
             "title": t["title"]}
    rest = [{"pid": t["pid"] + 7 * (i + 1), "who": who, "when": (t["g"][0], mo, d, hh, mm), "text": [text],
             "quote": quote, "title": ""} for i, (who, mo, d, hh, mm, text, quote) in enumerate(t["replies"])]
    return [first, *rest]


class ForumSite:
    """Routes and pages of the vBulletin 3.8 forum."""

    name = "forum"

    def __init__(self, base: str):
        self.base = base
        self.threads = sorted(THREADS, key=lambda t: (t["g"], t["time"]), reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("forum", f"forum-{t['id']}", f"{self.base}/forum/showthread.php?t={t['id']}",
                                t["title"], tuple(t["paras"]), t["relevant"]) for t in self.threads]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/forum/printthread.php?t={t['id']}" for t in self.threads]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        s = "" if "bbsessionhash" in headers.get("cookie", "") else f"s={SESSION}&amp;"
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path in ("/", "/forum", "/forum/", "/forum/index.php"):
            return self.home(s)
        if path == "/forum/forumdisplay.php" and int(query.get("f") or 0) in FORUMS:
            return self.forum(int(query["f"]), int(query.get("page") or 1), s)
        if path == "/forum/showthread.php":
            return self.showthread(query, raw, s)
        return self.page("منتديات ليبيا اليوم", '<div class="panel">لم يتم تحديد الموضوع. إذا تتبعت رابطا صحيحا '
                         'فالرجاء إبلاغ <a href="sendmessage.php">مدير الموقع</a>.</div>', s, status=404)

    def showthread(self, query: dict[str, str], raw: str, s: str) -> Reply:
        by_id = {t["id"]: t for t in self.threads}
        if "p" in query:
            for t in self.threads:
                for i, p in enumerate(posts(t)):
                    if str(p["pid"]) == query["p"]:
                        return self.thread(t, i // PER_PAGE + 1, raw, s)
        t = by_id.get(int(query.get("t") or 0))
        if t is None:
            return self.page(FORUM, '<div class="panel">لم يتم تحديد الموضوع.</div>', s, status=404)
        if query.get("goto") == "newpost":
            last = posts(t)[-1]["pid"]
            return redirect(302, f"{self.base}/forum/showthread.php?p={last}#post{last}")
        return self.thread(t, int(query.get("page") or 1), raw, s)

    # -- pieces --------------------------------------------------------------------------------

    def page(self, title: str, main: str, s: str, *, status: int = 200, crumbs: str = "", head: str = "") -> Reply:
        html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="ar">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="generator" content="vBulletin 3.8.7" />
{head}<style type="text/css" id="vbulletin_css">body {{ background: #E1E1E2; color: #000000; font: 10pt tahoma; }}</style>
<script type="text/javascript" src="clientscript/yui/yahoo-dom-event/yahoo-dom-event.js?v=387"></script>
<script type="text/javascript">var SESSIONURL = "{s.replace('&amp;', '&')}"; var SECURITYTOKEN = "guest";</script>
<title>{escape(title)}</title>
</head>
<body>
<div id="cookie-notice" class="smallfont">يستخدم هذا المنتدى ملفات تعريف الارتباط لتحسين تجربتك. <a href="faq.php?{s}faq=vb_cookies">المزيد</a> <a href="#" onclick="return hideNotice();">موافق</a></div>
<a name="top"></a>
<table border="0" width="100%" cellpadding="0" cellspacing="0" align="center"><tr>
<td align="right"><a href="index.php?{s}"><img src="images/misc/logo.gif" border="0" alt="{FORUM}" /></a></td>
<td align="left" id="header_right_cell">&nbsp;</td></tr></table>
<div class="tborder" style="padding:1px; border-top-width:0px"><table cellpadding="0" cellspacing="0" border="0" width="100%" align="center"><tr align="center">
<td class="vbmenu_control"><a href="register.php?{s}" rel="nofollow">التسجيل</a></td>
<td class="vbmenu_control"><a rel="help" href="faq.php?{s}" accesskey="5">التعليمـــات</a></td>
<td class="vbmenu_control"><a href="memberlist.php?{s}">قائمة الأعضاء</a></td>
<td class="vbmenu_control"><a href="calendar.php?{s}">التقويم</a></td>
<td class="vbmenu_control"><a href="search.php?{s}" accesskey="4" rel="nofollow">البحث</a></td>
<td class="vbmenu_control"><a href="search.php?{s}do=getdaily" accesskey="2">مشاركات اليوم</a></td>
<td class="vbmenu_control"><a href="forumdisplay.php?{s}do=markread" rel="nofollow">اجعل كافة الأقسام مقروءة</a></td>
</tr></table></div>
<br />
<table class="tborder" cellpadding="6" cellspacing="1" border="0" width="100%" align="center"><tr>
<td class="alt1" width="100%"><table cellpadding="0" cellspacing="0" border="0"><tr valign="bottom">
<td><span class="navbar"><a href="index.php?{s}" accesskey="1">{FORUM}</a></span> {crumbs}</td></tr></table></td>
<td class="alt2" nowrap="nowrap" style="padding:0px"><form action="login.php?do=login" method="post">
<table cellpadding="0" cellspacing="3" border="0"><tr><td class="smallfont" style="white-space: nowrap;"><label for="navbar_username">اسم المستخدم</label></td>
<td><input type="text" class="bginput" style="font-size: 11px" name="vb_login_username" id="navbar_username" size="10" value="اسم المستخدم" /></td>
<td class="smallfont" nowrap="nowrap"><label for="cb_cookieuser_navbar"><input type="checkbox" name="cookieuser" value="1" id="cb_cookieuser_navbar" />حفظ البيانات؟</label></td></tr>
<tr><td class="smallfont"><label for="navbar_password">كلمة المرور</label></td><td><input type="password" class="bginput" name="vb_login_password" id="navbar_password" size="10" /></td>
<td><input type="submit" class="button" value="تسجيل الدخول" title="ادخل اسم العضو وكلمة المرور الخاصة بك في الحقول المجاورة لتسجيل الدخول, أو اضغط على رابط 'تسجيل' لإنشاء حساب خاص بك." /></td></tr></table></form></td>
</tr></table>
<br />
{main}
<br />
<div class="smallfont" align="center">جميع الأوقات بتوقيت GMT +2. الساعة الآن <span class="time">10:12 PM</span>.</div>
<br />
<div align="center"><div class="smallfont" align="center">
Powered by vBulletin&reg; Version 3.8.7<br />Copyright &copy;2000 - 2019, Jelsoft Enterprises Ltd.<br />
ترجمة: <a href="http://www.vbulletin-ar.com">vBulletin Arabic</a></div>
<div class="smallfont" align="center"><a href="archive/index.php">الأرشيف</a> - <a href="#top" onclick="self.scrollTo(0, 0); return false;">الأعلى</a></div></div>
</body>
</html>"""
        cookie = (("Set-Cookie", f"bbsessionhash={SESSION}; path=/; HttpOnly"),
                  ("Set-Cookie", "bblastvisit=1557340200; expires=Thu, 07-May-2020 20:12:00 GMT; path=/"))
        return html_reply(html, status=status, extra=cookie)

    def home(self, s: str) -> Reply:
        rows = "".join(
            f'<tr align="center"><td class="alt1Active" align="right" id="f{f}"><div><a href="forumdisplay.php?{s}f={f}">'
            f'<strong>{escape(label)}</strong></a></div><div class="smallfont">كل ما يخص الشأن الليبي من أخبار وتقارير</div></td>'
            f'<td class="alt2"><div class="smallfont" align="right">{len([t for t in self.threads if t["forum"] == f])} '
            'مواضيع</div></td></tr>' for f, label in FORUMS.items())
        latest = "".join(f'<li><a href="showthread.php?{s}t={t["id"]}">{escape(t["title"])}</a></li>'
                         for t in self.threads[:3])
        main = (f'<table class="tborder" cellpadding="6" cellspacing="1" border="0" width="100%" align="center">'
                f'<thead><tr align="center"><td class="thead">&nbsp;</td><td class="thead" width="100%" align="right">'
                f'المنتدى</td></tr></thead>{rows}</table><br /><div class="tborder"><div class="tcat">آخر المواضيع'
                f'</div><ul class="smallfont">{latest}</ul></div>')
        return self.page(FORUM, main, s)

    def forum(self, f: int, page: int, s: str) -> Reply:
        threads = [t for t in self.threads if t["forum"] == f]
        last = max(1, -(-len(threads) // THREADS_PER_PAGE))
        shown = threads[(page - 1) * THREADS_PER_PAGE:page * THREADS_PER_PAGE]
        rows = []
        for t in shown:
            ps = posts(t)
            pages = -(-len(ps) // PER_PAGE)
            mini = (f' <span class="smallfont" style="white-space:nowrap">(<img class="inlineimg" src="images/misc/'
                    f'multipage.gif" alt="موضوع متعدد الصفحات" border="0" /> <a href="showthread.php?{s}t={t["id"]}">1</a> '
                    f'<a href="showthread.php?{s}t={t["id"]}&amp;page=2">2</a>)</span>') if pages > 1 else ""
            lp = ps[-1]
            rows.append(
                f'<tr><td class="alt1" id="td_threadstatusicon_{t["id"]}"><img src="images/statusicon/thread.gif" '
                f'alt="" border="" /></td><td class="alt1" id="td_threadtitle_{t["id"]}" title="{escape(t["paras"][0][:100])}...">'
                f'<div><a href="showthread.php?{s}goto=newpost&amp;t={t["id"]}" id="thread_gotonew_{t["id"]}"><img '
                f'class="inlineimg" src="images/buttons/firstnew.gif" alt="الذهاب إلى أول مشاركة غير مقروءة" border="0" /></a> '
                f'<a href="showthread.php?{s}t={t["id"]}" id="thread_title_{t["id"]}">{escape(t["title"])}</a>{mini}</div>'
                f'<div class="smallfont"><span style="cursor:pointer" onclick="window.open(\'member.php?{s}u=77\', \'_self\')">'
                f'{escape(t["poster"])}</span></div></td><td class="alt2" title="الردود: {len(ps) - 1}, المشاهدات: '
                f'{t["id"] % 900}"><div class="smallfont" style="text-align:left; white-space:nowrap">{vbdate(*lp["when"])}'
                f'<br />بواسطة <a href="member.php?{s}find=lastposter&amp;t={t["id"]}" rel="nofollow">{escape(lp["who"])}</a> '
                f'<a href="showthread.php?{s}p={lp["pid"]}#post{lp["pid"]}"><img class="inlineimg" src="images/buttons/'
                f'lastpost.gif" alt="الذهاب إلى آخر مشاركة" border="0" /></a></div></td><td class="alt1" align="center">'
                f'{len(ps) - 1}</td><td class="alt2" align="center">{t["id"] % 900}</td></tr>')
        nav = "".join(f'<td class="alt1"><a class="smallfont" href="forumdisplay.php?{s}f={f}&amp;page={p}">{p}</a></td>'
                      if p != page else f'<td class="alt2"><span class="smallfont"><strong>{p}</strong></span></td>'
                      for p in range(1, last + 1))
        pager = (f'<div class="pagenav" align="left"><table class="tborder" cellpadding="3" cellspacing="1" border="0">'
                 f'<tr><td class="vbmenu_control" style="font-weight:normal">صفحة {page} من {last}</td>{nav}</tr></table>'
                 '</div>') if last > 1 else ""
        main = (f'{pager}<table class="tborder" id="threadslist" cellpadding="6" cellspacing="1" border="0" width="100%" '
                f'align="center"><tbody><tr><td class="thead" colspan="2">عنوان الموضوع / الكاتب</td><td class="thead">'
                f'آخر مشاركة</td><td class="thead">الردود</td><td class="thead">المشاهدات</td></tr></tbody>'
                f'<tbody id="threadbits_forum_{f}">{"".join(rows)}</tbody></table>{pager}')
        crumbs = f'<span class="navbar">&gt; <strong>{escape(FORUMS[f])}</strong></span>'
        return self.page(f"{FORUMS[f]} - {FORUM}", main, s, crumbs=crumbs)

    def post(self, t: dict, p: dict, n: int, s: str) -> str:
        pid, who = p["pid"], p["who"]
        quote = ""
        if p["quote"]:
            quote = (f'<div style="margin:20px; margin-top:5px; "><div class="smallfont" style="margin-bottom:2px">اقتباس:'
                     f'</div><table cellpadding="6" cellspacing="0" border="0" width="100%"><tr><td class="alt2" style='
                     f'"border:1px inset"><div>المشاركة الأصلية كتبت بواسطة <strong>{escape(t["poster"])}</strong> '
                     f'<a href="showthread.php?{s}p={t["pid"]}#post{t["pid"]}" rel="nofollow"><img class="inlineimg" '
                     f'src="images/buttons/viewpost.gif" border="0" alt="مشاهدة المشاركة" /></a></div><div style="font-'
                     f'style:italic">{escape(t["paras"][0])}</div></td></tr></table></div>')
        text = "<br />\n<br />\n".join(escape(x) for x in p["text"])
        sig = SIGNATURES.get(who, "")
        sig_html = f"<div>__________________<br />{escape(sig)}</div>" if sig else ""
        title = (f'<div class="smallfont"><img class="inlineimg" src="images/icons/icon1.gif" alt="افتراضي" border="0" />'
                 f' <strong>{escape(p["title"])}</strong></div><hr size="1" style="color:#D1D1E1" />') if p["title"] else (
                 '<div class="smallfont"><img class="inlineimg" src="images/icons/icon1.gif" alt="افتراضي" border="0" />'
                 '</div><hr size="1" style="color:#D1D1E1" />')
        return f"""<div id="edit{pid}" style="padding:0px 0px 6px 0px">
<table id="post{pid}" class="tborder" cellpadding="6" cellspacing="0" border="0" width="100%" align="center">
<tr><td class="thead" style="font-weight:normal; border: 1px solid #D1D1E1; border-left: 0px">
<div style="float:left">&nbsp;#<a href="showpost.php?{s}p={pid}&amp;postcount={n}" target="new" rel="nofollow" id="postcount{pid}" name="{n}"><strong>{n}</strong></a></div>
<div class="normal"><a name="post{pid}"><img class="inlineimg" src="images/statusicon/post_old.gif" alt="قديم" border="0" /></a> {vbdate(*p["when"])}</div>
</td></tr>
<tr><td class="alt2" style="padding:0px"><table cellpadding="0" cellspacing="6" border="0" width="100%"><tr>
<td class="alt2"><a href="member.php?{s}u={pid % 97}"><img src="image.php?{s}u={pid % 97}&amp;dateline=1299" alt="الصورة الرمزية {escape(who)}" border="0" /></a></td>
<td nowrap="nowrap"><div id="postmenu_{pid}"><a class="bigusername" href="member.php?{s}u={pid % 97}">{escape(who)}</a></div><div class="smallfont">عضو مميز</div></td>
<td width="100%">&nbsp;</td>
<td valign="top" nowrap="nowrap"><div class="smallfont"><div>تاريخ التسجيل: Mar 2011</div><div>الدولة: ليبيا</div><div>المشاركات: {pid % 5000:,}</div></div></td>
</tr></table></td></tr>
<tr><td class="alt1" id="td_post_{pid}" style="border-right: 1px solid #D1D1E1">
{title}
<div id="post_message_{pid}">{quote}{text}</div>
{sig_html}
<div style="margin-top: 10px" align="left"><a href="report.php?{s}p={pid}" rel="nofollow"><img class="inlineimg" src="images/buttons/report.gif" alt="تقرير بمشاركة سيئة" border="0" /></a></div>
</td></tr>
<tr><td class="alt2" style="border: 1px solid #D1D1E1; border-top: 0px"><img class="inlineimg" src="images/statusicon/user_offline.gif" alt="{escape(who)} غير متواجد حالياً" border="0" />
<a href="newreply.php?{s}do=newreply&amp;p={pid}" rel="nofollow"><img src="images/buttons/quote.gif" alt="رد مع اقتباس" border="0" /></a></td></tr>
</table></div>"""

    def thread(self, t: dict, page: int, raw: str, s: str) -> Reply:
        ps = posts(t)
        last = -(-len(ps) // PER_PAGE)
        page = min(max(page, 1), last)
        if page == 1:
            self.served.append((raw, t["id"]))
        shown = ps[(page - 1) * PER_PAGE:page * PER_PAGE]
        body = "".join(self.post(t, p, (page - 1) * PER_PAGE + i + 1, s) for i, p in enumerate(shown))
        pager = ""
        if last > 1:
            cells = "".join(f'<td class="alt1"><a class="smallfont" href="showthread.php?{s}t={t["id"]}&amp;page={n}">{n}'
                            '</a></td>' if n != page else f'<td class="alt2"><span class="smallfont"><strong>{n}</strong>'
                            '</span></td>' for n in range(1, last + 1))
            nxt = (f'<td class="alt1"><a class="smallfont" href="showthread.php?{s}t={t["id"]}&amp;page={page + 1}" '
                   f'title="الصفحة التالية">&gt;</a></td>') if page < last else ""
            pager = (f'<div class="pagenav" align="left"><table class="tborder" cellpadding="3" cellspacing="1" '
                     f'border="0"><tr><td class="vbmenu_control" style="font-weight:normal">صفحة {page} من {last}</td>'
                     f'{cells}{nxt}</tr></table></div>')
        similar = "".join(f'<tr><td class="alt1" align="right"><span class="smallfont"><a href="showthread.php?{s}t='
                          f'{o["id"]}" title="">{escape(o["title"])}</a></span></td><td class="alt2"><span class="smallfont">'
                          f'{escape(o["poster"])}</span></td><td class="alt1">{escape(FORUMS[o["forum"]])}</td><td class="alt2">'
                          f'{len(o["replies"])}</td><td class="alt1">{vbdate(*posts(o)[-1]["when"])}</td></tr>'
                          for o in [o for o in self.threads if o is not t][:3])
        tools = (f'<table class="tborder" cellpadding="6" cellspacing="1" border="0" width="100%"><tr><td class="tcat">'
                 f'<a href="newreply.php?{s}do=newreply&amp;noquote=1&amp;p={t["pid"]}" rel="nofollow"><img src="images/'
                 'buttons/reply.gif" alt="رد" border="0" /></a></td><td class="vbmenu_control" nowrap="nowrap">'
                 f'<a href="showthread.php?{s}t={t["id"]}&amp;nojs=1#goto_threadtools">أدوات الموضوع</a></td>'
                 '<td class="vbmenu_control" nowrap="nowrap"><a href="#goto_displaymodes">انواع عرض الموضوع</a></td>'
                 f'</tr></table><div class="vbmenu_popup" id="threadtools_menu"><a href="printthread.php?{s}t={t["id"]}" '
                 'accesskey="3" rel="nofollow">عرض نسخة للطباعة</a> <a href="sendmessage.php?do=sendtofriend&amp;t='
                 f'{t["id"]}" rel="nofollow">أرسل هذه الصفحة لصديق</a></div>')
        main = f"""{pager}{tools}
<div id="posts">{body}</div>
{pager}
<br />
<table class="tborder" cellpadding="6" cellspacing="1" border="0" width="100%" align="center">
<thead><tr><td class="tcat" colspan="5">مواضيع مشابهة</td></tr><tr class="thead" align="center"><td class="thead" width="40%">الموضوع</td><td class="thead">كاتب الموضوع</td><td class="thead">المنتدى</td><td class="thead">مشاركات</td><td class="thead">آخر مشاركة</td></tr></thead>
<tbody>{similar}</tbody></table>
<br />
<table class="tborder" cellpadding="6" cellspacing="1" border="0" width="210"><thead><tr><td class="thead">قوانين المشاركة</td></tr></thead>
<tbody><tr><td class="alt1" nowrap="nowrap"><div class="smallfont">
<div>لا تستطيع إضافة مواضيع جديدة</div><div>لا تستطيع الرد على المواضيع</div><div>لا تستطيع إرفاق ملفات</div><div>لا تستطيع تعديل مشاركاتك</div>
<hr /><div><a href="misc.php?do=bbcode" target="_blank">BB code</a> is <strong>متاحة</strong></div><div>كود HTML <strong>معطلة</strong></div>
</div></td></tr></tbody></table>"""
        crumbs = (f'<span class="navbar">&gt; <a href="forumdisplay.php?{s}f={t["forum"]}">{escape(FORUMS[t["forum"]])}'
                  f'</a></span></td></tr><tr><td class="navbar" style="font-size:10pt; padding-top:1px" colspan="3">'
                  f'<img class="inlineimg" src="images/misc/navbits_finallink_rtl.gif" alt="" border="0" /> <strong>'
                  f'{escape(t["title"])}</strong>')
        head = (f'<meta name="keywords" content=" {escape(t["title"])}, {FORUM}" />\n'
                f'<meta name="description" content=" {escape(t["paras"][0][:150])}" />\n')
        title = f"{t['title']} - الصفحة {page} - {FORUM}" if page > 1 else f"{t['title']} - {FORUM}"
        return self.page(title, main, s, crumbs=crumbs, head=head)
