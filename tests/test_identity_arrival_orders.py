"""One article, one row whatever order its renderings reach the writer in (README "One article, one row", issue 13).

A crawl fetches many pages at once and its extraction workers return results in any order, so a plain copy, a
print view, an AMP page and the article itself can reach the writer in any order, their captures in another. Here the
writer's own code (crawler.capture.apply over a real session: catalogue file, WARC file, text files) is given three
renderings of one article in every order of their captures and of their extraction results, in one group commit or
one commit each, and must end with one row holding the story's text and every other URL an alias:

- amp: ``/news/b2`` (a thin page: headline and lead), ``/news/b2-amp`` (the whole story, ``rel=canonical`` to the
  thin page), ``/news/b2?src=rss`` (the thin page again). Met story first, the thin page is one more capture of the
  row, and its body was nowhere: a copy met after it, or before it, stayed an article of its own.
- print: ``/news/a1`` (the article), ``/news/a1-print`` (canonical ``/news/a1``, padded with a "printed from" line),
  ``/news/a1?src=rss`` (the article again).
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from helpers import portal_session

from archive.records import Exchange, ExtractedArticle
from crawler.capture.apply import apply_batch
from crawler.capture.config import ArchiveConfig
from crawler.capture.dedupe import dedupe
from crawler.capture.operations import ArticleOp, CaptureOp
from crawler.capture.session import ArchiveSession

H = "http://portal.example"
DAY = "2024-05-01T10:30:00+02:00"
PRINTED = "طبعت هذه الصفحة من بوابة المسبار الإخبارية"
LOADING = "جار تحميل بقية الخبر"
TITLE_A = "اشتباكات عنيفة في طرابلس بين قوات الردع واللواء 444 وسقوط قتلى"
BODY_A = (
    "اندلعت اشتباكات عنيفة بالأسلحة المتوسطة والثقيلة في طرابلس بين قوات الردع واللواء 444 منذ ساعات الفجر "
    "الأولى، وقال شهود عيان إن أصوات القذائف سمعت في عدة أحياء من العاصمة.",
    "وأعلنت وزارة الصحة في حكومة الوحدة الوطنية سقوط سبعة قتلى وعدد من الجرحى نقلوا إلى مستشفيات المدينة، "
    "ودعت بعثة الأمم المتحدة جميع الأطراف إلى وقف فوري لإطلاق النار.",
)
TITLE_B = "نزوح عشرات العائلات من ترهونة بعد تجدد القصف على أحيائها الجنوبية"
BODY_B = (
    "نزحت عشرات العائلات من الأحياء الجنوبية لمدينة ترهونة بعد تجدد القصف المدفعي عليها ليل الثلاثاء، وفق ما "
    "أفاد به سكان ومسؤولون محليون في المدينة.",
    "وقال عميد بلدية ترهونة إن عدد العائلات النازحة بلغ ثلاثا وأربعين عائلة لجأت إلى المدارس والمساجد في وسط "
    "المدينة، وإن الهلال الأحمر الليبي يوزع عليها الأغطية والمواد الغذائية.",
    "وتشهد المنطقة منذ أسابيع توترا بين مجموعات مسلحة متنافسة على الطريق الرابط بين ترهونة وبني وليد، وسط "
    "دعوات من أعيان المدينة إلى تحييد المدنيين.",
)
# family -> (the row's URL, its title and text at the end, {page URL: (paragraphs, canonical)}, {alias: how})
FAMILIES = {
    "amp": (f"{H}/news/b2", TITLE_B, BODY_B, {
        f"{H}/news/b2": ((BODY_B[0], LOADING), None),
        f"{H}/news/b2-amp": (BODY_B, f"{H}/news/b2"),
        f"{H}/news/b2?src=rss": ((BODY_B[0], LOADING), None),
    }, {f"{H}/news/b2-amp": "canonical", f"{H}/news/b2?src=rss": "same-body"}),
    "print": (f"{H}/news/a1", TITLE_A, BODY_A, {
        f"{H}/news/a1": (BODY_A, None),
        f"{H}/news/a1-print": ((*BODY_A, PRINTED), f"{H}/news/a1"),
        f"{H}/news/a1?src=rss": (BODY_A, None),
    }, {f"{H}/news/a1-print": "canonical", f"{H}/news/a1?src=rss": "same-body"}),
}


def capture(session, url: str) -> CaptureOp:
    """The page's HTTP exchange (its body matters not here: the extraction result is given)."""
    ex = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                  protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                  body=b"<html></html>")
    return CaptureOp(f"<urn:uuid:{uuid.uuid4()}>", session.crawl_id, "portal", ex)


