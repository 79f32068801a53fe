"""A Joomla 3-style portal: SEF ``/news/<cat>/<id>-<alias>.html`` beside non-SEF ``index.php?option=com_content``
links (menu ``Itemid`` differing by module, with and without the alias), a print view (``?tmpl=component&print=1``),
``rel=canonical`` on the non-SEF pages of even ids only, category blogs paged by ``?start=N``, a category RSS feed
(``?format=feed&type=rss``), a redirect-component 301 from ``/index.php/...``, the ``<dl class="article-info">``
block (details, category, date, hits) with a hit counter that changes on every view, and bodies typed in three ways
(``<p>`` paragraphs, shift-enter ``<br />`` pairs inside one ``<p>``, TinyMCE spans with ``&nbsp;`` spacers)."""

from __future__ import annotations

import base64
import itertools
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import JOOMLA_ARTICLES, JOOMLA_CATEGORIES, JOOMLA_SITE

PER_PAGE = 4  # category blog: "# Leading" 1 + "# Intro" 3
MONTHS = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيو",
          "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"]
ROBOTS = """# If the Joomla site is installed within a folder
# eg www.example.com/joomla/ then the robots.txt file
# MUST be moved to the site root
User-agent: *
Disallow: /administrator/
Disallow: /bin/
Disallow: /cache/
Disallow: /cli/
Disallow: /component/mailto/
Disallow: /component/users/
Disallow: /includes/
Disallow: /language/
Disallow: /layouts/
Disallow: /libraries/
Disallow: /logs/
Disallow: /modules/
Disallow: /plugins/
Disallow: /tmp/
"""
DISALLOW = ["/administrator/", "/bin/", "/cache/", "/cli/", "/component/mailto/", "/component/users/",
            "/includes/", "/language/", "/layouts/", "/libraries/", "/logs/", "/modules/", "/plugins/", "/tmp/"]
ITEMIDS = {3: 101, 5: 102, 7: 103}  # the menu item of each category; "most read" is its own menu item, 115


