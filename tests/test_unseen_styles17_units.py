"""Unit checks of round seventeen's fixes (tests/altsites17): a multilingual agency's editions and an "infinite
article" page, read without a crawl.

Each fails without its fix: a French edition served as ``lang="ar"`` or ``lang="en"`` was recorded "en"
(crawler/extraction/language.py); a translation's rel=canonical to the original made it an alias of the original,
stored under the original's URL when that was never crawled (crawler/extraction/editions.py); the "read in" box was a
line of the body; a brief's page was read as the stories below it (``<div data-article-url>`` blocks were no story
blocks, crawler/extraction/stream.py) and the "read also" teasers' leads (crawler/extraction/boilerplate.py).
"""

from __future__ import annotations

import pytest
from altsites17.agency import AgencySite
from altsites17.content import REPORTS, SCROLL_STORIES
from altsites17.scroll import ScrollSite
from lxml import html as lxml_html

from crawler.extraction.article import extract_article
from crawler.extraction.editions import own_language_canonical
from crawler.extraction.language import detect_language

BASE = "http://127.0.0.171:8000"
FRENCH = ("De violents combats ont éclaté dimanche matin entre les forces du gouvernement d'union nationale et celles "
          "de Haftar dans la zone d'Ain Zara, au sud de la capitale libyenne, selon le correspondant de l'agence.")
ENGLISH = ("Heavy clashes erupted on Sunday morning between forces of the Government of National Accord and Haftar's "
           "forces in the Ain Zara area south of the Libyan capital Tripoli, the agency's correspondent said.")


@pytest.mark.parametrize("declared", ["ar", "en", None, "fr-FR"])
def test_a_french_text_is_french_whatever_the_page_declares(declared):
    assert detect_language(FRENCH, declared) == "fr"


@pytest.mark.parametrize("declared", ["ar", "fr", None])
def test_an_english_text_is_english_whatever_the_page_declares(declared):
    assert detect_language(ENGLISH, declared) == "en"


def test_a_text_too_short_to_tell_keeps_the_declared_language():
    """A caption's few words are no evidence: the declaration decides, as before."""
    from crawler.extraction.language import latin_by_words

    assert latin_by_words("Tripoli, 2019") is None
    assert detect_language("Tripoli, Libye, 2019", "fr") == "fr"
    assert detect_language("Tripoli, 2019", "ar") == "en"


def test_a_declared_latin_language_the_word_lists_do_not_know_is_kept():
    assert detect_language("Striderna i Tripoli fortsatte under söndagen enligt regeringen.", "sv") == "sv"


def _page(alternates: dict[str, str], canonical: str) -> lxml_html.HtmlElement:
    links = "".join(f'<link rel="alternate" hreflang="{lang}" href="{href}">' for lang, href in alternates.items())
    return lxml_html.fromstring(f'<html><head><link rel="canonical" href="{canonical}">{links}</head>'
                                "<body><p>x</p></body></html>")


def test_a_canonical_naming_another_language_edition_gives_way_to_the_pages_own():
    editions = {"ar": f"{BASE}/ar/a/1", "en": f"{BASE}/en/a/1", "fr": "/fr/a/1", "x-default": f"{BASE}/ar/a/1"}
    root = _page(editions, f"{BASE}/ar/a/1")
    assert own_language_canonical(root, f"{BASE}/en/a/1?utm_source=rss", f"{BASE}/ar/a/1", "en") == f"{BASE}/en/a/1"
    assert own_language_canonical(root, f"{BASE}/fr/a/1", f"{BASE}/ar/a/1", "fr") == f"{BASE}/fr/a/1"
    # the Arabic edition's canonical to itself stays
    assert own_language_canonical(root, f"{BASE}/ar/a/1", f"{BASE}/ar/a/1", "ar") == f"{BASE}/ar/a/1"


def test_a_canonical_with_no_edition_evidence_or_in_the_pages_language_stays():
    root = _page({}, f"{BASE}/en/a/1")
    assert own_language_canonical(root, f"{BASE}/en/a/1?x=1", f"{BASE}/en/a/1", "en") == f"{BASE}/en/a/1"
    regional = _page({"en-GB": f"{BASE}/uk/a/1", "en-US": f"{BASE}/us/a/1"}, f"{BASE}/us/a/1")
    assert own_language_canonical(regional, f"{BASE}/uk/a/1", f"{BASE}/us/a/1", "en") == f"{BASE}/us/a/1"
    # a translation naming no edition of its own language: the fetched URL (None)
    root = _page({"ar": f"{BASE}/ar/a/1"}, f"{BASE}/ar/a/1")
    assert own_language_canonical(root, f"{BASE}/en/a/1", f"{BASE}/ar/a/1", "en") is None


def test_a_translation_is_read_with_its_own_url_and_language():
    """The English edition whose canonical names the Arabic one, served as ``lang="ar"``."""
    site = AgencySite(BASE)
    report = next(r for r in REPORTS if r["id"] == 1530)
    result = extract_article(site.edition(report, "en").encode(), BASE + site.path(report, "en"))
    assert result.language == "en"
    assert result.canonical_link == BASE + site.path(report, "en")
    report = next(r for r in REPORTS if r["id"] == 1512)
    result = extract_article(site.edition(report, "fr").encode(), BASE + site.path(report, "fr"))
    assert (result.language, result.canonical_link) == ("fr", BASE + site.path(report, "fr"))


