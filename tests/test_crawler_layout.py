"""Tests of crawler.layout: layout tables become blocks, data tables stay, <br><br> runs become paragraphs."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.layout import is_data_table, normalise_layout, split_br_paragraphs

LONG = "نص طويل من فقرة في مقال إخباري عن الأحداث الجارية في ليبيا " * 6


@pytest.mark.parametrize(
    ("html", "data"),
    [
        ("<table><tr><th>المدينة</th><th>العدد</th></tr><tr><td>طرابلس</td><td>12</td></tr></table>", True),
        ("<table>" + "".join(f"<tr><td>{i}</td><td>{i * 2}</td><td>{i * 3}</td></tr>" for i in range(6)) + "</table>",
         True),
        ("<table><tr><td><table><tr><td>x</td></tr></table></td><td>y</td></tr></table>", False),
        (f"<table><tr><td>{LONG}</td></tr></table>", False),
        ("<table><tr><td>الرئيسية</td><td>ليبيا</td><td>رياضة</td></tr></table>", False),
        ('<table role="presentation"><tr><th>a</th><th>b</th></tr></table>', False),
        ("<table><caption>النتائج</caption><tr><td>1</td></tr></table>", True),
        ("<table><tr><td>أ<br><br>ب<br><br>ج</td><td>د</td></tr><tr><td>1</td><td>2</td></tr></table>", False),
    ],
)
def test_is_data_table(html: str, data: bool) -> None:
    table = next(lxml.html.fromstring(f"<html><body>{html}</body></html>").iter("table"))
    assert is_data_table(table) is data


def test_layout_table_becomes_divs_and_data_table_stays() -> None:
    page = lxml.html.fromstring(
        f"<html><body><table width='780'><tr><td>{LONG}<table><tr><th>a</th><th>b</th></tr>"
        "<tr><td>1</td><td>2</td></tr></table></td><td>قائمة</td></tr></table></body></html>"
    )
    normalise_layout(page)
    assert [t.tag for t in page.iter("table")] == ["table"]
    assert page.find(".//th") is not None


def test_br_runs_become_paragraphs_keeping_inline_markup_and_single_breaks() -> None:
    holder = lxml.html.fromstring(
        '<html><body><font size="2">الأول <b>مهم</b><br><br>\r\nالثاني<br>سطر<br> <br><br>الثالث</font></body></html>'
    )
    assert split_br_paragraphs(holder) == 3
    paragraphs = [p.text_content().strip() for p in holder.iter("p")]
    assert paragraphs == ["الأول مهم", "الثانيسطر", "الثالث"]
    assert holder.find(".//p/b") is not None and holder.find(".//p/br") is not None
    assert holder.find(".//font") is None  # an inline wrapper holding paragraphs becomes a block


def test_page_without_br_runs_is_untouched() -> None:
    holder = lxml.html.fromstring("<html><body><p>أ<br>ب</p></body></html>")
    before = lxml.html.tostring(holder)
    assert split_br_paragraphs(holder) == 0
    assert lxml.html.tostring(holder) == before
