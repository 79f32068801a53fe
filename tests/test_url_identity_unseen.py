"""URL identity on styles the first rounds did not see (issue 13 probe): the URL rules, the trust given to a
``rel=canonical``, the duplicate filter for redirects, and ingest's content check, through a real session."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import portal_session
from scrapy import Request

from archive.records import ExtractedArticle
from crawler.capture.config import ArchiveConfig
from crawler.capture.dedupe import same_article
from crawler.capture.ingest import ingest
from crawler.discovery.urls import (
    alias_reason,
    canonicalize,
    choose_canonical,
    identity_key,
    session_params_between,
)
from crawler.middlewares import RedirectAwareDupeFilter
from crawler.relevance.judge import load_lexicon

H = "http://portal.example"
SLUG = "آخر-أنباء-الهدنة-في-إجدابيا"  # NFC; "آ", "أ" and "إ" decompose in NFD


@pytest.mark.parametrize(("a", "b"), [
    (f"{H}/portal/story.jsp;JSESSIONID=0AF3C9D1E2?storyId=22", f"{H}/portal/story.jsp?storyId=22"),
    ("HTTP://Portal.EXAMPLE:80/index.php?option=com_content&view=article&id=11:clashes&Itemid=9",
     f"{H}/index.php?Itemid=9&id=11%3Aclashes&view=article&option=com_content"),
    (f"{H}/x?storyId=2&utm_source=rss&utm_medium=feed&fbclid=IwAR0&gclid=Cj0&ref=home#comments", f"{H}/x?storyId=2"),
    (f"{H}/ar/news/{SLUG}/", f"{H}/ar/news/{quote(SLUG).lower()}/"),
    (f"{H}/./ar/news/x/../{SLUG}/", f"{H}/ar/news/{quote(SLUG)}/"),
])
def test_spellings_of_one_url_canonicalise_alike(a, b):
    assert canonicalize(a) == canonicalize(b)


@pytest.mark.parametrize(("a", "b"), [
    (f"{H}/x?s=query", f"{H}/x"),  # WordPress search
    (f"{H}/x?from=2019-01-01", f"{H}/x"),
    (f"{H}/index.php?option=com_content&view=article&id=11", f"{H}/index.php?option=com_content&view=article&id=12"),
    (f"{H}/a/b", f"{H}/a/b/"),
])
def test_parameters_and_paths_that_may_select_content_are_kept(a, b):
    assert identity_key(a) != identity_key(b)


def test_nfd_slug_is_one_identity_but_fetched_as_linked():
    nfd = unicodedata.normalize("NFD", SLUG)
    assert nfd != SLUG
    a, b = f"{H}/ar/news/{quote(nfd)}/", f"{H}/ar/news/{SLUG}/"
    assert canonicalize(a) != canonicalize(b)  # a server that matches bytes serves only the spelling it has
    assert identity_key(a) == identity_key(b) == canonicalize(b)
    assert identity_key(f"{H}/ar/news/{nfd}/index.html") == canonicalize(b)
    assert alias_reason(a, b) == "url-rule"


@pytest.mark.parametrize(("declared", "trusted"), [
    (f"{H}/index.php", False),  # the home page under its default document
    (f"{H}/Default.aspx", False),
    (f"{H}/ar/", False),  # a configured start page
    (f"{H}/feed.xml", False),
    ("http://agency.example/story/1", False),  # another outlet
    (f"{H}/index.php?option=com_content&view=article&id=5", True),  # a Joomla article lives at the root
    (f"{H}/ar/news/{SLUG}/", True),
])
def test_declared_canonical_trusted_only_for_an_article(declared, trusted):
    fetched = f"{H}/ar/news/{SLUG}/amp/"
    got = choose_canonical(fetched, declared, ("portal.example",), listings=(f"{H}/ar/", f"{H}/feed.xml"))
    assert got == (canonicalize(declared) if trusted else canonicalize(fetched))


STORY = ("أعلنت البعثة الأممية في ليبيا التوصل إلى هدنة إنسانية في طرابلس بين الأطراف المتحاربة بعد أسابيع من المعارك",
         "وقال الناطق باسم البعثة إن الهدنة تشمل وقف القصف على الأحياء السكنية وفتح الطرق أمام المساعدات")
OTHER = ("قرر مجلس النواب الليبي في جلسته بطبرق استدعاء محافظ مصرف ليبيا المركزي للمساءلة بشأن الإيرادات النفطية",
         "وقال الناطق باسم المجلس إن النواب طالبوا بتوحيد إدارة المصرف المنقسمة بين طرابلس والبيضاء")


def test_same_article_tells_a_rendering_from_another_story():
    title = "هدنة هشة في طرابلس"
    assert same_article(title, "\n".join(STORY), title + " - نسخة الهاتف", "\n".join(STORY) + "\nصورة: أرشيف")
    assert not same_article(title, "\n".join(STORY), "مجلس النواب يستدعي المحافظ", "\n".join(OTHER))
    assert not same_article("", "", title, "\n".join(STORY))
    # two reports on one topic (Tripoli clashes, a third of their words shared) are two articles
    from legacyportal import ARTICLES as LEGACY
    from unseenportal import ARTICLES as UNSEEN

    (t1, p1), (t2, p2) = UNSEEN[11], LEGACY[1]
    assert not same_article(t1, "\n".join(p1), t2, "\n".join(p2))
    # under one headline, a text that kept half its words (a rewritten update) is still that article
    assert same_article(title, "\n".join(STORY), title, STORY[0] + "\n" + OTHER[1])


def test_redirect_to_a_fetched_target_passes_the_duplicate_filter():
    dupes = RedirectAwareDupeFilter()
    target = Request(f"{H}/articles/55/", meta={"kind": "article"})
    assert not dupes.request_seen(target)
    assert dupes.request_seen(target.replace())  # a plain duplicate is still dropped
    moved = target.replace(meta={"kind": "article", "redirect_urls": [f"{H}/news.php?id=55"]})
    assert not dupes.request_seen(moved)  # the old URL's redirect reaches the spider
    loop = target.replace(meta={"kind": "article", "redirect_urls": [f"{H}/articles/55/", f"{H}/x"]})
    assert dupes.request_seen(loop)
    listing = Request(f"{H}/ar/", meta={"kind": "listing"})
    assert not dupes.request_seen(listing)
    assert dupes.request_seen(listing.replace(meta={"kind": "listing", "redirect_urls": [f"{H}/old-home"]}))


def test_the_duplicate_filter_records_a_redirect_target_fetched_first():
    """A redirect reaching an unseen target records it: a later plain link to it is dropped, and a second old URL
    that redirects there still reaches the spider; old URLs sent to the home page are dropped after the first."""
    dupes = RedirectAwareDupeFilter()
    target = Request(f"{H}/articles/56/", meta={"kind": "article"})
    moved = target.replace(meta={"kind": "article", "redirect_urls": [f"{H}/news.php?id=56"]})
    assert not dupes.request_seen(moved)
    assert dupes.request_seen(target.replace())  # the direct link, found later, is not fetched again
    assert not dupes.request_seen(target.replace(meta={"kind": "article", "redirect_urls": [f"{H}/old/56"]}))
    home = Request(f"{H}/", meta={"kind": "article", "redirect_urls": [f"{H}/old/1"]})
    assert not dupes.request_seen(home)
    assert dupes.request_seen(home.replace(meta={"kind": "article", "redirect_urls": [f"{H}/old/2"]}))


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, H)
    yield s
    s.close()


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(ArchiveConfig.from_settings({}).lexicon)


@contextmanager
def seeded_session(tmp_path, seeds_text):
    """A session whose writer runs in this process, on the outlets ``seeds_text`` configures; closed after."""
    from crawler.capture.apply import apply_batch
    from crawler.capture.session import ArchiveSession

    seeds = tmp_path / "outlets.toml"
    seeds.write_text(seeds_text, encoding="utf-8")
    config = ArchiveConfig.from_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data"), "ARCHIVE_SEEDS": str(seeds),
                                          "ARCHIVE_DISK_RESERVE": 0})
    session = ArchiveSession(config, apply_batch)
    try:
        yield session
    finally:
        session.close()


def put(session, lexicon, url, paras, title, canonical=None):
    page = ExtractedArticle(url=url, title=title, paragraphs=paras, canonical_link=canonical)
    return ingest(session, lexicon, outlet_name="portal", url=url, capture_id=None, result=page)


@pytest.mark.parametrize("section", [f"{H}/ar/politics/", f"{H}/ar/politics/index.php"])  # no configuration names it
def test_two_articles_declaring_one_section_canonical_stay_two(session, lexicon, section):
    assert put(session, lexicon, f"{H}/articles/1/", STORY, "هدنة هشة في طرابلس", section) == "new"
    assert put(session, lexicon, f"{H}/articles/2/", OTHER, "مجلس النواب يستدعي المحافظ", section) == "new"
    rows = {r["title"]: r for r in session.catalogue.db.query("select * from articles")}
    assert len(rows) == 2
    assert rows["مجلس النواب يستدعي المحافظ"]["url"] == f"{H}/articles/2/"
    assert rows["هدنة هشة في طرابلس"]["text"].startswith(STORY[0])  # never overwritten by the second story
    second = rows["مجلس النواب يستدعي المحافظ"]["id"]
    assert [r["url"] for r in session.catalogue.db.query("select url from article_aliases where article_id = ?",
                                                         [second])] == []  # neither the section nor its key
    # an AMP rendering of the first (one more caption line) still follows its canonical
    amp = (*STORY, "صورة: أرشيف")
    put(session, lexicon, f"{H}/articles/1/amp/", amp, "هدنة هشة في طرابلس", section)
    assert session.catalogue.db["articles"].count == 2


def test_an_edited_page_keeps_following_its_canonical(session, lexicon):
    art = f"{H}/news/9/"
    assert put(session, lexicon, art + "print/", STORY, "هدنة هشة في طرابلس", art) == "new"
    # the print page later shows an edited, longer story: one of its own URLs leads to the article, so it updates it
    edited = (*STORY, "وأضاف أن الهدنة تبدأ منتصف الليل.")
    assert put(session, lexicon, art + "print/", edited, "هدنة هشة في طرابلس", art) == "updated"
    [row] = session.catalogue.db.query("select * from articles")
    assert row["url"] == art and row["versions"] == 2


def test_a_canonical_on_another_outlets_article_is_not_followed(tmp_path, lexicon):
    """Two outlets on one domain: a syndicated copy that declares the other outlet's URL stays this outlet's row."""
    with seeded_session(tmp_path, f'[[outlet]]\nname = "portal"\nstart_urls = ["{H}/ar/"]\ntopic_filter = false\n\n'
                     f'[[outlet]]\nname = "wire"\nstart_urls = ["{H}/wire/"]\ntopic_filter = false\n') as session:
        title = "هدنة هشة في طرابلس"
        wire = ExtractedArticle(url=f"{H}/wire/1", title=title, paragraphs=STORY)
        assert ingest(session, lexicon, outlet_name="wire", url=wire.url, capture_id=None, result=wire) == "new"
        copy = ExtractedArticle(url=f"{H}/articles/7/", title=title, paragraphs=STORY, canonical_link=wire.url)
        assert ingest(session, lexicon, outlet_name="portal", url=copy.url, capture_id=None, result=copy) == "new"
        got = {r["outlet"]: r["url"] for r in session.catalogue.db.query("select outlet, url from articles")}
        assert got == {"wire": f"{H}/wire/1", "portal": f"{H}/articles/7/"}


def test_a_contested_canonical_is_taken_by_no_later_page(session, lexicon):
    from archive.catalogue import aliases

    section = f"{H}/ar/politics/"
    with session.catalogue.db.conn:
        aliases.mark_contested(session.catalogue.db, section, "portal")
    assert put(session, lexicon, f"{H}/articles/3/", STORY, "هدنة هشة في طرابلس", section) == "new"
    assert [r["url"] for r in session.catalogue.db.query("select url from articles")] == [f"{H}/articles/3/"]
    assert session.catalogue.article_for_url(section) is None


def test_dedupe_rehomes_rows_stored_under_a_home_page(tmp_path):
    """A catalogue from before root canonicals were refused: two articles under "/index.php" and "/default.aspx"
    are not merged (one home page by the URL rules) but each takes the URL it was fetched under, seq and file kept."""
    from archive.catalogue.db import Catalogue
    from archive.corpus import textfiles
    from archive.records import Relevance
    from crawler.capture.dedupe import dedupe

    catalogue = Catalogue(tmp_path / "catalogue.db")
    try:
        relevance = Relevance(True, 2.0, 1.0, 1.0, ())
        for n, (root, paras, title) in enumerate(((f"{H}/index.php", STORY, "هدنة هشة في طرابلس"),
                                                   (f"{H}/Default.aspx", OTHER, "مجلس النواب يستدعي المحافظ"))):
            with catalogue.db.conn:
                cid = catalogue.db.execute("insert into captures (url, outlet, status, record_type) values "
                                           "(?, 'portal', 200, 'response')", [f"{H}/articles/{n}/"]).lastrowid
            page = ExtractedArticle(url=f"{H}/articles/{n}/", title=title, paragraphs=paras)
            _, row = catalogue.save_article(outlet="portal", canonical_url=root, article=page, relevance=relevance,
                                            capture_id=cid, fetched_at="2026-01-01T00:00:00+00:00")
            seq = catalogue.assign_seq(row["id"])
            catalogue.set_text_file(row["id"], textfiles.write_text(tmp_path, seq, row["id"], title, list(paras)))
        dedupe(catalogue, tmp_path)
        got = {r["url"]: r for r in catalogue.db.query("select * from articles")}
        assert sorted(got) == [f"{H}/articles/0/", f"{H}/articles/1/"]
        assert got[f"{H}/articles/0/"]["text"].startswith(STORY[0]) and got[f"{H}/articles/0/"]["seq"] == 0
        assert got[f"{H}/articles/1/"]["text"].startswith(OTHER[0]) and got[f"{H}/articles/1/"]["seq"] == 1
        assert [r for r in catalogue.db.query("select url from article_aliases")] == []
        assert sorted(p.name for p in (tmp_path / "text").iterdir()) == sorted(
            r["text_file"].split("/")[1] for r in got.values())
    finally:
        catalogue.close()


def test_a_learned_parameter_goes_only_with_a_token_value():
    """"s" learned on story.jsp (a token) must not drop "?s=12345" where another script selects its page with it."""
    assert canonicalize(f"{H}/portal/story.jsp?storyId=22&s=q1f249e425cd9", ("s",)) == f"{H}/portal/story.jsp?storyId=22"
    assert canonicalize(f"{H}/show.php?s=12345", ("s",)) == f"{H}/show.php?s=12345"
    assert canonicalize(f"{H}/show.php?s=12345&s2=x", ("s",)) == f"{H}/show.php?s=12345&s2=x"


@pytest.mark.parametrize(("a", "b", "learned"), [
    (f"{H}/article.php?id=5&sid=a1b2c3d4e5", f"{H}/article.php?id=5", ("sid",)),
    (f"{H}/news/tripoli-truce?sessid=a1b2c3d4e5", f"{H}/news/tripoli-truce", ("sessid",)),
    # nothing else would select the page: a script's default or error page, not a session
    (f"{H}/story.php?code=a1b2c3d4e5", f"{H}/story.php?code=z9y8x7w6v5", ()),
    (f"{H}/?v=a1b2c3d4e5", f"{H}/", ()),
])
def test_session_parameters_learned_only_where_something_else_selects_the_page(a, b, learned):
    assert session_params_between(a, b) == learned


def test_a_row_rekeyed_to_its_alias_keeps_no_alias_of_itself(session, lexicon):
    title = "هدنة هشة في طرابلس"
    assert put(session, lexicon, f"{H}/reports/truce/index.php", STORY, title) == "new"
    assert put(session, lexicon, f"{H}/reports/truce/", STORY, title) == "unchanged"
    [row] = session.catalogue.db.query("select * from articles")
    assert row["url"] == f"{H}/reports/truce/"
    hows = {r["url"]: r["how"] for r in session.catalogue.db.query("select url, how from article_aliases")}
    assert hows == {f"{H}/reports/truce/index.php": "default-document"}


def test_a_shared_redirect_hop_never_joins_two_articles(tmp_path, lexicon):
    """"/old/5" -> "/legacy/0" -> "/articles/5/", then "/old/6" -> "/legacy/0" -> "/articles/6/": the hop is the first
    article's alias at most, never how the second is found."""
    with seeded_session(tmp_path, f'[[outlet]]\nname = "portal"\nstart_urls = ["{H}/ar/"]\narticle_urls = [\'/legacy/\\d+\', '
                     "'/articles/']\ntopic_filter = false\n") as session:
        db = session.catalogue.db
        for n, paras, title in ((5, STORY, "هدنة هشة في طرابلس"), (6, OTHER, "مجلس النواب يستدعي المحافظ")):
            with db.conn:
                for url, location in ((f"{H}/old/{n}", f"{H}/legacy/0"), (f"{H}/legacy/0", f"/articles/{n}/")):
                    db.execute("insert into captures (url, outlet, status, location, record_type) values "
                               "(?, 'portal', 301, ?, 'response')", [url, location])
            page = ExtractedArticle(url=f"{H}/articles/{n}/", title=title, paragraphs=paras)
            assert ingest(session, lexicon, outlet_name="portal", url=page.url, capture_id=None, result=page,
                          request_url=f"{H}/old/{n}") == "new"
        got = {r["url"]: r["id"] for r in db.query("select url, id from articles")}
        assert sorted(got) == [f"{H}/articles/5/", f"{H}/articles/6/"]
        hows = {r["url"]: r["article_id"] for r in db.query("select url, article_id from article_aliases")}
        assert hows == {f"{H}/old/5": got[f"{H}/articles/5/"], f"{H}/legacy/0": got[f"{H}/articles/5/"],
                        f"{H}/old/6": got[f"{H}/articles/6/"]}


