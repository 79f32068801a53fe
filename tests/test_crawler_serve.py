"""The catalogue in Datasette: Arabic search through ?_search=, read-only, article pages, WARC records, charts."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import mentions
from archive.catalogue.db import Catalogue, article_id
from archive.records import Exchange, ExtractedArticle, Relevance
from archive.warc.writer import WarcArchive
from crawler.cli.main import cli
from crawler.web.app import ASSETS, ServeConfig, build_datasette, prepare
from crawler.web.replay import REPLAY_CSP, ReplayApp

DEMO_ARTICLES = Path(__file__).resolve().parent.parent / "crawler" / "demo" / "data" / "articles.json"
OUTLET_NAMES = {"feed": "alwasat-demo", "sitemap": "libya-news-demo", "legacy": "old-portal-demo"}
EDITED_KEY = "legacy-001"
DELETED_KEY = "sitemap-004"
SYNDICATED_KEY = "legacy-syndicated"  # feed-000's story as a second outlet carried it
TERMS = (("ليبيا", "libya_place"), ("طرابلس", "libya_place"), ("مصراتة", "libya_place"), ("الجيش", "libya_actor"),
         ("ميليشيات", "libya_armed"), ("اشتباكات", "conflict"), ("معارك", "conflict"), ("قصف", "conflict"))


def demo_articles() -> list[dict[str, Any]]:
    """The demo sites' realistic Arabic articles (crawler/demo/data/articles.json), private drafts left out,
    plus one of them as a second outlet carried it (agency copy: other headline wording, same story)."""
    articles = [a for a in json.loads(DEMO_ARTICLES.read_text(encoding="utf-8"))["articles"] if not a.get("private")]
    original = next(a for a in articles if a["key"] == "feed-000")
    copy = {**original, "key": SYNDICATED_KEY, "outlet": "legacy", "published": "2019-07-18T09:00:00+02:00",
            "title": "ميليشيات مصراتة تبدأ الانسحاب من معارك العاصمة طرابلس",
            "paragraphs": original["paragraphs"][:3]}
    return articles + [copy]


def page_html(title: str, paragraphs: list[str], published: str) -> bytes:
    """A small but real article page, as an outlet would serve it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{published}">'
            f'<script>document.title = "script ran"</script></head>'
            f"<body><h1>{title}</h1><article>{body}</article></body></html>").encode()


def _relevance(relevant: bool, text: str) -> Relevance:
    counts = [(t, c, 1.0, text.count(t)) for t, c in TERMS if text.count(t)]
    score = float(sum(n for *_, n in counts))
    return Relevance(relevant, score if relevant else 0.1, score / 2, score / 2, tuple(counts) if relevant else ())