def arrive(tmp_path, family: str, fetched: tuple[str, ...] | None, extracted: tuple[str, ...], one_batch: bool,
           aliases_on: bool = True):
    """Store the family's pages: captures in ``fetched`` order (None: each just before its result), then extraction
    results in ``extracted`` order, all
    in one group commit or each op in its own; the catalogue's article rows and aliases afterwards (with aliases
    off, after ``dedupe``)."""
    _, title, _, pages, _ = FAMILIES[family]
    tmp_path.mkdir()
    session = portal_session(tmp_path, H)
    if not aliases_on:
        config = session.config
        session.close()
        session = ArchiveSession(ArchiveConfig.from_settings({
            "ARCHIVE_DATA_DIR": str(config.data_dir), "ARCHIVE_SEEDS": str(tmp_path / "outlets.toml"),
            "ARCHIVE_DISK_RESERVE": 0, "ARCHIVE_ALIASES": False}), apply_batch)
    try:
        session.writer.close()  # batches applied here, on this thread, as the writer thread applies them
        captures = {url: capture(session, url) for url in fetched or extracted}
        ops: list = [] if fetched is None else [captures[url] for url in fetched]
        for url in extracted:
            paragraphs, canonical = pages[url]
            page = ExtractedArticle(url=url, title=title, paragraphs=paragraphs, published=DAY,
                                    canonical_link=canonical)
            if fetched is None:  # each page's capture just before its result
                ops.append(captures[url])
            ops.append(ArticleOp("portal", url, captures[url].record_id, page))
        for batch in ([ops] if one_batch else [[op] for op in ops]):
            apply_batch(session, batch)
        if not aliases_on:
            assert len(list(session.catalogue.db.query("select id from articles"))) == 2  # the copy its own
            dedupe(session.catalogue, session.config.data_dir)
        db = session.catalogue.db
        rows = {r["url"]: r for r in db.query("select url, title, text, text_file from articles")}
        aliases = {r["url"]: (r["article_url"], r["how"]) for r in db.query(
            "select al.url, a.url as article_url, al.how from article_aliases al join articles a on a.id = "
            "al.article_id")}
        files = sorted(p.name for p in (session.config.data_dir / "text").iterdir())
        return rows, aliases, files
    finally:
        session.close()


ORDERS = [(family, order) for family, (_, _, _, pages, _) in FAMILIES.items()
          for order in itertools.permutations(pages)]


@pytest.mark.parametrize("one_batch", [False, True], ids=["commit-each", "one-group-commit"])
@pytest.mark.parametrize(("family", "order"), ORDERS, ids=[f"{f}:{'>'.join(u.split('/')[-1] for u in o)}"
                                                           for f, o in ORDERS])
def test_one_row_and_its_aliases_whatever_the_order_of_arrival(tmp_path, family, order, one_batch):
    """Extraction results in every order (captures in that order too, or the reverse, or each just before its
    result): one row holding the whole story, every other URL fetched its alias, one text file."""
    url, title, body, _, expected = FAMILIES[family]
    for n, fetched in enumerate((order, order[::-1], None)):
        rows, aliases, files = arrive(tmp_path / str(n), family, fetched, order, one_batch)
        assert sorted(rows) == [url], (fetched, sorted(rows))
        assert (rows[url]["title"], rows[url]["text"]) == (title, "\n".join(body)), fetched
        assert aliases == {other: (url, how) for other, how in expected.items()}, fetched
        assert files == [rows[url]["text_file"].split("/")[-1]], fetched


@pytest.mark.parametrize(("family", "order"), ORDERS, ids=[f"{f}:{'>'.join(u.split('/')[-1] for u in o)}"
                                                           for f, o in ORDERS])
def test_with_aliases_off_dedupe_folds_them_whatever_the_order(tmp_path, family, order):
    """``ARCHIVE_ALIASES=False``: the copy is a row of its own (the rel=canonical still names the row), and ``dedupe`` folds the three into one holding the story
    (a copy of the thin page met after its story by the body that page had, as a copy of an earlier version)."""
    url, title, body, _, _ = FAMILIES[family]
    rows, aliases, files = arrive(tmp_path / "off", family, order, order, False, aliases_on=False)
    assert sorted(rows) == [url], sorted(rows)
    assert (rows[url]["title"], rows[url]["text"]) == (title, "\n".join(body))
    assert aliases == {f"{url}?src=rss": (url, "same-body")}  # with aliases off a canonical is no alias
    assert files == [rows[url]["text_file"].split("/")[-1]]
