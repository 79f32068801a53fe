"""A Libyan newsletter outlet on Ghost 5 (the Casper theme, the site's locale set to Arabic), as independent Libyan
writers and small newsrooms publish since 2020.

Addresses as Ghost makes them: a post is ``/<slug>/`` (an Arabic slug, escaped in every link), its AMP view
``/<slug>/amp/`` (rel=amphtml; a rel=canonical back), tag pages ``/tag/<tag>/``, author pages ``/author/<name>/``;
the home page's older posts are on ``/page/2/``, which only the head's ``<link rel="next">`` names (Casper's infinite
scroll fetches it in a browser); the RSS feed ``/rss/`` (``content:encoded`` with the whole post or a members-only
post's preview, ``dc:creator``, a guid that is the post's id); the sitemap index ``/sitemap.xml`` (with its XSL) of
``sitemap-posts.xml``, ``sitemap-pages.xml``, ``sitemap-tags.xml`` and ``sitemap-authors.xml`` (image entries), named
in Ghost's robots.txt (which forbids ``/ghost/``, ``/p/``, ``/email/``, ``/r/``).

A post: ``ghost_head``'s metadata (``article:published_time`` as ``2023-05-27T23:30:00.000Z``, og and twitter tags,
a JSON-LD ``Article`` whose ``mainEntityOfPage`` is the site's home page, no ``articleBody``), the primary tag, the
``h1.article-title``, the custom excerpt under it, the byline with ``<time class="byline-meta-date">``, its date
printed in the site's timezone (Libya) by moment's Arabic locale: Arabic-Indic digits, in the ``datetime`` attribute
too ("٢٠٢٣-٠٥-٢٨"), as Ghost themes print it under a locale whose digits are not ASCII; the reading time; the feature
image and its caption; ``section.gh-content`` with Koenig cards: an image card with its caption, a bookmark card (a
link preview of another post: its title, excerpt, icon, the site's and author's names), a signup card (the
newsletter form); a members-only post shows its public preview, then ``aside.gh-post-upgrade-cta``; then the comments
app's placeholder, the footer call to subscribe and "read more" cards with their own dates and excerpts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import GHOST_AUTHORS, GHOST_POSTS, GHOST_SITE, GHOST_TAGS

TZ = timezone(timedelta(hours=2))
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر"]
DISALLOW = ["/ghost/", "/p/", "/email/", "/r/", "/webmentions/receive/"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PER_PAGE = 3  # posts on the home page (Casper's posts_per_page); the rest on /page/2/


def when(p: dict) -> datetime:
    return datetime.fromisoformat(p["date"].replace("Z", "+00:00"))


def moment_ar(p: dict, fmt: str) -> str:
    """A date as moment's ``ar`` locale prints it in the site's timezone (its digits Arabic-Indic)."""
    d = when(p).astimezone(TZ)
    text = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if fmt == "iso" else f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return text.translate(INDIC)


class GhostSite:
    """Routes and pages of the Ghost outlet."""

    name = "ghost"

    def __init__(self, base: str):
        self.base = base
        self.posts = sorted(GHOST_POSTS, key=when, reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, str]] = []

    def path(self, p: dict) -> str:
        return f"/{quote(p['slug'])}/"

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("ghost", f"ghost-{p['id']}", self.base + self.path(p), p["title"], tuple(p["paras"]),
                                p["relevant"]) for p in self.posts]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/ghost/", f"{self.base}/r/8f2a1c"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = ("User-agent: *\nSitemap: " + self.base + "/sitemap.xml\n"
                    + "".join(f"Disallow: {d}\n" for d in DISALLOW))
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path == "/sitemap.xml":
            return self.sitemap_index()
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            return self.sitemap(path[len("/sitemap-"):-len(".xml")])
        if path == "/rss/":
            return self.feed()
        if path == "/":
            return self.listing(GHOST_SITE, self.posts[:PER_PAGE], nxt="/page/2/" if len(self.posts) > PER_PAGE else "")
        if path == "/page/2/":
            return self.listing(GHOST_SITE, self.posts[PER_PAGE:], prev="/")
        for tag, label in GHOST_TAGS.items():
            if path == f"/tag/{tag}/":
                return self.listing(label, [p for p in self.posts if p["tag"] == tag and not p["page2"]])
        for key, name in GHOST_AUTHORS.items():
            if path == f"/author/{key}/":
                return self.listing(name, [p for p in self.posts if p["author"] == key and not p["page2"]])
        for p in self.posts:
            if path == f"/{p['slug']}/":
                self.served.append((raw, p["id"]))
                return self.post(p)
            if path == f"/{p['slug']}/amp/":
                self.served.append((raw, p["id"]))
                return self.amp(p)
        return self.page("404", '<main class="site-main outer error-content"><h1 class="error-code">404</h1>'
                         '<p class="error-description">الصفحة غير موجودة</p></main>', status=404)

    # -- pieces --------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, head: str = "", status: int = 200, body_class: str = "home-template") -> Reply:
        nav = "".join(f'<li class="nav-{t}"><a href="{self.base}/tag/{t}/">{escape(v)}</a></li>' for t, v in GHOST_TAGS.items())
        html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{escape(title)}</title>
    <link rel="stylesheet" type="text/css" href="{self.base}/assets/built/screen.css?v=3f2c9a1b7e">
    {head}
    <meta name="generator" content="Ghost 5.49">
    <link rel="alternate" type="application/rss+xml" title="{GHOST_SITE}" href="{self.base}/rss/">
    <script defer src="https://cdn.jsdelivr.net/ghost/portal@~2.30/umd/portal.min.js" data-i18n="false" data-ghost="{self.base}/" data-key="7d2f3a9c1b" data-api="{self.base}/ghost/api/content/" crossorigin="anonymous"></script>
    <style id="gh-members-styles">.gh-post-upgrade-cta-content{{border-radius:3px}}</style>
</head>
<body class="{body_class} is-head-left-logo has-cover">
<div class="viewport">
    <header id="gh-head" class="gh-head outer">
        <div class="gh-head-inner inner">
            <div class="gh-head-brand"><a class="gh-head-logo" href="{self.base}">{GHOST_SITE}</a></div>
            <nav class="gh-head-menu"><ul class="nav"><li class="nav-home"><a href="{self.base}/">الرئيسية</a></li>{nav}<li class="nav-about"><a href="{self.base}/about/">من نحن</a></li></ul></nav>
            <div class="gh-head-actions"><a class="gh-head-link" href="#/portal/signin" data-portal="signin">تسجيل الدخول</a><a class="gh-head-button" href="#/portal/signup" data-portal="signup">اشترك</a></div>
        </div>
    </header>
    <div class="site-content">
{main}
    </div>
    <footer class="site-footer outer"><div class="inner"><section class="copyright"><a href="{self.base}">{GHOST_SITE}</a> &copy; 2023</section>
    <nav class="site-footer-nav"><ul class="nav"><li class="nav-sign-up"><a href="#/portal/">اشترك</a></li></ul></nav>
    <div class="gh-powered-by"><a href="https://ghost.org/" target="_blank" rel="noopener">Powered by Ghost</a></div></div></footer>
</div>
<script src="{self.base}/assets/built/casper.js?v=3f2c9a1b7e"></script>
</body>
</html>"""
        return html_reply(html, status=status)

    def card(self, p: dict) -> str:
        return (f'<article class="post-card post tag-{p["tag"]}"><a class="post-card-image-link" href="{self.path(p)}">'
                f'<img class="post-card-image" src="{self.base}/content/images/2023/05/{p["id"][-4:]}.jpg" alt="" '
                f'loading="lazy"></a><div class="post-card-content"><a class="post-card-content-link" href="'
                f'{self.path(p)}"><header class="post-card-header"><div class="post-card-tags"><span class="post-card-'
                f'primary-tag">{escape(GHOST_TAGS[p["tag"]])}</span></div><h2 class="post-card-title">{escape(p["title"])}'
                f'</h2></header><div class="post-card-excerpt">{escape(p["paras"][0][:120])}</div></a><footer class='
                f'"post-card-meta"><time class="post-card-meta-date" datetime="{moment_ar(p, "iso")}">'
                f'{moment_ar(p, "d")}</time><span class="post-card-meta-length">٢ دقيقة قراءة</span></footer></div>'
                "</article>")

    def listing(self, label: str, posts: list[dict], *, nxt: str = "", prev: str = "") -> Reply:
        head = (f'<link rel="canonical" href="{self.base}/">' + (f'<link rel="next" href="{self.base}{nxt}">' if nxt else "")
                + (f'<link rel="prev" href="{self.base}{prev}">' if prev else ""))
        cards = "".join(self.card(p) for p in posts)
        main = (f'<main id="site-main" class="site-main outer"><div class="inner posts"><h1 class="site-title">'
                f'{escape(label)}</h1><div class="post-feed">{cards}</div></div></main>')
        return self.page(label, main, head=head)

    def ld(self, p: dict, url: str) -> str:
        data = {"@context": "https://schema.org", "@type": "Article",
                "publisher": {"@type": "Organization", "name": GHOST_SITE, "url": f"{self.base}/",
                              "logo": {"@type": "ImageObject", "url": f"{self.base}/content/images/2023/logo.png"}},
                "author": {"@type": "Person", "name": GHOST_AUTHORS[p["author"]],
                           "url": f"{self.base}/author/{p['author']}/", "sameAs": []},
                "headline": p["title"], "url": url, "datePublished": p["date"], "dateModified": p["date"],
                "image": {"@type": "ImageObject", "url": f"{self.base}/content/images/2023/05/{p['id'][-4:]}.jpg",
                          "width": 2000, "height": 1333},
                "keywords": GHOST_TAGS[p["tag"]], "description": p["paras"][0][:160],
                "mainEntityOfPage": f"{self.base}/"}
        return f'<script type="application/ld+json">\n{json.dumps(data, ensure_ascii=False, indent=4)}\n</script>'

    def content(self, p: dict) -> str:
        out = []
        for i, text in enumerate(p["paras"]):
            out.append(f'<h2 id="{quote(text)}">{escape(text)}</h2>' if len(text.split()) < 5 else f"<p>{escape(text)}</p>")
            if p["bookmark"] and i == p["bookmark"][0]:
                o = next(q for q in self.posts if q["id"] == p["bookmark"][1])
                out.append(f'<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" href="'
                           f'{self.base}{self.path(o)}"><div class="kg-bookmark-content"><div class="kg-bookmark-title">'
                           f'{escape(o["title"])}</div><div class="kg-bookmark-description">{escape(o["paras"][0])}'
                           f'</div><div class="kg-bookmark-metadata"><img class="kg-bookmark-icon" src="{self.base}/'
                           f'content/images/size/w256h256/2023/icon.png" alt=""><span class="kg-bookmark-author">'
                           f'{GHOST_SITE}</span><span class="kg-bookmark-publisher">{escape(GHOST_AUTHORS[o["author"]])}'
                           f'</span></div></div><div class="kg-bookmark-thumbnail"><img src="{self.base}/content/images/'
                           f'2023/05/{o["id"][-4:]}.jpg" alt=""></div></a></figure>')
            if i == 0:
                out.append(f'<figure class="kg-card kg-image-card kg-card-hascaption"><img src="{self.base}/content/'
                           f'images/2023/05/{p["id"][-4:]}-2.jpg" class="kg-image" alt="" loading="lazy" width="1600" '
                           f'height="1067"><figcaption>تصوير: {escape(GHOST_AUTHORS[p["author"]])} / {GHOST_SITE}'
                           "</figcaption></figure>")
        if p["signup"] and not p["members"]:
            out.append('<div class="kg-card kg-signup-card kg-width-regular" data-lexical-signup-form style="background-'
                       'color:#F0F0F0"><div class="kg-signup-card-content"><div class="kg-signup-card-text"><h2 class="'
                       'kg-signup-card-heading">نشرة المرصد الأسبوعية</h2><p class="kg-signup-card-subheading">تحليلات '
                       'وتقارير معمقة عن ليبيا تصل إلى بريدك كل يوم أحد، مجانا ومن دون إعلانات.</p><form class="kg-'
                       'signup-card-form" data-members-form="signup"><div class="kg-signup-card-fields"><input class="kg-'
                       'signup-card-input" data-members-email type="email" required placeholder="بريدك الإلكتروني">'
                       '<button class="kg-signup-card-button" type="submit"><span class="kg-signup-card-button-default">'
                       'اشترك</span></button></div><div class="kg-signup-card-success">تم الاشتراك بنجاح</div></form>'
                       '<p class="kg-signup-card-disclaimer">لن نشارك بريدك مع أي جهة.</p></div></div></div>')
        if p["members"]:
            out.append('<aside class="gh-post-upgrade-cta"><div class="gh-post-upgrade-cta-content" style="background-'
                       'color: #15171A"><h2>بقية هذا المقال متاحة للمشتركين فقط</h2><a class="gh-btn" data-portal="'
                       'signup" href="#/portal/signup" style="color:#15171A">اشترك الآن</a><p><small>لديك حساب؟ <a '
                       'data-portal="signin" href="#/portal/signin">سجل الدخول</a></small></p></div></aside>')
        return "".join(out)

    def post(self, p: dict) -> Reply:
        url = f"{self.base}{self.path(p)}"
        author = GHOST_AUTHORS[p["author"]]
        more = [q for q in self.posts if q is not p][:3]
        head = (f'<link rel="icon" href="{self.base}/content/images/size/w256h256/2023/icon.png" type="image/png">\n'
                f'<link rel="canonical" href="{url}">\n<meta name="referrer" content="no-referrer-when-downgrade">\n'
                f'<link rel="amphtml" href="{url}amp/">\n'
                f'<meta name="description" content="{escape(p["paras"][0][:160])}">\n'
                f'<meta property="og:site_name" content="{GHOST_SITE}">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:title" content="{escape(p["title"])}">\n<meta property="og:url" content="{url}">\n'
                f'<meta property="article:published_time" content="{p["date"]}">\n'
                f'<meta property="article:modified_time" content="{p["date"]}">\n'
                f'<meta property="article:tag" content="{GHOST_TAGS[p["tag"]]}">\n'
                f'<meta name="twitter:card" content="summary_large_image">\n<meta name="twitter:title" content="'
                f'{escape(p["title"])}">\n<meta name="twitter:label1" content="Written by">\n<meta name="twitter:data1" '
                f'content="{author}">\n{self.ld(p, url)}')
        cards = "".join(self.card(q) for q in more)
        main = f"""<main id="site-main" class="site-main">
<article class="article post tag-{p["tag"]} image-small">
    <header class="article-header gh-canvas">
        <div class="article-tag post-card-tags"><span class="post-card-primary-tag"><a href="{self.base}/tag/{p["tag"]}/">{escape(GHOST_TAGS[p["tag"]])}</a></span></div>
        <h1 class="article-title">{escape(p["title"])}</h1>
        <div class="article-byline"><section class="article-byline-content">
            <ul class="author-list"><li class="author-list-item"><a href="{self.base}/author/{p["author"]}/" class="author-avatar"><img class="author-profile-image" src="{self.base}/content/images/2023/{p["author"]}.jpg" alt="{author}"></a></li></ul>
            <div class="article-byline-meta"><h4 class="author-name"><a href="{self.base}/author/{p["author"]}/">{author}</a></h4>
                <div class="byline-meta-content"><time class="byline-meta-date" datetime="{moment_ar(p, "iso")}">{moment_ar(p, "d")}</time><span class="byline-reading-time"><span class="bull">&bull;</span> ٣ دقائق قراءة</span></div>
            </div></section></div>
        <figure class="article-image"><img src="{self.base}/content/images/2023/05/{p["id"][-4:]}.jpg" alt="{escape(p["title"])}"><figcaption>{escape(p["caption"])}</figcaption></figure>
    </header>
    <section class="gh-content gh-canvas">
        {self.content(p)}
    </section>
</article>
<section class="article-comments gh-canvas"><div id="ghost-comments-root"></div><script defer src="https://cdn.jsdelivr.net/ghost/comments-ui@~0.12/umd/comments-ui.min.js" data-ghost-comments="{self.base}/" data-api="{self.base}/ghost/api/content/" data-admin="{self.base}/ghost/" data-key="7d2f3a9c1b" data-title="" data-count="true" data-post-id="{p["id"]}" data-color-scheme="auto" data-avatar-saturation="60" data-accent-color="#FF1A75" crossorigin="anonymous"></script></section>
</main>
<section class="footer-cta outer"><div class="inner"><h2 class="footer-cta-title">اشترك في {GHOST_SITE}</h2><a class="footer-cta-button" href="#/portal" data-portal><div class="footer-cta-input">بريدك الإلكتروني</div><span>اشترك</span></a></div></section>
<aside class="read-more-wrap outer"><div class="read-more inner">{cards}</div></aside>"""
        return self.page(p["title"], main, head=head, body_class=f"post-template tag-{p['tag']}")

    def amp(self, p: dict) -> Reply:
        url = f"{self.base}{self.path(p)}"
        paras = "".join(f"<h2>{escape(t)}</h2>" if len(t.split()) < 5 else f"<p>{escape(t)}</p>" for t in p["paras"])
        d = when(p).astimezone(TZ)
        html = f"""<!DOCTYPE html>
<html ⚡ lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(p["title"])}</title>
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1"><link rel="canonical" href="{url}">
<meta property="article:published_time" content="{p["date"]}">{self.ld(p, url)}
<style amp-custom>.post-title{{font-size:3rem}}</style><script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{visibility:hidden}}</style><noscript><style amp-boilerplate>body{{visibility:visible}}</style></noscript></head>
<body class="amp-template"><header class="page-header"><a href="{self.base}">{GHOST_SITE}</a></header>
<main class="content" role="main"><article class="post"><header class="post-header"><h1 class="post-title">{escape(p["title"])}</h1>
<section class="post-meta"><p class="author">بقلم <a href="{self.base}/author/{p["author"]}/">{GHOST_AUTHORS[p["author"]]}</a></p>
<time class="post-date" datetime="{d:%Y-%m-%d}">{d.day} {MONTHS[d.month - 1]} {d.year}</time></section></header>
<figure class="post-image"><amp-img src="{self.base}/content/images/2023/05/{p["id"][-4:]}.jpg" width="600" height="400" layout="responsive"></amp-img></figure>
<section class="post-content">{paras}</section></article></main>
<footer class="page-footer"><h3>{GHOST_SITE}</h3><p>Published with <a href="https://ghost.org">Ghost</a></p></footer></body></html>"""
        return html_reply(html)

    def feed(self) -> Reply:
        items = "".join(
            f"<item><title><![CDATA[{p['title']}]]></title><description><![CDATA[{p['paras'][0][:160]}]]></description>"
            f"<link>{self.base}{self.path(p)}</link><guid isPermaLink=\"false\">{p['id']}</guid>"
            f"<category><![CDATA[{GHOST_TAGS[p['tag']]}]]></category><dc:creator><![CDATA[{GHOST_AUTHORS[p['author']]}]]>"
            f"</dc:creator><pubDate>{when(p).strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate><media:content url=\""
            f"{self.base}/content/images/2023/05/{p['id'][-4:]}.jpg\" medium=\"image\"/><content:encoded><![CDATA["
            f"{self.content(p)}]]></content:encoded></item>" for p in self.posts[:PER_PAGE])
        xml = ('<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content='
               '"http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0" '
               f'xmlns:media="http://search.yahoo.com/mrss/"><channel><title><![CDATA[{GHOST_SITE}]]></title><description>'
               f"<![CDATA[تحليلات وتقارير عن ليبيا]]></description><link>{self.base}/</link><generator>Ghost 5.49"
               f'</generator><atom:link href="{self.base}/rss/" rel="self" type="application/rss+xml"/><ttl>60</ttl>'
               f"{items}</channel></rss>")
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())

    def sitemap_index(self) -> Reply:
        parts = "".join(f"<sitemap><loc>{self.base}/sitemap-{k}.xml</loc><lastmod>{self.posts[0]['date']}</lastmod>"
                        "</sitemap>" for k in ("pages", "posts", "authors", "tags"))
        xml = ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//'
               f'{self.base.split("//")[1]}/sitemap.xsl"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"{parts}</sitemapindex>")
        return Reply(200, (("Content-Type", "text/xml; charset=utf-8"),), xml.encode())

    def sitemap(self, kind: str) -> Reply:
        if kind == "posts":
            locs = [(self.path(p), p["date"], f"/content/images/2023/05/{p['id'][-4:]}.jpg") for p in self.posts]
        elif kind == "pages":
            locs = [("/about/", "2023-01-10T10:00:00.000Z", "")]
        elif kind == "tags":
            locs = [(f"/tag/{t}/", self.posts[0]["date"], "") for t in GHOST_TAGS]
        elif kind == "authors":
            locs = [(f"/author/{a}/", self.posts[0]["date"], "") for a in GHOST_AUTHORS]
        else:
            return Reply(404, (("Content-Type", "text/plain"),), b"Not Found")
        urls = "".join(f"<url><loc>{self.base}{loc}</loc><lastmod>{mod}</lastmod>"
                       + (f"<image:image><image:loc>{self.base}{img}</image:loc><image:caption><![CDATA[x]]>"
                          "</image:caption></image:image>" if img else "") + "</url>" for loc, mod, img in locs)
        xml = ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//'
               f'{self.base.split("//")[1]}/sitemap.xsl"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">' + urls + "</urlset>")
        return Reply(200, (("Content-Type", "text/xml; charset=utf-8"),), xml.encode())