def test_dedupe_records_no_redirect_that_led_to_several_articles(tmp_path):
    from archive.catalogue.db import Catalogue
    from archive.records import Relevance
    from crawler.capture.dedupe import learn_redirects

    catalogue = Catalogue(tmp_path / "catalogue.db")
    try:
        relevance = Relevance(True, 2.0, 1.0, 1.0, ())
        for n, paras, title in ((5, STORY, "هدنة هشة في طرابلس"), (6, OTHER, "مجلس النواب يستدعي المحافظ")):
            page = ExtractedArticle(url=f"{H}/articles/{n}/", title=title, paragraphs=paras)
            catalogue.save_article(outlet="portal", canonical_url=page.url, article=page, relevance=relevance,
                                   capture_id=None, fetched_at="2026-01-01T00:00:00+00:00")
        with catalogue.db.conn:
            for source, location in ((f"{H}/setcookie.php", "/articles/5/"), (f"{H}/setcookie.php", "/articles/6/"),
                                     (f"{H}/old/5", f"{H}/go/5"), (f"{H}/go/5", "/articles/5/")):
                catalogue.db.execute("insert into captures (url, outlet, status, location, record_type) values "
                                     "(?, 'portal', 302, ?, 'response')", [source, location])
        learned = dict(learn_redirects(catalogue))
        five = catalogue.article_for_url(f"{H}/articles/5/")["id"]
        assert learned == {f"{H}/old/5": five, f"{H}/go/5": five}  # a two-hop chain followed to its end
    finally:
        catalogue.close()


