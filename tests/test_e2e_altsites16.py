"""End to end on two more unseen outlet styles (tests/altsites16): a Libyan news site behind a bot-protection layer
and an Arab news site behind a consent overlay and an age/region gate.

The guarded site (tests/altsites16/guard.py): some requests meet a challenge instead of the page: a Sucuri-style
JavaScript page (200, a script that sets a cookie and reloads), a hosting panel's "anti-DDoS" page in Arabic only
(200, as long as a brief), a DDoS-Guard-style 503 with Retry-After and a cookie, a BitNinja-style 429 with
Retry-After, "Checking your browser..." in Arabic and English, and a 200 "one moment, please" page that sets a cookie
and refreshes itself (the page comes with the cookie); the feed's first request meets the 503 too, the home page's the JavaScript page. A later visit
gets the page. The consent site (tests/altsites16/consent.py): every page under a full-screen consent overlay (its
own heading, Arabic and English notice, buttons), the "sensitive pictures" stories behind an age/region gate
(302 ``/consent?return=<page>``, a page that sets a cookie and sends the reader back by meta refresh), and a print
view of every story in a table template, listed by the text-only edition.

Decisions. A challenge is never an article, a version or a text file: a ``challenge-page`` failure naming what gave
it away, the URL left pending for the next crawls (at most three tries), the exchange archived as it came. A 503/429
is retried in the crawl after its Retry-After (capped here by ``CRAWL_RETRY_AFTER_MAX``); a 200 challenge by the
next crawl; a cookie-and-refresh check is passed as a browser passes it (the cookie on that chain only). The overlay
is no part of a story; a gated story is read behind the gate; the print view is an alias of its story.

One crawl and one re-crawl (the challenged pages' second try). The print view of a short story (two paragraphs) in
a one-column table was a row of its own, not an alias, until stop 42: the story's address printed in it ("رابط
الخبر: http://...") counted as prose the unwrapped reading lost (crawler/extraction/body.py ``lost_prose``), which
passed PROSE_LOSS once the site's address was long enough (a loopback host and port: 0.36 against 0.35).
"""

from __future__ import annotations

import gzip
import re

import altsite_checks as checks
import pytest
from altsites16 import serve_alt_sites16
from altsites16.content import GATED_STORIES, GUARD_STORIES
from helpers import catalogue
from warcio.archiveiterator import ArchiveIterator

from crawler.discovery.urls import canonicalize