def build_sample_catalogue(data_dir: Path) -> dict[str, Any]:
    """A catalogue of the demo articles with real WARC captures, one edited and one deleted article, crawls, failures.

    Returns the article ids by demo key and the WARC-backed capture ids.
    """
    cat = Catalogue(data_dir / "catalogue.db")
    cat.upsert_outlets([{"name": name, "display_name": name.replace("-", " ").title(), "language": "ar",
                         "country": "LY", "homepage": f"https://{name}.example/"} for name in OUTLET_NAMES.values()])
    crawl_id = cat.start_crawl("crawl-1", "cli", list(OUTLET_NAMES.values()))
    ids: dict[str, str] = {}
    captures: dict[str, int] = {}
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with WarcArchive(data_dir, hostname="test", fsync=False) as warc:
        for i, a in enumerate(demo_articles()):
            outlet = OUTLET_NAMES[a["outlet"]]
            url = f"https://{outlet}.example/news/{quote(a['key'])}"
            versions = [(a["title"], a["paragraphs"])]
            if a["key"] == EDITED_KEY:
                edited = list(a["paragraphs"])
                edited[1] = edited[1] + " وأكد مصدر عسكري مقتل ثلاثة عناصر."
                versions.append((a["title"] + " (محدث)", edited))
            for v, (title, paragraphs) in enumerate(versions):
                fetched = moment + timedelta(minutes=i, hours=v * 6)
                ex = Exchange(url=url, method="GET", request_headers=(("User-Agent", "newsarchive-test"),),
                              request_body=b"", status=200, reason="OK", protocol="HTTP/1.1",
                              response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                              body=page_html(title, paragraphs, a["published"]), fetched_at=fetched)
                loc = warc.write_exchange(ex)
                capture_id = cat.add_capture(crawl_id, outlet, ex, loc)
                art = ExtractedArticle(url=url, title=title, paragraphs=tuple(paragraphs), published=a["published"],
                                       published_source="meta", author=a.get("author"), language="ar")
                _, _row = cat.save_article(outlet=outlet, canonical_url=url, article=art,
                                          relevance=_relevance(a["relevant"], title + "\n" + "\n".join(paragraphs)),
                                          capture_id=capture_id, fetched_at=fetched.isoformat(timespec="seconds"))
                captures[a["key"]] = capture_id
                mentions.record(cat.db, _row)  # as crawler/capture/ingest.py does
                cat.assign_story(_row["id"])
            ids[a["key"]] = article_id(url)
            if a["relevant"]:
                cat.assign_seq(ids[a["key"]])
    with cat.db.conn:
        cat.db["articles"].update(ids[DELETED_KEY], {"status": "deleted"})
        cat.db["failures"].insert({"crawl_id": crawl_id, "outlet": OUTLET_NAMES["legacy"],
                                   "url": "https://old-portal-demo.example/news/9999", "stage": "http",
                                   "reason": "http-500", "detail": "Internal Server Error", "at": "2026-11-20T09:30:00"})
    counts = {name: {"pages_fetched": 5, "articles_new": 4, "failures": 1 if key == "legacy" else 0}
              for key, name in OUTLET_NAMES.items()}
    cat.finish_crawl(crawl_id, "finished", {"pages_fetched": 15}, counts)
    cat.close()
    return {"ids": ids, "captures": captures}


def add_events_table(data_dir: Path, aid: str) -> None:
    """The ``article_events`` table a later migration adds (edits and deletions), with one deletion."""
    import sqlite3

    conn = sqlite3.connect(data_dir / "catalogue.db")
    with conn:
        conn.execute("create table if not exists article_events (id integer primary key, article_id text, "
                     "kind text, at text, http_status integer, capture_id integer, detail text)")
        conn.execute("insert into article_events (article_id, kind, at, http_status, detail) values (?, ?, ?, ?, ?)",
                     [aid, "deleted", "2026-11-21T10:00:00+00:00", 404, "the page answered 404"])
    conn.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("data")
    built = build_sample_catalogue(data_dir)
    add_events_table(data_dir, built["ids"][DELETED_KEY])
    return {"data_dir": data_dir, **built}


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def ds(sample: dict[str, Any]) -> Any:
    return build_datasette(sample["data_dir"], replay_url="http://127.0.0.1:9")


def _search_ids(ds: Any, query: str, extra: str = "") -> set[str]:
    response = get(ds, f"/catalogue/articles.json?_search={quote(query)}&_shape=array&_col=id&_size=max{extra}")
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()}


@pytest.mark.parametrize(("query", "expected_key"), [
    ("بالمسماري", "feed-000"),  # clitic attached to a name the article only writes with ال
    ("الامم المتحدة", "feed-un-truce"),  # no hamza (the article writes الأمم)
    ("الأُمَمُ", "feed-un-truce"),  # tashkeel typed into the query
    ("بالوطيه", "legacy-watiya"),  # clitic and ه for ة (the article writes الوطية)
    ("ذراع", "sitemap-004"),
    ("الـمسـماري", "legacy-001"),  # tatweel
    ("للنازحين OR نزوح", "sitemap-displaced"),
])
def test_search_through_datasette_is_arabic_aware(ds: Any, sample: dict[str, Any], query: str,
                                                  expected_key: str) -> None:
    assert sample["ids"][expected_key] in _search_ids(ds, query)


def test_search_precision_keeps_other_articles_out(ds: Any, sample: dict[str, Any]) -> None:
    found = _search_ids(ds, "الفاشر")
    assert found == {sample["ids"]["sitemap-sudan"]}