def put_fetched(session, lexicon, url, paras, title, canonical=None, published=None):
    """``put`` with the capture the page came from recorded, as a crawl records it."""
    with session.catalogue.db.conn:
        cid = session.catalogue.db.execute("insert into captures (url, outlet, status, record_type) values "
                                           "(?, 'portal', 200, 'response')", [url]).lastrowid
    page = ExtractedArticle(url=url, title=title, paragraphs=paras, canonical_link=canonical, published=published)
    return ingest(session, lexicon, outlet_name="portal", url=url, capture_id=cid, result=page)


def test_the_real_page_at_a_borrowed_url_takes_it_back(session, lexicon):
    """"/news/2" declares "/news/1" (not fetched yet) and is stored there; "/news/1" itself, another story, is then
    fetched: it gets the row, the borrower its own URL, and recrawling either changes nothing."""
    db = session.catalogue.db
    assert put_fetched(session, lexicon, f"{H}/news/2", OTHER, "مجلس النواب يستدعي المحافظ", f"{H}/news/1") == "new"
    assert put_fetched(session, lexicon, f"{H}/news/1", STORY, "هدنة هشة في طرابلس") == "new"
    got = {r["url"]: r["title"] for r in db.query("select url, title from articles")}
    assert got == {f"{H}/news/1": "هدنة هشة في طرابلس", f"{H}/news/2": "مجلس النواب يستدعي المحافظ"}
    for _ in range(2):
        assert put_fetched(session, lexicon, f"{H}/news/2", OTHER, "مجلس النواب يستدعي المحافظ",
                           f"{H}/news/1") == "unchanged"
        assert put_fetched(session, lexicon, f"{H}/news/1", STORY, "هدنة هشة في طرابلس") == "unchanged"
    assert {r["url"]: r["title"] for r in db.query("select url, title from articles")} == got
    two = session.catalogue.article_for_url(f"{H}/news/2")
    assert [r["versions"] for r in db.query("select versions from articles")] == [1, 1]
    assert f"{H}/news/1" not in [r["url"] for r in db.query("select url from article_aliases where article_id = ?",
                                                             [two["id"]])]


