"""The later pages of an article split over pages, as aliases of the article they were joined into (no scrapy).

Each part's URL (``?start=2``, ``/2/``, ``_2.html``) is kept in ``article_aliases`` as ``page-part``: a link to it
finds the article (discovery then fetches it no more, ``recrawl`` reports against the article), and it is never an
article of its own. A part stored as an article of its own before (a sitemap or feed listed it before its first
page) is merged into the article, as ``newsarchive dedupe`` merges; one fetched as an article while its article's
parts were fetched, and stored after the article, is settled, not stored (``stored_as_part``). Run by the writer,
inside the batch that stores the article (crawler.capture.apply).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from archive.catalogue import aliases, lookups, versions
from archive.catalogue.reading import article_row
from archive.catalogue.transactions import immediate
from crawler.capture.ingest import in_batch
from crawler.capture.operations import ArticleOp

logger = logging.getLogger(__name__)


def record(session: Any, op: ArticleOp, capture_id: int | None, outcome: str) -> str:
    """Record ``op``'s joined parts as aliases of the article its first page was stored as; ``outcome`` passes on."""
    if not op.part_urls or outcome == "failed":
        return outcome
    row = session.catalogue.article_for_url(op.url)
    if row is None:
        return outcome
    db = session.catalogue.db
    with immediate(db):
        for url in op.part_urls:
            own = article_row(db.conn, aliases.url_id(url))
            if own is not None and own["id"] != row["id"]:
                # stored as an article of its own first (met in a sitemap or feed before its first page): folded
                # into the article it is a page of, so the part's text is not a second row of the same story; its
                # text is no earlier version of the article (its captures stay, and the alias names them)
                versions.drop_all(db, own["id"])
                aliases.merge_articles(db, session.config.data_dir, row["id"], own["id"], "page-part",
                                       **in_batch(session))
                continue
            # the URL the article linked is the alias (a reader's link finds the article); where it led, said
            led = aliases.redirect_location(db, url)
            aliases.add_alias(db, url, row["id"], "page-part", outlet=op.outlet, capture_id=capture_id,
                              detail=f"a later page of {row['url']}" + (f", redirected to {urljoin(url, led)}"
                                                                         if led else ""))
    return outcome


def stored_as_part(session: Any, op: ArticleOp) -> bool:
    """Whether ``op`` is a later page of a stored article (a ``page-part`` alias) fetched as an article of its own:
    met in a feed while its article's parts were being fetched, and stored after the article was. Its text is in the
    article already; stored, it would become the article's text (the alias leads to the article). Settled instead.
    """
    urls = [u for u in dict.fromkeys((op.url, op.request_url)) if u]
    found = lookups.part_owner(session.catalogue.db, urls)
    if found is None or found[1] in urls:
        return False
    logger.info("%s is a later page of %s, stored with it: not an article of its own", op.url, found[1])
    session.catalogue.settle(op.request_url or op.url, "done", "page-part")
    return True
