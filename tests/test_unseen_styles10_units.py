"""The rules tests/test_e2e_altsites10.py needed, pinned on small pages: a Hijri date converted (Umm al-Qura, moved to
its printed weekday) and read as the date of a page that prints no Gregorian one, Arabic presentation forms read as
their letters, a gallery's captions kept beside their picture links, and a crosshead kept where trafilatura reads only
a page's "wild" paragraphs."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from archive.records import ExtractedArticle
from crawler.extraction.arabic_dates import find_hijri_dates, find_text_dates
from crawler.extraction.article import extract_article
from crawler.extraction.dates import find_published
from crawler.extraction.precision import crossheads_as_paragraphs, unwrap_picture_links
from crawler.extraction.titles import clean_space

BASE = "http://news.example.sa"
PARAS = [
    "أعلن المبعوث الأممي إلى ليبيا استقالته من منصبه بعد أقل من عامين على تعيينه، مرجعا قراره إلى غياب الإرادة "
    "السياسية لدى القادة الليبيين وتمسكهم بمصالحهم الضيقة على حساب إجراء الانتخابات.",
    "وقال في مؤتمر صحفي عقب إحاطته أمام مجلس الأمن الدولي إن الأطراف الرئيسية رفضت المشاركة في الحوار الذي دعت "
    "إليه البعثة، وإن المؤسسات المنقسمة في طرابلس وبنغازي تعمل على تأجيل الانتخابات.",
    "وعبرت دول غربية عن أسفها لاستقالته، ودعت الأطراف الليبية إلى الانخراط بجدية في العملية السياسية، فيما رحب "
    "مسؤولون في شرق البلاد بالخطوة واعتبروا أن البعثة فشلت في مهمتها.",
]


def portal_page(dateline: str, *, body: str | None = None, footer: str = "جميع الحقوق محفوظة © 2024 البوابة") -> str:
    """A CMS story page with no container trafilatura knows, its only date ``dateline`` under the headline."""
    body = body if body is not None else "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>المبعوث الأممي يستقيل - البوابة</title></head><body>
<div class="top-bar"><span class="today">الخميس 23 صفر 1446 هـ</span></div>
<div class="workarea"><h1 id="pagetitle">المبعوث الأممي يستقيل</h1>
<div class="news-detail"><span class="news-date-time">{dateline}</span>{body}</div></div>
<div class="footer">{footer}</div></body></html>"""


def extracted(html: str, url: str = f"{BASE}/news/arab/50502/") -> ExtractedArticle:
    result = extract_article(html, url)
    assert isinstance(result, ExtractedArticle), result
    return result


# -- Hijri dates ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "day"), [
    ("الثلاثاء 28 محرم 1445 هـ", date(2023, 8, 15)),  # the tabular and Umm al-Qura calendars agree
    ("الثلاثاء 21 صفر 1446 هـ", date(2024, 8, 27)),  # tabular: Umm al-Qura says Thursday the 23rd is 27 August
    ("الثلاثاء ٢١ صفر ١٤٤٦هـ", date(2024, 8, 27)),  # Arabic-Indic digits, the mark glued to the year
    ("الثلاثاء 26 صفر 1445 هـ", date(2023, 9, 12)),  # a day off
    ("23 صفر 1446 هـ", date(2024, 8, 27)),  # no weekday: Umm al-Qura's day
    ("19 رمضان 1445", date(2024, 3, 29)),  # a named month needs no mark
    ("1445/10/07 هـ", date(2024, 4, 16)),  # numeric dates need the mark, in either order
    ("07/10/1445هـ", date(2024, 4, 16)),
    ("الأحد 30 رجب 1440 هـ", date(2019, 4, 7)),  # a 30th of a month Umm al-Qura counts 29 days, moved to its Sunday
])
def test_a_hijri_date_is_its_gregorian_day(text, day):
    assert [d.value for d in find_hijri_dates(text)] == [day]


