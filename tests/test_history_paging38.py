"""Stop 38: a catalogue view's pages, its JSON ``next_url`` chain and its streamed CSV give each row once while the
catalogue is being written, through a real Datasette with the plugin (its in-process client, as
tests/test_reading_room_probe37.py). Datasette 0.65 paged a view by offset, so a row written between two page
requests before the cursor (an edit of an article already shown, a deletion, a new article) showed the last row of a
page again, and one removed hid a row (``crawler.web.paging``: a view is now paged by key)."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from datasette.views.table import TableView

from archive.catalogue.db import Catalogue, article_id
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation
from crawler.web.app import build_datasette

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
N = 12  # articles at the start; every third one edited once, every fourth deleted: 19 history rows
# article_history's order, its key last: (ref_table, ref) in m018's words, written here with the columns the view
# had before it ('article_events' sorts before 'article_versions'), so this file also runs on the code before stop 38
ORDER = "article_id, at, what like 'version %', ref"


class Writer:
    """The project's writer on the catalogue Datasette serves: new articles, new versions, deletions."""

    def __init__(self, folder: Path) -> None:
        self.cat, self.clock, self.made = Catalogue(folder / "catalogue.db"), 0, 0
        self.cat.upsert_outlets([{"name": "a", "display_name": "a", "language": "ar"}])

    def _now(self) -> datetime:
        self.clock += 1
        return START.replace(hour=self.clock // 60, minute=self.clock % 60)

    def save(self, url: str, words: str) -> None:
        art = ExtractedArticle(url=url, title=f"خبر {words} عن طرابلس", paragraphs=(f"نص {words} عن طرابلس.",),
                               published="2019-08-09", language="ar")
        self.cat.save_article(outlet="a", canonical_url=url, article=art, relevance=Relevance(True, 1.0, 1.0, 1.0),
                              capture_id=None, fetched_at=self._now().isoformat())

    def delete(self, url: str) -> None:
        """A 404 for a live article, then the end-of-crawl step: its ``deleted`` event (and any pending diff)."""
        crawl = self.cat.start_crawl(f"crawl-{self.clock}", "cli", ["a"])
        gone = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=404, reason="Not Found",
                        protocol="HTTP/1.1", response_headers=(), body=b"", fetched_at=self._now())
        where = WarcLocation("warc/x.warc.gz", self.clock * 1000, 100, f"<urn:uuid:{self.clock:032x}>", "response",
                             "sha1:X")
        self.cat.add_capture(crawl, "a", gone, where)
        self.cat.reconcile_history(crawl)

    def new_url(self, below: str | None = None, above: str | None = None) -> str:
        """A URL not archived yet whose article id sorts below (or above) the given one."""
        while True:
            self.made += 1
            url = f"https://a.example/late/{self.made}"
            if (below is None or article_id(url) < below) and (above is None or article_id(url) > above):
                return url

    def around(self, cursor: str) -> None:
        """Rows before the cursor's article (an edit, a deletion, a new article) and after it (the same)."""
        ids = sorted(r[0] for r in self.cat.db.execute("select id from articles where status = 'live'").fetchall())
        url = dict(self.cat.db.execute("select id, url from articles").fetchall())
        before, after = [i for i in ids if i < cursor], [i for i in ids if i > cursor]
        if before:
            self.save(url[before[0]], f"edit {self.clock}")
            self.delete(url[before[-1]])
        if after:
            self.save(url[after[-1]], f"edit {self.clock}")
        self.save(self.new_url(below=cursor), "new before")
        self.save(self.new_url(above=cursor), "new after")
        self.cat.reconcile_history()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Any, Writer]]:
    writer = Writer(tmp_path)
    for i in range(N):
        writer.save(f"https://a.example/n/{i}", str(i))
    for i in range(0, N, 3):
        writer.save(f"https://a.example/n/{i}", f"{i} edited")
    writer.cat.reconcile_history()
    for i in range(1, N, 4):
        writer.delete(f"https://a.example/n/{i}")
    yield build_datasette(tmp_path), writer
    writer.cat.close()


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _rows(folder: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(folder)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def _history(writer: Writer, order: str = ORDER) -> list[tuple[Any, ...]]:
    return _rows(writer.cat.path, f"select what, ref from article_history order by {order}")


def _walk(ds: Any, url: str, between: Callable[[dict[str, Any]], None], key: Callable[[dict[str, Any]], Any]
          ) -> list[Any]:
    seen, pages = [], 0
    while url and pages < 100:
        response = get(ds, url)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [key(r) for r in body["rows"]]
        url, pages = body.get("next_url") and _local(body["next_url"]), pages + 1
        if url:
            between(body["rows"][-1])
    return seen


def _once_in_order(seen: list[Any], start: list[Any]) -> None:
    assert len(seen) == len(set(seen)), "a row was given twice"
    assert [s for s in seen if s in set(start)] == start  # each row there at the start, once and in order


def test_every_page_of_the_history_gives_each_row_once_while_rows_are_written(site: tuple[Any, Writer]) -> None:
    ds, writer = site
    start = _history(writer)
    assert len(start) == N + N // 3 + N // 4
    seen = _walk(ds, "/catalogue/article_history.json?_size=4&_shape=objects",
                 lambda last: writer.around(last["article_id"]), lambda r: (r["what"], r["ref"]))
    _once_in_order(seen, start)
    assert len(_history(writer)) > len(start) + 20  # rows were written on both sides of the cursor meanwhile
    refs = _rows(writer.cat.path, "select ref_table, count(*) from article_history group by ref_table")
    assert dict(refs) == {"article_versions": _rows(writer.cat.path, "select count(*) from article_versions")[0][0],
                          "article_events": _rows(writer.cat.path, "select count(*) from article_events")[0][0]}


def test_the_history_newest_first_gives_each_row_once_while_rows_are_written(site: tuple[Any, Writer]) -> None:
    """Sorted by time, newest first: every row written meanwhile comes before the cursor."""
    ds, writer = site
    start = _history(writer, "at desc, " + ORDER)
    seen = _walk(ds, "/catalogue/article_history.json?_size=3&_shape=objects&_sort_desc=at",
                 lambda last: writer.around(last["article_id"]), lambda r: (r["what"], r["ref"]))
    _once_in_order(seen, start)


def test_the_articles_view_gives_each_article_once_while_a_crawl_adds_articles(site: tuple[Any, Writer]) -> None:
    """Newest first (the view's default): a new article comes before the cursor, as its pages are being read."""
    ds, writer = site
    start = [r[0] for r in _rows(writer.cat.path, "select id from articles order by first_seen desc, rowid")]
    seen = _walk(ds, "/catalogue/articles_view.json?_size=5&_shape=objects",
                 lambda last: writer.around(last["id"]), lambda r: r["id"])
    _once_in_order(seen, start)


def test_only_some_columns_still_page_by_key(site: tuple[Any, Writer]) -> None:
    ds, writer = site
    start = [r[0] for r in _rows(writer.cat.path, f"select what || ' ' || ref from article_history order by {ORDER}")]
    seen = _walk(ds, "/catalogue/article_history.json?_size=4&_shape=objects&_col=what&_nocol=ref",
                 lambda last: writer.around(last["article_id"]), lambda r: f"{r['what']} {r['ref']}")
    _once_in_order(seen, start)


def test_the_streamed_history_gives_each_row_once_while_rows_are_written(
        site: tuple[Any, Writer], monkeypatch: pytest.MonkeyPatch) -> None:
    """``?_stream=on`` walks the pages in one answer: rows are written after each page it reads."""
    ds, writer = site
    ds.max_returned_rows = 4  # the stream reads pages of max_returned_rows
    start = [(w, str(r)) for w, r in _history(writer)]
    page = TableView.data

    async def then_write(self: TableView, request: Any, *args: Any, **kwargs: Any) -> Any:
        result = await page(self, request, *args, **kwargs)
        rows = result[0]["rows"]
        if rows and result[0].get("next"):
            writer.around(rows[-1]["article_id"])
        return result

    monkeypatch.setattr(TableView, "data", then_write)
    response = get(ds, "/catalogue/article_history.csv?_stream=on&_size=4")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    _once_in_order([(r["what"], r["ref"]) for r in rows], start)
    assert len(rows) > len(start)


def test_a_next_that_is_not_a_page_of_the_view_is_a_400(site: tuple[Any, Writer]) -> None:
    """An offset (a link made before stop 38), a token of another order's length, a number past SQLite's, junk."""
    ds, _ = site
    for token in ("8", "WzFd", "99999999999999999999", "abc"):
        response = get(ds, f"/catalogue/article_history.json?_next={token}")
        assert response.status_code == 400
        assert f"_next={token} is not a page of article_history" in response.json()["error"]


def test_the_page_shows_the_sql_that_ran(site: tuple[Any, Writer]) -> None:
    ds, _ = site
    first = get(ds, "/catalogue/articles_view.json?_size=3").json()
    assert first["query"]["sql"].endswith("order by first_seen desc, article_rowid limit 4")
    then = get(ds, _local(first["next_url"])).json()
    assert "+first_seen < :na_after0" in then["query"]["sql"] and "offset" not in then["query"]["sql"]
    assert then["query"]["params"]["na_after1"] == first["rows"][-1][-1]  # article_rowid, the last column


def test_the_html_next_link_is_the_json_next(site: tuple[Any, Writer]) -> None:
    ds, _ = site
    token = get(ds, "/catalogue/article_history.json?_size=4").json()["next"]
    html = get(ds, "/catalogue/article_history?_size=4").text
    assert f'_next={token}">Next page</a>' in html.replace("&amp;", "&")
