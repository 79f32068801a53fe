"""Tests of crawler.extraction.layout: layout tables become blocks, data tables stay, <br><br> runs become paragraphs."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction.layout import is_data_table, normalise_layout, split_br_paragraphs

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
        # a listing: four rows of one width, prose cells and all (a job board, a course list); three rows are layout
        ("<table>" + f"<tr><td><a href='/j'>وظيفة</a></td><td>{LONG}<br><br>{LONG}</td><td>طرابلس</td></tr>" * 4
         + "</table>", True),
        ("<table>" + f"<tr><td><a href='/j'>وظيفة</a></td><td>{LONG}<br><br>{LONG}</td><td>طرابلس</td></tr>" * 3
         + "</table>", False),
        ("<table>" + f"<tr><td>{LONG}</td></tr>" * 5 + "</table>", False),  # one column: a page's blocks
        ("<table><tr><td colspan=2>رأس</td></tr>" + f"<tr><td>قائمة</td><td>{LONG}</td></tr>" * 4 + "</table>", False),
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
    assert normalise_layout(page) == (1, 0)  # one layout table turned, no <br><br> run
    assert [t.tag for t in page.iter("table")] == ["table"]
    assert normalise_layout(page) == (0, 0)  # nothing left to change
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


def test_flatten_deep_html_unwraps_only_past_the_limit() -> None:
    from crawler.extraction.layout import flatten_deep_html

    page = ("<!DOCTYPE html><html><body>" + "<div class=w>" * 400 + "<p>نص &amp; <a href=/x>مهم</a> سطر</p>"
            + "</div>" * 400 + "<p>بعد</p></body></html>")
    flat, depth = flatten_deep_html(page, 50)
    assert depth == 404  # html, body, 400 divs, p, a
    assert flat.count("<div class=w>") == 48 and flat.count("</div>") == 48
    root = lxml.html.fromstring(flat)
    assert max(sum(1 for _ in e.iterancestors()) for e in root.iter()) < 60
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == ["نص & مهم سطر", "بعد"]
    assert root.find(".//p/a").text == "مهم"  # only the wrappers went: the paragraph and its link stay


def test_flatten_deep_html_keeps_a_shallow_page() -> None:
    from crawler.extraction.layout import flatten_deep_html

    page = "<html><body><div><p>أ</p><img src=x.png><p>ب</p></div><script>if (a < b) {}</script></body></html>"
    assert flatten_deep_html(page, 50) == (page, 4)


@pytest.mark.parametrize(("colspan", "span"), [("3", 3), ("²", 1), ("٣", 1), ("x", 1), ("500", 1)])
def test_a_colspan_is_read_in_ascii_digits_only(colspan: str, span: int) -> None:
    """str.isdigit() accepts "²" (int() refuses it) and "٣": HTML reads ASCII digits only, so both are 1, never a crash."""
    from crawler.extraction.layout import _colspan

    assert _colspan(lxml.html.fromstring(f'<td colspan="{colspan}">x</td>')) == span