@pytest.mark.parametrize("text", ["رمضان 1445", "1445 هـ", "1445/10/07", "صفر 12 1445", "1342/01/01 هـ",
                                  "1501/01/01 هـ", "12 رمضان 2024"])
def test_no_hijri_date_where_none_is_whole(text):
    """A month and year, a bare year, a numeric date without the mark, outside Umm al-Qura's 1343-1500 AH."""
    assert find_hijri_dates(text) == []


def test_a_hijri_date_is_still_no_gregorian_one():
    assert find_text_dates("الثلاثاء 21 صفر 1446 هـ") == []


def test_a_hijri_dateline_dates_a_page_that_prints_no_gregorian_date():
    """Not the copyright year htmldate reads as 1 January, nor the top bar's today."""
    assert find_published(portal_page("الثلاثاء 21 صفر 1446 هـ"), f"{BASE}/news/arab/52266/") == ("2024-08-27", "hijri")


@pytest.mark.parametrize(("dateline", "url", "want"), [
    ("الثلاثاء 21 صفر 1446 هـ - 27 أغسطس 2024", f"{BASE}/news/arab/52266/", ("2024-08-27", "text")),
    ("الأحد 29 رجب 1440 هـ", f"{BASE}/2019/04/05/11872.html", ("2019-04-05", "url")),
])
def test_a_gregorian_date_of_the_story_comes_first(dateline, url, want):
    """A Gregorian date under the headline, or the URL's day (a print daily's), beats the Hijri dateline."""
    assert find_published(portal_page(dateline), url) == want


# -- presentation forms -------------------------------------------------------------------------------------------

def test_presentation_forms_are_read_as_their_letters():
    shaped = "ﺗﻌﻠﻦ ﻭﺯﺍﺭﺓ ﺍﻟﺪﻓﺎﻉ ﺍﻻﺷﺘﺒﺎﻛﺎﺕ ﻹﻃﻼﻕ"
    assert clean_space(shaped) == "تعلن وزارة الدفاع الاشتباكات لإطلاق"


def test_presentation_forms_in_visual_order_stay_as_printed():
    """An old renderer's reversed glyph runs (each word opens with a final glyph): their letters would spell each word
    backwards (Zyte's kabarislamia page keeps them so in its gold)."""
    visual = "ْﺐِﺒْﺣَﺃ َﻚَﺒﻴِﺒَﺣ ﺎًﻧْﻮَﻫ ﺎَﻣ"
    assert clean_space(visual) == visual


def test_block_a_ligatures_invisible_marks_and_tatweel():
    """ﷺ stays (a word of its own), zero-width and bidi marks go, tatweel stays as typed."""
    assert clean_space("قال\u200f النبي ﷺ\u200b إن الاشتبـــاكات") == "قال النبي ﷺ إن الاشتبـــاكات"


def test_a_statement_in_presentation_forms_is_stored_in_letters():
    shaped = "ﻭﺗﺤﺬﺭ ﺍﻟﻮﺯﺍﺭﺓ ﻛﻞ ﻣﻦ ﻳﺨﺮﻕ ﻫﺬﺍ ﺍﻻﺗﻔﺎﻕ ﺑﺄﻧﻪ ﺳﻴﻜﻮﻥ ﻫﺪﻓﺎ ﻣﺸﺮﻭﻋﺎ ﻟﻠﻘﻮﺍﺕ ﺍﻟﺤﻜﻮﻣﻴﺔ."
    body = "".join(f"<p>{p}</p>" for p in PARAS) + f"<p>{shaped}</p>"
    text = "\n".join(extracted(portal_page("الثلاثاء 21 صفر 1446 هـ", body=body)).paragraphs)
    assert "وتحذر الوزارة كل من يخرق هذا الاتفاق بأنه سيكون هدفا مشروعا للقوات الحكومية." in text
    assert not any("\ufe70" <= c <= "\ufefc" for c in text)


# -- a gallery's picture links --------------------------------------------------------------------------------------

