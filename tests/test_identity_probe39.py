"""One article, one row, probe I2 (stop 39): a rel=canonical is a row's URL only where its outlet would fetch it as an
article and it answers; a row whose URL died while the article answers at another URL it was fetched under keeps
the live one; an edit that moves a story to a new slug leaves one row.

Real crawls and re-crawls by the CLI of one loopback site (two outlets on one host), the catalogue read back.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import cli, crawl_cli, reply, rows

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("أعلن المجلس الرئاسي في طرابلس اليوم عن خطة جديدة لتوحيد المؤسسات العسكرية بعد اجتماع مطول مع ممثلين "
         "الأطراف الليبية بنغازي ومصراتة وسط ترحيب دولي واسع").split()
CORRECTION = "<p>تصحيح: عدلت الصحيفة هذا الخبر بعد نشره وأضافت أن الاجتماع تأجل إلى موعد لاحق لم يحدد بعد.</p>"
UPDATE = "<p>تحديث: قرر المجلس الرئاسي تأجيل الاجتماع إلى الأسبوع المقبل بعد طلب من الأطراف لمزيد من المشاورات.</p>"


def page(n: int, canonical: str | None = None, title: str | None = None, extra: str = "") -> str:
    """An article page: its own title and four paragraphs of its own (seeded by ``n``), dated today."""
    r = random.Random(n)
    title = title or f"تقرير رقم {n} عن الأوضاع في ليبيا والمجلس الرئاسي"
    paras = "".join(f"<p>الخبر رقم {n} الفقرة {i}: {' '.join(r.choice(WORDS) for _ in range(28))}.</p>"
                    for i in range(4))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="article:published_time" content="{datetime.now(UTC).date()}T10:00:00Z"></head>'
            f"<body><article><h1>{title}</h1>{paras}{extra}</article></body></html>")


def listing(links: list[str], lead: str = "") -> str:
    items = "".join(f'<li><a href="{u}">خبر {i}</a></li>' for i, u in enumerate(links))
    return f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>الرئيسية</title></head><body>{lead}<ul>{items}</ul></body></html>'


class Site:
    """Two outlets on one host (alpha: /news/, gamma: /wire/) and an alpha-like copy for a catalogue without aliases
    (/dup/); ``state`` 1 before, 2 after the site changed."""

    def __init__(self) -> None:
        self.state = 1
        self.dup_gone = False  # /dup/291 answers 404 (beta's own switch: its crawls run beside alpha's)
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(self.path)
                found = site.routes().get(self.path)
                if found is None:
                    return reply(self, 404, "text/html", b"<html><body>not found</body></html>")
                code, payload = found
                if code == 301:
                    self.send_response(301)
                    self.send_header("Location", payload)
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                return reply(self, 200, "text/html; charset=utf-8", payload.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def routes(self) -> dict[str, tuple[int, str]]:
        b, two = self.base, self.state == 2
        v2 = page(260, title="تقرير رقم 260 محدث: المجلس الرئاسي يؤجل الاجتماع", extra=UPDATE)
        r = {
            "/": (200, listing(["/news/120", "/news/190", "/news/171", "/news/230", "/news/231"]
                               + (["/news/125", "/news/180-moved", "/news/260/new-title"] if two
                                  else ["/news/124", "/news/180", "/news/260/old-title"]))),
            "/wire-index": (200, listing(["/wire/125"])),
            "/news/120": (200, page(120, canonical=f"{b}/news/120-gone")),  # its canonical: a 404
            "/news/124": (200, page(124)),
            "/news/125": (200, page(125)),
            "/wire/125": (200, page(125, canonical=f"{b}/news/125")),  # gamma's copy names alpha's article
            "/news/190": (200, page(190, canonical=f"{b}/section/politics")),  # a listing page
            "/section/politics": (200, listing([f"/news/{n}" for n in range(300 + self.state, 306)],
                                               "<h1>سياسة</h1><p>آخر الأخبار السياسية من ليبيا</p>")),
            "/news/171": (200, page(171, canonical="/print/171")),  # alpha's deny_urls
            "/print/171": (200, page(171, extra="<p>طبع من موقع الخبر</p>")),
            "/news/230": (200, page(230, canonical=f"{b}/news/230old", extra=CORRECTION if two else "")),
            "/news/230old": (301, "/news/231"),  # its canonical redirects to another article
            "/news/231": (200, page(231)),
            "/news/260/old-title": (200, v2 if two else page(260)),
            "/dup/": (200, listing(["/dup/291", "/dup/291?v=20240101"])),
            "/dup/291?v=20240101": (200, page(291)),
        }
        if two:  # moved without a redirect; a new slug after an edit, the old one answering the new text
            r |= {"/news/180-moved": (200, page(180)), "/news/260/new-title": (200, v2)}
        else:
            r |= {"/news/180": (200, page(180))}
        if not self.dup_gone:
            r["/dup/291"] = (200, page(291))
        return r


def seeds(base: str, *outlets: str) -> str:
    config = {
        "alpha": f'start_urls = ["{base}/"]\narticle_urls = [\'/news/\\d+\']\ndeny_urls = [\'/print/\']',
        "gamma": f'start_urls = ["{base}/wire-index"]\narticle_urls = [\'/wire/\\d+\']',
        "beta": f'start_urls = ["{base}/dup/"]\narticle_urls = [\'/dup/\\d+\']',
    }
    return "".join(f'[[outlet]]\nname = "{o}"\n{config[o]}\ntopic_filter = false\ndownload_delay = 0\n\n'
                   for o in outlets)


def recrawl(config: Path, data: Path, *urls: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", *urls, "--seeds", str(config), "--data",
           str(data), "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "EXTRACT_WORKERS=1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Crawl 1 (state 1), crawl 2 and a re-check of every alpha row (state 2) into one data folder; beside it, a
    catalogue crawled without aliases (state 1), re-checked (state 2) and deduplicated."""
    tmp = tmp_path_factory.mktemp("probe39")
    s = Site()
    (tmp / "seeds.toml").write_text(seeds(s.base, "alpha", "gamma"), encoding="utf-8")
    (tmp / "beta.toml").write_text(seeds(s.base, "beta"), encoding="utf-8")
    out: dict = {"site": s, "data": tmp / "data", "off": tmp / "off"}

    def without_aliases() -> list[subprocess.CompletedProcess[str]]:
        crawled = crawl_cli(tmp / "beta.toml", out["off"], "-s", "ARCHIVE_ALIASES=False", timeout=120)
        s.dup_gone = True
        return [crawled, recrawl(tmp / "beta.toml", out["off"], f"{s.base}/dup/291"), cli("dedupe", "--data",
                                                                                         str(out["off"]))]

    with ThreadPoolExecutor(1) as pool:
        off = pool.submit(without_aliases)
        runs = [crawl_cli(tmp / "seeds.toml", out["data"], timeout=120)]
        out["after_crawl1"] = rows(out["data"], "select outlet, url, title from articles order by url")
        out["aliases1"] = rows(out["data"], "select url, how from article_aliases")
        s.state = 2
        runs.append(crawl_cli(tmp / "seeds.toml", out["data"], timeout=120))
        out["before_watch"] = rows(out["data"], "select url, seq from articles where outlet = 'alpha' order by seq")
        out["watch"] = recrawl(tmp / "seeds.toml", out["data"], *(r["url"] for r in out["before_watch"]))
        out["off_crawl"], out["off_watch"], out["dedupe"] = off.result()
    out["runs"] = [*runs, out["watch"], out["off_crawl"], out["off_watch"], out["dedupe"]]
    yield out
    s.server.shutdown()


