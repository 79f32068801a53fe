"""An outlet that changes between crawls (stop 40's probe): an article moved by a 301, re-checked by `recrawl`.
Real re-crawls of a loopback site whose pages carry a content-hash ETag and answer 304, each in its own process."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import cli, rows

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("قالت مصادر محلية في العاصمة الليبية طرابلس إن اشتباكات مسلحة اندلعت مساء الثلاثاء بين مجموعتين مسلحتين "
        "في منطقة صلاح الدين جنوب المدينة، وأدت إلى إغلاق الطريق المؤدي إلى مطار معيتيقة لعدة ساعات. ")


def page(title: str, body: str, canonical: str | None = None) -> bytes:
    """An article page dated today (so the edit watch looks at it), with a canonical link when given."""
    today = datetime.now(UTC).date().isoformat()
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="article:published_time" content="{today}"></head><body><article>'
            f"<h1>{title}</h1><p>{body}</p></article></body></html>").encode()


class Site:
    """Pages by path, each with an ETag that hashes it (a 304 to a matching If-None-Match), and 301s by path."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.moved: dict[str, str] = {}  # path -> the path it answers 301 to
        self.asked: list[tuple[str, str | None]] = []  # (path, If-None-Match) of each request
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.asked.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/robots.txt":
                    return self.answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
                if self.path in site.moved:
                    self.send_response(301)
                    self.send_header("Location", site.base + site.moved[self.path])
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                body = site.pages.get(self.path)
                if body is None:
                    return self.answer(404, b"<html><body>not found</body></html>", "text/html")
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                return self.answer(200, body, "text/html; charset=utf-8", etag)

            def answer(self, code: int, body: bytes, ctype: str, etag: str | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def recrawl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsarchive recrawl`` as a user would, in its own process."""
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", *args, "--seeds", str(root / "seeds.toml"),
           "--data", str(root / "data"), "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "EXTRACT_WORKERS=1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path, subprocess.CompletedProcess[str]]]:
    """Three stored articles, then re-checked conditionally: /news/1 moved by a 301 to /news/1/ with the same bytes (a
    trailing-slash move: the same ETag), /news/2 to a new slug whose page names itself canonical; /news/3 taken down
    (404)."""
    site = Site()
    root = tmp_path_factory.mktemp("moved40")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "local"\nhomepage = "{site.base}/"\narticle_urls = ["/news/[a-z0-9-]+/?$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    site.pages["/news/1"] = page("اشتباكات في طرابلس تغلق طريق المطار", TEXT * 3)
    site.pages["/news/2"] = page("البعثة الأممية تدعو إلى الحوار", TEXT * 2 + "(2)", f"{site.base}/news/2")
    site.pages["/news/3"] = page("مصادر: اتفاق وشيك على توحيد المؤسسة العسكرية", TEXT * 2 + "(3)")
    first = recrawl(root, f"{site.base}/news/1", f"{site.base}/news/2", f"{site.base}/news/3")
    assert first.returncode == 0 and first.stdout.count("new article") == 3, first.stdout + first.stderr[-3000:]
    site.pages["/news/1/"] = site.pages["/news/1"]
    site.moved["/news/1"] = "/news/1/"
    site.pages["/news/2-new-slug"] = page("البعثة الأممية تدعو إلى الحوار", TEXT * 2 + "(2)",
                                          f"{site.base}/news/2-new-slug")
    site.moved["/news/2"] = "/news/2-new-slug"
    del site.pages["/news/3"]
    site.asked.clear()
    result = recrawl(root, "--conditional", f"{site.base}/news/1", f"{site.base}/news/2", f"{site.base}/news/3")
    yield site, root, result
    site.server.shutdown()


def test_a_redirect_target_is_not_asked_with_the_old_urls_validators(moved) -> None:
    site, root, result = moved
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    asked = dict(site.asked)
    assert asked["/news/1"] and asked["/news/2"]  # the stored URLs are asked conditionally
    # the targets were asked with the ETag of the URL that redirected: /news/1/ answered 304, never captured
    assert asked["/news/1/"] is None and asked["/news/2-new-slug"] is None, site.asked
    captures = rows(root / "data", "select status, record_type from captures where url = ?", (f"{site.base}/news/1/",))
    assert captures and all(c["status"] == 200 for c in captures), captures
    assert "not modified" not in result.stdout, result.stdout


def test_a_move_by_redirect_is_reported_and_its_target_kept_as_a_redirect_alias(moved) -> None:
    site, root, result = moved
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("http")}
    # before stop 40 both said "HTTP 200: unchanged (no new version)", nothing of the 301
    assert f"redirects to {site.base}/news/1/: HTTP 200: unchanged" in lines[f"{site.base}/news/1"], result.stdout
    assert f"redirects to {site.base}/news/2-new-slug: HTTP 200: unchanged" in lines[f"{site.base}/news/2"], \
        result.stdout
    # the row keeps its URL (a redirect to the article itself is no move: README "One article, one row"); the URL it
    # now answers at was learnt by that redirect, not by a canonical link (it was labelled "canonical")
    articles = {r["url"]: r["versions"] for r in rows(root / "data", "select url, versions from articles")}
    assert articles == {f"{site.base}/news/1": 1, f"{site.base}/news/2": 1, f"{site.base}/news/3": 1}
    found = {r["url"]: r["how"] for r in rows(root / "data", "select url, how from article_aliases")}
    assert found == {f"{site.base}/news/1/": "redirect", f"{site.base}/news/2-new-slug": "redirect"}, found


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_export_says_which_articles_were_taken_down(moved, tmp_path: Path, fmt: str) -> None:
    site, root, result = moved
    assert "HTTP 404: deleted: deletion recorded" in result.stdout, result.stdout
    out = tmp_path / f"corpus.{fmt}"
    done = cli("export", "--data", str(root / "data"), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    if fmt == "jsonl":
        table = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    else:
        with out.open(encoding="utf-8-sig", newline="") as fh:
            table = list(csv.DictReader(fh))
    status = {r["url"]: (r["status"], bool(r["deleted_at"])) for r in table}
    # before stop 40 the taken-down story was an ordinary row (http_status 200, its text): nothing said it was gone
    assert status == {f"{site.base}/news/1": ("live", False), f"{site.base}/news/2": ("live", False),
                      f"{site.base}/news/3": ("deleted", True)}, status
    deleted = next(r for r in table if r["status"] == "deleted")
    assert deleted["text"] and deleted["deleted_at"] == rows(
        root / "data", "select at from article_events where kind = 'deleted'")[0]["at"]
    assert "taken down by their outlet after they were archived: 1" in (tmp_path / f"corpus.{fmt}.datacard.md").read_text()


STORY = [TEXT, "وأعلن جهاز الإسعاف والطوارئ أن فرقه نقلت عددا من الجرحى إلى مستشفيات المدينة، داعيا السكان إلى البقاء "
         "في منازلهم.", "ودعت بعثة الأمم المتحدة للدعم في ليبيا جميع الأطراف إلى وقف فوري لإطلاق النار."]


def story_page(title: str, paragraphs: list[str]) -> bytes:
    """An article page of several paragraphs, dated today."""
    return page(title, "</p><p>".join(paragraphs))


@pytest.fixture(scope="module")
def walled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path, list[str]]]:
    """Two stored stories; re-checked while /news/4 shows its lead and a subscribers-only box and /news/5 is cut to
    its lead and a correction; re-checked again once /news/4 shows the whole story. The stdout of each re-crawl."""
    site = Site()
    root = tmp_path_factory.mktemp("walled40")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "local"\nhomepage = "{site.base}/"\narticle_urls = ["/news/[a-z0-9-]+/?$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    urls = [f"{site.base}/news/4", f"{site.base}/news/5"]
    site.pages["/news/4"] = whole = story_page("تقرير خاص: شبكات تهريب الوقود عبر الحدود", STORY)
    site.pages["/news/5"] = story_page("مجلس النواب يناقش قانون الانتخابات", STORY[::-1])
    outputs = [recrawl(root, *urls).stdout]
    site.pages["/news/4"] = story_page("تقرير خاص: شبكات تهريب الوقود عبر الحدود", [
        STORY[0], "هذا المحتوى متاح للمشتركين فقط. اشترك الآن لمتابعة قراءة التقرير كاملا."])
    site.pages["/news/5"] = story_page("مجلس النواب يناقش قانون الانتخابات", [
        STORY[2], "تصحيح: حذفت فقرتان من نسخة سابقة من هذا الخبر لعدم دقتهما."])
    outputs.append(recrawl(root, *urls).stdout)
    site.pages["/news/4"] = whole
    outputs.append(recrawl(root, *urls).stdout)
    yield site, root, outputs
    site.server.shutdown()


def test_a_subscribers_only_box_is_no_new_version(walled) -> None:
    site, root, outputs = walled
    assert all(out.count("\n") >= 2 for out in outputs), outputs
    first, boxed, back = ({line.split()[0]: line for line in out.splitlines() if line.startswith("http")}
                          for out in outputs)
    assert "new article" in first[f"{site.base}/news/4"], outputs[0]
    # before stop 40: "new version 2" (the box as the story's text and text file), then "new version 3" (the story)
    assert "a subscription wall in the place of the story" in boxed[f"{site.base}/news/4"], outputs[1]
    assert "unchanged (no new version)" in back[f"{site.base}/news/4"], outputs[2]
    # a correction that cuts the story is a new version, as before
    assert "new version 2 (changed: text)" in boxed[f"{site.base}/news/5"], outputs[1]
    found = {r["url"]: r for r in rows(root / "data", "select url, versions, text, text_file from articles")}
    walled_row = found[f"{site.base}/news/4"]
    assert walled_row["versions"] == 1 and "للمشتركين" not in walled_row["text"]
    assert "للمشتركين" not in (root / "data" / walled_row["text_file"]).read_text("utf-8")
    failures = rows(root / "data", "select url, reason, capture_id from failures")
    assert [(f["url"], f["reason"]) for f in failures] == [(f"{site.base}/news/4", "paywall")], failures
    assert failures[0]["capture_id"]  # the walled page is archived and cited
