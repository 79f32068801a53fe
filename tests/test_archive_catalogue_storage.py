"""Each text stored once (m010): the contentless search index, versions by reference, story bands by rowid."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive.catalogue import fts, searching
from archive.catalogue.db import Catalogue, article_id
from archive.catalogue.schema import migrations
from archive.corpus import stories
from archive.corpus.history import text_digest
from archive.corpus.search import fts_query, index_text
from archive.records import ExtractedArticle, Relevance

REL = Relevance(True, 3.0, 2.0, 1.0, (("طرابلس", "libya_place", 1.0, 2),))
URL = "https://o.example/a/1"


@pytest.fixture
def cat():
    c = Catalogue(":memory:")
    c.upsert_outlets([{"name": "o", "display_name": "O"}])
    yield c
    c.close()


def art(title: str, *paras: str) -> ExtractedArticle:
    return ExtractedArticle(url=URL, title=title, paragraphs=paras, published="2019-04-17")


def save(cat: Catalogue, article: ExtractedArticle, when: str, url: str = URL, **kw: object) -> dict:
    return cat.save_article(outlet="o", canonical_url=url, article=article, relevance=REL, capture_id=None,
                            fetched_at=when, **kw)[1]


def titles(cat: Catalogue, query: str) -> list[str]:
    """Titles of the hits of ``query`` through the reading room's search (fts_query, bm25 over articles_fts)."""
    return [r["title"] for r in searching.ranked_hits(cat.db.conn, fts_query(query), searching.Facets(),
                                                      window=5000, limit=50, offset=0, windowed=False)]


def index_ok(cat: Catalogue) -> None:
    cat.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")


def test_no_stored_search_text_and_no_body_in_the_index(cat):
    save(cat, art("اشتباكات في طرابلس", "اندلعت اشتباكات عنيفة في العاصمة."), "t1")
    assert "search_text" not in cat.db["articles"].columns_dict
    assert [c.name for c in cat.db["articles_fts"].columns] == ["title", "search_text"]
    assert cat.db.execute("select title, search_text from articles_fts").fetchall() == [(None, None)]  # contentless
    assert titles(cat, "والعاصمة") == ["اشتباكات في طرابلس"]  # normalised, clitic-stripped search still finds it


def test_search_finds_the_new_text_of_a_re_extracted_article_and_not_the_old(cat):
    save(cat, art("هدوء في سرت", "عاد الهدوء إلى مدينة سرت بعد اشتباكات."), "t1")
    save(cat, art("هدوء في سرت", "وصلت قوافل الإغاثة إلى بنغازي."), "t2")
    assert titles(cat, "بنغازي") == ["هدوء في سرت"]
    assert titles(cat, "اشتباكات") == []
    assert titles(cat, "سرت") == ["هدوء في سرت"]  # still in the title
    index_ok(cat)


def test_a_deleted_article_leaves_the_index_and_its_story_bands(cat):
    save(cat, art("اشتباكات في طرابلس", "اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس."), "t1")
    cat.assign_story(article_id(URL))
    assert cat.db["story_bands"].count > 0
    cat.db.execute("delete from articles where id = ?", [article_id(URL)])
    assert titles(cat, "طرابلس") == [] and titles(cat, "اشتباكات") == []
    assert cat.db["story_bands"].count == 0
    index_ok(cat)


def test_versions_keep_each_text_once_and_still_diff(cat):
    first = ("اندلعت اشتباكات في طرابلس.", "قتل ثلاثة أشخاص.")
    save(cat, art("اشتباكات في طرابلس", *first), "t1")
    save(cat, art("اشتباكات في طرابلس", first[0], "قتل خمسة أشخاص."), "t2")
    row = save(cat, art("تجدد الاشتباكات في طرابلس", first[0], "قتل خمسة أشخاص."), "t3")
    stored = [r[0] for r in cat.db.execute("select text from article_versions order by version")]
    assert stored == ["\n".join(first), "اندلعت اشتباكات في طرابلس.\nقتل خمسة أشخاص.", None]  # current: articles.text
    versions = cat.versions(row["id"])
    assert [v["text"] for v in versions][-1] == row["text"] and all(v["text"] for v in versions)
    assert cat.reconcile_history()["diffs"] == 2
    diffs = [v["diff"] for v in cat.versions(row["id"])]
    assert "-قتل ثلاثة أشخاص." in diffs[1] and "+قتل خمسة أشخاص." in diffs[1]
    assert "+title: تجدد الاشتباكات في طرابلس" in diffs[2] and "قتل" not in diffs[2]