# Written the way a user would: the home pages (and the text-only edition a reader finds in the header), the feed,
# story addresses as the browser shows them.
CONFIG = r"""
[[outlet]]
name = "alt-guard"
display_name = "بوابة فزان الإخبارية"
start_urls = ["{guard}/"]
feeds = ["{guard}/feed/"]
article_urls = ['/news/\d+\.html$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-consent"
display_name = "المرصد العربي"
start_urls = ["{consent}/", "{consent}/text/"]
article_urls = ['/news/\d+/(print/)?$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"guard": "alt-guard", "consent": "alt-consent"}
ITEMS = {f"guard-{s['id']}": s for s in GUARD_STORIES} | {f"consent-{s['id']}": s for s in GATED_STORIES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# the challenges' and the consent layer's words, and the sites' chrome
SERVED_INSTEAD = ["التحقق من متصفحك", "Checking your browser", "Javascript is required", "DDoS", "BitNinja",
                  "لحظة من فضلك", "One moment", "يرجى الانتظار", "حجب الخدمة", "لوحة تحكم الاستضافة", "sucuri",
                  "نحترم خصوصيتك", "ملفات تعريف الارتباط", "قبول الكل", "إدارة الخيارات", "شركاء", "cookies",
                  "محتوى حساس", "الثامنة عشرة", "سيتم تحويلك", "منطقتك"]
CHROME = [*SERVED_INSTEAD, "عاجل", "أخبار ذات صلة", "شارك الخبر", "جميع الحقوق", "الأكثر قراءة", "طباعة",
          "رابط الخبر", "طبع من موقع", "تابعونا", "النسخة النصية", "تاريخ النشر"]
# a relevance miss left to the relevance rounds (not tuned here): a photo report of the destruction on a front line
# south of Tripoli "after weeks of fighting", scored 0.67 with Tripoli, fighting, front lines and shells matched
RELEVANCE_GAP = {"consent-7745": "a photo report from a Tripoli front line is judged below the bar (score 0.67)"}
ARGS = ("-s", "CRAWL_RETRY_AFTER_MAX=0.2", "-s", "EXTRACT_WORKERS=1")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A real crawl of both sites by the CLI, then the re-crawl that tries the challenged pages again."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites16"), serve_alt_sites16, CONFIG, *ARGS)


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_both_crawls_exit_zero(crawled):
    checks.check_crawl_exits_zero(crawled)
    assert crawled["again"].returncode == 0, crawled["again"].stderr[-3000:]


@pytest.mark.parametrize("key", checks.with_xfails(RELEVANT, RELEVANCE_GAP))
def test_relevant_story_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_story_has_its_exact_headline(crawled, key):
    """The story's h1, never the challenge's title, the site's name or the overlay's heading."""
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_whole_story_one_paragraph_a_line(crawled, key):
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_challenge_or_consent_text_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_day_and_hour_are_the_published_ones(crawled, key):
    """The guarded site's "الأحد 12 مايو 2019 - 13:40", the consent site's day-first "02/06/2019 - 10:20"."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour=True)


def test_one_row_per_guarded_story_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, {"guard": "alt-guard"}, len([k for k in RELEVANT if "guard" in k]))


def test_one_row_per_gated_story_its_print_view_an_alias(crawled):
    conn = catalogue(crawled["data"])
    want = sorted(canonicalize(e.canonical_url) for e in crawled["expected"].values() if e.site == "consent")
    got = sorted(r["url"] for r in conn.execute("select url from articles where outlet = 'alt-consent'"))
    assert got == want
    for e in (e for e in crawled["expected"].values() if e.site == "consent"):
        alias = conn.execute("select a.url from article_aliases a join articles r on r.id = a.article_id "
                             "where r.url = ?", [canonicalize(e.canonical_url)]).fetchall()
        assert [canonicalize(e.canonical_url.rstrip("/") + "/print/")] == [r["url"] for r in alias], e.key


def test_no_challenge_or_consent_text_anywhere_in_the_corpus(crawled):
    """No row, earlier version or text file holds what a protection or consent layer served."""
    conn = catalogue(crawled["data"])
    texts = [r[0] or "" for r in conn.execute("select title || char(10) || coalesce(text, '') from articles")]
    texts += [r[0] or "" for r in conn.execute("select text from article_versions")]
    texts += [p.read_text(encoding="utf-8") for p in (crawled["data"] / "text").iterdir()]
    found = {w for w in SERVED_INSTEAD for t in texts if w.lower() in t.lower()}
    assert not found, found
    sites = {"بوابة فزان الإخبارية", "المرصد العربي"}
    assert not sites & {r[0] for r in conn.execute("select title from articles")}


def test_a_challenge_is_recorded_with_its_reason_and_tried_again(crawled):
    """The 200 challenges: a ``challenge-page`` failure naming what gave each away, then a row from the re-crawl."""
    conn = catalogue(crawled["data"])
    guard = crawled["sites"].sites["guard"]
    for story in (s for s in GUARD_STORIES if s["guard"] in ("sucuri", "panel")):
        url = f"{guard.base}/news/{story['id']}.html"
        failures = conn.execute("select reason, detail from failures where url = ?", [url]).fetchall()
        assert [f["reason"] for f in failures] == ["challenge-page"], (story["guard"], [tuple(f) for f in failures])
        assert failures[0]["detail"], story["guard"]
        again = [r.path for r in crawled["log_again"] if r.site == "guard" and r.path.startswith("/news/")]
        assert f"/news/{story['id']}.html" in again, again
        frontier = conn.execute("select status, attempts from frontier where url = ?", [url]).fetchone()
        assert frontier["status"] == "done" and frontier["attempts"] == 1, tuple(frontier)


