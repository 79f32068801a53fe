"""A Blogger-style news blog: ``/YYYY/MM/blog-post_NN.html`` posts written in the compose editor (``<div>`` lines and
``<br />`` spacers, captions in a table), the blog's name in the ``<h1>`` and the post's in an ``<h3>`` under a date
header, an Atom feed of the newest posts only, ``/search`` (labels, older-posts paging) forbidden by robots.txt, monthly
archive pages, a sitemap index of ``sitemap.xml?page=1``, ``?m=1`` / ``?m=0`` mobile and web variants (a hand-made
ticker gadget links the ``?m=1`` ones), ``?amp=1`` pages (a featured-post gadget links one), ``?showComment=`` comment
links, the "Blog Posts" gadget's ``utm_source=...&utm-medium=...`` links, a classic template's head (no og:title; the
page title "Blog name: Post title") and a renamed post whose old address answers 301."""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import BLOGGER_DESC, BLOGGER_POSTS, BLOGGER_SITE

BLOG_ID = "4821093375510023317"
PER_HOME = 3
PER_FEED = 5
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
ROBOTS = """User-agent: Mediapartners-Google
Disallow:

User-agent: *
Disallow: /search
Allow: /

Sitemap: {base}/sitemap.xml
"""
COMMENTS = [("غير معرف", "نسأل الله السلامة لأهلنا في الجنوب، الوضع صار لا يطاق."),
            ("ابن فزان", "شكراً على نقل الحقيقة، الإعلام الرسمي لا يذكر شيئاً عن الجنوب.")]
# an old post links a phrase of its text to another post (as bloggers do by hand), the renamed one by its old address
INLINE = {7105: ("الحرب الأخيرة", 7103), 7102: ("الجنوب", 7101)}