CAPTIONS = [
    "واجهة منزل في حي الناصرية اخترقتها قذائف الاشتباكات التي دارت ليل الأحد بين مجموعتين مسلحتين.",
    "سيارات محترقة في الشارع الرئيسي للحي بعد تبادل إطلاق النار بالأسلحة الثقيلة.",
    "أطفال يتفقدون بقايا الرصاص الفارغ أمام مدرسة الناصرية التي علقت الدراسة فيها.",
    "سكان يزيلون الركام من أمام محالهم التجارية بعد عودة الهدوء الحذر إلى الحي.",
]


def gallery_item(n: int, caption: str) -> str:
    return (f'<div class="gallery-item"><a href="/post/x?lightbox=item{n}"><img src="/m/{n}.jpg" alt=""></a>'
            f'<div class="gallery-item-info"><div class="gallery-item-title"><span>{caption}</span></div>'
            f'<span class="gallery-counter">{n + 1} / {len(CAPTIONS)}</span></div></div>')


def test_a_gallery_post_keeps_every_caption_a_line():
    """trafilatura's link density test took each picture's empty link for a block of links and dropped its caption
    (in the container it reads, an <article>: where it finds none, its reading of the page's wild text kept them)."""
    items = "".join(gallery_item(n, c) for n, c in enumerate(CAPTIONS))
    html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>بالصور: آثار الاشتباكات | الموقع</title>
<meta property="og:type" content="article"></head><body><main><article><h1>بالصور: آثار الاشتباكات</h1>
<div class="post-content"><div class="pro-gallery">{items}</div></div></article></main></body></html>"""
    assert extracted(html, f"{BASE}/post/x").paragraphs == tuple(CAPTIONS)


def test_a_row_of_icon_links_stays_a_row_of_links():
    page = lxml.html.fromstring('<div><div class="share"><a href="/fb"><img src="fb.png"></a>'
                                '<a href="/x"><img src="x.png"></a> شارك الخبر</div>'
                                f'<div class="item"><a href="/big.jpg"><img src="s.jpg"></a><span>{CAPTIONS[0]}</span>'
                                '</div></div>')
    assert unwrap_picture_links(page) == 1
    assert len(page.xpath("//div[@class='share']/a")) == 2 and not page.xpath("//div[@class='item']/a")


# -- crossheads -----------------------------------------------------------------------------------------------------

def test_a_crosshead_between_paragraphs_is_kept_on_a_page_without_a_known_container():
    body = "".join(f"<p>{p}</p>" for p in PARAS[:2]) + "<h3>مواقف دولية</h3>" + f"<p>{PARAS[2]}</p>"
    paragraphs = extracted(portal_page("الثلاثاء 21 صفر 1446 هـ", body=body)).paragraphs
    assert paragraphs == (PARAS[0], PARAS[1], "مواقف دولية", PARAS[2])


@pytest.mark.parametrize(("html", "made"), [
    (f"<div><p>{PARAS[0]}</p><h3>مواقف دولية</h3><p>{PARAS[1]}</p></div>", 1),
    (f"<div><p>{PARAS[0]}</p><h3>الأكثر قراءة</h3><ul><li><a href='/a'>خبر</a></li></ul></div>", 0),  # a box title
    (f"<div><p>{PARAS[0]}</p><h3><a href='/s'>اقرأ أيضا</a></h3><p>{PARAS[1]}</p></div>", 0),  # a link
    (f"<div><p>{PARAS[0]}</p><h2>{PARAS[2]}</h2><p>{PARAS[1]}</p></div>", 0),  # too long for a crosshead
    (f"<div><p>شارك الخبر</p><h3>مواقف دولية</h3><p>{PARAS[1]}</p></div>", 0),  # not between two paragraphs
])
def test_only_a_crosshead_between_two_paragraphs_is_made_one(html, made):
    page = lxml.html.fromstring(html)
    assert crossheads_as_paragraphs(page) == made
