"""Fewer bytes written per article: m011's layouts (converted in place from m010), the WAL bound, the insert-time plan."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from archive.catalogue import db as db_module
from archive.catalogue import fts, mentions, story_rows
from archive.catalogue.db import Catalogue, article_id
from archive.catalogue.schema import migrations
from archive.corpus import history, stories
from archive.records import ExtractedArticle, Relevance

EVIDENCE = [["طرابلس", "libya_place", 2.0, 3], ["قوات حفتر", "libya_armed", 3.0, 1], ["اشتباكات", "conflict", 3.0, 1]]
BODY = ("اندلعت اشتباكات عنيفة مساء الأحد في الأحياء الجنوبية من العاصمة الليبية طرابلس بين قوات حكومة الوحدة "
        "الوطنية ومجموعات مسلحة قادمة من مدن الغرب، وقال شهود إن أصوات القذائف سمعت حتى ساعات الفجر، فيما أعلن جهاز "
        "الإسعاف والطوارئ سقوط ثلاثة قتلى وعشرات الجرحى، ودعت البعثة الأممية إلى وقف فوري لإطلاق النار وحماية "
        "المدنيين وفتح ممرات آمنة لخروج العائلات العالقة في مناطق الاشتباك.")
OTHER = ("أعلنت المؤسسة الوطنية للنفط استئناف الإنتاج في حقل الشرارة بعد توقف دام أسبوعين بسبب احتجاجات محلية "
         "طالب فيها المحتجون بفرص عمل وتحسين الخدمات في بلدات الجنوب، وقالت المؤسسة إن الإنتاج سيعود تدريجيا إلى "
         "مستواه السابق خلال أيام، محذرة من أن الإغلاقات المتكررة تكلف البلاد خسائر يومية كبيرة في الإيرادات.")
URLS = {"https://o.example/a/1": BODY, "https://o.example/a/2": OTHER, "https://p.example/b/9": BODY + " المصدر: وكالات."}


def _m010_catalogue(path: Path) -> dict[str, list[int]]:
    """A catalogue as the m010 schema left it, with articles, mentions and story bands; returns the LSH keys."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m011_sequential_writes")
    fts.register(db.conn)
    db["outlets"].insert_all([{"name": "o", "display_name": "O"}, {"name": "p", "display_name": "P"}])
    keys = {}
    for n, (url, body) in enumerate(list(URLS.items())[:2]):
        aid = article_id(url)
        db["articles"].insert({"id": aid, "url": url, "outlet": "o", "title": f"عنوان {n}", "text": body,
                               "published": f"2019-0{n + 4}-17", "first_seen": "t1", "relevant": 1,
                               "matched_terms": json.dumps(EVIDENCE, ensure_ascii=False), "story_id": f"s{n}",
                               "versions": 1})
        db["stories"].insert({"id": f"s{n}", "articles": 1, "first_article": aid})
        db["mentions"].insert_all(mentions.mention_rows(dict(next(db["articles"].rows_where("id = ?", [aid])))))
        keys[aid] = stories.lsh_keys(stories.ordered_shingles(body))
        (rowid,) = db.execute("select rowid from articles where id = ?", [aid]).fetchone()
        db.conn.executemany("insert or ignore into story_bands (band, article) values (?, ?)",
                            [(k, rowid) for k in keys[aid]])
    db.conn.commit()
    db.close()
    return keys


