"""The mentions table: rows from the relevance evidence, replaced on each save, backfilled by the m008 migration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from archive.catalogue import mentions
from archive.catalogue.db import Catalogue
from archive.catalogue.schema import migrations

EVIDENCE = [["قوات حفتر", "libya_armed", 3.0, 2], ["طرابلس", "libya_place", 2.0, 4], ["اشتباكات", "conflict", 3.0, 1],
            ["المجلس الرئاسي", "libya_actor", 2.0, 1], ["حكومة الوفاق", "libya_political", 2.0, 1],
            ["الفاشر", "foreign", 3.0, 1], ["رفض", "dispute", 0.0, 1]]


def _article(**changes: object) -> dict[str, object]:
    return {"id": "a" * 16, "outlet": "demo", "relevant": 1, "published": "2019-08-09T18:20:00+02:00",
            "first_seen": "2026-11-20T09:00:00+00:00", "matched_terms": json.dumps(EVIDENCE, ensure_ascii=False),
            **changes}


def test_rows_keep_named_things_only_with_reader_categories() -> None:
    rows = {r["term"]: r for r in mentions.mention_rows(_article())}
    assert {t: r["category"] for t, r in rows.items()} == {
        "قوات حفتر": "armed group", "طرابلس": "place", "المجلس الرئاسي": "actor", "حكومة الوفاق": "institution"}
    assert rows["طرابلس"]["count"] == 4
    assert rows["طرابلس"]["day"] == "2019-08-09" and rows["طرابلس"]["week"] == "2019-08-05"  # Friday -> Monday
    assert rows["طرابلس"]["outlet"] == "demo" and rows["طرابلس"]["relevant"] == 1


@pytest.mark.parametrize(("value", "expected"), [
    ("2019-08-09T18:20:00+02:00", ("2019-08-09", "2019-08-05")),
    ("2019-08-05", ("2019-08-05", "2019-08-05")),  # a Monday is its own week
    ("2020-01-01", ("2020-01-01", "2019-12-30")),  # the week crosses the year
    ("", (None, None)),
    ("not a date", (None, None)),
])
def test_week_of(value: str, expected: tuple[str | None, str | None]) -> None:
    assert mentions.week_of(value) == expected


def test_undated_article_falls_back_to_first_seen() -> None:
    rows = mentions.mention_rows(_article(published=None))
    assert {r["week"] for r in rows} == {"2026-11-16"}


@pytest.mark.parametrize("bad", ["not json", "{}", "[1, 2]", "[[\"x\"]]"])
def test_bad_evidence_gives_no_rows_and_no_error(bad: str) -> None:
    assert mentions.mention_rows(_article(matched_terms=bad)) == []


def _catalogue(tmp_path: Path) -> Catalogue:
    cat = Catalogue(tmp_path / "catalogue.db")
    cat.db["articles"].insert(_article(), alter=True)
    return cat


def test_record_replaces_an_articles_mentions(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path)
    assert mentions.record(cat.db, _article()) == 4
    assert mentions.record(cat.db, _article()) == 4  # saved again: no duplicates
    fewer = json.dumps([["طرابلس", "libya_place", 2.0, 1]], ensure_ascii=False)
    assert mentions.record(cat.db, _article(matched_terms=fewer)) == 1
    assert [(r["term"], r["count"]) for r in cat.db["mentions"].rows] == [("طرابلس", 1)]
    cat.close()


def test_record_on_a_catalogue_without_the_table_does_nothing() -> None:
    db = sqlite_utils.Database(memory=True)
    assert mentions.record(db, _article()) == 0


def test_migration_backfills_existing_articles(tmp_path: Path) -> None:
    # the catalogue as it was before m008: no mentions table, no view
    db = sqlite_utils.Database(tmp_path / "catalogue.db")
    migrations.apply(db, stop_before="m008_mentions")
    db["articles"].insert_all([_article(), _article(id="b" * 16, outlet="other", published="2019-07-01")])
    db.close()
    reopened = Catalogue(tmp_path / "catalogue.db")  # applies pending migrations: m008 backfills, m011 re-lays
    rows = list(reopened.db.query("select article_id, outlet, week from mentions where term = 'طرابلس' order by week"))
    assert rows == [{"article_id": "b" * 16, "outlet": "other", "week": "2019-07-01"},
                    {"article_id": "a" * 16, "outlet": "demo", "week": "2019-08-05"}]
    assert "articles_view" in reopened.db.view_names()
    assert list(reopened.db.query("select outlet, month from article_facets order by article_rowid")) == [
        {"outlet": "demo", "month": "2019-08"}, {"outlet": "other", "month": "2019-07"}]
    assert [m.name for m in migrations.pending(reopened.db)] == []
    reopened.close()


def test_article_facets_follow_the_articles(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path)
    cat.db["articles"].update("a" * 16, {"published": "2020-01-02", "relevant": 0})
    cat.db["articles"].insert(_article(id="c" * 16, published=None, language="en"), alter=True)
    rows = list(cat.db.query("select month, relevant, language from article_facets order by article_rowid"))
    assert rows == [{"month": "2020-01", "relevant": 0, "language": None},
                    {"month": "2026-11", "relevant": 1, "language": "en"}]  # undated: the first-seen month
    cat.db["articles"].delete("c" * 16)
    assert cat.db["article_facets"].count == 1
    cat.close()


@pytest.mark.parametrize("sql", [
    "select week, outlet, count(*), sum(count) from mentions where term = ? group by week, outlet",  # /mentions
    "select outlet, min(day), max(day), sum(relevant) from mentions where term = ? group by outlet",  # by outlet
])
def test_the_mentions_page_queries_read_one_terms_run(tmp_path: Path, sql: str) -> None:
    cat = _catalogue(tmp_path)
    plan = " ".join(r[3] for r in cat.db.execute(f"explain query plan {sql}", ["طرابلس"]).fetchall())
    assert plan.startswith("SEARCH mentions USING PRIMARY KEY (term=?)"), plan  # no scan, no second lookup
    cat.close()


def test_a_batch_of_new_articles_appends_to_each_terms_run(tmp_path: Path) -> None:
    """m011: rows ordered by (term, article rowid), so new articles land at the end of each term's run."""
    cat = _catalogue(tmp_path)
    for n in range(3):
        cat.db["articles"].insert(_article(id=f"{n}" * 16), alter=True)
        mentions.record(cat.db, _article(id=f"{n}" * 16))
    mentions.record(cat.db, _article())
    rowids = [r[0] for r in cat.db.execute("select article from mentions where term = 'طرابلس'")]
    assert rowids == sorted(rowids) and len(rowids) == 4  # stored in rowid order within the term
    cat.db["articles"].delete("1" * 16)  # a deleted article takes its mentions along
    assert cat.db.execute("select count(*) from mentions where article_id = ?", ["1" * 16]).fetchone()[0] == 0
    assert cat.db["mentions"].count == 12
    cat.close()


def test_backfill_fills_the_current_layout_with_rowids(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path)
    assert mentions.backfill(cat.db) == 4
    assert cat.db.execute("select count(*) from mentions m join articles a on a.rowid = m.article "
                          "and a.id = m.article_id").fetchone()[0] == 4
    cat.close()