@pytest.mark.parametrize("spelling", ["/news//5", "/news/5/index.php", "/ar/{nfd}/"])
def test_a_canonical_spelt_otherwise_never_overwrites_the_article_it_names(session, lexicon, spelling):
    """A page that declares another article's URL in another spelling is checked like the exact one: no overwrite."""
    nfd = quote(unicodedata.normalize("NFD", SLUG))
    path = "/news/5/" if "index" in spelling else "/news/5" if "//" in spelling else f"/ar/{SLUG}/"
    assert put_fetched(session, lexicon, H + path, STORY, "هدنة هشة في طرابلس") == "new"
    declared = H + spelling.format(nfd=nfd)
    assert put_fetched(session, lexicon, f"{H}/news/7", OTHER, "مجلس النواب يستدعي المحافظ", declared) == "new"
    got = {r["title"]: r for r in session.catalogue.db.query("select * from articles")}
    assert len(got) == 2
    assert got["هدنة هشة في طرابلس"]["text"].startswith(STORY[0])
    assert got["مجلس النواب يستدعي المحافظ"]["url"] == f"{H}/news/7"


def test_an_article_fetched_under_its_default_document_keeps_its_url(session, lexicon):
    """Stored as "/x/" (its rel=canonical) after a fetch of "/x/index.php": fetched under "/x/" by identity, so
    another story that declares "/x/" leaves it there."""
    assert put_fetched(session, lexicon, f"{H}/x/index.php", STORY, "هدنة هشة في طرابلس", f"{H}/x/") == "new"
    assert put_fetched(session, lexicon, f"{H}/news/8", OTHER, "مجلس النواب يستدعي المحافظ", f"{H}/x/") == "new"
    got = {r["title"]: r["url"] for r in session.catalogue.db.query("select * from articles")}
    assert got == {"هدنة هشة في طرابلس": f"{H}/x/", "مجلس النواب يستدعي المحافظ": f"{H}/news/8"}


