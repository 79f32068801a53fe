"""One article, one row, across its renderings (README "One article, one row"): a print view that pads the story
with one line, an AMP-first outlet's thin page and its AMP story, and plain copies of either under another URL.

One loopback outlet, crawled by the CLI into a data folder with aliases on and into one with them off (then
``dedupe``). Its pages come in three stages, each answered once the crawl has stored the stage before, so the order
the faults need is certain:

- print: ``/news/a1`` (the article), ``/news/a1-print`` (``rel=canonical`` to it, plus a "printed from" line), then
  ``/news/a1?src=rss`` (the article's page again). The print view only pads the text: one more capture of the row,
  which keeps its text; the copy is the row (same body).
- amp: ``/news/b2`` (a thin page: headline and lead), ``/news/b2-amp`` (the whole story, ``rel=canonical`` to the thin
  page), then ``/news/b2?src=rss`` (the thin page again). The row takes the story's text; the copy has the body of
  the row's first version, not of its text now, and is still the row.
- print-first: ``/news/e3-print`` (canonical ``/news/e3``, not yet fetched), ``/news/e3``, then ``/news/e3?src=rss``.
  The article's own page at the row's URL is a new version (the padding goes); the copy is the row.

Then the rules under the crawl's (``teaser_of``, ``padded``) and the catalogue's same-body lookups on their own.
"""

from __future__ import annotations

import html
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import FAST, ROOT, cli, reply, rows

from archive.catalogue import aliases
from archive.catalogue.db import Catalogue, article_id
from archive.corpus.history import text_digest
from archive.records import ExtractedArticle, Relevance
from crawler.capture.dedupe import TEASER_OWN_MAX_WORDS, padded, teaser_of
from crawler.discovery.urls import canonicalize

