"""`newsarchive recrawl` end to end against a local site: versions with diffs, deletion and return, refusals."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from archive.catalogue.db import Catalogue
from crawler.config.outlets import Outlet, load_outlets
from crawler.scheduling.recrawl import UNLISTED, RecrawlError, Target, assign_outlets, seeds_with_unlisted

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPHS = (
    ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة "
    "استمرت عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات."),
    ("وأكدت البعثة الأممية للدعم في ليبيا ترحيبها بالاتفاق، ودعت الأطراف كافة إلى الالتزام ببنوده وتسهيل عودة "
    "النازحين إلى منازلهم في المناطق المتضررة من القتال خلال الأسابيع الماضية."),
    ("وفي بنغازي، قال مسؤول عسكري إن القوات في الشرق ستراقب تنفيذ الاتفاق، محذرا من أي خرق قد يعيد البلاد إلى "
    "دائرة العنف التي عرفتها منذ سنوات."),
)


class NewsSite:
    """A local outlet whose articles can be edited, deleted and restored while tests run; it answers ETags."""

    def __init__(self) -> None:
        today = datetime.now(UTC).date().isoformat()
        self.articles = {f"/news/{i}": {"title": f"اتفاق لوقف إطلاق النار في سرت رقم {i}",
                                        "paragraphs": list(PARAGRAPHS), "date": today} for i in range(1, 5)}
        self.gone: set[str] = set()
        self.paths: list[str] = []  # every path asked for, in order
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.paths.append(self.path)
                if self.path == "/robots.txt":  # its sitemap lists an article that only a full crawl should find
                    return self.answer(200, f"User-agent: *\nAllow: /\nSitemap: {site.base}/sitemap.xml\n".encode(),
                                       "text/plain")
                if self.path == "/sitemap.xml":
                    return self.answer(200, (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
                                             f'{site.base}/news/99</loc></url></urlset>').encode(), "application/xml")
                if self.path == "/":
                    links = "".join(f'<a href="{p}">{a["title"]}</a>' for p, a in site.articles.items())
                    return self.answer(200, f"<html><body>{links}</body></html>".encode(), "text/html")
                article = site.articles.get(self.path)
                if article is None or self.path in site.gone:
                    return self.answer(404, "<html><body>الصفحة غير موجودة</body></html>".encode(), "text/html")
                body = "".join(f"<p>{p}</p>" for p in article["paragraphs"])
                html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{article["title"]}</title>'
                        f'<meta property="article:published_time" content="{article["date"]}"></head><body>'
                        f'<article><h1>{article["title"]}</h1>{body}</article></body></html>').encode()
                etag = '"' + hashlib.sha1(html).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self.answer(304, b"", "text/html", etag)
                return self.answer(200, html, "text/html; charset=utf-8", etag)

            def answer(self, code: int, body: bytes, ctype: str, etag: str | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                if code != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if code != 304:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    """The local site, serving for the whole module."""
    s = NewsSite()
    yield s
    s.server.shutdown()


@pytest.fixture(scope="module")
def workdir(site: NewsSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds for the site and a data folder in which every article was archived once (version 1)."""
    root = tmp_path_factory.mktemp("recrawl")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "localnews"\nhomepage = "{site.base}/"\narticle_urls = ["/news/\\\\d+$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    result = recrawl(root, *[site.base + p for p in site.articles])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("new article") == 4, result.stdout
    return root


def recrawl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsarchive recrawl`` as a user would, in its own process."""
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", *args, "--seeds", str(root / "seeds.toml"),
           "--data", str(root / "data"), "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "EXTRACT_WORKERS=1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def article(root: Path, url: str) -> tuple[dict, list[dict], list[dict]]:
    """The article row at ``url``, its versions and its events."""
    catalogue = Catalogue(root / "data" / "catalogue.db")
    try:
        row = next(catalogue.db["articles"].rows_where("url = ?", [url]))
        return row, catalogue.versions(row["id"]), catalogue.events(row["id"])
    finally:
        catalogue.close()


def test_unchanged_recrawl_adds_no_version(site: NewsSite, workdir: Path) -> None:
    url = site.base + "/news/1"
    site.articles["/news/1"]["paragraphs"][0] = "  " + PARAGRAPHS[0].replace(" ", "   ") + "\n"  # whitespace only
    result = recrawl(workdir, url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "unchanged (no new version)" in result.stdout
    row, versions, events = article(workdir, url)
    assert len(versions) == 1 and row["versions"] == 1 and events == []


def test_a_recrawl_fetches_its_targets_and_nothing_else(site: NewsSite, workdir: Path) -> None:
    # robots.txt is read to obey it; its Sitemap line is the next crawl's (it archived new articles unasked before)
    site.articles["/news/99"] = {"title": "مقال لم يطلبه أحد", "paragraphs": list(PARAGRAPHS), "date": "2026-01-01"}
    try:
        result = recrawl(workdir, site.base + "/news/1", site.base + "/news/3")
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        del site.articles["/news/99"]
    assert "/sitemap.xml" not in site.paths and "/news/99" not in site.paths, site.paths
    catalogue = Catalogue(workdir / "data" / "catalogue.db")
    try:
        assert catalogue.db.execute("select count(*) from articles where url like '%/news/99'").fetchone()[0] == 0
    finally:
        catalogue.close()


def test_a_copy_is_reported_as_the_article_it_copies_and_then_as_its_own(site: NewsSite, workdir: Path) -> None:
    # two URLs serving one story are one article (the second an alias): the report said "new article" for both;
    # when the copy's text later differs it becomes its own article, which the report called "unchanged"
    story = {"title": "نازحو تاورغاء يعودون إلى مدينتهم", "paragraphs": list(PARAGRAPHS), "date": "2026-03-01"}
    site.articles["/news/60"], site.articles["/news/61"] = dict(story), dict(story)
    try:
        first = recrawl(workdir, site.base + "/news/60", site.base + "/news/61")
        assert first.returncode == 0, first.stderr[-3000:]
        lines = first.stdout.splitlines()
        assert "new article" in lines[0] and "new article" not in lines[1], first.stdout
        assert f"the same article as {site.base}/news/60" in lines[1], first.stdout
        site.articles["/news/61"] = {**story, "paragraphs": [PARAGRAPHS[2], PARAGRAPHS[0]]}
        second = recrawl(workdir, site.base + "/news/61")
        assert second.returncode == 0, second.stderr[-3000:]
        assert "new article" in second.stdout and f"no longer a copy of {site.base}/news/60" in second.stdout, \
            second.stdout
    finally:
        del site.articles["/news/60"], site.articles["/news/61"]


def test_edited_article_gets_second_version_with_diff(site: NewsSite, workdir: Path) -> None:
    url = site.base + "/news/2"
    site.articles["/news/2"]["title"] += " (محدّث)"
    site.articles["/news/2"]["paragraphs"][1] = "وقالت البعثة الأممية إنها ترحب بالاتفاق بحذر."
    result = recrawl(workdir, url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "new version 2 (changed: title, text)" in result.stdout
    assert "+وقالت البعثة الأممية إنها ترحب بالاتفاق بحذر." in result.stdout  # the diff is printed
    row, versions, _ = article(workdir, url)
    assert [v["version"] for v in versions] == [1, 2] and row["versions"] == 2
    assert versions[0]["title"] != versions[1]["title"]
    assert versions[1]["capture_id"] != versions[0]["capture_id"]
    assert versions[1]["changed"] == "title,text"
    assert "-" + PARAGRAPHS[1] in versions[1]["diff"] and "+وقالت البعثة" in versions[1]["diff"]


def test_deleted_article_is_an_event_and_its_return_another(site: NewsSite, workdir: Path) -> None:
    url = site.base + "/news/3"
    site.gone.add("/news/3")
    result = recrawl(workdir, url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "HTTP 404: deleted: deletion recorded" in result.stdout
    row, versions, events = article(workdir, url)
    assert row["status"] == "deleted" and len(versions) == 1
    assert [(e["kind"], e["http_status"]) for e in events] == [("deleted", 404)]

    # back online; the watcher re-checks it (conditionally: the server answers 304 to the old ETag)
    site.gone.discard("/news/3")
    catalogue = Catalogue(workdir / "data" / "catalogue.db")
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    with catalogue.db.conn:
        catalogue.db["articles"].update(row["id"], {"watch": "watching", "next_check_at": past})
    catalogue.close()
    result = recrawl(workdir, "--due")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{url}  [localnews]  HTTP 304: back online" in result.stdout
    row, versions, events = article(workdir, url)
    assert row["status"] == "live" and len(versions) == 1
    assert [e["kind"] for e in events] == ["deleted", "returned"]
    assert row["last_checked_at"] and row["next_check_at"] > past  # planned again by the back-off rule
    catalogue = Catalogue(workdir / "data" / "catalogue.db")
    try:
        crawl = list(catalogue.db["crawls"].rows_where("trigger = 'watch'"))
        revisits = list(catalogue.db["captures"].rows_where("url = ? and record_type = 'revisit'", [url]))
    finally:
        catalogue.close()
    assert len(crawl) == 1 and crawl[0]["status"] == "finished"
    assert revisits and revisits[-1]["status"] == 304 and revisits[-1]["refers_to"]


@pytest.mark.parametrize("url, message", [
    ("ftp://127.0.0.1/news/1", "only http:// and https://"),
    ("file:///etc/passwd", "only http:// and https://"),
    ("javascript:alert(1)", "only http:// and https://"),
    ("https://unknown.example/news/1", "belongs to no configured outlet"),
])
def test_refused_urls(url: str, message: str) -> None:
    outlets = [Outlet(name="localnews", homepage="http://127.0.0.1:8000/", allowed_domains=("127.0.0.1",))]
    with pytest.raises(RecrawlError, match=message):
        assign_outlets([url], outlets)


def test_refusal_is_a_clear_cli_error(site: NewsSite, workdir: Path) -> None:
    result = recrawl(workdir, "https://unknown.example/news/1")
    assert result.returncode == 1
    assert "belongs to no configured outlet" in result.stderr and "--any-outlet" in result.stderr


def test_outlet_and_any_outlet_accept_other_urls(tmp_path: Path) -> None:
    outlets = [Outlet(name="localnews", homepage="http://127.0.0.1:8000/", allowed_domains=("127.0.0.1",),
                      source=str(tmp_path / "seeds.toml"))]
    (tmp_path / "seeds.toml").write_text('[[outlet]]\nname = "localnews"\nhomepage = "http://127.0.0.1:8000/"\n',
                                         encoding="utf-8")
    assert assign_outlets(["https://other.example/a"], outlets, outlet="localnews") == [
        Target("https://other.example/a", "localnews")]
    targets = assign_outlets(["https://other.example/a?utm_source=x", "http://127.0.0.1:8000/n/1"], outlets,
                             any_outlet=True)
    assert targets == [Target("https://other.example/a", UNLISTED), Target("http://127.0.0.1:8000/n/1", "localnews")]
    seeds = seeds_with_unlisted(tmp_path / "seeds.toml", targets, tmp_path / "combined")
    loaded = {o.name: o for o in load_outlets(seeds)}
    assert set(loaded) == {"localnews", UNLISTED}
    assert loaded[UNLISTED].owns("https://other.example/b")
