"""Whose URL is it: a page's rel=canonical checked before a row takes it, a row's dead URL given up for a live one,
and the writer-batch helpers a re-key needs (split from crawler/capture/ingest.py, which calls these)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from archive.catalogue import aliases, lookups, renderings
from archive.catalogue.transactions import immediate
from archive.corpus import textfiles as textexport
from archive.records import ExtractedArticle
from crawler.capture.dedupe import same_article
from crawler.capture.session import ArchiveSession
from crawler.discovery.urls import alias_reason, canonicalize, identity_key, url_rank

logger = logging.getLogger(__name__)


def would_fetch(session: ArchiveSession, outlet_name: str, url: str) -> bool:
    """True when ``url`` is one the outlet would fetch as an article: it matches its ``article_urls`` (when set) and
    none of its ``deny_urls``, and it is no article of another configured outlet (two outlets on one host)."""
    outlet = session.by_name[outlet_name]
    if outlet.article_urls:
        return outlet.is_article(url)  # a URL both outlets take is this one's too (the first reader's)
    return not denied(session, outlet_name, url) and not elsewhere(session, outlet_name, url)


def denied(session: ArchiveSession, outlet_name: str, url: str) -> bool:
    """Whether ``url`` matches the outlet's ``deny_urls`` (in any spelling of its escapes, as ``is_article`` asks)."""
    return session.by_name[outlet_name].is_denied(url)


def elsewhere(session: ArchiveSession, outlet_name: str, url: str) -> bool:
    """Whether ``url`` is an article URL of another configured outlet on whose domains it is."""
    return any(o.name != outlet_name and o.article_urls and o.owns(url) and o.is_article(url)
               for o in session.by_name.values())


def own_canonical(session: ArchiveSession, outlet_name: str, canonical: str, fetched: str) -> str:
    """``canonical`` (the page's rel=canonical, already on the outlet's domains) when the outlet would fetch it as an
    article and its latest capture is no 404/410 or redirect; else ``fetched``, the URL the page answered at.

    A canonical naming a section page, a denied print view or another outlet's article made that URL the row's: the
    edit watch then fetched the section page as the article, and the other outlet's own article was settled
    ``known-article`` and never fetched (probe I2, stop 39). A canonical that is no outlet's article URL and not
    denied (a CMS pointing its articles at a section page) is remembered as contested, as it was once two pages
    named it (``uncontested``): no page of any outlet takes it as its row's URL."""
    if canonical == fetched:
        return canonical
    if len(canonical) > session.config.url_max_length:
        # a URL the crawl never fetches (CRAWL_URL_MAX_LENGTH): a declared one of 100,000 characters became the row's
        # URL whole, past the bound every other row keeps (hostile web round ten); not remembered as contested either
        logger.info("%s declares a canonical URL of %d characters: the page keeps its own URL", fetched, len(canonical))
        return fetched
    if not would_fetch(session, outlet_name, canonical):
        logger.info("%s declares %s as its canonical URL, no article URL of %s: the page keeps its own URL",
                    fetched, canonical, outlet_name)
        if not denied(session, outlet_name, canonical) and not elsewhere(session, outlet_name, canonical):
            with immediate(session.catalogue.db):
                aliases.mark_contested(session.catalogue.db, canonical, outlet_name)
        return fetched
    if lookups.gone_status(session.catalogue.db, canonical):
        return fetched  # the canonical answered 404/410 or redirects elsewhere: the page's own URL is the live one
    return canonical


def live_row(session: ArchiveSession, row: dict[str, Any], url: str, request_url: str | None) -> dict[str, Any]:
    """``row``, or the same article re-keyed to ``url`` (the page now being stored, fetched with a 200) when the
    row's URL answered 404/410 or redirected to another article at its latest capture (``dead``): an article whose
    URL changed (no redirect), or whose row took a canonical that is dead, keeps its live URL and is not recorded
    deleted. Not when this page was reached by a redirect from the row's URL (an old URL that redirects here is an
    alias as before). The dead URL stays an alias: ``canonical`` when it was only ever declared (never fetched as
    the article), else ``same-body``."""
    db = session.catalogue.db
    drop = session.session_params(row["outlet"]) if session.config.aliases else ()
    fetched = canonicalize(url, drop)
    if fetched == row["url"] or (request_url and canonicalize(request_url, drop) == row["url"]):
        return row
    status = dead(session, row)
    capture = lookups.latest_capture(db, url)
    if status is None or capture is None or session.catalogue.get_article(aliases.url_id(fetched)) is not None:
        return row
    gone_url = row["url"]
    how = "same-body" if gone_url in aliases.captured_urls(db, row) else "canonical"
    merge = aliases.rekey_article(db, session.config.data_dir, row["id"], fetched, how, **in_batch(session))
    with immediate(db):
        lookups.record_move(db, merge.kept, gone_url, status, capture["id"])
    logger.info("article %s: %s answered %s, the article answers at %s: its URL now", merge.kept, gone_url, status,
                fetched)
    return session.catalogue.get_article(merge.kept) or row


