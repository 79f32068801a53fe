"""Tests of crawler.extraction.titles: the headline from h1, og:title, JSON-LD and <title>, without the site name."""

from __future__ import annotations

import html

import lxml.html
import pytest

from crawler.extraction.titles import find_title, strip_site_name

HEADLINE = "Anticorrupción decidirá en Madrid si recurre la imputación de la Infanta"


def _title(page: str, url: str = "https://www.example.es/noticias/1.html") -> str:
    """find_title on ``page``."""
    return find_title(lxml.html.document_fromstring(page), url)


def test_site_link_inside_the_h1_is_not_part_of_the_headline() -> None:
    page = (f"<html><head><title>{HEADLINE} » Local » Noticias » Ultima Hora Mallorca</title>"
            f'<meta name="twitter:title" content="{HEADLINE}"></head><body>'
            f'<h1><span class="define">{HEADLINE}</span><a href="/mallorca.html">Ultima Hora Mallorca</a></h1>'
            "<p>Texto.</p></body></html>")
    assert _title(page) == HEADLINE


def test_h1_made_of_a_link_to_the_article_keeps_its_text() -> None:
    page = (f"<html><head><title>{HEADLINE} | Diario</title></head><body>"
            f'<h1><a href="/noticias/1.html">{HEADLINE}</a></h1><p>Texto.</p></body></html>')
    assert _title(page) == HEADLINE


def test_page_whose_only_title_is_the_site_name_keeps_it() -> None:
    page = ('<html><head><title>Pradhvan</title><meta property="og:title" content="Pradhvan">'
            '<meta property="og:site_name" content="Pradhvan"></head><body></body></html>')
    assert _title(page, "https://pradhvan.example/") == "Pradhvan"


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        ("<title>اشتباكات في طرابلس - بوابة الوسط</title>", "اشتباكات في طرابلس", "اشتباكات في طرابلس"),
        ('<title>بوابة الوسط | اشتباكات في طرابلس</title><meta property="og:site_name" content="بوابة الوسط">', "",
         "اشتباكات في طرابلس"),
        (('<meta property="og:title" content="Analysis: The nonstop sparring match at the Supreme Court | CNN">'
          '<meta property="og:site_name" content="CNN"><title>Alito and Prelogar | CNN</title>'),
         "The nonstop sparring match at the Supreme Court", "The nonstop sparring match at the Supreme Court"),
    ],
)
def test_headline_reconciled_from_structured_titles_and_h1(head: str, h1: str, expected: str) -> None:
    body = f"<h1>{h1}</h1>" if h1 else ""
    page = f"<html><head>{head}</head><body><div><a href='/'>بوابة الوسط</a></div>{body}<p>نص.</p></body></html>"
    assert _title(page, "https://alwasat.ly/news/libya/1") == expected


def test_kicker_inside_the_h1_is_left_out_when_a_structured_title_is_the_headline() -> None:
    headline = "Chiesa ruft zum politischen Widerstand gegen die Asylpolitik auf"
    page = (f'<html><head><meta property="og:title" content="{headline}"><title>{headline} | Zeitung</title></head>'
            f'<body><h1><span class="kicker">SVP-Parteitag zur Migration:</span> <span>{headline}</span></h1>'
            "<p>Text.</p></body></html>")
    assert _title(page, "https://zeitung.example/a/1") == headline


