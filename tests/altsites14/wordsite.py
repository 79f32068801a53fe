"""A Libyan exile news site of static pages saved from Microsoft Word (2003) and put up by FrontPage on IIS, as
Libyan opposition and community sites of 1998-2020 were run: every story a ``.htm`` file a volunteer saved from Word.

The pages are windows-1256 and say so nowhere: IIS sends ``Content-Type: text/html`` with no charset, and the
webmaster's template dropped Word's ``<meta http-equiv="Content-Type">`` (the ``<head>`` keeps Word's ``ProgId`` and
``Generator`` metas, its Office XML in conditional comments and its ``Mso`` styles). A story's ``<title>`` is the
site's name, or the first words Word took from the document; the headline is a centred, bold, 18pt ``MsoNormal``
paragraph; the dateline a left-aligned paragraph under it ("الأحد 12 مايو 2019"); each paragraph of the story an
``MsoNormal`` paragraph of ``<span lang=AR-LY style='font-family:"Simplified Arabic"'>`` runs, cut where the typist
changed the font, with ``<o:p></o:p>`` marks and empty ``<o:p>&nbsp;</o:p>`` paragraphs between; a signed article
puts its byline under the text. Around it the FrontPage template: a banner table, a menu of links, a "latest" box
on the home page, an e-mail line for comments and a copyright line.

Addresses: ``/news/n<yyyy>/<month>/n<mmdd><letter>.htm`` and ``/adab/<yyyy>/a<mmdd><letter>.htm``, listed on the
home page and the month's index ``/news/n2019/may/index.htm``; the home page's "latest" box typed some file names in
capitals (``/News/n2019/May/N0512A.htm``), and IIS answers any case with the same file. robots.txt forbids the
FrontPage folders ``/_vti_bin/``, ``/_private/``."""

from __future__ import annotations

from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules

from .content import PAGES, SITE

