"""Reading-room faults a black-box probe found (stop 36, second set), through a real Datasette with the plugin (its
in-process client): no number in a URL is a 500, the CSV taken away is written as ``newsarchive export`` writes it
(a BOM, formulas defused), and a Latin run inside Arabic text is one isolate, so it reads as written.
The same runs measured in Chromium: tests/test_browser.py::test_latin_runs_read_as_written_inside_arabic_text."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from archive.catalogue.db import Catalogue, article_id
from archive.export.corpus import export_corpus
from archive.records import ExtractedArticle, Relevance
from crawler.web.app import build_datasette
from crawler.web.cells import isolate

FORMULA_TITLE = '=HYPERLINK("http://127.0.0.1/x","اضغط") هدنة في طرابلس'
LNA_TITLE = "المتحدث باسم Libyan National Army (LNA): لا هدنة في طرابلس"
# key: (title, body, author); 25 hits of طرابلس, so two pages of 20
ARTICLES = {
    "formula": (FORMULA_TITLE, "اشتباكات في طرابلس.", "Reuters (AP)"),
    "lna": (LNA_TITLE, "=SUM(A1:A9) قالت مصادر إن الهدنة في طرابلس ما زالت هشة.", None),
    "at": ("@طرابلس: بيان", "بيان عن طرابلس.", None),
    **{f"filler-{i:02d}": (f"خبر رقم {i} من طرابلس", f"نص الخبر {i} عن طرابلس.", None) for i in range(22)},
}
BOM = b"\xef\xbb\xbf"
HUGE = ("9223372036854775807", "9223372036854775808", "461168601842738790", "99999999999999999999999999", "3",
        "9" * 5000)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = tmp_path_factory.mktemp("probe36b")
    cat = Catalogue(folder / "catalogue.db")
    cat.upsert_outlets([{"name": "probe", "display_name": "Probe", "language": "ar"}])
    for i, (key, (title, body, author)) in enumerate(ARTICLES.items()):
        url = f"https://probe.example/{key}"
        art = ExtractedArticle(url=url, title=title, paragraphs=(body,), published=f"2019-08-{i % 28 + 1:02d}",
                               author=author, language="ar")
        cat.save_article(outlet="probe", canonical_url=url, article=art, relevance=Relevance(True, 1.0, 1.0, 1.0),
                         capture_id=None, fetched_at="2026-01-01T00:00:00")
    cat.close()
    return folder


@pytest.fixture(scope="module")
def ds(data_dir: Path) -> Any:
    return build_datasette(data_dir)


def get(ds: Any, path: str) -> httpx.Response:
    return asyncio.run(ds.client.get(path))


def hits(html: str) -> list[str]:
    return re.findall(r'<li class="na-hit" data-id="([0-9a-f]{16})"', html)


# -- 1. no number in a URL is a 500 -------------------------------------------------------------------------

@pytest.mark.parametrize("page", HUGE, ids=lambda p: p[:24])
def test_a_page_past_the_last_shows_the_last_page(ds: Any, page: str) -> None:
    last = get(ds, "/search?q=" + quote("طرابلس") + "&page=2")
    response = get(ds, "/search?q=" + quote("طرابلس") + "&page=" + page)
    assert response.status_code == 200
    assert len(hits(response.text)) == 5 and hits(response.text) == hits(last.text)
    assert 'start="21"' in response.text and "page 2 of 2" in response.text
    assert 'id="next-page"' not in response.text and 'href="?q=' in response.text  # "previous" leads to page 1


def test_a_number_too_large_for_sqlite_is_a_400(ds: Any) -> None:
    # Datasette binds a numeric filter's value as an integer: one past SQLite's was an OverflowError, a 500
    page = get(ds, "/catalogue/captures?id__gt=99999999999999999999")
    assert page.status_code == 400 and "too large" in page.text and "<html" in page.text
    as_json = get(ds, "/catalogue/articles_view.json?seq__lte=99999999999999999999")
    assert as_json.status_code == 400 and as_json.json()["ok"] is False and "too large" in as_json.json()["error"]
    assert get(ds, "/catalogue/articles.csv?seq__gte=9223372036854775808").status_code == 400
    assert get(ds, "/catalogue/articles_view.json?seq__lte=9223372036854775807").status_code == 200


@pytest.mark.parametrize(("path", "status"), [
    ("/warc-record/99999999999999999999", 404),
    ("/article/99999999999999999999", 404),
    ("/catalogue/search_articles.json?q=x&page=99999999999999999999", 200),
    ("/catalogue/articles.json?_next=99999999999999999999", 200),
    ("/catalogue/articles?_size=99999999999999999999", 400),
])
def test_other_numbers_a_user_can_type(ds: Any, path: str, status: int) -> None:
    assert get(ds, path).status_code == status


# -- 2. the CSV taken away is export's CSV -------------------------------------------------------------------

def test_the_search_pages_csv_has_a_bom_and_no_live_formula(ds: Any, data_dir: Path, tmp_path: Path) -> None:
    html = get(ds, "/search?q=" + quote("طرابلس")).text
    link = unescape(re.search(r'href="([^"]+)" id="export-csv"', html).group(1))
    response = get(ds, link)
    assert response.status_code == 200 and response.content.startswith(BOM)
    assert response.content.count(BOM) == 1
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert set(rows) == {article_id(f"https://probe.example/{k}") for k in ARTICLES}
    # the very cells `newsarchive export --format csv` writes
    out = tmp_path / "corpus.csv"
    cat = Catalogue(data_dir / "catalogue.db")
    try:
        export_corpus(cat.db, out, "csv")
    finally:
        cat.close()
    assert out.read_bytes().startswith(BOM)
    exported = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    for key in ("formula", "at", "lna"):
        aid = article_id(f"https://probe.example/{key}")
        assert rows[aid]["title"] == exported[aid]["title"], key
    formula = rows[article_id("https://probe.example/formula")]
    assert formula["title"] == "'" + FORMULA_TITLE
    assert rows[article_id("https://probe.example/at")]["title"].startswith("'@")
    # numbers stay numbers: the score column is not text
    assert all(re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", r["score"]) for r in rows.values())


def test_every_catalogue_csv_is_guarded_and_streams(ds: Any) -> None:
    sql = "select -1.5 as n, 7 as i, '-x' as minus, '+1' as plus, char(9) || 'tab' as tab, " \
          "'=1' || char(10) || '\"q\"' as multi, 'plain, \"quoted\"' as plain, '' as empty, null as nul"
    response = get(ds, "/catalogue.csv?sql=" + quote(sql))
    assert response.content.startswith(BOM)
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert row == {"n": "-1.5", "i": "7", "minus": "'-x", "plus": "'+1", "tab": "'\ttab", "multi": "'=1\n\"q\"",
                   "plain": 'plain, "quoted"', "empty": "", "nul": ""}
    # a whole table streamed, row after row: one BOM, every formula defused
    streamed = get(ds, "/catalogue/articles.csv?_stream=1&_col=title&_sort=id")
    assert streamed.content.count(BOM) == 1 and streamed.content.startswith(BOM)
    titles = [r["title"] for r in csv.DictReader(io.StringIO(streamed.content.decode("utf-8-sig")))]
    assert len(titles) == len(ARTICLES) and "'" + FORMULA_TITLE in titles
    assert not [t for t in titles if t[:1] in "=+-@"]
    # the debugging view and errors are left alone
    assert not get(ds, "/catalogue/articles.csv?_trace=1&_size=1").content.startswith(BOM)
    assert get(ds, "/catalogue/nosuchtable.csv").status_code == 404


# -- 3. one isolate a Latin run ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "html"), [
    ("Reuters (AP)", '<bdi dir="ltr">Reuters (AP)</bdi>'),
    (LNA_TITLE, 'المتحدث باسم <bdi dir="ltr">Libyan National Army (LNA)</bdi>: لا هدنة في طرابلس'),
    ("قال: =SUM(A1:A9). ثم", 'قال: <bdi dir="ltr">=SUM(A1:A9)</bdi>. ثم'),
    ('هذا "Hello world" هنا', 'هذا <bdi dir="ltr">&quot;Hello world&quot;</bdi> هنا'),
    ("قالت (رويترز Reuters) إن", 'قالت (رويترز <bdi dir="ltr">Reuters</bdi>) إن'),  # never an Arabic letter
    ("وكالات BBC, CNN، وغيرها.", 'وكالات <bdi dir="ltr">BBC, CNN</bdi>، وغيرها.'),  # the sentence's comma outside
    ("في 2019-08-09T18:20:00+02:00 عن Reuters.", 'في <bdi dir="ltr">2019-08-09T18:20:00+02:00</bdi> عن '
                                                 '<bdi dir="ltr">Reuters</bdi>.'),
    ("قتل 30 شخصا", "قتل 30 شخصا"),  # a plain number reads right on its own
    ("من 20 - 30 مارس", "من 20 - 30 مارس"),  # numbers alone are split as before
    ("<script>", '&lt;<bdi dir="ltr">script</bdi>&gt;'),  # escaped, never markup
    ("(AP", '(<bdi dir="ltr">AP</bdi>'),
    ("ثم @user و #tag", 'ثم <bdi dir="ltr">@user</bdi> و <bdi dir="ltr">#tag</bdi>'),
])
def test_a_latin_run_is_one_isolate(text: str, html: str) -> None:
    assert str(isolate(text)) == html


def test_isolate_is_linear_on_hostile_text() -> None:
    import time

    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    for text in ("ا" + " ." * 100_000 + "ا", "A" + "." * 200_000, "(" * 100_000 + "A" + ")" * 100_000):
        isolate(text)
    assert time.process_time() - started < 2


def test_pages_isolate_whole_runs(ds: Any) -> None:
    article = get(ds, "/article/" + article_id("https://probe.example/formula")).text
    assert '<span class="na-author"><bdi dir="ltr">Reuters (AP)</bdi></span>' in article
    lna = get(ds, "/article/" + article_id("https://probe.example/lna")).text
    assert '<bdi dir="ltr">Libyan National Army (LNA)</bdi>' in lna and '<bdi dir="ltr">=SUM(A1:A9)</bdi>' in lna
    found = get(ds, "/search?q=" + quote("المتحدث")).text
    assert '<bdi dir="ltr">Libyan National Army (LNA)</bdi>' in found