def test_a_challenge_answered_for_the_start_page_is_recorded(crawled):
    """The home page behind the JavaScript page: a discovery failure that says so (before, nothing was recorded)."""
    conn = catalogue(crawled["data"])
    home = crawled["sites"].sites["guard"].base + "/"
    got = [tuple(r) for r in conn.execute("select stage, reason from failures where url = ?", [home])]
    assert got == [("discover", "challenge-page")]


def test_the_recrawl_fetches_only_the_challenged_stories(crawled):
    """Nothing stored is fetched again; each story has one version (no challenge stored as a new one)."""
    again = sorted(r.path for r in crawled["log_again"] if r.path.startswith("/news/"))
    challenged = sorted(f"/news/{s['id']}.html" for s in GUARD_STORIES if s["guard"] in ("sucuri", "panel"))
    assert again == challenged
    conn = catalogue(crawled["data"])
    many = conn.execute("select article_id, count(*) n from article_versions group by article_id having n > 1")
    assert not many.fetchall()


def test_retry_after_and_the_cookie_check_are_passed_in_the_crawl(crawled):
    """A 503/429 is tried again after its pause; the self-refreshing check is asked again with its cookie."""
    log = [(r.site, r.path, r.status, r.headers.get("Cookie", "")) for r in crawled["log"]]
    for story in GUARD_STORIES:
        path = f"/news/{story['id']}.html"
        statuses = [s for site, p, s, _ in log if site == "guard" and p == path]
        if story["guard"] in ("ddg503", "ninja429"):
            assert statuses == [503 if story["guard"] == "ddg503" else 429, 200], (path, statuses)
        if story["guard"] == "refresh":
            assert [c for site, p, _, c in log if site == "guard" and p == path] == ["", "__fguard=ok7f3a"]
    assert [s for site, p, s, _ in log if p == "/feed/"] == [503, 200]
    cookies = [c for site, p, _, c in log if site == "consent" and p.startswith("/news/") and not p.endswith("print/")]
    assert set(cookies) <= {"", "age_gate=1"}


def test_every_exchange_is_in_the_warc(crawled):
    """The archive of record keeps what was served: each challenge and gate page as well as the pages after them
    (an unchanged listing fetched again by the re-crawl as a revisit record)."""
    records = []
    for path in sorted((crawled["data"] / "warc").glob("*.warc.gz")):
        with gzip.open(path, "rb") as raw, open(path, "rb") as stream:
            assert raw.read(4) == b"WARC"
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):  # an unchanged page again: a revisit record
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    records.append((re.sub(r"^https?://[^/]+", "", uri), record.http_headers.get_statuscode(),
                                    record.content_stream().read()))
    served = [(r.path, str(r.status)) for r in crawled["log"] + crawled["log_again"] if r.path != "/robots.txt"]
    archived = [(p, s) for p, s, _ in records if p != "/robots.txt"]
    assert sorted(served) == sorted(archived)
    bodies = b"\n".join(b for _, _, b in records)
    for marker in ("sucuri_cloudproxy_uuid", "DDoS-Guard", "BitNinja", "التحقق من متصفحك", "نحترم خصوصيتك",
                   "محتوى حساس"):
        assert marker.encode() in bodies, marker


def test_the_text_files_are_in_seed_format(crawled):
    """Title, a blank line, one paragraph a line, a final newline (/work/shared/seed-format)."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select title, text, text_file from articles where relevant = 1").fetchall()
    assert len(rows) == len(RELEVANT) - len(RELEVANCE_GAP)
    for row in rows:
        got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
        assert got == f"{row['title']}\n\n{row['text']}\n", row["text_file"]


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)
