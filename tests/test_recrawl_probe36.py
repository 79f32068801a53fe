"""`newsarchive recrawl` reports (probe 36): a redirect to another stored article, an error status after the retries,
and `--due --backoff` re-planning which articles are due. Real re-crawls of a loopback site, in their own process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import reply

from archive.catalogue.db import Catalogue

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة "
        "استمرت عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات. ")


class Site:
    """Articles /news/1, /news/8 and /news/9, each of which can be edited, made to redirect or to answer an error."""

    def __init__(self) -> None:
        today = datetime.now(UTC).date().isoformat()
        self.articles = {n: {"title": f"اتفاق لوقف إطلاق النار في سرت رقم {n}", "body": TEXT * 3 + f"({n})",
                             "date": today} for n in ("1", "8", "9")}
        self.redirect: dict[str, str] = {}  # article number -> the number it 301-redirects to
        self.status: dict[str, int] = {}  # article number -> the error status it answers
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                n = self.path.rpartition("/")[2]
                if self.path == "/robots.txt":
                    return self.answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
                if n in site.redirect:
                    self.send_response(301)
                    self.send_header("Location", f"/news/{site.redirect[n]}")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if n in site.status:
                    return self.answer(site.status[n], b"<html><body>error</body></html>", "text/html")
                a = site.articles.get(n)
                if a is None:
                    return self.answer(404, b"<html><body>not found</body></html>", "text/html")
                html = (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{a["title"]}</title>'
                        f'<meta property="article:published_time" content="{a["date"]}"></head><body><article>'
                        f'<h1>{a["title"]}</h1><p>{a["body"]}</p></article></body></html>')
                return self.answer(200, html.encode(), "text/html; charset=utf-8")

            def answer(self, code: int, body: bytes, ctype: str) -> None:
                reply(self, code, ctype, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def recrawl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsarchive recrawl`` as a user would, in its own process."""
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", *args, "--seeds", str(root / "seeds.toml"),
           "--data", str(root / "data"), "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "EXTRACT_WORKERS=1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.server.shutdown()


@pytest.fixture(scope="module")
def workdir(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds for the site and a data folder holding the three articles (version 1, watched: published today)."""
    root = tmp_path_factory.mktemp("recrawl36")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "local"\nhomepage = "{site.base}/"\narticle_urls = ["/news/\\\\d+$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    first = recrawl(root, *(f"{site.base}/news/{n}" for n in site.articles))
    assert first.returncode == 0 and first.stdout.count("new article") == 3, first.stdout + first.stderr[-3000:]
    return root


def test_due_with_backoff_replans_by_the_given_plan(workdir: Path) -> None:
    # the crawl planned each first re-check an hour on (ARCHIVE_WATCH_BACKOFF); --backoff 1d:1s was ignored until
    # after that first re-check, so "nothing to re-check" for articles under a day old unchecked for over a second
    assert recrawl(workdir, "--due").stdout.strip() == "nothing to re-check"  # the stored plan: in an hour
    with Catalogue(workdir / "data" / "catalogue.db") as catalogue:
        seen = catalogue.db.execute("select max(first_seen) from articles").fetchone()[0]
    time.sleep(max(0.0, datetime.fromisoformat(seen).timestamp() + 1.1 - time.time()))  # a second unchecked
    result = recrawl(workdir, "--due", "--backoff", "1d:1s,7d:1d")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all("unchanged (no new version)" in line for line in lines), result.stdout


@pytest.fixture(scope="module")
def changed(site: Site, workdir: Path) -> subprocess.CompletedProcess[str]:
    """news/8 now redirects to news/1, which was edited; news/9 answers 500: both re-crawled."""
    site.redirect["8"] = "1"
    site.status["9"] = 500
    site.articles["1"]["body"] = TEXT * 2 + "وأكدت البعثة الأممية ترحيبها بالاتفاق ودعت الأطراف إلى الالتزام ببنوده."
    return recrawl(workdir, f"{site.base}/news/8", f"{site.base}/news/9")


def test_an_error_status_after_the_retries_is_a_failure(site: Site, changed: subprocess.CompletedProcess[str]) -> None:
    # a 500 after three tries was "HTTP 500: unchanged (no new version)", exit code 0
    assert changed.returncode == 1, changed.stdout + changed.stderr[-3000:]
    line = next(line for line in changed.stdout.splitlines() if line.startswith(f"{site.base}/news/9 "))
    assert line.endswith("HTTP 500: failed: http-500 after 3 tries"), changed.stdout


def test_a_redirect_to_another_article_reports_that_article(site: Site, workdir: Path,
                                                            changed: subprocess.CompletedProcess[str]) -> None:
    # it said news/8 was "no longer a copy of" news/8, with the new version of news/1 as news/8's own
    line = next(line for line in changed.stdout.splitlines() if line.startswith(f"{site.base}/news/8 "))
    assert f"redirects to {site.base}/news/1: HTTP 200: new version 2 (changed: text)" in line, changed.stdout
    assert "copy" not in line, changed.stdout
    with Catalogue(workdir / "data" / "catalogue.db") as catalogue:
        versions = dict(catalogue.db.execute("select substr(url, -7), versions from articles").fetchall())
    assert versions == {"/news/1": 2, "/news/8": 1, "/news/9": 1}
