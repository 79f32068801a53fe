"""The throughput benchmark's mirror, server and meter stay valid: pages our extraction reads, feeds, sitemaps, seeds."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from archive.records import ExtractedArticle
from benchmarks.throughput.measure import by_role, role, run_measured
from benchmarks.throughput.mirror import OUTLETS, generate
from benchmarks.throughput.serve import free_port, serve
from crawler.config.outlets import load_outlets
from crawler.discovery.parsers import parse_feed, parse_sitemap
from crawler.extraction.article import extract_article

CHROME = ("الأكثر قراءة", "التعليقات", "نستخدم ملفات تعريف الارتباط", "النشرة البريدية", "أخبار ذات صلة",
          "جميع الحقوق محفوظة", "اقرأ أيضا")


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory):
    """A small mirror: 12 pages, four per outlet."""
    return generate(tmp_path_factory.mktemp("mirror"), 12, 8080)


def test_pages_are_real_world_sized_and_extract_to_their_body(mirror) -> None:
    assert len(mirror.pages) == 12
    assert {p.outlet for p in mirror.pages} == {o.name for o in OUTLETS}
    assert len({p.title for p in mirror.pages}) >= 10  # recombined, not one article twelve times
    for page in mirror.pages:
        data = (mirror.root / page.file).read_bytes()
        assert 50_000 <= len(data) <= 152_000, page.url
        result = extract_article(data, page.url)
        assert isinstance(result, ExtractedArticle), (page.url, result)
        assert result.title == page.title
        assert "الرسالة رقم" in result.text  # the sentence unique to each page is in the body
        assert len(result.text) >= 500
        for chrome in CHROME:
            assert chrome not in result.text, (page.url, chrome)


def test_feeds_and_sitemaps_list_every_page_of_their_outlet(mirror) -> None:
    for outlet in OUTLETS:
        urls = {p.url for p in mirror.pages if p.outlet == outlet.name}
        root = mirror.docroot(outlet)
        feed = parse_feed((root / "feed.xml").read_bytes(), mirror.base(outlet) + "/feed.xml")
        assert {link.url for link in feed} == urls
        index = parse_sitemap((root / "sitemap.xml").read_bytes(), mirror.base(outlet) + "/sitemap.xml")
        assert index.is_index and index.links
        listed = set()
        for child in index.links:
            path = child.url.removeprefix(mirror.base(outlet) + "/")
            doc = parse_sitemap((root / path).read_bytes(), child.url)
            assert not doc.is_index and all(link.published for link in doc.links)
            listed |= {link.url for link in doc.links}
        assert listed == urls
        assert (root / "robots.txt").read_text().startswith("User-agent: *")


def test_seeds_load_and_match_every_article_url(mirror) -> None:
    outlets = {o.name: o for o in load_outlets(mirror.seeds)}
    assert set(outlets) == {o.name for o in OUTLETS}
    for page in mirror.pages:
        outlet = outlets[page.outlet]
        assert outlet.download_delay == 0 and outlet.concurrency == 32
        assert outlet.is_article(page.url), page.url
    assert mirror.urls.read_text().split() == [p.url for p in mirror.pages]


def test_python_fallback_server_serves_pages_and_feeds(mirror) -> None:
    port = free_port()
    generated = generate(mirror.root.parent / "served", 3, port)
    with serve(generated.root, port, 1, prefer="python") as server:
        assert server.kind == "python"
        for page in generated.pages:  # one per outlet: a directory index, an extension-less path, an .html file
            with urllib.request.urlopen(page.url, timeout=10) as response:
                assert response.headers["Content-Type"].startswith("text/html")
                assert response.read() == (generated.root / page.file).read_bytes()
        with urllib.request.urlopen(generated.base(OUTLETS[0]) + "/feed.xml", timeout=10) as response:
            assert b"<rss" in response.read()


def test_meter_counts_the_whole_process_tree(tmp_path: Path) -> None:
    # A parent that starts a child writing 3 MB with fsync, then burns CPU itself: both must be counted.
    target = str(tmp_path / "x")
    child = f"import os; f = open({target!r}, 'wb'); f.write(b'x' * 3_000_000); f.flush(); os.fsync(f.fileno())"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True); sum(range(10**7))"
    run = run_measured([sys.executable, "-c", parent], cwd=tmp_path, log=tmp_path / "log")
    assert run.returncode == 0
    assert run.written >= 3_000_000
    assert run.cpu_tree > run.cpu_own > 0.05
    assert run.peak_rss_tree >= run.peak_rss_own > 0


def test_meter_tells_the_crawls_processes_apart() -> None:
    # what the crawl's tree holds: its writer (python -m crawler.capture.child) and pool workers (multiprocessing)
    cmds = {"writer": "print('ready', flush=True)  # crawler.capture.child\nimport time; time.sleep(30)",
            "workers": "print('ready', flush=True)  # multiprocessing.spawn\nimport time; time.sleep(30)"}
    procs = {kind: subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
             for kind, code in cmds.items()}
    try:
        assert all(p.stdout.readline() == "ready\n" for p in procs.values())  # each is running Python now
        me = os.getpid()
        roles = by_role([me, *(p.pid for p in procs.values())], me)
        assert set(roles) == {"crawl", "writer", "workers"}
        assert all(value > 1 << 20 for value in roles.values())
        assert role(procs["writer"].pid, me) == "writer" and role(me, me) == "crawl"
    finally:
        for p in procs.values():
            p.kill()
            p.wait()
            p.stdout.close()
