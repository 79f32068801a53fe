"""A Gulf news portal on a Bitrix-style PHP CMS ("1C-Bitrix Site Manager" as such portals run it), whose pages date a
story only in the Hijri calendar.

Addresses as the CMS makes them: a story is ``/news/<section>/<id>/`` (SEF mode), and the same story answers as
``/news/detail.php?ELEMENT_ID=<id>&SECTION_ID=<n>`` (the section pages' older list component links it so) and as
``/news/index.php?ELEMENT_ID=<id>`` (the "most read" box), each with a rel=canonical to the SEF address; the print view
is ``?print=Y``; lists page with ``?PAGEN_1=<n>``. robots.txt is the CMS's SEO module default: it forbids
``*/index.php`` (a rule that opens with ``*``, not ``/``), ``/*PAGEN``, ``/*?print=``, ``/bitrix/``, ``/search/``, has
a ``Host:`` line and names the sitemap index (``/sitemap.xml``: the news infoblock's ``sitemap_iblock_3.xml``, every
story with a ``<lastmod>`` of its last edit, and ``sitemap_files.xml``, the static pages). So the oldest story is found
only through the sitemap: the list pages past the first are forbidden.

Dates: the story's only date is the Hijri dateline under the headline, with its weekday ("الثلاثاء 28 محرم 1445 هـ";
some in Arabic-Indic digits, "الثلاثاء ٢١ صفر ١٤٤٦هـ"), which the template computes with the tabular (civil) Islamic
calendar, a day or two off the Umm al-Qura calendar on some dates; the top bar prints today's Hijri date, the "most
read" box each story's in numbers ("1445/10/07 هـ"), the footer a copyright year. No meta date, no JSON-LD, no
``<time>``, no date in the URL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply
from altsites9.daily import HIJRI_MONTHS, WEEKDAYS, hijri

from .content_portal import ARTICLES, SECTIONS, SITE

DISALLOW = ["*/index.php", "/bitrix/", "/*show_include_exec_time=", "/*clear_cache=", "/*bitrix_include_areas=",
            "/*PAGEN", "/*?print=", "/*&print=", "/*register=", "/*login=", "/*auth=", "/*backurl=", "/*back_url=",
            "/search/", "/auth/", "/personal/"]
ALLOW = ["/bitrix/components/", "/bitrix/cache/", "/bitrix/js/", "/bitrix/templates/"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
INDIC_DIGITS = (48890, 52266)  # stories whose dateline the editors set in Arabic-Indic digits
PER_PAGE = {"/news/": 4}  # stories per list page (PAGEN_1); a section's list shows SECTION_PAGE
SECTION_PAGE = 3
TODAY_AFTER = 2  # the top bar's "today": days after the latest story


def dateline(day: date, *, indic: bool = False) -> str:
    """The story's dateline: weekday and the tabular Hijri date ("الثلاثاء 28 محرم 1445 هـ")."""
    d, m, y = hijri(day)
    if indic:
        return f"{WEEKDAYS[day.weekday()]} {str(d).translate(INDIC)} {HIJRI_MONTHS[m - 1]} {str(y).translate(INDIC)}هـ"
    return f"{WEEKDAYS[day.weekday()]} {d} {HIJRI_MONTHS[m - 1]} {y} هـ"


def numeric(day: date) -> str:
    """The short Hijri date of the lists ("1445/10/07 هـ")."""
    d, m, y = hijri(day)
    return f"{y}/{m:02d}/{d:02d} هـ"


def path(a: dict) -> str:
    return f"/news/{a['section']}/{a['id']}/"


def old_path(a: dict) -> str:
    return f"/news/detail.php?ELEMENT_ID={a['id']}&SECTION_ID={SECTIONS[a['section']][1]}"


def body(a: dict) -> tuple[str, ...]:
    """The story one paragraph a line, its crosshead a line of its own."""
    lines = list(a["paragraphs"])
    if a["crosshead"]:
        lines.insert(a["crosshead"][1], a["crosshead"][0])
    return tuple(lines)


