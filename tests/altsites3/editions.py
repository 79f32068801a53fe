"""The other editions of the modern site's articles: the AMP rendering and the English edition (hreflang)."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from altsites.common import Reply, html_reply

from .content_modern import ENGLISH, MODERN_SECTIONS, MODERN_SITE

if TYPE_CHECKING:
    from .modern import ModernSite


def amp_page(self: ModernSite, a: dict) -> Reply:
    """The AMP rendering: its own shell, the canonical named."""
    return html_reply(f"""<!doctype html><html ⚡ lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(a["title"])} | {MODERN_SITE}</title><link rel="canonical" href="{self.url(a)}">
<meta name="viewport" content="width=device-width"><script async src="https://cdn.ampproject.org/v0.js"></script>
{self.json_ld(a)}<style amp-custom>body{{font-family:sans-serif}}</style></head><body>
<amp-sidebar id="menu" layout="nodisplay"><ul>{"".join(f'<li><a href="/{s}/">{escape(n)}</a></li>' for s, n in MODERN_SECTIONS.items())}</ul></amp-sidebar>
<header><a href="/">{MODERN_SITE}</a></header><main><article>
<h1>{escape(a["title"])}</h1>{self.byline(a)}
<amp-img src="/img/{a["id"]}.webp" width="800" height="450" layout="responsive"></amp-img>
{self.story(a)}
<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/amp"></amp-ad></article></main>
<footer><a href="{self.url(a)}">النسخة الكاملة</a> — © 2024 {MODERN_SITE}. جميع الحقوق محفوظة.</footer></body></html>""")


def english_page(self: ModernSite) -> Reply:
    e = ENGLISH
    ar = next(a for a in self.articles if a.get("english") == e["id"])
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": e["title"],
        "datePublished": e["date"],
        "inLanguage": "en",
        "author": [{"@type": "Person", "name": n} for n in e["authors"]],
    }
    head = (
        f'<link rel="canonical" href="{self.english()}"/><link rel="alternate" hreflang="ar" '
        f'href="{self.url(ar)}"/><link rel="alternate" hreflang="en" href="{self.english()}"/>'
        f'<meta property="og:type" content="article"/><meta property="og:title" content="{escape(e["title"])}"/>'
        f'<script type="application/ld+json">{json.dumps(data)}</script>'
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in e["paras"])
    main = (
        f'<main><article><h1>{escape(e["title"])}</h1><div class="byline">By {e["authors"][0]} | '
        f'<time datetime="{e["date"]}">May 12, 2024</time></div><div class="article-body">{body}</div>'
        f'<div class="share-bar"><span>Share:</span><a href="https://facebook.com/share">Facebook</a></div>'
        f"</article></main>"
    )
    return self.page(e["title"], main, head=head, lang="en")
