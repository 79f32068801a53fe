"""A Libyan news blog on Blogger/Blogspot (2011-2016), as many small Libyan outlets were: a widget-heavy layout.

Addresses as Blogger makes them: posts ``/<yyyy>/<mm>/blog-post_<dd>.html`` (``blog-post_<n>.html`` for the day's
second post) and a hand-set Arabic slug, the same post as ``?m=1`` (Blogger's mobile template, its rel=canonical the
desktop address) and ``?showComment=<ms>`` (the "recent comments" gadget links it), month archives ``/<yyyy>/<mm>/``
that print every post of the month whole (a post's body links an older post with the ``?m=1`` its author copied from
a phone), year archives, label pages ``/search/label/<label>`` and the older-posts pager ``/search?updated-max=...``
(robots.txt forbids ``/search``), the Atom feed ``/feeds/posts/default`` (``?alt=rss`` for RSS), the summary feed
``/feeds/posts/summary`` (a snippet per post), Blogger's robots.txt (``Disallow: /search``, ``Allow: /``, a
``Sitemap:`` of ``/sitemap.xml``, an index of ``/sitemap.xml?page=N``) and a static page ``/p/about.html``.

Pages: the blog's name in the header's ``<h1>``, a date header in Arabic month names over each day's posts (one header
over two posts of one day), the post's title in ``h3.post-title``, ``data:post.body`` in ``div.post-body
entry-content`` wrapping a ``<div dir="rtl" trbidi="on">`` with a photo, paragraphs separated by ``<br />`` (two, or
one), a jump break; a footer with the author and the time only (the theme prints no machine date); labels; Blogger's
comments markup; the pager; a sidebar of "popular posts" with snippets, the archive tree, labels and recent comments.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import BLOG, BLOG_DESC, POSTS

TZ = timezone(timedelta(hours=2))
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
ROBOTS = "User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\nDisallow: /search\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"
HOME_POSTS = 4
PER_SITEMAP = 3
COMMENTS = {101: [("غير معرف", "الله ينصركم يا أهل أجدابيا، الوضع صعب جدا."), ("ابن بنغازي", "متى يبدأ الحظر الجوي؟")],
            105: [("ليبي حر", "رحم الله الشهداء، بنغازي تستاهل الأمان.")]}
# a paragraph that links an older post as its author pasted it from a phone (?m=1)
INLINE = {105: ("ثورة السابع عشر من فبراير", 101)}


def stamp(p: dict) -> datetime:
    return datetime(*p["g"], *map(int, p["time"].split(":")), tzinfo=TZ)


class BlogspotSite:
    """Routes and pages of the Blogger blog."""

    name = "blogspot"

    def __init__(self, base: str):
        self.base = base
        self.posts = sorted(POSTS, key=stamp, reverse=True)
        self.robots = RobotsRules(["/search"], ["/"])
        self.served: list[tuple[str, int]] = []

    def url(self, p: dict, query: str = "") -> str:
        return self.base + quote(p["path"]) + (f"?{query}" if query else "")

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("blogspot", f"blogspot-{p['id']}", self.url(p), p["title"], tuple(p["paras"]),
                                p["relevant"]) for p in self.posts]

    def forbidden_links(self) -> list[str]:
        labels = sorted({lab for p in self.posts for lab in p["labels"]})
        return [f"{self.base}/search/label/{quote(lab)}" for lab in labels] + [self.older()]

    def older(self) -> str:
        last = stamp(self.posts[HOME_POSTS - 1]).isoformat(timespec="milliseconds")
        return f"{self.base}/search?updated-max={quote(last, safe='')}&max-results={HOME_POSTS}"

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        mobile = query.get("m") == "1"
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain; charset=UTF-8"),), ROBOTS.format(base=self.base).encode())
        if path == "/sitemap.xml":
            return self.sitemap(query.get("page"))
        if path in ("/feeds/posts/default", "/feeds/posts/summary"):
            return self.feed(path.endswith("summary"), query.get("alt") == "rss")
        if path == "/":
            return self.listing(self.posts[:HOME_POSTS], mobile, home=True)
        if path.startswith("/search"):
            label = path[len("/search/label/"):] if path.startswith("/search/label/") else None
            return self.listing([p for p in self.posts if label is None or label in p["labels"]], mobile)
        if path == "/p/about.html":
            return self.page("من نحن", '<div class="post"><h3 class="post-title">من نحن</h3>'
                             f'<div class="post-body">{escape(BLOG_DESC)}</div></div>', mobile)
        for p in self.posts:
            if path == p["path"]:
                self.served.append((raw, p["id"]))
                return self.post(p, mobile)
        parts = path.strip("/").split("/")
        if parts[0].isdigit() and len(parts) <= 2 and path.endswith("/"):
            month = [p for p in self.posts if p["path"].startswith(path)]
            if month:
                return self.listing(month, mobile)
        return html_reply(self.head("خطأ") + "<body><h3>عذرًا، الصفحة التي تبحث عنها في هذه المدونة ليست متوفرة.</h3>"
                          "</body></html>", status=404)

    # -- pieces --------------------------------------------------------------------------------

    def date_header(self, p: dict) -> str:
        d = stamp(p)
        return (f'<h2 class="date-header"><span>{DAYS[d.weekday()]}، {d.day} {MONTHS[d.month - 1]} {d.year}'
                "</span></h2>")

    def time_of(self, p: dict) -> str:
        d = stamp(p)
        return f"{d.hour % 12 or 12}:{d.minute:02d} {'ص' if d.hour < 12 else 'م'}"

    def body(self, p: dict, upto: int | None = None) -> str:
        """``data:post.body``: a compose-mode ``<div dir="rtl">``, a photo, paragraphs split by ``<br />``."""
        sep = "<br />\n" if p["br"] else "<br />\n<br />\n"
        lines = []
        for i, text in enumerate(p["paras"]):
            html = escape(text)
            if p["id"] in INLINE and INLINE[p["id"]][0] in text:
                phrase, target = INLINE[p["id"]]
                old = next(q for q in self.posts if q["id"] == target)
                html = html.replace(phrase, f'<a href="{self.url(old, "m=1")}">{phrase}</a>')
            lines.append(html)
            if upto is not None and i == upto:
                break
            if p["jump"] is not None and i == p["jump"]:
                lines[-1] += "<a name='more'></a>"
        photo = ('<div class="separator" style="clear: both; text-align: center;"><a href="https://1.bp.blogspot.com/'
                 f'-x{p["id"]}/s1600/IMG_{p["id"]}.jpg" imageanchor="1" style="margin-left: 1em; margin-right: 1em;">'
                 f'<img border="0" height="240" src="https://1.bp.blogspot.com/-x{p["id"]}/s320/IMG_{p["id"]}.jpg" '
                 'width="320" /></a></div>\n')
        return f'<div dir="rtl" style="text-align: right;" trbidi="on">\n{photo}{sep.join(lines)}<br /></div>\n'

    def post_html(self, p: dict, *, whole: bool, mobile: bool) -> str:
        labels = ", ".join(f'<a href="{self.base}/search/label/{quote(lab)}" rel="tag">{escape(lab)}</a>'
                           for lab in p["labels"])
        if whole:
            text = self.body(p)
            more = ""
        else:
            text = self.body(p, upto=p["jump"] if p["jump"] is not None else len(p["paras"]))
            more = (f'<div class="jump-link"><a href="{self.url(p)}#more" title="{escape(p["title"])}">'
                    "اقرأ المزيد &#187;</a></div>")
        count = len(COMMENTS.get(p["id"], []))
        return (f'<div class="post-outer"><div class="post hentry uncustomized-post-template" itemprop="blogPost">'
                f'<a name="{p["id"]}7731"></a><h3 class="post-title entry-title" itemprop="name">'
                + (f'{escape(p["title"])}' if whole else f'<a href="{self.url(p, "m=1" if mobile else "")}">{escape(p["title"])}</a>')
                + f'</h3><div class="post-header"><div class="post-header-line-1"></div></div>'
                f'<div class="post-body entry-content" id="post-body-{p["id"]}" itemprop="description articleBody">'
                f'{text}<div style="clear: both;"></div></div>{more}'
                '<div class="post-footer"><div class="post-footer-line post-footer-line-1">'
                '<span class="post-author vcard">مرسلة بواسطة <span class="fn">مراسل برقة</span></span> '
                f'<span class="post-timestamp">في <a class="timestamp-link" href="{self.url(p)}" rel="bookmark" '
                f'title="permanent link">{self.time_of(p)}</a></span> '
                f'<span class="post-comment-link"><a class="comment-link" href="{self.url(p)}#comment-form">'
                f'{count} تعليقات</a></span></div><div class="post-footer-line post-footer-line-2">'
                f'<span class="post-labels">التسميات: {labels}</span></div></div></div></div>')

    def comments(self, p: dict) -> str:
        items = []
        for n, (who, text) in enumerate(COMMENTS.get(p["id"], [])):
            ms = int(stamp(p).timestamp() * 1000) + (n + 1) * 3_600_000
            cid = f"{p['id']}{n}"
            items.append(f"<dt class='comment-author' id='c{cid}'><a name='c{cid}'></a>{escape(who)} يقول...</dt>"
                         f"<dd class='comment-body' id='Blog1_cmt-{cid}'><p>{escape(text)}</p></dd>"
                         f"<dd class='comment-footer'><span class='comment-timestamp'><a href='{self.url(p)}?showComment={ms}#c{cid}' "
                         f"title='comment permalink'>{self.time_of(p)}</a></span></dd>")
        return (f"<div class='comments' id='comments'><a name='comments'></a><h4>{len(items)} تعليقات:</h4>"
                f"<div id='Blog1_comments-block-wrapper'><dl class='avatar-comment-indent' id='comments-block'>"
                f"{''.join(items)}</dl></div><p class='comment-footer'><a href='https://www.blogger.com/comment.g?"
                f"blogID=712&postID={p['id']}'>إرسال تعليق</a></p></div>")

    def sidebar(self) -> str:
        popular = "".join(
            f'<li><div class="item-thumbnail"><a href="{self.url(p)}"><img src="https://1.bp.blogspot.com/-x{p["id"]}/'
            f's72-c/IMG.jpg" /></a></div><div class="item-title"><a href="{self.url(p)}">{escape(p["title"])}</a></div>'
            f'<div class="item-snippet">{escape(p["paras"][0][:90])}...</div></li>'
            for p in (self.posts[4], self.posts[0], self.posts[3]))
        years = sorted({p["g"][0] for p in self.posts}, reverse=True)
        tree = []
        for y in years:
            ys = [p for p in self.posts if p["g"][0] == y]
            if y == years[0]:
                months = "".join(
                    f'<li class="archivedate expanded"><a class="toggle" href="javascript:void(0)">'
                    f'<span class="zippy toggle-open">&#9660;&#160;</span></a><a class="post-count-link" '
                    f'href="{self.base}/{y}/{m:02d}/">{MONTHS[m - 1]}</a> <span class="post-count" dir="ltr">'
                    f'({sum(p["g"][1] == m for p in ys)})</span><ul class="posts">'
                    + "".join(f'<li><a href="{self.url(p)}">{escape(p["title"])}</a></li>' for p in ys if p["g"][1] == m)
                    + "</ul></li>" for m in sorted({p["g"][1] for p in ys}, reverse=True))
                tree.append(f'<li class="archivedate expanded"><a class="post-count-link" href="{self.base}/{y}/">{y}'
                            f'</a> <span class="post-count" dir="ltr">({len(ys)})</span><ul class="hierarchy">'
                            f'{months}</ul></li>')
            else:
                tree.append(f'<li class="archivedate collapsed"><a class="toggle" href="javascript:void(0)"><span '
                            f'class="zippy">&#9668;&#160;</span></a><a class="post-count-link" href="{self.base}/{y}/">'
                            f'{y}</a> <span class="post-count" dir="ltr">({len(ys)})</span></li>')
        labels = sorted({lab for p in self.posts for lab in p["labels"]})
        recent = "".join(f"<li><a href='{self.url(p)}?showComment={int(stamp(p).timestamp() * 1000) + 3_600_000}"
                         f"#c{p['id']}0'>{escape(COMMENTS[p['id']][0][0])}</a>: {escape(COMMENTS[p['id']][0][1])}</li>"
                         for p in self.posts if p["id"] in COMMENTS)
        return (f'<div class="sidebar section" id="sidebar"><div class="widget PopularPosts" id="PopularPosts1">'
                f'<h2>المشاركات الشائعة</h2><div class="widget-content popular-posts"><ul>{popular}</ul></div></div>'
                f'<div class="widget BlogArchive" id="BlogArchive1"><h2>أرشيف المدونة</h2><div class="widget-content">'
                f'<div id="ArchiveList"><ul class="hierarchy">{"".join(tree)}</ul></div></div></div>'
                '<div class="widget Label" id="Label1"><h2>التسميات</h2><div class="widget-content list-label-widget-'
                'content"><ul>' + "".join(f'<li><a dir="rtl" href="{self.base}/search/label/{quote(lab)}">'
                                          f'{escape(lab)}</a></li>' for lab in labels)
                + f'</ul></div></div><div class="widget HTML" id="HTML3"><h2>أحدث التعليقات</h2><div class="widget-'
                f'content"><ul>{recent}</ul></div></div></div>')

    def head(self, title: str, canonical: str = "", description: str = "") -> str:
        meta = (f'<link href="{canonical}" rel="canonical" /><meta content="{canonical}" property="og:url" />'
                f'<meta content="{escape(description)}" property="og:description" />') if canonical else ""
        return ('<!DOCTYPE html><html class="v2" dir="rtl" lang="ar" xmlns="http://www.w3.org/1999/xhtml" '
                'xmlns:b="http://www.google.com/2005/gml/b"><head><meta content="width=1100" name="viewport" />'
                '<meta content="text/html; charset=UTF-8" http-equiv="Content-Type" />'
                '<meta content="blogger" name="generator" />'
                f'<link href="{self.base}/favicon.ico" rel="icon" type="image/x-icon" />{meta}'
                f'<title>{escape(title)}</title>'
                f'<link rel="alternate" type="application/atom+xml" title="{BLOG} - Atom" href="{self.base}/feeds/posts/default" />'
                f'<link rel="alternate" type="application/rss+xml" title="{BLOG} - RSS" href="{self.base}/feeds/posts/default?alt=rss" />'
                '<link rel="service.post" type="application/atom+xml" href="https://www.blogger.com/feeds/712/posts/default" />'
                "<style>body{font:normal normal 14px Tahoma}</style></head>")

    def page(self, title: str, main: str, mobile: bool, canonical: str = "", description: str = "") -> Reply:
        switch = (f'<a href="{self.base}/?m=0">عرض إصدار الويب</a>' if mobile
                  else f'<a href="{self.base}/?m=1">عرض إصدار الهاتف المحمول</a>')
        side = "" if mobile else self.sidebar()
        html = (self.head(title if title == BLOG else f"{BLOG}: {title}", canonical, description)
                + f'<body class="{"mobile " if mobile else ""}variant-simplysimple"><div class="navbar section" id="navbar">'
                '<div class="widget Navbar" id="Navbar1"><iframe src="https://www.blogger.com/navbar.g?targetBlogID=712" '
                'height="30px"></iframe></div></div><div class="header-outer"><div class="Header widget" id="Header1">'
                f'<div id="header-inner"><div class="titlewrapper"><h1 class="title"><a href="{self.base}/">{BLOG}</a></h1>'
                f'</div><div class="descriptionwrapper"><p class="description"><span>{escape(BLOG_DESC)}</span></p></div>'
                '</div></div></div><div class="main-outer"><div class="main section" id="main"><div class="widget Blog" '
                f'id="Blog1"><div class="blog-posts hfeed">{main}</div></div></div>{side}</div>'
                f'<div class="footer-outer"><div class="widget Attribution" id="Attribution1">{switch} '
                'يتم التشغيل بواسطة <a href="https://www.blogger.com" target="_blank">Blogger</a>.</div></div></body></html>')
        return html_reply(html)

    # -- pages ---------------------------------------------------------------------------------

    def post(self, p: dict, mobile: bool) -> Reply:
        at = self.posts.index(p)
        newer = f'<a class="blog-pager-newer-link" href="{self.url(self.posts[at - 1])}">رسالة أحدث</a>' if at else ""
        older = (f'<a class="blog-pager-older-link" href="{self.url(self.posts[at + 1])}">رسالة أقدم</a>'
                 if at + 1 < len(self.posts) else "")
        main = (f'<div class="date-outer{" mobile-date-outer" if mobile else ""}">{self.date_header(p)}'
                f'<div class="date-posts">{self.post_html(p, whole=True, mobile=mobile)}{self.comments(p)}</div></div>'
                f'<div class="blog-pager" id="blog-pager">{newer}{older}<a class="home-link" href="{self.base}/">'
                "الصفحة الرئيسية</a></div>"
                f'<div class="post-feeds">الاشتراك في: <a href="{self.base}/feeds/{p["id"]}/comments/default">'
                "تعليقات الرسالة (Atom)</a></div>")
        return self.page(p["title"], main, mobile, self.url(p), p["paras"][0][:150])

    def listing(self, posts: list[dict], mobile: bool, home: bool = False) -> Reply:
        days: dict[tuple, list[dict]] = {}
        for p in posts:
            days.setdefault(p["g"], []).append(p)
        main = "".join(f'<div class="date-outer">{self.date_header(ps[0])}<div class="date-posts">'
                       + "".join(self.post_html(p, whole=not home, mobile=mobile) for p in ps) + "</div></div>"
                       for ps in days.values())
        pager = (f'<div class="blog-pager" id="blog-pager"><a class="blog-pager-older-link" href="{self.older()}">'
                 "رسائل أقدم</a></div>") if home else ""
        return self.page(BLOG if home else "الأرشيف", main + pager, mobile)

    def feed(self, summary: bool, rss: bool) -> Reply:
        posts = self.posts[:HOME_POSTS]
        if rss:
            items = "".join(
                f"<item><guid isPermaLink='false'>tag:blogger.com,1999:blog-712.post-{p['id']}</guid>"
                f"<pubDate>{stamp(p).strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate><title>{escape(p['title'])}</title>"
                f"<description>{escape(p['paras'][0] if summary else self.body(p))}</description>"
                f"<link>{self.url(p)}</link><author>noreply@blogger.com (مراسل برقة)</author></item>" for p in posts)
            xml = (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{BLOG}</title>"
                   f"<link>{self.base}/</link><description>{escape(BLOG_DESC)}</description>{items}</channel></rss>")
            return Reply(200, (("Content-Type", "application/rss+xml; charset=UTF-8"),), xml.encode())
        kind = "summary" if summary else "default"
        entries = "".join(
            f"<entry><id>tag:blogger.com,1999:blog-712.post-{p['id']}</id><published>"
            f"{stamp(p).isoformat(timespec='milliseconds')}</published><updated>{stamp(p).isoformat(timespec='milliseconds')}"
            "</updated>" + "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(lab)}'/>"
                                   for lab in p["labels"])
            + f"<title type='text'>{escape(p['title'])}</title>"
            + (f"<summary type='text'>{escape(p['paras'][0][:120])}</summary>" if summary
               else f"<content type='html'>{escape(self.body(p))}</content>")
            + f"<link rel='replies' type='application/atom+xml' href='{self.base}/feeds/{p['id']}/comments/default' title='تعليقات الرسالة'/>"
            f"<link rel='replies' type='text/html' href='{self.url(p)}#comment-form' title='{len(COMMENTS.get(p['id'], []))} تعليقات'/>"
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.com/feeds/712/posts/default/{p['id']}'/>"
            f"<link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/712/posts/default/{p['id']}'/>"
            f"<link rel='alternate' type='text/html' href='{self.url(p)}' title='{escape(p['title'])}'/>"
            "<author><name>مراسل برقة</name><email>noreply@blogger.com</email></author></entry>" for p in posts)
        xml = ("<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
               "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'><id>tag:blogger.com,1999:blog-712</id>"
               f"<title type='text'>{BLOG}</title><link rel='alternate' type='text/html' href='{self.base}/'/>"
               f"<link rel='self' type='application/atom+xml' href='{self.base}/feeds/posts/{kind}'/>"
               f"<link rel='next' type='application/atom+xml' href='{self.base}/feeds/posts/{kind}?start-index="
               f"{HOME_POSTS + 1}&amp;max-results={HOME_POSTS}'/><openSearch:totalResults>{len(self.posts)}"
               f"</openSearch:totalResults>{entries}</feed>")
        return Reply(200, (("Content-Type", "application/atom+xml; charset=UTF-8"),), xml.encode())

    def sitemap(self, page: str | None) -> Reply:
        pages = -(-len(self.posts) // PER_SITEMAP)
        if page is None:
            body = "".join(f"<sitemap><loc>{self.base}/sitemap.xml?page={n}</loc></sitemap>" for n in range(1, pages + 1))
            xml = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
        else:
            n = int(page)
            chunk = self.posts[(n - 1) * PER_SITEMAP:n * PER_SITEMAP]
            body = "".join(f"<url><loc>{self.url(p)}</loc><lastmod>{stamp(p).isoformat()}</lastmod></url>" for p in chunk)
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
        return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),), xml.encode())