def test_raw_search_mode_is_left_alone(ds: Any, sample: dict[str, Any]) -> None:
    # raw mode is plain FTS5: the unnormalised spelling with a clitic finds nothing
    assert _search_ids(ds, "بالمسماري", "&_searchmode=raw") == set()
    assert sample["ids"]["feed-000"] in _search_ids(ds, "المسماري", "&_searchmode=raw")


def test_search_box_keeps_what_the_user_typed(ds: Any) -> None:
    html = get(ds, "/catalogue/articles?_view=table&_search=" + quote("والحكومة")).text
    assert 'value="والحكومة"' in html
    assert "حكومه" not in html.split('id="_search"')[1][:200]


def test_cells_read_right_to_left_and_titles_link_to_article_page(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, "/catalogue/articles?_view=table&_search=" + quote("الوطية")).text
    aid = sample["ids"]["legacy-watiya"]
    assert f'class="na-title" dir="rtl" lang="ar" href="/article/{aid}"' in html
    assert 'class="na-cell na-long" dir="rtl"' in html
    assert "/newsarchive-static/catalogue.css" in html


@pytest.mark.parametrize("sql", [
    "delete from articles",
    "update articles set title = 'x'",
    "insert into outlets (name) values ('x')",
    "drop table articles",
])
def test_no_write_sql_through_the_web(ds: Any, sample: dict[str, Any], sql: str) -> None:
    response = get(ds, "/catalogue.json?sql=" + quote(sql))
    assert response.status_code in (400, 403)
    count = get(ds, "/catalogue.json?sql=" + quote("select count(*) as n from articles") + "&_shape=array").json()
    assert count == [{"n": len(sample["ids"])}]


def test_catalogue_is_opened_read_only(ds: Any) -> None:
    db = ds.get_database("catalogue")
    conn = db.connect()
    with pytest.raises(Exception, match="readonly|read-only"):
        # not a delete of articles: its search-index trigger needs a function only writers register (m010)
        conn.execute("update articles set last_seen = 'x'")


def test_article_page_shows_history_and_provenance(ds: Any, sample: dict[str, Any]) -> None:
    aid = sample["ids"][EDITED_KEY]
    response = get(ds, f"/article/{aid}")
    assert response.status_code == 200
    html = response.text
    assert 'id="article" dir="rtl"' in html
    assert "المسماري" in html
    assert "<ins> وأكد مصدر عسكري مقتل ثلاثة عناصر.</ins></li>" in html  # word-level diff of version 2
    assert "النصر<ins> (محدث)</ins>" in html
    assert "History: 2 versions" in html
    cap = asyncio.run(ds.get_database("catalogue").execute(
        "select * from captures where id = ?", [sample["captures"][EDITED_KEY]])).rows[0]
    for value in (cap["warc_file"], str(cap["warc_offset"]), cap["warc_record_id"], cap["payload_digest"]):
        assert escape(value) in html
    assert f'href="http://127.0.0.1:9/capture/{cap["id"]}"' in html
    assert f'href="/warc-record/{cap["id"]}"' in html
    assert "ميليشيات" in html and 'id="relevance-terms"' in html


def test_article_page_shows_events_when_the_table_exists(ds: Any, sample: dict[str, Any]) -> None:
    html = get(ds, f"/article/{sample['ids'][DELETED_KEY]}").text
    assert 'id="events"' in html and "the page answered 404" in html
    assert 'id="article-status">deleted<' in html


def test_unknown_article_is_404(ds: Any) -> None:
    assert get(ds, "/article/0000000000000000").status_code == 404


def test_warc_record_download_is_the_exact_gzip_member(ds: Any, sample: dict[str, Any]) -> None:
    cap = asyncio.run(ds.get_database("catalogue").execute(
        "select * from captures where id = ?", [sample["captures"]["feed-000"]])).rows[0]
    response = get(ds, f"/warc-record/{cap['id']}")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = (sample["data_dir"] / cap["warc_file"]).read_bytes()
    assert response.content == data[cap["warc_offset"]:cap["warc_offset"] + cap["warc_length"]]
    assert gzip.decompress(response.content).startswith(b"WARC/1.1\r\n")
    record = next(iter(ArchiveIterator(io.BytesIO(response.content))))
    assert record.rec_headers.get_header("WARC-Record-ID") == cap["warc_record_id"]