def test_a_daily_bulletin_under_one_headline_is_one_article_a_day():
    title = "نشرة أسعار الصرف"
    monday, tuesday = STORY[0] + "\n" + OTHER[1], STORY[0] + "\n" + STORY[1]
    assert same_article(title, monday, title, tuesday)
    assert same_article(title, monday, title, tuesday, "2026-03-02", "2026-03-02T18:00:00")
    assert not same_article(title, monday, title, tuesday, "2026-03-02", "2026-03-03")


def test_a_bulletin_of_another_day_never_takes_yesterdays_row(session, lexicon):
    """Tuesday's bulletin declares Monday's URL (a CMS that reuses the slug): two rows, Monday's text kept."""
    title = "نشرة أسعار الصرف"
    assert put_fetched(session, lexicon, f"{H}/rates/1", STORY, title, published="2026-03-02") == "new"
    assert put_fetched(session, lexicon, f"{H}/rates/2", (STORY[0], OTHER[1]), title, f"{H}/rates/1",
                       published="2026-03-03") == "new"
    got = {r["url"]: r["published"] for r in session.catalogue.db.query("select url, published from articles")}
    assert got == {f"{H}/rates/1": "2026-03-02", f"{H}/rates/2": "2026-03-03"}


def test_a_url_waiting_in_the_frontier_is_marked_contested_and_still_fetched(session):
    """The mark has its own table: a discovered, unfetched URL is marked, and stays pending for discovery."""
    from archive.catalogue import aliases

    db, section = session.catalogue.db, f"{H}/ar/politics/"
    session.catalogue.add_frontier(section, "portal", "article", None)
    with db.conn:
        aliases.mark_contested(db, section, "portal")
    assert aliases.is_contested(db, section)
    assert [r["status"] for r in db.query("select status from frontier where url = ?", [section])] == ["pending"]