class JoomlaSite:
    """Routes and pages of the Joomla-style portal."""

    name = "joomla"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(JOOMLA_ARTICLES, key=lambda a: a["date"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.robots = RobotsRules(DISALLOW)
        self.hits = itertools.count(1200)
        self.served: list[tuple[str, int]] = []  # (raw path and query asked for, article id) of each article page

    # -- URLs ----------------------------------------------------------------------------------

    def sef(self, a: dict) -> str:
        """The SEF URL, alias percent-encoded as Joomla prints it."""
        return f"{self.base}/news/{JOOMLA_CATEGORIES[a['catid']][0]}/{a['id']}-{quote(a['alias'])}.html"

    def nonsef(self, a: dict, itemid: int, *, alias: bool = True) -> str:
        """A non-SEF link as legacy modules and editors print it (``&amp;`` escaped in the page)."""
        slug = f"{a['id']}:{quote(a['alias'])}" if alias else str(a["id"])
        return (f"{self.base}/index.php?option=com_content&amp;view=article&amp;id={slug}"
                f"&amp;catid={a['catid']}&amp;Itemid={itemid}")

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each article."""
        return [ExpectedArticle("joomla", f"joomla-{a['id']}", self.sef(a), a["title"], tuple(a["paras"]),
                                a["relevant"]) for a in self.articles]

    def forbidden_links(self) -> list[str]:
        """Forbidden URLs the pages link to (the e-mail-this form, the login module)."""
        return [*(self._mailto(a).replace("&amp;", "&") for a in self.articles),
                f"{self.base}/component/users/?view=login&Itemid=101"]

    def _mailto(self, a: dict) -> str:
        link = base64.b64encode(self.sef(a).encode()).decode()
        return f"{self.base}/component/mailto/?tmpl=component&amp;template=protostar&amp;link={link}"

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str) -> Reply:
        """The reply for one GET (``path`` percent-decoded, ``raw`` as sent)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.encode())
        if path in ("/", "/index.php") and query.get("option") == "com_content" and query.get("view") == "article":
            a = self.by_id.get(int(query.get("id", "0").split(":")[0] or 0))
            if a is None:
                return self.not_found()
            self.served.append((raw, a["id"]))
            canonical = self.sef(a) if a["id"] % 2 == 0 else None  # the SEF plugin's canonical, some pages only
            return self.article(a, canonical=canonical, itemid=int(query.get("Itemid", "101") or 101))
        if path == "/" and not query:
            return self.home()
        if path.startswith("/index.php/"):  # the redirect component's 301s from the days before URL rewriting
            return redirect(301, self.base + quote(path[len("/index.php"):]))
        for cid, (slug, _) in JOOMLA_CATEGORIES.items():
            if path == f"/news/{slug}.html":
                if query.get("format") == "feed":
                    return self.feed(cid)
                start = query.get("start", "0")
                return self.category(cid, int(start) if start.isdigit() else 0)
        for a in self.articles:
            if path == f"/news/{JOOMLA_CATEGORIES[a['catid']][0]}/{a['id']}-{a['alias']}.html":
                self.served.append((raw, a["id"]))
                if query.get("tmpl") == "component" and query.get("print") == "1":
                    return self.print_view(a)
                return self.article(a, canonical=None, itemid=ITEMIDS[a["catid"]])
        return self.not_found()

    # -- pages ---------------------------------------------------------------------------------

    def date_ar(self, a: dict) -> str:
        """A date as Joomla's Arabic language pack prints it."""
        d = datetime.fromisoformat(a["date"])
        return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"

    def page(self, title: str, main: str, *, head: str = "", itemid: int = 101) -> Reply:
        """The Protostar-like template around ``main``: header, menu, ticker, side modules, footer."""
        menu = "".join(
            f'<li class="item-{ITEMIDS[c]}{" current active" if ITEMIDS[c] == itemid else ""}">'
            f'<a href="/news/{slug}.html">{escape(name)}</a></li>' for c, (slug, name) in JOOMLA_CATEGORIES.items())
        ticker = " ".join(f'<a href="{self.nonsef(a, 101)}">{escape(a["title"])}</a> &bull;'
                          for a in self.articles[:4])
        most_read = "".join(f'<li itemscope itemtype="https://schema.org/Article"><a href="{self.nonsef(a, 115, alias=i % 2 == 0)}" '
                            f'itemprop="url"><span itemprop="name">{escape(a["title"])}</span></a></li>'
                            for i, a in enumerate(self.articles[2:7]))
        # an old override of the latest-news module prints the links of the days before URL rewriting
        latest = "".join(f'<li><a href="/index.php/news/{JOOMLA_CATEGORIES[a["catid"]][0]}/{a["id"]}-{quote(a["alias"])}.html">'
                         f'{escape(a["title"])}</a></li>' for a in self.articles[:5])
        return html_reply(f"""<!DOCTYPE html>
<html lang="ar-aa" dir="rtl">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<meta charset="utf-8" />
<base href="{self.base}/" />
<meta name="generator" content="Joomla! - Open Source Content Management" />
<title>{title}</title>
<link href="/templates/protostar/favicon.ico" rel="shortcut icon" type="image/vnd.microsoft.icon" />
{head}
<link href="/media/jui/css/bootstrap-rtl.css?6d6fd4" rel="stylesheet" />
<script src="/media/jui/js/jquery.min.js?6d6fd4"></script>
<script type="application/json" class="joomla-script-options new">{{"csrf.token":"5f2c1e0b8a","system.paths":{{"root":"","base":""}}}}</script>
</head>
<body class="site com_content view-article no-layout no-task itemid-{itemid} rtl">
<div class="body" id="top"><div class="container">
<header class="header" role="banner"><div class="header-inner clearfix">
<h1 class="logo"><a class="brand pull-right" href="/">{escape(JOOMLA_SITE)}</a></h1>
<div class="header-search pull-left"><div class="search"><form action="/" method="post" class="form-inline">
<label for="mod-search-searchword" class="element-invisible">بحث...</label> <input name="searchword" id="mod-search-searchword" maxlength="200" class="inputbox search-query" type="search" placeholder="بحث..." />
<input type="hidden" name="task" value="search" /><input type="hidden" name="option" value="com_search" /><input type="hidden" name="Itemid" value="101" /></form></div></div>
</div></header>
<nav class="navigation" role="navigation"><ul class="nav menu nav-pills mod-list">
<li class="item-100"><a href="/">الرئيسية</a></li>{menu}<li class="item-120"><a href="/component/users/?view=login&amp;Itemid=101">دخول</a></li></ul></nav>
<div class="moduletable ticker"><h3>عاجل</h3><marquee direction="right" scrollamount="4">{ticker}</marquee></div>
<div class="row-fluid"><main id="content" role="main" class="span9">
<div id="system-message-container"></div>
<ul itemscope itemtype="https://schema.org/BreadcrumbList" class="breadcrumb"><li>أنت هنا: &#160;</li>
<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="/" class="pathway"><span itemprop="name">الرئيسية</span></a></li></ul>
{main}
</main>
<div id="aside" class="span3">
<div class="well "><h3 class="page-header">الأكثر قراءة</h3><ul class="mostread mod-list">{most_read}</ul></div>
<div class="well "><h3 class="page-header">أحدث الأخبار</h3><ul class="latestnews mod-list">{latest}</ul></div>
</div></div></div></div>
<footer class="footer" role="contentinfo"><div class="container"><hr />
<p class="pull-left"><a href="#top" id="back-top">العودة للأعلى</a></p>
<p>&copy; 2024 {escape(JOOMLA_SITE)}. جميع الحقوق محفوظة. يسمح بالنقل مع ذكر المصدر.</p></div></footer>
</body>
</html>
""")

    def item_body(self, a: dict, *, icons: bool) -> str:
        """The article as com_content's article view renders it (hits counted per view, as Joomla does)."""
        cat_slug, cat_name = JOOMLA_CATEGORIES[a["catid"]]
        dropdown = ""
        if icons:
            dropdown = f"""<div class="icons"><div class="btn-group pull-left">
<button class="btn dropdown-toggle" type="button" data-toggle="dropdown"><span class="icon-cog"></span><span class="caret"></span></button>
<ul class="dropdown-menu">
<li class="print-icon"><a href="{self.sef(a)}?tmpl=component&amp;print=1&amp;layout=default" title="طباعة المقال &lt; {escape(a['title'])} &gt;" onclick="window.open(this.href,'win2','status=no,toolbar=no,scrollbars=yes,titlebar=no,menubar=no,resizable=yes,width=640,height=480,directories=no,location=no'); return false;" rel="nofollow"><span class="icon-print"></span>طباعة</a></li>
<li class="email-icon"><a href="{self._mailto(a)}" title="إرسال هذا الرابط لصديق" onclick="window.open(this.href,'win2','width=400,height=450,menubar=yes,resizable=yes'); return false;" rel="nofollow"><span class="icon-envelope"></span>البريد الإلكتروني</a></li>
</ul></div></div>"""
        paras = "\n".join(f"<p>{escape(p)}</p>" for p in a["paras"])
        if a.get("editor") == "br":  # pasted with shift-enter: one <p>, lines apart by <br /> pairs
            paras = "<p>" + "<br /><br />".join(escape(p) for p in a["paras"]) + "</p>"
        elif a.get("editor") == "tinymce":  # TinyMCE with a font set by hand and &nbsp; spacer paragraphs
            paras = "".join(f'<p style="text-align: justify;"><span style="font-size: 14pt; font-family: arial;">'
                            f"{escape(p)}</span></p><p>&nbsp;</p>" for p in a["paras"])
        hits = next(self.hits)
        return f"""<div class="item-page" itemscope itemtype="https://schema.org/Article">
<meta itemprop="inLanguage" content="ar-AA" />
<div class="page-header"><h2 itemprop="headline">{escape(a['title'])}</h2></div>
{dropdown}
<dl class="article-info muted"><dt class="article-info-term">التفاصيل</dt>
<dd class="createdby" itemprop="author" itemscope itemtype="https://schema.org/Person">كتب بواسطة: <span itemprop="name">{escape(a['author'])}</span></dd>
<dd class="category-name">الفئة: <a href="/news/{cat_slug}.html" itemprop="genre">{escape(cat_name)}</a></dd>
<dd class="published"><span class="icon-calendar" aria-hidden="true"></span><time datetime="{a['date']}" itemprop="datePublished">نشر بتاريخ {self.date_ar(a)}</time></dd>
<dd class="hits"><span class="icon-eye-open" aria-hidden="true"></span><meta itemprop="interactionCount" content="UserPageVisits:{hits}" />زيارات: {hits}</dd></dl>
<div itemprop="articleBody">
{paras}
</div>
</div>"""

    def article(self, a: dict, *, canonical: str | None, itemid: int) -> Reply:
        """The full article page: share bar, tags, prev/next, related items, JComments, modules."""
        idx = self.articles.index(a)
        nav = '<ul class="pager pagenav">'
        if idx > 0:
            nav += f'<li class="previous"><a class="hasTooltip" title="{escape(self.articles[idx - 1]["title"])}" href="{self.sef(self.articles[idx - 1])}" rel="prev"><span class="icon-chevron-right"></span> السابق</a></li>'
        if idx + 1 < len(self.articles):
            nav += f'<li class="next"><a class="hasTooltip" title="{escape(self.articles[idx + 1]["title"])}" href="{self.sef(self.articles[idx + 1])}" rel="next">التالي <span class="icon-chevron-left"></span></a></li>'
        nav += "</ul>"
        same = [b for b in self.articles if b["catid"] == a["catid"] and b is not a][:3]
        # the related-items module of an old override prints links as they were before URL rewriting
        related = "".join(f'<li><a href="/index.php/news/{JOOMLA_CATEGORIES[b["catid"]][0]}/{b["id"]}-{quote(b["alias"])}.html">'
                          f'{escape(b["title"])}</a></li>' for b in same)
        share = (f'<div class="share-bar"><span>شارك:</span> <a href="https://www.facebook.com/sharer.php?u={quote(self.sef(a), safe="")}">فيسبوك</a> '
                 f'<a href="https://twitter.com/intent/tweet?url={quote(self.sef(a), safe="")}">تويتر</a> '
                 f'<a class="btn-print" href="{self.sef(a)}?tmpl=component&amp;print=1">نسخة للطباعة</a></div>')
        comments = f"""<div id="jc"><div id="comments"><h4>التعليقات (2)</h4><div id="comments-list" class="comments-list">
<div class="odd" id="comment-item-{a['id']}1"><div class="rbox"><div class="comment-box"><span class="comment-author">ابن الجبل</span>
<span class="comment-date">{self.date_ar(a)} 10:12</span><div class="comment-body">الله يحفظ بلادنا ويرجع الأمن والأمان، كفانا حروب ودمار.</div></div></div></div>
<div class="even" id="comment-item-{a['id']}2"><div class="rbox"><div class="comment-box"><span class="comment-author">متابع</span>
<span class="comment-date">{self.date_ar(a)} 11:40</span><div class="comment-body">شكراً على التغطية المستمرة، نرجو متابعة الموضوع.</div></div></div></div>
</div><h4>أضف تعليق</h4><form id="comments-form" name="comments-form" action="javascript:void(null);">
<p><span><input id="comments-form-name" type="text" name="name" value="" maxlength="20" size="22" /><label for="comments-form-name">الاسم (مطلوب)</label></span></p>
<p><span><textarea id="comments-form-comment" name="comment" cols="65" rows="8"></textarea></span></p>
<div id="comments-form-buttons"><div class="btn" id="comments-form-send"><div><a href="#" onclick="jcomments.saveComment();return false;">إرسال</a></div></div></div></form></div></div>"""
        main = f"""{self.item_body(a, icons=True)}
{share}
<ul class="tags inline"><li class="tag-2 tag-list0"><a href="/component/tags/tag/{a['catid']}.html" class="label label-info">{escape(JOOMLA_CATEGORIES[a['catid']][1])}</a></li></ul>
{nav}
<div class="moduletable related"><h3>مواضيع ذات صلة</h3><ul class="relateditems mod-list">{related}</ul></div>
{comments}"""
        head = f'<link href="{canonical}" rel="canonical" />' if canonical else ""
        head += f'\n<meta name="author" content="{escape(a["author"])}" />\n<meta name="description" content="{escape(a["paras"][0][:150])}" />'
        return self.page(f"{escape(a['title'])} - {escape(JOOMLA_SITE)}", main, head=head, itemid=itemid)

    def print_view(self, a: dict) -> Reply:
        """``?tmpl=component&print=1``: the article alone in the component template, with a print button."""
        return html_reply(f"""<!DOCTYPE html>
<html lang="ar-aa" dir="rtl"><head><meta charset="utf-8" /><base href="{self.base}/" />
<meta name="robots" content="noindex, nofollow" />
<title>{escape(a['title'])} - {escape(JOOMLA_SITE)}</title>
<link href="/templates/protostar/css/template.css?6d6fd4" rel="stylesheet" /></head>
<body class="contentpane modal">
<div id="system-message-container"></div>
<div id="pop-print" class="btn hidden-print"><a href="#" onclick="window.print();return false;"><span class="icon-print"></span>طباعة</a></div>
{self.item_body(a, icons=False)}
</body></html>
""")

    def home(self) -> Reply:
        """The featured view: every category's newest items with their intro text."""
        items = "".join(f"""<div class="items-row"><div class="item" itemprop="blogPost" itemscope itemtype="https://schema.org/BlogPosting">
<div class="page-header"><h2 itemprop="name"><a href="{self.sef(a)}" itemprop="url">{escape(a['title'])}</a></h2></div>
<p>{escape(a['paras'][0][:140])}...</p>
<p class="readmore"><a class="btn" href="{self.sef(a)}" itemprop="url">اقرأ المزيد...</a>
<a class="btn btn-print" href="{self.sef(a)}?tmpl=component&amp;print=1" title="نسخة للطباعة"><span class="icon-print"></span></a></p></div></div>""" for a in self.articles[:6])
        return self.page(escape(JOOMLA_SITE), f'<div class="blog-featured" itemscope itemtype="https://schema.org/Blog">{items}</div>')

    def category(self, cid: int, start: int) -> Reply:
        """A category blog, paged with ``?start=N`` (N a multiple of the page size)."""
        slug, name = JOOMLA_CATEGORIES[cid]
        items = [a for a in self.articles if a["catid"] == cid]
        if start % PER_PAGE or (start and start >= len(items)):
            return self.not_found()
        shown = "".join(f"""<div class="item" itemprop="blogPost"><div class="page-header"><h2 itemprop="name"><a href="{self.sef(a)}">{escape(a['title'])}</a></h2></div>
<dl class="article-info"><dd class="published"><time datetime="{a['date']}">نشر بتاريخ {self.date_ar(a)}</time></dd></dl>
<p>{escape(a['paras'][0][:140])}...</p><p class="readmore"><a class="btn" href="{self.sef(a)}">اقرأ المزيد: {escape(a['title'])}</a></p></div>"""
                        for a in items[start:start + PER_PAGE])
        pages = "".join(f'<li><a href="/news/{slug}.html{f"?start={n}" if n else ""}" class="pagenav">{n // PER_PAGE + 1}</a></li>'
                        for n in range(0, len(items), PER_PAGE))
        feed = f'<link href="/news/{slug}.html?format=feed&amp;type=rss" rel="alternate" type="application/rss+xml" title="RSS 2.0" />'
        main = (f'<div class="blog" itemscope itemtype="https://schema.org/Blog"><h2><span class="subheading-category">{escape(name)}</span></h2>'
                f'{shown}<div class="pagination"><p class="counter pull-right">صفحة {start // PER_PAGE + 1} من {-(-len(items) // PER_PAGE)}</p>'
                f'<ul>{pages}</ul></div><a href="/news/{slug}.html?format=feed&amp;type=rss" class="syndicate-module"><span>RSS</span></a></div>')
        return self.page(f"{escape(name)} - {escape(JOOMLA_SITE)}", main, head=feed, itemid=ITEMIDS[cid])

    def feed(self, cid: int) -> Reply:
        """The category's RSS 2.0 feed (Joomla's feed view: intro text, links to SEF URLs)."""
        slug, name = JOOMLA_CATEGORIES[cid]
        items = "".join(f"""
		<item>
			<title>{escape(a['title'])}</title>
			<link>{self.sef(a)}</link>
			<guid isPermaLink="true">{self.sef(a)}</guid>
			<description><![CDATA[<p>{a['paras'][0]}</p>]]></description>
			<author>{escape(a['author'])}</author>
			<category>{escape(name)}</category>
			<pubDate>{format_datetime(datetime.fromisoformat(a['date']))}</pubDate>
		</item>""" for a in self.articles if a["catid"] == cid)
        xml = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- generator="Joomla! - Open Source Content Management" -->
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
	<channel>
		<title>{escape(name)} - {escape(JOOMLA_SITE)}</title>
		<description><![CDATA[{name}]]></description>
		<link>{self.base}/news/{slug}.html</link>
		<generator>Joomla! - Open Source Content Management</generator>
		<atom:link rel="self" type="application/rss+xml" href="{self.base}/news/{slug}.html?format=feed&amp;type=rss"/>
		<language>ar-aa</language>{items}
	</channel>
</rss>
"""
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())

    def not_found(self) -> Reply:
        """Joomla's error page."""
        return html_reply(f"<!DOCTYPE html><html><head><title>404 - لم يتم العثور على المقال</title></head><body>"
                          f"<h1>404 - لم يتم العثور على المقال</h1><p><a href='{self.base}/'>الرئيسية</a></p></body></html>",
                          status=404)
