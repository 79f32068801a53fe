"""A southern Libyan news site made with a hosted drag-and-drop site builder.

Every page is the builder's nest of absolutely positioned ``<div id="comp-...">`` boxes with inline styles, its
state in a ``<script type="application/json">`` blob. A post is ``/post/<arabic-slug>`` (percent-escaped in every
link), its text widget writing no ``<p>``: each paragraph is a ``<div dir="rtl">`` of ``<span>``s with inline styles,
cut where the editor changed a style (once inside a word, "والحكو</span><span style=bold>مة"), with empty
``<div><span><br></span></div>`` spacers between paragraphs and a bold ``<div>`` for a crosshead. The text carries
what the editors' copy and paste left: zero-width spaces and non-joiners at span and word ends, right-to-left and
left-to-right marks around Latin letters and digits, runs of ``&nbsp;``, tatweel typed for emphasis, and in one post a
statement pasted from a PDF in Arabic presentation forms (each letter its shaped glyph). A gallery post is pictures
with captions only (a "2 / 6" counter and a credit under each, every picture linking its ``?lightbox=`` view, which
robots.txt forbids). Dates: ``article:published_time``, JSON-LD BlogPosting, and the date printed in the post's
header. Discovery: the home page, the blog's first page (more come by script), the category pages, the RSS feed
``/blog-feed.xml`` (not every post), and the sitemap index robots.txt names (its posts' sitemap has every post).
robots.txt has the builder's groups: ``*`` (forbids ``*?lightbox=``, a rule that opens with ``*``, ``/_api/``,
``/_partials``) and one for Google's AdsBot."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content_builder import ARTICLES, AUTHORS, CATEGORIES, SITE

DISALLOW = ["*?lightbox=", "/_api/*", "/_partials*", "/pro-gallery-webapp/v1/galleries/*"]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
ZWSP, ZWNJ, LRM, RLM, NBSP = "\u200b", "\u200c", "\u200e", "\u200f", "&nbsp;"
# Letters that join only to the letter before them (right-joining): a word's next letter starts a new cluster.
RIGHT_JOINING = set("اأإآدذرزوؤةى")
NON_JOINING = set("ء")
LAM_ALEF = {"ا": "ALEF", "أ": "ALEF WITH HAMZA ABOVE", "إ": "ALEF WITH HAMZA BELOW", "آ": "ALEF WITH MADDA ABOVE"}


def _form(letter: str, form: str) -> str:
    return unicodedata.lookup(f"{unicodedata.name(letter)} {form} FORM")


def _joins(letter: str) -> bool:
    return "\u0620" <= letter <= "\u064a" and letter not in NON_JOINING and letter != "\u0640"


def shaped(text: str) -> str:
    """``text`` in Arabic presentation forms (Presentation Forms-B), as a PDF's text layer gives it on copy: each letter
    its contextual glyph, lam-alef as its ligature. Hand-written for the fixture (no shaping library is installed);
    NFKC maps every glyph back to the letter."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if not _joins(ch):
            out.append(ch)
            i += 1
            continue
        prev = text[i - 1] if i else ""
        joined_before = bool(prev) and _joins(prev) and prev not in RIGHT_JOINING
        if ch == "ل" and i + 1 < len(text) and text[i + 1] in LAM_ALEF:
            form = "FINAL" if joined_before else "ISOLATED"
            out.append(unicodedata.lookup(f"ARABIC LIGATURE LAM WITH {LAM_ALEF[text[i + 1]]} {form} FORM"))
            i += 2
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        joined_after = ch not in RIGHT_JOINING and _joins(nxt)
        form = {(False, False): "ISOLATED", (True, False): "FINAL", (False, True): "INITIAL",
                (True, True): "MEDIAL"}[(joined_before, joined_after)]
        out.append(_form(ch, form))
        i += 1
    return "".join(out)