def test_m014_moves_contested_marks_out_of_an_m013_frontier(tmp_path):
    import sqlite_utils

    from archive.catalogue import aliases
    from archive.catalogue.db import Catalogue
    from archive.catalogue.schema import migrations

    path = tmp_path / "catalogue.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m014_contested_canonicals")
    with db.conn:
        for url, reason in ((f"{H}/ar/politics/", "contested-canonical"), (f"{H}/articles/9/", None)):
            db.execute("insert into frontier (url, outlet, kind, discovered_at, status, attempts, reason) values "
                       "(?, 'portal', 'canonical', '2026-01-01T00:00:00+00:00', 'done', 0, ?)", [url, reason])
    db.close()
    with Catalogue(path) as cat:
        assert [m.name for m in migrations.pending(cat.db)] == []
        assert aliases.is_contested(cat.db, f"{H}/ar/politics/")
        assert not aliases.is_contested(cat.db, f"{H}/articles/9/")
        assert list(cat.db.query("select * from contested_canonicals")) == [
            {"url": f"{H}/ar/politics/", "outlet": "portal", "first_seen": "2026-01-01T00:00:00+00:00"}]
        assert [r["url"] for r in cat.db.query("select url from frontier")] == [f"{H}/articles/9/"]


def _catalogue_with(tmp_path, pages):
    """A catalogue holding ``pages`` ((url, paragraphs, title) each) as articles of "portal"."""
    from archive.catalogue.db import Catalogue
    from archive.records import Relevance

    catalogue = Catalogue(tmp_path / "catalogue.db")
    for url, paras, title in pages:
        page = ExtractedArticle(url=url, title=title, paragraphs=paras)
        catalogue.save_article(outlet="portal", canonical_url=url, article=page, capture_id=None,
                               relevance=Relevance(True, 2.0, 1.0, 1.0, ()), fetched_at="2026-01-01T00:00:00+00:00")
    return catalogue