def converge(session: ArchiveSession, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (just given a new version), or the row it is now merged into: when its text is exactly another row's
    of the same outlet (an edit that also moved the story to a new slug, the old URL answering with the new text),
    the two are one article, merged as ``newsarchive dedupe`` merges them (every capture and version kept, the lowest
    sequence number; kept: a URL that still answers, then the cleanest, then the earliest)."""
    twin = aliases.same_body_article(session.catalogue.db, row["outlet"], row["text_digest"], row["id"])
    if twin is None or twin["text_digest"] != row["text_digest"]:
        return row
    return one_article(session, row, twin)


def lesser_rendering(session: ArchiveSession, row: dict[str, Any], digest: str,
                     capture_id: int | None) -> dict[str, Any]:
    """``row``, after a page whose body has text digest ``digest`` was stored as one more capture of it, a lesser
    rendering (crawler.capture.ingest ``fuller_rendering``: a teaser met after its story, a print view that pads it);
    or the row it is now merged into.

    The body is remembered (archive.catalogue.renderings): a plain copy of that page met later is this row by the
    same-body rule, as a copy of an earlier version is. A copy met before, stored as an article of its own whose
    text is exactly that body (nothing tied it to the row then: the story named the row's URL, the copy another),
    is merged into the row now, as ``converge`` merges: whatever order the renderings arrived in, one row (issue 13).
    """
    db = session.catalogue.db
    if digest == row["text_digest"]:
        return row
    with immediate(db):
        renderings.record(db, row["id"], digest, capture_id)
    if not session.config.aliases:
        return row  # every URL its own row: ``dedupe`` folds the copy by this body
    while (copy := aliases.same_body_article(db, row["outlet"], digest, row["id"])) is not None \
            and copy["text_digest"] == digest:
        row = one_article(session, row, copy)
    return row


def one_article(session: ArchiveSession, row: dict[str, Any], twin: dict[str, Any]) -> dict[str, Any]:
    """Merge two rows of one article as ``newsarchive dedupe`` merges them (every capture and version kept, the
    lowest sequence number; kept: a URL that still answers, then the cleanest, then the earliest); the kept row."""
    db = session.catalogue.db

    def rank(r: dict[str, Any]) -> tuple[Any, ...]:
        return lookups.gone_status(db, r["url"]) is not None, url_rank(r["url"]), r["first_seen"] or "", r["id"]

    keep, drop = sorted((row, twin), key=rank)
    drop_params = session.session_params(row["outlet"]) if session.config.aliases else ()
    how = alias_reason(drop["url"], keep["url"], drop_params) or "same-body"
    aliases.merge_articles(db, session.config.data_dir, keep["id"], drop["id"], how, **in_batch(session))
    return session.catalogue.get_article(keep["id"]) or row


def dead(session: ArchiveSession, row: dict[str, Any]) -> int | None:
    """The status of the row's URL's latest capture when it says the article is not there: 404 or 410, or a redirect
    to another article (a redirect to the article itself, an old URL or http to https, is no reason to move)."""
    status = lookups.gone_status(session.catalogue.db, row["url"])
    if status is None or status >= 400:
        return status
    location = aliases.redirect_location(session.catalogue.db, row["url"])
    drop = session.session_params(row["outlet"]) if session.config.aliases else ()
    there = aliases.find_article(session.catalogue.db, [canonicalize(urljoin(row["url"], location), drop)]) \
        if location else None
    return status if there is not None and there["id"] != row["id"] else None


def in_batch(session: ArchiveSession) -> dict[str, Any]:
    """What a merge inside the writer's batch needs (aliases.merge_articles): its text file is staged with the batch's
    others (``stage_text``: published once it commits, the last one written under a name winning), and the files it
    makes unused are removed only once the batch has committed."""
    if session.staged_files is None:  # no batch (a direct call): the merge writes and removes its files itself
        return {}
    return {"stale": session.stale_files,
            "write": lambda data_dir, seq, article_id, title, paragraphs: stage_text(
                session, seq, article_id, title, paragraphs)}


def stage_text(session: ArchiveSession, seq: int, article_id: str, title: str, paragraphs: Iterable[str],
               rendered: str | None = None) -> str:
    """Stage an article's text file in the writer's batch (published once it commits: crawler.capture.apply);
    its path under the data folder."""
    relpath, tmp = textexport.stage_text(session.config.data_dir, seq, article_id, title, paragraphs, rendered)
    session.staged_files.append((tmp, relpath))
    return relpath


def uncontested(session: ArchiveSession, outlet_name: str, canonical: str, own_urls: list[str],
                article: ExtractedArticle, digest: str) -> str:
    """``canonical``, or the page's fetched URL (``own_urls[0]``) when another article already holds that canonical.

    A ``rel=canonical`` is a claim: when the article stored under it (under any spelling of it: its identity key) has
    another title and text (not an edit of this page: ``dedupe.same_article``) and none of this page's own URLs leads
    to it, two different articles name one canonical (a CMS that points its pages at a section page), and trusting it
    would overwrite one with the other. The first page that took such a URL as its own is given back the URL it was
    fetched under, and the URL is remembered as contested (archive.catalogue.aliases.mark_contested): no later page
    takes it as its row's URL. An article of another outlet (two outlets on one domain, a syndicated copy) is never
    this outlet's row either.
    """
    if not own_urls or canonical == own_urls[0]:
        return canonical
    db = session.catalogue.db
    drop = session.session_params(outlet_name) if session.config.aliases else ()
    # "/news//5", "/news/5/index.php" or an NFD slug name the article stored as "/news/5" too
    forms = list(dict.fromkeys((canonical, identity_key(canonical, drop))))
    if any(aliases.is_contested(db, form) for form in forms):
        return own_urls[0]
    claimant = aliases.find_article(db, forms)
    if claimant is not None and claimant["outlet"] != outlet_name:
        return own_urls[0]
    if claimant is None or claimant["text_digest"] == digest or same_article(
            claimant["title"] or "", claimant["text"] or "", article.title, article.text, claimant["published"],
            article.published):
        return canonical
    own = aliases.find_article(db, own_urls)
    if own is not None and own["id"] == claimant["id"]:
        return canonical  # one of this page's URLs already leads there: an edit of that article
    logger.info("%s and article %s both declare %s as their canonical URL: neither keeps it", own_urls[0],
                claimant["id"], canonical)
    give_back(session, claimant, canonical, contested=outlet_name)
    return own_urls[0]


def give_back(session: ArchiveSession, claimant: dict[str, Any], canonical: str, *, contested: str | None = None) -> bool:
    """Give an article stored under ``canonical``, a URL it was never fetched under (its ``rel=canonical``), the
    cleanest URL it was fetched under; ``contested``: the outlet under which ``canonical`` is then marked contested.

    False (nothing changed) when one of its captures was fetched under ``canonical`` (by identity key: "/x/index.php"
    was fetched under "/x/"), when no capture is known, or when that URL is another article's already.
    """
    db = session.catalogue.db
    drop = session.session_params(claimant["outlet"]) if session.config.aliases else ()
    captured = [canonicalize(u, drop) for u in aliases.captured_urls(db, claimant)]
    key = identity_key(canonical, drop)
    if not captured or key in {identity_key(u, drop) for u in captured}:
        return False
    # the cleanest URL it was fetched under, or that a rule ties to one of them (never an old, redirected one)
    fetched_as = aliases.article_urls(db, claimant["id"], ("canonical", "url-rule", "default-document"))[1:]
    home = min((u for u in captured + fetched_as if identity_key(u, drop) != key), key=url_rank, default=None)
    if home is None or session.catalogue.get_article(aliases.url_id(home)) is not None:
        return False
    aliases.rekey_article(db, session.config.data_dir, claimant["id"], home, "canonical", **in_batch(session))
    with immediate(db):
        for form in dict.fromkeys((canonical, claimant["url"], key)):
            aliases.forget_alias(db, form, aliases.url_id(home))
        if contested is not None:
            aliases.mark_contested(db, canonical, contested)
    return True


