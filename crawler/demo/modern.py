"""HTML pages of the two modern demo sites: the feed-driven one and the sitemap-driven one (UTF-8, HTML5)."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import unquote

from crawler.demo.content import SECTIONS, DemoArticle, DemoOutlet, arabic_date, summary

COMMENTS = (
    ("أبو محمد - طرابلس", "نسأل الله أن يحفظ ليبيا وأهلها وأن تنتهي هذه الحرب في أقرب وقت."),
    ("ليبي غيور", "الإعلام يجب أن ينقل الحقيقة كما هي بدون تهويل. شكراً على التغطية."),
)
TICKER = ("عاجل: اجتماع مرتقب لمجلس الأمن لبحث الأوضاع في المنطقة",
          "انقطاع التيار الكهربائي عن عدة أحياء بسبب أعمال الصيانة",
          "الأرصاد: رياح نشطة وأمطار متفرقة على المناطق الساحلية")


def _e(text: str) -> str:
    return escape(text, quote=True)


def link(outlet: DemoOutlet, article: DemoArticle) -> str:
    """The href a page of this site uses for ``article`` (the feed site writes raw Arabic IRIs)."""
    if outlet.style == "feed":
        return unquote(article.path)
    return article.path


def search_path(outlet: DemoOutlet) -> str:
    """Where the site's search lives (robots.txt disallows it on both modern sites)."""
    return "/search" if outlet.style == "feed" else "/api/search"


