"""A WordPress-style, feed-driven outlet: /feed/ with content:encoded, ?p= shortlinks, Jetpack chrome, comments."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from .common import ExpectedArticle, Reply, RobotsRules, body_texts, html_reply, para_html, redirect

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر"]
PER_PAGE = 2  # posts per listing page (Settings > Reading)
PER_FEED = 3  # posts in the feed ("Syndication feeds show the most recent")

ROBOTS = """# WordPress virtual robots.txt + Yoast
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php$

Sitemap: {base}/wp-sitemap.xml
"""


class WordPressSite:
    """Routes and pages of the WordPress-style site."""

    name = "wordpress"

    def __init__(self, content: dict, base: str):
        self.c = content
        self.base = base
        self.posts = sorted(content["posts"], key=lambda p: p["date"], reverse=True)
        self.by_id = {p["id"]: p for p in self.posts}
        # the Allow line only exempts the bare admin-ajax.php URL ("$"); any query on it stays forbidden
        self.robots = RobotsRules(["/wp-admin/"], ["/wp-admin/admin-ajax.php$"])

    # -- URLs ----------------------------------------------------------------------------------

    def permalink(self, post: dict, *, encoded: bool = True) -> str:
        """The post's permalink, percent-encoded in lower case as WordPress prints it."""
        d = post["date"][:10].replace("-", "/")
        slug = quote(post["slug"], safe="-").lower() if encoded else post["slug"]
        return f"{self.base}/{d}/{slug}/"

    def expected(self) -> list[ExpectedArticle]:
        """What the crawl must make of each post."""
        return [ExpectedArticle("wordpress", f"wordpress-{p['id']}", self.permalink(p), p["title"],
                                body_texts(p["body"]), p["relevant"]) for p in self.posts]

    def forbidden_links(self) -> list[str]:
        """Forbidden URLs that the site's pages link to."""
        return [f"{self.base}/wp-admin/admin-ajax.php?action=load_more_posts&paged=2",
                *(f"{self.base}/wp-admin/post.php?post={p['id']}&action=edit" for p in self.posts)]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str]) -> Reply:
        """The reply for one GET request (``path`` already percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),),
                         ROBOTS.format(base=self.base).encode())
        if path == "/" and "p" in query:
            post = self.by_id.get(int(query["p"])) if query["p"].isdigit() else None
            if post is None:
                return self.not_found()
            return redirect(301, self.permalink(post), (("X-Redirect-By", "WordPress"),))
        if path == "/" and "paged" in query:
            return redirect(301, f"{self.base}/page/{query['paged']}/", (("X-Redirect-By", "WordPress"),))
        if path.startswith("/wp-admin/"):
            if path == "/wp-admin/admin-ajax.php":
                return Reply(400, (("Content-Type", "text/html; charset=UTF-8"),), b"0")
            return redirect(302, f"{self.base}/wp-login.php?redirect_to=" + quote(self.base + path, safe=""))
        if path.startswith("/wp-sitemap") and path.endswith(".xml"):
            return self.sitemap(path[1:-4])
        if path in ("/feed/", "/feed"):
            return self.feed()
        if path == "/":
            return self.listing(1)
        if path.startswith("/page/"):
            num = path.strip("/").split("/")[-1]
            if num.isdigit() and 1 <= int(num) <= self.pages():
                return self.listing(int(num)) if int(num) > 1 else redirect(301, self.base + "/")
            return self.not_found()
        for post in self.posts:
            if path in (self.permalink(post, encoded=False)[len(self.base):], self.permalink(post, encoded=False)[len(self.base):-1]):
                if not path.endswith("/"):
                    return redirect(301, self.permalink(post))
                return self.single(post)
        return self.not_found()

    def pages(self) -> int:
        """How many listing pages there are."""
        return (len(self.posts) + PER_PAGE - 1) // PER_PAGE

    # -- pages ---------------------------------------------------------------------------------

    def date_ar(self, post: dict) -> str:
        """A date as the Arabic WordPress locale prints it: "5 مارس، 2024"."""
        d = datetime.fromisoformat(post["date"])
        return f"{d.day} {MONTHS[d.month - 1]}، {d.year}"

    def head(self, title: str, extra: str = "") -> str:
        """The <head> and the site header."""
        site = escape(self.c["site_name"])
        return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="{site} &raquo; الخلاصة" href="{self.base}/feed/" />
<link rel='stylesheet' id='wp-block-library-rtl-css' href='{self.base}/wp-includes/css/dist/block-library/style-rtl.min.css?ver=6.4.3' media='all' />
<link rel='stylesheet' id='jetpack_css-rtl-css' href='{self.base}/wp-content/plugins/jetpack/css/jetpack-rtl.css?ver=13.1' media='all' />
<script src="{self.base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
{extra}
<meta name="generator" content="WordPress 6.4.3" />
</head>
<body class="rtl home blog wp-embed-responsive hfeed">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">تخطي إلى المحتوى</a>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <p class="site-title"><a href="{self.base}/" rel="home">{site}</a></p>
    <p class="site-description">{escape(self.c["tagline"])}</p>
  </div>
  <nav id="site-navigation" class="main-navigation" aria-label="القائمة الرئيسية">
    <ul id="primary-menu" class="menu">
      <li class="menu-item"><a href="{self.base}/">الرئيسية</a></li>
      <li class="menu-item"><a href="{self.base}/category/libya/">ليبيا</a></li>
      <li class="menu-item"><a href="{self.base}/category/sport/">رياضة</a></li>
      <li class="menu-item"><a href="{self.base}/category/economy/">اقتصاد</a></li>
      <li class="menu-item"><a href="{self.base}/contact/">اتصل بنا</a></li>
    </ul>
  </nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
"""

    def foot(self) -> str:
        """The sidebar and the site footer."""
        recent = "".join(f'<li><a href="{self.permalink(p)}">{escape(p["title"])}</a></li>' for p in self.posts[:5])
        # a news-ticker widget that links posts by their shortlinks (wp_get_shortlink), as ticker plugins do
        ticker = "".join(f'<li><a href="{self.base}/?p={p["id"]}">{escape(p["title"])}</a></li>' for p in self.posts[:3])
        return f"""</main></div>
<aside id="secondary" class="widget-area">
  <section id="news-ticker-2" class="widget widget_news_ticker"><h2 class="widget-title">عاجل</h2><ul class="ticker">{ticker}</ul></section>
  <section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{self.base}/">
    <label><span class="screen-reader-text">البحث عن:</span><input type="search" class="search-field" placeholder="بحث &hellip;" name="s" /></label>
    <input type="submit" class="search-submit" value="بحث" /></form></section>
  <section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">أحدث المقالات</h2><ul>{recent}</ul></section>
  <section id="categories-2" class="widget widget_categories"><h2 class="widget-title">التصنيفات</h2><ul>
    <li class="cat-item"><a href="{self.base}/category/libya/">ليبيا</a> (3)</li>
    <li class="cat-item"><a href="{self.base}/category/sport/">رياضة</a> (1)</li></ul></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">
  جميع الحقوق محفوظة &copy; 2024 {escape(self.c["site_name"])} | <a href="https://wordpress.org/">مدعوم من ووردبريس</a>
</div></footer>
</div>
<script src="{self.base}/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=13.1" id="sharing-js-js"></script>
</body>
</html>
"""

    def entry_meta(self, post: dict) -> str:
        """The "posted on ... by ..." line."""
        return (f'<div class="entry-meta"><span class="posted-on">نُشر في <a href="{self.permalink(post)}" rel="bookmark">'
                f'<time class="entry-date published" datetime="{post["date"]}">{self.date_ar(post)}</time>'
                f'<time class="updated" datetime="{post["date"]}">{self.date_ar(post)}</time></a></span>'
                f'<span class="byline"> بواسطة <span class="author vcard"><a class="url fn n" '
                f'href="{self.base}/author/{post["id"] % 7}/">{escape(post["author"])}</a></span></span></div>')

    def listing(self, page: int) -> Reply:
        """The home page or /page/N/: excerpts, a load-more button and pagination."""
        posts = self.posts[(page - 1) * PER_PAGE: page * PER_PAGE]
        items = []
        for p in posts:
            excerpt = escape(p["body"][0][:160]) + " [&hellip;]"
            items.append(f"""<article id="post-{p['id']}" class="post-{p['id']} post type-post status-publish format-standard has-post-thumbnail hentry category-{p['category'][0]}">
<header class="entry-header"><h2 class="entry-title"><a href="{self.permalink(p)}" rel="bookmark">{escape(p['title'])}</a></h2>
{self.entry_meta(p)}</header>
<div class="entry-summary"><p>{excerpt}</p>
<p><a class="more-link" href="{self.permalink(p)}">أكمل القراءة <span class="screen-reader-text">{escape(p['title'])}</span></a></p></div>
</article>""")
        nav = ['<nav class="navigation pagination" aria-label="المقالات"><h2 class="screen-reader-text">تصفح المقالات</h2><div class="nav-links">']
        if page > 1:
            prev = self.base + "/" if page == 2 else f"{self.base}/page/{page - 1}/"
            nav.append(f'<a class="prev page-numbers" href="{prev}">السابق</a>')
        for n in range(1, self.pages() + 1):
            href = self.base + "/" if n == 1 else f"{self.base}/page/{n}/"
            nav.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                       else f'<a class="page-numbers" href="{href}">{n}</a>')
        if page < self.pages():
            nav.append(f'<a class="next page-numbers" href="{self.base}/page/{page + 1}/">التالي</a>')
        nav.append("</div></nav>")
        more = ""
        if page < self.pages():
            # a theme's "load more" button: a plain link to admin-ajax.php, which robots.txt forbids
            more = (f'<div class="load-more-wrap"><a class="load-more-btn" data-page="{page + 1}" '
                    f'href="{self.base}/wp-admin/admin-ajax.php?action=load_more_posts&amp;paged={page + 1}">'
                    'تحميل المزيد</a></div>')
        title = escape(self.c["site_name"]) + " &#8211; " + escape(self.c["tagline"])
        if page > 1:
            title = f"{escape(self.c['site_name'])} &#8211; صفحة {page}"
        return html_reply(self.head(title) + "\n".join(items) + more + "".join(nav) + self.foot())

    def single(self, post: dict) -> Reply:
        """One post page with its Jetpack share bar, related posts, comments and post navigation."""
        links = {k: self.base + v for k, v in self.c["links"].items()}
        title = escape(post["title"])
        extra = f"""<link rel="canonical" href="{self.permalink(post)}" />
<link rel='shortlink' href='{self.base}/?p={post["id"]}' />
<meta property="og:type" content="article" />
<meta property="og:title" content="{title} - {escape(self.c['site_name'])}" />
<meta property="og:url" content="{self.permalink(post)}" />
<meta property="og:site_name" content="{escape(self.c['site_name'])}" />
<meta property="article:published_time" content="{post['date']}" />
<link rel="alternate" type="application/rss+xml" title="{escape(self.c['site_name'])} &raquo; {title} خلاصة التعليقات" href="{self.permalink(post)}feed/" />"""
        paras = [f"<p>{para_html(t, links)}</p>" for t in body_texts(post["body"])]
        figure = (f'<figure id="attachment_{post["id"] + 400}" aria-describedby="caption-attachment-{post["id"] + 400}" '
                  f'style="width: 800px" class="wp-caption aligncenter"><img decoding="async" '
                  f'class="size-large wp-image-{post["id"] + 400}" src="{self.base}/wp-content/uploads/2024/03/img-{post["id"]}.jpg" '
                  f'alt="" width="800" height="533" /><figcaption id="caption-attachment-{post["id"] + 400}" '
                  f'class="wp-caption-text">{escape(post["caption"])}</figcaption></figure>')
        paras.insert(1, figure)
        share = "".join(
            f'<li class="share-{s}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{s}-{post["id"]}" '
            f'class="share-{s} sd-button share-icon" href="{self.permalink(post)}?share={s}&amp;nb=1" target="_blank" '
            f'title="انقر للمشاركة على {label}"><span>{label}</span></a></li>'
            for s, label in (("facebook", "فيسبوك"), ("x", "X"), ("jetpack-whatsapp", "واتساب"), ("print", "طباعة")))
        related = "".join(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{r}" data-post-format="false">'
            f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{self.base}/?p={r}" '
            f'title="{escape(self.by_id[r]["title"])}" data-origin="{post["id"]}" data-position="{i}">'
            f'{escape(self.by_id[r]["title"])}</a></h4>'
            f'<p class="jp-relatedposts-post-date">{self.date_ar(self.by_id[r])}</p>'
            f'<p class="jp-relatedposts-post-context">في &quot;{escape(self.by_id[r]["category"][1])}&quot;</p></div>'
            for i, r in enumerate(post["related"]))
        comments = ""
        if post["comments"]:
            items = "".join(
                f'<li id="comment-{post["id"] * 10 + i}" class="comment even thread-even depth-1">'
                f'<article id="div-comment-{post["id"] * 10 + i}" class="comment-body"><footer class="comment-meta">'
                f'<div class="comment-author vcard"><b class="fn">{escape(who)}</b> <span class="says">قال:</span></div>'
                f'<div class="comment-metadata"><a href="{self.permalink(post)}#comment-{post["id"] * 10 + i}">'
                f'<time datetime="{post["date"]}">{self.date_ar(post)} الساعة 8:1{i} م</time></a></div></footer>'
                f'<div class="comment-content"><p>{escape(text)}</p></div>'
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{self.permalink(post)}?replytocom={post["id"] * 10 + i}#respond">رد</a></div>'
                f'</article></li>'
                for i, (who, text) in enumerate(post["comments"]))
            comments = (f'<h2 class="comments-title">{len(post["comments"])} تعليق على &ldquo;<span>{title}</span>&rdquo;</h2>'
                        f'<ol class="commentlist">{items}</ol>')
        idx = self.posts.index(post)
        nav = '<nav class="navigation post-navigation" aria-label="مقالات"><h2 class="screen-reader-text">تصفح المقالات</h2><div class="nav-links">'
        if idx + 1 < len(self.posts):
            older = self.posts[idx + 1]
            nav += f'<div class="nav-previous"><a href="{self.permalink(older)}" rel="prev">{escape(older["title"])}</a></div>'
        if idx > 0:
            newer = self.posts[idx - 1]
            nav += f'<div class="nav-next"><a href="{self.permalink(newer)}" rel="next">{escape(newer["title"])}</a></div>'
        nav += "</div></nav>"
        page = f"""<article id="post-{post['id']}" class="post-{post['id']} post type-post status-publish format-standard has-post-thumbnail hentry category-{post['category'][0]}">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
{self.entry_meta(post)}</header>
<div class="entry-content">
{"".join(paras)}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">
<h3 class="sd-title">شارك هذا:</h3><div class="sd-content"><ul>{share}<li class="share-end"></li></ul></div></div></div>
<div id='jp-relatedposts' class='jp-relatedposts'><h3 class="jp-relatedposts-headline"><em>ذات صلة</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-minimal">{related}</div></div>
</div>
<footer class="entry-footer"><span class="cat-links">نُشر في <a href="{self.base}/category/{post['category'][0]}/" rel="category tag">{escape(post['category'][1])}</a></span>
<span class="edit-link"><a class="post-edit-link" href="{self.base}/wp-admin/post.php?post={post['id']}&amp;action=edit">تحرير<span class="screen-reader-text"> &#8220;{title}&#8221;</span></a></span></footer>
</article>
{nav}
<div id="comments" class="comments-area">{comments}
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">اترك تعليقاً</h3>
<form action="{self.base}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *</p>
<p class="comment-form-comment"><label for="comment">التعليق *</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="إرسال التعليق" />
<input type='hidden' name='comment_post_ID' value='{post['id']}' id='comment_post_ID' /></p></form></div></div>
"""
        head = self.head(f"{title} &#8211; {escape(self.c['site_name'])}", extra)
        head = head.replace('<body class="rtl home blog', f'<body class="rtl post-template-default single single-post postid-{post["id"]} single-format-standard', 1)
        return html_reply(head + page + self.foot(), extra=(("Link", f'<{self.base}/?p={post["id"]}>; rel=shortlink'),))

    def feed(self) -> Reply:
        """The RSS 2.0 feed of the latest posts, full text in content:encoded."""
        items = []
        links = {k: self.base + v for k, v in self.c["links"].items()}
        for p in self.posts[:PER_FEED]:
            pub = format_datetime(datetime.fromisoformat(p["date"]).astimezone(UTC), usegmt=True)
            content = "".join(f"<p>{para_html(t, links)}</p>\n" for t in body_texts(p["body"]))
            items.append(f"""	<item>
		<title>{escape(p['title'])}</title>
		<link>{self.permalink(p)}</link>
		<comments>{self.permalink(p)}#respond</comments>
		<dc:creator><![CDATA[{p['author']}]]></dc:creator>
		<pubDate>{pub}</pubDate>
		<category><![CDATA[{p['category'][1]}]]></category>
		<guid isPermaLink="false">{self.base}/?p={p['id']}</guid>
		<description><![CDATA[{p['body'][0][:160]} [&#8230;]]]></description>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<wfw:commentRss>{self.permalink(p)}feed/</wfw:commentRss>
		<slash:comments>{len(p['comments'])}</slash:comments>
	</item>""")
        last = format_datetime(datetime.fromisoformat(self.posts[0]["date"]).astimezone(UTC), usegmt=True)
        xml = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>{escape(self.c['site_name'])}</title>
	<atom:link href="{self.base}/feed/" rel="self" type="application/rss+xml" />
	<link>{self.base}</link>
	<description>{escape(self.c['tagline'])}</description>
	<lastBuildDate>{last}</lastBuildDate>
	<language>ar</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.4.3</generator>
{chr(10).join(items)}
	</channel>
