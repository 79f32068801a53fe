"""Search faults a black-box probe found (stop 36), through a real Datasette with the plugin (its in-process client):
phrases mean their words in order, date filters read Arabic-Indic digits, tashkeel is highlighted, ``?_search=``
never fails, and the search page and its canned queries read filter values with one parser."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from archive.catalogue.db import Catalogue, article_id
from archive.records import ExtractedArticle, Relevance
from crawler.web.app import build_datasette

# key: (title, body, published, relevant)
ARTICLES = {
    # the phrase in order, as written and with a clitic and tashkeel
    "ceasefire": ("هدنة في طرابلس", "أعلنت الحكومة وقف إطلاق النار في طرابلس مساء أمس.", "2019-07-15", True),
    "ceasefire-clitic": ("طرابلس تترقب", "رحبت البعثة بالاتفاق ووقفِ إطلاقِ النارِ في طرابلس.", "2019-08-20", True),
    # the same three words, neither adjacent nor in that order
    "scattered": ("حريق في طرابلس", "اشتعلت النار بعد إطلاق قذائف على طرابلس رغم وقف القتال.", "2020-01-05", False),
    "other": ("الكسكسي الليبي", "طبق الكسكسي في طرابلس وبنغازي.", "2018-12-30", False),
    # the matched word written with tashkeel, and a formula-looking opening
    "tashkeel": ("قرار جديد", "=SUM(A1:A9) " + "كلمة " * 40 + "أصدر المجلسُ الرِّئاسِيُّ قراراً.", "2019-09-01",
                 True),
}
PHRASE = '"وقف إطلاق النار"'


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    return {key: article_id(f"https://probe.example/{key}") for key in ARTICLES}


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir: Path = tmp_path_factory.mktemp("probe36")
    cat = Catalogue(data_dir / "catalogue.db")
    cat.upsert_outlets([{"name": "probe", "display_name": "Probe", "language": "ar"}])
    for key, (title, body, published, relevant) in ARTICLES.items():
        url = f"https://probe.example/{key}"
        art = ExtractedArticle(url=url, title=title, paragraphs=(body,), published=published, language="ar")
        cat.save_article(outlet="probe", canonical_url=url, article=art,
                         relevance=Relevance(relevant, 1.0 if relevant else 0.0, 1.0, 1.0), capture_id=None,
                         fetched_at="2026-01-01T00:00:00")
    cat.close()
    return build_datasette(data_dir)


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def page(ds: Any, query: str, extra: str = "") -> tuple[set[str], int, str]:
    """The hit ids, the total and the HTML of ``/search``."""
    html = get(ds, "/search?q=" + quote(query) + extra).text
    total = re.search(r'id="search-total">([\d,]+)<', html)
    return (set(re.findall(r'<li class="na-hit" data-id="([0-9a-f]{16})"', html)),
            int(total.group(1).replace(",", "")) if total else 0, html)


def canned(ds: Any, query: str, extra: str = "") -> set[str]:
    response = get(ds, "/catalogue/search_articles.json?_shape=array&q=" + quote(query) + extra)
    assert response.status_code == 200, response.text
    return {r["id"] for r in response.json()}


def table(ds: Any, query: str, name: str = "articles") -> tuple[set[str], int]:
    response = get(ds, f"/catalogue/{name}.json?_shape=objects&_col=id&_search=" + quote(query))
    assert response.status_code == 200, response.text
    body = response.json()
    return {r["id"] for r in body["rows"]}, body["filtered_table_rows_count"]


# -- 1. a phrase is its words in order, adjacent ------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    (PHRASE, {"ceasefire", "ceasefire-clitic"}),
    ('"النار إطلاق وقف"', set()),  # reversed
    ('"إطلاق قذائف"', {"scattered"}),
    (f"طرابلس -{PHRASE}", {"scattered", "other"}),  # an excluded phrase keeps the articles with the words apart
    (f"{PHRASE} OR الكسكسي", {"ceasefire", "ceasefire-clitic", "other"}),
])
def test_a_phrase_means_its_words_in_order_everywhere(ds: Any, ids: dict[str, str], query: str,
                                                      expected: set[str]) -> None:
    want = {ids[k] for k in expected}
    hits, total, _ = page(ds, query)
    assert hits == want and total == len(want)  # the count is of true hits
    assert canned(ds, query) == want
    counts = get(ds, "/catalogue/search_counts.json?_shape=array&q=" + quote(query)).json()
    assert sum(r["articles"] for r in counts) == len(want)
    for name in ("articles", "articles_view"):
        assert table(ds, query, name) == (want, len(want))


def test_the_near_span_finds_a_phrase_of_the_words_with_most_index_forms() -> None:
    from archive.corpus.arabic import stem_forms
    from archive.corpus.phrases import matches
    from archive.corpus.search import MAX_INDEX_FORMS, fts_query, index_text, parse_query

    worst = max((p + root + s for p in ("", "و", "فلل", "وبال", "كال") for root in ("كتب", "مدرس", "حكوم")
                 for s in ("", "تها", "يه", "هما", "ات")), key=lambda w: len(stem_forms(w)))
    assert len(stem_forms(worst)) == MAX_INDEX_FORMS == 15
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(title, search_text, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("insert into f (rowid, title, search_text) values (1, '', ?)",
                 [index_text("", "فللكتبتها فللمدرستها")])
    # the typed form is the first of the first word's 15 index forms, the second word's the last of its 15
    query = '"فللكتبتها للمدرست"'
    assert conn.execute("select rowid from f where f match ?", [fts_query(query)]).fetchall() == [(1,)]
    assert matches(parse_query(query), "", "فللكتبتها فللمدرستها")
    assert not matches(parse_query('"للمدرست فللكتبتها"'), "", "فللكتبتها فللمدرستها")


# -- 2. date filters in Arabic-Indic and Persian digits ----------------------------------------------------

@pytest.mark.parametrize(("name", "typed", "ascii_value"), [
    ("since", "٢٠١٩-٠٨-٠١", "2019-08-01"), ("since", "۲۰۱۹", "2019"), ("until", "٢٠١٨-١٢-٣١", "2018-12-31"),
    ("until", "۲۰۱۹-۰۸", "2019-08"),
])
def test_date_filters_read_arabic_indic_digits(ds: Any, name: str, typed: str, ascii_value: str) -> None:
    expected, _, _ = page(ds, "طرابلس", f"&{name}={ascii_value}")
    everything, _, _ = page(ds, "طرابلس")
    assert expected and expected < everything
    hits, _, html = page(ds, "طرابلس", f"&{name}={quote(typed)}")
    assert hits == expected and "is not a date" not in html
    assert canned(ds, "طرابلس", f"&{name}={quote(typed)}") == expected


# -- 3. highlighting a word written with tashkeel; the snippet keeps the signs a word is written with ----------

def test_a_word_with_tashkeel_is_highlighted(ds: Any, ids: dict[str, str]) -> None:
    _, _, html = page(ds, "الرئاسي")
    hit = html.split(f'data-id="{ids["tashkeel"]}"')[1].split("</li>")[0]
    assert "<mark>الرِّئاسِيُّ</mark>" in hit
    rows = get(ds, "/catalogue/search_articles.json?_shape=array&q=" + quote("المجلس الرئاسي")).json()
    assert "<mark>المجلسُ</mark> <mark>الرِّئاسِيُّ</mark>" in rows[0]["snippet"]


def test_the_snippet_keeps_whole_written_words() -> None:
    from archive.corpus.search import highlight_html, snippet_html

    text = "=SUM(A1:A9) طرابلس: قالت مصادر إن الهدنة ما زالت هشة. " + "كلمة " * 60 + "«نهاية»"
    assert snippet_html(text, "طرابلس", words=12).startswith("=SUM(A1:A9) <mark>طرابلس</mark>: قالت")
    assert snippet_html(text, "نهاية", words=5) == "… كلمة كلمة كلمة كلمة «<mark>نهاية</mark>»"
    assert snippet_html(text, "الهدنة", words=5) == "… إن <mark>الهدنة</mark> ما زالت هشة. …"
    assert highlight_html("ووقفِ إطلاقِ", "وقف") == "<mark>ووقفِ</mark> إطلاقِ"


# -- 4. ?_search= never fails --------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["؟", "،", "?", "-", "*", "OR", "NOT طبرق", "-طرابلس", "(", "'", '"', '-"'])
def test_table_search_answers_every_input_like_the_search_page(ds: Any, query: str) -> None:
    hits, _, _ = page(ds, query)
    assert table(ds, query) == (hits, len(hits)) == (set(), 0)
    assert get(ds, "/catalogue/articles?_view=table&_search=" + quote(query)).status_code == 200


# -- 5. the page and its canned queries read filter values alike ---------------------------------------------

@pytest.mark.parametrize(("extra", "same_as"), [
    ("&relevant=0", ""), ("&relevant=no", ""), ("&relevant=yes", "&relevant=1"), ("&relevant=on", "&relevant=1"),
    ("&since=20190801", "&since=2019-08-01"), ("&since=2019-8-1", "&since=2019-08-01"),
    ("&until=2019/8", "&until=2019-08"),
])
def test_the_page_and_its_json_agree_on_every_accepted_value(ds: Any, extra: str, same_as: str) -> None:
    hits, _, html = page(ds, "طرابلس", extra)
    assert hits == page(ds, "طرابلس", same_as)[0]
    assert "message-error" not in html
    assert canned(ds, "طرابلس", extra) == hits
    json_link = unescape(re.search(r'href="([^"]+)" id="export-json"', html).group(1))
    assert {r["id"] for r in get(ds, json_link).json()} == hits


@pytest.mark.parametrize(("extra", "message"), [
    ("&since=yesterday", "since: 'yesterday' is not a date"),
    ("&until=2019-02-30", "until: '2019-02-30' is not a date"),
    ("&relevant=maybe", "relevant: 'maybe' is not 1 or 0"),
])
def test_a_rejected_value_warns_on_the_page_and_is_an_error_in_json(ds: Any, extra: str, message: str) -> None:
    hits, _, html = page(ds, "طرابلس", extra)
    assert hits == page(ds, "طرابلس")[0]  # the page runs without that filter, and says so
    assert message in unescape(html)
    for path in ("search_articles.json", "search_counts.json", "search_articles.csv"):
        response = get(ds, f"/catalogue/{path}?q=" + quote("طرابلس") + extra)
        assert response.status_code == 400 and message in response.text
    assert get(ds, "/catalogue/search_articles.json?q=" + quote("طرابلس") + extra).json()["error"].startswith(message)


def test_a_phrase_with_more_candidates_than_the_window_counts_the_newest(ds: Any, ids: dict[str, str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.catalogue import searching

    monkeypatch.setattr(searching, "PHRASE_WINDOW", 2)  # candidates: ceasefire, ceasefire-clitic, scattered
    hits, total, html = page(ds, PHRASE)
    assert hits == {ids["ceasefire-clitic"]} and total == 1  # the two newest candidates, checked
    assert 'id="phrase-note"' in html and "among the 2 most recently" in html
    assert table(ds, PHRASE) == (hits, 1)
    assert 'id="phrase-note"' not in page(ds, '"إطلاق قذائف"')[2]
