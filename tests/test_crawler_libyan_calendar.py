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
])
def test_libyan_calendar_dates(text, expected):
    assert [found.value for found in find_text_dates(text)] == [expected]


@pytest.mark.parametrize("text", [
    "جاء الربيع 2011 مبكرا هذا العام",  # spring, a Gregorian year: no Libyan date
    "في 5 الماء من العام",  # no year
    "ثورة الفاتح من سبتمبر 1969",  # the revolution's name, not a Libyan date
    "30 النوار 1379",  # no 30th of February
    "12 الصيف 1420",  # out of the calendar's era (1346-1380)
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
