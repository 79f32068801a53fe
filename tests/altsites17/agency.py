"""A news agency that publishes each report in Arabic, English and French, as Anadolu, Al Arabiya or the Libya
Observer do: ``/ar/<section>/<Arabic slug>/<id>``, ``/en/africa/<slug>/<id>``, ``/fr/afrique/<slug>/<id>``.

Every edition's page names every edition of its report by ``<link rel="alternate" hreflang=...>`` (and
``x-default``, the Arabic one) and by a "read in" box under the story; its rel=canonical names its own URL on most
reports, the Arabic edition's from the English and French ones on one (the CMS copies the original's canonical into
its translations) and the English edition's from the Arabic one on another (the reverse); its ``<html lang>`` and
``dir`` are the template's, wrong on some pages (a French edition served as ``lang="ar" dir="rtl"``, another as
``lang="en"``, an English one as ``lang="ar"``). One RSS feed per language (``/ar/rss.xml`` ...) links each
edition with ``?utm_source=rss&utm_medium=rss``; each language's home page lists its editions and a "most read" box
that links the short ``/<lang>/news/<id>`` (301 to the edition). The date is printed as the agency prints it
("21.04.2019"), with an "updated" day after it, ``article:published_time`` and JSON-LD ``datePublished`` and
``inLanguage``."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply, redirect

from .content import AGENCY, REPORTS, SECTION

DISALLOW = ["/search", "/*?print=", "/api/"]
LANG_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}
READ_IN = {"ar": "اقرأ هذا الخبر بـ", "en": "Read this story in", "fr": "Lire cet article en"}
MOST_READ = {"ar": "الأكثر قراءة", "en": "Most read", "fr": "Les plus lus"}
UPDATED = {"ar": "تحديث", "en": "Updated", "fr": "Mis à jour"}
LOCALE = {"ar": "ar_AR", "en": "en_US", "fr": "fr_FR"}
NAV = {"ar": ("ليبيا", "العالم العربي", "اقتصاد", "ثقافة"), "en": ("Africa", "Middle East", "Economy", "Culture"),
       "fr": ("Afrique", "Moyen-Orient", "Économie", "Culture")}


def iso(r: dict) -> str:
    """The report's publication moment (Libya time, UTC+2)."""
    return "%04d-%02d-%02dT" % r["g"] + r["time"] + ":00+02:00"