def test_the_read_in_box_is_no_line_of_the_story():
    """One other edition linked: "اقرأ هذا الخبر بـ: Français" was the body's last line."""
    site = AgencySite(BASE)
    report = next(r for r in REPORTS if r["id"] == 1547)
    result = extract_article(site.edition(report, "ar").encode(), BASE + site.path(report, "ar"))
    assert list(result.paragraphs) == report["editions"]["ar"]["paras"]


def test_a_sentence_naming_an_edition_stays():
    page = f"""<html lang="ar"><head><title>خبر</title><link rel="alternate" hreflang="en" href="{BASE}/en/a/1">
</head><body><article><h1>اجتماع في طرابلس لبحث وقف إطلاق النار</h1>
<p>عقد في العاصمة الليبية طرابلس اجتماع لبحث وقف إطلاق النار بين الأطراف المتحاربة بحضور ممثلين عن البعثة الأممية.</p>
<p>وقالت البعثة إن النص الكامل للبيان متاح <a href="{BASE}/en/a/1" hreflang="en">بالإنجليزية</a> على موقعها، وإن جولة جديدة من المحادثات ستعقد الأسبوع المقبل.</p>
</article></body></html>"""
    result = extract_article(page.encode(), f"{BASE}/ar/a/1")
    assert len(result.paragraphs) == 2 and "بالإنجليزية" in result.paragraphs[1]


def test_a_briefs_page_is_its_brief_alone():
    """One paragraph, then two "read also" teasers with whole leads and the next two stories whole below it."""
    site = ScrollSite("http://127.0.0.172:8000")
    brief = next(s for s in SCROLL_STORIES if len(s["paras"]) == 1)
    result = extract_article(site.page(brief).encode(), f"{site.base}/article/{brief['slug']}")
    assert (result.title, list(result.paragraphs)) == (brief["title"], brief["paras"])
    assert result.published == "2019-08-03T23:15:00+04:00"


@pytest.mark.parametrize("tag", ["div", "section"])
def test_a_stream_item_named_by_its_url_or_id_attribute_is_cut(tag):
    """Blocks of the stream told by ``data-permalink`` or by another ``data-post-id`` than the page's own."""
    lead = "سمع دوي انفجارات عنيفة ليل السبت في محور عين زارة جنوب العاصمة الليبية طرابلس وسط تبادل للقصف المدفعي."
    other = " ".join(["وصلت تعزيزات عسكرية من مصراتة إلى محاور القتال جنوب طرابلس دعما لقوات حكومة الوفاق."] * 4)
    third = " ".join(["طوابير طويلة أمام محطات الوقود في مدن الغرب الليبي بسبب تأخر وصول شحنات البنزين."] * 4)
    page = f"""<html lang="ar"><head><title>دوي انفجارات في عين زارة | الأفق</title></head><body><main>
<{tag} class="story" data-post-id="1" data-permalink="/a/1"><h1>دوي انفجارات في عين زارة</h1><p>{lead}</p></{tag}>
<{tag} class="story" data-post-id="2" data-permalink="/a/2"><h1>تعزيزات من مصراتة</h1><p>{other}</p><p>{other}</p></{tag}>
<{tag} class="story" data-post-id="3"><h1>طوابير أمام محطات الوقود</h1><p>{third}</p><p>{third}</p></{tag}>
</main></body></html>"""
    result = extract_article(page.encode(), "http://127.0.0.172:8000/a/1")
    assert list(result.paragraphs) == [lead]


def test_the_reading_room_sets_an_editions_direction_by_its_language(tmp_path):
    """A French edition's page reads left to right (before, every article was ``dir="rtl"``)."""
    import asyncio

    from archive.catalogue.db import Catalogue, article_id
    from archive.records import ExtractedArticle, Relevance
    from crawler.web.app import build_datasette

    cat = Catalogue(tmp_path / "catalogue.db")
    cat.upsert_outlets([{"name": "agency", "display_name": "Agence", "language": "ar"}])
    for lang, url, title, text in (("fr", f"{BASE}/fr/a/1", "Combats au sud de Tripoli", FRENCH),
                                   ("ar", f"{BASE}/ar/a/1", "اشتباكات جنوب طرابلس", "دارت اشتباكات عنيفة جنوب طرابلس.")):
        article = ExtractedArticle(url=url, title=title, paragraphs=(text,), published="2019-04-21", language=lang)
        cat.save_article(outlet="agency", canonical_url=url, article=article, relevance=Relevance(False, 0, 0, 0),
                         capture_id=None, fetched_at="2026-01-01")
    cat.close()
    ds = build_datasette(tmp_path)
    french = asyncio.run(ds.client.get(f"/article/{article_id(BASE + '/fr/a/1')}")).text
    arabic = asyncio.run(ds.client.get(f"/article/{article_id(BASE + '/ar/a/1')}")).text
    assert 'id="article" dir="ltr" lang="fr"' in french
    assert 'id="article" dir="rtl" lang="ar"' in arabic