</rss>
"""
        return Reply(200, (("Content-Type", "application/rss+xml; charset=UTF-8"),), xml.encode("utf-8"))

    def sitemap(self, name: str) -> Reply:
        """WordPress core sitemaps (5.5+): an index, then posts, pages, categories and users."""
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        style = f'<?xml-stylesheet type="text/xsl" href="{self.base}/wp-sitemap.xsl" ?>\n'
        if name == "wp-sitemap":
            subs = ("posts-post-1", "posts-page-1", "taxonomies-category-1", "users-1")
            body = f"<sitemapindex {ns}>" + "".join(
                f"<sitemap><loc>{self.base}/wp-sitemap-{s}.xml</loc></sitemap>" for s in subs) + "</sitemapindex>"
        elif name == "wp-sitemap-posts-post-1":
            body = f"<urlset {ns}>" + "".join(
                f"<url><loc>{self.permalink(p)}</loc><lastmod>{p['date']}</lastmod></url>" for p in self.posts) + "</urlset>"
        elif name == "wp-sitemap-posts-page-1":
            body = f"<urlset {ns}>" + "".join(
                f"<url><loc>{self.base}/{slug}/</loc></url>" for slug in ("about", "contact")) + "</urlset>"
        elif name == "wp-sitemap-taxonomies-category-1":
            body = f"<urlset {ns}>" + "".join(
                f"<url><loc>{self.base}/category/{c}/</loc></url>" for c in ("libya", "sport", "economy")) + "</urlset>"
        elif name == "wp-sitemap-users-1":
            body = f"<urlset {ns}>" + "".join(
                f"<url><loc>{self.base}/author/{i}/</loc></url>" for i in sorted({p['id'] % 7 for p in self.posts})) + "</urlset>"
        else:
            return self.not_found()
        xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + style + body + "\n"
        return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),), xml.encode())

    def not_found(self) -> Reply:
        """WordPress's themed 404 page."""
        return html_reply(self.head("لم يتم العثور على الصفحة &#8211; " + escape(self.c["site_name"]))
                          + '<section class="error-404 not-found"><h1 class="page-title">عذراً! تعذر العثور على تلك الصفحة.</h1></section>'
                          + self.foot(), status=404)