def test_the_workers_index_text_is_used_not_computed_again(cat, monkeypatch):
    article = art("اشتباكات في طرابلس", "اندلعت اشتباكات عنيفة في العاصمة.")
    ready = index_text(article.title, article.text)
    monkeypatch.setattr(fts, "index_text", lambda *a: pytest.fail("index text computed on the writer"))
    save(cat, article, "t1", search_text=ready)
    assert titles(cat, "والعاصمة") == ["اشتباكات في طرابلس"]
    assert cat._index_texts == {}


def test_a_connection_without_the_index_function_cannot_change_article_text(tmp_path):
    with Catalogue(tmp_path / "catalogue.db") as cat:
        cat.upsert_outlets([{"name": "o", "display_name": "O"}])
        save(cat, art("اشتباكات في طرابلس", "نص."), "t1")
    conn = sqlite3.connect(tmp_path / "catalogue.db")
    conn.execute("update articles set last_seen = 't2'")  # other columns: no index work, no function needed
    with pytest.raises(sqlite3.OperationalError, match="no such function: search_index_text"):
        conn.execute("update articles set text = 'نص آخر'")
    conn.close()


OLD = {"https://o.example/sirte": ("هدوء في سرت", ["عاد الهدوء إلى مدينة سرت.", "وصلت قوافل الإغاثة إلى بنغازي."]),
       "https://o.example/tripoli": ("اشتباكات في طرابلس", ["اندلعت اشتباكات عنيفة في العاصمة."])}


def _m009_catalogue(path: Path) -> None:
    """A catalogue as the m009 schema left it: search_text stored, every version's text, bands by article id."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m010_small_catalogue")
    db["outlets"].insert({"name": "o", "display_name": "O"})
    for url, (title, versions) in OLD.items():
        aid = article_id(url)
        db["articles"].insert({"id": aid, "url": url, "outlet": "o", "title": title,
                               "text": versions[-1], "versions": len(versions), "first_seen": "t1",
                               "search_text": index_text(title, versions[-1])})
        for n, text in enumerate(versions, start=1):
            db["article_versions"].insert({"article_id": aid, "version": n, "title": title, "text": text,
                                           "text_digest": text_digest(title, text), "first_seen": f"t{n}"})
        keys = stories.lsh_keys(stories.ordered_shingles(versions[-1]))
        db["story_bands"].insert_all([{"band": k, "article_id": aid} for k in keys])
    db.close()


def test_m010_converts_an_m009_catalogue_in_place(tmp_path):
    path = tmp_path / "catalogue.db"
    _m009_catalogue(path)
    with Catalogue(path) as cat:
        assert [m.name for m in migrations.pending(cat.db)] == []
        assert "search_text" not in cat.db["articles"].columns_dict
        assert titles(cat, "بنغازي") == ["هدوء في سرت"] and titles(cat, "مدينة") == []  # old text not indexed
        assert titles(cat, "والعاصمة") == ["اشتباكات في طرابلس"]
        index_ok(cat)
        sirte, tripoli = (article_id(u) for u in OLD)
        assert [(v["article_id"], v["text"]) for v in cat.db["article_versions"].rows_where(order_by="id")] == [
            (sirte, "عاد الهدوء إلى مدينة سرت."), (sirte, None), (tripoli, None)]
        assert [v["text"] for v in cat.versions(sirte)] == ["عاد الهدوء إلى مدينة سرت.",
                                                             "وصلت قوافل الإغاثة إلى بنغازي."]
        bands = {aid: len(keys.split()) for aid, keys in cat.db.execute(  # one row of keys per article since m011
            "select a.id, b.bands from story_bands b join articles a on a.rowid = b.article")}
        assert set(bands) == {sirte, tripoli} and min(bands.values()) > 10
        # the converted catalogue keeps working: a new version of the migrated article
        save(cat, art("هدوء في سرت", "فتحت المدارس أبوابها."), "t9", url="https://o.example/sirte")
        assert titles(cat, "المدارس") == ["هدوء في سرت"] and titles(cat, "بنغازي") == []
        index_ok(cat)
