"""``newsarchive dedupe`` for articles split over pages: a later page stored as an article of its own is folded into
the article it is a page of (no scrapy).

A crawl by the first stop 38 commit stored a later page met before its first page (a sitemap or feed listing page 2
first) as an article of its own, and the alias that would name it a part was refused (``aliases.add_alias`` never
hides a row). Such a row is a part of an article when the article's ``page-part`` aliases name its URL, or when the
article's join shows it: its URL is the article's with only a page marker changed (``crawler.discovery.paged``), its
headline is the article's ("- صفحة 2" aside) and its text is in the article's joined text. It is folded as dedupe
folds other duplicates (``aliases.merge_articles``): every capture kept, the lowest corpus sequence number kept, its
URL a ``page-part`` alias; its text is no version of the article, whose joined text stays.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.catalogue import aliases, lookups, versions
from archive.catalogue.db import Catalogue
from archive.catalogue.transactions import immediate
from crawler.discovery.urls import canonicalize

logger = logging.getLogger(__name__)

# the share of a part's text (in characters) found line for line in the article's: its pager line ("صفحة 2 من 3")
# and a repeated lead the join left out aside, a part's text is all in its article
CONTAINED = 0.8


def _first_pages(url: str) -> list[str]:
    """The URLs ``url`` would be a later page of: with one page parameter (a small number) taken away, or with the
    page number at the end of its path taken away (``/2``, ``/2/``, ``/page/2``, ``_2.html``)."""
    # imported here: crawler.discovery.paged parses HTML (lxml), and this module is imported by dedupe, which the
    # writer process imports; the writer stays free of the extraction stack (tests/test_writer_process.py)
    from crawler.discovery import paged

    s = urlsplit(url)
    query = parse_qsl(s.query, keep_blank_values=True)
    found = []
    for i, (name, value) in enumerate(query):
        if name.lower() in paged.PAGE_PARAMS and value.isdigit() and int(value) <= paged.MAX_PAGE_NUMBER:
            found.append(urlunsplit((s.scheme, s.netloc, s.path, urlencode(query[:i] + query[i + 1:]), "")))
    for form in paged.PATH_FORMS:
        m = form.match(s.path)
        if m:
            stem = m["stem"] + (m.groupdict().get("ext") or "")
            found += [urlunsplit((s.scheme, s.netloc, path, s.query, "")) for path in (stem, stem + "/")]
    return list(dict.fromkeys(u for url in found for u in (url, canonicalize(url))))  # as the catalogue spells it


def _in_join(article: dict[str, Any], part: dict[str, Any]) -> bool:
    """Whether ``part``'s headline is the article's and its text is in the article's joined text."""
    from crawler.capture.paged import _norm, same_headline  # the join's own comparison (the worker's module)

    if not same_headline(article["title"] or "", part["title"] or ""):
        return False
    mine = {_norm(line) for line in (article["text"] or "").split("\n")}
    lines = [_norm(line) for line in (part["text"] or "").split("\n") if line.strip()]
    total = sum(map(len, lines))
    found = sum(len(line) for line in lines if line in mine)
    return total > 0 and found >= CONTAINED * total and len(article["text"] or "") > len(part["text"] or "")


def find_parts(catalogue: Catalogue) -> list[tuple[str, str]]:
    """``(article_id, part_id)`` of every article row that is a later page of another article."""
    from crawler.discovery import paged  # lxml: not at import (above)

    found = {part: article for article, part in lookups.parts_of_their_own(catalogue.db)}
    ids = {row["url"]: row["id"] for row in aliases.all_article_urls(catalogue.db)}
    for url, part_id in ids.items():
        for first_url in _first_pages(url):
            first_id = ids.get(first_url)
            if first_id is None or part_id in found or first_id == part_id or paged.page_marker(first_url, url) is None:
                continue
            article, part = catalogue.get_article(first_id), catalogue.get_article(part_id)
            if article is not None and part is not None and _in_join(article, part):
                found[part_id] = first_id
    pairs = []
    for part, article in found.items():
        hops = {part}
        while article in found and article not in hops:  # a part of a part: folded into the article at the root
            hops.add(article)
            article = found[article]
        if article not in hops:
            pairs.append((article, part))
    return pairs


def fold_parts(catalogue: Catalogue, data_dir: Path) -> list[aliases.Merge]:
    """Fold every later page stored as an article of its own into its article (see the module's docstring)."""
    merges = []
    for article_id, part_id in find_parts(catalogue):
        db = catalogue.db
        if catalogue.get_article(article_id) is not None and catalogue.get_article(part_id) is not None:
            logger.info("article %s is a later page of article %s: folded into it", part_id, article_id)
            with immediate(db):
                versions.set_part_aside(db, part_id, article_id)
                merges.append(aliases.merge_articles(db, data_dir, article_id, part_id, "page-part"))
    if merges:
        catalogue.reconcile_history()
    return merges