def test_m011_converts_an_m010_catalogue_in_place(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.db"
    keys = _m010_catalogue(path)
    before = sqlite_utils.Database(path).execute(
        "select article_id, term, category, count, outlet, relevant, day, week from mentions order by 1, 2").fetchall()
    with Catalogue(path) as cat:
        assert [m.name for m in migrations.pending(cat.db)] == []
        after = cat.db.execute("select article_id, term, category, count, outlet, relevant, day, week "
                               "from mentions order by 1, 2").fetchall()
        assert after == before and len(after) == 4  # two articles, two named terms each
        assert cat.db.execute("select count(*) from mentions m join articles a on a.rowid = m.article "
                              "and a.id = m.article_id").fetchone()[0] == 4
        stored = {aid: bands.split() for aid, bands in cat.db.execute(
            "select a.id, b.bands from story_bands b join articles a on a.rowid = b.article")}
        assert {aid: sorted(t) for aid, t in stored.items()} == {
            aid: sorted({story_rows.band_token(k) for k in ks}) for aid, ks in keys.items()}
        cat.db.execute("insert into story_band_index (story_band_index) values ('integrity-check')")
        assert cat.db.execute("pragma integrity_check").fetchall() == [("ok",)]
        # the converted catalogue keeps grouping: a copy on another outlet joins the first article's story
        url, body = list(URLS.items())[2]
        cat.save_article(outlet="p", canonical_url=url, capture_id=None, fetched_at="t2",
                         article=ExtractedArticle(url=url, title="عنوان", paragraphs=(body,)),
                         relevance=Relevance(True, 3.0, 2.0, 1.0, ()))
        assert cat.assign_story(article_id(url)) == "s0"
        first = article_id(list(URLS)[0])
        assert [c["id"] for c in story_rows.band_candidates(cat.db, article_id(url), keys[first], 10)] == [first]
        cat.db.execute("insert into story_band_index (story_band_index) values ('integrity-check')")


def test_m013_names_each_band_rows_story_on_an_m012_catalogue_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m013_band_rows_name_their_story")
    fts.register(db.conn)
    db["outlets"].insert_all([{"name": "o", "display_name": "O"}, {"name": "p", "display_name": "P"}])
    for n, (url, body) in enumerate(list(URLS.items())[:2]):  # two stories, their band rows as m012 wrote them
        db["articles"].insert({"id": article_id(url), "url": url, "outlet": "o", "title": f"عنوان {n}", "text": body,
                               "first_seen": "t1", "relevant": 1, "versions": 1, "story_id": f"s{n}"})
        db["stories"].insert({"id": f"s{n}", "articles": 1, "first_article": article_id(url)})
        tokens = " ".join(dict.fromkeys(map(story_rows.band_token, stories.lsh_keys(stories.ordered_shingles(body)))))
        with db.conn:
            db.execute("insert into story_bands (article, bands) values ((select rowid from articles where id = ?), ?)",
                       [article_id(url), tokens])
    assert "story" not in db["story_bands"].columns_dict
    db.close()
    with Catalogue(path) as cat:
        assert [m.name for m in migrations.pending(cat.db)] == []
        pairs = cat.db.execute("select b.story, a.story_id from story_bands b join articles a on a.rowid = b.article "
                               "order by b.article").fetchall()
        assert len(pairs) == 2 and all(story == story_id is not None for story, story_id in pairs)
        # a copy on another outlet finds the first article through the band rows' stories, and joins its story
        url, body = list(URLS.items())[2]
        first = article_id(list(URLS)[0])
        cat.save_article(outlet="p", canonical_url=url, capture_id=None, fetched_at="t2",
                         article=ExtractedArticle(url=url, title="عنوان", paragraphs=(body,)),
                         relevance=Relevance(True, 3.0, 2.0, 1.0, ()))
        story = cat.get_article(first)["story_id"]
        keys = stories.lsh_keys(stories.ordered_shingles(BODY))
        assert [(c["id"], c["story_id"]) for c in story_rows.band_candidates(cat.db, article_id(url), keys, 10)] == [
            (first, story)]
        assert cat.assign_story(article_id(url)) == story
        # whoever changes an article's story, its band row follows (here a plain UPDATE, as a merge makes)
        cat.db.execute("update articles set story_id = 'elsewhere' where id = ?", [first])
        assert cat.db.execute("select story from story_bands where article = (select rowid from articles "
                              "where id = ?)", [first]).fetchone() == ("elsewhere",)
        assert [c["story_id"] for c in story_rows.band_candidates(cat.db, article_id(url), keys, 10)] == ["elsewhere"]
        cat.db.execute("update articles set story_id = null where id = ?", [first])
        assert story_rows.band_candidates(cat.db, article_id(url), keys, 10) == []  # in no story: no candidate
        cat.db.execute("insert into story_band_index (story_band_index) values ('integrity-check')")
        assert cat.db.execute("pragma integrity_check").fetchall() == [("ok",)]


def test_replaced_bands_leave_the_index(tmp_path: Path) -> None:
    with Catalogue(tmp_path / "catalogue.db") as cat:
        cat.upsert_outlets([{"name": "o", "display_name": "O"}])
        for url, body in list(URLS.items())[:2]:
            cat.save_article(outlet="o", canonical_url=url, capture_id=None, fetched_at="t1",
                             article=ExtractedArticle(url=url, title="عنوان", paragraphs=(body,)),
                             relevance=Relevance(True, 3.0, 2.0, 1.0, ()))
            cat.assign_story(article_id(url))
        first, second = (article_id(u) for u in list(URLS)[:2])
        old = stories.lsh_keys(stories.ordered_shingles(BODY))
        assert [c["id"] for c in story_rows.band_candidates(cat.db, second, old, 10)] == [first]
        with cat.db.conn:
            story_rows.replace_bands(cat.db, first, [1, -1, 1])  # new keys, one given twice
        assert story_rows.band_candidates(cat.db, second, old, 10) == []  # the old keys are gone from the index
        assert cat.db.execute("select bands from story_bands where article = (select rowid from articles "
                              "where id = ?)", [first]).fetchone() == ("0000000000000001 ffffffffffffffff",)
        cat.db.execute("delete from articles where id = ?", [first])
        assert cat.db["story_bands"].count == 1
        cat.db.execute("insert into story_band_index (story_band_index) values ('integrity-check')")


def test_the_band_index_stays_in_few_segments_as_batches_add_to_it(tmp_path: Path) -> None:
    # m012: a candidate look-up reads every segment once per band key; each transaction adds one
    import random

    rnd = random.Random(1)
    with Catalogue(tmp_path / "catalogue.db") as cat:
        assert cat.db.execute("select v from story_band_index_config where k = 'crisismerge'").fetchone() == (2,)
        segments = []
        for n in range(1, 101):  # a hundred writer batches of one article's 50 keys
            with cat.db.conn:
                cat.db.execute("insert into story_bands (article, bands) values (?, ?)",
                               [n, " ".join(f"{rnd.getrandbits(64):016x}" for _ in range(50))])
            segments.append(cat.db.execute("select count(distinct segid) from story_band_index_idx").fetchone()[0])
        assert max(segments) <= 7  # at most one per level: log2(100) + 1 (FTS5's default let it reach 18 here)
        (bands,) = cat.db.execute("select bands from story_bands where article = 50").fetchone()
        found = cat.db.execute("select rowid from story_band_index where story_band_index match ?",
                               [f'"{bands.split()[0]}"']).fetchall()
        assert found == [(50,)]  # merged, still found


def test_the_wal_is_checkpointed_and_cut_back_to_its_bound(tmp_path: Path, monkeypatch) -> None:
    """Checkpoints every WAL_CHECKPOINT_BYTES of pages, and the file is cut to JOURNAL_SIZE_LIMIT after each."""
    monkeypatch.setattr(db_module, "WAL_CHECKPOINT_BYTES", 64 << 10)
    monkeypatch.setattr(db_module, "JOURNAL_SIZE_LIMIT", 128 << 10)
    path = tmp_path / "catalogue.db"
    with Catalogue(path) as cat:
        page = cat.db.execute("pragma page_size").fetchone()[0]
        assert cat.db.execute("pragma wal_autocheckpoint").fetchone()[0] == (64 << 10) // page
        wal = Path(f"{path}-wal")
        sizes = []
        for n in range(200):  # 200 small commits, ~400 KB of pages in all
            cat.record_failure(None, "o", f"https://o.example/{n}", "fetch", "timeout", "x" * 8000)
            sizes.append(wal.stat().st_size)
        assert max(sizes) <= (128 << 10) + (64 << 10) + 16 * (page + 24), max(sizes)
        assert path.stat().st_size > 256 << 10  # more than the WAL ever held reached the database: checkpoints ran



def test_a_new_article_is_planned_as_it_is_stored_so_history_does_not_rewrite_it(tmp_path: Path) -> None:
    with Catalogue(tmp_path / "catalogue.db") as cat:
        cat.upsert_outlets([{"name": "o", "display_name": "O"}])
        cat.watch_backoff = history.parse_backoff(history.DEFAULT_BACKOFF_SPEC)
        url, body = next(iter(URLS.items()))
        _, row = cat.save_article(outlet="o", canonical_url=url, capture_id=None,
                                  fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                                  article=ExtractedArticle(url=url, title="عنوان", paragraphs=(body,)),
                                  relevance=Relevance(True, 3.0, 2.0, 1.0, ()))
        assert row["watch"] == "watching" and row["next_check_at"] > row["first_seen"]
        assert cat.reconcile_history()["watched"] == 0  # nothing left to plan: no second write of the row
        cat.watch_backoff = None  # without a rule (a plain Catalogue), history plans it as before
        other, text = list(URLS.items())[1]
        _, row = cat.save_article(outlet="o", canonical_url=other, capture_id=None, fetched_at="2026-12-05T00:00:00",
                                  article=ExtractedArticle(url=other, title="عنوان", paragraphs=(text,)),
                                  relevance=Relevance(True, 3.0, 2.0, 1.0, ()))
        assert row["watch"] is None
        assert cat.reconcile_history()["watched"] == 1
