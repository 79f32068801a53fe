"""Stop 36's black-box probe of the reading room's data, on three real re-crawls of a local site: a return seen by a
revisit cites that revisit and replays as the page served; the WACZ lists every version's capture as a page; the
articles view files an article under the day it prints and sorts in time order; an over-large capture id is a 404."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import reply
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import schema
from archive.catalogue.db import Catalogue
from archive.export.wacz import export_wacz, validate_wacz
from crawler.web.app import build_datasette
from crawler.web.replay import ReplayApp

ROOT = Path(__file__).resolve().parent.parent
BODY = (
    "أعلنت حكومة الوحدة الوطنية في طرابلس اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة استمرت "
    "عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات.",
    "وأكدت البعثة الأممية للدعم في ليبيا ترحيبها بالاتفاق، ودعت الأطراف كافة إلى الالتزام ببنوده وتسهيل عودة "
    "النازحين إلى منازلهم في المناطق المتضررة من القتال خلال الأسابيع الماضية.",
)
# printed 2019-09-01 but 22:30 UTC on 2019-08-31; the other is 23:00 UTC: text order and time order disagree
EDITED, RETURNING = "/news/1", "/news/2"
PUBLISHED = {EDITED: "2019-09-01T00:30:00+02:00", RETURNING: "2019-08-31T23:00:00+00:00"}
TITLES = ("قصف ليلي على مطار معيتيقة", "قصف ليلي على مطار معيتيقة في طرابلس", "قصف ليلي يغلق مطار معيتيقة")
TOO_LARGE = "99999999999999999999"  # past SQLite's integers: binding it raised OverflowError (an HTTP 500)


class Site:
    """A local outlet (no ETag, so an unchanged page fetched again is an identical-payload revisit)."""

    def __init__(self) -> None:
        self.titles = {EDITED: TITLES[0], RETURNING: "نزوح العائلات من أحياء جنوب طرابلس"}
        self.gone: set[str] = set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    return self.answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
                if self.path not in site.titles or self.path in site.gone:
                    return self.answer(404, "<html><body>الصفحة غير موجودة</body></html>".encode(), "text/html")
                self.answer(200, site.page(self.path), "text/html; charset=utf-8")

            def answer(self, code: int, body: bytes, ctype: str) -> None:
                reply(self, code, ctype, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str) -> bytes:
        """The article at ``path`` as served now."""
        title, when = self.titles[path], PUBLISHED[path]
        paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
        return (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta property="article:published_time" content="{when}"></head><body><article><h1>{title}</h1>'
                f'<time datetime="{when}">{when[:10]}</time>{paragraphs}</article></body></html>').encode()


def _recrawl(root: Path, site: Site) -> None:
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", site.base + EDITED, site.base + RETURNING,
           "--seeds", str(root / "seeds.toml"), "--data", str(root / "data"), "-s", "AUTOTHROTTLE_ENABLED=0",
           "-s", "EXTRACT_WORKERS=1", "-s", "ARCHIVE_WRITER=thread"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Crawl 1: both articles. Crawl 2: one edited (version 2), the other 404. Crawl 3: version 3, and the other
    back byte for byte (a revisit)."""
    site = Site()
    root = tmp_path_factory.mktemp("probe36")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "localnews"\nhomepage = "{site.base}/"\narticle_urls = ["/news/\\\\d+$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    served = site.page(RETURNING)
    _recrawl(root, site)
    site.titles[EDITED], site.gone = TITLES[1], {RETURNING}
    _recrawl(root, site)
    site.titles[EDITED], site.gone = TITLES[2], set()
    _recrawl(root, site)
    site.server.shutdown()
    data = root / "data"
    with Catalogue(data / "catalogue.db") as cat:
        ids = {p: next(cat.db["articles"].rows_where("url = ?", [site.base + p]))["id"] for p in PUBLISHED}
    yield {"root": root, "data": data, "base": site.base, "ids": ids, "served": served}


def _rows(data: Path, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(data / "catalogue.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def _replay(data: Path, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=ReplayApp(data / "catalogue.db", data))
        async with httpx.AsyncClient(transport=transport, base_url="http://replay") as client:
            return await client.get(path)

    return asyncio.run(fetch())


def _revisit(crawled: dict[str, Any]) -> dict[str, Any]:
    found = _rows(crawled["data"], "select * from captures where url = ? and record_type = 'revisit'",
                  [crawled["base"] + RETURNING])
    assert len(found) == 1, found
    return found[0]


# -- a return seen by a revisit ------------------------------------------------------------------------------

def test_the_return_event_cites_the_revisit_that_saw_the_page_again(crawled: dict[str, Any]) -> None:
    events = _rows(crawled["data"], "select e.kind, e.at, e.capture_id, e.http_status, c.status, c.fetched_at "
                   "from article_events e join captures c on c.id = e.capture_id where e.article_id = ? order by e.id",
                   [crawled["ids"][RETURNING]])
    assert [(e["kind"], e["status"]) for e in events] == [("deleted", 404), ("returned", 200)]
    revisit = _revisit(crawled)
    returned = events[1]
    # it cited the version's capture, taken before the 404 (stop 36)
    assert returned["capture_id"] == revisit["id"] and returned["capture_id"] > events[0]["capture_id"]
    assert returned["at"] == revisit["fetched_at"] > events[0]["at"] and returned["http_status"] == 200


def test_the_revisit_replays_as_the_page_served_and_downloads_with_its_response(crawled: dict[str, Any]) -> None:
    revisit = _revisit(crawled)
    replayed = _replay(crawled["data"], f"/capture/{revisit['id']}")
    assert replayed.status_code == 200, replayed.text  # was 404 "Capture N is a revisit record"
    assert replayed.content == crawled["served"] and replayed.headers["content-type"].startswith("text/html")
    assert "sandbox" in replayed.headers["content-security-policy"]

    download = _get(build_datasette(crawled["data"]), f"/warc-record/{revisit['id']}")
    assert download.status_code == 200
    records = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Refers-To"),
                r.content_stream().read()) for r in ArchiveIterator(io.BytesIO(download.content))]
    assert [r[0] for r in records] == ["revisit", "response"]
    assert records[0][1] == revisit["warc_record_id"] and records[0][2] == records[1][1]
    assert records[1][3] == crawled["served"]


def test_m017_points_an_earlier_return_event_at_the_capture_that_saw_it(crawled: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    shutil.copy(crawled["data"] / "catalogue.db", tmp_path / "catalogue.db")
    aid = crawled["ids"][RETURNING]
    with Catalogue(tmp_path / "catalogue.db") as cat:
        first = next(cat.db.query("select capture_id from article_versions where article_id = ?", [aid]))
        right = next(cat.db.query("select * from article_events where article_id = ? and kind = 'returned'", [aid]))
        with cat.db.conn:  # the event as the code before stop 36 wrote it
            cat.db.execute("update article_events set capture_id = ?, at = '2999-01-01T00:00:00+00:00' where id = ?",
                           [first["capture_id"], right["id"]])
            schema.m017_articles_view_days(cat.db)
        repaired = cat.db["article_events"].get(right["id"])
    assert (repaired["capture_id"], repaired["at"], repaired["http_status"]) == \
        (right["capture_id"], right["at"], right["http_status"]) == (_revisit(crawled)["id"], right["at"], 200)


# -- WACZ pages -----------------------------------------------------------------------------------------------

def _pages(path: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(path) as z:
        if "pages/pages.jsonl" not in z.namelist():
            return []
        lines = z.read("pages/pages.jsonl").decode("utf-8").splitlines()
    return [json.loads(line) for line in lines[1:] if line.strip()]


def test_the_wacz_lists_every_version_s_capture_as_a_page(crawled: dict[str, Any], tmp_path: Path) -> None:
    data, edited = crawled["data"], crawled["base"] + EDITED
    with Catalogue(data / "catalogue.db") as cat:
        crawl_of_v2 = next(cat.db.query("select c.crawl_id from article_versions v join captures c on "
                                        "c.id = v.capture_id where v.article_id = ? and v.version = 2",
                                        [crawled["ids"][EDITED]]))["crawl_id"]
        one = export_wacz(data, cat, tmp_path / "crawl.wacz", crawl_id=crawl_of_v2)
        whole = export_wacz(data, cat, tmp_path / "all.wacz")
    # the crawl that archived version 2 (no longer current) had no page, not even a pages.jsonl
    assert [(p["url"], p["title"]) for p in _pages(one.path)] == [(edited, TITLES[1])]
    pages = _pages(whole.path)
    assert [p["title"] for p in pages if p["url"] == edited] == list(TITLES)  # was the current version alone
    assert len({p["ts"] for p in pages if p["url"] == edited}) == 3
    assert [p["url"] for p in pages].count(crawled["base"] + RETURNING) == 1  # its revisit archived no version
    assert whole.pages == len(pages)
    for package in (one, whole):
        valid, report = validate_wacz(package.path)
        assert valid, report


# -- the articles view: the printed day, time order --------------------------------------------------------------

def test_the_view_files_an_article_under_the_day_it_prints(crawled: dict[str, Any]) -> None:
    ds = build_datasette(crawled["data"])
    data = _get(ds, "/catalogue/articles_view.json?_facet=day&_size=50").json()
    assert {r["value"]: r["count"] for r in data["facet_results"]["day"]["results"]} == \
        {"2019-09-01": 1, "2019-08-31": 1}  # SQLite's date(published) files both under 2019-08-31
    by_id = {r[data["columns"].index("id")]: r[data["columns"].index("day")] for r in data["rows"]}
    assert by_id[crawled["ids"][EDITED]] == "2019-09-01"
    per_day = _get(ds, "/catalogue/articles_per_outlet_per_day.json?_shape=array").json()
    assert sorted(r["day"] for r in per_day) == sorted(by_id.values())  # the same day as the other views
    utc = _get(ds, "/catalogue/articles_view.json?_facet_date=published").json()["facet_results"]["published"]
    assert [r["value"] for r in utc["results"]] == ["2019-08-31"]  # Datasette's date facet: the UTC day


def test_published_utc_sorts_in_time_order(crawled: dict[str, Any]) -> None:
    ds = build_datasette(crawled["data"])
    by_utc = _get(ds, "/catalogue/articles_view.json?_sort=published_utc&_shape=array").json()
    assert [r["published_utc"] for r in by_utc] == ["2019-08-31T22:30:00Z", "2019-08-31T23:00:00Z"]
    assert [r["id"] for r in by_utc] == [crawled["ids"][EDITED], crawled["ids"][RETURNING]]
    by_text = _get(ds, "/catalogue/articles_view.json?_sort=published&_shape=array").json()
    assert [r["id"] for r in by_text] == [crawled["ids"][RETURNING], crawled["ids"][EDITED]]  # text order


# -- an over-large capture id -----------------------------------------------------------------------------------

def test_an_overlarge_capture_id_is_not_found(crawled: dict[str, Any]) -> None:
    ds = build_datasette(crawled["data"])
    assert _get(ds, f"/warc-record/{TOO_LARGE}").status_code == 404  # was 500 (OverflowError)
    assert _get(ds, "/warc-record/99999").status_code == 404
    assert _replay(crawled["data"], f"/capture/{TOO_LARGE}").status_code == 404
    assert _replay(crawled["data"], "/capture/٣").status_code == 404  # an Arabic-Indic digit is no capture id
