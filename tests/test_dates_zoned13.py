"""A time printed under the headline with no zone, inside a ``<time datetime>`` that gives the same moment with its
offset, is that moment (unseen styles round 13: a Next.js outlet prints ``<time dateTime="2023-05-24T10:15:00.000Z">``
around "الأربعاء 24 مايو 2023 - 12:15", Libya's time): before, the zone-less local time was stored and the instant
lost (the outlet names no timezone, so the catalogue kept the day alone)."""

from __future__ import annotations

import pytest

from crawler.extraction.dates import find_published

HEAD = '<html lang="ar"><head><title>t</title></head><body><article><h1>لجنة 5+5 تبحث في تونس آلية إخراج المرتزقة</h1>'


def page(byline: str, tail: str = "") -> str:
    return (f'{HEAD}<p class="excerpt">اللجنة العسكرية المشتركة تستأنف اجتماعاتها.</p><div class="meta">{byline}</div>'
            f"<p>{'نص الخبر ' * 40}</p></article>{tail}</body></html>")


@pytest.mark.parametrize(("byline", "want"), [
    ('<time dateTime="2023-05-24T10:15:00.000Z">الأربعاء 24 مايو 2023 - 12:15</time>', "2023-05-24T10:15:00+00:00"),
    ('<time datetime="2023-05-24T21:40:00Z">الأربعاء ٢٤ مايو ٢٠٢٣ - ٢٣:٤٠</time>', "2023-05-24T21:40:00+00:00"),
    # a zone west of Greenwich, and one on the next UTC day
    ('<time datetime="2023-05-25T01:30:00Z">May 24, 2023 21:30</time>', "2023-05-25T01:30:00+00:00"),
])
def test_the_time_elements_moment_is_taken(byline, want):
    assert find_published(page(byline), "https://x.ly/article/1", local_times=True) == (want, "time")


@pytest.mark.parametrize(("byline", "tail"), [
    # the printed time is another one than the element's (an update stamp beside the publication's text)
    ('<span>الأربعاء 24 مايو 2023 - 12:15</span>', '<aside><time datetime="2023-05-24T10:15:00Z">منذ ساعتين</time></aside>'),
    # the element's moment is not that local time in any zone (15 minutes into no quarter hour)
    ('<time datetime="2023-05-24T10:08:00Z">الأربعاء 24 مايو 2023 - 12:15</time>', ""),
    # more than 14 hours apart: another day's moment
    ('<time datetime="2023-05-23T10:15:00Z">الأربعاء 24 مايو 2023 - 12:15</time>', ""),
])
def test_a_time_element_that_is_not_the_printed_moment_is_not_taken(byline, tail):
    assert find_published(page(byline, tail), "https://x.ly/article/1", local_times=True) == ("2023-05-24T12:15", "text")
