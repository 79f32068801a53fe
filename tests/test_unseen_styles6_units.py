"""Rules the AMP-first outlet of tests/altsites6 needed (tests/test_e2e_altsites6.py).

An AMP-first outlet's canonical page is thin: the headline, the date, the lead paragraph and a "loading" line that a
script replaces with the story in a browser (the crawl runs no JavaScript). Its AMP page, whose ``rel=canonical``
names the thin page, holds the whole story. Decided: they are one article (one row under the canonical URL, the AMP
URL its alias) and the row keeps the fuller text whichever page the crawl meets first; the thin page is a teaser
(``crawler.capture.dedupe.teaser_of``: the story's headline and its whole opening paragraph, word for word, in a
shorter text). Word overlap alone called them two stories (a lead is a fifth of the words), so the AMP page kept its
own row, the canonical URL was marked contested, and the thin lead became the corpus text of the story.
"""

from __future__ import annotations

import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import portal_session
from test_crawler_recrawl import recrawl

from archive.records import ExtractedArticle
from crawler.capture.config import ArchiveConfig
from crawler.capture.dedupe import same_article, teaser_of
from crawler.capture.ingest import ingest
from crawler.relevance.judge import load_lexicon

BASE = "http://portal.example"
TITLE = "قصف جوي يستهدف مطار معيتيقة وتعليق الرحلات إلى طرابلس"
STORY = (
    "استهدفت غارة جوية صباح اليوم الأحد مطار معيتيقة الدولي في العاصمة طرابلس، ما أدى إلى تعليق جميع الرحلات "
    "القادمة والمغادرة وإجلاء المسافرين من صالات المطار.",
    "وقالت إدارة المطار في بيان إن الغارة لم تسفر عن إصابات بشرية، لكنها ألحقت أضرارا بإحدى الطائرات المدنية.",
    "ردود فعل دولية",
    "ودانت البعثة الأممية للدعم في ليبيا استهداف المطار، معتبرة أن ضرب منشأة مدنية يمثل انتهاكا للقانون الدولي "
    "الإنساني، ودعت الأطراف المتحاربة إلى هدنة إنسانية.",
    "ويأتي القصف بعد أيام من إطلاق القوات القادمة من الشرق هجومها للسيطرة على العاصمة.",
)
# what extraction makes of the thin page: one block, headline, date, lead, the loading line and the noscript link
THIN = (f"{TITLE} 2019/04/07 {STORY[0]} جار تحميل الخبر... اقرأ الخبر كاملا",)
CANONICAL = f"{BASE}/akhbar/30517-%D9%82%D8%B5%D9%81"
AMP = f"{BASE}/amp/akhbar/30517-%D9%82%D8%B5%D9%81"


def test_a_thin_page_with_the_headline_and_the_whole_lead_is_a_teaser():
    assert teaser_of(TITLE, THIN[0], TITLE, "\n".join(STORY))
    assert not teaser_of(
        TITLE, "\n".join(STORY), TITLE, THIN[0]
    )  # the fuller page is no teaser of the thin one
    assert same_article(TITLE, THIN[0], TITLE, "\n".join(STORY), "2019-04-07", "2019-04-07T11:20:00+02:00")
    assert same_article(TITLE, "\n".join(STORY), TITLE, THIN[0])


@pytest.mark.parametrize(
    "title, text",
    [
        ("غارة جوية على مطار معيتيقة", THIN[0]),  # another headline
        (TITLE, f"{TITLE} {STORY[1]}"),  # another opening paragraph
    ],
)
def test_no_teaser_without_the_same_headline_and_the_whole_lead(title, text):
    assert not teaser_of(title, text, TITLE, "\n".join(STORY))


def test_a_short_opening_line_makes_no_teaser():
    """A kicker or a one-line opening ("عاجل") two reports share says nothing; the lead must be 60 characters."""
    assert not teaser_of(
        "عاجل", "عاجل: انفجار في طرابلس. تفاصيل لاحقا", "عاجل", "انفجار في طرابلس.\nوقال شهود..."
    )


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, BASE)
    yield s
    s.close()


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(ArchiveConfig.from_settings({}).lexicon)


def put(session, lexicon, url, paras, canonical=CANONICAL, published="2019-04-07T11:20:00+02:00"):
    """Ingest a page fetched (one capture) under ``url``."""
    page = ExtractedArticle(
        url=url,
        title=TITLE,
        paragraphs=paras,
        canonical_link=canonical,
        published=published,
        published_source="json-ld",
    )
    capture = {"url": url, "outlet": "portal", "status": 200}
    capture_id = session.catalogue.db["captures"].insert(capture).last_pk
    return ingest(session, lexicon, outlet_name="portal", url=url, capture_id=capture_id, result=page)


