"""A 2014-style regional news portal on a shared-hosting PHP CMS: Arabic folders and slugs left unencoded in its
hrefs (``/أخبار-محلية/1207-اشتباكات-في-بنغازي....html``), titles and headlines written as numeric character references
(``&#1575;&#1588;...``), ``<font>`` tags and tables nested three deep, the date in a ``<font>`` beside the view count,
the CMS's old script ``/news.php?id=N`` still linked from the ticker (the same page: no rel=canonical), section pages
paged with ``?page=N``, a sitemap served as a text file (``text/plain``, one URL a line, escaped, as sitemaps.org allows) that alone
leads to the oldest story, and
a robots.txt saved by a Windows editor: a UTF-8 byte order mark, CRLF line ends and a ``Crawl-delay``."""

from __future__ import annotations

from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import PORTAL_ARTICLES, PORTAL_SITE

PER_PAGE = 3
# the Disallow rules as the robots.txt file states them (its first line opens with a BOM)
DISALLOW = ["/admin/", "/print.php", "/send.php"]
SECTIONS = {"أخبار-محلية": "أخبار محلية", "رياضة": "رياضة"}


def ncr(text: str) -> str:
    """Every non-ASCII character as a decimal character reference, as the CMS's editor saved them."""
    return "".join(c if ord(c) < 128 and c not in '<>&"' else f"&#{ord(c)};" for c in text)


def _robots(base: str) -> bytes:
    lines = [
        "User-agent: *",
        "Crawl-delay: 10",
        *(f"Disallow: {d}" for d in DISALLOW),
        "",
        f"Sitemap: {base}/sitemap.txt",
        "",
    ]
    return b"\xef\xbb\xbf" + "\r\n".join(lines).encode()


