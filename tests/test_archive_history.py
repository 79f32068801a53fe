"""What counts as a new version, readable diffs, deletion/return events and the re-check back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.catalogue.db import Catalogue
from archive.corpus import history
from archive.corpus.history import Snapshot
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

P1 = "أعلنت حكومة الوحدة الوطنية في طرابلس اتفاقا لوقف إطلاق النار في سرت."
P2 = "وأكدت البعثة الأممية ترحيبها بالاتفاق ودعت الأطراف إلى الالتزام به."
BASE = Snapshot("اتفاق في سرت", P1 + "\n" + P2, "2025-03-01")


@pytest.mark.parametrize("new, changed", [
    (Snapshot("اتفاق  في سرت ", "  " + P1 + "\n\n" + P2.replace(" ", "  "), "2025-03-01"), []),  # whitespace
    (Snapshot("اتفاق في سـرت", P1.replace("الوطنية", "الوطنـــية") + "\n" + P2, "2025-03-01"), []),  # tatweel
    (Snapshot("اتفاق في سرت", P1 + "\u200f\n" + P2 + "\u200b", "2025-03-01"), []),  # invisible marks
    (Snapshot("اتفاق في سرت", P1 + "\nعدد المشاهدات: 1532\n" + P2, "2025-03-01"), []),  # a view counter
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2 + "\nآخر تحديث: 2025-03-02 10:15", "2025-03-01"), []),  # stamp
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2 + "\nاقرأ أيضا", "2025-03-01"), []),  # read-also prompt
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2, None), []),  # a date extraction lost is no change
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2, "2025-03-01T09:30:00+02:00"), []),  # more precision
    (Snapshot("اتفاق هش في سرت", P1 + "\n" + P2, "2025-03-01"), ["title"]),
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2.replace("ترحيبها", "تحفظها"), "2025-03-01"), ["text"]),
    (Snapshot("اتفاق في سرت", P1, "2025-03-01"), ["text"]),  # a paragraph removed
    (Snapshot("اتفاق في سرت", P1 + "\n" + P2, "2025-03-02"), ["published"]),
    (Snapshot("تحديث: اتفاق في سرت", P2 + "\n" + P1, "2024-03-01"), ["title", "text", "published"]),
])
def test_changed_fields(new: Snapshot, changed: list[str]) -> None:
    assert history.changed_fields(BASE, new) == changed
    assert history.is_new_version(BASE, new) is bool(changed)


def test_a_paragraph_that_mentions_an_update_is_content() -> None:
    assert not history.is_boilerplate_line("تحديث الاتفاق جاء بعد مفاوضات طويلة بين الطرفين في جنيف")
    assert history.is_boilerplate_line("آخر تحديث: 12:40")
    assert history.is_boilerplate_line("1,204 مشاهدة")


def test_readable_diff_shows_removed_and_added_paragraphs() -> None:
    new = Snapshot("اتفاق هش في سرت", P1 + "\n" + "وقالت البعثة الأممية إنها ترحب بحذر.", "2025-03-01")
    diff = history.readable_diff(BASE, new, old_label="version 1", new_label="version 2")
    lines = diff.splitlines()
    assert lines[:2] == ["--- version 1", "+++ version 2"]
    assert "-title: اتفاق في سرت" in lines and "+title: اتفاق هش في سرت" in lines
    assert "-" + P2 in lines and "+وقالت البعثة الأممية إنها ترحب بحذر." in lines
    assert " " + P1 in lines  # context


def test_line_changes_word_level_and_whole_lines() -> None:
    old = Snapshot("اتفاق في سرت", "قتل خمسة أشخاص\nفقرة ثابتة\nفقرة تحذف")
    new = Snapshot("اتفاق في سرت", "قتل سبعة  أشخاص\nفقرة ثابتة")
    assert history.line_changes(old, new) == [
        history.LineChange("changed", (("equal", "قتل "), ("delete", "خمسة"), ("insert", "سبعة"), ("equal", " أشخاص"))),
        history.LineChange("removed", (("delete", "فقرة تحذف"),)),
    ]
    assert history.line_changes(old, old) == []


@pytest.mark.parametrize("article_status, http_status, event", [
    ("live", 404, "deleted"), ("live", 410, "deleted"), ("deleted", 404, None), ("deleted", 200, "returned"),
    ("deleted", 304, "returned"), ("live", 200, None), ("live", 500, None), ("live", 301, None),
])
def test_status_event(article_status: str, http_status: int, event: str | None) -> None:
    assert history.status_event(article_status, http_status) == event


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("age, every", [
    (timedelta(hours=2), timedelta(hours=1)),  # day one: hourly
    (timedelta(days=3), timedelta(days=1)),  # first week: daily
    (timedelta(days=20), timedelta(days=7)),  # first month: weekly
    (timedelta(days=31), None),  # then stop
])
def test_next_check_backs_off_with_age(age: timedelta, every: timedelta | None) -> None:
    due = history.next_check(NOW - age, NOW)
    assert due == (NOW + every if every else None)


def test_article_age_counts_from_the_earlier_of_published_and_first_seen() -> None:
    born = history.article_born("2026-03-01T11:00:00+00:00", "2025-01-01")
    assert born == datetime(2025, 1, 1, tzinfo=UTC)
    assert history.next_check(born, NOW) is None  # a backfilled old article is not watched
    assert history.article_born("2026-03-01T11:00:00+00:00", None) == datetime(2026, 3, 1, 11, tzinfo=UTC)


@pytest.mark.parametrize("spec, rules", [
    ("1d:1h,7d:1d,30d:7d", history.DEFAULT_BACKOFF),
    ("6h:10m, 2d:2h", ((timedelta(hours=6), timedelta(minutes=10)), (timedelta(days=2), timedelta(hours=2)))),
])
def test_parse_backoff(spec: str, rules: tuple) -> None:
    assert history.parse_backoff(spec) == rules


@pytest.mark.parametrize("spec", ["1d", "1d:1h,1h:1m", "1x:1h", "1d:0s"])
def test_parse_backoff_refuses(spec: str) -> None:
    with pytest.raises(ValueError):
        history.parse_backoff(spec)


# -- the catalogue side ------------------------------------------------------------------------------


def _capture(cat: Catalogue, crawl_id: int, url: str, status: int, record_type: str = "response") -> int:
    ex = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=status, reason="",
                  protocol="HTTP/1.1", response_headers=(), body=b"")
    loc = WarcLocation("warc/x.warc.gz", 0, 1, "<urn:uuid:1>", record_type, "sha1:X")
    return cat.add_capture(crawl_id, "o", ex, loc)


def _save(cat: Catalogue, url: str, capture_id: int, title: str, text: str, at: str,
          published: str | None = "2026-03-01") -> str:
    article = ExtractedArticle(url=url, title=title, paragraphs=tuple(text.split("\n")), published=published)
    outcome, _ = cat.save_article(outlet="o", canonical_url=url, article=article,
                                  relevance=Relevance(True, 1.0, 1.0, 1.0), capture_id=capture_id, fetched_at=at)
    return outcome


def test_reconcile_records_diffs_deletion_return_and_watch(tmp_path: Path) -> None:
    cat = Catalogue(tmp_path / "catalogue.db")
    cat.upsert_outlets([{"name": "o"}])
    url = "https://example.ly/news/1"
    c1 = cat.start_crawl("c1", "schedule", ["o"])
    _save(cat, url, _capture(cat, c1, url, 200), "اتفاق في سرت", P1 + "\n" + P2, "2026-03-01T10:00:00+00:00")
    assert _save(cat, url, _capture(cat, c1, url, 200), "اتفاق هش في سرت", P1, "2026-03-01T11:00:00+00:00") \
        == "updated"
    done = cat.reconcile_history(c1)
    assert done["diffs"] == 1
    aid = cat.db["articles"].get(cat.versions(next(iter(cat.db["articles"].rows))["id"])[0]["article_id"])["id"]
    v2 = cat.versions(aid)[1]
    assert v2["changed"] == "title,text" and "-" + P2 in v2["diff"]
    article = cat.get_article(aid)
    assert article["watch"] in ("watching", "done")

    c2 = cat.start_crawl("c2", "manual", ["o"])
    _capture(cat, c2, url, 404)
    assert cat.reconcile_history(c2)["deleted"] == 1
    assert cat.reconcile_history(c2)["deleted"] == 0  # once only
    assert cat.get_article(aid)["status"] == "deleted"

    c3 = cat.start_crawl("c3", "schedule", ["o"])
    _save(cat, url, _capture(cat, c3, url, 200), "اتفاق هش في سرت", P1, "2099-01-01T00:00:00+00:00")
    assert cat.reconcile_history(c3)["returned"] == 1
    assert [e["kind"] for e in cat.events(aid)] == ["deleted", "returned"]
    history_rows = list(cat.db.query("select what from article_history where article_id = ? order by at", [aid]))
    assert [r["what"] for r in history_rows] == ["version 1", "version 2", "deleted", "returned"]
    cat.close()


def test_due_articles_and_mark_checked(tmp_path: Path) -> None:
    cat = Catalogue(tmp_path / "catalogue.db")
    cat.upsert_outlets([{"name": "o"}])
    url = "https://example.ly/news/2"
    crawl = cat.start_crawl("c", "cli", ["o"])
    now = datetime.now(UTC)
    _save(cat, url, _capture(cat, crawl, url, 200), "عنوان", P1, now.isoformat(timespec="seconds"), None)
    cat.reconcile_history(crawl, history.parse_backoff("1d:1h"))
    row = next(iter(cat.db["articles"].rows))
    assert row["watch"] == "watching"
    assert cat.due_articles(now.isoformat(timespec="seconds")) == []
    later = (now + timedelta(hours=2)).isoformat(timespec="seconds")
    assert [r["id"] for r in cat.due_articles(later)] == [row["id"]]
    cat.mark_checked([row["id"]], now + timedelta(days=2), history.parse_backoff("1d:1h"))
    row = cat.get_article(row["id"])
    assert row["watch"] == "done" and row["next_check_at"] is None and row["last_checked_at"]
    cat.close()