@pytest.mark.parametrize("first", ["amp", "thin"])
def test_the_canonical_row_keeps_the_amp_pages_story_whatever_the_order(session, lexicon, first):
    pages = [(AMP, STORY), (CANONICAL, THIN)]
    for url, paras in pages if first == "amp" else pages[::-1]:
        put(session, lexicon, url, paras)
    rows = list(session.catalogue.db.query("select id, url, text, relevant, text_file from articles"))
    assert [r["url"] for r in rows] == [CANONICAL]
    assert rows[0]["text"] == "\n".join(STORY) and rows[0]["relevant"] == 1 and rows[0]["text_file"]
    aliases = {r["url"]: r["how"] for r in session.catalogue.db["article_aliases"].rows}
    assert aliases == {AMP: "canonical"}
    assert not list(session.catalogue.db.query("select * from contested_canonicals"))
    text = (session.config.data_dir / rows[0]["text_file"]).read_text(encoding="utf-8")
    assert STORY[3] in text


def test_a_teaser_met_after_its_story_is_no_new_version(session, lexicon):
    put(session, lexicon, AMP, STORY)
    assert put(session, lexicon, CANONICAL, THIN) == "unchanged"
    [row] = session.catalogue.db.query("select versions from articles")
    assert row["versions"] == 1


def texts(session):
    rows = session.catalogue.db.query("select * from articles")
    return [(r["url"], r["versions"], r["text"]) for r in rows]


@pytest.mark.parametrize("url", [CANONICAL, AMP])
def test_a_shorter_correction_where_the_text_came_from_is_a_new_version(session, lexicon, url):
    """The teaser rule holds between two renderings only: a page that cuts a paragraph, fetched again under the URL
    the row's text came from (the AMP page's own URL too, whose row is the canonical's), is an edit."""
    put(session, lexicon, url, STORY)
    assert put(session, lexicon, url, STORY[:-1]) == "updated"
    assert texts(session) == [(CANONICAL, 2, "\n".join(STORY[:-1]))]


def test_a_shorter_page_of_another_day_is_a_new_version(session, lexicon):
    put(session, lexicon, AMP, STORY)
    """A teaser is of its story's day: a thin page dated another day is another page, kept as it is."""
    assert put(session, lexicon, CANONICAL, THIN, published="2019-04-08T09:00:00+02:00") != "unchanged"
    assert sorted(t for _, _, t in texts(session)) == sorted([THIN[0], "\n".join(STORY)])


def test_a_follow_up_with_the_headline_and_lead_is_no_teaser(session, lexicon):
    """Same day, same headline and lead, but a paragraph of its own: another report, though a CMS points both at its
    section page (a teaser adds no more than a date and a "loading" line to the lead)."""
    section = f"{BASE}/section/libya"
    follow = (STORY[0],) + tuple(" ".join(f"كلمة{i}x{j}" for j in range(12)) for i in range(8))
    assert not teaser_of(TITLE, "\n".join(STORY[:2]), TITLE, "\n".join(follow))
    assert put(session, lexicon, f"{BASE}/akhbar/1", STORY[:2], canonical=section) == "new"
    assert put(session, lexicon, f"{BASE}/akhbar/2", follow, canonical=section) == "new"
    assert len(texts(session)) == 2


@pytest.mark.parametrize(
    "title",
    [
        unicodedata.normalize("NFD", TITLE.replace("جوي", "جوّي")),  # a shadda, decomposed
        TITLE.replace("قصف", "قـصف"),  # tatweel
        TITLE.replace("مطار", "مط\u200cار"),  # a zero-width non-joiner
    ],
)
def test_headlines_are_compared_in_one_normal_form(title):
    assert teaser_of(title, THIN[0], TITLE, "\n".join(STORY))


def test_a_recrawl_that_cuts_a_paragraph_is_a_new_version(tmp_path):
    """``newsarchive recrawl`` of a page whose correction dropped its last paragraph: version 2, the shorter text."""
    page = {"paras": STORY}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = "".join(f"<p>{p}</p>" for p in page["paras"])
            html = (
                f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{TITLE}</title>'
                '<meta property="article:published_time" content="2019-04-07T11:20:00+02:00"></head><body>'
                f"<article><h1>{TITLE}</h1>{body}</article></body></html>"
            )
            data = (html if self.path != "/robots.txt" else "User-agent: *\nAllow: /\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        (tmp_path / "seeds.toml").write_text(
            f'[[outlet]]\nname = "localnews"\nhomepage = "{base}/"\narticle_urls = ["/news/\\\\d+$"]\n'
            "topic_filter = false\ndownload_delay = 0\n",
            encoding="utf-8",
        )
        assert recrawl(tmp_path, f"{base}/news/1").returncode == 0
        page["paras"] = STORY[:-1]
        result = recrawl(tmp_path, f"{base}/news/1")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    assert "new version 2" in result.stdout, result.stdout
