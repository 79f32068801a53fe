"""Extraction on real Arabic pages and the demo sites: title, date and must-contain / must-not-contain snippets.

Expectations are hand-checked in benchmarks/arabic/expected.json (see benchmarks/bench_arabic.py). Real pages are
read by path from ../shared/corpora and skipped when it is absent. Known gaps are strict xfails: when the
extractor improves, the xfail turns into a failure and the mark should be removed.
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from archive.records import ExtractedArticle
from crawler.extraction.article import extract_article

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

ROOT = Path(__file__).resolve().parent.parent
CORPORA = SHARED / "corpora"
ENTRIES = json.loads((ROOT / "benchmarks" / "arabic" / "expected.json").read_text(encoding="utf-8"))["entries"]
REAL = [e for e in ENTRIES if e["kind"] == "page"]
DEMO = [e for e in ENTRIES if e["kind"] == "demo"]
NO_CORPORA = pytest.mark.skipif(not CORPORA.exists(), reason=f"shared corpora not found at {CORPORA}")


# (page id, check, snippet or None) -> why extraction currently fails it. Checked by hand against the page HTML.
KNOWN_GAPS: dict[tuple[str, str, str | None], str] = {
    ("almasryalyoum_fragment", "contain", "حسن شحاتة يفجر مفاجأة: شيكابالا كان يتهرب من الانضمام لمنتخب مصر"):
        "a paragraph that is only a link to another article is dropped as a teaser; in this news round-up it is "
        "the heading of an item",
    ("sputnik", "contain", "أعلنت وزارة الصحة والسكان المصرية، اليوم الثلاثاء، تسجيل 30 حالة جديدة بفيروس كورونا المستجد"):
        "the lead paragraph (div.b-article__lead, outside div.b-article__text) is dropped",
    ("cnn_arabic_2013", "not", "ترحب شبكة CNN بالنقاش الحيوي والمفيد"):
        "comment-policy notice under the story (inside div.cnn_strycntntrgt) is kept",
    ("cnn_arabic_2013", "not", "الآراء الواردة أدناه لا تعبر عن رأي موقع CNN بالعربية"):
        "comment-policy notice under the story is kept as the last paragraph",
    ("cnn_arabic_2013", "date", None):
        "takes the visible 'آخر تحديث' (last update) stamp 2013-08-28 over the URL date 2013/8/3",
}


def norm(text: str | None) -> str:
    """Whitespace-normalised text."""
    return re.sub(r"\s+", " ", text or "").strip()


def _params(entries: list[dict], real: bool) -> Iterator[tuple[str, list]]:
    """pytest params per check: ('title'|'date'|'contain'|'not', [param(entry, snippet), ...])."""
    checks: dict[str, list] = {"title": [], "date": [], "contain": [], "not": []}
    for entry in entries:
        items = [("title", None), ("date", None)] if entry["date"] else [("title", None)]
        items += [("contain", s) for s in entry["must_contain"]] + [("not", s) for s in entry["must_not_contain"]]
        for check, snippet in items:
            marks = [NO_CORPORA] if real else []
            reason = KNOWN_GAPS.get((entry["id"], check, snippet))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            label = entry["id"] if snippet is None else f"{entry['id']}:{snippet[:24]}"
            checks[check].append(pytest.param(entry, snippet, marks=marks, id=label))
    yield from checks.items()


REAL_PARAMS = dict(_params(REAL, real=True))
DEMO_PARAMS = dict(_params(DEMO, real=False))


@cache
def _extract_real(page_id: str) -> ExtractedArticle:
    """Our extraction of one real page (cached: every check of a page shares one run)."""
    entry = next(e for e in REAL if e["id"] == page_id)
    data = (CORPORA / entry["source"]).read_bytes()
    raw = gzip.decompress(data) if entry["source"].endswith(".gz") else data
    result = extract_article(raw, entry["url"])
    assert isinstance(result, ExtractedArticle), f"{page_id}: {result}"
    return result


@pytest.fixture(scope="module")
def demo_articles() -> Iterator[dict[str, ExtractedArticle]]:
    """Our extraction of every demo-site article, fetched over loopback, by demo key."""
    from demo_oracle import serve_demo_sites

    with serve_demo_sites() as sites:
        found: dict[str, ExtractedArticle] = {}
        for expected in sites.expected:
            with urllib.request.urlopen(expected.canonical_url, timeout=10) as response:
                result = extract_article(response.read(), expected.canonical_url)
            assert isinstance(result, ExtractedArticle), f"{expected.key}: {result}"
            found[expected.key] = result
        yield found


def _check(entry: dict, article: ExtractedArticle, check: str, snippet: str | None) -> None:
    """Assert one expectation of ``entry`` on ``article``."""
    body = norm(" ".join(article.paragraphs))
    if check == "title":
        assert norm(article.title) == norm(entry["title"])
    elif check == "date":
        assert (article.published or "")[:10] == entry["date"]
    elif check == "contain":
        assert norm(snippet) in norm(article.title + " " + body)
    else:
        assert norm(snippet) not in body


@pytest.mark.parametrize(("entry", "snippet"), REAL_PARAMS["title"])
def test_real_page_title(entry: dict, snippet: None) -> None:
    """The headline, site name removed, as the page shows it."""
    _check(entry, _extract_real(entry["id"]), "title", snippet)


@pytest.mark.parametrize(("entry", "snippet"), REAL_PARAMS["date"])
def test_real_page_date(entry: dict, snippet: None) -> None:
    """The publication day."""
    _check(entry, _extract_real(entry["id"]), "date", snippet)


@pytest.mark.parametrize(("entry", "snippet"), REAL_PARAMS["contain"])
def test_real_page_keeps_article_text(entry: dict, snippet: str) -> None:
    """Article sentences (first, middle, last) are in the extracted text."""
    _check(entry, _extract_real(entry["id"]), "contain", snippet)


@pytest.mark.parametrize(("entry", "snippet"), REAL_PARAMS["not"])
def test_real_page_drops_boilerplate(entry: dict, snippet: str) -> None:
    """Captions, related-story boxes, comment notices, tickers and footers stay out of the body."""
    _check(entry, _extract_real(entry["id"]), "not", snippet)


@pytest.mark.parametrize(("entry", "snippet"), DEMO_PARAMS["title"])
def test_demo_article_title(entry: dict, snippet: None, demo_articles: dict[str, ExtractedArticle]) -> None:
    """Demo-site headline."""
    _check(entry, demo_articles[entry["demo_key"]], "title", snippet)


@pytest.mark.parametrize(("entry", "snippet"), DEMO_PARAMS["date"])
def test_demo_article_date(entry: dict, snippet: None, demo_articles: dict[str, ExtractedArticle]) -> None:
    """Demo-site publication day."""
    _check(entry, demo_articles[entry["demo_key"]], "date", snippet)


@pytest.mark.parametrize(("entry", "snippet"), DEMO_PARAMS["contain"])
def test_demo_article_keeps_text(entry: dict, snippet: str, demo_articles: dict[str, ExtractedArticle]) -> None:
    """Demo-site article sentences are kept."""
    _check(entry, demo_articles[entry["demo_key"]], "contain", snippet)


@pytest.mark.parametrize(("entry", "snippet"), DEMO_PARAMS["not"])
def test_demo_article_drops_boilerplate(entry: dict, snippet: str, demo_articles: dict[str, ExtractedArticle]) -> None:
    """Demo-site chrome (cookie banner, share bar, tags, comments, caption, footer) stays out."""
    _check(entry, demo_articles[entry["demo_key"]], "not", snippet)


def test_expected_file_matches_demo_truth() -> None:
    """expected.json's demo entries agree with what the demo sites say a perfect extraction yields."""
    from demo_oracle import serve_demo_sites

    with serve_demo_sites() as sites:
        truth = {ex.key: ex for ex in sites.expected}
    assert {e["demo_key"] for e in DEMO} == set(truth)
    for entry in DEMO:
        ex = truth[entry["demo_key"]]
        assert (entry["title"], entry["date"], entry["body"]) == (ex.title, ex.published, list(ex.paragraphs))