def test_a_learned_parameter_never_merges_two_different_articles(tmp_path):
    """"sid" learned elsewhere, then found on a URL whose clean form is another story's row: both rows kept."""
    from archive.catalogue import aliases
    from crawler.capture.dedupe import sweep_params

    catalogue = _catalogue_with(tmp_path, [(f"{H}/show.php?id=5&sid=a1b2c3d4e5", STORY, "هدنة هشة في طرابلس"),
                                           (f"{H}/show.php?id=5", OTHER, "مجلس النواب يستدعي المحافظ"),
                                           (f"{H}/show.php?id=6&sid=a1b2c3d4e5", OTHER, "مجلس النواب يستدعي المحافظ"),
                                           (f"{H}/show.php?id=6", OTHER, "مجلس النواب يستدعي المحافظ")])
    try:
        with catalogue.db.conn:
            aliases.learn_params(catalogue.db, "portal", ["sid"], "test")
        merges = sweep_params(catalogue, tmp_path, "portal", ["sid"])
        assert [m.dropped_url for m in merges] == [f"{H}/show.php?id=6&sid=a1b2c3d4e5"]  # one body: merged
        got = {r["url"]: r["title"] for r in catalogue.db.query("select url, title from articles")}
        assert got == {f"{H}/show.php?id=5&sid=a1b2c3d4e5": "هدنة هشة في طرابلس",
                       f"{H}/show.php?id=5": "مجلس النواب يستدعي المحافظ",
                       f"{H}/show.php?id=6": "مجلس النواب يستدعي المحافظ"}
    finally:
        catalogue.close()


def test_a_sweep_keeps_every_alias_of_an_article_it_renamed(tmp_path):
    """The first alias renames the row ("?from=rss" dropped); the next, recorded under the old id, still counts."""
    from archive.catalogue import aliases
    from crawler.capture.dedupe import sweep_params

    row = f"{H}/s.php?from=rss&id=2"
    catalogue = _catalogue_with(tmp_path, [(row, STORY, "هدنة هشة في طرابلس")])
    try:
        old = aliases.url_id(row)
        with catalogue.db.conn:
            aliases.add_alias(catalogue.db, f"{H}/s.php?id=2&sid=a1b2c3d4e5", old, "same-body", outlet="portal")
            aliases.add_alias(catalogue.db, f"{H}/t.php?id=2&sid=a1b2c3d4e5", old, "redirect", outlet="portal")
            aliases.learn_params(catalogue.db, "portal", ["sid"], "test")
        sweep_params(catalogue, tmp_path, "portal", ["sid"])
        [article] = catalogue.db.query("select id, url from articles")
        assert article["url"] == f"{H}/s.php?id=2"
        assert aliases.find_article(catalogue.db, [f"{H}/t.php?id=2"])["id"] == article["id"]
    finally:
        catalogue.close()


def test_a_redirect_hop_with_a_raw_location_is_followed_as_scrapy_fetched_it(tmp_path, lexicon):
    """"/old/5" -> 301 "/legacy/أرشيف 5" (raw, as some servers send it) -> "/legacy/x5" -> "/articles/5/": Scrapy
    fetched the hop URL-safe, so that is where its archived redirect is found; every old URL becomes an alias."""
    from w3lib.url import safe_url_string

    with seeded_session(tmp_path, f'[[outlet]]\nname = "portal"\nstart_urls = ["{H}/ar/"]\narticle_urls = [\'/legacy/\', '
                     "'/articles/']\ntopic_filter = false\n") as session:
        db = session.catalogue.db
        hop = safe_url_string(f"{H}/legacy/أرشيف 5")
        with db.conn:
            for url, location in ((f"{H}/old/5", "/legacy/أرشيف 5"), (hop, "/legacy/x5"),
                                  (f"{H}/legacy/x5", "/articles/5/")):
                db.execute("insert into captures (url, outlet, status, location, record_type) values "
                           "(?, 'portal', 301, ?, 'response')", [url, location])
        page = ExtractedArticle(url=f"{H}/articles/5/", title="هدنة هشة في طرابلس", paragraphs=STORY)
        assert ingest(session, lexicon, outlet_name="portal", url=page.url, capture_id=None, result=page,
                      request_url=f"{H}/old/5") == "new"
        got = {r["url"]: r["how"] for r in db.query("select url, how from article_aliases")}
        assert got == {f"{H}/old/5": "redirect", canonicalize(hop): "redirect", f"{H}/legacy/x5": "redirect"}