class PortalSite:
    """Routes and pages of the Bitrix-style portal."""

    name = "portal"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["g"], reverse=True)
        self.today = date(*self.articles[0]["g"]) + timedelta(days=TODAY_AFTER)
        self.robots = RobotsRules(DISALLOW, ALLOW)
        self.served: list[tuple[str, int]] = []

    def url(self, a: dict) -> str:
        return self.base + path(a)

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("portal", f"portal-{a['id']}", self.url(a), a["title"], body(a), a["relevant"])
                for a in self.articles]

    def forbidden_links(self) -> list[str]:
        """The lists' further pages, the "most read" box's index.php links and the print views the pages link."""
        return ([f"{self.base}/news/?PAGEN_1=2", f"{self.base}/news/arab/?PAGEN_1=2"]
                + [f"{self.base}/news/index.php?ELEMENT_ID={a['id']}" for a in self._listed("sidebar")]
                + [f"{self.url(a)}?print=Y" for a in self.articles])

    def encoding_for(self, path_: str) -> str | None:
        return "gzip"

    def _listed(self, where: str, section: str | None = None) -> list[dict]:
        return [a for a in self.articles if where in a["links"] and section in (None, a["section"])]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path_: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path_ == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain; charset=UTF-8"),), self.robots_txt().encode())
        if path_ == "/sitemap.xml":
            return self.xml(self.sitemap_index())
        if path_ == "/sitemap_iblock_3.xml":
            return self.xml(self.sitemap(((self.url(a), self.edited(a)) for a in self.articles)))
        if path_ == "/sitemap_files.xml":
            pages = ["/", "/news/", "/about/", "/contacts/"]
            return self.xml(self.sitemap((self.base + p, datetime(2023, 1, 9, 11, 4, tzinfo=UTC)) for p in pages))
        if path_ in ("/", "/index.php") and not query:
            return self.page(SITE, self.front())
        if path_ in ("/about/", "/contacts/"):
            return self.page(f"من نحن - {SITE}", "<h1 id=\"pagetitle\">من نحن</h1><p>بوابة إخبارية خليجية.</p>")
        if path_ in ("/news/", "/news/index.php") and "ELEMENT_ID" not in query:
            return self.page(f"الأخبار - {SITE}", self.listing(self.articles, query, "/news/", "الأخبار", sef=True))
        if path_.startswith("/news/") and path_.strip("/").split("/")[-1] in SECTIONS and "ELEMENT_ID" not in query:
            key = path_.strip("/").split("/")[-1]
            return self.page(f"{SECTIONS[key][0]} - {SITE}",
                             self.listing([a for a in self.articles if a["section"] == key], query, f"/news/{key}/", SECTIONS[key][0],
                                          sef=False))
        for a in self.articles:
            sef = path_ == path(a) and set(query) <= {"print"}
            old = path_ in ("/news/detail.php", "/news/index.php") and query.get("ELEMENT_ID") == str(a["id"])
            if sef or old:
                self.served.append((raw, a["id"]))
                return self.story(a, printable=query.get("print") == "Y")
        return self.page(f"404 - {SITE}", "<h1 id=\"pagetitle\">الصفحة غير موجودة</h1>", status=404)

    def robots_txt(self) -> str:
        return ("User-Agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
                + "".join(f"Allow: {a}\n" for a in ALLOW)
                + f"Host: {self.base}\nSitemap: {self.base}/sitemap.xml\n")

    # -- discovery files -----------------------------------------------------------------------

    @staticmethod
    def xml(text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),), text.encode())

    @staticmethod
    def edited(a: dict) -> datetime:
        """The element's last change (the sitemap's lastmod): days after publication, never the publication day."""
        return datetime(*a["g"], 9, 30, tzinfo=UTC) + timedelta(days=3 + a["id"] % 5, hours=5)

    def sitemap_index(self) -> str:
        parts = "".join(f"<sitemap><loc>{self.base}/{name}</loc><lastmod>2024-08-30T12:00:00+03:00</lastmod></sitemap>"
                        for name in ("sitemap_files.xml", "sitemap_iblock_3.xml"))
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{parts}</sitemapindex>')

    @staticmethod
    def sitemap(entries) -> str:
        urls = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{m.isoformat()}</lastmod></url>" for u, m in entries)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The template: the top bar with today's Hijri date, the menu, ``main``, the "most read" box, the footer."""
        menu = "".join(f'<li><a href="/news/{k}/">{v[0]}</a></li>' for k, v in SECTIONS.items())
        return html_reply(f"""<!DOCTYPE html>
<html xml:lang="ar" lang="ar" dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="index, follow" />
{head}<script type="text/javascript" data-skip-moving="true">(function(w,d,n){{var cl="bx-core";var ht=d.documentElement;var htc=ht?ht.className:undefined;if(htc===undefined||htc.indexOf(cl)!==-1){{return;}}ht.className=htc+" "+cl;}})(window,document,"BX");</script>
<link href="/bitrix/cache/css/s1/gulf/template_7c1d2e4.css?17249111052341" type="text/css" rel="stylesheet" />
<script type="text/javascript">if(!window.BX)window.BX={{}};BX.message({{'LANGUAGE_ID':'ar','FORMAT_DATE':'DD.MM.YYYY','FORMAT_DATETIME':'DD.MM.YYYY HH:MI:SS','COOKIE_PREFIX':'BITRIX_SM','SERVER_TZ_OFFSET':'10800','SITE_ID':'s1','SITE_DIR':'/','USER_ID':'','bitrix_sessid':'5f1e0c3b9a7d2e4f6a8b0c1d2e3f4a5b'}});</script>
<script type="text/javascript" src="/bitrix/js/main/core/core.min.js?172491110567891"></script>
<title>{escape(title)}</title>
</head>
<body>
<div id="panel"></div>
<!--'start_frame_cache_top_bar'--><div class="top-bar"><span class="today">{dateline(self.today)}</span> | <a href="/about/">من نحن</a> | <a href="/contacts/">اتصل بنا</a></div><!--'end_frame_cache_top_bar'-->
<div class="header"><a href="/" class="logo"><img src="/upload/medialibrary/a1b/logo.png" alt="{SITE}" /></a>
<ul class="top-menu"><li><a href="/">الرئيسية</a></li><li><a href="/news/">الأخبار</a></li>{menu}</ul>
<form action="/search/" class="search"><input type="text" name="q" placeholder="بحث" /><input type="submit" value="بحث" /></form></div>
<div class="workarea"><div class="content-column">{main}</div>
<div class="sidebar">{self.most_read()}</div></div>
<div class="footer">جميع الحقوق محفوظة © 2024 {SITE} | <a href="/about/">من نحن</a> | <a href="/contacts/">اتصل بنا</a></div>
</body>
</html>""", status=status)

    def most_read(self) -> str:
        items = "".join(f'<li><a href="/news/index.php?ELEMENT_ID={a["id"]}">{escape(a["title"])}</a>'
                        f'<span class="news-date-time">{numeric(date(*a["g"]))}</span></li>'
                        for a in self._listed("sidebar"))
        return f'<div class="most-read"><h3>الأكثر قراءة</h3><ul>{items}</ul></div>'

    def item(self, a: dict, *, sef: bool) -> str:
        href = path(a) if sef else old_path(a)
        return (f'<div class="news-item" id="bx_3218110189_{a["id"]}">'
                f'<a href="{escape(href)}"><img class="preview_picture" src="/upload/iblock/3f2/{a["id"]}_s.jpg" '
                f'alt="{escape(a["title"])}" /></a><span class="news-date-time">{numeric(date(*a["g"]))}</span>'
                f'<a href="{escape(href)}"><b>{escape(a["title"])}</b></a><br />'
                f'{escape(a["paragraphs"][0][:140])}...<div style="clear:both"></div></div>')

    def front(self) -> str:
        items = "".join(self.item(a, sef=True) for a in self._listed("home"))
        return f'<h2 class="block-title">آخر الأخبار</h2><div class="news-list">{items}</div>'

    def listing(self, stories: list[dict], query: dict[str, str], base: str, heading: str, *, sef: bool) -> str:
        """A list page (``PAGEN_1``) and its pager, which robots.txt forbids past the first page."""
        page = int(query.get("PAGEN_1", "1") or 1)
        size = PER_PAGE.get(base, SECTION_PAGE)
        shown = stories[(page - 1) * size: page * size]
        pages = max(1, -(-len(stories) // size))
        pager = " ".join(f'<a href="{base}?PAGEN_1={n}">{n}</a>' if n != page else f"<b>{n}</b>"
                         for n in range(1, pages + 1))
        following = f' <a href="{base}?PAGEN_1={page + 1}">التالي</a>' if page < pages else ""
        items = "".join(self.item(a, sef=sef) for a in shown)
        return (f'<h1 id="pagetitle">{escape(heading)}</h1><div class="news-list">{items}'
                f'<div class="modern-page-navigation"><span class="modern-page-title">الصفحات:</span> {pager}'
                f'{following}</div></div>')

    def story(self, a: dict, *, printable: bool) -> Reply:
        day = date(*a["g"])
        paras = [f"<p>{escape(p)}</p>" for p in a["paragraphs"]]
        if a["crosshead"]:
            paras.insert(a["crosshead"][1], f"<h3>{escape(a['crosshead'][0])}</h3>")
        head = (f'<meta name="description" content="{escape(a["paragraphs"][0][:150])}" />\n'
                f'<link rel="canonical" href="{self.url(a)}" />\n'
                f'<meta property="og:title" content="{escape(a["title"])}" />\n'
                f'<meta property="og:image" content="{self.base}/upload/iblock/3f2/{a["id"]}.jpg" />\n')
        section, _ = SECTIONS[a["section"]]
        main = f"""<div class="breadcrumbs"><a href="/">الرئيسية</a> / <a href="/news/">الأخبار</a> / <a href="/news/{a['section']}/">{section}</a></div>
<h1 id="pagetitle">{escape(a['title'])}</h1>
<div class="news-detail">
<span class="news-date-time">{dateline(day, indic=a['id'] in INDIC_DIGITS)}</span>
<img class="detail_picture" border="0" src="/upload/iblock/3f2/{a['id']}.jpg" width="640" height="360" alt="{escape(a['title'])}" title="{escape(a['title'])}" />
{''.join(paras)}
<div style="clear:both"></div>
<br />
<div class="news-tags">الوسوم: <a href="/search/?tags=%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1">أخبار</a>, <a href="/search/?tags={escape(section)}">{section}</a></div>
<div class="news-share"><a href="?print=Y" rel="nofollow">طباعة</a> <a href="https://twitter.com/intent/tweet?url={self.url(a)}">تويتر</a> <a href="https://wa.me/?text={self.url(a)}">واتساب</a></div>
</div>
<p><a href="/news/">العودة إلى قائمة الأخبار</a></p>"""
        if printable:
            return html_reply(f"<html dir=\"rtl\"><body onload=\"window.print()\">{main}</body></html>")
        return self.page(f"{a['title']} - {SITE}", main, head=head)
