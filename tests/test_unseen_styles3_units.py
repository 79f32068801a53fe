"""Unit tests of the fixes the unseen outlet styles of tests/altsites3 called for (one per general cause).

1. A page labelled UTF-8 whose bytes are windows-1256 (PHP 5.6's ``default_charset`` header over a legacy page whose
   ``<meta http-equiv>`` says windows-1256) is read in the charset its meta declares, else the detected one.
2. A page whose ``<title>`` names only the site and the page kind ("Site :: تفاصيل الخبر", a print view's
   "Site - طباعة الخبر") takes the headline it shows (``<td class="title">``, a big ``<font>``, an h1), not the page
   kind, nor the site's name printed beside its logo.
"""

from __future__ import annotations

import lxml.html

from crawler.extraction.decode import decode_html
from crawler.extraction.titles import find_title

ARABIC = "آلاف العائلات تفر من طرابلس نحو الحدود التونسية هربا من القصف"
META_1256 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'


def _page(head: str, body: str) -> str:
    return f"<html dir='rtl'><head>{head}</head><body>{body}</body></html>"


# -- 1. a UTF-8 label over windows-1256 bytes ---------------------------------------------------------------------


def test_utf8_header_over_a_windows_1256_page_reads_its_meta_charset():
    raw = _page(META_1256, f"<p>{ARABIC}</p>").encode("cp1256")
    assert ARABIC in decode_html(raw, "text/html; charset=UTF-8")


def test_utf8_header_over_undeclared_windows_1256_is_detected():
    raw = _page("", f"<p>{ARABIC}</p><p>{ARABIC}</p>").encode("cp1256")
    assert ARABIC in decode_html(raw, "text/html; charset=UTF-8")


def test_a_utf8_page_with_one_stray_byte_stays_utf8():
    raw = _page('<meta charset="windows-1256">', f"<p>{ARABIC}</p>").encode("utf-8") + b"\xff"
    assert ARABIC in decode_html(raw, "text/html; charset=UTF-8")


def test_an_honest_utf8_page_is_untouched():
    raw = _page('<meta charset="utf-8">', f"<p>{ARABIC}</p>").encode("utf-8")
    assert decode_html(raw, "text/html; charset=UTF-8") == raw.decode("utf-8")


# -- 2. a <title> that names no headline ---------------------------------------------------------------------------

HEADLINE = "مجلس النواب يعقد أولى جلساته في طبرق وسط مقاطعة عدد من الأعضاء"
SITE = "شبكة برقة الإخبارية"


def _title(html: str, url: str = "http://portal.example/news.php?action=show&id=1") -> str:
    return find_title(lxml.html.document_fromstring(html), url)


def test_generic_title_gives_way_to_the_td_title_headline():
    html = _page(
        f"<title>{SITE} :: تفاصيل الخبر</title>",
        f'<table><tr><td><a href="index.php"><img src="logo.gif" alt="{SITE}"></a></td></tr>'
        f'<tr><td class="title">{HEADLINE}</td></tr><tr><td>الاثنين 4 أغسطس 2014</td></tr>'
        f"<tr><td>{ARABIC}. {ARABIC}.</td></tr></table>",
    )
    assert _title(html) == HEADLINE


def test_generic_title_gives_way_to_a_big_font_headline():
    html = _page(
        f"<title>{SITE} - تفاصيل الخبر</title>",
        f'<table><tr><td><font size="5" color="#990000"><b>{HEADLINE}</b></font></td></tr>'
        f"<tr><td>{ARABIC}</td></tr></table>",
    )
    assert _title(html) == HEADLINE


def test_print_view_headline_not_the_name_beside_the_logo():
    html = _page(
        f"<title>{SITE} - طباعة الخبر</title>",
        f'<table><tr><td><img src="images/logo_print.gif"> <b>{SITE}</b></td></tr>'
        f'<tr><td class="title">{HEADLINE}</td></tr><tr><td>{ARABIC}</td></tr></table>',
    )
    assert _title(html, "http://portal.example/news.php?action=print&id=1") == HEADLINE


