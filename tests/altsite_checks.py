"""Checks shared by the end-to-end tests of unseen outlet styles (tests/test_e2e_altsites3.py .. 8.py).

Each test module keeps its sites, its config, its expected data and its decisions; what is the same logic lives
here: the crawl run twice, the catalogue state compared across crawls, and the checks (one catalogue row per article
whatever URL led to it, the exact headline, a body of token F1 >= 0.97 one paragraph a line, the publication date, no
chrome in the body, nothing fetched that robots.txt forbids, captures pointing at their WARC records).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import article_row, captures_off_their_warc_records, catalogue, crawl_cli, token_f1

from crawler.config.outlets import load_outlets
from crawler.discovery.urls import canonicalize


def crawl_twice(tmp: Path, serve: Callable[[], Any], config: str, *args: str) -> Iterator[dict]:
    """Serve the sites, crawl them by the CLI in a subprocess, then once more unchanged; yield what both left."""
    data = tmp / "data"
    with serve() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(config.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, *args, timeout=120)
        log, before = list(sites.requests_log), state(data)
        served = {name: len(site.served) for name, site in sites.sites.items()}
        again = crawl_cli(seeds, data, *args, timeout=120)  # the unchanged sites once more
        yield {
            "proc": proc,
            "data": data,
            "sites": sites,
            "seeds": seeds,
            "log": log,
            "state": before,
            "again": again,
            "again_served": [raw for n, site in sites.sites.items() for raw, _ in site.served[served[n] :]],
            "log_again": sites.requests_log[len(log) :],
            "expected": {e.key: e for e in sites.expected},
        }


def state(data: Path) -> tuple:
    """The catalogue's articles and aliases and the text files, to compare across crawls."""
    conn = catalogue(data)
    try:
        articles = sorted(
            tuple(r) for r in conn.execute("select id, url, title, text, relevant, text_file from articles")
        )
        aliases = sorted(tuple(r) for r in conn.execute("select url, article_id from article_aliases"))
    finally:
        conn.close()
    return articles, aliases, sorted(p.name for p in (data / "text").iterdir())


def with_xfails(keys: Iterable[str], reasons: Mapping[str, str]) -> list:
    """The keys as test parameters, those in ``reasons`` marked as non-strict xfails with their reason."""
    return [
        pytest.param(k, marks=pytest.mark.xfail(reason=reasons[k], strict=False)) if k in reasons else k
        for k in keys
    ]


def found_row(crawled: dict, key: str, outlet: str):
    """The catalogue row of the expected article ``key`` under ``outlet``; fails when there is none."""
    row, why = article_row(crawled["data"], crawled["expected"][key].canonical_url, outlet)
    assert row is not None, why
    return row


def check_crawl_exits_zero(crawled: dict) -> None:
    """The first crawl exited 0."""
    assert crawled["proc"].returncode == 0, crawled["proc"].stderr[-3000:]


def check_relevant(row, key: str) -> None:
    """The row is catalogued as relevant."""
    assert row["relevant"] == 1, (key, row["relevance_score"], row["matched_terms"])


def check_distractor(row, key: str) -> None:
    """The row is catalogued as not relevant, with no text file."""
    assert row["relevant"] == 0 and row["text_file"] is None, (
        key,
        row["relevance_score"],
        row["matched_terms"],
    )


def check_headline(crawled: dict, row, key: str) -> None:
    """The row holds the exact visible headline."""
    assert row["title"] == crawled["expected"][key].title


def check_body_f1(crawled: dict, row, key: str) -> None:
    """The body has token F1 >= 0.97 against the expected paragraphs (the extra and missing tokens shown)."""
    want = "\n".join(crawled["expected"][key].paragraphs)
    f1 = token_f1(want, row["text"] or "")
    got_tokens, want_tokens = (
        Counter(re.findall(r"\w+", row["text"] or "")),
        Counter(re.findall(r"\w+", want)),
    )
    extra = " ".join((got_tokens - want_tokens).elements())[:400]
    missing = " ".join((want_tokens - got_tokens).elements())[:400]
    assert f1 >= 0.97, f"{key}: F1 {f1:.3f}; extra tokens: {extra!r}; missing tokens: {missing!r}"


def check_paragraphs(crawled: dict, row, key: str) -> None:
    """The body is the expected paragraphs, one a line."""
    assert (row["text"] or "").split("\n") == list(crawled["expected"][key].paragraphs)


def check_no_chrome(crawled: dict, row, key: str, chrome: Iterable[str]) -> None:
    """No word of the site's chrome is in the body unless the story itself holds it."""
    want = "\n".join(crawled["expected"][key].paragraphs)
    found = [w for w in chrome if w in (row["text"] or "") and w not in want]
    assert not found, f"{key}: chrome in the body: {found}"