def with_invisibles(text: str, n: int) -> list[str]:
    """The pieces (spans, HTML) the builder's editor left of paragraph ``text``: cut at word boundaries into three
    spans (a zero-width space ending the first, an ``&nbsp;`` ending the second), the longest word of the last third
    cut inside on paragraph 1 of a post (its halves in two spans, nothing between), marks around Latin letters and
    digits, a zero-width non-joiner after the fourth word, ``&nbsp; `` (two spaces a reader sees as one gap) after the
    sixth."""
    words = text.split(" ")
    tokens = []
    for k, word in enumerate(words):
        html = escape(word)
        if any(c.isascii() and c.isalnum() for c in word):
            html = RLM + html + LRM if k % 2 else LRM + html + RLM
        tokens.append(html)
    seps = [" "] * (len(words) - 1) + [""]
    third = max(1, len(words) // 3)
    if len(words) > 6:
        tokens[3] += ZWNJ
        seps[5] = NBSP + " "
    seps[third - 1] = ZWSP + " "
    seps[2 * third - 1] = NBSP
    cut_word = max(range(2 * third, len(words)), key=lambda k: len(words[k]) * words[k].isalpha()) if n == 1 else None
    spans, current = [], ""
    for k, token in enumerate(tokens):
        if k == cut_word:
            half = len(words[k]) // 2
            spans.append(current + escape(words[k][:half]))
            current = escape(words[k][half:])
        else:
            current += token
        current += seps[k]
        if k in (third - 1, 2 * third - 1):
            spans.append(current)
            current = ""
    return [*spans, current] if current else spans


def slug_path(a: dict) -> str:
    return "/post/" + quote(a["slug"])


def moment(a: dict) -> datetime:
    return datetime.fromisoformat(a["date"].replace("Z", "+00:00"))


def body(a: dict) -> tuple[str, ...]:
    """What a reader reads, one paragraph a line: each paragraph, crosshead and caption (a pasted statement in its
    letters), no invisible character, no counter or credit."""
    return tuple(b if isinstance(b, str) else b[1] for b in a["blocks"])


class BuilderSite:
    """Routes and pages of the site-builder outlet."""

    name = "builder"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: a["date"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, str]] = []

    def url(self, a: dict) -> str:
        return self.base + slug_path(a)

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("builder", f"builder-{a['id']}", self.url(a), a["title"], body(a), a["relevant"])
                for a in self.articles]

    def forbidden_links(self) -> list[str]:
        """Each gallery picture's lightbox view."""
        return [f"{self.url(a)}?lightbox=dataItem-{a['id']}{n}" for a in self.articles
                for n, b in enumerate(a["blocks"]) if b[0] == "photo"]

    def encoding_for(self, path_: str) -> str | None:
        return "gzip"

    def _listed(self, where: str) -> list[dict]:
        return [a for a in self.articles if where in a["links"]]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path_: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path_ == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), self.robots_txt().encode())
        if path_ == "/sitemap.xml":
            return self.xml(self.sitemap_index())
        if path_ == "/blog-posts-sitemap.xml":
            return self.xml(self.urlset((self.url(a), a["date"]) for a in self.articles))
        if path_ == "/pages-sitemap.xml":
            return self.xml(self.urlset([(self.base + "/", "2024-06-16"), (self.base + "/about-us", "2023-02-01")]))
        if path_ == "/blog-feed.xml":
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.rss().encode())
        if path_ == "/" and not query:
            return self.page(SITE, self.cards(self._listed("home"), "آخر الأخبار"))
        if path_ == "/blog" and not query:
            return self.page(f"الأخبار | {SITE}", self.cards(self._listed("blog")[:4], "الأخبار")
                             + '<button data-hook="load-more-button">تحميل المزيد</button>')
        if path_.startswith("/blog/categories/"):
            key = next((k for k, v in CATEGORIES.items() if v == path_.split("/")[3]), None)
            if key is not None:
                stories = [a for a in self._listed("category") if a["category"] == key]
                return self.page(f"{CATEGORIES[key]} | {SITE}", self.cards(stories, CATEGORIES[key]))
        if path_ == "/about-us":
            return self.page(f"من نحن | {SITE}", "<h1>من نحن</h1><div><span>موقع إخباري مستقل من الجنوب الليبي.</span></div>")
        for a in self.articles:
            if path_ == "/post/" + a["slug"] and not query:
                self.served.append((raw, a["id"]))
                return self.post(a)
        return self.page(f"الصفحة غير موجودة | {SITE}", "<h1>الصفحة غير موجودة</h1>", status=404)

    def robots_txt(self) -> str:
        return ("# The site builder's default rules\nUser-agent: *\nAllow: /\n"
                + "".join(f"Disallow: {d}\n" for d in DISALLOW)
                + "\n# Optimization for Google Ads Bot\nUser-agent: AdsBot-Google-Mobile\nUser-agent: AdsBot-Google\n"
                  "Disallow: /_api/*\nDisallow: /_partials*\nDisallow: /pro-gallery-webapp/v1/galleries/*\n\n"
                + f"Sitemap: {self.base}/sitemap.xml\n")

    # -- discovery files -----------------------------------------------------------------------

    @staticmethod
    def xml(text: str) -> Reply:
        return Reply(200, (("Content-Type", "application/xml; charset=utf-8"),), text.encode())

    def sitemap_index(self) -> str:
        maps = "".join(f"<sitemap><loc>{self.base}/{n}</loc><lastmod>2024-06-16</lastmod></sitemap>"
                       for n in ("blog-posts-sitemap.xml", "pages-sitemap.xml"))
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>')

    @staticmethod
    def urlset(entries) -> str:
        urls = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{m}</lastmod></url>" for u, m in entries)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')

    def rss(self) -> str:
        items = "".join(
            f"<item><title><![CDATA[{a['title']}]]></title><link>{self.url(a)}</link><guid isPermaLink=\"false\">"
            f"{a['id']}</guid><pubDate>{format_datetime(moment(a))}</pubDate><dc:creator>{AUTHORS[a['category']]}"
            f"</dc:creator><description><![CDATA[{body(a)[0][:120]}]]></description></item>"
            for a in self._listed("feed"))
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                f"<title>{SITE}</title><link>{self.base}</link><description>{SITE}</description>{items}</channel></rss>")

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The builder's page: header box (logo, menu), the page's box ``main``, the footer box."""
        menu = "".join(f'<li><a href="/blog/categories/{quote(v)}" data-testid="linkElement"><p class="menu-label">{v}</p></a></li>'
                       for v in CATEGORIES.values())
        state = json.dumps({"siteId": "9f1c2b7e", "pageId": "c1dmp", "language": "ar", "viewMode": "desktop"})
        return html_reply(f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Site Builder">
<title>{escape(title)}</title>
{head}<style>#comp-hdr{{position:absolute;top:0;width:980px}}.font_8{{font:normal normal normal 17px/1.6em cairo,sans-serif}}</style>
</head>
<body>
<div id="SITE_CONTAINER"><div id="main_MF" class="main_MF">
<header id="SITE_HEADER" class="hdr"><div id="comp-hdr" style="position:absolute;left:0;top:12px;width:980px;height:90px">
<div id="comp-logo" class="txtNew" style="position:absolute;right:20px"><div dir="rtl"><span style="font-size:30px;font-weight:bold"><a href="/">{SITE}</a></span></div></div>
<nav id="comp-menu" aria-label="Site"><ul><li><a href="/" data-testid="linkElement"><p class="menu-label">الرئيسية</p></a></li><li><a href="/blog" data-testid="linkElement"><p class="menu-label">الأخبار</p></a></li>{menu}<li><a href="/about-us" data-testid="linkElement"><p class="menu-label">من نحن</p></a></li></ul></nav>
</div></header>
<main id="PAGES_CONTAINER"><div id="SITE_PAGES"><div id="comp-page" style="position:relative;width:980px">{main}</div></div></main>
<footer id="SITE_FOOTER"><div id="comp-ftr" class="txtNew"><div dir="rtl"><span style="font-size:13px;color:#777">© 2024 {SITE}. جميع الحقوق محفوظة. أنشئ بواسطة منصة المواقع</span></div></div></footer>
</div></div>
<script type="application/json" id="wix-viewer-model">{state}</script>
</body>
</html>""", status=status)

    def cards(self, stories: list[dict], heading: str) -> str:
        items = "".join(
            f'<div class="post-card" data-hook="post-list-item"><a href="{slug_path(a)}" data-hook="post-title">'
            f'<h2 class="post-card-title">{escape(a["title"])}</h2></a><div class="post-card-excerpt">'
            f'<span>{escape(body(a)[0][:100])}…</span></div><span class="post-card-date">{self.shown(a)}</span></div>'
            for a in stories)
        return f'<div id="comp-blog"><h1 class="blog-heading">{escape(heading)}</h1>{items}</div>'

    @staticmethod
    def shown(a: dict) -> str:
        day = moment(a)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    def paragraph(self, text: str, n: int) -> str:
        spans = with_invisibles(text, n)
        styles = ["font-size:17px;font-family:cairo,sans-serif", "font-size:17px;font-family:cairo,sans-serif;"
                  "color:#1a1a1a", "font-size:17px;font-family:cairo,sans-serif;font-weight:bold"]
        inner = "".join(f'<span style="{styles[k % 3] if n == 1 else styles[k % 2]}">{s}</span>'
                        for k, s in enumerate(spans))
        return f'<div dir="rtl" style="text-align:justify;line-height:1.8em">{inner}</div>'

    def block(self, a: dict, n: int, b) -> str:
        if isinstance(b, str):
            return self.paragraph(b, n)
        kind, text = b
        if kind == "h":
            return (f'<div dir="rtl"><span style="font-size:22px;font-weight:bold;color:#8a1c1c">'
                    f'{escape(text)}</span></div>')
        if kind == "pdf":
            return (f'<div dir="rtl" style="text-align:justify"><span style="font-size:17px;font-style:italic">'
                    f'{escape(shaped(text))}</span></div>')
        total = sum(1 for x in a["blocks"] if x[0] == "photo")
        return (f'<div class="gallery-item" data-hook="item-container" data-idx="{n}">'
                f'<a href="{slug_path(a)}?lightbox=dataItem-{a["id"]}{n}" data-hook="item-link">'
                f'<img src="https://static.media.example/media/{a["id"]}_{n}.jpg" alt="" loading="lazy"></a>'
                f'<div class="gallery-item-info"><div class="gallery-item-title" data-hook="item-title">'
                f'<span>{escape(text)}</span></div><span class="gallery-counter">{n + 1} / {total}</span>'
                f'<span class="gallery-credit">تصوير: {SITE}</span></div></div>')

    def post(self, a: dict) -> Reply:
        ld = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": a["title"],
              "datePublished": a["date"], "dateModified": a["date"], "author": {"@type": "Person",
              "name": AUTHORS[a["category"]]}, "publisher": {"@type": "Organization", "name": SITE},
              "mainEntityOfPage": {"@type": "WebPage", "@id": self.url(a)}}
        head = (f'<link rel="canonical" href="{self.url(a)}">\n<meta property="og:type" content="article">\n'
                f'<meta property="og:title" content="{escape(a["title"])}">\n'
                f'<meta property="og:url" content="{self.url(a)}">\n'
                f'<meta property="article:published_time" content="{a["date"]}">\n'
                f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n')
        spacer = '<div><span style="font-size:17px"><br></span></div>'
        blocks = [self.block(a, n, b) for n, b in enumerate(a["blocks"])]
        if a["blocks"][0][0] == "photo":
            content = f'<div class="pro-gallery" data-hook="gallery-root">{"".join(blocks)}</div>'
        else:
            content = f'<div class="rich-text" data-hook="post-description">{spacer.join(blocks)}</div>'
        title = a["title"].replace("بـ", "بـ" + ZWNJ, 1)  # the headline as typed, a non-joiner after a tatweel
        main = f"""<article class="blog-post-page" data-hook="post">
<div class="post-header"><div class="post-metadata" data-hook="post-metadata"><span class="author-name" data-hook="user-name">{AUTHORS[a['category']]}</span> · <span class="post-date" data-hook="time-ago">{self.shown(a)}</span> · <span class="read-time" data-hook="time-to-read">قراءة 2 دقيقة</span></div>
<h1 class="post-title" data-hook="post-title"><span class="post-title__text">{escape(title)}</span></h1></div>
<div class="post-content" data-hook="post-content">{content}</div>
<div class="post-footer"><div class="post-share" data-hook="share-buttons">مشاركة: <a href="https://www.facebook.com/sharer/sharer.php?u={self.url(a)}">فيسبوك</a> <a href="https://twitter.com/intent/tweet?url={self.url(a)}">إكس</a> <a href="https://wa.me/?text={self.url(a)}">واتساب</a></div>
<div class="post-categories"><a href="/blog/categories/{quote(CATEGORIES[a['category']])}">{CATEGORIES[a['category']]}</a></div></div>
</article>
<div class="recent-posts" data-hook="recent-posts"><h2>أحدث المنشورات</h2>{''.join(f'<div class="recent-post"><a href="{slug_path(r)}"><h3>{escape(r["title"])}</h3></a></div>' for r in self.articles[:3] if r is not a)}<a href="/blog">عرض الكل</a></div>
<div class="comments" data-hook="comments-root"><h3>التعليقات</h3><div>اكتب تعليقًا...</div></div>"""
        return self.page(f"{a['title']} | {SITE}", main, head=head)
