"""crawler.capture.ingest.resolve_url through a real session (catalogue file, WARC writer, corpus): one article, one row."""

from __future__ import annotations

import pytest
from helpers import portal_session

from archive.records import ExtractedArticle
from crawler.capture.apply import apply_batch
from crawler.capture.config import ArchiveConfig
from crawler.capture.ingest import ingest
from crawler.capture.session import ArchiveSession
from crawler.relevance.judge import load_lexicon

BASE = "http://portal.example"
BODY = ("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات حكومة الوفاق وقوات القيادة العامة.",
        "وقال شهود إن القصف استهدف أحياء سكنية جنوب المدينة.")
OTHER = ("أعلن المجلس الرئاسي في طرابلس تشكيل لجنة عسكرية مشتركة لمراقبة وقف إطلاق النار في سرت.",
         "وأكد أن اللجنة ستبدأ عملها الأسبوع المقبل.")


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, BASE)
    yield s
    s.close()


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(ArchiveConfig.from_settings({}).lexicon)


def put(session, lexicon, url, paras=BODY, *, title="اشتباكات في طرابلس", request_url=None, canonical=None):
    page = ExtractedArticle(url=url, title=title, paragraphs=paras, canonical_link=canonical)
    return ingest(session, lexicon, outlet_name="portal", url=url, capture_id=None, result=page,
                  request_url=request_url)


def articles(session):
    return list(session.catalogue.db.query("select id, url, seq, text_file from articles order by seq"))


def test_redirect_and_canonical_urls_become_aliases(session, lexicon):
    assert put(session, lexicon, f"{BASE}/article.php?id=1", request_url=f"{BASE}/news_view.php?nid=1") == "new"
    assert put(session, lexicon, f"{BASE}/print.php?id=1", canonical=f"{BASE}/article.php?id=1") == "unchanged"
    [row] = articles(session)
    hows = {r["url"]: r["how"] for r in session.catalogue.db["article_aliases"].rows}
    assert hows == {f"{BASE}/news_view.php?nid=1": "redirect", f"{BASE}/print.php?id=1": "canonical"}
    assert session.catalogue.article_for_url(f"{BASE}/news_view.php?nid=1")["id"] == row["id"]


def test_session_token_learned_and_clean_url_kept_whatever_the_order(session, lexicon):
    assert put(session, lexicon, f"{BASE}/a.php?id=7&sid=9f8e7d6c5b4a") == "new"
    assert put(session, lexicon, f"{BASE}/a.php?id=7") == "unchanged"
    [row] = articles(session)
    assert row["url"] == f"{BASE}/a.php?id=7" and row["seq"] == 0  # re-keyed, sequence number kept
    assert row["text_file"] == f"text/000_{row['id']}.txt"
    assert session.session_params("portal") == ("sid",)
    # from now on the token is dropped: a new visit's token finds the article by its own URL
    assert put(session, lexicon, f"{BASE}/a.php?id=7&sid=0a1b2c3d4e5f") == "unchanged"
    assert len(articles(session)) == 1
    assert sorted(p.name for p in (session.config.data_dir / "text").iterdir()) == [f"000_{row['id']}.txt"]


def test_same_body_then_different_body_is_its_own_article(session, lexicon):
    put(session, lexicon, f"{BASE}/article.php?id=3")
    assert put(session, lexicon, f"{BASE}/mobile/story.php?n=3") == "unchanged"
    assert len(articles(session)) == 1
    # the mobile URL later serves another story: a new article, and the first one keeps its text
    assert put(session, lexicon, f"{BASE}/mobile/story.php?n=3", OTHER, title="لجنة عسكرية مشتركة") == "new"
    rows = {r["url"]: r for r in articles(session)}
    assert set(rows) == {f"{BASE}/article.php?id=3", f"{BASE}/mobile/story.php?n=3"}
    first = session.catalogue.get_article(rows[f"{BASE}/article.php?id=3"]["id"])
    assert first["versions"] == 1 and "اشتباكات" in first["text"]


def test_switched_off_stores_each_url(tmp_path, lexicon):
    seeds = tmp_path / "outlets.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nstart_urls = ["{BASE}/"]\ntopic_filter = false\n',
                     encoding="utf-8")
    s = ArchiveSession(ArchiveConfig.from_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                                                     "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_ALIASES": "false",
                                                     "ARCHIVE_DISK_RESERVE": 0}), apply_batch)
    try:
        put(s, lexicon, f"{BASE}/a.php?id=7&sid=9f8e7d6c5b4a")
        put(s, lexicon, f"{BASE}/a.php?id=7")
        assert len(articles(s)) == 2 and s.catalogue.db["article_aliases"].count == 0
    finally:
        s.close()


def test_token_changing_between_visits_is_learned(session, lexicon):
    """No clean URL ever seen: two visits' tokens are enough, and the row takes the URL without the token."""
    assert put(session, lexicon, f"{BASE}/show.php?id=9&sid=aaaa1111bbbb") == "new"
    assert put(session, lexicon, f"{BASE}/show.php?id=9&sid=cccc2222dddd") == "unchanged"
    [row] = articles(session)
    assert row["url"] == f"{BASE}/show.php?id=9"
    hows = {r["url"]: r["how"] for r in session.catalogue.db["article_aliases"].rows}
    assert hows[f"{BASE}/show.php?id=9&sid=aaaa1111bbbb"] == "session-param"
    assert hows[f"{BASE}/show.php?id=9&sid=cccc2222dddd"] == "session-param"
