"""A Libyan news portal on Drupal 7 (Bartik's markup, the locale module's ``/ar/`` prefix, Pathauto, Views), as
Arabic portals of 2012-2020 ran it.

Addresses as Drupal 7 makes them: a node is ``/ar/<section>/<slug>`` (Pathauto's alias, Arabic letters kept, printed
escaped in upper case as ``drupal_encode_path`` does) and ``/node/<nid>`` and ``/ar/node/<nid>`` (the system path),
all answering 200 with ``<link rel="canonical" href="/ar/...">`` and ``<link rel="shortlink" href="/ar/node/<nid>">``
(both relative, as core prints them). Views listings ``/ar/<section>`` page with ``?page=N`` (0-based: "2" links
``?page=1``); taxonomy term pages ``/ar/taxonomy/term/<tid>`` with their feed ``/ar/taxonomy/term/<tid>/feed``; the
front page feed ``/rss.xml`` (``xml:base``, ``dc:creator``, ``<guid isPermaLink="false">4521 at ...</guid>``); the
xmlsitemap module's ``/sitemap.xml``; Drupal 7's default robots.txt.

A node: the page title ``h1#page-title``, the "submitted" line "أرسلت بواسطة <user> في السبت, 05/04/2019 - 14:30"
(the medium date format is US order, m/d/Y) inside ``<span property="dc:date dc:created" content="2019-05-04T14:30:00+02:00">``,
the body in ``field-name-body``, an image field shown as a colorbox gallery, a file field with a PDF, the tags field,
the comment links; the sidebar's "الأكثر قراءة" Views block and a "محتوى ذو صلة" block under the node."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import NODES, SECTIONS, SITE, TERMS

TZ = timezone(timedelta(hours=2))
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
DISALLOW = ["/includes/", "/misc/", "/modules/", "/profiles/", "/scripts/", "/themes/", "/CHANGELOG.txt",
            "/cron.php", "/INSTALL.mysql.txt", "/install.php", "/update.php", "/xmlrpc.php", "/admin/",
            "/comment/reply/", "/filter/tips/", "/node/add/", "/search/", "/user/register/", "/user/password/",
            "/user/login/", "/user/logout/", "/?q=admin/", "/?q=comment/reply/", "/?q=filter/tips/",
            "/?q=node/add/", "/?q=search/", "/?q=user/password/", "/?q=user/register/", "/?q=user/login/",
            "/?q=user/logout/"]
PER_PAGE = 1  # nodes per Views page (?page=N, 0-based)


def stamp(n: dict) -> datetime:
    return datetime(*n["g"], *map(int, n["time"].split(":")), tzinfo=TZ)


def submitted_date(n: dict) -> str:
    """Drupal 7's medium format in the Arabic pack: "السبت, 05/04/2019 - 14:30" (month first)."""
    d = stamp(n)
    return f"{DAYS[d.weekday()]}, {d.month:02d}/{d.day:02d}/{d.year} - {d.hour:02d}:{d.minute:02d}"


# readers' comments on a node: name, when, subject, text (long enough to pass for a paragraph of the story)
COMMENTS = {4533: [
    ("أبو محمد", (2019, 5, 9, 11, 2), "حسبنا الله", "المطار هو المنفذ الوحيد لأهالي طرابلس نحو العالم، وقصفه يعني حصار "
     "مليوني مواطن. أين المجتمع الدولي من كل هذا؟ البيانات وحدها لا تحمي المدنيين ولا توقف القذائف."),
    ("سالم", (2019, 5, 10, 8, 12), "تعليق", "نتمنى أن يكون التحقيق هذه المرة جادا وأن تعلن نتائجه للناس."),
]}
# an editor's link in a body to an earlier node, typed as its system path (the teasers on listings print it too)
INLINE = {4521: ("جنوب العاصمة طرابلس", 4412)}


def linked(n: dict, text: str) -> str:
    """A paragraph as HTML, with the editor's ``/node/<nid>`` link where the node has one."""
    html = escape(text)
    if n["nid"] in INLINE and INLINE[n["nid"]][0] in text:
        phrase, nid = INLINE[n["nid"]]
        html = html.replace(phrase, f'<a href="/node/{nid}">{phrase}</a>', 1)
    return html


