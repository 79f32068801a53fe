"""Reading-room faults a black-box probe found (stop 37, probe M), through a real Datasette with the plugin (its
in-process client): every page and stream of a sorted table gives each row once, bad table parameters are a 400,
the per-day counts never stop silently at 2,000 rows, and the article page's events and URL label say what
happened."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from archive.catalogue.db import Catalogue, article_id
from archive.records import ExtractedArticle, Relevance
from crawler.web.app import build_datasette

BATCH = "2026-01-01T00:00:00+00:00"  # one crawl batch: every article shares its first_seen second
N = 45
EDITED, DELETED = "https://b.example/n/3", "https://a.example/n/4"


def _save(cat: Catalogue, outlet: str, url: str, title: str, body: str, published: str, fetched: str) -> None:
    art = ExtractedArticle(url=url, title=title, paragraphs=(body,), published=published, language="ar")
    cat.save_article(outlet=outlet, canonical_url=url, article=art, relevance=Relevance(True, 1.0, 1.0, 1.0),
                     capture_id=None, fetched_at=fetched)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = tmp_path_factory.mktemp("probe37m")
    cat = Catalogue(folder / "catalogue.db")
    cat.upsert_outlets([{"name": n, "display_name": n, "language": "ar"} for n in ("a", "b")])
    for i in range(N):
        outlet = "ab"[i % 2]
        _save(cat, outlet, f"https://{outlet}.example/n/{i}", f"خبر {i} عن طرابلس", f"نص الخبر {i} عن طرابلس.",
              f"2019-08-{i % 28 + 1:02d}", BATCH)
    _save(cat, "b", EDITED, "خبر 3 عن طرابلس", "نص جديد عن طرابلس.", "2019-08-04", "2026-01-02T00:00:00+00:00")
    _save(cat, "b", EDITED, "عنوان آخر عن طرابلس", "نص ثالث عن طرابلس.", "2019-08-04", "2026-01-03T00:00:00+00:00")
    cat.close()
    conn = sqlite3.connect(folder / "catalogue.db")
    with conn:
        conn.execute("update articles set status = 'deleted' where id = ?", [article_id(DELETED)])
        conn.execute("insert into article_events (article_id, kind, at, http_status) values (?, 'deleted', ?, 410)",
                     [article_id(DELETED), "2026-01-04T00:00:00+00:00"])
    conn.close()
    return folder


@pytest.fixture(scope="module")
def ds(data_dir: Path) -> Any:
    return build_datasette(data_dir)


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


# -- 1. paging and streaming give each row once ---------------------------------------------------------------

@pytest.mark.parametrize(("query", "rows"), [("", N), ("&_sort=outlet", N), ("&_sort_desc=published", N),
                                             ("&outlet=a", 23), ("&_sort=first_seen", N)])
@pytest.mark.parametrize("table", ["articles", "articles_view"])
def test_every_page_of_a_sorted_table_gives_each_row_once(ds: Any, table: str, query: str, rows: int) -> None:
    url, ids, pages = f"/catalogue/{table}.json?_size=7&_shape=objects{query}", [], 0
    while url and pages < 50:
        body = get(ds, url).json()
        ids += [row["id"] for row in body["rows"]]
        url, pages = body.get("next_url") and _local(body["next_url"]), pages + 1
    assert len(ids) == len(set(ids)) == rows
    assert pages == -(-rows // 7)


def test_the_html_next_links_give_each_article_once(ds: Any) -> None:
    url, ids = "/catalogue/articles?_size=10", []
    while url:
        html = get(ds, url).text
        ids += re.findall(r'href="/catalogue/articles/([0-9a-f]{16})"', html)
        found = re.search(r'<a href="([^"]*_next=[^"]*)">[^<]*[Nn]ext', html)
        url = found and _local(found.group(1).replace("&amp;", "&"))
    assert len(ids) == len(set(ids)) == N


def test_the_first_page_is_ordered_by_the_sort_then_the_primary_key(ds: Any) -> None:
    body = get(ds, "/catalogue/articles.json?_size=5&_col=first_seen").json()
    assert body["query"]["sql"].endswith("order by first_seen desc, id limit 6")
    assert [r[0] for r in body["rows"]] == sorted(r[0] for r in body["rows"])  # ties in id order, as page 2 reads


def test_a_streamed_csv_gives_each_article_once(data_dir: Path) -> None:
    small = build_datasette(data_dir)
    small.max_returned_rows = 10  # the stream walks pages of max_returned_rows: 5 pages here
    text = get(small, "/catalogue/articles.csv?_stream=on&_size=10").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len({r["id"] for r in rows}) == N


# -- 3. bad table parameters are a 400 that says why -----------------------------------------------------------

@pytest.mark.parametrize(("path", "words"), [
    ("articles.json?_sort=nosuchcolumn", "Cannot sort articles by nosuchcolumn"),
    ("articles.json?_search=" + quote("طرابلس") + "&_sort=rank", "/search"),
    ("captures.json?_sort=first_seen", "Cannot sort captures by first_seen"),
    ("articles.json?_sort=id&_sort_desc=id", "either _sort or _sort_desc"),
    ("articles_view.json?_next=abc", "_next=abc is not a page of articles_view"),
    ("articles_view.json?_next=99999999999999999999", "whole number"),
])
def test_bad_table_parameters_are_a_400(ds: Any, path: str, words: str) -> None:
    response = get(ds, "/catalogue/" + path)
    assert response.status_code == 400
    assert words in response.json()["error"]


def test_a_bad_sort_in_html_and_csv_is_a_400(ds: Any) -> None:
    assert get(ds, "/catalogue/articles?_sort=nosuchcolumn").status_code == 400
    assert get(ds, "/catalogue/articles.csv?_sort=nosuchcolumn").status_code == 400


# -- 2. counts per day never stop silently ---------------------------------------------------------------------

def test_per_day_counts_say_when_they_are_cut_and_per_month_counts_are_whole(data_dir: Path) -> None:
    small = build_datasette(data_dir)
    rows = list(csv.DictReader(io.StringIO(
        get(small, "/catalogue/articles_per_outlet_per_day.csv").text.lstrip("\ufeff"))))
    assert sum(int(r["articles"]) for r in rows) == N and not any(r["day"].startswith("cut") for r in rows)
    months = get(small, "/catalogue/articles_per_outlet_per_month.json?_shape=array").json()
    assert {(m["month"], m["outlet"]) for m in months} == {("2019-08", "a"), ("2019-08", "b")}
    assert sum(m["articles"] for m in months) == N
    narrowed = get(small, "/catalogue/articles_per_outlet_per_day.json?_shape=array&since=2019-08-20&until=2019-08-21")
    assert {r["day"] for r in narrowed.json()} == {"2019-08-20", "2019-08-21"}


def test_per_day_counts_past_the_row_limit_end_with_a_row_that_says_so(data_dir: Path) -> None:
    conn = sqlite3.connect(data_dir / "catalogue.db")
    days = conn.execute("select count(*) from (select distinct substr(published, 1, 10), outlet from articles)")
    total = days.fetchone()[0]
    conn.close()
    small = build_datasette(data_dir)
    sql = get(small, "/catalogue/articles_per_outlet_per_day.json").json()["query"]["sql"]
    tiny = sql.replace("1999", "9").replace("1,999", "9")  # the same query with a limit this catalogue passes
    answer = get(small, "/catalogue.json?_shape=array&sql=" + quote(tiny) + "&outlet=&since=&until=").json()
    assert len(answer) == 10 and answer[-1]["day"] == f"cut: {total} rows, the newest 9 shown; narrow since/until" \
        " or outlet, or use articles_per_outlet_per_month" and answer[-1]["articles"] is None
    assert [r["day"] for r in answer[:9]] == sorted((r["day"] for r in answer[:9]), reverse=True)


# -- 4. the article page says what happened --------------------------------------------------------------------

def test_an_edited_article_lists_its_edits_as_events(ds: Any) -> None:
    html = get(ds, f"/article/{article_id(EDITED)}").text
    events = html[html.index('id="events"'):html.index('id="history"')]
    assert "No edits or deletions recorded" not in events
    assert "edited: version 2" in events and "edited: version 3" in events
    assert 'href="#version-3"' in events and "title, text" in events


def test_a_deleted_article_is_not_called_the_live_page(ds: Any) -> None:
    html = get(ds, f"/article/{article_id(DELETED)}").text
    assert "(the live page)" not in html and "the page was removed there" in html
    events = html[html.index('id="events"'):html.index('id="history"')]
    assert "deleted" in events and "HTTP 410" in events
    live = get(ds, f"/article/{article_id('https://a.example/n/0')}").text
    assert "(the live page)" in live and "No edits or deletions recorded" in live
