"""From an extraction result to catalogue rows and corpus files: judge, store, export (no scrapy imports)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from archive import textexport
from archive.records import ExtractedArticle, ExtractionFailure, Relevance
from crawler.relevance import Lexicon, judge
from crawler.session import ArchiveSession
from crawler.urls import choose_canonical

logger = logging.getLogger(__name__)


def listed_date_iso(value: str | None) -> str | None:
    """A feed or sitemap date (RFC 822 or W3C datetime) as an ISO date, or None when it does not parse."""
    if not value:
        return None
    value = value.strip()
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def ingest(session: ArchiveSession, lexicon: Lexicon, *, outlet_name: str, url: str, capture_id: int | None,
           result: ExtractedArticle | ExtractionFailure, listed_date: str | None = None,
           request_url: str | None = None) -> str:
    """Store one extraction result and return its outcome: new, updated, unchanged, irrelevant or failed."""
    outcome = _ingest(session, lexicon, outlet_name=outlet_name, url=url, capture_id=capture_id, result=result,
                      listed_date=listed_date)
    session.catalogue.settle(request_url or url, "done", None if outcome != "failed" else "extraction failed")
    return outcome


def _ingest(session: ArchiveSession, lexicon: Lexicon, *, outlet_name: str, url: str, capture_id: int | None,
            result: ExtractedArticle | ExtractionFailure, listed_date: str | None) -> str:
    outlet = session.by_name[outlet_name]
    if isinstance(result, ExtractionFailure):
        session.record_failure(outlet_name, url, "extract", result.reason, result.detail, capture_id)
        return "failed"
    article = result
    if not article.published:
        fallback = listed_date_iso(listed_date)
        if fallback:
            article = replace(article, published=fallback, published_source="listing")
    relevance = judge(article.title, article.text, lexicon)
    if not outlet.topic_filter and not relevance.relevant:
        # an outlet that only covers Libya: keep every article, with the score for transparency
        relevance = Relevance(True, relevance.score, relevance.libya_score, relevance.conflict_score,
                              relevance.matched_terms)
    canonical = choose_canonical(url, article.canonical_link, outlet.domains())
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    outcome, row = session.catalogue.save_article(outlet=outlet_name, canonical_url=canonical, article=article,
                                                  relevance=relevance, capture_id=capture_id, fetched_at=fetched_at)
    if outcome != "unchanged" or row.get("story_id") is None:
        # group copies of one story (wire copy on several outlets, one article under several URLs)
        session.catalogue.assign_story(row["id"])
    if relevance.relevant and (outcome in ("new", "updated") or not row.get("text_file")):
        seq = session.catalogue.assign_seq(row["id"])
        relpath = textexport.write_text(session.config.data_dir, seq, row["id"], article.title, article.paragraphs)
        session.catalogue.set_text_file(row["id"], relpath)
    session.count(outlet_name, f"articles_{outcome}")
    logger.debug("%s %s (score %.2f)", outcome, canonical, relevance.score)
    return outcome
