"""Reading-room faults stop 40's third probe found (a researcher searching, reading and taking data away), through
a real Datasette with the plugin (its in-process client) over a catalogue the project's own writer built, the
search page's export command run by the real CLI, and the mentions page read in Chromium."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from archive.catalogue import mentions
from archive.catalogue.db import Catalogue, article_id
from archive.records import ExtractedArticle, Relevance
from crawler.cli.main import cli
from crawler.web.app import build_datasette

PARA = "قالت مصادر في طرابلس إن اشتباكات اندلعت قرب مطار معيتيقة بين قوات حكومة الوفاق والجيش الوطني الليبي."
# (slug, outlet, published, relevant, language): dates either side of each bound of the filters the test uses
ARTICLES = [
    ("a-june", "north", "2019-06-30T23:30:00+02:00", True, "ar"),
    ("b-july", "north", "2019-07-01", True, "ar"),
    ("c-aug", "north", "2019-08-15T10:00:00+02:00", True, "ar"),
    ("d-aug-other", "south", "2019-08-20", True, "ar"),
    ("e-aug-irrelevant", "north", "2019-08-21", False, "ar"),
    ("f-aug-english", "north", "2019-08-22", True, "en"),
    ("g-end-dec", "north", "2019-12-31T23:00:00+02:00", True, "ar"),
    ("h-jan", "north", "2020-01-01", True, "ar"),
]
# the lexicon's spelling, as the mentions table stores it (mentions are the relevance evidence)
TERMS = (("مصراتة", "libya_place", 3.0, 2), ("الجيش الوطني الليبي", "libya_armed", 3.0, 1))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder: Path = tmp_path_factory.mktemp("probe40c") / "room-data"
    folder.mkdir()
    cat = Catalogue(folder / "catalogue.db")
    cat.upsert_outlets([{"name": o, "display_name": o.title(), "language": "ar"} for o in ("north", "south")])
    for slug, outlet, published, relevant, language in ARTICLES:
        url = f"https://{outlet}.example/news/{slug}"
        art = ExtractedArticle(url=url, title=f"طرابلس {slug}", paragraphs=(PARA,), published=published,
                               language=language)
        _, row = cat.save_article(outlet=outlet, canonical_url=url, article=art,
                                  relevance=Relevance(relevant, 5.0, 3.0, 2.0, TERMS), capture_id=None,
                                  fetched_at="2026-01-01T10:00:00+00:00")
        mentions.record(cat.db, row)  # as the crawl's ingest does for a new article
    cat.close()
    return {"folder": folder, "ds": build_datasette(folder)}


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def ids(*slugs: str) -> set[str]:
    by_slug = {slug: f"https://{outlet}.example/news/{slug}" for slug, outlet, *_ in ARTICLES}
    return {article_id(by_slug[s]) for s in slugs}


# -- 1. the search page's export command takes what the page shows -------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    # a month range, as the page's filters take it: before, `--since 2019-07` was refused by export (exit 1)
    ("since=2019-07&until=2019-08&relevant=1&outlet=north&language=ar", ("b-july", "c-aug")),
    # Arabic-Indic digits and a year: before, `--since ٢٠١٩` was copied as typed and refused
    ("since=%D9%A2%D9%A0%D9%A1%D9%A9&until=2019", ("a-june", "b-july", "c-aug", "d-aug-other", "e-aug-irrelevant",
                                                   "f-aug-english", "g-end-dec")),
    # a day written with slashes, and the page's language filter: before, `--until` and `--language` were left
    # out and the command took every later article and every language
    ("since=2019/08/15&until=2019-08-20&language=ar", ("c-aug", "d-aug-other")),
    ("until=2019-12&outlet=north&relevant=1", ("a-june", "b-july", "c-aug", "f-aug-english", "g-end-dec")),
])
def test_the_export_command_takes_the_searchs_filters(built: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, query: str, expected: tuple[str, ...]) -> None:
    monkeypatch.chdir(built["folder"].parent)
    page = get(built["ds"], f"/search?q={quote('طرابلس')}&{query}")
    assert page.status_code == 200
    assert 'class="message-warning"' not in page.text
    shown = int(re.search(r'id="search-total">(\d+)', page.text).group(1))
    command = unescape(re.search(r'<code id="export-command" dir="ltr">([^<]*)</code>', page.text).group(1))
    args = command.split()[1:]
    args[args.index("--out") + 1] = str(tmp_path / "articles.csv")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (command, result.output)
    taken = set(pd.read_csv(tmp_path / "articles.csv", encoding="utf-8-sig")["id"])
    # every article has the word searched for: the export is the page's hits, no more and no fewer
    assert taken == ids(*expected), command
    assert shown == len(expected), command


def test_export_reads_a_month_or_a_year_and_refuses_what_is_no_date(built: dict[str, Any], tmp_path: Path) -> None:
    def run(*extra: str) -> Any:
        return CliRunner().invoke(cli, ["export", "--data", str(built["folder"]), "--out", str(tmp_path / "x.csv"),
                                        *extra])

    ok = run("--since", "2019-08", "--until", "2019-08", "--language", "en")
    assert ok.exit_code == 0, ok.output
    assert set(pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig")["id"]) == ids("f-aug-english")
    card = (tmp_path / "x.csv.datacard.md").read_text()
    assert "on or before 2019-08, included" in card and "language en" in card
    for bad in (["--until", "2019-13"], ["--since", "2019-02-30"], ["--until", "last week"],
                ["--until", "2019-08-01T10:00"]):
        refused = run(*bad)
        assert refused.exit_code == 1 and "is not a date" in refused.output, (bad, refused.output)
    wacz = CliRunner().invoke(cli, ["export", "--data", str(built["folder"]), "--out", str(tmp_path / "x.wacz"),
                                    "--until", "2019"])
    assert wacz.exit_code == 2 and "--until" in wacz.output, wacz.output


# -- 2. the mentions page reads a term as search reads it ---------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("مصراته", "مصراتة"),  # ه for ة: before, "No article names مصراته"
    ("مِصْرَاتَة", "مصراتة"),  # tashkeel
    ("الجيش الوطنى الليبى", "الجيش الوطني الليبي"),  # ى for ي
])
def test_mentions_finds_the_lexicons_spelling(built: dict[str, Any], typed: str, stored: str) -> None:
    page = get(built["ds"], f"/mentions?term={quote(typed)}").text
    assert "No article names" not in page
    assert re.search(r'id="mention-term">([^<]*)<', page).group(1) == stored
    assert 'id="term-spelling"' in page and typed in page
    assert f"?term={quote(stored)}" in page  # the compare link names the stored term
    north = re.search(r"</span>north</td><td>(\d+)</td>", page)
    assert north and int(north.group(1)) == 7, page[page.find("Outlet"):][:600]


def test_mentions_of_a_term_none_names_still_says_so(built: dict[str, Any]) -> None:
    page = get(built["ds"], f"/mentions?term={quote('بنغازي')}").text
    assert "No article names" in page and 'id="term-spelling"' not in page
    exact = get(built["ds"], f"/mentions?term={quote('مصراتة')}").text
    assert 'id="term-spelling"' not in exact and "No article names" not in exact


def test_mentions_spelling_note_in_chromium(built: dict[str, Any]) -> None:
    # the page as a person reads it: `newsarchive serve` as a real subprocess, Chromium at a phone's width
    from test_browser import CHROMIUM, CHROMIUM_FLAGS, REPO, _serve_command, _wait_http, sync_api

    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([*_serve_command(), "serve", "--data", str(built["folder"]), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
    try:
        assert proc.stdout is not None
        url = ""
        deadline = time.monotonic() + 60
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            found = re.match(r"^catalogue:\s+(http://\S+?)/?$", line.strip())
            url = found.group(1) if found else ""
        assert url, "newsarchive serve did not start"
        _wait_http(url + "/-/versions.json", deadline)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 390, "height": 800}, locale="ar")
            page.goto(f"{url}/mentions?term={quote('مصراته')}")
            heading = page.inner_text("#mention-term")
            note = page.inner_text("#term-spelling") if page.locator("#term-spelling").count() else ""
            box = page.inner_text("#mentions-per-outlet")
            fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert heading == "مصراتة"
    assert "مصراتة" in note and "مصراته" in note
    assert "No article names" not in box and "north" in box
    assert fits


# -- 3. a reversed date range is named, not an unexplained empty page ----------------------------------------------

def test_a_reversed_date_range_is_named(built: dict[str, Any]) -> None:
    page = get(built["ds"], f"/search?q={quote('طرابلس')}&since=2020&until=2019-12").text
    assert "since 2020 is after until 2019-12" in unescape(page)
    assert re.search(r'id="search-total">0<', page)
    canned = get(built["ds"], f"/catalogue/search_articles.json?q={quote('طرابلس')}&since=2019-09&until=2019-08")
    assert canned.status_code == 400 and "is after until" in canned.text
    # a range of one month, or a day inside a month, is no reversed range
    for query in ("since=2019-08&until=2019-08", "since=2019-08-15&until=2019-08", "since=2019&until=2019-08-01"):
        ok = get(built["ds"], f"/search?q={quote('طرابلس')}&{query}").text
        assert "is after until" not in ok, query
        assert int(re.search(r'id="search-total">(\d+)<', ok).group(1)) > 0, query
