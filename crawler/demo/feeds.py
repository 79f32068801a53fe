"""Machine-readable discovery documents of the demo sites: RSS 2.0, Atom, sitemaps and robots.txt."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from crawler.demo.content import SECTIONS, DemoArticle, DemoOutlet, http_date, summary

RSS_TRACKING = "?utm_source=rss&utm_medium=feed&utm_campaign=rss#main-content"
ATOM_TRACKING = "?utm_source=atom&utm_medium=feed#comments"


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _newest(articles: list[DemoArticle]) -> datetime:
    return max((a.last_modified for a in articles), default=datetime(2019, 1, 1, tzinfo=UTC))


def rss(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    """An RSS 2.0 feed (WordPress-like) whose item links carry tracking parameters and a fragment."""
    items = []
    for a in articles:
        url = outlet.base_url + a.path
        items.append(f"""<item>
<title>{_x(a.title)}</title>
<link>{_x(url + RSS_TRACKING)}</link>
<comments>{_x(url)}#comments</comments>
<dc:creator><![CDATA[{a.author}]]></dc:creator>
<pubDate>{http_date(a.published)}</pubDate>
<category><![CDATA[{SECTIONS[a.section]}]]></category>
<guid isPermaLink="false">{_x(outlet.base_url)}/?p={zlib.crc32(a.key.encode()) % 90000 + 10000}</guid>
<description><![CDATA[{summary(a)}]]></description>
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{_x(outlet.display_name)}</title>
<atom:link href="{_x(outlet.base_url)}/feed/rss.xml" rel="self" type="application/rss+xml"/>
<link>{_x(outlet.base_url)}/</link>
<description>آخر أخبار ليبيا والعالم العربي</description>
<lastBuildDate>{http_date(_newest(articles))}</lastBuildDate>
<language>ar</language>
<generator>https://wordpress.org/?v=5.2.2</generator>
{chr(10).join(items)}
</channel>
</rss>
"""


def atom(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    """An Atom 1.0 feed of the same articles (links with different tracking parameters)."""
    entries = []
    for a in articles:
        url = outlet.base_url + a.path
        entries.append(f"""<entry>
<title type="text">{_x(a.title)}</title>
<link rel="alternate" type="text/html" href="{_x(url + ATOM_TRACKING)}"/>
<id>tag:{outlet.host},{a.published:%Y-%m-%d}:{a.key}</id>
<published>{a.published.isoformat()}</published>
<updated>{a.last_modified.isoformat()}</updated>
<author><name>{_x(a.author)}</name></author>
<category term="{_x(SECTIONS[a.section])}"/>
<summary type="text">{_x(summary(a))}</summary>
</entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">
<title>{_x(outlet.display_name)}</title>
<subtitle>آخر الأخبار</subtitle>
<link rel="self" type="application/atom+xml" href="{_x(outlet.base_url)}/feed/atom.xml"/>
<link rel="alternate" type="text/html" href="{_x(outlet.base_url)}/"/>
<id>{_x(outlet.base_url)}/</id>
<updated>{_newest(articles).isoformat()}</updated>
{chr(10).join(entries)}
</feed>
"""


def sitemap_index(outlet: DemoOutlet, parts: list[tuple[str, datetime]]) -> str:
    """A sitemap index listing ``parts`` as (path, lastmod)."""
    rows = "".join(f"<sitemap><loc>{_x(outlet.base_url + path)}</loc><lastmod>{when.isoformat()}</lastmod></sitemap>\n"
                   for path, when in parts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</sitemapindex>\n")


def news_sitemap(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    """A Google News sitemap: news:publication_date and news:title for each article."""
    rows = "".join(f"""<url>
<loc>{_x(outlet.base_url + a.path)}</loc>
<news:news>
<news:publication><news:name>{_x(outlet.display_name)}</news:name><news:language>ar</news:language></news:publication>
<news:publication_date>{a.published.isoformat()}</news:publication_date>
<news:title>{_x(a.title)}</news:title>
</news:news>
</url>
""" for a in articles)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + rows + "</urlset>\n")


def url_sitemap(outlet: DemoOutlet, articles: list[DemoArticle]) -> str:
    """A plain sitemap (loc, lastmod, changefreq) of ``articles``."""
    rows = "".join(f"<url><loc>{_x(outlet.base_url + a.path)}</loc><lastmod>{a.last_modified.isoformat()}</lastmod>"
                   "<changefreq>monthly</changefreq><priority>0.6</priority></url>\n" for a in articles)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n")


def robots(outlet: DemoOutlet) -> str:
    """robots.txt of each style; every Disallow rule matches a page the site links to."""
    if outlet.style == "feed":
        return ("User-agent: *\nDisallow: /wp-admin/\nDisallow: /search\nAllow: /wp-admin/admin-ajax.php\n")
    if outlet.style == "sitemap":
        return ("# robots.txt\nUser-agent: GPTBot\nDisallow: /\n\n"
                "User-agent: *\nDisallow: /private/\nDisallow: /api/\n\n"
                f"Sitemap: {outlet.base_url}/sitemap_index.xml\n")
    return "User-agent: *\nDisallow: /admin/\n"
