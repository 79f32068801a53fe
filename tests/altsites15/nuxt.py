"""A Libyan news site on Nuxt (Vue) whose story pages are shells, midway through a move from Nuxt 2 to Nuxt 3.

The older stories (2019-2020) are still drawn by the legacy Nuxt 2 app, the newer by the Nuxt 3 app, behind one
nginx that routes by the story's id: both answer ``/news/<id>/<slug>`` (the slug escaped in every link) and
``/news/<id>`` (the feed's links, a rel=canonical to the slugged address), and ``?utm_source=facebook&fbclid=...``
(the share buttons' links, which the home page's "most shared" box copies). On both, the story body is a
``<client-only>`` rich-text component: the server HTML holds the headline, the standfirst, the date, the lead photo,
an empty ``<div class="article-body"><!----></div>`` (Vue's placeholder) and the related stories' cards, and the story
itself only in the app's state:

* Nuxt 2: ``<script>window.__NUXT__=(function(a,b,c,...){return {layout:"default",data:[{article:{...}}],...}}(
  "...",null,...))</script>``: devalue 2's ``uneval``, a JavaScript expression, not JSON: keys unquoted, every value
  that occurs twice or more (the headline, the section's name, ``null``, ``false``) hoisted into a parameter of the
  function and given as its argument, ``<`` and ``/`` in strings escaped as ``\\u003C`` and ``\\u002F``, ``void 0``
  for undefined, the story's date as ``new Date(<ms>)``;
* Nuxt 3: ``<script type="application/json" id="__NUXT_DATA__" data-ssr="true">``: devalue's ``stringify``, one
  flat JSON array whose first item is the root and in which every object's and array's values are indexes into the
  array (``["ShallowReactive",1]``, ``{"data":2,...}``, ``{"article-30517":4}``, ``{"id":5,"title":6,...}``), with a
  separate ``window.__NUXT__={};window.__NUXT__.config={...}`` script.

The pages print the date as the apps' dayjs ``ar-ly`` locale does, in Libya's time: "الإثنين 14 أغسطس 2023 - 23:10"
on a story, "منذ 3 أيام" on the cards (the page's ``<time datetime>`` is UTC). No JSON-LD; the Nuxt 3 app's
``useSeoMeta`` prints ``article:published_time``, the Nuxt 2 app's vue-meta only og tags. robots.txt forbids
``/_nuxt/`` and ``/api/``; the sitemap (``@nuxtjs/sitemap``) names every story, the RSS feed the newest four."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply
from altsites13.nextjs import DAYS, MONTHS, TZ

from .content import NUXT_SECTIONS, NUXT_SITE, NUXT_STORIES

DISALLOW = ["/_nuxt/", "/api/"]
CDN = "https://cdn.libyaalghad.example/images"
NAMES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
RESERVED = {"do", "if", "in", "for", "int", "new", "try", "var", "byte", "case", "char", "else", "enum", "goto",
            "long", "null", "this", "true", "void", "with", "break", "catch", "class", "const", "false", "final",
            "float", "short", "super", "throw", "while", "delete", "double", "export", "import", "native", "public",
            "return", "static", "switch", "throws", "typeof"}


class JsDate:
    """A ``Date`` in the state (devalue prints ``new Date(<ms>)``)."""

    def __init__(self, iso: str):
        self.ms = int(datetime.fromisoformat(iso).timestamp() * 1000)


def when(s: dict) -> datetime:
    return datetime.fromisoformat(s["date"])


def printed(s: dict) -> str:
    d = when(s).astimezone(TZ)
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year} - {d.hour:02d}:{d.minute:02d}"


def utc(s: dict) -> str:
    return when(s).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def js_string(text: str) -> str:
    """A string as devalue writes it: JSON's escapes, ``<``, ``>`` and ``/`` as ``\\u003C``, ``\\u003E``, ``\\u002F``."""
    out = json.dumps(text, ensure_ascii=False)
    return out.replace("<", "\\u003C").replace(">", "\\u003E").replace("/", "\\u002F")


