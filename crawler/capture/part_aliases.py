"""The later pages of an article split over pages, as aliases of the article they were joined into (no scrapy).

Each part's URL (``?start=2``, ``/2/``, ``_2.html``) is kept in ``article_aliases`` as ``page-part``: a link to it
finds the article (discovery then fetches it no more, ``recrawl`` reports against the article), and it is never an
article of its own. Run by the writer, inside the batch that stores the article (crawler.capture.apply).
"""

from __future__ import annotations

from typing import Any

from archive.catalogue import aliases
from archive.catalogue.transactions import immediate
from crawler.capture.operations import ArticleOp


def record(session: Any, op: ArticleOp, capture_id: int | None, outcome: str) -> str:
    """Record ``op``'s joined parts as aliases of the article its first page was stored as; ``outcome`` passes on."""
    if not op.part_urls or outcome == "failed":
        return outcome
    row = session.catalogue.article_for_url(op.url)
    if row is None:
        return outcome
    with immediate(session.catalogue.db):
        for url in op.part_urls:
            aliases.add_alias(session.catalogue.db, url, row["id"], "page-part", outlet=op.outlet,
                              capture_id=capture_id, detail=f"a later page of {row['url']}")
    return outcome