DISALLOW = ["/_vti_bin/", "/_vti_cnf/", "/_private/", "/cgi-bin/"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر"]
SPAN = "<span lang=AR-LY style='font-size:14.0pt;font-family:\"Simplified Arabic\"'>"
SPAN2 = "<span lang=AR-LY style='font-size:14.0pt;font-family:\"Traditional Arabic\"'>"
EMPTY = "<p class=MsoNormal dir=RTL style='text-align:justify;direction:rtl;unicode-bidi:embed'>" + SPAN + \
    "<o:p>&nbsp;</o:p></span></p>\n"


def word_paragraph(text: str) -> str:
    """A paragraph as Word saves it: its runs cut where the typist changed the font (after the first few words)."""
    words = text.split(" ")
    cut = min(4, len(words) - 1)
    first, rest = " ".join(words[:cut]), " ".join(words[cut:])
    return (f"<p class=MsoNormal dir=RTL style='text-align:justify;direction:rtl;unicode-bidi:embed'>{SPAN}"
            f"{escape(first)} </span>{SPAN2}{escape(rest)}<o:p></o:p></span></p>\n")


class WordSite:
    """Routes and pages of the static Word-saved site."""

    name = "word"

    def __init__(self, base: str):
        self.base = base
        self.pages = sorted(PAGES, key=lambda p: p["g"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("word", f"word-{p['id']}", self.base + p["path"], p["title"], tuple(p["paras"]),
                                p["relevant"]) for p in self.pages]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/_vti_bin/shtml.exe/index.htm"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        low = path.lower()  # IIS: any case names the same file
        if low == "/robots.txt":
            text = "User-agent: *\r\n" + "".join(f"Disallow: {d}\r\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if low in ("/", "/index.htm", "/default.htm"):
            return self.home()
        if low in ("/news/n2019/may/index.htm", "/adab/index.htm"):
            return self.index(low.split("/")[1])
        for p in self.pages:
            if low == p["path"].lower():
                self.served.append((raw, p["id"]))
                return self.story(p)
        return self.reply("<html><head><title>The page cannot be found</title></head><body><h1>The page cannot be "
                          "found</h1><p>HTTP Error 404 - File or directory not found.<br>Internet Information Services "
                          "(IIS)</p></body></html>", 404)

    def reply(self, html: str, status: int = 200) -> Reply:
        # no charset: IIS 6 sends text/html alone for a static .htm file
        return Reply(status, (("Content-Type", "text/html"), ("Accept-Ranges", "bytes"), ("ETag", '"80b1f2c3e4d5c91:0"'),
                              ("Last-Modified", "Mon, 20 May 2019 18:12:40 GMT")), html.encode("windows-1256"))

    def template(self, inner: str) -> str:
        """The FrontPage template around a page's content (banner, menu, comments line, copyright)."""
        return f"""<table border=0 width="100%" cellspacing=0 cellpadding=0 bgcolor="#003300">
<tr><td width="100%"><a href="/index.htm"><img border=0 src="/images/banner.jpg" width=760 height=90 alt="{SITE}"></a></td></tr></table>
<table border=0 width="100%" cellspacing=0 cellpadding=4 bgcolor="#E8E8D0"><tr><td align=center><font face="Tahoma" size=2>
<a href="/index.htm">الرئيسية</a> | <a href="/news/n2019/may/index.htm">الأخبار</a> | <a href="/adab/index.htm">مقالات وآراء</a> |
<a href="/archive.htm">الأرشيف</a> | <a href="mailto:editor@watanona.example">راسلونا</a></font></td></tr></table>
{inner}
<table border=0 width="100%" cellspacing=0 cellpadding=6><tr><td align=center><font face="Tahoma" size=2 color="#666666">
للتعليق على هذا الموضوع راسلونا على البريد الإلكتروني editor@watanona.example<br>
جميع الحقوق محفوظة © {SITE} 1998-2019<br>
<a href="/index.htm">العودة إلى الصفحة الرئيسية</a></font></td></tr></table>"""

    def home(self) -> Reply:
        latest = "".join(
            f'<li><font face="Tahoma" size=2><a href="{self.upper(p) if p["upper"] else p["path"]}">'
            f'{escape(p["title"])}</a></font></li>' for p in self.pages)
        inner = (f'<table border=0 width="100%"><tr><td width="25%" valign=top bgcolor="#F4F4E8"><b>آخر ما نشر</b>'
                 f'<ul>{latest}</ul></td><td valign=top><p align=center><font size=5 color="#003300"><b>{SITE}</b></font>'
                 '</p><p align=center>موقع ليبي مستقل يعنى بشؤون الوطن منذ 1998</p></td></tr></table>')
        return self.reply(self.wrap(SITE, inner, front=True))

    def upper(self, p: dict) -> str:
        folder, _, name = p["path"].rpartition("/")
        return folder.replace("/news/", "/News/").replace("/may", "/May") + "/" + name.upper().replace(".HTM", ".htm")

    def index(self, folder: str) -> Reply:
        rows = "".join(f'<tr><td><font face="Tahoma" size=2>{d}</font></td><td><a href="{p["path"].rsplit("/", 1)[1]}">'
                       f'{escape(p["title"])}</a></td></tr>'
                       for p in self.pages if p["path"].startswith(f"/{folder}/") for d in [p["dateline"]])
        label = "أخبار مايو 2019" if folder == "news" else "مقالات وآراء"
        inner = f'<p align=center><b>{label}</b></p><table border=1 cellpadding=4 width="90%">{rows}</table>'
        return self.reply(self.wrap(label, inner))

    def wrap(self, title: str, inner: str, *, front: bool = False) -> str:
        return (f"<html dir=rtl>\n<head>\n<meta name=GENERATOR content=\"Microsoft FrontPage 6.0\">\n<meta name=ProgId "
                f"content=FrontPage.Editor.Document>\n<title>{escape(title)}</title>\n</head>\n<body bgcolor=\"#FFFFFF\">\n"
                f"{self.template(inner)}\n</body>\n</html>\n")

    def story(self, p: dict) -> Reply:
        y, m, d = p["g"]
        word_title = SITE if p["id"] % 2 else " ".join(p["title"].split(" ")[:3])
        paras = EMPTY.join(word_paragraph(x) for x in p["paras"])
        byline = (f"<p class=MsoNormal dir=RTL style='text-align:left;direction:rtl;unicode-bidi:embed'><b>{SPAN}"
                  f"{escape(p['author'])}<o:p></o:p></span></b></p>\n") if p["author"] else ""
        inner = f"""<div class=Section1 dir=RTL>
<p class=MsoNormal align=center dir=RTL style='text-align:center;direction:rtl;unicode-bidi:embed'><b><span lang=AR-LY style='font-size:18.0pt;font-family:"Simplified Arabic";color:#993300'>{escape(p['title'])}<o:p></o:p></span></b></p>
<p class=MsoNormal align=left dir=RTL style='text-align:left;direction:rtl;unicode-bidi:embed'><span lang=AR-LY style='font-size:12.0pt;font-family:"Simplified Arabic";color:gray'>{escape(p['dateline'])}<o:p></o:p></span></p>
{EMPTY}{paras}{EMPTY}{byline}</div>"""
        html = f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40" dir=rtl>

<head>
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 11">
<meta name=Originator content="Microsoft Word 11">
<link rel=File-List href="{p['path'].rsplit('/', 1)[1].replace('.htm', '_files')}/filelist.xml">
<title>{escape(word_title)}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>Watanona</o:Author>
  <o:LastAuthor>admin</o:LastAuthor>
  <o:Revision>2</o:Revision>
  <o:Created>{y:04d}-{m:02d}-{d:02d}T10:12:00Z</o:Created>
  <o:LastSaved>2019-05-20T18:12:00Z</o:LastSaved>
  <o:Pages>1</o:Pages>
  <o:Company>Home</o:Company>
  <o:Version>11.5606</o:Version>
 </o:DocumentProperties>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:BrowserLevel>MicrosoftInternetExplorer4</w:BrowserLevel>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{{font-family:"Simplified Arabic";
	panose-1:2 1 0 0 0 0 0 0 0 0;
	mso-font-charset:178;}}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-parent:"";
	margin:0cm;
	margin-bottom:.0001pt;
	text-align:right;
	direction:rtl;
	unicode-bidi:embed;
	font-size:12.0pt;
	font-family:"Times New Roman";}}
@page Section1
	{{size:595.3pt 841.9pt;
	margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
div.Section1
	{{page:Section1;}}
-->
</style>
</head>

<body lang=EN-US style='tab-interval:36.0pt'>
{self.template(inner)}
</body>

</html>
"""
        return self.reply(html)