class PortalSite:
    """Routes and pages of the portal."""

    name = "portal"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(PORTAL_ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    @staticmethod
    def path(a: dict) -> str:
        """The story's path as the CMS prints it in hrefs: Arabic, unencoded."""
        return f"/{a['folder']}/{a['id']}-{a['slug']}.html"

    def url(self, a: dict) -> str:
        return self.base + self.path(a)

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its folder URL (the sitemap's and the section pages' link)."""
        return [
            ExpectedArticle(
                "portal", f"portal-{a['id']}", self.url(a), a["title"], tuple(a["paras"]), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The print and send-to-a-friend pages every story links to."""
        return [f"{self.base}/print.php?id={a['id']}" for a in self.articles] + [
            f"{self.base}/send.php?id={a['id']}" for a in self.articles
        ]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), _robots(self.base))
        if path == "/sitemap.txt":
            # escaped, as sitemaps.org asks of a sitemap's URLs (the hrefs of the pages are not)
            lines = [f"{self.base}/"] + [f"{self.base}/{quote(s)}/" for s in SECTIONS]
            lines += [self.base + quote(self.path(a)) for a in self.articles]
            lines.append(f"{self.base}/contact.html")
            return Reply(200, (("Content-Type", "text/plain"),), ("\n".join(lines) + "\n").encode())
        if path in ("/", "/index.php"):
            latest = [a for a in self.articles if a["page"] < 3]
            return self.page("الرئيسية", self.section_list(latest, "آخر الأخبار"))
        if path == "/contact.html":
            return self.page(
                "اتصل بنا",
                "<table><tr><td><font size='4'><b>اتصل بنا</b></font></td></tr><tr><td>"
                "للتواصل مع إدارة البوابة يرجى مراسلتنا على البريد الإلكتروني أو الاتصال بمكتب "
                "التحرير في غريان خلال ساعات الدوام الرسمي.</td></tr></table>",
            )
        if path == "/news.php" and query.get("id", "").isdigit() and int(query["id"]) in self.by_id:
            a = self.by_id[int(query["id"])]
            if a["old_id"]:
                self.served.append((raw, a["id"]))
                return self.story(a)
        folder = path.strip("/").split("/")[0]
        if path.strip("/") in SECTIONS:
            page = int(query.get("page", "1") or 1)
            items = [a for a in self.articles if a["folder"] == folder and a["page"] == page]
            # the pager shows two pages; older stories (page 3 on) only the sitemap leads to
            pager = "".join(f'<a href="/{folder}/?page={n}">[{n}]</a> ' for n in (1, 2) if n != page)
            return self.page(SECTIONS[folder], self.section_list(items, SECTIONS[folder], pager))
        for a in self.articles:
            if path == self.path(a):
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.page("خطأ 404", "<font color='red'>الصفحة غير موجودة</font>", status=404)

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200) -> Reply:
        """The portal's shell: a banner table, the menu row, ``main`` beside a sidebar table, the footer row."""
        menu = " | ".join(
            f'<a href="/{k}/"><font color="#ffffff">{v}</font></a>' for k, v in SECTIONS.items()
        )
        ticker = " ** ".join(
            f'<a href="/news.php?id={a["id"]}">{ncr(a["title"])}</a>' for a in self.articles if a["old_id"]
        )
        side = "".join(
            f'<tr><td class="side"><font size="2"><a href="{self.path(a)}">{ncr(a["title"])}</a>'
            f"</font></td></tr>"
            for a in self.articles
            if a["page"] < 3
        )
        return html_reply(
            f"""<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{ncr(PORTAL_SITE)} :: {ncr(title)}</title>
<link href="/style.css" rel="stylesheet" type="text/css">
</head>
<body bgcolor="#f0f0f0" topmargin="0">
<table width="980" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td><img src="/images/banner.jpg" width="980" height="120" alt="{ncr(PORTAL_SITE)}"></td></tr>
<tr><td bgcolor="#336699" height="28"><a href="/"><font color="#ffffff">{ncr("الرئيسية")}</font></a> | {menu} |
<a href="/contact.html"><font color="#ffffff">{ncr("اتصل بنا")}</font></a></td></tr>
<tr><td><marquee direction="right" scrollamount="3"><font color="#990000">{ncr("عاجل")}:</font> {ticker}</marquee></td></tr>
<tr><td><table width="100%" cellpadding="4" cellspacing="0" border="0"><tr>
<td width="720" valign="top">{main}</td>
<td width="260" valign="top"><table width="100%" class="sidebox" cellpadding="3">
<tr><td bgcolor="#cccccc"><b>{ncr("الأكثر قراءة")}</b></td></tr>{side}</table>
<table width="100%" class="sidebox"><tr><td><b>{ncr("استطلاع الرأي")}</b></td></tr><tr><td>
<form action="/poll.php" method="post"><input type="radio" name="v" value="1">{ncr("نعم")}
<input type="radio" name="v" value="2">{ncr("لا")}<input type="submit" value="{ncr("صوت")}"></form></td></tr></table>
</td></tr></table></td></tr>
<tr><td bgcolor="#336699" align="center"><font color="#ffffff" size="1">{ncr("جميع الحقوق محفوظة")} &copy;
{ncr(PORTAL_SITE)} 2010-2014 | {ncr("تصميم وبرمجة")} <a href="http://hosting.example/">HostLY</a></font></td></tr>
</table>
</body>
</html>""",
            status=status,
        )

    def section_list(self, items: list[dict], heading: str, pager: str = "") -> str:
        """A section page: a table of headlines (unencoded Arabic hrefs), each with its date and a teaser."""
        rows = "".join(
            f'<tr><td><a href="{self.path(a)}"><font size="3" color="#003366"><b>{ncr(a["title"])}</b></font></a>'
            f'<br><font size="1" color="#999999">{"%04d-%02d-%02d" % a["g"]}</font><br>'
            f"{ncr(a['paras'][0][:100])}...</td></tr>"
            for a in items
        )
        return (
            f'<table width="100%"><tr><td class="sectitle"><font size="4">{ncr(heading)}</font></td></tr>'
            f'{rows}<tr><td align="center">{pager}</td></tr></table>'
        )

    def story(self, a: dict) -> Reply:
        """A story: the headline in a big bold font, the date and reads, the text in a nested table, tools."""
        body = "<br><br>\n".join(ncr(p) for p in a["paras"])
        main = f"""<table width="100%" cellpadding="0" cellspacing="0"><tr><td>
<table width="100%" cellpadding="5"><tr><td class="newstitle"><font size="5" color="#003366"><b>{ncr(a["title"])}</b></font></td></tr>
<tr><td><font size="1" color="#666666">{ncr("نشر بتاريخ")}: {"%04d-%02d-%02d" % a["g"]} | {ncr("عدد القراءات")}: {a["id"] * 3 % 900 + 40}</font></td></tr>
<tr><td><table width="100%"><tr><td class="newstext"><font face="Tahoma" size="3">
{body}
</font></td></tr></table></td></tr>
<tr><td><a href="/print.php?id={a["id"]}"><img src="/images/print.gif" border="0" alt="">{ncr("طباعة")}</a> |
<a href="/send.php?id={a["id"]}">{ncr("أرسل لصديق")}</a></td></tr></table>
</td></tr></table>"""
        return self.page(a["title"], main)