def _head(outlet: DemoOutlet, title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="stylesheet" href="/static/site.css">
{_feed_links(outlet)}{extra}</head>
"""


def _feed_links(outlet: DemoOutlet) -> str:
    if outlet.style != "feed":
        return ""
    return (f'<link rel="alternate" type="application/rss+xml" title="{_e(outlet.display_name)}" href="/feed/rss.xml">\n'
            f'<link rel="alternate" type="application/atom+xml" title="{_e(outlet.display_name)}" href="/feed/atom.xml">\n')


def _chrome_top(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    nav = "".join(f'<li><a href="/section/{key}">{_e(name)}</a></li>' for key, name in SECTIONS.items())
    action = search_path(outlet)
    search = (f'<form class="search" action="{action}" method="get"><input type="search" name="q" '
              'placeholder="ابحث في الموقع"><button>بحث</button></form>'
              f'<a class="search-link" href="{action}?q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7">بحث: ليبيا</a>')
    ticker = "".join(f"<li>{_e(t)}</li>" for t in TICKER)
    ticker += "".join(f'<li><a href="{_e(link(outlet, a))}">{_e(a.title)}</a></li>' for a in articles[:2])
    return f"""<body>
<div id="cookie-consent" class="cookie-banner" role="dialog">
<p>نستخدم ملفات تعريف الارتباط (الكوكيز) لتحسين تجربتك وتحليل حركة الزوار. بمواصلة التصفح فإنك توافق على
<a href="/privacy">سياسة الخصوصية</a>.</p><button type="button" class="accept">موافق</button>
</div>
<header class="site-header">
<div class="top-bar"><span class="today">اليوم</span> <a href="/about">من نحن</a> <a href="/contact">اتصل بنا</a></div>
<a class="logo" href="/"><img src="/images/logo.gif" alt="{_e(outlet.display_name)}"></a>
<nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li>{nav}<li><a href="/video">فيديو</a></li></ul></nav>
{search}
</header>
<div class="breaking-news"><span class="label">عاجل</span><ul class="ticker">{ticker}</ul></div>
"""


def _sidebar(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    items = "".join(f'<li><a href="{_e(link(outlet, a))}">{_e(a.title)}</a><span class="views">'
                    f'{1200 + 317 * i} مشاهدة</span></li>' for i, a in enumerate(articles[:5]))
    return f"""<aside class="sidebar">
<section class="most-read"><h3>الأكثر قراءة</h3><ol>{items}</ol></section>
<section class="newsletter"><h3>النشرة البريدية</h3><p>اشترك ليصلك ملخص أهم الأخبار يومياً على بريدك.</p>
<form><input type="email" placeholder="البريد الإلكتروني"><button>اشترك</button></form></section>
<section class="ad"><span>إعلان</span><img src="/images/ad-300x250.gif" alt=""></section>
</aside>
"""


def _footer(outlet: DemoOutlet) -> str:
    rss = ' | <a href="/feed/rss.xml">RSS</a>' if outlet.style == "feed" else ""
    return f"""<footer class="site-footer">
<div class="footer-links"><a href="/about">من نحن</a> | <a href="/privacy">سياسة الخصوصية</a> |
<a href="/terms">شروط الاستخدام</a> | <a href="/contact">اتصل بنا</a>{rss}</div>
<p class="social">تابعونا على: فيسبوك - تويتر - يوتيوب - تلغرام</p>
<p class="copyright">جميع الحقوق محفوظة © {_e(outlet.display_name)} 2024. لا يجوز إعادة النشر دون إذن مسبق.</p>
</footer>
<script src="/static/site.js"></script>
</body>
</html>
"""


def _share(where: str) -> str:
    return (f'<div class="share-bar {where}"><span>شارك:</span> <a class="fb" href="#">فيسبوك</a> '
            '<a class="tw" href="#">تويتر</a> <a class="wa" href="#">واتساب</a> <a class="tg" href="#">تلغرام</a> '
            '<button class="copy">نسخ الرابط</button></div>')


def _teaser(outlet: DemoOutlet, article: DemoArticle) -> str:
    return (f'<div class="card"><a href="{_e(link(outlet, article))}"><img src="/images/{article.key}-thumb.gif" '
            f'alt=""><h3>{_e(article.title)}</h3></a><p>{_e(summary(article, 120))}</p>'
            f'<span class="meta">{_e(SECTIONS[article.section])}</span></div>')


def home(outlet: DemoOutlet, listed: list[DemoArticle], everything: list[DemoArticle],
         extra_links: tuple[tuple[str, str], ...] = ()) -> str:
    """The front page: teasers of ``listed``, chrome built from ``everything``."""
    cards = "\n".join(_teaser(outlet, a) for a in listed)
    extra = "".join(f'<li><a href="{_e(href)}">{_e(text)}</a></li>' for href, text in extra_links)
    exclusive = f'<section class="exclusive"><h2>حصري</h2><ul>{extra}</ul></section>' if extra else ""
    return (_head(outlet, f"{outlet.display_name} | الصفحة الرئيسية")
            + _chrome_top(outlet, everything)
            + f'<main class="home"><section class="latest"><h2>آخر الأخبار</h2>\n{cards}\n</section>{exclusive}</main>\n'
            + _sidebar(outlet, everything) + _footer(outlet))


def section_page(outlet: DemoOutlet, section: str, listed: list[DemoArticle],
                 everything: list[DemoArticle]) -> str:
    """A section listing page."""
    cards = "\n".join(_teaser(outlet, a) for a in listed) or "<p>لا توجد أخبار في هذا القسم حالياً.</p>"
    name = SECTIONS[section]
    return (_head(outlet, f"{name} | {outlet.display_name}") + _chrome_top(outlet, everything)
            + f'<main class="section"><h1 class="section-title">{_e(name)}</h1>\n{cards}\n</main>\n'
            + _sidebar(outlet, everything) + _footer(outlet))


def message_page(outlet: DemoOutlet, title: str, text: str) -> str:
    """A plain error or notice page in the site's chrome (404, 410, search results...)."""
    return (_head(outlet, f"{title} | {outlet.display_name}") + _chrome_top(outlet, [])
            + f'<main class="notice"><h1>{_e(title)}</h1><p>{_e(text)}</p><a href="/">العودة إلى الرئيسية</a></main>\n'
            + _footer(outlet))


def _meta(outlet: DemoOutlet, article: DemoArticle) -> str:
    canonical = outlet.base_url + article.path
    og_title = article.title + (f" - {outlet.display_name}" if outlet.style == "feed" else "")
    lines = [f'<link rel="canonical" href="{_e(canonical)}">',
             f'<meta name="description" content="{_e(summary(article))}">',
             '<meta property="og:type" content="article">',
             f'<meta property="og:title" content="{_e(og_title)}">',
             f'<meta property="og:site_name" content="{_e(outlet.display_name)}">',
             f'<meta property="og:url" content="{_e(canonical)}">',
             f'<meta property="og:image" content="{_e(outlet.base_url)}/images/{article.key}.gif">',
             '<meta name="twitter:card" content="summary_large_image">']
    if outlet.style == "feed":
        # Machine-readable date and author only on the feed site; the sitemap site prints them in Arabic.
        lines.append(f'<meta property="article:published_time" content="{article.published.isoformat()}">')
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
              "datePublished": article.published.isoformat(),
              "dateModified": article.last_modified.isoformat(),
              "author": {"@type": "Person", "name": article.author},
              "publisher": {"@type": "Organization", "name": outlet.display_name,
                            "logo": {"@type": "ImageObject", "url": outlet.base_url + "/images/logo.gif"}},
              "mainEntityOfPage": canonical, "image": [f"{outlet.base_url}/images/{article.key}.gif"],
              "articleSection": SECTIONS[article.section], "keywords": ", ".join(article.tags),
              "inLanguage": "ar"}
        lines.append('<script type="application/ld+json">' + json.dumps(ld, ensure_ascii=False) + "</script>")
    return "\n".join(lines) + "\n"


