"""A Drupal-style, sitemap-driven outlet: robots.txt Sitemap -> index -> news + monthly .xml.gz, node aliases."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from html import escape
from urllib.parse import quote

from .common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

ROBOTS = """#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to go on your site,
# you save bandwidth and server resources.
#
# For more information about the robots.txt standard, see:
# http://www.robotstxt.org/robotstxt.html

User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.js$
Allow: /core/*.gif
Allow: /core/*.jpg
Allow: /core/*.png
# Directories
Disallow: /core/
Disallow: /profiles/
# Files
Disallow: /README.md
Disallow: /web.config
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /node/*/edit
Disallow: /node/*/delete
Disallow: /search
Disallow: /user/register
Disallow: /user/password
Disallow: /user/login
Disallow: /user/logout
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/search/
Disallow: /index.php/user/login

Sitemap: {base}/sitemap.xml
"""
DISALLOW = ["/core/", "/profiles/", "/README.md", "/web.config", "/admin/", "/comment/reply/", "/filter/tips",
            "/node/add/", "/node/*/edit", "/node/*/delete", "/search", "/user/register", "/user/password",
            "/user/login", "/user/logout", "/index.php/admin/", "/index.php/search/", "/index.php/user/login"]
ALLOW = ["/core/*.css$", "/core/*.js$", "/core/*.gif", "/core/*.jpg", "/core/*.png"]
SECTIONS = {"ليبيا": 3, "اقتصاد": 5, "عربي ودولي": 8}


class DrupalSite:
    """Routes and pages of the Drupal-style site."""

    name = "drupal"

    def __init__(self, content: dict, base: str):
        self.c = content
        self.base = base
        self.nodes = sorted(content["nodes"], key=lambda n: n["date"], reverse=True)
        self.by_nid = {n["nid"]: n for n in self.nodes}
        self.by_alias = {n["alias"]: n for n in self.nodes}
        self.robots = RobotsRules(DISALLOW, ALLOW)

    def url(self, node: dict) -> str:
        """The node's aliased URL, percent-encoded (upper case, as Drupal's Url::toString gives it)."""
        return self.base + quote(node["alias"], safe="/-")

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each node."""
        out = []
        for n in self.nodes:
            body = tuple(item["h2"] if isinstance(item, dict) else item for item in n["body"])
            out.append(ExpectedArticle("drupal", f"drupal-{n['nid']}", self.url(n), n["title"], body, n["relevant"]))
        return out

    def forbidden_links(self) -> list[str]:
        """Forbidden URLs that the site's pages link to."""
        keys = quote("ليبيا")
        return [f"{self.base}/search/node?keys={keys}", *(f"{self.base}/node/{n['nid']}/edit" for n in self.nodes),
                *(f"{self.base}/user/login?destination=/node/{n['nid']}%23comment-form" for n in self.nodes)]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str]) -> Reply:
        """The reply for one GET request (``path`` already percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.format(base=self.base).encode())
        if path == "/sitemap.xml":
            return self.sitemap_index()
        if path == "/sitemap-news.xml":
            return self.news_sitemap()
        if path.startswith("/sitemaps/") and path.endswith(".xml.gz"):
            return self.monthly_sitemap(path[len("/sitemaps/"):-len(".xml.gz")])
        if path in ("/", "/ar", "/ar/"):
            return self.home()
        if path.startswith("/node/"):
            parts = path.strip("/").split("/")
            node = self.by_nid.get(int(parts[1])) if len(parts) > 1 and parts[1].isdigit() else None
            if node is None:
                return self.page_not_found()
            if len(parts) == 2:
                return redirect(301, self.url(node))
            return html_reply(self.frame("تم رفض الوصول", '<h1 class="page-title">تم رفض الوصول</h1>'
                                         "<p>غير مصرح لك بالوصول إلى هذه الصفحة.</p>"), status=403, gzip_ok=True)
        if path.startswith(("/search", "/user/")):
            return html_reply(self.frame("بحث", '<h1 class="page-title">بحث</h1><p>أدخل كلمات البحث.</p>'),
                              gzip_ok=True)
        if path.startswith("/ar/taxonomy/term/"):
            tid = path.rsplit("/", 1)[-1]
            names = [s for s, t in SECTIONS.items() if str(t) == tid]
            if not names:
                return self.page_not_found()
            teasers = "".join(self.teaser(n) for n in self.nodes if n["section"] == names[0])
            return html_reply(self.frame(f"{escape(names[0])} | {escape(self.c['site_name'])}",
                                         f'<h1 class="page-title">{escape(names[0])}</h1>{teasers}'), gzip_ok=True)
        if path.rstrip("/") in self.by_alias:
            return self.article(self.by_alias[path.rstrip("/")])
        return self.page_not_found()

    # -- sitemaps ------------------------------------------------------------------------------

    def months(self) -> list[str]:
        """The months that have nodes, newest first."""
        return sorted({n["date"][:7] for n in self.nodes}, reverse=True)

    def sitemap_index(self) -> Reply:
        """The sitemap index: the news sitemap and one gzipped sitemap per month."""
        entries = [f"<sitemap><loc>{self.base}/sitemap-news.xml</loc><lastmod>{self.nodes[0]['date']}</lastmod></sitemap>"]
        entries += [f"<sitemap><loc>{self.base}/sitemaps/{m}.xml.gz</loc></sitemap>" for m in self.months()]
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="/sitemap_generator/sitemap_index/sitemap.xsl"?>\n'
               '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(entries) + "</sitemapindex>\n")
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"), ("X-Robots-Tag", "noindex")),
                     xml.encode())

    def news_sitemap(self) -> Reply:
        """The Google News sitemap: articles of the last two days."""
        newest = datetime.fromisoformat(self.nodes[0]["date"])
        recent = [n for n in self.nodes if newest - datetime.fromisoformat(n["date"]) <= timedelta(days=2)]
        urls = "".join(
            f"<url><loc>{self.url(n)}</loc><news:news><news:publication><news:name>{escape(self.c['site_name'])}</news:name>"
            f"<news:language>ar</news:language></news:publication><news:publication_date>{n['date']}</news:publication_date>"
            f"<news:title>{escape(n['title'])}</news:title></news:news></url>" for n in recent)
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>\n")
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), xml.encode())

    def monthly_sitemap(self, month: str) -> Reply:
        """One month's sitemap, a gzip file (served as a file, not with Content-Encoding)."""
        nodes = [n for n in self.nodes if n["date"][:7] == month]
        if not nodes:
            return self.page_not_found()
        urls = [f"<url><loc>{self.url(n)}</loc><lastmod>{n['date']}</lastmod><changefreq>never</changefreq>"
                f"<priority>0.7</priority></url>" for n in nodes]
        urls += [f"<url><loc>{self.base}/ar/taxonomy/term/{tid}</loc><changefreq>daily</changefreq></url>"
                 for tid in sorted({SECTIONS[n['section']] for n in nodes})]
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(urls) + "</urlset>\n")
        return Reply(200, (("Content-Type", "application/x-gzip"),), gzip.compress(xml.encode(), mtime=0))

    # -- pages ---------------------------------------------------------------------------------

    def frame(self, title: str, main: str, head_extra: str = "", body_class: str = "path-frontpage") -> str:
        """A whole page: head, header with menus, main region, footer."""
        site = escape(self.c["site_name"])
        menu = "".join(f'<li class="menu__item"><a href="{self.base}/ar/taxonomy/term/{tid}" class="menu__link">{escape(s)}</a></li>'
                       for s, tid in SECTIONS.items())
        return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl" prefix="og: https://ogp.me/ns#">
  <head>
    <meta charset="utf-8" />
    <meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
    <meta name="MobileOptimized" content="width" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    {head_extra}
    <link rel="icon" href="/themes/custom/khabar/favicon.ico" type="image/vnd.microsoft.icon" />
    <title>{title}</title>
    <link rel="stylesheet" media="all" href="/sites/default/files/css/css_a1B2c3D4e5.css?delta=0&amp;language=ar&amp;theme=khabar&amp;include=eJxLz" />
    <script type="application/json" data-drupal-selector="drupal-settings-json">{{"path":{{"baseUrl":"\\/","pathPrefix":"ar\\/","currentLanguage":"ar"}},"ajaxTrustedUrl":{{"\\/search\\/node":true}}}}</script>
  </head>
  <body class="{body_class} user-logged-in">
    <a href="#main-content" class="visually-hidden focusable skip-link">التجاوز إلى المحتوى الرئيسي</a>
    <div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
    <div class="layout-container">
      <header role="banner" class="site-header">
        <div class="site-branding"><a href="{self.base}/ar" rel="home" class="site-branding__logo"><img src="/themes/custom/khabar/logo.svg" alt="{site}" /></a></div>
        <nav role="navigation" aria-labelledby="block-khabar-main-menu-menu" class="block block-menu navigation menu--main">
          <h2 class="visually-hidden" id="block-khabar-main-menu-menu">التصفح الرئيسي</h2>
          <ul class="menu"><li class="menu__item"><a href="{self.base}/ar" class="menu__link">الرئيسية</a></li>{menu}</ul>
        </nav>
        <div class="search-block-form block block-search" role="search">
          <form action="/search/node" method="get" id="search-block-form" accept-charset="UTF-8">
            <input title="أدخل الكلمات التي تريد البحث عنها." type="search" name="keys" size="15" maxlength="128" class="form-search" />
            <input type="submit" value="بحث" class="button js-form-submit form-submit" />
          </form>
        </div>
      </header>
      <main role="main"><a id="main-content" tabindex="-1"></a>
        <div class="layout-content"><div class="region region-content">
          <div data-drupal-messages-fallback class="hidden"></div>
          {main}
        </div></div>
        {self.sidebar()}
      </main>
      <footer role="contentinfo" class="site-footer">
        <nav class="menu--footer"><ul class="menu"><li><a href="{self.base}/ar/about">من نحن</a></li><li><a href="{self.base}/ar/contact">اتصل بنا</a></li><li><a href="{self.base}/ar/privacy">سياسة الخصوصية</a></li></ul></nav>
        <p class="copyright">&copy; 2024 {site}. جميع الحقوق محفوظة.</p>
      </footer>
    </div></div>
    <script src="/sites/default/files/js/js_Xy9z.js?scope=footer&amp;delta=0&amp;language=ar&amp;theme=khabar"></script>
  </body>
</html>
"""

    def sidebar(self) -> str:
        """Newsletter box, most-read block and trending searches (each search a link robots.txt forbids)."""
        most_read = "".join(f'<li><a href="{self.url(n)}" hreflang="ar">{escape(n["title"])}</a></li>' for n in self.nodes[:3])
        keys = quote("ليبيا")
        return f"""<aside class="layout-sidebar-first" role="complementary">
  <div id="block-newsletter" class="block block-simplenews block-simplenews-subscription-block newsletter-signup">
    <h2 class="block__title">النشرة البريدية</h2>
    <p>اشترك في نشرتنا اليومية ليصلك ملخص أهم الأخبار الليبية كل صباح مباشرة إلى بريدك الإلكتروني.</p>
    <form class="simplenews-subscriptions-block" action="/ar/newsletter/subscribe" method="post">
      <input type="email" name="mail[0][value]" placeholder="بريدك الإلكتروني" />
      <input type="submit" value="اشترك الآن" class="button" />
    </form>
    <p class="newsletter-privacy">لن نشارك بريدك الإلكتروني مع أي جهة. يمكنك إلغاء الاشتراك في أي وقت.</p>
  </div>
  <div class="views-element-container block block-views most-read"><h2 class="block__title">الأكثر قراءة</h2><ol>{most_read}</ol></div>
  <div class="block trending-searches"><h2 class="block__title">الأكثر بحثاً</h2>
    <ul><li><a href="{self.base}/search/node?keys={keys}">ليبيا</a></li><li><a href="{self.base}/search/node?keys={quote('طرابلس')}">طرابلس</a></li></ul></div>
</aside>"""

    def teaser(self, n: dict) -> str:
        """A node teaser on the front page."""
        return (f'<article role="article" class="node node--type-article node--view-mode-teaser">'
                f'<h2 class="node__title"><a href="{self.url(n)}" rel="bookmark"><span class="field field--name-title">{escape(n["title"])}</span></a></h2>'
                f'<div class="node__meta"><time datetime="{n["date"]}">{escape(n["date_ar"])}</time></div>'
                f'<div class="field field--name-body field--type-text-with-summary"><p>{escape(n["body"][0][:140])}…</p></div>'
                f'<a href="{self.url(n)}" class="node__readmore" hreflang="ar">اقرأ المزيد<span class="visually-hidden"> عن {escape(n["title"])}</span></a></article>')

    def home(self) -> Reply:
        """The front page: the three newest teasers."""
        # a "breaking news" ticker whose link field stores /node/N paths, not the aliases
        ticker = "".join(f'<li><a href="/node/{n["nid"]}">{escape(n["title"])}</a></li>' for n in self.nodes[:2])
        main = ('<div class="block breaking-news"><span class="breaking-news__label">عاجل</span><ul class="ticker">'
                + ticker + '</ul></div>'
                '<h1 class="visually-hidden">الرئيسية</h1><div class="views-element-container"><div class="view view-frontpage">'
                + "".join(self.teaser(n) for n in self.nodes[:3]) + "</div></div>")
        title = f"{escape(self.c['site_name'])} | أخبار ليبيا لحظة بلحظة"
        head = f'<link rel="canonical" href="{self.base}/ar" />'
        return html_reply(self.frame(title, main, head), gzip_ok=True)

    def article(self, n: dict) -> Reply:
        """A full node page."""
        site = escape(self.c["site_name"])
        title = escape(n["title"])
        ld = {"@context": "https://schema.org", "@graph": [{
            "@type": "NewsArticle", "headline": n["title"], "name": n["title"],
            "description": n["body"][0][:150], "datePublished": n["date"], "dateModified": n["date"],
            "author": {"@type": "Person", "name": n["author"]},
            "publisher": {"@type": "Organization", "name": self.c["site_name"],
                          "logo": {"@type": "ImageObject", "url": self.base + "/themes/custom/khabar/logo.png"}},
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url(n)},
            "image": {"@type": "ImageObject", "url": f"{self.base}/sites/default/files/2024-05/{n['nid']}.jpg"}}]}
        head = f"""<link rel="canonical" href="{self.url(n)}" />
    <link rel="shortlink" href="{self.base}/node/{n['nid']}" />
    <meta name="description" content="{escape(n['body'][0][:150])}" />
    <meta property="og:site_name" content="{site}" />
    <meta property="og:type" content="article" />
    <meta property="og:url" content="{self.url(n)}" />
    <meta property="og:title" content="{title} | {site}" />
    <meta property="article:published_time" content="{n['date']}" />
    <script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>"""
        body: list[str] = []
        for item in n["body"]:
            if isinstance(item, dict):
                body.append(f"<h2>{escape(item['h2'])}</h2>")
            else:
                head_, sep, rest = item.partition(":")
                body.append(f"<p><strong>{escape(head_)}{sep}</strong>{escape(rest)}</p>" if sep and len(head_) < 40
                            else f"<p>{escape(item)}</p>")
        if n["read_also"]:
            other, after = self.by_nid[n["read_also"][0]], n["read_also"][1]
            body.insert(after, f'<p class="read-also"><strong>اقرأ أيضاً:</strong> <a href="/node/{other["nid"]}">'
                               f'{escape(other["title"])}</a></p>')
        gallery = ""
        if n["gallery"]:
            figures = "".join(
                f'<figure class="gallery__item"><a href="/sites/default/files/styles/large/public/gallery/{n["nid"]}-{i}.jpg">'
                f'<img src="/sites/default/files/styles/thumbnail/public/gallery/{n["nid"]}-{i}.jpg" alt="{escape(cap)}" loading="lazy" /></a>'
                f'<figcaption class="gallery__caption">{escape(cap)}</figcaption></figure>'
                for i, cap in enumerate(n["gallery"], 1))
            gallery = (f'<div class="field field--name-field-gallery field--type-image field--label-above">'
                       f'<div class="field__label">معرض الصور</div><div class="field__items gallery">{figures}</div></div>')
        section = n["section"]
        related = [o for o in self.nodes if o is not n][:2]
        related_html = "".join(f'<li><a href="{self.url(o)}">{escape(o["title"])}</a></li>' for o in related)
        main = f"""<div class="block block-core block-local-tasks-block"><nav class="tabs" role="navigation" aria-label="Tabs">
  <h2 class="visually-hidden">علامات التبويب الرئيسية</h2>
  <ul class="tabs primary"><li class="is-active"><a href="/node/{n['nid']}" class="is-active">عرض</a></li><li><a href="/node/{n['nid']}/edit">تعديل</a></li><li><a href="/node/{n['nid']}/delete">حذف</a></li></ul>
</nav></div>
<div class="block block-system block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation"><ol>
  <li><a href="{self.base}/ar">الرئيسية</a></li><li><a href="{self.base}/ar/taxonomy/term/{SECTIONS[section]}">{escape(section)}</a></li></ol></nav></div>
<article role="article" about="{n['alias']}" class="node node--type-article node--promoted node--view-mode-full">
  <h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{title}</span></h1>
  <div class="node__meta">
    <span class="field field--name-uid field--type-entity-reference field--label-hidden"><span>{escape(n['author'])}</span></span>
    <span class="field field--name-created field--type-created field--label-hidden"><time datetime="{n['date']}" title="{escape(n['date_ar'])}">{escape(n['date_ar'])}</time></span>
  </div>
  <div class="field field--name-field-image field--type-image field--label-hidden field__item">
    <img loading="lazy" src="/sites/default/files/styles/wide/public/2024-05/{n['nid']}.jpg" width="1200" height="675" alt="{title}" />
  </div>
  <div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">{"".join(body)}</div>
  {gallery}
  <div class="field field--name-field-tags field--type-entity-reference field--label-above"><div class="field__label">الوسوم</div>
    <div class="field__items"><div class="field__item"><a href="{self.base}/ar/taxonomy/term/{SECTIONS[section]}" hreflang="ar">{escape(section)}</a></div></div></div>
  <section class="field field--name-comment field--type-comment">
    <h2 class="field__label">التعليقات</h2>
    <p><a href="/user/login?destination=/node/{n['nid']}%23comment-form">سجّل الدخول</a> لإضافة تعليق.</p>
  </section>
</article>
<div class="views-element-container block related-content"><h2 class="block__title">أخبار ذات صلة</h2><ul>{related_html}</ul></div>"""
        return html_reply(self.frame(f"{title} | {site}", main, head,
                                     "path-node page-node-type-article"), gzip_ok=True)

    def page_not_found(self) -> Reply:
        """Drupal's 404 page."""
        return html_reply(self.frame("الصفحة غير موجودة | " + escape(self.c["site_name"]),
                                     '<h1 class="page-title">الصفحة غير موجودة</h1><p>لم يتم العثور على الصفحة المطلوبة.</p>'),
                          status=404, gzip_ok=True)