def row_of(data: Path, path: str, site: Site) -> dict | None:
    found = rows(data, "select * from articles where url = ?", (site.base + path,))
    return found[0] if found else None


def test_runs(site: dict) -> None:
    for proc in site["runs"]:
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr[-3000:]


def test_a_canonical_naming_another_outlets_article_is_not_taken(site: dict) -> None:
    # gamma's /wire/125 took alpha's /news/125 as its row's URL; alpha's own link to it was then settled
    # known-article and never fetched
    s, data = site["site"], site["data"]
    assert {"outlet": "gamma", "url": s.base + "/wire/125", "title": "تقرير رقم 125 عن الأوضاع في ليبيا والمجلس الرئاسي"} \
        in site["after_crawl1"]
    assert (row_of(data, "/news/125", s) or {}).get("outlet") == "alpha"
    assert rows(data, "select * from article_aliases where url = ?", (s.base + "/news/125",)) == []


def test_a_canonical_naming_a_listing_or_a_denied_url_is_not_taken(site: dict) -> None:
    # the row took the section page's URL and the watch stored the listing as the article ("الرئيسية");
    # a canonical matching deny_urls became the row's URL and the watch fetched it
    s, data = site["site"], site["data"]
    urls = {r["url"] for r in site["after_crawl1"]}
    assert {s.base + "/news/190", s.base + "/news/171"} <= urls
    assert not {s.base + "/section/politics", s.base + "/print/171"} & urls
    assert not {s.base + "/section/politics", s.base + "/print/171"} & {a["url"] for a in site["aliases1"]}
    assert row_of(data, "/news/190", s)["title"].startswith("تقرير رقم 190")
    assert "/print/171" not in s.requests and "/section/politics" not in s.requests