DAY = "2024-05-01T10:30:00+02:00"
PRINTED = "طبعت هذه الصفحة من بوابة المسبار الإخبارية"
LOADING = "جار تحميل بقية الخبر"
TITLE_A = "اشتباكات عنيفة في طرابلس بين قوات الردع واللواء 444 وسقوط قتلى"
BODY_A = (
    "اندلعت اشتباكات عنيفة بالأسلحة المتوسطة والثقيلة في طرابلس بين قوات الردع واللواء 444 منذ ساعات الفجر "
    "الأولى، وقال شهود عيان إن أصوات القذائف سمعت في عدة أحياء من العاصمة.",
    "وأعلنت وزارة الصحة في حكومة الوحدة الوطنية سقوط سبعة قتلى وعدد من الجرحى نقلوا إلى مستشفيات المدينة، "
    "ودعت بعثة الأمم المتحدة جميع الأطراف إلى وقف فوري لإطلاق النار.",
    "وطالب المجلس الرئاسي بتشكيل لجنة تحقيق في أسباب الاشتباكات وتحديد المسؤولين عنها، فيما أغلقت المدارس "
    "أبوابها وعلقت الرحلات في مطار معيتيقة لساعات.",
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
TITLE_E = "المجلس الرئاسي يدعو إلى وقف إطلاق النار في الزاوية وتشكيل لجنة تحقيق"
BODY_E = (
    "دعا المجلس الرئاسي الليبي إلى وقف فوري لإطلاق النار في مدينة الزاوية بعد يومين من المواجهات بين كتائب "
    "مسلحة في أحيائها الغربية، وطالب بتشكيل لجنة تحقيق مستقلة.",
    "وأوضح المتحدث باسم المجلس أن الاشتباكات أوقعت خمسة قتلى بينهم مدنيان، وأن وفدا من أعيان المدينة يسعى إلى "
    "تثبيت هدنة بين الطرفين.",
    "وكانت مديرية أمن الزاوية قد أعلنت إغلاق الطريق الساحلي أمام حركة السير لساعات بسبب تبادل إطلاق النار قرب "
    "مصفاة النفط.",
)


def page(title: str, paras: tuple[str, ...], canonical: str | None = None, extra: str = "") -> bytes:
    """An article page: the headline, a date, the paragraphs, ``extra`` after them (a print note, a loading line),
    in the site's chrome."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta property="og:title" content="{html.escape(title)}"><meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{DAY}">{link}</head><body>'
        '<header><a href="/">بوابة المسبار</a><nav><a href="/">الرئيسية</a> <a href="/section/libya">ليبيا</a></nav>'
        f'</header><main><article><h1>{html.escape(title)}</h1><time datetime="{DAY}">{DAY[:10]}</time>'
        f'<div class="post-body">{body}{extra}</div></article></main>'
        "<footer><p>جميع الحقوق محفوظة © 2024 بوابة المسبار</p></footer></body></html>"
    ).encode()


PRINT_NOTE = f'<p class="print-note">{PRINTED}</p>'
PAGES = {
    "/news/a1": page(TITLE_A, BODY_A),
    "/news/a1-print": page(TITLE_A, BODY_A, canonical="/news/a1", extra=PRINT_NOTE),
    "/news/b2": page(TITLE_B, BODY_B[:1], extra=f'<p class="loading">{LOADING}</p>'),
    "/news/b2-amp": page(TITLE_B, BODY_B, canonical="/news/b2"),
    "/news/e3-print": page(TITLE_E, BODY_E, canonical="/news/e3", extra=PRINT_NOTE),
    "/news/e3": page(TITLE_E, BODY_E),
}
REL = Relevance(True, 2.0, 4.0, 4.0, ())
STAGES = (
    ["/news/a1", "/news/b2", "/news/e3-print"],
    ["/news/a1-print", "/news/b2-amp", "/news/e3"],
    ["/news/a1?src=rss", "/news/b2?src=rss", "/news/e3?src=rss"],
)
STORIES = {"/news/a1": (TITLE_A, BODY_A), "/news/b2": (TITLE_B, BODY_B), "/news/e3": (TITLE_E, BODY_E)}


class Site(BaseHTTPRequestHandler):
    """The outlet: a home page linking every page, and the pages (a query string changes nothing).

    A page of a later stage is answered once the crawl has stored every page of the stage before (their frontier
    rows settled in the catalogue): the scheduler, not the home page, orders the links of one page, and the faults
    need this order.
    """

    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            return reply(self, 200, "text/plain", b"User-agent: *\nAllow: /\n")
        if self.path == "/":
            links = "".join(f'<a href="{html.escape(u)}">x</a> ' for stage in STAGES for u in stage)
            return reply(self, 200, "text/html; charset=utf-8", f"<html><body>{links}</body></html>".encode())
        found = PAGES.get(self.path.split("?")[0])
        if found is None:
            return reply(self, 404, "text/plain", b"")
        stage = next(n for n, paths in enumerate(STAGES) if self.path in paths)
        if stage:
            self.server.wait_stored(STAGES[stage - 1])
        return reply(self, 200, "text/html; charset=utf-8", found)


class Server(ThreadingHTTPServer):
    """The site on a loopback port, for the crawl into ``data``."""

    def __init__(self, data: Path) -> None:
        super().__init__(("127.0.0.1", 0), Site)
        self.data = data
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.stopped = threading.Event()  # the fixture is done with the site: no page is waited for any longer

    def wait_stored(self, paths: list[str]) -> None:
        """Wait until the crawl has stored the pages at ``paths`` (read-only looks at its catalogue), however long a
        loaded machine takes: a page answered before breaks the order the test is about (a 30 s bound, then the page
        anyway, did at a load average of 20). The crawl's time limit in the fixture bounds the wait."""
        urls = [canonicalize(self.base + p) for p in paths]
        while not self.stopped.is_set():
            try:
                conn = sqlite3.connect(f"file:{self.data / 'catalogue.db'}?mode=ro", uri=True, timeout=5)
                try:
                    done = conn.execute(f"select count(*) from frontier where status = 'done' and url in "
                                        f"({', '.join('?' * len(urls))})", urls).fetchone()[0]
                finally:
                    conn.close()
                if done == len(urls):
                    return
            except sqlite3.Error:
                pass  # not created yet
            self.stopped.wait(0.05)


# a page the site holds back until the stage before is stored is no timeout, however loaded the machine
HELD = ("-s", "DOWNLOAD_TIMEOUT=600")
CONFIG = """[[outlet]]
name = "r1"
start_urls = ["{base}/"]
article_urls = ['/news/']
topic_filter = false
download_delay = 0
concurrency = 16
max_depth = 1
"""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl with aliases on (``on``) and one with ``ARCHIVE_ALIASES=False`` (``off``), side by side."""
    tmp = tmp_path_factory.mktemp("renderings")
    sites = {name: Server(tmp / name) for name in ("on", "off")}
    procs = {}
    try:
        for name, site in sites.items():
            threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            seeds = tmp / f"{name}.toml"
            seeds.write_text(CONFIG.format(base=site.base), encoding="utf-8")
            off = ("-s", "ARCHIVE_ALIASES=False") if name == "off" else ()
            with open(tmp / f"{name}.log", "w", encoding="utf-8") as log:  # helpers.crawl_cli's command, in parallel
                procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(seeds), "--data",
                     str(site.data), *FAST, "-s", "ARCHIVE_COMMIT_INTERVAL=0.1", *off, *HELD],
                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        codes = {name: proc.wait(timeout=600) for name, proc in procs.items()}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        for site in sites.values():
            site.stopped.set()
            site.shutdown()
    logs = {name: (tmp / f"{name}.log").read_text(encoding="utf-8") for name in sites}
    yield {"base": sites["on"].base, "offbase": sites["off"].base, "on": tmp / "on", "off": tmp / "off",
           "codes": codes, "logs": logs}


def stored_order(data: Path) -> list[str]:
    """The article pages in the order their captures were made."""
    return [r["url"].split("/", 3)[3] for r in rows(data, "select url from captures where url like '%/news/%' "
                                                     "order by id")]


def test_the_crawls_met_the_pages_stage_by_stage(crawled):
    for name, code in crawled["codes"].items():
        assert code == 0, (name, crawled["logs"][name][-3000:])
    for name in ("on", "off"):
        met = stored_order(crawled[name])
        assert [sorted(met[:3]), sorted(met[3:6]), sorted(met[6:])] == [sorted(p[1:] for p in s) for s in STAGES]


def test_one_row_per_article_holding_the_article_s_own_text(crawled):
    """The print view's line is in no row, and a copy of the row's text, or of its first version, is no row."""
    data, base = crawled["on"], crawled["base"]
    got = {r["url"]: r for r in rows(data, "select * from articles")}
    assert sorted(got) == sorted(base + path for path in STORIES), sorted(got)
    for path, (title, body) in STORIES.items():
        row = got[base + path]
        assert (row["title"], row["text"]) == (title, "\n".join(body)), path
        assert PRINTED not in (data / row["text_file"]).read_text(encoding="utf-8")
    files = sorted(p.name for p in (data / "text").iterdir())
    assert files == sorted(r["text_file"].split("/")[-1] for r in got.values())


def test_a_print_view_that_pads_the_text_is_no_new_version(crawled):
    """The print view met after the article: one more capture, no second version. The article's own page met after
    its print view, at the row's URL: a new version, the padding gone. The thin page then its story: two versions;
    the thin page's copy: none more."""
    base = crawled["base"]
    versions = {r["url"]: r["versions"] for r in rows(crawled["on"], "select url, versions from articles")}
    assert versions == {f"{base}/news/a1": 1, f"{base}/news/b2": 2, f"{base}/news/e3": 2}


def test_every_url_fetched_is_an_alias_of_its_row(crawled):
    base = crawled["base"]
    aliases = {(r["url"], r["article_url"], r["how"]) for r in rows(
        crawled["on"], "select al.url, a.url as article_url, al.how from article_aliases al "
        "join articles a on a.id = al.article_id")}
    assert aliases == {(f"{base}{other}", f"{base}{story}", how)
                       for story, other, how in (("/news/a1", "/news/a1-print", "canonical"),
                                                 ("/news/b2", "/news/b2-amp", "canonical"),
                                                 ("/news/e3", "/news/e3-print", "canonical"),
                                                 ("/news/a1", "/news/a1?src=rss", "same-body"),
                                                 ("/news/b2", "/news/b2?src=rss", "same-body"),
                                                 ("/news/e3", "/news/e3?src=rss", "same-body"))}


def test_dedupe_finds_nothing_left_to_merge(crawled):
    proc = cli("dedupe", "--data", str(crawled["on"]), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "would merge 0 rows" in proc.stdout, proc.stdout


def test_dedupe_folds_a_copy_of_an_earlier_version_into_its_row(crawled):
    """Without aliases each copy is a row of its own; ``dedupe`` folds it into its row (the thin page's copy by the
    body of the row's first version), and the row keeps the story's text."""
    data, base = crawled["off"], crawled["offbase"]
    ids = {r["url"]: r["id"] for r in rows(data, "select id, url from articles")}
    assert len(ids) == 6, sorted(ids)
    dry = cli("dedupe", "--data", str(data), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would merge 3 rows" in dry.stdout and f"would merge {ids[base + '/news/b2?src=rss']}" in dry.stdout, \
        dry.stdout
    done = cli("dedupe", "--data", str(data))
    assert done.returncode == 0, done.stderr
    got = {r["url"]: r for r in rows(data, "select * from articles")}
    assert sorted(got) == sorted(base + path for path in STORIES), (done.stdout, sorted(got))
    for path, (title, body) in STORIES.items():
        assert (got[base + path]["title"], got[base + path]["text"]) == (title, "\n".join(body)), path
    check = cli("check", "--data", str(data))
    assert check.returncode == 0, check.stdout[-2000:]


def test_a_page_is_fuller_only_with_more_than_a_few_words_of_its_own():
    """The rule under the crawl's: a teaser's story adds a paragraph; a padded page adds a line, and is no story."""
    story, lead = "\n".join(BODY_B), BODY_B[0]
    assert teaser_of(TITLE_B, lead, TITLE_B, story)
    assert not teaser_of(TITLE_A, "\n".join(BODY_A), TITLE_A, "\n".join((*BODY_A, PRINTED)))
    assert padded(TITLE_A, "\n".join((*BODY_A, PRINTED)), TITLE_A, "\n".join(BODY_A))
    assert padded(TITLE_A, "\n".join((BODY_A[0], PRINTED, *BODY_A[1:])), TITLE_A, "\n".join(BODY_A))
    assert not padded(TITLE_A, "\n".join(BODY_A), TITLE_A, "\n".join((*BODY_A, PRINTED)))
    # a changed word is a correction, not padding; a paragraph more is more than padding
    assert not padded(TITLE_A, "\n".join(BODY_A).replace("سبعة", "تسعة") + "\n" + PRINTED, TITLE_A, "\n".join(BODY_A))
    more = " ".join(f"كلمة{n}" for n in range(TEASER_OWN_MAX_WORDS + 1))
    assert not padded(TITLE_A, "\n".join((*BODY_A, more)), TITLE_A, "\n".join(BODY_A))
    assert text_digest(TITLE_A, "\n".join(BODY_A)) != text_digest(TITLE_A, "\n".join((*BODY_A, PRINTED)))


def test_the_same_body_rule_matches_earlier_versions_on_the_catalogue(tmp_path):
    """On a real catalogue: a row's earlier version is found by its body (through m016's index), a same-body alias
    that serves it is not released, and a merge keeps the later text whichever row was seen last."""
    story, thin = ExtractedArticle(url="x", title=TITLE_B, paragraphs=BODY_B), \
        ExtractedArticle(url="x", title=TITLE_B, paragraphs=BODY_B[:1])
    url, copy = "http://portal.example/news/b2", "http://portal.example/news/b2?src=rss"
    with Catalogue(tmp_path / "catalogue.db") as cat:
        cat.upsert_outlets([{"name": "portal", "display_name": "portal", "domains": "portal.example"}])
        for n, page in enumerate((thin, story)):
            cat.save_article(outlet="portal", canonical_url=url, article=page, relevance=REL, capture_id=None,
                             fetched_at=f"2026-12-01T10:0{n}:00+00:00")
        row = cat.get_article(article_id(url))
        first = text_digest(thin.title, thin.text)
        assert row["versions"] == 2 and row["text_digest"] != first
        assert aliases.same_body_article(cat.db, "portal", first, article_id(copy))["id"] == row["id"]
        assert aliases.same_body_article(cat.db, "portal", first, row["id"]) is None
        plan = cat.db.execute("explain query plan " + aliases.SAME_BODY_SQL[1], [first, "portal", "x"]).fetchall()
        assert any("idx_article_versions_text_digest" in step[-1] for step in plan), plan
        with cat.db.conn:
            aliases.add_alias(cat.db, copy, row["id"], "same-body", outlet="portal")
        assert not aliases.release_stale_same_body(cat.db, row, [copy], first)
        assert aliases.release_stale_same_body(cat.db, row, [copy], "sha256:another-body")
        # the copy as a row of its own, seen last: merged, the row keeps the story
        cat.save_article(outlet="portal", canonical_url=copy, article=thin, relevance=REL, capture_id=None,
                         fetched_at="2026-12-01T11:00:00+00:00")
        aliases.merge_articles(cat.db, tmp_path, row["id"], article_id(copy), "same-body")
        merged = cat.get_article(row["id"])
        assert (merged["text"], merged["versions"]) == (story.text, 2)
