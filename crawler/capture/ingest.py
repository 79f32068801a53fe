"""From an extraction result to catalogue rows and corpus files: judge, store, export (no scrapy imports)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from w3lib.url import safe_url_string

from archive.catalogue import aliases, mentions, statements, versions
from archive.catalogue.transactions import immediate
from archive.corpus import textfiles as textexport
from archive.corpus.history import text_digest
from archive.records import ExtractedArticle, ExtractionFailure, Relevance
from crawler.capture.claims import (
    converge,
    give_back,
    in_batch,
    lesser_rendering,
    live_row,
    own_canonical,
    stage_text,
    uncontested,
)
from crawler.capture.clock import dated
from crawler.capture.dedupe import padded, same_article, sweep_params, teaser_of
from crawler.capture.operations import ArticleOp
from crawler.capture.prepare import Prepared
from crawler.capture.session import ArchiveSession
from crawler.capture.walls import wall_notice
from crawler.discovery.urls import (
    alias_reason,
    canonicalize,
    choose_canonical,
    identity_key,
    session_params_between,
    url_rank,
)
from crawler.fetch.limits import TRANSIENT_PAGE_REASONS, http_date
from crawler.relevance.judge import Lexicon, judge, load_lexicon

logger = logging.getLogger(__name__)


def listed_date_iso(value: str | None, now: datetime | None = None) -> str | None:
    """A feed or sitemap date (RFC 822 or W3C datetime) as an ISO date, or None when it does not parse, when it is
    read as another year than it writes (RFC 2822 reads a two-digit year, and so ``Mon, 01 Jan 0001`` as 2001: the
    article was dated 2001-01-01), or when it is more than a day to come (``9999-12-31``, a CMS's "never")."""
    if not value:
        return None
    value = value.strip()
    when = http_date(value)  # the one HTTP-date parser: RFC 822/2822, a year past datetime's range is no date
    if when is None:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    written = _YEAR.search(value)
    if (written and int(written[0]) != when.year) or when.date() > (now or datetime.now(UTC)).date() + timedelta(1):
        return None
    return when.date().isoformat()


_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")  # a year written with four digits


def _lexicon(path: Path) -> Lexicon:
    return load_lexicon(path)  # kept by load_lexicon while the file is unchanged: no cache of its own


def ingest_op(session: ArchiveSession, op: ArticleOp, capture_id: int | None) -> str:
    """Store an article operation (crawler.capture.operations.ArticleOp) on the writer thread, inside its batch."""
    # read only for an article a worker did not judge: the writer process loaded the lexicon (~0.2 s of CPU) for
    # every crawl and used it for part pages and fuller renderings alone (issue 10)
    return ingest(session, lambda: _lexicon(session.config.lexicon), outlet_name=op.outlet, url=op.url,
                  capture_id=capture_id, result=op.result, listed_date=op.listed_date, request_url=op.request_url,
                  prepared=op.prepared)


def ingest(session: ArchiveSession, lexicon: Lexicon | Callable[[], Lexicon], *, outlet_name: str, url: str, capture_id: int | None,
           result: ExtractedArticle | ExtractionFailure, listed_date: str | None = None,
           request_url: str | None = None, prepared: Prepared | None = None) -> str:
    """Store one extraction result and return its outcome: new, updated, unchanged, irrelevant or failed.

    ``prepared``: the judgement, story keys, search text and rendered text an extraction worker computed
    (crawler.capture.prepare); without it they are computed here. ``lexicon``: or a function that loads it.
    """
    outlet = session.by_name[outlet_name]
    if isinstance(result, ExtractionFailure):
        session.record_failure(outlet_name, url, "extract", result.reason, result.detail, capture_id)
        # a challenge served for the page stays pending for the next crawls (stop 41: it was settled and lost)
        transient = result.reason in TRANSIENT_PAGE_REASONS
        session.catalogue.settle(request_url or url, "retry" if transient else "done",
                                 result.reason if transient else "extraction failed")
        return "failed"
    article, clock = dated(result, outlet.timezone, listed_date_iso(listed_date))  # crawler.capture.clock
    relevance = judged(article, lexicon, prepared, outlet.topic_filter)
    # one article, one row: the row this page belongs to, whatever URL led here (archive/catalogue/aliases.py)
    canonical, other_urls = resolve_url(session, outlet_name, url, request_url, article)
    fuller = fuller_rendering(session, outlet_name, canonical, url, article)
    if fuller is None and (wall := walled(session, canonical, article)) is not None:
        # the stored story behind a subscription wall: archived (the capture), recorded, no new version (stop 40);
        # a lesser rendering under another URL (a teaser, an AMP page) is one more capture of the row, as before
        session.record_failure(outlet_name, url, "extract", "paywall", wall, capture_id)
        session.catalogue.settle(request_url or url, "done", "paywall")
        return "failed"
    met = None  # the body of this page when it is a lesser rendering of the row (the row keeps its fuller text)
    if fuller is not None:
        met = text_digest(article.title, article.text)
        article, prepared = fuller, None
        relevance = judged(article, lexicon, None, outlet.topic_filter)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    outcome, row = session.catalogue.save_article(outlet=outlet_name, canonical_url=canonical, article=article,
                                                  relevance=relevance, capture_id=capture_id, fetched_at=fetched_at,
                                                  search_text=prepared.search_text if prepared else None,
                                                  published_time=clock)
    with immediate(session.catalogue.db):
        for other, how in other_urls:
            aliases.add_alias(session.catalogue.db, other, row["id"], how, outlet=outlet_name, capture_id=capture_id)
    if outcome == "updated" and session.config.aliases:
        row = converge(session, row)  # now another row's text exactly: one article (crawler.capture.claims)
    if met is not None:  # its body remembered; a copy of this page stored before as a row of its own merged in
        row = lesser_rendering(session, row, met, capture_id)
    richer = richer_metadata(row, article, clock) if outcome == "unchanged" else {}
    if richer:
        with immediate(session.catalogue.db):
            statements.update(session.catalogue.db, "articles", "id", row["id"], richer)
            if "published" in richer:  # the current version says what the row says
                versions.set_current_published(session.catalogue.db, row["id"], richer["published"])
        row = {**row, **richer}
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
        # staged under a temporary name, published once the batch commits (crawler.capture.apply): a crash before
        # leaves no file that no row names, and an update that rolls back leaves the old file as its row is
        rendered = prepared.rendered if prepared else None
        if session.staged_files is None:  # not inside a writer batch (a direct call): written in place at once
            relpath = textexport.write_text(session.config.data_dir, seq, row["id"], article.title,
                                            article.paragraphs, rendered=rendered)
        else:
            relpath = stage_text(session, seq, row["id"], article.title, article.paragraphs, rendered)
        session.catalogue.set_text_file(row["id"], relpath)
    # every URL this exchange answered for: the one asked for, and the redirect's target, which discovery may have
    # queued too (the duplicate filter then drops its request, so nothing else would settle it)
    for settled in dict.fromkeys((request_url or url, url)):
        session.catalogue.settle(settled, "done", None)
    session.count(outlet_name, f"articles_{outcome}")
    logger.debug("%s %s (score %.2f)", outcome, canonical, relevance.score)
    return outcome


def judged(article: ExtractedArticle, lexicon: Lexicon | Callable[[], Lexicon], prepared: Prepared | None,
           topic_filter: bool) -> Relevance:
    """The article's relevance (the worker's when ``prepared``); an outlet without a topic filter keeps everything."""
    if prepared is not None:
        relevance = prepared.relevance
    else:
        relevance = judge(article.title, article.text, lexicon if isinstance(lexicon, Lexicon) else lexicon())
    if not topic_filter and not relevance.relevant:
        # an outlet that only covers Libya: keep every article, with the score for transparency
        relevance = Relevance(True, relevance.score, relevance.libya_score, relevance.conflict_score,
                              relevance.matched_terms)
    return relevance


def walled(session: ArchiveSession, canonical: str, article: ExtractedArticle) -> str | None:
    """Why this page is the stored article under ``canonical`` behind a subscription or log-in wall (its headline, at
    most its lead, then a notice: ``crawler.capture.walls``), or None. Its row keeps its text and versions."""
    row = session.catalogue.get_article(aliases.url_id(canonical))
    return wall_notice(article.title, article.text, row["title"] or "", row["text"] or "") if row else None


def fuller_rendering(session: ArchiveSession, outlet_name: str, canonical: str, url: str,
                     article: ExtractedArticle) -> ExtractedArticle | None:
    """The stored article under ``canonical`` as this page (fetched as ``url``) when this page is a lesser rendering
    of it, else None: a teaser of its text (``dedupe.teaser_of``: an AMP-first outlet's thin canonical page beside
    its AMP page, tests/altsites6), its text padded with a few words (``dedupe.padded``: a print view's "printed from"
    line), or a copy of one of its earlier versions. Whichever the crawl meets first, the row keeps the fuller text
    and this page is one more capture of it (no new version). Only between two renderings: the row's text must come
    from a capture fetched under another URL (by identity key) on the same publication day; a shorter or padded page
    at the URL the text came from (a correction that cuts a paragraph, a live blog whose old entries roll off, a
    re-crawl) is a new version, as is any page when that capture is unknown.
    """
    row = session.catalogue.get_article(aliases.url_id(canonical))
    digest = text_digest(article.title, article.text)
    if row is None or row["text_digest"] == digest:
        return None
    title, text = row["title"] or "", row["text"] or ""
    if not (teaser_of(article.title, article.text, title, text) or padded(article.title, article.text, title, text)
            or aliases.has_body(session.catalogue.db, row, digest)):
        return None
    if row["published"] and article.published and row["published"][:10] != article.published[:10]:
        return None
    source = aliases.capture_url(session.catalogue.db, row["capture_id"])
    drop = session.session_params(outlet_name) if session.config.aliases else ()
    if source is None or identity_key(canonicalize(source, drop), drop) == identity_key(canonicalize(url, drop), drop):
        return None
    published = row["published"] or article.published
    origin = row["published_source"] if row["published"] else article.published_source
    return replace(article, title=row["title"], paragraphs=tuple((row["text"] or "").split("\n")),
                   published=published, published_source=origin)


def richer_metadata(row: dict[str, Any], article: ExtractedArticle, clock: str | None = None) -> dict[str, Any]:
    """What another rendering of a stored article (same title and text) tells that its row lacks.

    An article met first as its AMP, print or mobile page and then as its full page keeps the first page's row, but
    a byline that page had no room for, or the time of day where it printed only the day, come from the fuller one.
    """
    found: dict[str, Any] = {}
    if article.author and not row.get("author"):
        found["author"] = article.author
    # a row without a date that meets a dated rendering is a new version (history.date_changed), not this
    old, new = row.get("published") or "", article.published or ""
    if old and len(old) == 10 < len(new) and new[:10] == old:
        found |= {"published": new, "published_source": article.published_source, "published_time": None}
    if clock and new == old and not row.get("published_time"):
        found["published_time"] = clock  # the time of day (no zone) only this rendering prints
    return found


def resolve_url(session: ArchiveSession, outlet_name: str, url: str, request_url: str | None,
                article: ExtractedArticle) -> tuple[str, list[tuple[str, str]]]:
    """The URL of the article row a page belongs to, and the page's other URLs with how each was learned.

    In order: the page's own canonical URL (rel=canonical when trustworthy, learned session parameters dropped);
    an article that any of its URLs (fetched, requested before redirects, the redirect hops between, default
    document dropped) already names, as its URL or an alias; an article of the outlet with the same title and body
    (the same-body rule, which also learns a session parameter when the two URLs differ only in a token-like
    value). Of two URLs that serve one body the cleaner one (fewer query parameters, shorter) becomes the row's URL.
    """
    db = session.catalogue.db
    outlet = session.by_name[outlet_name]
    listings = (outlet.homepage, *outlet.start_urls, *outlet.feeds, *outlet.sitemaps)
    digest = text_digest(article.title, article.text)
    if not session.config.aliases:
        canonical = choose_canonical(url, article.canonical_link, outlet.domains(), listings=listings)
        canonical = own_canonical(session, outlet_name, canonical, canonicalize(url))  # crawler.capture.claims
        return uncontested(session, outlet_name, canonical, [canonicalize(url)], article, digest), []
    drop = session.session_params(outlet_name)
    canonical = choose_canonical(url, article.canonical_link, outlet.domains(), drop, listings)
    canonical = own_canonical(session, outlet_name, canonical, canonicalize(url, drop))  # its outlet's, and live
    seen: list[tuple[str, str]] = [(canonical, "")]
    hops: list[str] = []
    fetched = canonicalize(url, drop)
    if fetched != canonical:
        seen.append((fetched, "canonical"))
    if request_url:
        requested = canonicalize(request_url, drop)
        if requested not in (fetched, canonical):
            seen.append((requested, "redirect"))
            # every hop of a chain ("/old?ID=5" -> 301 "/legacy/5" -> 302 "/news/5"), read from the archived 3xx,
            # that looks like an article URL of the outlet: a shared hop ("/setcookie.php", a consent or login page)
            # leads to every article. Recorded only, never used to find the article this page is
            hops = [h for h in redirect_hops(session, request_url, fetched, drop) if outlet.is_article(h)]
    for raw in (url, request_url):
        if raw and canonicalize(raw) != canonicalize(raw, drop):
            seen.append((canonicalize(raw), "session-param"))
    if canonical != fetched:
        own = [u for u, _ in seen[1:]]  # the fetched URL first
        checked = uncontested(session, outlet_name, canonical, own + [identity_key(u, drop) for u in own], article,
                              digest)
        if checked != canonical:
            # another article holds the declared canonical: this page keeps its own URLs
            canonical = checked
            seen = [(canonical, "")] + [(u, h) for u, h in seen[1:] if u != canonical]
    for known, _ in list(seen):
        key = identity_key(known, drop)
        if key != known:
            seen.append((key, alias_reason(key, known, drop) or "default-document"))
    target = canonical
    found = aliases.find_article(db, [u for u, _ in seen])
    if found is not None and aliases.release_stale_same_body(db, found, [u for u, _ in seen], digest):
        found = None
    if (found is not None and canonical == fetched and found["id"] == aliases.url_id(canonical)
            and found["outlet"] == outlet_name and found["text_digest"] != digest
            and not same_article(found["title"] or "", found["text"] or "", article.title, article.text,
                                 found["published"], article.published)
            and give_back(session, found, canonical)):
        # the row under this URL is another page's that borrowed it (its rel=canonical named this URL before this
        # page was fetched): the borrower takes back its own URL, and this page is a new article
        found = None
    if found is not None:
        found = live_row(session, found, url, request_url)  # its URL answered 404 or redirects elsewhere: this one
        target = found["url"]
        # the rule that ties this page to the URL that found it ("آ" spelt as "ا" + U+0653 beside an alias)
        # a page reached by a redirect from the row's own URL (the article moved to a new slug, or to https: the row
        # keeps its URL, claims.dead) is an alias learnt by that redirect, not by a canonical link (before stop 40)
        via = "redirect" if request_url and canonicalize(request_url, drop) == target != fetched else "canonical"
        how = next((h for h in (alias_reason(canonical, u, drop) for u in (target, *(u for u, _ in seen[1:])))
                    if h), via)
        tie = alias_reason(canonical, target, drop)
        if tie in ("default-document", "url-rule") and url_rank(canonical) < url_rank(target):
            # "/x/index.php" or "/x//" archived first, "/x/" now: the row takes the cleaner URL whatever the arrival
            # order
            aliases.rekey_article(db, session.config.data_dir, found["id"], canonical, tie, **in_batch(session))
            target, how = canonical, tie
            seen = [(target, "")] + [(u, h) for u, h in seen[1:] if u != target] + [(found["url"], how)]
        seen[0] = (canonical, how)
    else:
        twin = aliases.same_body_article(db, outlet_name, digest, aliases.url_id(canonical))
        if twin is not None:
            twin = live_row(session, twin, url, request_url)
            # against every URL of the twin, not only its row's: "?id=2&s=<token>" tells "s" apart from "?id=2"
            # even when the row's URL is "?id=2&from=rss" (which differs in more than a token)
            params, other = (), twin["url"]
            for other in aliases.article_urls(db, twin["id"]):
                params = session_params_between(other, canonical)
                if params:
                    break
            if params and session.learn_session_params(outlet_name, params,
                                                       f"{other} and {canonical} serve one body"):
                # rows already stored under URLs with the new session parameter get the URL without it;
                # then this page is resolved again, now with the parameter dropped
                sweep_params(session.catalogue, session.config.data_dir, outlet_name, list(params),
                             **in_batch(session))
                return resolve_url(session, outlet_name, url, request_url, article)
            how = "session-param" if params else "same-body"
            if url_rank(canonical) < url_rank(twin["url"]):
                aliases.rekey_article(db, session.config.data_dir, twin["id"], canonical, how, **in_batch(session))
            else:
                target = twin["url"]
                seen[0] = (canonical, how)
    others: dict[str, str] = {}
    for other, how in seen:
        if other != target and other not in others:
            others[other] = how
    for hop in hops:
        if hop != target and hop not in others and aliases.find_article(db, [hop]) is None:
            others[hop] = "redirect"
    return target, list(others.items())


def redirect_hops(session: ArchiveSession, start: str, end: str, drop: tuple[str, ...]) -> list[str]:
    """The canonical URLs between ``start`` and ``end`` of an archived redirect chain (at most 10 hops)."""
    hops: list[str] = []
    current = start
    for _ in range(10):
        location = aliases.redirect_location(session.catalogue.db, current)
        if location is None:
            break
        # made URL-safe first, as Scrapy's redirect middleware does (a raw Arabic or spaced Location)
        current = urljoin(current, safe_url_string(location))
        hop = canonicalize(current, drop)
        if hop == end or hop in hops:
            break
        hops.append(hop)
    return hops