class AgencySite:
    """Routes and pages of the multilingual agency."""

    name = "agency"

    def __init__(self, base: str):
        self.base = base
        self.reports = sorted(REPORTS, key=lambda r: r["g"], reverse=True)
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, str]] = []  # (raw path, "<lang>-<id>") of every edition page answered

    def path(self, r: dict, lang: str) -> str:
        """The edition's address (its Arabic slug escaped, as browsers and the CMS send it)."""
        return f"/{lang}/{quote(SECTION[lang])}/{quote(r['editions'][lang]['slug'])}/{r['id']}"

    def expected(self) -> list[ExpectedArticle]:
        """Every edition the crawl can reach (none of ``unlisted``), each its own article; relevant as its report."""
        return [ExpectedArticle("agency", f"agency-{lang}-{r['id']}", self.base + self.path(r, lang), e["title"],
                                tuple(e["paras"]), r["relevant"])
                for r in self.reports for lang, e in r["editions"].items() if self.listed(r, lang)]

    @staticmethod
    def listed(r: dict, lang: str) -> bool:
        """Whether the language's feed and listings link the report's edition in ``lang``."""
        return lang in r["editions"] and lang not in r.get("unlisted", ())

    def forbidden_links(self) -> list[str]:
        return [f"{self.base}/search?q=libya"]

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            text += f"\nSitemap: {self.base}/sitemap.xml\n"
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path == "/":
            return redirect(302, f"{self.base}/ar/")
        if path == "/sitemap.xml":
            return Reply(404, (("Content-Type", "text/html"),), b"<h1>Not Found</h1>")
        parts = path.strip("/").split("/")
        lang = parts[0] if parts and parts[0] in LANG_NAMES else ""
        if lang and len(parts) == 1:
            return html_reply(self.home(lang), gzip_ok=True)
        if lang and parts[1:] == ["rss.xml"]:
            return Reply(200, (("Content-Type", "application/rss+xml; charset=utf-8"),), self.feed(lang).encode())
        for r in self.reports:
            if lang not in r["editions"]:
                continue
            if parts[1:] == ["news", str(r["id"])]:
                return redirect(301, self.base + self.path(r, lang))
            if path == self.path_unquoted(r, lang):
                self.served.append((raw, f"{lang}-{r['id']}"))
                return html_reply(self.edition(r, lang), gzip_ok=True)
        return html_reply(self.wrap("ar", "404", "<h1>الصفحة غير موجودة</h1>"), status=404)

    @staticmethod
    def path_unquoted(r: dict, lang: str) -> str:
        """The edition's path as the server sees it (escapes decoded)."""
        return f"/{lang}/{SECTION[lang]}/{r['editions'][lang]['slug']}/{r['id']}"

    def wrap(self, lang: str, title: str, inner: str, head: str = "", html_lang: str | None = None) -> str:
        """The agency's template: the language bar, the navigation, the footer."""
        html_lang = html_lang or lang
        direction = "rtl" if html_lang == "ar" else "ltr"
        langs = "".join(f'<li><a href="/{code}/" hreflang="{code}">{name}</a></li>' for code, name in LANG_NAMES.items())
        nav = "".join(f'<li><a href="/{lang}/">{escape(n)}</a></li>' for n in NAV[lang])
        return f"""<!DOCTYPE html>
<html lang="{html_lang}" dir="{direction}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{head}
<link rel="alternate" type="application/rss+xml" href="{self.base}/{lang}/rss.xml"></head>
<body><div class="top-bar"><ul class="languages">{langs}</ul>
<form action="/search" method="get"><input name="q" placeholder="Search"></form></div>
<header><a class="logo" href="/{lang}/">{escape(AGENCY[lang])}</a><nav><ul>{nav}</ul></nav></header>
{inner}
<footer><p>© 2019 {escape(AGENCY[lang])}</p><p><a href="/{lang}/">{escape(AGENCY[lang])}</a></p></footer></body></html>"""

    def home(self, lang: str) -> str:
        cards = "".join(f'<div class="card"><a href="{self.path(r, lang)}"><h3>{escape(r["editions"][lang]["title"])}'
                        f'</h3></a><span>{"%02d.%02d.%04d" % tuple(reversed(r["g"]))}</span></div>'
                        for r in self.reports if self.listed(r, lang))
        return self.wrap(lang, AGENCY[lang], f'<main class="home">{cards}</main>{self.most_read(lang, None)}')

    def most_read(self, lang: str, current: dict | None) -> str:
        items = "".join(f'<li><a href="/{lang}/news/{r["id"]}">{escape(r["editions"][lang]["title"])}</a></li>'
                        for r in self.reports if self.listed(r, lang) and r is not current)
        return f'<aside class="most-read"><h4>{MOST_READ[lang]}</h4><ol>{items}</ol></aside>'

    def feed(self, lang: str) -> str:
        items = "".join(
            f"<item><title>{escape(r['editions'][lang]['title'])}</title>"
            f"<link>{self.base}{self.path(r, lang)}?utm_source=rss&amp;utm_medium=rss</link>"
            f"<description>{escape(r['editions'][lang]['paras'][0][:120])}</description>"
            f"<guid isPermaLink=\"false\">{lang}-{r['id']}</guid></item>"
            for r in self.reports if self.listed(r, lang))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{escape(AGENCY[lang])}</title><link>{self.base}/{lang}/</link>"
                f"<language>{lang}</language><description>{escape(AGENCY[lang])}</description>{items}</channel></rss>")

    def edition(self, r: dict, lang: str) -> str:
        e = r["editions"][lang]
        url = self.base + self.path(r, lang)
        alternates = "".join(f'<link rel="alternate" hreflang="{code}" href="{self.base}{self.path(r, code)}">'
                             for code in r["editions"])
        alternates += f'<link rel="alternate" hreflang="x-default" href="{self.base}{self.path(r, "ar")}">'
        y, m, d = r["g"]
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": e["title"], "url": url,
              "datePublished": iso(r), "dateModified": "%04d-%02d-%02dT10:00:00+02:00" % (y, m, d + 1),
              "inLanguage": lang, "publisher": {"@type": "Organization", "name": AGENCY[lang]}}
        head = (f'<link rel="canonical" href="{self.base}{self.path(r, e["canonical"])}">{alternates}'
                f'<meta property="og:title" content="{escape(e["title"])}"><meta property="og:locale" '
                f'content="{LOCALE[lang]}"><meta property="og:type" content="article">'
                f'<meta property="article:published_time" content="{iso(r)}">'
                f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
        others = "".join(f'<a href="{self.path(r, code)}" hreflang="{code}">{LANG_NAMES[code]}</a> '
                         for code in r["editions"] if code != lang)
        read_in = f'<div class="other-languages">{READ_IN[lang]}: {others}</div>' if others else ""
        paras = "".join(f"<p>{escape(p)}</p>" for p in e["paras"])
        inner = f"""<main><div class="detay-spot-category"><a href="/{lang}/">{escape(NAV[lang][0])}</a></div>
<h1 class="detay-title">{escape(e['title'])}</h1>
<div class="detay-bilgi"><span class="author">{escape(AGENCY[lang])}</span> |
<span class="tarih">{d:02d}.{m:02d}.{y:04d}</span> <span class="update">{UPDATED[lang]}: {d + 1:02d}.{m:02d}.{y:04d}</span></div>
<figure><img src="/img/{r['id']}.jpg" alt=""><figcaption>{escape(AGENCY[lang])}</figcaption></figure>
<div class="detay-icerik">{paras}</div>{read_in}
<div class="tags"><a href="/{lang}/">{escape(NAV[lang][0])}</a></div></main>{self.most_read(lang, r)}"""
        return self.wrap(lang, f"{e['title']} | {AGENCY[lang]}", inner, head, e["lang"])
