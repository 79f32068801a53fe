"""Which outlets each discovery document of a crawl is read for (no scrapy imports).

Two outlets on one host (two sections of a site) may name the same feed, sitemap or start page, or both read the
host's robots.txt ``Sitemap:`` line. Scrapy's duplicate filter knows URLs, not outlets: the second outlet's request
was dropped, and the articles only its ``article_urls`` match were never found, without a word. Here a document is
fetched once and read once for every outlet that asked for it while it was on its way; each outlet takes from it what
its own rules take. An outlet that asks after the document was read (a sitemap index read for one outlet lists a
child another outlet named itself) has it fetched again: a new round, which the duplicate filter lets through
(``crawler.middlewares.dupefilter.RedirectAwareDupeFilter``). Each round adds an outlet, so a document is fetched
at most once per outlet and crawl, as a scale-out worker (one outlet per crawl) fetches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["fetch", "wait", "seen"]


@dataclass(frozen=True)
class Reader:
    """An outlet a document is read for, and how it came to it: its depth (a listing's walk, a sitemap's nesting) and
    a child sitemap's ``<lastmod>`` in the index that listed it (remembered with the child once read whole)."""

    outlet: str
    depth: int = 0
    lastmod: str | None = None


@dataclass
class _Document:
    """One document's rounds: the outlets waiting on the fetch in flight, every outlet it was given to."""

    round: int = 0
    read: bool = False
    waiting: dict[str, Reader] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)


class Readers:
    """The readers of a crawl's discovery documents, keyed by kind and URL (a feed and a sitemap are read apart)."""

    def __init__(self) -> None:
        self._documents: dict[str, _Document] = {}

    def join(self, key: str, reader: Reader) -> tuple[Verdict, int]:
        """Add ``reader`` to the document ``key``: ``fetch`` (a request to make, with this round number: 0 the first
        time), ``wait`` (a fetch is on its way; its reading is offered to this outlet too) or ``seen`` (this outlet
        has it already: an index that lists itself, a listing linked from another)."""
        document = self._documents.get(key)
        if document is None:
            self._documents[key] = _Document(waiting={reader.outlet: reader}, given={reader.outlet})
            return "fetch", 0
        if reader.outlet in document.given:
            return "seen", document.round
        document.given.add(reader.outlet)
        if not document.read:
            document.waiting[reader.outlet] = reader
            return "wait", document.round
        document.round, document.read, document.waiting = document.round + 1, False, {reader.outlet: reader}
        return "fetch", document.round

    def take(self, key: str, round_: int, own: Reader) -> list[Reader]:
        """The readers of a fetch of ``key`` that came back (or failed), in the order they asked; ``own``, the
        request's own outlet, alone when the document is not known here (a request made elsewhere, a test)."""
        document = self._documents.get(key)
        if document is None or document.round != round_ or document.read:
            return [own]
        document.read = True
        readers, document.waiting = list(document.waiting.values()), {}
        return readers or [own]