def _read_also(outlet: DemoOutlet, others: list[DemoArticle]) -> str:
    items = "".join(f'<li><a href="{_e(link(outlet, a))}">{_e(a.title)}</a></li>' for a in others[:2])
    if outlet.style == "feed":
        return f'<aside class="read-also"><h4>اقرأ أيضا</h4><ul>{items}</ul></aside>'
    return f'<div class="inline-related"><strong>اقرأ أيضا:</strong><ul>{items}</ul></div>'


def _body(outlet: DemoOutlet, article: DemoArticle, others: list[DemoArticle]) -> str:
    paragraphs = [f"<p>{_e(p)}</p>" for p in article.paragraphs]
    if len(paragraphs) > 3 and others:
        paragraphs.insert(2, _read_also(outlet, others))
    return "\n".join(paragraphs)


def _comments() -> str:
    items = "".join(f'<li class="comment"><div class="comment-author">{_e(who)}</div>'
                    f'<div class="comment-date">منذ {3 + i} ساعات</div><p>{_e(text)}</p>'
                    '<a class="reply" href="#">رد</a></li>' for i, (who, text) in enumerate(COMMENTS))
    return (f'<section id="comments" class="comments"><h3>التعليقات ({len(COMMENTS)})</h3>'
            f'<ol class="comment-list">{items}</ol><form class="comment-form"><h4>أضف تعليقك</h4>'
            '<textarea name="comment"></textarea><button>إرسال</button></form></section>')


def article_page(outlet: DemoOutlet, article: DemoArticle, others: list[DemoArticle],
                 everything: list[DemoArticle], extra_related: tuple[tuple[str, str], ...] = ()) -> str:
    """An article page with full chrome; its body paragraphs are exactly ``article.paragraphs``."""
    section = SECTIONS[article.section]
    tags = " ".join(f'<a rel="tag" href="/tag/{_e(t)}">{_e(t)}</a>' for t in article.tags)
    related = "".join(f'<li><a href="{_e(link(outlet, a))}">{_e(a.title)}</a></li>' for a in others[:4])
    related += "".join(f'<li><a href="{_e(href)}">{_e(text)}</a></li>' for href, text in extra_related)
    figure = (f'<figure class="featured"><img src="/images/{article.key}.gif" alt="{_e(article.caption)}">'
              f'<figcaption>{_e(article.caption)}</figcaption></figure>')
    author_box = (f'<div class="author-box"><img src="/images/author.gif" alt=""><h4>{_e(article.author)}</h4>'
                  f'<p>صحفي ومحرر في {_e(outlet.display_name)}، يغطي الشؤون السياسية والميدانية.</p></div>')
    crumbs = f'<nav class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/{article.section}">{_e(section)}</a></nav>'
    if outlet.style == "feed":
        header = (f'<header class="entry-header"><span class="cat"><a href="/section/{article.section}">{_e(section)}'
                  f'</a></span><h1 class="entry-title">{_e(article.title)}</h1><div class="entry-meta">'
                  f'<span class="byline">بقلم <a href="/author/{article.key}">{_e(article.author)}</a></span> '
                  f'<time class="published" datetime="{article.published.isoformat()}">'
                  f'{_e(arabic_date(article.published, "short"))}</time></div></header>')
        main = (f'<article class="post single">{header}{_share("top")}{figure}\n'
                f'<div class="entry-content">\n{_body(outlet, article, others)}\n</div>\n'
                f'<div class="post-tags"><span>الوسوم:</span> {tags}</div>{_share("bottom")}{author_box}</article>')
    else:
        header = (f'<div class="story-head"><h1>{_e(article.title)}</h1><div class="story-byline">'
                  f'<span class="writer">{_e(article.author)}</span> | <span class="date">'
                  f'{_e(arabic_date(article.published, "levantine"))}</span></div></div>')
        main = (f'<div class="story">{header}{figure}{_share("top")}\n<div class="story-body">\n'
                f'{_body(outlet, article, others)}\n</div>\n{author_box}<ul class="keywords">'
                + "".join(f"<li>{t}</li>" for t in (f'<a href="/tag/{_e(x)}">{_e(x)}</a>' for x in article.tags))
                + f"</ul>{_share('bottom')}</div>")
    return (_head(outlet, f"{article.title} | {outlet.display_name}", _meta(outlet, article))
            + _chrome_top(outlet, everything)
            + f'<main class="container">{crumbs}\n{main}\n'
            + f'<section class="related"><h3>أخبار ذات صلة</h3><ul>{related}</ul></section>\n'
            + _comments() + "</main>\n" + _sidebar(outlet, everything) + _footer(outlet))
