"""Dates in the Libyan (Jamahiriya) calendar of 1978-2011: its month names, years from the Prophet's death (+632)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.extraction.arabic_dates import find_text_dates
from crawler.extraction.dates import find_published


@pytest.mark.parametrize("text, expected", [
    ("طرابلس 15 الفاتح 1379 و.ر. (أوج)", date(2011, 9, 15)),  # JANA's dateline
    ("الأحد 20 هانيبال 1379 و.ر", date(2011, 8, 20)),
    ("نشر بتاريخ ٢٠ النوار ١٣٧٩", date(2011, 2, 20)),  # Arabic-Indic digits
    ("يوم 3 ناصر 1378 من وفاة الرسول", date(2010, 7, 3)),
    ("1 أي النار 1379", date(2011, 1, 1)),
    ("31 الكانون 1378", date(2010, 12, 31)),
    ("الأربعاء 20 الطير 2011", date(2011, 4, 20)),  # the Libyan month with the Gregorian year
    ("3 الفاتح 2009 م", date(2009, 9, 3)),
])
def test_libyan_calendar_dates(text, expected):
    assert [found.value for found in find_text_dates(text)] == [expected]


@pytest.mark.parametrize("text", [
    "جاء الربيع 2011 مبكرا هذا العام",  # spring, a Gregorian year: no Libyan date
    "في 5 الماء من العام",  # no year
    "ثورة الفاتح من سبتمبر 1969",  # the revolution's name, not a Libyan date
    "30 النوار 1379",  # no 30th of February
    "12 الصيف 1420",  # out of the calendar's era (1346-1380)
    "5 ناصر 1975",  # a Gregorian year before the calendar (1978-2011)
    "20 الطير 2015",  # and after it
])
def test_words_that_are_no_libyan_date(text):
    assert find_text_dates(text) == []


def test_a_state_media_page_dated_in_the_libyan_calendar():
    html = """<html><head><title>وكالة الجماهيرية للأنباء</title></head><body>
      <h1>اللجنة الشعبية العامة تعقد اجتماعها الدوري في سرت</h1>
      <div class="date">الأحد 20 هانيبال 1379 و.ر.</div>
      <p>عقدت اللجنة الشعبية العامة اجتماعها الدوري اليوم في مدينة سرت لمناقشة عدد من الملفات.</p>
      <p>وتناول الاجتماع الأوضاع الأمنية والخدمية في عدد من المدن وما تحتاجه من دعم.</p></body></html>"""
    found = find_published(html, "http://jana.example/news.php?id=1", datetime(2011, 9, 1, tzinfo=UTC))
    assert found is not None and found[0] == "2011-08-20", found


# An ASP.NET WebForms portal of the 2000s: the whole page inside its one server form, the site's name as <title>, the
# headline in a <span class="title"> (no <h1>), the day's date in the top bar and the story's date under the headline
# (found by a black-box probe at stop 35: the top bar's "today" was stored as the publication date).
PORTAL = """<html dir="rtl"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>شبكة الأخبار الليبية - تفاصيل الخبر</title></head><body>{open}
<input type="hidden" name="__VIEWSTATE" value="dDwtMTI3OTMzNDM4NDs7Pg==" />
<table width="780"><tr><td class="TopBar"><span class="Today">الاثنين 7 ديسمبر 2026</span> | <a href="/">الرئيسية</a></td></tr>
<tr><td><span class="title">طائرات حلف الناتو تشن غارات جديدة على مواقع عسكرية في طرابلس</span></td></tr>
<tr><td class="NewsDate"><span class="date">{date}</span> - <span class="source">المصدر: وكالات</span></td></tr>
<tr><td class="NewsText">شنت طائرات حلف شمال الأطلسي فجر اليوم سلسلة غارات جديدة على مواقع عسكرية في العاصمة طرابلس.<br><br>
وقال متحدث باسم الحكومة في طرابلس إن الغارات أسفرت عن سقوط ضحايا مدنيين، متهماً الحلف بتجاوز تفويض قرار مجلس الأمن.<br><br>
في المقابل، أكد الحلف أن الغارات استهدفت مراكز قيادة وسيطرة، وأن العمليات ستستمر حتى يتوقف استهداف المدنيين.</td></tr>
<tr><td>جميع الحقوق محفوظة 2005</td></tr></table>{close}</body></html>"""


@pytest.mark.parametrize("open_form, close_form", [
    ('<form name="Form1" method="post" action="NewsDetails.aspx" id="Form1">', "</form>"),  # the server form
    ('<div id="page"><form id="aspnetForm" method="post" action="x.aspx">', "</form></div>"),  # one level down
])
@pytest.mark.parametrize("shown, expected", [
    ("الأربعاء 20 الطير 1379 و.ر", "2011-04-20"),
    ("الأربعاء 20 الطير 2011", "2011-04-20"),
    ("الأربعاء 20 أبريل 2011", "2011-04-20"),
])
def test_a_webforms_portal_dates_its_story_not_its_top_bar(open_form, close_form, shown, expected):
    from crawler.extraction.article import extract_article

    html = PORTAL.format(open=open_form, close=close_form, date=shown)
    article = extract_article(html, "http://portal.example/NewsDetails.aspx?NewsID=103&CatID=4",
                              datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    assert article.title == "طائرات حلف الناتو تشن غارات جديدة على مواقع عسكرية في طرابلس"
    assert article.published == expected
