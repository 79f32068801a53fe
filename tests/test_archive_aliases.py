"""Article aliases and merging duplicate rows (archive.catalogue.aliases) on a real sqlite-utils catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.catalogue import aliases, reading
from archive.catalogue.db import Catalogue, article_id
from archive.corpus import textfiles as textexport
from archive.integrity.check import check_archive
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

REL = Relevance(True, 2.0, 4.0, 4.0, (("طرابلس", "libya_place", 1.0, 1),))
BODY = ("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات حكومة الوفاق وقوات القيادة العامة.",
        "وقال شهود إن القصف استهدف أحياء سكنية جنوب المدينة.")


@pytest.fixture
def cat():
    c = Catalogue(":memory:")
    c.upsert_outlets([{"name": "portal", "display_name": "portal", "domains": "portal.example"}])
    yield c
    c.close()


def art(title="اشتباكات في طرابلس", paras=BODY, url="http://portal.example/a") -> ExtractedArticle:
    return ExtractedArticle(url=url, title=title, paragraphs=tuple(paras), published="2019-04-17")


def capture(cat: Catalogue, url: str) -> int:
    ex = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                  protocol="HTTP/1.1", response_headers=(), body=b"<html></html>",
                  fetched_at=datetime(2026, 12, 1, tzinfo=UTC))
    loc = WarcLocation("warc/x.warc.gz", 0, 10, f"<urn:uuid:{url}>", "response", "sha1:X")
    return cat.add_capture(None, "portal", ex, loc)


def stored(cat: Catalogue, data_dir, url: str, article: ExtractedArticle, seen: str) -> dict:
    """An article saved as ingest saves it: row, version, seq, text file."""
    _, row = cat.save_article(outlet="portal", canonical_url=url, article=article, relevance=REL,
                              capture_id=capture(cat, url), fetched_at=seen)
    seq = cat.assign_seq(row["id"])
    cat.set_text_file(row["id"], textexport.write_text(data_dir, seq, row["id"], article.title, article.paragraphs))
    cat.assign_story(row["id"])
    return cat.get_article(row["id"])


def test_find_article_by_own_url_and_by_alias(cat, tmp_path):
    row = stored(cat, tmp_path, "http://portal.example/article.php?id=5", art(), "2026-12-01T10:00:00+00:00")
    assert aliases.find_article(cat.db, ["http://portal.example/article.php?id=5"])["id"] == row["id"]
    assert aliases.find_article(cat.db, ["http://portal.example/old.php?nid=5"]) is None
    with cat.db.conn:
        assert aliases.add_alias(cat.db, "http://portal.example/old.php?nid=5", row["id"], "redirect", outlet="portal")
        # the article's own URL is never its alias; a recorded alias keeps how it was first learned
        assert not aliases.add_alias(cat.db, row["url"], row["id"], "canonical")
        aliases.add_alias(cat.db, "http://portal.example/old.php?nid=5", row["id"], "same-body")
    found = aliases.find_article(cat.db, ["http://portal.example/nothing", "http://portal.example/old.php?nid=5"])
    assert found["id"] == row["id"]
    assert cat.article_for_url("http://portal.example/old.php?nid=5")["id"] == row["id"]
    [alias] = cat.db["article_aliases"].rows_where("article_id = ?", [row["id"]])
    assert (alias["how"], alias["url_id"]) == ("redirect", article_id("http://portal.example/old.php?nid=5"))
    assert reading.merged_into(cat.db.conn, alias["url_id"]) == row["id"]
    with pytest.raises(ValueError, match="unknown alias kind"):
        aliases.add_alias(cat.db, "http://portal.example/x", row["id"], "guess")


def test_alias_never_hides_another_article(cat, tmp_path):
    a = stored(cat, tmp_path, "http://portal.example/a", art(), "2026-12-01T10:00:00+00:00")
    b = stored(cat, tmp_path, "http://portal.example/b", art(title="عنوان آخر"), "2026-12-01T10:00:00+00:00")
    with cat.db.conn:
        assert not aliases.add_alias(cat.db, b["url"], a["id"], "same-body")
    assert aliases.find_article(cat.db, [b["url"]])["id"] == b["id"]


def test_learned_params_per_outlet(cat):
    with cat.db.conn:
        assert aliases.learn_params(cat.db, "portal", ["SID"], "two URLs, one body") == ["sid"]
        assert aliases.learn_params(cat.db, "portal", ["sid"], "again") == []
    assert aliases.learned_params(cat.db, "portal") == ("sid",)
    assert aliases.learned_params(cat.db, "other") == ()


def test_same_body_article(cat, tmp_path):
    row = stored(cat, tmp_path, "http://portal.example/a", art(), "2026-12-01T10:00:00+00:00")
    twin = aliases.same_body_article(cat.db, "portal", row["text_digest"], article_id("http://portal.example/b"))
    assert twin["id"] == row["id"]
    assert aliases.same_body_article(cat.db, "portal", row["text_digest"], row["id"]) is None
    assert aliases.same_body_article(cat.db, "elsewhere", row["text_digest"], "x") is None


def test_merge_keeps_lowest_seq_every_version_and_one_text_file(cat, tmp_path):
    # the duplicate came first (seq 0), the row to keep later (seq 1) and was then edited (version 2)
    dup = stored(cat, tmp_path, "http://portal.example/a.php?id=5&sid=8f3a9c2e71", art(),
                 "2026-12-01T10:00:00+00:00")
    keep = stored(cat, tmp_path, "http://portal.example/a.php?id=5", art(), "2026-12-01T11:00:00+00:00")
    keep = stored(cat, tmp_path, keep["url"], art(paras=(*BODY, "وأعلنت البعثة الأممية هدنة إنسانية.")),
                  "2026-12-02T09:00:00+00:00")
    cat.db["article_events"].insert({"article_id": dup["id"], "kind": "deleted", "url": dup["url"],
                                     "at": "2026-12-01T12:00:00+00:00", "http_status": 404})
    captures_before = cat.db["captures"].count
    assert (dup["seq"], keep["seq"], keep["versions"]) == (0, 1, 2)
    files_before = sorted(p.name for p in (tmp_path / "text").iterdir())
    assert len(files_before) == 2

    merge = aliases.merge_articles(cat.db, tmp_path, keep["id"], dup["id"], "session-param")
    cat.reconcile_history()

    assert cat.get_article(dup["id"]) is None
    row = cat.get_article(keep["id"])
    assert row["seq"] == 0 == merge.seq
    assert row["first_seen"] == "2026-12-01T10:00:00+00:00" and row["last_seen"] == "2026-12-02T09:00:00+00:00"
    assert "هدنة" in row["text"]  # the newest content stays the row's
    versions = cat.versions(keep["id"])
    # the duplicate's only version has the text of the kept row's version 1: folded, not a false edit
    assert [v["version"] for v in versions] == [1, 2] and row["versions"] == 2
    assert (merge.versions_moved, merge.versions_folded) == (0, 1)
    assert versions[1]["diff"] and "هدنة" in versions[1]["diff"]
    assert cat.db["captures"].count == captures_before
    assert next(e["kind"] for e in cat.events(keep["id"])) == "deleted"  # events follow the article
    assert sorted(p.name for p in (tmp_path / "text").iterdir()) == [textexport.file_name(0, keep["id"])]
    assert row["text_file"] == f"text/{textexport.file_name(0, keep['id'])}"
    assert (tmp_path / row["text_file"]).read_text(encoding="utf-8") == textexport.render(
        row["title"], row["text"].split("\n"))
    [alias] = cat.db["article_aliases"].rows_where("article_id = ?", [keep["id"]])
    assert (alias["url"], alias["how"]) == (dup["url"], "session-param")
    assert reading.merged_into(cat.db.conn, dup["id"]) == keep["id"]
    assert cat.db["stories"].count == 1
    assert cat.db.execute("select count(*) from story_bands where article not in (select rowid from articles)"
                          ).fetchone()[0] == 0  # the merged-away row's bands went with it
    report = check_archive(tmp_path, cat)
    assert [f for f in report.findings if f.kind.startswith("text")] == []


def test_merge_moves_distinct_versions_in_time_order(cat, tmp_path):
    a = stored(cat, tmp_path, "http://portal.example/a", art(), "2026-12-01T10:00:00+00:00")
    b = stored(cat, tmp_path, "http://portal.example/b", art(title="عنوان معدل"), "2026-12-01T11:00:00+00:00")
    merge = aliases.merge_articles(cat.db, tmp_path, a["id"], b["id"], "redirect")
    cat.reconcile_history()
    versions = cat.versions(a["id"])
    assert [(v["version"], v["title"]) for v in versions] == [(1, "اشتباكات في طرابلس"), (2, "عنوان معدل")]
    assert versions[1]["changed"] == "title"
    assert (merge.versions_moved, merge.versions_folded) == (1, 0)
    assert cat.get_article(a["id"])["title"] == "عنوان معدل"  # b was seen last
    with pytest.raises(KeyError):
        aliases.merge_articles(cat.db, tmp_path, a["id"], b["id"], "redirect")


def test_rekey_gives_the_cleaner_url_and_keeps_seq(cat, tmp_path):
    dup = stored(cat, tmp_path, "http://portal.example/a.php?id=5&sid=8f3a9c2e71", art(),
                 "2026-12-01T10:00:00+00:00")
    merge = aliases.rekey_article(cat.db, tmp_path, dup["id"], "http://portal.example/a.php?id=5", "session-param")
    row = cat.get_article(article_id("http://portal.example/a.php?id=5"))
    assert row["seq"] == dup["seq"] and row["url"] == "http://portal.example/a.php?id=5"
    assert merge.removed_files == (dup["text_file"],)
    assert aliases.find_article(cat.db, [dup["url"]])["id"] == row["id"]


def test_plan_dedupe_groups_by_url_key_and_body(cat, tmp_path):
    a = stored(cat, tmp_path, "http://portal.example/n/index.php?id=1", art(), "2026-12-01T10:00:00+00:00")
    b = stored(cat, tmp_path, "http://portal.example/n/?id=1", art(title="تحديث"), "2026-12-01T11:00:00+00:00")
    c = stored(cat, tmp_path, "http://portal.example/print/1", art(), "2026-12-01T12:00:00+00:00")
    d = stored(cat, tmp_path, "http://portal.example/other", art(title="خبر آخر", paras=("نص مختلف تماما.",)),
               "2026-12-01T12:00:00+00:00")

    def key_of(url, outlet):
        return url.replace("index.php", "")

    plan = aliases.plan_dedupe(cat.db, key_of, rank=lambda r: len(r["url"]),
                               how_of=lambda k, r: "default-document" if key_of(r["url"], "") == k["url"]
                               else "same-body")
    assert plan.merges == 2
    [(kept, drops)] = plan.groups
    assert kept["id"] == b["id"]
    assert sorted((r["id"], how) for r, how in drops) == sorted([(a["id"], "default-document"),
                                                                   (c["id"], "same-body")])
    merges = aliases.apply_dedupe(cat.db, tmp_path, plan)
    assert len(merges) == 2
    assert {r["id"] for r in cat.db["articles"].rows} == {b["id"], d["id"]}
    assert cat.get_article(b["id"])["seq"] == a["seq"] == 0


def test_same_body_alias_released_when_its_page_changes(cat, tmp_path):
    a = stored(cat, tmp_path, "http://portal.example/a", art(), "2026-12-01T10:00:00+00:00")
    with cat.db.conn:
        aliases.add_alias(cat.db, "http://portal.example/m/1", a["id"], "same-body")
        aliases.add_alias(cat.db, "http://portal.example/old/1", a["id"], "redirect")
    other = "sha256:another-body"
    # still the same body, or tied by a redirect: the alias holds
    assert not aliases.release_stale_same_body(cat.db, a, ["http://portal.example/m/1"], a["text_digest"])
    assert not aliases.release_stale_same_body(cat.db, a, ["http://portal.example/old/1"], other)
    # only the same-body rule tied it and the page now shows another text: it is its own article
    assert aliases.release_stale_same_body(cat.db, a, ["http://portal.example/m/1"], other)
    assert aliases.find_article(cat.db, ["http://portal.example/m/1"]) is None
    assert aliases.find_article(cat.db, ["http://portal.example/old/1"])["id"] == a["id"]