@pytest.mark.parametrize(
    ("h1", "og_title", "expected"),
    [
        # the style sheet draws the colon between kicker and headline: the structured title has it
        ('<span class="topline">Ausschuss zur Flut</span> <span>Zwei Rücktritte</span>', "Ausschuss zur Flut: Zwei Rücktritte",
         "Ausschuss zur Flut: Zwei Rücktritte"),
        ("<span>Nationale Demo</span>Der 9. Juli naht", "Nationale Demo / Der 9. Juli naht", "Nationale Demo / Der 9. Juli naht"),
        # a screen-reader separator is left once the kicker is out
        ('<span class="overline">Nahost</span><span class="offscreen"> - </span><span>«Zurückhaltung der USA»</span>',
         "«Zurückhaltung der USA»", "«Zurückhaltung der USA»"),
        # quotation marks only: the h1 as readers see it
        ("Mexico’s economy grew 1.1%", "Mexico's economy grew 1.1%", "Mexico’s economy grew 1.1%"),
        ('"شعر وردي يشعل السخرية"… لغز لون الشعر', "شعر وردي يشعل السخرية… لغز لون الشعر",
         '"شعر وردي يشعل السخرية"… لغز لون الشعر'),
        # a structured title that only drops or plainens characters is no better (review of f6daf67)
        ("Is Libya heading for war?", "Is Libya heading for war", "Is Libya heading for war?"),
        ("هل تتجه ليبيا إلى الحرب؟", "هل تتجه ليبيا إلى الحرب", "هل تتجه ليبيا إلى الحرب؟"),
        ("Trump – the final days…", "Trump - the final days...", "Trump – the final days…"),
        ("Mexico’s economy grew", "Mexico’s Economy Grew", "Mexico’s economy grew"),
    ],
)
def test_headline_spelled_as_the_h1_unless_it_lost_its_separators(h1: str, og_title: str, expected: str) -> None:
    page = (f'<html><head><meta property="og:title" content="{html.escape(og_title)}"></head>'
            f"<body><h1>{h1}</h1><p>Text.</p></body></html>")
    assert _title(page, "https://zeitung.example/a/1") == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sophie Binet sur la « gravité de la situation » - Le Monde", "Sophie Binet sur la « gravité de la situation »"),
        ("«داعش» يسيطر على سرت - Le Monde", "«داعش» يسيطر على سرت"),
        ("Merz: »Wir sind bereit« | Le Monde", "Merz: »Wir sind bereit«"),  # German order
        ("Un titre » Politique » Le Monde", "Un titre » Politique"),  # a breadcrumb's guillemets still separate
    ],
)
def test_guillemets_that_pair_up_are_quotation_marks_not_separators(title: str, expected: str) -> None:
    assert strip_site_name(title, ["Le Monde"]) == expected


def test_h1_of_headline_and_byline_gives_the_headline() -> None:
    page = ('<html><head><meta property="og:title" content="米朝首脳直通電話　習氏に挑むトランプ戦術の成否（写真＝ロイター）">'
            '</head><body><h1 itemprop="headline"><span>米朝首脳直通電話　習氏に挑むトランプ戦術の成否</span><br>'
            "<span>編集委員　中沢克二</span></h1><p>本文。</p></body></html>")
    assert _title(page, "https://www.nikkei.example/article/1") == "米朝首脳直通電話 習氏に挑むトランプ戦術の成否"


def test_meta_content_gives_the_first_meta_in_document_order_among_the_names() -> None:
    from crawler.extraction.titles import meta_content

    root = lxml.html.document_fromstring(
        '<html><head><meta name="twitter:title" content="  ">'  # blank: skipped, a later one counts
        '<meta property="og:title" content="First"><meta name="twitter:title" content="Second">'
        '<meta property="og:title" content="Third"></head><body></body></html>')
    assert meta_content(root, "twitter:title", "og:title") == "First"
    assert meta_content(root, "twitter:title") == "Second"
    assert meta_content(root, "OG:Title") == "First"
    assert meta_content(root, "description") == ""


@pytest.mark.parametrize("href", [
    "/", "", "?lang=ar", "#top", "https://alwasat.ly", "https://www.alwasat.ly/", "//alwasat.ly", "/index.php",
    "/INDEX.PHP?PHPSESSID=1", "/ar/", "https://alwasat.ly/ar//", "http:index.php", "x:/home", "\x01/", "/ind\tex.php",
    "/news/1", "https://alwasat.ly/news?x=/", "https://alwasat.ly#/a", "https://alwasat.ly?a/b", "//[x", "home",
    "section/home", "https://other.ly/", "./", ".", "/news/..", "https://alwasat.ly/en/index.html#x",
])
def test_home_links_are_told_as_urlsplit_tells_them(href: str) -> None:
    """The cheap test before urlsplit (_may_be_home) never turns a link home away."""
    from urllib.parse import urlsplit

    from crawler.extraction.titles import HOME_PATHS, SESSION_KEYS, _is_home_link

    def reference(href: str, host: str) -> bool:  # _is_home_link without the cheap test
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            return False
        try:
            parts = urlsplit(href)
            other = parts.hostname
        except ValueError:
            return False
        if other and other.lower().removeprefix("www.") != host.removeprefix("www."):
            return False
        keys = {kv.split("=", 1)[0].lower() for kv in parts.query.split("&") if kv}
        return parts.path.strip("/").lower() in HOME_PATHS and keys <= SESSION_KEYS

    assert _is_home_link(href, "alwasat.ly") == reference(href, "alwasat.ly")