class BloggerSite:
    """Routes and pages of the Blogger-style blog."""

    name = "blogger"

    def __init__(self, base: str):
        self.base = base
        self.posts = sorted(BLOGGER_POSTS, key=lambda p: p["date"], reverse=True)
        self.by_id = {p["id"]: p for p in self.posts}
        self.robots = RobotsRules(["/search"], ["/"])
        self.served: list[tuple[str, int]] = []  # (raw path and query asked for, post id) of each post page

    # -- URLs ----------------------------------------------------------------------------------

    def url(self, p: dict, query: str = "") -> str:
        """The post's address, optionally with a query (``m=1``, ``amp=1``, ...)."""
        return f"{self.base}{p['path']}" + (f"?{query}" if query else "")

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each post."""
        return [ExpectedArticle("blogger", f"blogger-{p['id']}", self.url(p), p["title"], tuple(p["paras"]),
                                p["relevant"]) for p in self.posts]

    def forbidden_links(self) -> list[str]:
        """Forbidden URLs the pages link to: label pages and the older-posts pager under /search."""
        labels = sorted({lab for p in self.posts for lab in p["labels"]})
        return [f"{self.base}/search/label/{quote(lab)}" for lab in labels] + [self._older(PER_HOME)]

    def _older(self, shown: int) -> str:
        stamp = quote(self.posts[shown - 1]["date"].replace("+02:00", ".000+02:00"), safe="")
        return f"{self.base}/search?updated-max={stamp}&max-results={PER_HOME}"

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str) -> Reply:
        """The reply for one GET (``path`` percent-decoded, ``raw`` as sent)."""
        mobile = query.get("m") == "1"
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain; charset=UTF-8"),), ROBOTS.format(base=self.base).encode())
        if path == "/":
            return self.home(mobile)
        if path == "/feeds/posts/default":
            return self.feed()
        if path == "/sitemap.xml":
            return self.sitemap(query.get("page"))
        if path.startswith("/search"):
            return self.home(mobile)  # labels and paging: listings (robots.txt keeps crawlers out)
        for p in self.posts:
            if path == p["path"]:
                self.served.append((raw, p["id"]))
                if query.get("amp") == "1":
                    return self.amp(p)
                return self.post(p, mobile)
            if path == p.get("old"):
                return redirect(301, self.url(p))
        for month in ("2024/03", "2024/04"):
            if path == f"/{month}/":
                return self.archive(month, mobile)
        return self.not_found()

    def _stamp(self, p: dict) -> int:
        return int(datetime.fromisoformat(p["date"]).timestamp() * 1000)

    # -- pages ---------------------------------------------------------------------------------

    def date_header(self, p: dict) -> str:
        """Blogger's date header, "الثلاثاء، 12 مارس 2024"."""
        d = datetime.fromisoformat(p["date"])
        return f"{DAYS[d.weekday()]}، {d.day} {MONTHS[d.month - 1]} {d.year}"

    def time_of(self, p: dict) -> str:
        """The post's time as the footer prints it."""
        d = datetime.fromisoformat(p["date"])
        return f"{d.hour % 12 or 12}:{d.minute:02d} {'ص' if d.hour < 12 else 'م'}"

    def compose_body(self, p: dict) -> str:
        """The post body as Blogger's compose editor writes it: a div per line, spacer divs, a captioned photo."""
        lines = []
        for i, text in enumerate(p["paras"]):
            html = escape(text)
            if p["id"] in INLINE and INLINE[p["id"]][0] in text:
                phrase, target = INLINE[p["id"]]
                t = self.by_id[target]
                href = self.base + t["old"] if t.get("old") else self.url(t)
                html = html.replace(escape(phrase), f'<a href="{href}">{escape(phrase)}</a>', 1)
            lines.append(f"<div>{html}</div>")
            if i == 0:
                lines.append(f'<div><br /></div><table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
                             f'style="margin-left: auto; margin-right: auto;"><tbody><tr><td style="text-align: center;">'
                             f'<a href="https://blogger.googleusercontent.com/img/b/R29v/s1600/p{p["id"]}.jpg" style="margin-left: auto; margin-right: auto;">'
                             f'<img border="0" data-original-height="720" data-original-width="1280" height="360" '
                             f'src="https://blogger.googleusercontent.com/img/b/R29v/w640-h360/p{p["id"]}.jpg" width="640" /></a></td></tr>'
                             f'<tr><td class="tr-caption" style="text-align: center;">صورة أرشيفية - أخبار فزان</td></tr></tbody></table>')
            lines.append("<div><br /></div>")
        return f'<div dir="rtl" style="text-align: right;" trbidi="on">{"".join(lines)}</div>'

    def page(self, title: str, main: str, *, head: str = "", mobile: bool = False, canonical: str = "") -> Reply:
        """The template: header (the blog's name in the h1), main column, sidebar gadgets, attribution."""
        q = "?m=1" if mobile else ""
        archive = "".join(f'<li class="archivedate"><a class="post-count-link" href="{self.base}/{m}/{q}">{label}</a> '
                          f'<span class="post-count" dir="ltr">({n})</span></li>'
                          for m, label, n in (("2024/04", "أبريل", 4), ("2024/03", "مارس", 4)))
        labels = "".join(f'<li><a dir="rtl" href="{self.base}/search/label/{quote(lab)}{q}">{escape(lab)}</a></li>'
                         for lab in sorted({lab for p in self.posts for lab in p["labels"]}))
        # an HTML gadget the blogger filled by hand with links copied on a phone (so with ?m=1)
        ticker = "".join(f'<li><a href="{self.url(p, "m=1")}">{escape(p["title"])}</a></li>' for p in self.posts[:3])
        # the "Blog Posts" gadget tags its links (note Blogger's "utm-medium", with a hyphen)
        recent = "".join(f"<li><a href='{self.url(p, 'utm_source=BP_recent&amp;utm-medium=gadget&amp;utm-campaign=bp_recent')}'>"
                         f"{escape(p['title'])}</a></li>" for p in self.posts[1:5])
        # the "Recent comments" gadget links each comment by its ?showComment= permalink
        comments = "".join(f"<li><a href='{self.url(p, f'showComment={self._stamp(p)}')}#c{p['id']}0'>{escape(COMMENTS[0][0])}</a>"
                           f" على {escape(p['title'])}</li>" for p in self.posts[2:5])
        # a "Featured post" gadget whose link was pasted from a search result's AMP page
        featured = self.posts[4]
        featured_html = (f"<div class='widget FeaturedPost' id='FeaturedPost1'><h2 class='title'>رسالة مميزة</h2><div class='post-summary'>"
                         f"<h3><a href='{self.url(featured, 'amp=1')}'>{escape(featured['title'])}</a></h3></div></div>")
        popular = "".join(f'<li><div class="item-title"><a href="{self.url(p, q[1:])}">{escape(p["title"])}</a></div></li>'
                          for p in self.posts[3:7])
        canon = f"<link href='{canonical}' rel='canonical'/>" if canonical else ""
        return html_reply(f"""<!DOCTYPE html>
<html class='v2' dir='rtl' xmlns='http://www.w3.org/1999/xhtml' xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' xmlns:expr='http://www.google.com/2005/gml/expr'>
<head>
<meta content='width=1100' name='viewport'/>
<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<meta content='blogger' name='generator'/>
<link href='{self.base}/favicon.ico' rel='icon' type='image/x-icon'/>
{canon}
<link rel="alternate" type="application/atom+xml" title="{escape(BLOGGER_SITE)} - Atom" href="{self.base}/feeds/posts/default" />
<link rel="alternate" type="application/rss+xml" title="{escape(BLOGGER_SITE)} - RSS" href="{self.base}/feeds/posts/default?alt=rss" />
<link rel="service.post" type="application/atom+xml" title="{escape(BLOGGER_SITE)} - Atom" href="https://www.blogger.com/feeds/{BLOG_ID}/posts/default" />
{head}
<title>{title}</title>
<style id='page-skin-1' type='text/css'>body {{ font: normal normal 14px Tahoma; }}</style>
</head>
<body class='loading variant-simplysimple'>
<div class='navbar section' id='navbar'><div class='widget Navbar' id='Navbar1'><iframe src="https://www.blogger.com/navbar.g?targetBlogID={BLOG_ID}" height="30px" width="100%" frameborder="0" scrolling="no" title="شريط التنقل"></iframe></div></div>
<div class='content'><div class='content-outer'>
<header><div class='header-outer'><div class='header section' id='header'><div class='widget Header' id='Header1'>
<div id='header-inner'><div class='titlewrapper'><h1 class='title'><a href='{self.base}/{q}'>{escape(BLOGGER_SITE)}</a></h1></div>
<div class='descriptionwrapper'><p class='description'><span>{escape(BLOGGER_DESC)}</span></p></div></div></div></div></div></header>
<div class='tabs-outer'><div class='tabs section' id='crosscol'><div class='widget PageList' id='PageList1'><div class='widget-content'><ul>
<li class='selected'><a href='{self.base}/{q}'>الصفحة الرئيسية</a></li><li><a href='{self.base}/p/about.html'>من نحن</a></li><li><a href='{self.base}/p/contact.html'>اتصل بنا</a></li></ul></div></div></div></div>
<div class='widget HTML' id='HTML3'><h2 class='title'>عاجل</h2><div class='widget-content'><marquee direction='right'><ul class='ticker'>{ticker}</ul></marquee></div></div>
<div class='main-outer'><div class='columns fauxcolumns'><div class='columns-inner'>
<div class='column-center-outer'><div class='main section' id='main'><div class='widget Blog' id='Blog1'><div class='blog-posts hfeed'>
{main}
</div></div></div></div>
<div class='column-right-outer'><div class='sidebar section' id='sidebar-right-1'>
{featured_html}
<div class='widget BlogList' id='BlogPosts1'><h2>أحدث المشاركات</h2><div class='widget-content'><ul>{recent}</ul></div></div>
<div class='widget RecentComments' id='HTML5'><h2>أحدث التعليقات</h2><div class='widget-content'><ul>{comments}</ul></div></div>
<div class='widget PopularPosts' id='PopularPosts1'><h2>المشاركات الشائعة</h2><div class='widget-content popular-posts'><ul>{popular}</ul></div></div>
<div class='widget BlogArchive' id='BlogArchive1'><h2>أرشيف المدونة</h2><div class='widget-content'><div id='ArchiveList'><ul class='hierarchy'>
<li class='archivedate expanded'><a class='toggle' href='javascript:void(0)'>&#9660;&#160;</a><a class='post-count-link' href='{self.base}/2024/{q}'>2024</a> <span class='post-count' dir='ltr'>(8)</span><ul class='hierarchy'>{archive}</ul></li></ul></div></div></div>
<div class='widget Label' id='Label1'><h2>التسميات</h2><div class='widget-content list-label-widget-content'><ul>{labels}</ul></div></div>
<div class='widget Profile' id='Profile1'><h2>من أنا</h2><div class='widget-content'><dl class='profile-datablock'><dt class='profile-data'><a class='profile-name-link g-profile' href='https://www.blogger.com/profile/0912' rel='author'>فريق أخبار فزان</a></dt>
<dd class='profile-textblock'>مجموعة من الشباب المتطوعين لنقل أخبار الجنوب الليبي.</dd></dl></div></div>
</div></div></div></div></div>
<footer><div class='footer-outer'><div class='widget Attribution' id='Attribution1'><div class='widget-content' style='text-align: center;'>
يتم التشغيل بواسطة <a href='https://www.blogger.com' target='_blank'>Blogger</a>. {'<a href="' + self.base + '/?m=0">عرض إصدار الويب</a>' if mobile else '<a href="' + self.base + '/?m=1">نسخة الجوال</a>'}</div></div></div></footer>
</div></div>
<script type="text/javascript" src="https://www.blogger.com/static/v1/widgets/1234-widgets.js"></script>
</body>
</html>
""")

    def post_html(self, p: dict, *, full: bool, mobile: bool = False) -> str:
        """One post as the Blog widget shows it: date header, h3 title, body (or the part before the jump break)."""
        q = "m=1" if mobile else ""
        if full:
            body = self.compose_body(p)
        else:
            body = (f'<div dir="rtl" style="text-align: right;" trbidi="on"><div>{escape(p["paras"][0])}</div></div>'
                    f"<div class='jump-link'><a href='{self.url(p, q)}#more' title='{escape(p['title'])}'>قراءة المزيد &#187;</a></div>")
        labels = ", ".join(f"<a href='{self.base}/search/label/{quote(lab)}' rel='tag'>{escape(lab)}</a>" for lab in p["labels"])
        return f"""<div class="date-outer"><h2 class='date-header'><span>{self.date_header(p)}</span></h2>
<div class="date-posts"><div class='post-outer'>
<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' itemtype='http://schema.org/BlogPosting'>
<meta content='{self.base}/p{p["id"]}.jpg' itemprop='image_url'/><meta content='{BLOG_ID}' itemprop='blogId'/><meta content='{p["id"]}' itemprop='postId'/>
<a name='{p["id"]}'></a>
<h3 class='post-title entry-title' itemprop='name'>{'' if full else f"<a href='{self.url(p, q)}'>"}{escape(p['title'])}{'' if full else '</a>'}</h3>
<div class='post-header'><div class='post-header-line-1'></div></div>
<div class='post-body entry-content' id='post-body-{p["id"]}' itemprop='description articleBody'>
{body}
<div style='clear: both;'></div></div>
<div class='post-footer'><div class='post-footer-line post-footer-line-1'>
<span class='post-author vcard'>مرسلة بواسطة <span class='fn' itemprop='author' itemscope='itemscope' itemtype='http://schema.org/Person'><span itemprop='name'>{escape(p['author'])}</span></span></span>
<span class='post-timestamp'>في <meta content='{self.url(p)}' itemprop='url'/><a class='timestamp-link' href='{self.url(p, q)}' rel='bookmark' title='permanent link'><abbr class='published' itemprop='datePublished' title='{p["date"]}'>{self.time_of(p)}</abbr></a></span>
<span class='post-comment-link'><a class='comment-link' href='{self.url(p, q)}#comment-form' onclick=''>{len(COMMENTS)} تعليقات:</a></span></div>
<div class='post-share-buttons goog-inline-block'><a class='goog-inline-block share-button sb-email' href='https://www.blogger.com/share-post.g?blogID={BLOG_ID}&amp;postID={p["id"]}&amp;target=email' target='_blank' title='إرسال بالبريد الإلكتروني'><span class='share-button-link-text'>إرسال بالبريد الإلكتروني</span></a><a class='goog-inline-block share-button sb-twitter' href='https://www.blogger.com/share-post.g?blogID={BLOG_ID}&amp;postID={p["id"]}&amp;target=twitter' target='_blank' title='‏المشاركة على X'><span class='share-button-link-text'>‏المشاركة على X</span></a></div>
<div class='post-footer-line post-footer-line-2'><span class='post-labels'>التسميات: {labels}</span></div>
</div></div></div></div></div>"""

    def post(self, p: dict, mobile: bool) -> Reply:
        """A post page: the post, pager, comments (each stamped with a ``?showComment=`` link), the comment form."""
        i = self.posts.index(p)
        q = "m=1" if mobile else ""
        pager = "<div class='blog-pager' id='blog-pager'>"
        if i > 0:
            pager += f"<span id='blog-pager-newer-link'><a class='blog-pager-newer-link' href='{self.url(self.posts[i - 1], q)}' title='رسالة أحدث'>رسالة أحدث</a></span>"
        if i + 1 < len(self.posts):
            pager += f"<span id='blog-pager-older-link'><a class='blog-pager-older-link' href='{self.url(self.posts[i + 1], q)}' title='رسالة أقدم'>رسالة أقدم</a></span>"
        pager += f"<a class='home-link' href='{self.base}/{'?m=1' if mobile else ''}'>الصفحة الرئيسية</a></div>"
        stamp = self._stamp(p)
        comments = "".join(
            f"<li class='comment' id='c{p['id']}{k}'><div class='comment-block'><div class='comment-header'><cite class='user'>{escape(who)}</cite>"
            f"<span class='icon user'></span><span class='datetime secondary-text'><a rel='nofollow' href='{self.url(p, f'showComment={stamp + k * 3600000}')}#c{p['id']}{k}'>"
            f"{self.date_header(p)} في {self.time_of(p)}</a></span></div><p class='comment-content'>{escape(text)}</p>"
            f"<span class='comment-actions secondary-text'><a class='comment-reply' target='_self' data-comment-id='{p['id']}{k}'>رد</a></span></div></li>"
            for k, (who, text) in enumerate(COMMENTS))
        switch = (f"<div class='mobile-link-button' id='mobile-desktop-link'><a class='home-link' href='{self.url(p, 'm=0')}'>عرض إصدار الويب</a></div>"
                  if mobile else f"<div class='mobile-version'><a href='{self.url(p, 'm=1')}'>نسخة الجوال</a>"
                  + (f" | <a href='{self.url(p, 'amp=1')}'>&#9889; نسخة سريعة</a>" if p["id"] % 2 else "") + "</div>")
        main = f"""{self.post_html(p, full=True, mobile=mobile)}
<div class='comments' id='comments'><a name='comments'></a><h4>{len(COMMENTS)} تعليقات:</h4>
<div class='comments-content'><div id='comment-holder'><div class='comment-thread'><ol>{comments}</ol></div></div></div>
<p class='comment-footer'><div class='comment-form'><a name='comment-form'></a><h4 id='comment-post-message'>إرسال تعليق</h4>
<p>ملاحظة: يمكن لأعضاء المدونة فقط إرسال تعليق.</p>
<iframe allowtransparency='true' class='blogger-iframe-colorize blogger-comment-from-post' frameborder='0' height='410px' id='comment-editor' name='comment-editor' src='https://www.blogger.com/comment/frame/{BLOG_ID}?po={p["id"]}&amp;hl=ar' width='100%'></iframe></div></p></div>
{pager}
<div class='post-feeds'><div class='feed-links'>الاشتراك في: <a class='feed-link' href='{self.base}/feeds/{p["id"]}/comments/default' target='_blank' type='application/atom+xml'>تعليقات الرسالة (Atom)</a></div></div>
{switch}"""
        # a classic (2011) template's head: og:url and og:description, no og:title; the page title is
        # "Blog name: Post title" (data:blog.pageTitle)
        head = (f"<meta content='{self.url(p)}' property='og:url'/>"
                f"\n<meta content='{escape(p['paras'][0][:150])}' property='og:description'/>")
        if p["id"] % 2:
            head += f"\n<link rel='amphtml' href='{self.url(p, 'amp=1')}'/>"
        return self.page(f"{escape(BLOGGER_SITE)}: {escape(p['title'])}", main, head=head, mobile=mobile,
                         canonical=self.url(p))

    def amp(self, p: dict) -> Reply:
        """``?amp=1``: the post in an AMP template, ``rel=canonical`` to the post."""
        body = "".join(f"<p>{escape(t)}</p>" for t in p["paras"])
        return html_reply(f"""<!doctype html>
<html amp lang="ar" dir="rtl"><head><meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<title>{escape(p['title'])} | {escape(BLOGGER_SITE)}</title>
<link rel="canonical" href="{self.url(p)}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<style amp-boilerplate>body{{visibility:hidden}}</style><style amp-custom>body{{font-family:Tahoma}}</style>
</head><body>
<header class="amp-header"><a href="{self.base}/">{escape(BLOGGER_SITE)}</a></header>
<article class="amp-post"><h1 class="amp-title">{escape(p['title'])}</h1>
<div class="amp-meta">{escape(p['author'])} &#183; {self.date_header(p)}</div>
<amp-img src="https://blogger.googleusercontent.com/img/b/R29v/w640-h360/p{p['id']}.jpg" width="640" height="360" layout="responsive"></amp-img>
<div class="amp-body">{body}</div></article>
<footer class="amp-footer"><a href="{self.url(p)}">عرض النسخة الكاملة</a> &#183; &copy; {escape(BLOGGER_SITE)}</footer>
</body></html>
""")

    def home(self, mobile: bool) -> Reply:
        """The home page: the newest posts up to the jump break, and an older-posts pager under /search."""
        main = "\n".join(self.post_html(p, full=False, mobile=mobile) for p in self.posts[:PER_HOME])
        main += (f"<div class='blog-pager' id='blog-pager'><span id='blog-pager-older-link'><a class='blog-pager-older-link' "
                 f"href='{self._older(PER_HOME)}{'&amp;m=1' if mobile else ''}' title='رسائل أقدم'>رسائل أقدم</a></span></div>")
        return self.page(escape(BLOGGER_SITE), main, mobile=mobile, canonical=self.base + "/")

    def archive(self, month: str, mobile: bool) -> Reply:
        """A monthly archive page: every post of the month in full, as Blogger shows them."""
        posts = [p for p in self.posts if p["path"].startswith(f"/{month}/")]
        main = "\n".join(self.post_html(p, full=True, mobile=mobile) for p in posts)
        return self.page(f"{escape(BLOGGER_SITE)}: {month}", main, mobile=mobile, canonical=f"{self.base}/{month}/")

    def feed(self) -> Reply:
        """The Atom feed of the newest posts (the replies, edit and self links before the alternate one)."""
        entries = "".join(
            f"<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{p['id']}</id><published>{p['date'][:19]}.000+02:00</published>"
            f"<updated>{p['date'][:19]}.000+02:00</updated>"
            + "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(lab)}'/>" for lab in p["labels"])
            + f"<title type='text'>{escape(p['title'])}</title><content type='html'>{escape(self.compose_body(p))}</content>"
            f"<link rel='replies' type='application/atom+xml' href='{self.base}/feeds/{p['id']}/comments/default' title='تعليقات الرسالة'/>"
            f"<link rel='replies' type='text/html' href='{self.url(p)}#comment-form' title='{len(COMMENTS)} تعليقات'/>"
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG_ID}/posts/default/{p['id']}'/>"
            f"<link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG_ID}/posts/default/{p['id']}'/>"
            f"<link rel='alternate' type='text/html' href='{self.url(p)}' title='{escape(p['title'])}'/>"
            f"<author><name>{escape(p['author'])}</name><email>noreply@blogger.com</email></author><thr:total>{len(COMMENTS)}</thr:total></entry>"
            for p in self.posts[:PER_FEED])
        xml = (f"<?xml version='1.0' encoding='UTF-8'?><?xml-stylesheet href=\"http://www.blogger.com/styles/atom.css\" type=\"text/css\"?>"
               f"<feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
               f"xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:gd=\"http://schemas.google.com/g/2005\" "
               f"xmlns:thr='http://purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-{BLOG_ID}</id>"
               f"<updated>{self.posts[0]['date'][:19]}.000+02:00</updated><title type='text'>{escape(BLOGGER_SITE)}</title>"
               f"<subtitle type='html'>{escape(BLOGGER_DESC)}</subtitle>"
               f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='{self.base}/feeds/posts/default'/>"
               f"<link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG_ID}/posts/default'/>"
               f"<link rel='alternate' type='text/html' href='{self.base}/'/><link rel='hub' href='http://pubsubhubbub.appspot.com/'/>"
               f"<link rel='next' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG_ID}/posts/default?start-index={PER_FEED + 1}&amp;max-results={PER_FEED}'/>"
               f"<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>"
               f"<openSearch:totalResults>{len(self.posts)}</openSearch:totalResults><openSearch:startIndex>1</openSearch:startIndex>"
               f"<openSearch:itemsPerPage>{PER_FEED}</openSearch:itemsPerPage>{entries}</feed>")
        return Reply(200, (("Content-Type", "application/atom+xml; charset=UTF-8"),), xml.encode())

    def sitemap(self, page: str | None) -> Reply:
        """``/sitemap.xml``: an index of ``sitemap.xml?page=N``; each page a urlset of posts with lastmod."""
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if page is None:
            body = f'<sitemapindex {ns}><sitemap><loc>{self.base}/sitemap.xml?page=1</loc></sitemap></sitemapindex>'
        elif page == "1":
            body = f"<urlset {ns}>" + "".join(f"<url><loc>{self.url(p)}</loc><lastmod>{p['date']}</lastmod></url>"
                                               for p in self.posts) + "</urlset>"
        else:
            return self.not_found()
        return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),),
                     ("<?xml version='1.0' encoding='UTF-8'?>" + body).encode())

    def not_found(self) -> Reply:
        """Blogger's 404 page."""
        return html_reply("<html><body><div class='status-msg-body'>عذرًا، الصفحة التي تبحث عنها في هذه المدونة غير "
                          "موجودة.</div></body></html>", status=404)