def uneval(state: object) -> str:
    """``state`` as Nuxt 2's devalue 2 ``uneval`` writes it: a JavaScript expression, values seen twice hoisted."""
    counts: dict = {}

    def walk(v: object) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif not isinstance(v, JsDate):
            key = (type(v).__name__, v)
            counts[key] = counts.get(key, 0) + 1

    walk(state)
    names: dict = {}
    hoisted = sorted((k for k, n in counts.items() if n > 1), key=lambda k: -counts[k])
    for i, k in enumerate(hoisted):
        name = NAMES[i % len(NAMES)] + (str(i // len(NAMES) - 1) if i >= len(NAMES) else "")
        while name in RESERVED:
            name += "_"
        names[k] = name

    def prim(v: object) -> str:
        if v is None:
            return "null"
        if v is True or v is False:
            return "true" if v else "false"
        if isinstance(v, str):
            return js_string(v)
        return "void 0" if v is ... else repr(v)

    def out(v: object) -> str:
        if isinstance(v, dict):
            keys = (k if k.replace("_", "a").replace("$", "a").isascii() and (k[0].isalpha() or k[0] in "_$")
                    and k.replace("_", "a").replace("$", "a").isalnum() else js_string(k) for k in v)
            return "{" + ",".join(f"{k}:{out(x)}" for k, x in zip(keys, v.values())) + "}"
        if isinstance(v, list):
            return "[" + ",".join(out(x) for x in v) + "]"
        if isinstance(v, JsDate):
            return f"new Date({v.ms})"
        return names.get((type(v).__name__, v)) or prim(v)

    body = out(state)
    if not names:
        return body
    params = ",".join(names.values())
    args = ",".join(prim(k[1]) for k in names)
    return f"(function({params}){{return {body}}}({args}))"


def flatten(state: object, reducers: dict | None = None) -> str:
    """``state`` as devalue's ``stringify`` writes it (Nuxt 3's ``__NUXT_DATA__``): one flat array, references by
    index; a dict under a key of ``reducers`` is written as ``[reducer, index]`` (Nuxt's ``ShallowReactive``)."""
    values: list = []
    seen: dict = {}

    def add(v: object, wrap: str | None = None) -> int:
        if v is ...:
            return -1
        if wrap:
            slot = len(values)
            values.append(None)
            values[slot] = [wrap, add(v)]
            return slot
        key = (type(v).__name__, v) if not isinstance(v, (dict, list, JsDate)) else None
        if key is not None and key in seen:
            return seen[key]
        slot = len(values)
        values.append(None)
        if key is not None:
            seen[key] = slot
        if isinstance(v, dict):
            values[slot] = {k: add(x, (reducers or {}).get(k)) for k, x in v.items()}
        elif isinstance(v, list):
            values[slot] = [add(x) for x in v]
        elif isinstance(v, JsDate):
            values[slot] = ["Date", datetime.fromtimestamp(v.ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")]
        else:
            values[slot] = v
        return slot

    add(state, "ShallowReactive")
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003C")


def content_html(s: dict, path_of) -> str:
    """The story as the CMS stores it (and the client-only component would draw it)."""
    out = []
    for i, p in enumerate(s["paras"]):
        out.append(f"<h3>{escape(p)}</h3>" if len(p.split()) < 5 else f"<p>{escape(p)}</p>")
        if i == 0 and s["caption"]:
            out.append(f'<figure class="image"><img src="{CDN}/{s["id"]}-1.jpg" alt="{escape(s["caption"])}">'
                       f'<figcaption>{escape(s["caption"])}</figcaption></figure>')
        if i == 0 and s["read_also"]:
            other = next(o for o in NUXT_STORIES if o["id"] == s["read_also"])
            out.append(f'<p><strong>اقرأ أيضا:</strong> <a href="{path_of(other)}">{escape(other["title"])}</a></p>')
    return "".join(out)


def ago(s: dict, now: datetime) -> str:
    days = (now - when(s)).days
    return "منذ يوم" if days <= 1 else f"منذ {days} أيام" if days <= 10 else printed(s).split(" - ")[0]


class NuxtSite:
    """Routes and pages of the Nuxt outlet (both apps)."""

    name = "nuxt"

    def __init__(self, base: str):
        self.base = base
        self.stories = sorted(NUXT_STORIES, key=when, reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []
        self.now = when(self.stories[0])

    def path(self, s: dict) -> str:
        return f"/news/{s['id']}/{quote(s['slug'])}"

    def expected(self) -> list[ExpectedArticle]:
        return [ExpectedArticle("nuxt", f"nuxt-{s['id']}", self.base + self.path(s), s["title"], tuple(s["paras"]),
                                s["relevant"]) for s in self.stories]

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/api/news?page=2"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW) + f"\nSitemap: {self.base}/sitemap.xml\n"
            return Reply(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}{self.path(s)}</loc><lastmod>{utc(s)}</lastmod></url>"
                           for s in self.stories)
            xml = ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="/__sitemap__/style.xsl"?>'
                   f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
            return Reply(200, (("Content-Type", "application/xml; charset=UTF-8"),), xml.encode())
        if path == "/feed":
            return self.feed()
        if path == "/":
            return self.listing(NUXT_SITE, [s for s in self.stories if s["home"]], "/")
        for key, label in NUXT_SECTIONS.items():
            if path == f"/section/{key}":
                return self.listing(label, [s for s in self.stories if s["section"] == key], path)
        for s in self.stories:
            if path in (f"/news/{s['id']}", f"/news/{s['id']}/{s['slug']}"):
                self.served.append((raw, s["id"]))
                return self.story(s)
        return self.page3("الصفحة غير موجودة", '<main class="error"><h1>404</h1><p>الصفحة غير موجودة</p></main>',
                          {"data": {}, "state": {}}, "", status=404)

    # -- the two apps' page shells ------------------------------------------------------------

    def chrome(self, main: str) -> str:
        menu = "".join(f'<li><a href="/section/{k}" class="nav-link">{escape(v)}</a></li>' for k, v in NUXT_SECTIONS.items())
        top = self.stories[0]
        return (f'<div class="app"><header class="site-header"><div class="topbar"><span class="today">طرابلس</span>'
                f'<a href="https://facebook.com/libyaalghad" class="social">فيسبوك</a></div><a href="/" class="logo '
                f'nuxt-link-active"><img src="/logo.png" alt="{NUXT_SITE}"></a><nav><ul><li><a href="/" class="nav-link">'
                f'الرئيسية</a></li>{menu}</ul></nav><div class="ticker"><span>عاجل</span><a href="{self.path(top)}">'
                f'{escape(top["title"])}</a></div></header>{main}<footer class="site-footer"><p>{NUXT_SITE} - موقع إخباري'
                ' ليبي مستقل</p><ul><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li></ul>'
                f'<p>جميع الحقوق محفوظة © {NUXT_SITE} 2023</p></footer></div>')

    def page2(self, title: str, main: str, state: dict, head: str = "") -> Reply:
        """A page of the legacy Nuxt 2 app (vue-meta's ``data-n-head`` tags, ``window.__NUXT__`` as a call)."""
        html = (f'<!doctype html><html lang="ar" dir="rtl" data-n-head-ssr data-n-head="%7B%22lang%22:%7B%22ssr%22:%22ar%22'
                f'%7D,%22dir%22:%7B%22ssr%22:%22rtl%22%7D%7D"><head><title>{escape(title)}</title><meta data-n-head="ssr"'
                ' charset="utf-8"><meta data-n-head="ssr" name="viewport" content="width=device-width, initial-scale=1">'
                f'{head}<link data-n-head="ssr" rel="alternate" type="application/rss+xml" href="/feed" title="{NUXT_SITE}">'
                '<link rel="preload" href="/_nuxt/7f3a1c2.js" as="script"><link rel="preload" href="/_nuxt/'
                'app.4be0f9d.js" as="script"><link rel="stylesheet" href="/_nuxt/css/4c1a7e2.css"></head><body><div '
                f'data-server-rendered="true" id="__nuxt"><div id="__layout">{self.chrome(main)}</div></div><script>'
                f'window.__NUXT__={uneval(state)};</script><script src="/_nuxt/7f3a1c2.js" defer></script><script '
                'src="/_nuxt/app.4be0f9d.js" defer></script></body></html>')
        return html_reply(html)

    def page3(self, title: str, main: str, payload: dict, head: str = "", status: int = 200) -> Reply:
        """A page of the Nuxt 3 app (``__NUXT_DATA__`` as devalue's flat array, the config in its own script)."""
        config = ('window.__NUXT__={};window.__NUXT__.config={public:{siteUrl:"https:\\u002F\\u002Flibyaalghad.example"},'
                  'app:{baseURL:"\\u002F",buildId:"3e1b9c0a-7d2f-4b8e-a5c6-91f0d2e4b7a3",buildAssetsDir:"\\u002F_nuxt\\u002F",'
                  'cdnURL:""}}')
        html = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content='
                f'"width=device-width, initial-scale=1"><title>{escape(title)}</title>{head}<link rel="alternate" type='
                f'"application/rss+xml" href="/feed" title="{NUXT_SITE}"><link rel="stylesheet" href="/_nuxt/entry.B1x9kQ2c.css"><link rel="modulepreload" as="script" crossorigin href="/_nuxt/'
                'DkP3bq7v.js"><script type="module" src="/_nuxt/DkP3bq7v.js" crossorigin></script></head><body><div '
                f'id="__nuxt">{self.chrome(main)}</div><div id="teleports"></div><script type="application/json" '
                f'data-nuxt-data="nuxt-app" data-ssr="true" id="__NUXT_DATA__">'
                f'{flatten({**payload, "once": [], "_errors": {}, "serverRendered": True, "path": "/"}, {"data": "ShallowReactive", "state": "ShallowReactive"})}'
                f'</script><script>{config}</script></body></html>')
        return html_reply(html, status=status)

    # -- pieces ------------------------------------------------------------------------------

    def teaser(self, s: dict) -> dict:
        return {"id": s["id"], "title": s["title"], "slug": s["slug"], "section": NUXT_SECTIONS[s["section"]],
                "excerpt": s["paras"][0][:120].rstrip() + "...", "image": f"{CDN}/{s['id']}-0.jpg",
                "createdAt": utc(s)}

    def card(self, s: dict, href: str | None = None) -> str:
        return (f'<div class="news-card"><a href="{href or self.path(s)}" class="card-link"><img src="{CDN}/{s["id"]}'
                f'-0.jpg" alt="" loading="lazy"><h3 class="card-title">{escape(s["title"])}</h3></a><span class="card-'
                f'section">{escape(NUXT_SECTIONS[s["section"]])}</span><time datetime="{utc(s)}">{ago(s, self.now)}'
                '</time></div>')

    def shared(self) -> str:
        items = "".join(f'<li><a href="{self.path(s)}?utm_source=facebook&amp;fbclid=IwAR2xQ{s["id"]}">'
                        f'{escape(s["title"])}</a></li>' for s in self.stories[:3])
        return f'<aside class="most-shared"><h2>الأكثر مشاركة</h2><ol>{items}</ol></aside>'

    def listing(self, label: str, stories: list[dict], path: str) -> Reply:
        cards = "".join(self.card(s) for s in stories)
        main = (f'<main class="container"><h1 class="page-title">{escape(label)}</h1><div class="cards">{cards}</div>'
                f'<button class="more" type="button">المزيد من الأخبار</button></main>{self.shared()}')
        payload = {"data": {f"news-{path}": [self.teaser(s) for s in stories]}, "state": {"menu": list(NUXT_SECTIONS)}}
        return self.page3(f"{label} | {NUXT_SITE}", main, payload)

    def story(self, s: dict) -> Reply:
        url = self.base + self.path(s)
        related = [o for o in self.stories if o is not s and o["section"] == s["section"]][:2] or self.stories[:2]
        main = (f'<main class="container article-page"><article class="article"><nav class="breadcrumb"><a href="/">'
                f'الرئيسية</a> / <a href="/section/{s["section"]}">{escape(NUXT_SECTIONS[s["section"]])}</a></nav>'
                f'<h1 class="article-title">{escape(s["title"])}</h1><p class="standfirst">{escape(s["paras"][0][:120].rstrip())}'
                f'...</p><div class="article-meta"><span class="author">{NUXT_SITE}</span><time datetime="{utc(s)}">'
                f'{printed(s)}</time></div><figure class="lead"><img src="{CDN}/{s["id"]}-0.jpg" alt="{escape(s["title"])}">'
                '</figure><div class="article-body"><!----></div><div class="share-buttons"><a href="https://www.facebook.com'
                f'/sharer/sharer.php?u={quote(url, safe="")}" class="fb">شارك</a><a href="https://twitter.com/intent/tweet?'
                f'url={quote(url, safe="")}" class="tw">غرد</a></div></article><section class="related"><h2>أخبار ذات صلة'
                f'</h2>{"".join(self.card(o) for o in related)}</section></main>{self.shared()}')
        article = {**self.teaser(s), "body": content_html(s, self.path), "author": {"name": NUXT_SITE},
                   "tags": [NUXT_SECTIONS[s["section"]]], "views": 1200 + s["id"] % 977}
        og = (("og:title", s["title"]), ("og:description", s["paras"][0][:120].rstrip() + "..."), ("og:url", url),
              ("og:type", "article"), ("og:image", f"{CDN}/{s['id']}-0.jpg"), ("og:site_name", NUXT_SITE))
        if s["app"] == 2:
            head = "".join(f'<meta data-n-head="ssr" data-hid="{k}" property="{k}" content="{escape(v)}">' for k, v in og)
            head += f'<link data-n-head="ssr" rel="canonical" href="{url}">'
            state = {"layout": "default", "data": [{"article": {**article, "createdAt": JsDate(s["date"]),
                                                                 "seo": {"title": s["title"], "image": article["image"]}},
                                                     "related": [self.teaser(o) for o in related]}],
                     "fetch": {}, "error": None, "state": {"menu": [{"slug": k, "name": v} for k, v in NUXT_SECTIONS.items()],
                                                          "breaking": self.teaser(self.stories[0]), "loading": False},
                     "serverRendered": True, "routePath": self.path(s), "config": {
                         "_app": {"basePath": "/", "assetsPath": "/_nuxt/", "cdnURL": None}}}
            return self.page2(f"{s['title']} - {NUXT_SITE}", main, state, head)
        head = "".join(f'<meta property="{k}" content="{escape(v)}">' for k, v in og)
        head += (f'<meta property="article:published_time" content="{utc(s)}"><meta name="twitter:card" content='
                 f'"summary_large_image"><link rel="canonical" href="{url}">')
        payload = {"data": {f"article-{s['id']}": article, f"related-{s['id']}": [self.teaser(o) for o in related]},
                   "state": {"$smenu": [{"slug": k, "name": v} for k, v in NUXT_SECTIONS.items()]}}
        return self.page3(f"{s['title']} | {NUXT_SITE}", main, payload, head)

    def feed(self) -> Reply:
        items = "".join(
            f"<item><title><![CDATA[{s['title']}]]></title><link>{self.base}/news/{s['id']}</link><guid>{self.base}/news/"
            f"{s['id']}</guid><pubDate>{when(s).strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
            for s in self.stories[:4])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{NUXT_SITE}</title><link>'
               f'{self.base}/</link><description>آخر الأخبار</description>{items}</channel></rss>')
        return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), xml.encode())