def test_a_short_headline_that_the_page_shows_is_kept():
    """A real three-word headline, shown as such, is no page kind: a longer bold line later does not replace it."""
    html = _page(
        f"<title>{SITE} - هدنة في طرابلس</title>",
        "<h1>هدنة في طرابلس</h1>"
        f"<p><b>قال المتحدث باسم المجلس الرئاسي إن الهدنة صامدة</b></p><p>{ARABIC}</p>",
    )
    assert _title(html) == "هدنة في طرابلس"


def test_a_headline_length_title_keeps_the_old_rules():
    html = _page(
        f"<title>{HEADLINE} - {SITE}</title>",
        f'<a href="/">{SITE}</a><td class="title">قسم الأخبار المحلية اليوم</td><p>{ARABIC}</p>',
    )
    assert _title(html) == HEADLINE


def test_a_utf8_page_with_some_stray_legacy_bytes_stays_utf8():
    """Mostly valid UTF-8 with a few windows-1252 bytes (dragnet T31), under a stale meta: re-read in the meta's
    charset, its Arabic would break."""
    latin = b"<p>caf\xe9 na\xefve \xe9t\xe9 r\xe9sum\xe9 d\xe9j\xe0 vu, \xe0 la carte</p>"  # windows-1252
    raw = _page(META_1256, f"<p>{ARABIC}</p>").encode("utf-8").replace(b"</body>", latin + b"</body>")
    assert ARABIC in decode_html(raw, "text/html; charset=UTF-8")


# -- 3. a redirect's target left pending in the frontier ------------------------------------------------------------

BASE = "http://portal.example"
STORY = (
    "اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات حكومة الوفاق وقوات القيادة العامة.",
    "وقال شهود إن القصف استهدف أحياء سكنية جنوب المدينة.",
)


def test_ingest_settles_the_redirect_target_discovery_queued_too(tmp_path):
    """/news/5 answers 308 to /news/5/, which the home page also links: both frontier rows are settled (the
    duplicate filter drops the second request, so nothing else would settle it, and the next crawl fetched it)."""
    from helpers import portal_session

    from archive.records import ExtractedArticle
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.ingest import ingest
    from crawler.relevance.judge import load_lexicon

    session = portal_session(tmp_path, BASE)
    try:
        for url in (f"{BASE}/news/5", f"{BASE}/news/5/"):
            session.catalogue.add_frontier(url, "portal", "article", None)
        page = ExtractedArticle(url=f"{BASE}/news/5/", title="اشتباكات في طرابلس", paragraphs=STORY)
        lexicon = load_lexicon(ArchiveConfig.from_settings({}).lexicon)
        ingest(
            session,
            lexicon,
            outlet_name="portal",
            url=page.url,
            capture_id=None,
            result=page,
            request_url=f"{BASE}/news/5",
        )
        assert [session.catalogue.frontier_status(u) for u in (f"{BASE}/news/5", f"{BASE}/news/5/")] == [
            "done"
        ] * 2
    finally:
        session.close()


def test_a_pending_url_already_an_article_is_settled_not_fetched(tmp_path):
    """A crawl starts with the pending URLs of earlier ones; one stored as an article (or alias) since is not
    fetched again, as discovery would not fetch it (``ArchiveSession.discover``: known-article)."""
    import asyncio
    from collections import Counter
    from types import SimpleNamespace

    from crawler.config.outlets import load_outlets
    from crawler.fetch.limits import Limits
    from crawler.spiders.outlets import OutletSpider

    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nstart_urls = ["{BASE}/"]\n', encoding="utf-8")
    [outlet] = load_outlets(seeds)
    known, new = f"{BASE}/news/5/", f"{BASE}/news/6/"
    settled = []
    session = SimpleNamespace(
        reader=SimpleNamespace(
            pending=lambda names: [{"url": u, "outlet": "portal", "kind": "article"} for u in (known, new)]
        ),
        by_name={"portal": outlet},
        outlets=[],
        known_article=lambda url: url == known,
        settle=lambda url, status="done", reason=None: settled.append((url, status, reason)),
        session_params=lambda name: (),
        discover=lambda url, outlet, kind: "pending",
    )
    spider = OutletSpider()
    spider.__dict__["session"] = session
    # what from_crawler gives a spider (hostile web round ten's request budget reads both)
    spider.limits = Limits.from_settings({})
    spider.requests_made = Counter()

    async def urls():
        return [request.url async for request in spider.start()]

    assert asyncio.run(urls()) == [new]
    assert settled == [(known, "done", "known-article")]
