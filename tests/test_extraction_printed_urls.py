"""A web address printed as text is no prose that a reading can lose (crawler/extraction/body.py ``lost_prose``,
crawler/extraction/glyphs.py ``without_urls``): a print view read as grid rows, whose "link to this story" row held
the site's address, lost more the longer that address was."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.extraction.body import PROSE_LOSS, lost_prose
from crawler.extraction.glyphs import without_urls

STORY = ("شهدت أسواق الماشية في عدد من العواصم العربية ارتفاعا ملحوظا في أسعار الأضاحي قبل أيام من عيد الأضحى",
         "وقال تجار إن الطلب تراجع هذا العام مقارنة بالأعوام الماضية، بسبب ارتفاع الأسعار وتراجع القدرة الشرائية")


def _print_view(address: str) -> tuple[str, ...]:
    """trafilatura's reading of a one-column print table: headline, date, story, address and footer rows."""
    return ("| ارتفاع أسعار الأضاحي في الأسواق العربية قبل عيد الأضحى |", "| تاريخ النشر: 2019-06-05 08:30 |",
            f"| {STORY[0]} {STORY[1]} |", f"| رابط الخبر: {address} |", "| طبع من موقع المرصد العربي |")


@pytest.mark.parametrize("address", ["http://h/news/7752/", "http://127.0.0.162:36723/news/7752/",
                                     "https://www.almarsad-alarabi.example.com/ar/news/2019/06/05/7752/"])
def test_the_address_printed_in_a_print_view_is_not_lost_prose(address: str) -> None:
    lost = lost_prose(STORY, _print_view(address), Counter())
    assert lost <= PROSE_LOSS
    assert lost == pytest.approx(lost_prose(STORY, _print_view("http://h/"), Counter()), abs=0.05)


def test_a_sentence_left_out_still_counts() -> None:
    reference = (*STORY, "وأضاف التجار أن الأسعار قد ترتفع أكثر في الأيام المقبلة إذا استمر تراجع المعروض في الأسواق")
    assert lost_prose(STORY, reference, Counter()) > 0.25


@pytest.mark.parametrize(("text", "expected"), [
    ("رابط الخبر: http://127.0.0.1:8080/news/1/ انتهى", "رابط الخبر:   انتهى"),
    ("www.example.ly/a?b=1 المصدر", "  المصدر"),
    ("لا عنوان هنا", "لا عنوان هنا"),
])
def test_without_urls(text: str, expected: str) -> None:
    assert without_urls(text) == expected