def paras_html(n: dict) -> str:
    """The body as CKEditor saved it: paragraphs, a crosshead as ``<h3>``."""
    return "".join(f"<h3>{escape(p)}</h3>" if len(p) < 20 else f"<p>{linked(n, p)}</p>" for p in n["paras"])


class DrupalSite:
    """Routes and pages of the Drupal 7 portal."""

    name = "drupal"

    def __init__(self, base: str):
        self.base = base
        self.nodes = sorted(NODES, key=stamp, reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def alias(self, n: dict) -> str:
        return f"/ar/{n['section']}/{quote(n['slug'])}"

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("drupal", f"drupal-{n['nid']}", self.base + self.alias(n), n["title"],
                                tuple(n["paras"]), n["relevant"]) for n in self.nodes]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/comment/reply/{n['nid']}" for n in self.nodes] + [f"{self.base}/search/node"]

    def listed(self, section: str | None = None) -> list[dict]:
        return [n for n in self.nodes if not n.get("sitemap_only") and section in (None, n["section"])]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "#\n# robots.txt\n#\nUser-agent: *\nCrawl-delay: 10\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/sitemap.xml":
            return self.sitemap()
        if path == "/rss.xml":
            return self.feed(self.listed(), SITE)
        page = int(query.get("page") or 0)
        if path in ("/", "/ar", "/ar/"):
            return self.listing(SITE, self.listed()[:3], 0, "", front=True)
        for key, (label, _) in SECTIONS.items():
            if path == f"/ar/{key}":
                return self.listing(label, self.listed(key), page, f"/ar/{key}")
        for tid, label in TERMS.items():
            tagged = [n for n in self.listed() if tid in n["tags"]]
            if path == f"/ar/taxonomy/term/{tid}":
                return self.listing(label, tagged, page, path, feed=f"/ar/taxonomy/term/{tid}/feed")
            if path == f"/ar/taxonomy/term/{tid}/feed":
                return self.feed(tagged, label)
        for n in self.nodes:
            if path in (f"/node/{n['nid']}", f"/ar/node/{n['nid']}", f"/ar/{n['section']}/{n['slug']}"):
                self.served.append((raw, n["nid"]))
                return self.node(n)
        if path.startswith("/sites/default/files/"):
            return Reply(200, (("Content-Type", "application/pdf"),), b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
        return self.page("الصفحة غير موجودة", '<h1 class="title" id="page-title">الصفحة غير موجودة</h1>'
                         "<div class=\"content\">لم يتم العثور على الصفحة المطلوبة.</div>", status=404)

    # -- pieces --------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, head: str = "", status: int = 200, sidebar: bool = True) -> Reply:
        menu = "".join(f'<li class="leaf"><a href="/ar/{k}">{escape(v[0])}</a></li>' for k, v in SECTIONS.items())
        most = "".join(f'<div class="views-row views-row-{i + 1}"><span class="field-content"><a href="{self.alias(n)}">'
                       f"{escape(n['title'])}</a></span></div>" for i, n in enumerate(self.nodes[:3]))
        side = ('<div class="region region-sidebar-second"><div id="block-views-most-read-block" class="block '
                'block-views"><h2>الأكثر قراءة</h2><div class="content"><div class="view view-most-read">'
                f'<div class="view-content">{most}</div></div></div></div></div>') if sidebar else ""
        html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN" "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" version="XHTML+RDFa 1.0" dir="rtl">
<head profile="http://www.w3.org/1999/xhtml/vocab">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<link rel="shortcut icon" href="{self.base}/misc/favicon.ico" type="image/vnd.microsoft.icon" />
<meta name="Generator" content="Drupal 7 (http://drupal.org)" />
{head}<title>{escape(title)} | {escape(SITE)}</title>
<style type="text/css" media="all">@import url("{self.base}/modules/system/system.base.css?pq1x2y");</style>
<script type="text/javascript" src="{self.base}/misc/jquery.js?v=1.4.4"></script>
</head>
<body class="html not-front not-logged-in one-sidebar sidebar-second page-node i18n-ar">
<div id="skip-link"><a href="#main-content" class="element-invisible element-focusable">التجاوز إلى المحتوى الرئيسي</a></div>
<div id="page-wrapper"><div id="page">
<div id="header"><div class="section clearfix">
<a href="/ar" title="الرئيسية" rel="home" id="logo"><img src="{self.base}/sites/default/files/logo.png" alt="الرئيسية" /></a>
<div id="name-and-slogan"><div id="site-name"><strong><a href="/ar" title="الرئيسية" rel="home"><span>{escape(SITE)}</span></a></strong></div></div>
<form action="/ar/search/node" method="post" id="search-block-form"><input type="text" name="search_block_form" title="أدخل العبارات التي تريد البحث عنها." /><input type="submit" value="بحث" /></form>
<div id="main-menu" class="navigation"><ul class="links clearfix"><li class="menu-218 first"><a href="/ar">الرئيسية</a></li>{menu}</ul></div>
</div></div>
<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">
<div id="breadcrumb"><h2 class="element-invisible">أنت هنا</h2><div class="breadcrumb"><a href="/ar">الرئيسية</a> » {escape(title)}</div></div>
<div id="content" class="column"><div class="section"><a id="main-content"></a>
{main}
</div></div>
{side}
</div></div>
<div id="footer-wrapper"><div class="section"><div id="footer" class="clearfix"><div class="region region-footer">
<div id="block-system-powered-by" class="block block-system"><div class="content"><span>Powered by <a href="https://www.drupal.org">Drupal</a></span></div></div>
<p>جميع الحقوق محفوظة © {escape(SITE)} 2019</p></div></div></div></div>
</div></div>
</body>
</html>"""
        return html_reply(html, status=status)

    def submitted(self, n: dict) -> str:
        iso = stamp(n).isoformat()
        return (f'<div class="meta submitted"><span property="dc:date dc:created" content="{iso}" '
                'datatype="xsd:dateTime" rel="sioc:has_creator">أرسلت بواسطة <span class="username" xml:lang="" '
                'about="/ar/user/7" typeof="sioc:UserAccount" property="foaf:name" datatype="">محرر الأخبار</span> في '
                f"{submitted_date(n)}</span></div>")

    def tags(self, n: dict) -> str:
        items = "".join(f'<div class="field-item {"even" if i % 2 == 0 else "odd"}" rel="dc:subject"><a href="/ar/'
                        f'taxonomy/term/{t}" typeof="skos:Concept" property="rdfs:label skos:prefLabel" datatype="">'
                        f"{escape(TERMS[t])}</a></div>" for i, t in enumerate(n["tags"]))
        return ('<div class="field field-name-field-tags field-type-taxonomy-term-reference field-label-above">'
                f'<div class="field-label">الوسوم:&nbsp;</div><div class="field-items">{items}</div></div>')

    def gallery(self, n: dict) -> str:
        pics = "".join(f'<div class="field-item {"even" if i % 2 == 0 else "odd"}"><a href="/sites/default/files/'
                       f'gallery/mitiga-{i}.jpg" title="صورة من موقع القصف {i}" class="colorbox" rel="gallery-node-'
                       f'{n["nid"]}"><img typeof="foaf:Image" src="/sites/default/files/styles/medium/public/gallery/'
                       f'mitiga-{i}.jpg?itok=Zx8{i}aQ" width="220" height="147" alt="" title="صورة من موقع القصف {i}" />'
                       "</a></div>" for i in range(1, 5))
        return ('<div class="field field-name-field-image field-type-image field-label-hidden"><div class="field-items">'
                f"{pics}</div></div>")

    def attachment(self, n: dict) -> str:
        return ('<div class="field field-name-field-file field-type-file field-label-above"><div class="field-label">'
                'الملفات المرفقة:&nbsp;</div><div class="field-items"><div class="field-item even"><span class="file">'
                '<img class="file-icon" alt="PDF icon" title="application/pdf" src="/modules/file/icons/'
                'application-pdf.png" /> <a href="/sites/default/files/reports/unsmil-mitiga-2019.pdf" '
                'type="application/pdf; length=245760">unsmil-mitiga-2019.pdf</a></span></div></div></div>')

    def node(self, n: dict) -> Reply:
        alias, nid = self.alias(n), n["nid"]
        related = [m for m in self.nodes if m is not n and m["section"] == n["section"]][:2]
        # an editor's block: hand-written links to the system path, as many Drupal portals have them
        rel = "".join(f'<li><a href="/ar/node/{m["nid"]}">{escape(m["title"])}</a> <span class="date-display-single">'
                      f'{submitted_date(m)}</span></li>' for m in related)
        body = (f'<div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-'
                f'items"><div class="field-item even" property="content:encoded">{paras_html(n)}</div></div></div>')
        main = f"""<h1 class="title" id="page-title">{escape(n['title'])}</h1>
<div class="region region-content"><div id="block-system-main" class="block block-system"><div class="content">
<div id="node-{nid}" class="node node-article node-promoted node-full clearfix" about="{alias}" typeof="sioc:Item foaf:Document">
<span property="dc:title" content="{escape(n['title'])}" class="rdf-meta element-hidden"></span><span property="sioc:num_replies" content="0" datatype="xsd:integer" class="rdf-meta element-hidden"></span>
{self.submitted(n)}
<div class="content clearfix">
{self.gallery(n) if n["gallery"] else ""}{body}{self.attachment(n) if n["file"] else ""}{self.tags(n)}
</div>
<div class="link-wrapper"><ul class="links inline"><li class="statistics_counter first"><span>{nid % 997} قراءة</span></li><li class="comment_forbidden last"><span><a href="/ar/user/login?destination=node/{nid}%23comment-form">سجل دخولك</a> لتتمكن من إرسال تعليقات</span></li></ul></div>
{self.comments(n)}</div></div></div>
<div id="block-views-related-block" class="block block-views"><h2>محتوى ذو صلة</h2><div class="content"><div class="item-list"><ul>{rel}</ul></div></div></div>
</div>"""
        head = (f'<link rel="canonical" href="{alias}" />\n<link rel="shortlink" href="/ar/node/{nid}" />\n'
                f'<meta name="description" content="{escape(n["paras"][0][:150])}" />\n')
        return self.page(n["title"], main, head=head)

    def comments(self, n: dict) -> str:
        """Drupal 7's comment thread (core's comment.tpl.php under Bartik), each with its own RDFa date."""
        if n["nid"] not in COMMENTS:
            return ""
        out = []
        for cid, (name, when, subject, text) in enumerate(COMMENTS[n["nid"]], start=812):
            d = datetime(*when, tzinfo=TZ)
            shown = f"{DAYS[d.weekday()]}, {d.month:02d}/{d.day:02d}/{d.year} - {d.hour:02d}:{d.minute:02d}"
            out.append(
                f'<a id="comment-{cid}"></a><div class="comment comment-by-anonymous clearfix" about="/ar/comment/{cid}'
                f'#comment-{cid}" typeof="sioc:Post sioct:Comment"><div class="attribution"><div class="comment-'
                f'submitted"><p class="commenter-name"><span rel="sioc:has_creator"><span class="username" xml:lang="" '
                f'typeof="sioc:UserAccount" property="foaf:name" datatype="">{escape(name)} (غير متحقق)</span></span>'
                f'</p><p class="comment-time"><span property="dc:date dc:created" content="{d.isoformat()}" datatype='
                f'"xsd:dateTime">{shown}</span></p><p class="comment-permalink"><a href="/ar/comment/{cid}#comment-'
                f'{cid}" class="permalink" rel="bookmark">رابط ثابت</a></p></div></div><div class="content"><h3 '
                f'property="dc:title" datatype=""><a href="/ar/comment/{cid}#comment-{cid}" class="permalink" rel='
                f'"bookmark">{escape(subject)}</a></h3><div class="field field-name-comment-body field-type-text-long '
                f'field-label-hidden"><div class="field-items"><div class="field-item even" property="content:'
                f'encoded"><p>{escape(text)}</p></div></div></div></div><ul class="links inline"><li class="comment_'
                f'forbidden first last"><span><a href="/ar/user/login?destination=node/{n["nid"]}%23comment-form">سجل '
                "دخولك</a> لتتمكن من إرسال تعليقات</span></li></ul></div>")
        return ('<div id="comments" class="comment-wrapper"><h2 class="title">تعليقات</h2>' + "".join(out)
                + "</div>")

    def teaser(self, n: dict) -> str:
        alias = self.alias(n)
        return (f'<div id="node-{n["nid"]}" class="node node-article node-teaser clearfix" about="{alias}" '
                f'typeof="sioc:Item foaf:Document"><h2><a href="{alias}">{escape(n["title"])}</a></h2>'
                f'{self.submitted(n)}<div class="content clearfix"><div class="field field-name-body field-type-'
                'text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" '
                f'property="content:encoded"><p>{linked(n, n["paras"][0])}</p></div></div></div></div><div class="link-'
                f'wrapper"><ul class="links inline"><li class="node-readmore first last"><a href="{alias}" rel="tag" '
                'title="">اقرأ المزيد</a></li></ul></div></div>')

    def listing(self, label: str, nodes: list[dict], page: int, path: str, *, front: bool = False,
                feed: str = "") -> Reply:
        if front:
            rows = "".join(self.teaser(n) for n in nodes)
            return self.page(label, f'<div class="region region-content">{rows}</div>')
        last = max(0, (len(nodes) - 1) // PER_PAGE)
        shown = nodes[page * PER_PAGE:(page + 1) * PER_PAGE]
        rows = "".join(f'<div class="views-row views-row-{i + 1}"><div class="views-field views-field-title"><span '
                       f'class="field-content"><a href="{self.alias(n)}">{escape(n["title"])}</a></span></div><div '
                       f'class="views-field views-field-created"><span class="field-content">{submitted_date(n)}</span>'
                       f'</div><div class="views-field views-field-body"><div class="field-content"><p>'
                       f'{escape(n["paras"][0][:90])}...</p></div></div></div>' for i, n in enumerate(shown))
        pager = ""
        if last:
            items = "".join(f'<li class="pager-current">{p + 1}</li>' if p == page else
                            f'<li class="pager-item"><a title="الذهاب إلى الصفحة {p + 1}" href="{path}'
                            f'{"?page=" + str(p) if p else ""}">{p + 1}</a></li>' for p in range(last + 1))
            nxt = (f'<li class="pager-next"><a title="الذهاب إلى الصفحة التالية" href="{path}?page={page + 1}">'
                   "التالي ›</a></li>") if page < last else ""
            pager = f'<h2 class="element-invisible">الصفحات</h2><div class="item-list"><ul class="pager">{items}{nxt}</ul></div>'
        icon = (f'<a href="{feed}" class="feed-icon" title="الاشتراك في {escape(label)}"><img src="/misc/feed.png" '
                'width="16" height="16" alt="الاشتراك في" /></a>') if feed else ""
        main = (f'<h1 class="title" id="page-title">{escape(label)}</h1><div class="view view-section"><div class="view-'
                f'content">{rows}</div>{pager}</div>{icon}')
        return self.page(label, main)

    def feed(self, nodes: list[dict], label: str) -> Reply:
        items = "".join(
            f"<item>\n <title>{escape(n['title'])}</title>\n <link>{self.base}{self.alias(n)}</link>\n"
            f" <description>{escape('<p>' + escape(n['paras'][0]) + '</p>')}</description>\n"
            f" <pubDate>{stamp(n).astimezone(timezone.utc).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>\n"
            f" <dc:creator>محرر الأخبار</dc:creator>\n <guid isPermaLink=\"false\">{n['nid']} at {self.base}</guid>\n"
            f" <comments>{self.base}{self.alias(n)}#comments</comments>\n</item>\n" for n in nodes)
        xml = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xml:base="{self.base}/ar" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
               f"<title>{escape(label)} | {escape(SITE)}</title>\n<link>{self.base}/ar</link>\n<description></description>\n"
               f"<language>ar</language>\n{items}</channel>\n</rss>\n")
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())

    def sitemap(self) -> Reply:
        urls = "".join(f"<url><loc>{self.base}{self.alias(n)}</loc><lastmod>{stamp(n).isoformat()}</lastmod>"
                       "<changefreq>monthly</changefreq><priority>0.5</priority></url>" for n in self.nodes)
        urls = (f"<url><loc>{self.base}/ar</loc><changefreq>daily</changefreq><priority>1.0</priority></url>" + urls
                + "".join(f"<url><loc>{self.base}/ar/{k}</loc><changefreq>hourly</changefreq></url>" for k in SECTIONS))
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + urls + "</urlset>\n")
        return Reply(200, (("Content-Type", "text/xml; charset=utf-8"),), xml.encode())

