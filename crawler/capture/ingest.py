"""From an extraction result to catalogue rows and corpus files: judge, store, export (no scrapy imports)."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from archive.catalogue import aliases, mentions
from archive.catalogue.transactions import immediate
from archive.corpus import textfiles as textexport
from archive.corpus.history import text_digest
from archive.records import ExtractedArticle, ExtractionFailure, Relevance
from crawler.capture.dedupe import sweep_params
from crawler.capture.operations import ArticleOp
from crawler.capture.prepare import Prepared
from crawler.capture.session import ArchiveSession
from crawler.discovery.urls import (
    alias_reason,
    canonicalize,
    choose_canonical,
    identity_key,
    session_params_between,
    url_rank,
)
from crawler.relevance.judge import Lexicon, judge, load_lexicon

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


@functools.lru_cache(maxsize=4)
def _lexicon(path: Path) -> Lexicon:
    return load_lexicon(path)


def ingest_op(session: ArchiveSession, op: ArticleOp, capture_id: int | None) -> str:
    """Store an article operation (crawler.capture.operations.ArticleOp) on the writer thread, inside its batch."""
    return ingest(session, _lexicon(session.config.lexicon), outlet_name=op.outlet, url=op.url,
                  capture_id=capture_id, result=op.result, listed_date=op.listed_date, request_url=op.request_url,
                  prepared=op.prepared)


def ingest(session: ArchiveSession, lexicon: Lexicon, *, outlet_name: str, url: str, capture_id: int | None,
           result: ExtractedArticle | ExtractionFailure, listed_date: str | None = None,
           request_url: str | None = None, prepared: Prepared | None = None) -> str:
    """Store one extraction result and return its outcome: new, updated, unchanged, irrelevant or failed.

    ``prepared``: the judgement, story keys, search text and rendered text an extraction worker computed
    (crawler.capture.prepare); without it they are computed here.
    """
    outlet = session.by_name[outlet_name]
    if isinstance(result, ExtractionFailure):
        session.record_failure(outlet_name, url, "extract", result.reason, result.detail, capture_id)
        session.catalogue.settle(request_url or url, "done", "extraction failed")
        return "failed"
    article = result
    if not article.published:
        fallback = listed_date_iso(listed_date)
        if fallback:
            article = replace(article, published=fallback, published_source="listing")
    relevance = prepared.relevance if prepared is not None else judge(article.title, article.text, lexicon)
    if not outlet.topic_filter and not relevance.relevant:
        # an outlet that only covers Libya: keep every article, with the score for transparency
        relevance = Relevance(True, relevance.score, relevance.libya_score, relevance.conflict_score,
                              relevance.matched_terms)
    # one article, one row: the row this page belongs to, whatever URL led here (archive/catalogue/aliases.py)
    canonical, other_urls = resolve_url(session, outlet_name, url, request_url, article)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    outcome, row = session.catalogue.save_article(outlet=outlet_name, canonical_url=canonical, article=article,
                                                  relevance=relevance, capture_id=capture_id, fetched_at=fetched_at,
                                                  search_text=prepared.search_text if prepared else None)
    with immediate(session.catalogue.db):
        for other, how in other_urls:
            aliases.add_alias(session.catalogue.db, other, row["id"], how, outlet=outlet_name, capture_id=capture_id)
    if outcome != "unchanged":
        mentions.record(session.catalogue.db, row)  # who and where the article names (archive/catalogue/mentions.py)
    if outcome != "unchanged" or row.get("story_id") is None:
        # group copies of one story (wire copy on several outlets, one article under several URLs)
        # the worker's shingles fit when the row's text was just set from this page
        fresh = prepared is not None and outcome != "unchanged"
        session.catalogue.assign_story(row["id"], shingles=prepared.shingles if fresh else None,
                                       keys=list(prepared.story_keys) if fresh else None)
    if relevance.relevant and (outcome in ("new", "updated") or not row.get("text_file")):
        seq = session.catalogue.assign_seq(row["id"])
        new_file = not (session.config.data_dir / "text" / textexport.file_name(seq, row["id"])).exists()
        relpath = textexport.write_text(session.config.data_dir, seq, row["id"], article.title, article.paragraphs,
                                        rendered=prepared.rendered if prepared else None)
        if new_file:  # removed again if the batch that numbers it rolls back (crawler.capture.apply)
            session.new_files.append(relpath)
        session.catalogue.set_text_file(row["id"], relpath)
    session.catalogue.settle(request_url or url, "done", None)
    session.count(outlet_name, f"articles_{outcome}")
    logger.debug("%s %s (score %.2f)", outcome, canonical, relevance.score)
    return outcome


def resolve_url(session: ArchiveSession, outlet_name: str, url: str, request_url: str | None,
                article: ExtractedArticle) -> tuple[str, list[tuple[str, str]]]:
    """The URL of the article row a page belongs to, and the page's other URLs with how each was learned.

    In order: the page's own canonical URL (rel=canonical when trustworthy, learned session parameters dropped);
    an article that any of its URLs (fetched, requested before redirects, default document dropped) already
    names, as its URL or an alias; an article of the outlet with the same title and body (the same-body rule,
    which also learns a session parameter when the two URLs differ only in a token-like value). Of two URLs
    that serve one body the cleaner one (fewer query parameters, shorter) becomes the row's URL.
    """
    db = session.catalogue.db
    outlet = session.by_name[outlet_name]
    if not session.config.aliases:
        return choose_canonical(url, article.canonical_link, outlet.domains()), []
    drop = session.session_params(outlet_name)
    canonical = choose_canonical(url, article.canonical_link, outlet.domains(), drop)
    seen: list[tuple[str, str]] = [(canonical, "")]
    fetched = canonicalize(url, drop)
    if fetched != canonical:
        seen.append((fetched, "canonical"))
    if request_url:
        requested = canonicalize(request_url, drop)
        if requested not in (fetched, canonical):
            seen.append((requested, "redirect"))
    for raw in (url, request_url):
        if raw and canonicalize(raw) != canonicalize(raw, drop):
            seen.append((canonicalize(raw), "session-param"))
    for known, _ in list(seen):
        key = identity_key(known, drop)
        if key != known:
            seen.append((key, "default-document"))
    target = canonical
    found = aliases.find_article(db, [u for u, _ in seen])
    digest = text_digest(article.title, article.text)
    if found is not None and aliases.release_stale_same_body(db, found, [u for u, _ in seen], digest):
        found = None
    if found is not None:
        target = found["url"]
        how = alias_reason(canonical, target, drop) or "canonical"
        if how == "default-document" and url_rank(canonical) < url_rank(target):
            # "/x/index.php" archived first, "/x/" now: the row takes the cleaner URL whatever the arrival order
            aliases.rekey_article(db, session.config.data_dir, found["id"], canonical, how)
            target, how = canonical, "default-document"
            seen = [(target, "")] + [(u, h) for u, h in seen[1:] if u != target] + [(found["url"], how)]
        seen[0] = (canonical, how)
    else:
        twin = aliases.same_body_article(db, outlet_name, digest, aliases.url_id(canonical))
        if twin is not None:
            params = session_params_between(twin["url"], canonical)
            if params and session.learn_session_params(outlet_name, params,
                                                       f"{twin['url']} and {canonical} serve one body"):
                # rows already stored under URLs with the new session parameter get the URL without it;
                # then this page is resolved again, now with the parameter dropped
                sweep_params(session.catalogue, session.config.data_dir, outlet_name, list(params))
                return resolve_url(session, outlet_name, url, request_url, article)
            how = "session-param" if params else "same-body"
            if url_rank(canonical) < url_rank(twin["url"]):
                aliases.rekey_article(db, session.config.data_dir, twin["id"], canonical, how)
            else:
                target = twin["url"]
                seen[0] = (canonical, how)
    others: dict[str, str] = {}
    for other, how in seen:
        if other != target and other not in others:
            others[other] = how
    return target, list(others.items())
