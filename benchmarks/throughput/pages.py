"""HTML of the mirror's article pages: real-world chrome around a generated body, 50-150 KB like real outlets."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from html import escape

from benchmarks.throughput.text import Body

SECTIONS = ("ليبيا", "عربي ودولي", "اقتصاد", "رياضة", "ثقافة وفنون", "منوعات", "تقارير", "رأي", "فيديو", "صحة",
            "تكنولوجيا", "مجتمع")
SUBSECTIONS = ("طرابلس", "بنغازي", "الجنوب", "الغرب", "الشرق", "أخبار محلية", "حوارات", "ملفات", "صور", "إنفوغراف")
COMMENTERS = ("أبو محمد - طرابلس", "ليبي غيور", "سالم", "بنت البلاد", "متابع من مصراتة", "عبد الله من سبها")
COMMENTS = ("نسأل الله أن يحفظ ليبيا وأهلها وأن تنتهي هذه الحرب في أقرب وقت.",
            "الإعلام يجب أن ينقل الحقيقة كما هي بدون تهويل. شكراً على التغطية.",
            "متى تنتهي معاناة المواطن البسيط؟ الكهرباء والسيولة قبل كل شيء.",
            "تقرير ممتاز، ننتظر المزيد من التفاصيل حول ما يجري في الجنوب.")


@dataclass(frozen=True)
class Style:
    """How one outlet's templates name things (WordPress, Drupal and a hand-made CMS differ in class names)."""

    site: str
    body_class: str
    share_class: str
    related_class: str
    sidebar_class: str
    state_var: str


STYLES = {
    "wp": Style("الوسط الإخبارية", "entry-content td-post-content", "jeg_share_button share-bar",
                "jp-relatedposts related-posts", "td-sidebar widget-area", "__WP_STATE__"),
    "drupal": Style("بوابة الساحل", "field field--name-body clearfix text-formatted", "social-share links inline",
                    "view-related block-views", "region-sidebar-first", "drupalSettings"),
    "custom": Style("صحيفة الأفق", "article-body story-text", "share-tools", "more-stories", "side-col",
                    "__NEXT_DATA__"),
}


@dataclass(frozen=True)
class Teaser:
    """A link to another page of the mirror, as menus, sidebars and related boxes show them."""

    url: str
    title: str


def _e(text: str) -> str:
    return escape(text, quote=True)


def _teasers(items: list[Teaser], cls: str, rng: random.Random, with_summary: bool) -> str:
    rows = []
    for t in items:
        summary = f'<p class="excerpt">{_e(t.title)} ... التفاصيل الكاملة في التقرير.</p>' if with_summary else ""
        rows.append(f'<li class="{cls}-item"><a href="{t.url}" class="thumb"><img src="/img/{rng.randint(1, 9999)}'
                    f'.jpg" alt="{_e(t.title)}" width="300" height="169" loading="lazy"></a><h3 class="title">'
                    f'<a href="{t.url}">{_e(t.title)}</a></h3>{summary}<span class="time">منذ '
                    f'{rng.randint(1, 59)} دقيقة</span></li>')
    return f'<ul class="{cls}">{"".join(rows)}</ul>'


def _menu() -> str:
    cols = "".join(f'<li class="menu-item has-children"><a href="/section/{i}">{_e(s)}</a><ul class="sub-menu">'
                   + "".join(f'<li><a href="/section/{i}/{j}">{_e(sub)}</a></li>' for j, sub in enumerate(SUBSECTIONS))
                   + "</ul></li>" for i, s in enumerate(SECTIONS))
    return f'<nav class="main-menu mega-menu" role="navigation"><ul class="menu">{cols}</ul></nav>'


def _css(rng: random.Random) -> str:
    rules = "".join(f".c{i}{{margin:{rng.randint(0, 20)}px;padding:{rng.randint(0, 9)}px;color:#{rng.randint(0, 0xFFFFFF):06x}}}"
                    for i in range(120))
    return f"<style>{rules}</style>"


