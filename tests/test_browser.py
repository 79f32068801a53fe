"""`newsarchive serve` in real headless Chromium: ranked Arabic search, the articles view, article pages, charts, mentions.

Needs the Debian packages ``chromium`` (and ``chromium-driver`` for selenium users) and ``pip install playwright``;
never ``playwright install``. Skips with a message when either is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from test_crawler_serve import DELETED_KEY, EDITED_KEY, add_events_table, build_sample_catalogue

CHROMIUM = os.environ.get("NEWSARCHIVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parent.parent

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium chromium-driver",
                allow_module_level=True)


def _serve_command() -> list[str]:
    exe = shutil.which("newsarchive")
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys; from crawler.cli.main import cli; sys.exit(cli())"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`newsarchive serve --port 0` as a real subprocess over a sample catalogue; yields its URLs and the ids."""
    data_dir = tmp_path_factory.mktemp("data")
    built = build_sample_catalogue(data_dir)
    add_events_table(data_dir, built["ids"][DELETED_KEY])
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([*_serve_command(), "serve", "--data", str(data_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(urls) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = re.match(r"^(catalogue|replay):\s+(http://\S+?)/?$", line.strip())
        if found:
            urls[found.group(1)] = found.group(2)
    if len(urls) < 2:
        proc.kill()
        pytest.fail(f"newsarchive serve did not start: {proc.stdout.read()}")
    _wait_http(urls["catalogue"] + "/-/versions.json", deadline)
    yield {"data_dir": data_dir, "proc": proc, **urls, **built}
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_http(url: str, deadline: float) -> None:
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg = context.new_page()
    pg.requests = requests
    yield pg
    context.close()
    # nothing may load from the internet: every request went to the loopback servers
    assert all(urlsplit(u).hostname in ("127.0.0.1", None) or u.startswith(("data:", "about:")) for u in requests), \
        requests


def _shot(page: Any, tmp_path: Path, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under the test's tmp folder (and under $NEWSARCHIVE_SCREENSHOTS when set)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    keep = os.environ.get("NEWSARCHIVE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def test_search_with_a_clitic_and_no_hamza(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/catalogue/articles")
    page.fill("#_search", "والامم المتحده")  # typed the lazy way: clitic و, no hamza, ه for ة
    page.press("#_search", "Enter")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/search"  # the table's search box leads to the ranked results
    assert page.input_value("#q") == "والامم المتحده"
    titles = page.locator("a.na-hit-title")
    texts = titles.all_inner_texts()
    assert "الأمم المتحدة تدعو إلى هدنة إنسانية في طرابلس مع دخول المعارك شهرها الخامس" in texts
    # exactly the articles whose text says الأمم المتحدة (checked by hand against the demo articles)
    hrefs = {h.rsplit("/", 1)[1] for h in titles.evaluate_all("els => els.map(e => e.getAttribute('href'))")}
    assert hrefs == {server["ids"][k] for k in ("feed-un-truce", "sitemap-displaced", "sitemap-sudan", "legacy-001",
                                                 "legacy-academy")}
    assert titles.first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    snippet = page.locator(".na-hit-snippet").first
    assert snippet.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert snippet.evaluate("el => getComputedStyle(el).textAlign") in ("right", "start")


def test_search_ranks_and_highlights_on_the_first_screen(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/")
    page.fill("#q", "بالوطيه")  # the article writes الوطية
    page.press("#q", "Enter")
    page.wait_for_load_state()
    _shot(page, tmp_path, "reading-room-search", full_page=False)
    hits = page.locator("li.na-hit")
    assert hits.first.get_attribute("data-id") == server["ids"]["legacy-watiya"]  # best match first
    marks = hits.first.locator("mark")
    assert marks.count() >= 2 and set(marks.all_inner_texts()) == {"الوطية"}
    background = marks.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # a visible highlight
    # the first screen shows results, and the counts per outlet and month beside them
    assert hits.first.bounding_box()["y"] + 60 < 900
    assert page.locator("#per-outlet li").count() >= 1 and page.locator("#per-month li").count() >= 1
    # a query with many hits comes back in bm25 order: the score each hit carries falls down the list
    page.goto(server["catalogue"] + "/search?q=" + quote("طرابلس"))
    ranks = [float(r) for r in page.locator("li.na-hit").evaluate_all("els => els.map(e => e.dataset.rank)")]
    assert len(ranks) >= 3 and ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]


def test_search_filters_and_export_links(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/search?q=" + quote("طرابلس"))
    total = int(page.inner_text("#search-total"))
    page.select_option("#f-outlet", "old-portal-demo")
    page.check("#f-relevant")
    page.click("#search-form button[type=submit]")
    page.wait_for_load_state()
    filtered = int(page.inner_text("#search-total"))
    assert 0 < filtered < total
    assert set(page.locator(".na-hit .na-outlet").all_inner_texts()) == {"old-portal-demo"}
    ids = page.locator("li.na-hit").evaluate_all("els => els.map(e => e.dataset.id)")
    csv_bytes = page.request.get(server["catalogue"] + page.get_attribute("#export-csv", "href")).body()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # a BOM, as `newsarchive export --format csv` writes
    csv_text = csv_bytes.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("id,title,outlet,published")
    assert [line.split(",", 1)[0] for line in csv_text.splitlines()[1:] if line[:16].isalnum()] == ids
    rows = page.request.get(server["catalogue"] + page.get_attribute("#export-json", "href")).json()
    assert [r["id"] for r in rows] == ids and all(r["outlet"] == "old-portal-demo" for r in rows)
    assert "--outlet old-portal-demo" in page.inner_text("#export-command")


def test_articles_view_reads(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/")
    page.click("#articles-link")
    page.wait_for_load_state()
    _shot(page, tmp_path, "articles-view", full_page=False)
    headers = page.locator("table.rows-and-columns th").evaluate_all(
        "els => els.map(e => e.dataset.column)")
    assert headers[:5] == ["title", "outlet", "published", "relevance", "excerpt"]
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == len(server["ids"])
    assert rows.first.bounding_box()["y"] < 900  # the first screen shows rows, not descriptions
    heights = rows.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 300
    assert not page.locator("dl.column-descriptions").is_visible()  # one click away
    page.click("#column-descriptions summary")
    assert page.locator("dl.column-descriptions").is_visible()
    chip = page.locator(".na-chip").first
    assert chip.evaluate("el => el.getBoundingClientRect().height") < 40
    url = page.locator("a.na-url").first
    assert url.evaluate("el => el.getBoundingClientRect().width") < 400


def test_articles_table_rows_never_exceed_a_screen(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/catalogue/articles?_sort=id")
    _shot(page, tmp_path, "articles-table")
    heights = page.locator("table.rows-and-columns tbody tr").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) == len(server["ids"]) and max(heights) < 900 / 3


def test_right_to_left_byline_date_reads_as_written(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/article/" + server["ids"]["feed-un-truce"])
    date_text = page.inner_text("#byline-date")
    assert date_text.startswith("2019-08-09T")
    # where the glyphs land: the year is left of the day and of the time zone, as written (not "09T...-08-2019")
    xs = page.evaluate("""() => {
        const node = document.getElementById('byline-date').firstChild;
        const at = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                            return r.getBoundingClientRect().x; };
        return [at(0), at(8), at(node.length - 1)];
    }""")
    assert xs[0] < xs[1] < xs[2]
    assert page.locator("#article").evaluate("el => getComputedStyle(el).direction") == "rtl"


def test_mentions_chart(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/mentions?term=" + quote("طرابلس"))
    _shot(page, tmp_path, "reading-room-mentions", full_page=False)
    lines = page.locator("#chart-mentions polyline.na-line")
    import sqlite3

    conn = sqlite3.connect(server["data_dir"] / "catalogue.db")
    expected = dict(conn.execute("select outlet, count(*) from mentions where term = 'طرابلس' group by outlet"))
    conn.close()
    assert lines.count() == len(expected) == 3
    totals = lines.evaluate_all("els => els.map(e => [e.dataset.outlet, +e.dataset.total])")
    assert dict(totals) == expected
    # each line is drawn: a visible stroke, as wide as the plot
    assert lines.first.evaluate("el => el.getBoundingClientRect().width") > 300
    assert lines.first.evaluate("el => getComputedStyle(el).stroke") != "none"
    box = page.locator("#chart-mentions").bounding_box()
    assert box["width"] > 400 and box["height"] > 150
    # every axis label is drawn inside the chart
    inside = page.locator("#chart-mentions").evaluate("""svg => [...svg.querySelectorAll('text.na-axis')]
        .every(t => { const b = t.getBBox(); return b.x >= 0 && b.x + b.width <= svg.viewBox.baseVal.width; })""")
    assert inside
    page.click("#compare-link")
    page.wait_for_load_state()
    assert "mentions_by_outlet" in page.url and page.locator("table.rows-and-columns tbody tr").count() == 3


def test_article_page_with_history_and_provenance(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/search?q=" + quote("بالمسماري"))
    page.locator("a.na-hit-title", has_text="(محدث)").click()
    page.wait_for_load_state()
    assert page.url.endswith("/article/" + server["ids"][EDITED_KEY])
    _shot(page, tmp_path, "article")
    article = page.locator("#article")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert article.evaluate("el => getComputedStyle(el).textAlign") in ("right", "start")
    assert "(محدث)" in page.inner_text("#article-title")
    assert page.locator(".na-diff ins").count() >= 2
    assert "مقتل ثلاثة عناصر" in page.inner_text("#version-2 .na-diff")
    prov = page.locator("#provenance")
    assert prov.locator(".na-warc-file").inner_text().startswith("warc/")
    assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", prov.locator(".na-record-id").inner_text())
    assert prov.locator(".na-digest").inner_text().startswith("sha1:")
    replay = prov.locator("a.na-replay").get_attribute("href")
    assert replay.startswith(server["replay"] + "/capture/")
    assert urlsplit(replay).port != urlsplit(server["catalogue"]).port  # another origin
    download = prov.locator("a.na-download").get_attribute("href")
    with page.expect_download() as info:
        prov.locator("a.na-download").click()
    saved = tmp_path / "record.warc.gz"
    info.value.save_as(saved)
    import gzip

    assert gzip.decompress(saved.read_bytes()).startswith(b"WARC/1.1")
    assert download.startswith("/warc-record/")


def test_replayed_capture_runs_no_script(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["replay"] + "/capture/" + str(server["captures"]["legacy-watiya"]))
    _shot(page, tmp_path, "replay")
    assert "قاعدة الوطية" in page.inner_text("h1")
    assert page.title() != "script ran"  # the archived page's inline script was blocked by the sandbox CSP


def test_deleted_article_shows_its_events(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/article/" + server["ids"][DELETED_KEY])
    _shot(page, tmp_path, "deleted")
    assert page.inner_text("#article-status") == "deleted"
    assert "the page answered 404" in page.inner_text("#events")


def test_charts(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["catalogue"] + "/charts")
    _shot(page, tmp_path, "charts")
    bars = page.locator("#chart-articles-per-day rect.na-bar")
    assert bars.count() >= 5
    outlets = set(bars.evaluate_all("els => els.map(e => e.dataset.outlet)"))
    assert outlets == {"alwasat-demo", "libya-news-demo", "old-portal-demo"}
    total = sum(int(n) for n in bars.evaluate_all("els => els.map(e => e.dataset.count)"))
    assert total == len(server["ids"])
    box = page.locator("#chart-articles-per-day").bounding_box()
    assert box["width"] > 400 and box["height"] > 150
    assert page.locator("#chart-crawl-health g.na-health").count() == 3
    unit = page.locator("#chart-articles-per-day").get_attribute("data-unit")
    assert page.inner_text("#per-day-title").startswith(f"Articles per {unit} per outlet")
    inside = page.locator("#chart-articles-per-day").evaluate("""svg => [...svg.querySelectorAll('text.na-axis')]
        .every(t => { const b = t.getBBox(); return b.x >= 0 && b.x + b.width <= svg.viewBox.baseVal.width; })""")
    assert inside  # the last label is not cut


def test_latin_runs_read_as_written_inside_arabic_text(page: Any, server: dict[str, Any]) -> None:
    """Each Latin run inside right-to-left text is one isolate (``cells.isolate``), so Chromium draws it as written:
    "Reuters (AP)", not "(AP) Reuters" (a probe's finding, stop 36). Measured where the glyphs land."""
    from crawler.web.cells import isolate

    cases = [("Reuters (AP)", "Reuters", "AP"),  # a byline alone in the right-to-left article
             ("المتحدث باسم Libyan National Army (LNA): لا هدنة", "Libyan National Army", "LNA"),
             ("=SUM(A1:A9) قالت مصادر إن الهدنة هشة", "SUM", "A1:A9"),
             ('قال "Hello world" أمس', "Hello", "world")]
    body = "".join(f'<p id="c{i}">{isolate(text)}</p>' for i, (text, _, _) in enumerate(cases))
    page.set_content(f'<html lang="ar" dir="rtl"><body style="font-size:20px">{body}</body></html>')
    xs = page.evaluate("""(words) => words.map(([i, a, b]) => {
        const el = document.getElementById('c' + i), at = {};
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n; (n = walker.nextNode());) for (const w of [a, b]) { const k = n.data.indexOf(w);
            if (k >= 0 && !(w in at)) { const r = document.createRange(); r.setStart(n, k); r.setEnd(n, k + w.length);
                                        at[w] = r.getBoundingClientRect().left; } }
        return [at[a], at[b]]; })""", [[i, a, b] for i, (_, a, b) in enumerate(cases)])
    for (text, a, b), (xa, xb) in zip(cases, xs, strict=True):
        assert xa < xb, f"{text!r}: {b!r} drawn left of {a!r}"