def check_day(row, key: str, item: Mapping, *, hour: bool) -> None:
    """The row's publication day is the item's ``g`` (year, month, day), and with ``hour`` its ``time`` (HH:MM)."""
    got = row["published"] or ""
    assert got[:10] == "%04d-%02d-%02d" % item["g"], (key, got, row["published_source"])
    if hour:
        assert got[11:16] == item["time"], (key, got, row["published_source"])


def check_moment(row, key: str, item: Mapping) -> None:
    """The row's publication moment is the item's ISO ``date``."""
    got = row["published"] or ""
    want = datetime.fromisoformat(item["date"].replace("Z", "+00:00"))
    assert got and datetime.fromisoformat(got.replace("Z", "+00:00")) == want, (
        key,
        got,
        row["published_source"],
    )


def check_one_row_per_article(crawled: dict, site_of: Mapping[str, str], min_files: int) -> None:
    """Each outlet holds exactly one row per expected article, and one text file per relevant row."""
    conn = catalogue(crawled["data"])
    for site, outlet in site_of.items():
        want = sorted(canonicalize(e.canonical_url) for e in crawled["expected"].values() if e.site == site)
        got = sorted(r["url"] for r in conn.execute("select url from articles where outlet = ?", [outlet]))
        assert got == want, (outlet, sorted(set(got) - set(want)), sorted(set(want) - set(got)))
    files = sorted(p.name for p in (crawled["data"] / "text").iterdir())
    relevant = [r["text_file"] for r in conn.execute("select text_file from articles where relevant = 1")]
    assert len(files) == len(relevant) >= min_files, files


def check_variants_resolve(crawled: dict) -> Counter:
    """Each URL a site answered with an article page is its article's row URL or one of its aliases.

    Returns how many served URLs per site were not the article's canonical URL (variants).
    """
    conn = catalogue(crawled["data"])
    urls = {r["url"]: r["id"] for r in conn.execute("select id, url from articles")}
    aliases = {r["url"]: r["article_id"] for r in conn.execute("select url, article_id from article_aliases")}
    wrong, variants = [], Counter()
    for site in crawled["sites"].sites.values():
        for raw, article_id in site.served:
            exp = crawled["expected"][f"{site.name}-{article_id}"]
            row_id = urls.get(canonicalize(exp.canonical_url))
            url = canonicalize(site.base + raw)
            if url != canonicalize(exp.canonical_url):
                variants[site.name] += 1
            if row_id is None or (urls.get(url) or aliases.get(url)) != row_id:
                wrong.append((site.name, raw, urls.get(url), aliases.get(url), row_id))
    assert not wrong, wrong
    return variants


def check_alias(conn, url: str, row, what) -> None:
    """``url`` is kept as an alias of ``row``'s article (``what`` names it in the failure)."""
    got = conn.execute("select article_id from article_aliases where url = ?", [canonicalize(url)]).fetchone()
    assert got is not None and got[0] == row["id"], (what, got)


def robots_forbidden_the_config_reaches(crawled: dict, links: Iterable[str]) -> list[str]:
    """The links (robots.txt forbids them) that the configured outlets would fetch as articles or follow."""
    outlets = load_outlets(crawled["seeds"])
    return [u for u in links if any(o.owns(u) and (o.is_article(u) or o.is_followed(u)) for o in outlets)]


def check_nothing_forbidden_fetched(
    crawled: dict, nobody: str = "the sites received no request at all"
) -> None:
    """No request the sites received is one their robots.txt forbids (and they received some)."""
    bad = [(r.site, r.path) for r in crawled["log"] if crawled["sites"].sites[r.site].robots.forbids(r.path)]
    assert not bad, bad
    assert crawled["log"], nobody


def check_captures_on_their_warc_records(crawled: dict) -> None:
    """There are capture rows, and each points at its WARC record."""
    conn = catalogue(crawled["data"])
    assert conn.execute("select count(*) from captures").fetchone()[0]
    wrong = captures_off_their_warc_records(conn, crawled["data"])
    assert not wrong, wrong[:5]


def check_second_crawl(crawled: dict) -> None:
    """The second crawl exited 0, fetched no article page again, changed nothing and obeyed robots.txt."""
    assert crawled["again"].returncode == 0, crawled["again"].stderr[-3000:]
    assert crawled["again_served"] == [], "article pages fetched again by discovery"
    assert state(crawled["data"]) == crawled["state"]
    sites = crawled["sites"].sites
    assert not [r.path for r in crawled["log_again"] if sites[r.site].robots.forbids(r.path)]