def render_page(style: Style, url: str, body: Body, published: str, author: str, others: list[Teaser],
                rng: random.Random, target_bytes: int) -> bytes:
    """One article page with menus, ticker, share bars, read-also box, related, sidebars, comments, footer, scripts."""
    title = _e(body.title)
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": body.title,
                     "datePublished": published, "author": {"@type": "Person", "name": author},
                     "mainEntityOfPage": url}, ensure_ascii=False)
    paragraphs = [f"<p>{_e(p)}</p>" for p in body.paragraphs]
    read_also = (f'<div class="read-also inline-related"><span>اقرأ أيضا:</span> <a href="{others[0].url}">'
                 f'{_e(others[0].title)}</a></div>')
    paragraphs.insert(len(paragraphs) // 2, read_also)
    share = (f'<div class="{style.share_class}">' + "".join(
        f'<a class="share-{n}" href="https://share.example/{n}?u={_e(url)}" rel="nofollow">{label}</a>'
        for n, label in (("facebook", "فيسبوك"), ("twitter", "تويتر"), ("whatsapp", "واتساب"),
                         ("telegram", "تيليجرام"), ("email", "بريد"))) + "</div>")
    comments = "".join(f'<li class="comment"><div class="comment-author">{_e(rng.choice(COMMENTERS))}</div>'
                       f'<div class="comment-body"><p>{_e(rng.choice(COMMENTS))}</p></div>'
                       f'<a class="reply" href="#respond">رد</a></li>' for _ in range(rng.randint(0, 12)))
    ticker = "".join(f'<li><a href="{t.url}">{_e(t.title)}</a></li>' for t in others[1:6])
    head = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {_e(style.site)}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<meta property="og:url" content="{url}"><meta property="article:published_time" content="{published}">
<meta name="description" content="{_e(body.paragraphs[0][:150])}">
<script type="application/ld+json">{ld}</script>
{_css(rng)}
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());
gtag('config','G-{rng.randint(10**9, 10**10)}');</script>
</head><body class="single single-post postid-{rng.randint(1, 10**6)}">
<div id="cookie-notice" class="cookie-banner">نستخدم ملفات تعريف الارتباط لتحسين تجربتك. <button>موافق</button></div>
<header class="site-header"><a class="logo" href="/">{_e(style.site)}</a>{_menu()}
<div class="breaking-news ticker"><span>عاجل</span><ul>{ticker}</ul></div></header>
<div class="container"><main class="content-area">
<nav class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/0">ليبيا</a></nav>
<article class="post">
<h1 class="entry-title">{title}</h1>
<div class="byline"><span class="author">{_e(author)}</span> <time datetime="{published}">{published[:10]}</time></div>
{share}
<figure class="featured"><img src="/img/{rng.randint(1, 9999)}.jpg" alt="{title}"><figcaption>{_e(body.caption)}</figcaption></figure>
<div class="{style.body_class}">{"".join(paragraphs)}</div>
<div class="post-tags"><a href="/tag/libya" rel="tag">ليبيا</a><a href="/tag/tripoli" rel="tag">طرابلس</a></div>
{share}
<div class="author-box"><h4>{_e(author)}</h4><p>صحفي ومحرر في القسم السياسي.</p></div>
</article>
<section class="{style.related_class}"><h2>أخبار ذات صلة</h2>{_teasers(others[6:12], "related", rng, True)}</section>
<section id="comments" class="comments-area"><h2>التعليقات</h2><ol class="comment-list">{comments}</ol>
<form id="respond"><textarea name="comment"></textarea><button>أرسل</button></form></section>
</main>
<aside class="{style.sidebar_class}"><div class="widget most-read"><h2>الأكثر قراءة</h2>
{_teasers(others[12:22], "most-read", rng, False)}</div>
<div class="widget newsletter"><h2>النشرة البريدية</h2><form><input type="email"><button>اشترك</button></form></div>
<div class="ad-slot" data-ad="sidebar-1"></div></aside></div>
<footer class="site-footer">{_menu()}<p class="copyright">جميع الحقوق محفوظة © {_e(style.site)}</p></footer>
"""
    tail = "</body></html>\n"
    # Real pages are heavy in both markup and scripts: "more from the section" blocks of teasers fill about 60 % of
    # the target, then a client-side state blob (as Next.js or WordPress themes embed) the rest.
    blocks, size, i = [], len(head.encode()) + len(tail), 22
    while size < target_bytes * 0.6:
        chunk = [others[(i + k) % len(others)] for k in range(8)]
        block = (f'<section class="section-block c{i % 120}"><h2><a href="/section/{i % len(SECTIONS)}">'
                 f'{_e(SECTIONS[i % len(SECTIONS)])}</a></h2>{_teasers(chunk, "block-list", rng, True)}</section>')
        blocks.append(block)
        size += len(block.encode())
        i += 8
    head += f'<div class="more-sections">{"".join(blocks)}</div>\n'
    state: list[dict[str, str]] = []
    while size < target_bytes - 200:
        t = others[i % len(others)]
        item = {"id": str(rng.randint(10**5, 10**7)), "url": t.url, "title": t.title,
                "image": f"/img/{rng.randint(1, 9999)}.jpg", "section": rng.choice(SECTIONS)}
        state.append(item)
        size += len(json.dumps(item, ensure_ascii=False).encode()) + 2
        i += 1
    blob = json.dumps({"props": {"teasers": state}}, ensure_ascii=False).replace("</", "<\\/")
    script = f'<script id="{style.state_var}" type="application/json">{blob}</script>\n'
    return (head + script + tail).encode("utf-8")