def test_a_dead_canonical_is_not_recorded_deleted(site: dict) -> None:
    # the row took /news/120-gone (a 404) and the watch recorded the live article deleted
    s, data = site["site"], site["data"]
    row = row_of(data, "/news/120", s)
    assert row is not None and row["status"] == "live", rows(data, "select url, status from articles")
    events = rows(data, "select kind, url from article_events where article_id = ?", (row["id"],))
    assert events == [{"kind": "moved", "url": s.base + "/news/120"}]
    # and the watch's report says so (it said "gone (already recorded as deleted)")
    line = next(ln for ln in site["watch"].stdout.splitlines() if "/news/120-gone" in ln)
    assert "moved: the article answers at another of its URLs" in line and "deleted" not in line, line


def test_a_moved_article_takes_its_live_url(site: dict) -> None:
    # old URL 404, the same body at a new URL (no redirect): the row stayed under the dead URL, recorded deleted
    s, data = site["site"], site["data"]
    row = row_of(data, "/news/180-moved", s)
    assert row is not None and row["status"] == "live" and row_of(data, "/news/180", s) is None
    assert "deleted" not in {e["kind"] for e in rows(data, "select kind from article_events where article_id = ?",
                                                         (row["id"],))}
    assert rows(data, "select how from article_aliases where url = ?", (s.base + "/news/180",))


def test_a_canonical_redirecting_to_another_article_does_not_lose_edits(site: dict) -> None:
    # the row took /news/230old (301 to /news/231); the watch followed it to 231, "unchanged", and never
    # fetched /news/230 again: its correction was lost
    s, data = site["site"], site["data"]
    row = row_of(data, "/news/230", s)
    assert row is not None and row["versions"] == 2 and "تصحيح" in row["text"], site["watch"].stdout
    assert row_of(data, "/news/231", s)["title"].startswith("تقرير رقم 231")
    assert row_of(data, "/news/230old", s) is None


def test_an_edit_with_a_new_slug_leaves_one_row(site: dict) -> None:
    # the old URL recorded "new version 2" with exactly the new row's text: two rows until a manual dedupe
    s, data = site["site"], site["data"]
    found = rows(data, "select * from articles where url like ?", (s.base + "/news/260/%",))
    assert len(found) == 1, [(r["url"], r["versions"]) for r in found]
    [row] = found
    assert row["versions"] == 2 and row["title"].endswith("يؤجل الاجتماع")
    before = [r["seq"] for r in site["before_watch"] if "/news/260/" in r["url"]]
    assert len(before) == 2 and row["seq"] == min(before), site["before_watch"]
    assert (data / row["text_file"]).exists() and len(list((data / "text").glob(f"*_{row['id']}.txt"))) == 1
    other = "/news/260/old-title" if row["url"].endswith("new-title") else "/news/260/new-title"
    assert rows(data, "select article_id from article_aliases where url = ?", (s.base + other,)) == [
        {"article_id": row["id"]}]


def test_dedupe_keeps_the_url_that_answers(site: dict) -> None:
    # of two rows of one body, the cleaner URL was kept though it answered 404: the next watch recorded it deleted
    s, off = site["site"], site["off"]
    assert "deleted" in site["off_watch"].stdout, site["off_watch"].stdout
    found = rows(off, "select url, seq from articles")
    assert found == [{"url": s.base + "/dup/291?v=20240101", "seq": 0}], site["dedupe"].stdout


def test_an_outlets_deny_urls_are_asked_in_every_spelling() -> None:
    from crawler.config.outlets import Outlet

    outlet = Outlet(name="o", start_urls=("http://o.example/",), deny_urls=("/print/", "/طباعة/"))
    assert outlet.is_denied("http://o.example/print/171")
    assert outlet.is_denied("http://o.example/%D8%B7%D8%A8%D8%A7%D8%B9%D8%A9/3")  # the escaped spelling of a raw one
    assert not outlet.is_denied("http://o.example/news/171")
    assert not Outlet(name="p", start_urls=("http://p.example/",)).is_denied("http://p.example/print/1")