def test_warc_record_pointer_outside_data_folder_is_refused(tmp_path: Path) -> None:
    build_sample_catalogue(tmp_path)
    import sqlite3

    conn = sqlite3.connect(tmp_path / "catalogue.db")
    with conn:
        conn.execute("update captures set warc_file = '../../etc/passwd', warc_offset = 0 where id = 1")
    conn.close()
    ds = build_datasette(tmp_path)
    response = get(ds, "/warc-record/1")
    assert response.status_code == 404 and "outside the data folder" in response.text


def test_replay_serves_the_archived_page_sandboxed(sample: dict[str, Any]) -> None:
    app = ReplayApp(sample["data_dir"] / "catalogue.db", sample["data_dir"])

    async def fetch(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://replay") as client:
            return await client.get(path)

    response = asyncio.run(fetch(f"/capture/{sample['captures']['legacy-watiya']}"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == REPLAY_CSP
    assert "sandbox" in REPLAY_CSP and "default-src 'none'" in REPLAY_CSP
    assert "قاعدة الوطية" in response.text
    assert asyncio.run(fetch("/capture/99999")).status_code == 404


def test_charts_page_draws_articles_per_day_and_crawl_health(ds: Any) -> None:
    html = get(ds, "/charts").text
    assert 'id="chart-articles-per-day"' in html and 'id="chart-crawl-health"' in html
    for name in OUTLET_NAMES.values():
        assert f'data-outlet="{name}"' in html
    assert 'data-outlet="old-portal-demo" data-state="ok"' in html


QUERIES = yaml.safe_load((ASSETS / "metadata.yaml").read_text(encoding="utf-8"))["databases"]["catalogue"]["queries"]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_queries_run(ds: Any, name: str) -> None:
    response = get(ds, f"/catalogue/{name}.json?_shape=array&since=2000-01-01&days=3650")
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)


def test_canned_queries_answer_what_they_promise(ds: Any, sample: dict[str, Any]) -> None:
    def ids(name: str, column: str = "id", extra: str = "") -> set[str]:
        return {r[column] for r in get(ds, f"/catalogue/{name}.json?_shape=array{extra}").json()}

    assert ids("edited_articles") == {sample["ids"][EDITED_KEY]}
    assert ids("deleted_articles") == {sample["ids"][DELETED_KEY]}
    latest = ids("latest_relevant")
    assert sample["ids"]["feed-000"] in latest and sample["ids"]["sitemap-sudan"] not in latest
    health = get(ds, "/catalogue/crawl_health.json?_shape=array").json()
    assert {r["outlet"]: r["failures"] for r in health}["old-portal-demo"] == 1
    assert all(r["last_successful_crawl"] for r in health)
    stories = get(ds, "/catalogue/stories_in_several_outlets.json?_shape=array").json()
    assert len(stories) == 1 and stories[0]["outlets"] == 2
    copies = get(ds, f"/catalogue/story_copies.json?_shape=array&story={stories[0]['story']}").json()
    assert {c["id"] for c in copies} == {sample["ids"]["feed-000"], sample["ids"][SYNDICATED_KEY]}


def test_facets_include_outlet_relevant_language_and_published(ds: Any) -> None:
    data = get(ds, "/catalogue/articles.json").json()
    assert {"outlet", "relevant", "language"} <= set(data["facet_results"])
    html = get(ds, "/catalogue/articles").text
    assert 'id="facet-published"' in html


def test_cli_serve_refuses_a_folder_without_catalogue(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path), "--port", "0"])
    assert result.exit_code != 0
    assert "no catalogue here yet" in result.output


def test_serve_config_rejects_same_port_for_replay(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="own origin"):
        ServeConfig(data_dir=tmp_path, port=8001, replay_port=8001)


def test_prepare_binds_two_origins(sample: dict[str, Any]) -> None:
    prepared = prepare(ServeConfig(data_dir=sample["data_dir"], port=0))
    try:
        assert prepared.catalogue_url != prepared.replay_url
        assert prepared.datasette.plugin_config("newsarchive")["replay_url"] == prepared.replay_url
    finally:
        prepared.catalogue_socket.close()
        if prepared.replay_socket:
            prepared.replay_socket.close()
