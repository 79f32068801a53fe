"""The reading room through Datasette's own client: ranked search with highlights, filters and counts, the landing
page, the articles view, right-to-left isolation, mentions over time and the canned queries behind them."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import re
import sqlite3
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from test_crawler_serve import DELETED_KEY, OUTLET_NAMES, add_events_table, build_sample_catalogue

from crawler.web import search as search_module
from crawler.web.app import build_datasette
from crawler.web.cells import evidence_cell, isolate, url_cell
from crawler.web.charts import mentions_per_week_svg


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("data")
    built = build_sample_catalogue(data_dir)
    add_events_table(data_dir, built["ids"][DELETED_KEY])
    return {"data_dir": data_dir, **built}


@pytest.fixture(scope="module")
def ds(sample: dict[str, Any]) -> Any:
    return build_datasette(sample["data_dir"])


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def _hits(html: str) -> list[str]:
    return re.findall(r'<li class="na-hit" data-id="([0-9a-f]{16})"', html)


def _sql(sample: dict[str, Any], sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(sample["data_dir"] / "catalogue.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- cells --------------------------------------------------------------------------------------------------

def test_isolate_keeps_a_datetime_reading_left_to_right() -> None:
    html = str(isolate("نشر في 2019-08-09T18:20:00+02:00 عن رويترز Reuters وقتل 30 شخصا"))
    assert '<bdi dir="ltr">2019-08-09T18:20:00+02:00</bdi>' in html
    assert '<bdi dir="ltr">Reuters</bdi>' in html
    assert "وقتل 30 شخصا" in html  # a plain number reads right on its own
    assert str(isolate("<script>")) == '&lt;<bdi dir="ltr">script</bdi>&gt;'  # escaped, never markup


def test_evidence_becomes_chips_and_urls_read_decoded() -> None:
    evidence = json.dumps([["طرابلس", "libya_place", 2.0, 3], ["قصف", "conflict", 1.0, 1]] * 4, ensure_ascii=False)
    html = str(evidence_cell(evidence))
    assert html.count('class="na-chip na-chip-place"') == 3 and "×3" in html and "+2" in html
    assert evidence_cell("not json") is None
    link = str(url_cell("https://x.example/news/%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3"))
    assert ">https://x.example/news/طرابلس<" in link and 'href="https://x.example/news/%D8%B7' in link


# -- search -------------------------------------------------------------------------------------------------

def test_search_page_ranks_best_match_first_and_highlights(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/search?q=" + quote("بالوطيه")).text  # clitic and ه for ة: the article writes الوطية
    hits = _hits(html)
    assert hits[0] == sample["ids"]["legacy-watiya"]
    first = html.split('<li class="na-hit"')[1]
    assert "<mark>الوطية</mark>" in first  # in the headline and in the snippet, in the article's own spelling
    assert first.count("<mark>") >= 2
    ranks = [float(r) for r in re.findall(r'data-rank="([-0-9.e]+)"', html)]
    assert ranks == sorted(ranks, reverse=True)


def test_search_ranking_puts_the_article_about_it_above_passing_mentions(ds: Any, sample: dict[str, Any]) -> None:
    rows = _sql(sample, "select id, title, text from articles")
    scores = {aid: (title + " " + text).count("المسماري") for aid, title, text in rows}
    hits = _hits(get(ds, "/search?q=" + quote("المسماري")).text)
    assert set(hits) == {aid for aid, n in scores.items() if n}
    assert scores[hits[0]] == max(scores.values())


def test_a_query_with_more_hits_than_the_window_ranks_the_newest(ds: Any, sample: dict[str, Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "RANK_WINDOW", 3)
    html = get(ds, "/search?q=" + quote("طرابلس")).text
    newest = [r[0] for r in _sql(sample, "select id from articles where rowid in (select rowid from articles_fts "
                                         "where articles_fts match 'طرابلس' order by rowid desc limit 3)")]
    assert sorted(_hits(html)) == sorted(newest)
    assert 'id="rank-note"' in html and "ranked among the 3 most recently archived" in html
    assert int(re.search(r'id="search-total">(\d+)<', html).group(1)) > 3  # the counts still cover every hit
    filtered = _hits(get(ds, "/search?q=" + quote("طرابلس") + "&outlet=" + OUTLET_NAMES["legacy"]).text)
    assert len(filtered) == 3 and all(  # the window holds the newest hits that pass the filters
        _sql(sample, "select outlet from articles where id = ?", [i])[0][0] == OUTLET_NAMES["legacy"] for i in filtered)


def test_search_filters(ds: Any, sample: dict[str, Any]) -> None:
    q = quote("طرابلس")
    everything = set(_hits(get(ds, f"/search?q={q}").text))
    outlet = OUTLET_NAMES["legacy"]
    by_outlet = set(_hits(get(ds, f"/search?q={q}&outlet={outlet}").text))
    assert by_outlet and by_outlet < everything
    assert all(_sql(sample, "select outlet from articles where id = ?", [i])[0][0] == outlet for i in by_outlet)
    relevant = set(_hits(get(ds, f"/search?q={q}&relevant=1").text))
    assert relevant == {i for i in everything if _sql(sample, "select relevant from articles where id = ?", [i])[0][0]}
    assert relevant < everything
    in_july = set(_hits(get(ds, f"/search?q={q}&since=2019-07&until=2019-07").text))
    dates = {i: _sql(sample, "select published from articles where id = ?", [i])[0][0] for i in everything}
    assert in_july == {i for i, d in dates.items() if d.startswith("2019-07")} and in_july
    assert _hits(get(ds, f"/search?q={q}&language=en").text) == []
    arabic = {i for i in everything if _sql(sample, "select language from articles where id = ?", [i])[0][0] == "ar"}
    assert arabic and set(_hits(get(ds, f"/search?q={q}&language=ar").text)) == arabic


def test_search_counts_per_outlet_and_month_add_up(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/search?q=" + quote("طرابلس")).text
    total = int(re.search(r'id="search-total">([\d,]+)<', html).group(1).replace(",", ""))
    hits = set(_hits(html))
    assert total == len(hits)  # one page holds them all in the sample
    per_outlet = re.findall(r'<li><a href="[^"]+">([^<]+)</a> <bdi dir="ltr" class="na-count">(\d+)</bdi>',
                            html.split('id="per-outlet"')[1].split("</ul>")[0])
    expected = {}
    marks = ",".join("?" * len(hits))
    for (outlet,) in _sql(sample, f"select outlet from articles where id in ({marks})", sorted(hits)):
        expected[outlet] = expected.get(outlet, 0) + 1
    assert {o: int(n) for o, n in per_outlet} == expected
    months = re.findall(r'class="na-count">(\d+)</bdi>', html.split('id="per-month"')[1].split("</ul>")[0])
    assert sum(int(n) for n in months) == total


def test_bad_date_filter_is_reported_not_fatal(ds: Any) -> None:
    response = get(ds, "/search?q=" + quote("طرابلس") + "&since=yesterday")
    assert response.status_code == 200
    assert "since: &#39;yesterday&#39; is not a date" in response.text
    assert _hits(response.text)  # the search still ran, without that filter


@pytest.mark.parametrize("query", ["", "   ", "\"", "OR", "-طرابلس", "()*:^"])
def test_search_never_fails_on_odd_input(ds: Any, query: str) -> None:
    assert get(ds, "/search?q=" + quote(query)).status_code == 200
    response = get(ds, "/catalogue/search_articles.json?_shape=array&q=" + quote(query))
    assert response.status_code == 200 and response.json() == []


def test_search_json_and_csv_are_the_page_in_the_same_order(ds: Any, sample: dict[str, Any]) -> None:
    q = quote("طرابلس")
    page = _hits(get(ds, f"/search?q={q}&relevant=1").text)
    rows = get(ds, f"/catalogue/search_articles.json?_shape=array&q={q}&relevant=1").json()
    assert [r["id"] for r in rows] == page
    assert all("<mark>طرابلس</mark>" in r["snippet"] or "<mark>" in r["snippet"] for r in rows)
    assert rows[0]["score"] >= rows[-1]["score"]
    # UTF-8 with a BOM, as `newsarchive export --format csv` writes it (tests/test_reading_room_probe36b.py)
    text = get(ds, f"/catalogue/search_articles.csv?q={q}&relevant=1&_size=max").content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in table] == page
    counts = get(ds, f"/catalogue/search_counts.json?_shape=array&q={q}&relevant=1").json()
    assert sum(r["articles"] for r in counts) == len(page)


def test_search_page_links_its_json_and_csv(ds: Any) -> None:
    html = get(ds, "/search?q=" + quote("طرابلس") + "&outlet=" + OUTLET_NAMES["feed"]).text
    csv_link = unescape(re.search(r'href="([^"]+)" id="export-csv"', html).group(1))
    json_link = unescape(re.search(r'href="([^"]+)" id="export-json"', html).group(1))
    assert get(ds, csv_link).headers["content-type"].startswith("text/plain") or csv_link.startswith(
        "/catalogue/search_articles.csv")
    assert get(ds, csv_link).status_code == 200
    assert [r["outlet"] for r in get(ds, json_link).json()] == [OUTLET_NAMES["feed"]] * len(get(ds, json_link).json())
    assert "newsarchive export --format csv" in html and "--outlet " + OUTLET_NAMES["feed"] in html


def test_an_html_table_search_goes_to_the_ranked_page(ds: Any) -> None:
    q = quote("طرابلس")
    for table in ("articles", "articles_view"):
        response = get(ds, f"/catalogue/{table}?_search={q}&outlet=x")
        assert response.status_code == 302
        assert response.headers["location"] == f"/search?q={q}&outlet=x"
    assert get(ds, f"/catalogue/articles.json?_search={q}").status_code == 200  # the API is left alone
    assert get(ds, f"/catalogue/articles?_search={q}&_view=table").status_code == 200
    assert get(ds, f"/catalogue/articles?_search={q}&_searchmode=raw").status_code == 200


def test_the_view_searches_like_the_table(ds: Any, sample: dict[str, Any]) -> None:
    q = quote("بالوطيه")
    view = get(ds, f"/catalogue/articles_view.json?_search={q}&_shape=array&_col=id").json()
    table = get(ds, f"/catalogue/articles.json?_search={q}&_shape=array&_col=id").json()
    assert {r["id"] for r in view} == {r["id"] for r in table} == {sample["ids"]["legacy-watiya"]}


def test_snippet_column_lets_only_mark_through(ds: Any) -> None:
    sql = "select '<script>alert(1)</script><mark>x</mark>' as snippet"
    html = get(ds, "/catalogue?sql=" + quote(sql)).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>x</mark>" in html


# -- the catalogue that reads --------------------------------------------------------------------------------

def test_landing_page_leads_with_search_and_latest_articles(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/").text
    assert html.index('action="/search"') < html.index('id="latest"') < html.index('id="tables"')
    tables = re.findall(r'<dt><a href="/catalogue/([a-z_]+)">', html)
    assert tables[:2] == ["articles_view", "articles"]
    assert tables.index("articles") < tables.index("captures") < tables.index("frontier")
    assert tables.index("stories") < tables.index("story_bands")
    latest = re.findall(r'href="/article/([0-9a-f]{16})"', html.split('id="latest"')[1].split("</ol>")[0])
    newest = [r[0] for r in _sql(sample, "select id from articles where relevant = 1 and published is not null "
                                         "order by published desc limit 8")]
    assert latest == newest
    # each of them shows its outlet, date, relevance and an excerpt, not only a title
    block = html.split('id="latest"')[1].split("</ol>")[0]
    assert block.count('class="na-outlet"') == len(latest) and block.count('class="na-date"') == len(latest)
    assert block.count("relevance ") == len(latest)
    assert all(len(re.sub(r"<[^>]+>", "", p).strip()) > 20
               for p in re.findall(r'class="na-hit-snippet"[^>]*>(.*?)</p>', block, re.S))


def test_articles_view_leads_with_title_outlet_published_relevance_excerpt(ds: Any) -> None:
    data = get(ds, "/catalogue/articles_view.json?_size=1").json()
    assert data["columns"][:6] == ["title", "outlet", "published", "relevance", "excerpt", "evidence"]
    html = get(ds, "/catalogue/articles_view").text
    assert 'class="na-chips"' in html and 'class="na-url"' in html and 'class="na-title"' in html
    # column descriptions one click away, after the table's description, not a list above the rows
    assert '<details class="na-column-descriptions"' in html
    assert html.index('<details class="na-column-descriptions"') < html.index('<table class="rows-and-columns">')
    assert "suggested-facets" not in html


def test_article_byline_date_is_isolated(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/article/" + sample["ids"]["feed-un-truce"]).text
    assert re.search(r'<bdi dir="ltr"><time datetime="2019-08-09T[^"]+" id="byline-date">2019-08-09T', html)


def test_dates_in_tables_are_one_isolated_line(ds: Any) -> None:
    html = get(ds, "/catalogue/articles_view").text
    assert re.search(r'<bdi dir="ltr" class="na-when" title="2019-08-09T\d\d:\d\d:\d\d\+02:00">2019-08-09 \d\d:\d\d '
                     r'<small>\+02:00</small></bdi>', html)


# -- mentions -------------------------------------------------------------------------------------------------

def test_mentions_rows_are_the_named_evidence_of_every_article(sample: dict[str, Any]) -> None:
    named = {"libya_place", "libya_actor", "libya_armed", "libya_political"}
    expected = set()
    for aid, terms in _sql(sample, "select id, matched_terms from articles"):
        expected |= {(aid, t[0]) for t in json.loads(terms) if t[1] in named}
    got = set(_sql(sample, "select article_id, term from mentions"))
    assert got == expected and got


def test_mentions_page_charts_the_term_per_week_per_outlet(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/mentions?term=" + quote("طرابلس")).text
    lines = re.findall(r'<polyline class="na-line" points="([^"]+)"[^>]* data-outlet="([^"]+)" data-total="(\d+)" '
                       r'data-peak-week="([\d-]+)" data-peak="(\d+)"', html)
    expected = _sql(sample, "select outlet, week, count(*) from mentions where term = 'طرابلس' group by outlet, week")
    per_outlet: dict[str, dict[str, int]] = {}
    for outlet, week, n in expected:
        per_outlet.setdefault(outlet, {})[week] = n
    assert {o: int(total) for _, o, total, _, _ in lines} == {o: sum(w.values()) for o, w in per_outlet.items()}
    weeks = int(re.search(r'data-weeks="(\d+)"', html).group(1))
    first, last = min(w for _, w, _ in expected), max(w for _, w, _ in expected)
    assert weeks == (date.fromisoformat(last) - date.fromisoformat(first)).days // 7 + 1  # every week, zeros too
    for points, outlet, _, peak_week, peak in lines:
        assert len(points.split()) == weeks
        assert int(peak) == max(per_outlet[outlet].values()) and per_outlet[outlet][peak_week] == int(peak)
    assert 'id="mentions-per-outlet"' in html and 'id="compare-link"' in html


def test_mentions_page_without_a_term_shows_the_most_named(ds: Any) -> None:
    html = get(ds, "/mentions").text
    assert 'id="chart-mentions"' in html and 'id="terms"' in html
    assert get(ds, "/mentions?term=" + quote("لا شيء")).status_code == 200


def test_mentions_compare_outlets_query(ds: Any, sample: dict[str, Any]) -> None:
    rows = get(ds, "/catalogue/mentions_by_outlet.json?_shape=array&term=" + quote("طرابلس")).json()
    per_outlet = dict(_sql(sample, "select outlet, count(*) from mentions where term = 'طرابلس' group by outlet"))
    assert {r["outlet"]: r["articles_naming_it"] for r in rows} == per_outlet
    totals = dict(_sql(sample, "select outlet, count(*) from articles group by outlet"))
    for r in rows:
        assert r["percent_of_outlet_articles"] == round(100 * per_outlet[r["outlet"]] / totals[r["outlet"]], 2)
    top = get(ds, "/catalogue/top_mentions.json?_shape=array&category=place").json()
    assert top and {r["category"] for r in top} == {"place"}


def test_mentions_page_on_an_old_catalogue_says_what_to_do(tmp_path: Path) -> None:
    build_sample_catalogue(tmp_path)
    conn = sqlite3.connect(tmp_path / "catalogue.db")
    with conn:
        conn.execute("drop table mentions")
    conn.close()
    html = get(build_datasette(tmp_path), "/mentions").text
    assert "no <code>mentions</code> table yet" in html


def test_mentions_chart_keeps_its_last_label_inside() -> None:
    rows = [(f"2019-{m:02d}-{d:02d}", "a", 1, 1) for m in range(1, 13) for d in (7, 14, 21)]
    svg = mentions_per_week_svg(rows, "طرابلس")
    labels = [(float(x), t) for x, t in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" '
                                                   r'class="na-axis">([\d-]+)</text>', svg)]
    assert labels[-1][1] == "2019-12-16"  # the Monday of the last week
    assert labels[-1][0] + 3.6 * len(labels[-1][1]) <= 900 - 48 + 0.1
    assert all(b[0] - a[0] > 70 for a, b in itertools.pairwise(labels))  # no overlap


def test_charts_title_says_the_unit_the_bars_use(ds: Any) -> None:
    html = get(ds, "/charts").text
    unit = re.search(r'data-unit="(day|month)"', html).group(1)
    assert f'<h2 id="per-day-title">Articles per {unit} per outlet' in html
    assert f"articles per {unit}</text>" in html


def test_search_hits_isolate_latin_and_dates_inside_right_to_left_text() -> None:
    from archive.corpus.search import highlight_html, snippet_html

    text = "قالت وكالة Reuters إن سعر البرميل بلغ 4.48 دولار في طرابلس يوم 2019-08-09 بعد اشتباكات"
    html = snippet_html(text, "طرابلس", render=isolate)
    assert "<mark>طرابلس</mark>" in html
    assert '<bdi dir="ltr">Reuters</bdi>' in html and '<bdi dir="ltr">2019-08-09</bdi>' in html
    assert '<bdi dir="ltr">4.48</bdi>' in html
    title = highlight_html("اشتباكات في طرابلس - BBC", "طرابلس", render=isolate)
    assert "<mark>طرابلس</mark>" in title and '<bdi dir="ltr">BBC</bdi>' in title
    # without a renderer: escaped text, as before
    assert "<bdi" not in snippet_html(text, "طرابلس") and "<mark>طرابلس</mark>" in snippet_html(text, "طرابلس")


def test_search_page_isolates_ltr_runs_in_its_hits(ds: Any) -> None:
    html = get(ds, "/search?q=" + quote("طرابلس")).text
    snippets = re.findall(r'class="na-hit-snippet"[^>]*>(.*?)</p>', html, re.S)
    assert snippets
    # the page renders hits through the isolating renderer: no bare Latin word outside a <bdi>
    for snippet in snippets:
        bare = re.sub(r"<bdi[^>]*>.*?</bdi>", "", snippet)
        assert not re.search(r"[A-Za-z]{2,}", unescape(re.sub(r"<[^>]+>", "", bare))), snippet


def test_a_canned_query_page_is_titled_by_its_title_not_its_sql(ds: Any) -> None:
    html = get(ds, "/catalogue/search_articles?q=%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3").text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith("Search articles (ranked)") and "select" not in title.lower(), title
    adhoc = get(ds, "/catalogue?sql=select+count(*)+from+articles").text
    assert "select count(*) from articles" in re.search(r"<title>(.*?)</title>", adhoc, re.S).group(1)