def test_only_a_default_document_of_the_rows_own_url_renames_the_row(session, lexicon):
    """Found through an old URL's default document, the row keeps its URL: only "/x/" renames "/x/index.php"."""
    from archive.catalogue import aliases

    title = "هدنة هشة في طرابلس"
    assert put(session, lexicon, f"{H}/articles/55/", STORY, title) == "new"
    with session.catalogue.db.conn:
        aliases.add_alias(session.catalogue.db, f"{H}/r/index.php", aliases.url_id(f"{H}/articles/55/"), "redirect")
    assert put(session, lexicon, f"{H}/r/index.php", STORY, title, f"{H}/r/") == "unchanged"
    assert [r["url"] for r in session.catalogue.db.query("select url from articles")] == [f"{H}/articles/55/"]


def test_a_doubled_slash_is_a_spelling():
    assert alias_reason(f"{H}/news//5", f"{H}/news/5") == "url-rule"
    assert alias_reason(f"{H}/news/5/index.php", f"{H}/news/5/") == "default-document"


def test_a_row_under_a_home_page_takes_the_url_of_its_current_text(tmp_path):
    """Fetched as "/a/5" first, then (edited) as "/articles/tripoli-truce/": the row takes the URL its text came from,
    not the shorter one."""
    from archive.catalogue.db import Catalogue
    from archive.records import Relevance
    from crawler.capture.dedupe import rehome_root_rows

    catalogue = Catalogue(tmp_path / "catalogue.db")
    try:
        title = "هدنة هشة في طرابلس"
        for url, paras in ((f"{H}/a/5", STORY), (f"{H}/articles/tripoli-truce/", (*STORY, "وأضاف أن الهدنة تبدأ."))):
            with catalogue.db.conn:
                cid = catalogue.db.execute("insert into captures (url, outlet, status, record_type) values "
                                           "(?, 'portal', 200, 'response')", [url]).lastrowid
            catalogue.save_article(outlet="portal", canonical_url=f"{H}/index.php", capture_id=cid,
                                   article=ExtractedArticle(url=url, title=title, paragraphs=paras),
                                   relevance=Relevance(True, 2.0, 1.0, 1.0, ()), fetched_at="2026-01-01T00:00:00+00:00")
        rehome_root_rows(catalogue, tmp_path)
        assert [r["url"] for r in catalogue.db.query("select url from articles")] == [f"{H}/articles/tripoli-truce/"]
    finally:
        catalogue.close()


def test_a_rename_whose_row_rolls_back_keeps_its_text_file_and_leaves_no_new_one(session, lexicon, monkeypatch):
    """A rename inside the writer's batch lets the old text file go only once the batch commits (issue 13)."""
    from crawler.capture.apply import store_rows
    from crawler.capture.operations import ArticleOp

    title, text = "هدنة هشة في طرابلس", session.config.data_dir / "text"
    assert put(session, lexicon, f"{H}/articles/9/index.php", STORY, title) == "new"
    [old] = [r["text_file"] for r in session.catalogue.db.query("select text_file from articles")]
    assert [p.name for p in text.iterdir()] == [Path(old).name]
    op = ArticleOp("portal", f"{H}/articles/9/", None, ExtractedArticle(url=f"{H}/articles/9/", title=title,
                                                                       paragraphs=STORY))

    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the frontier could not be settled")  # the operation's last step, after the rename

    with monkeypatch.context() as m:
        m.setattr(session.catalogue, "settle", fails)
        store_rows(session, [op], {})  # the operation's rows roll back; the batch goes on
    rows = list(session.catalogue.db.query("select url, text_file from articles"))
    assert rows == [{"url": f"{H}/articles/9/index.php", "text_file": old}]
    assert [p.name for p in text.iterdir()] == [Path(old).name]  # still there, and no file of the new id
    store_rows(session, [op], {})
    [row] = session.catalogue.db.query("select url, text_file from articles")
    assert row["url"] == f"{H}/articles/9/" and [p.name for p in text.iterdir()] == [Path(row["text_file"]).name]
