"""Finding and merging catalogue rows that are one article, by today's URL rules and the same-body rule (no scrapy)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from archive.catalogue import aliases, lookups
from archive.catalogue.db import Catalogue
from archive.catalogue.transactions import immediate
from archive.corpus import textfiles as textexport
from archive.corpus.arabic import normalise
from crawler.capture.part_dedupe import find_parts, fold_parts
from crawler.discovery.urls import (
    alias_reason,
    canonicalize,
    identity_key,
    is_root,
    session_params_between,
    url_rank,
)

logger = logging.getLogger(__name__)


# Two pages are renderings or edits of one article (AMP, print, a corrected text) when at least 70 % of the words of
# the longer one occur in the other, or 50 % under one headline. Words as sets: a rendering may repeat or drop a
# caption, never swap the story. Two reports of one outlet on one topic share a third of their words at most in
# tests/unseenportal and tests/legacyportal (0.36); a wrong "same" merges two articles, a wrong "other" only keeps a
# rendering apart, so the bar is high.
SAME_ARTICLE_OVERLAP = 0.7
SAME_HEADLINE_OVERLAP = 0.5
WORD_RE = re.compile(r"\w+")
# A teaser quotes its story's whole opening paragraph: one this long is no boilerplate line two stories share.
TEASER_LEAD_MIN_CHARS = 60
# ... and adds little of its own (a date, a "loading" line, a "read the whole story" link): a page with a paragraph
# the story lacks is another report (a follow-up reusing the headline and the lead), whatever its length. The story
# adds more than this many words (a paragraph at least): a page that adds as little is the same text padded (a print
# view's "printed from" line, a share line: ``padded``), and neither is the fuller rendering.
TEASER_OWN_MAX_WORDS = 12


def teaser_of(title_a: str, text_a: str, title_b: str, text_b: str) -> bool:
    """Whether page ``a`` is a teaser of page ``b``: ``b``'s headline and ``b``'s whole opening paragraph, word for
    word, in a shorter text that adds at most ``TEASER_OWN_MAX_WORDS`` words ``b`` lacks, while ``b`` adds more than
    that many words ``a`` lacks (a thin canonical page whose script loads the rest beside its AMP page, a paywall
    stub). Headlines and texts are compared in one normal form (``archive.corpus.arabic.normalise``: NFKC, no
    tatweel, diacritics or zero-width characters).

    Word overlap misses these (a lead is a fifth of the story's words, and a thin page's extraction adds its date and
    its "loading" line), so the test is the verbatim lead under the same headline (tests/test_unseen_styles6_units.py).
    """
    headline = normalise(title_a or "")
    if not headline or headline != normalise(title_b or ""):
        return False
    return _teaser(headline, normalise(text_a or ""), _lead(text_b), normalise(text_b or ""))


def _lead(text: str | None) -> str:
    """A page's opening paragraph, normalised as ``teaser_of`` compares it."""
    return normalise((text or "").split("\n")[0])


def _teaser(headline: str, flat: str, lead: str, full: str) -> bool:
    """``teaser_of`` on normalised strings, the headlines already equal: ``flat`` is the shorter page's text,
    ``lead`` and ``full`` the story's opening paragraph and text."""
    if len(lead) < TEASER_LEAD_MIN_CHARS or len(flat) >= len(full) or lead not in flat:
        return False
    known = set(WORD_RE.findall(f"{headline} {full}"))
    own = [w for w in WORD_RE.findall(flat.replace(lead, " ", 1)) if w not in known]
    if len(own) > TEASER_OWN_MAX_WORDS:
        return False
    mine = set(WORD_RE.findall(f"{headline} {flat}"))  # the story is the fuller page: it adds a paragraph at least
    return sum(w not in mine for w in WORD_RE.findall(full)) > TEASER_OWN_MAX_WORDS


def padded(title_a: str, text_a: str, title_b: str, text_b: str) -> bool:
    """Whether page ``a`` is page ``b``'s text padded: ``b``'s headline and every paragraph of ``b``, word for word and
    in order, in a longer text that adds at most ``TEASER_OWN_MAX_WORDS`` words ``b`` lacks (a print view's "printed
    from" line, a share line). Compared as ``teaser_of`` compares; a changed word is no padding (a correction)."""
    headline = normalise(title_a or "")
    flat, full = normalise(text_a or ""), normalise(text_b or "")
    if not headline or headline != normalise(title_b or "") or not full or len(flat) <= len(full):
        return False
    at = 0
    for line in (text_b or "").split("\n"):
        line = normalise(line)
        found = flat.find(line, at)
        if found < 0:
            return False
        at = found + len(line)
    known = set(WORD_RE.findall(f"{headline} {full}"))
    return sum(w not in known for w in WORD_RE.findall(flat)) <= TEASER_OWN_MAX_WORDS


def same_article(title_a: str, text_a: str, title_b: str, text_b: str, published_a: str | None = None,
                 published_b: str | None = None) -> bool:
    """Whether two extracted pages are renderings or edits of one article (used before trusting a ``rel=canonical``).

    Two pages published on different days (``published_a``, ``published_b``: ISO dates, when both are known) are
    never one article: a daily bulletin or an exchange-rate page repeats its headline and half its words every day.
    """
    if published_a and published_b and published_a[:10] != published_b[:10]:
        return False
    headline = normalise(title_a or "")
    if headline and headline == normalise(title_b or ""):  # a teaser either way: each text normalised once
        flat_a, flat_b = normalise(text_a or ""), normalise(text_b or "")
        if _teaser(headline, flat_a, _lead(text_b), flat_b) or _teaser(headline, flat_b, _lead(text_a), flat_a):
            return True
    words_a = set(WORD_RE.findall(f"{title_a} {text_a}"))
    words_b = set(WORD_RE.findall(f"{title_b} {text_b}"))
    if not words_a or not words_b:
        return False
    overlap = len(words_a & words_b) / max(len(words_a), len(words_b))
    same_headline = " ".join(title_a.split()) == " ".join(title_b.split()) != ""
    return overlap >= (SAME_HEADLINE_OVERLAP if same_headline else SAME_ARTICLE_OVERLAP)


@dataclass
class DedupeReport:
    """What a dedupe learned and merged (or, on a dry run, would merge)."""

    learned: dict[str, list[str]] = field(default_factory=dict)  # outlet -> new session parameters
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (old URL, article id) recorded as aliases
    plan: aliases.DedupePlan = field(default_factory=aliases.DedupePlan)
    merges: list[aliases.Merge] = field(default_factory=list)


def learn_from_bodies(catalogue: Catalogue, outlets: list[str] | None = None, *,
                      dry_run: bool = False) -> dict[str, list[str]]:
    """Session parameters shown by rows of one outlet with one body whose URLs differ only in token-like values."""
    learned: dict[str, list[str]] = {}
    for group in lookups.same_body_groups(catalogue.db):
        if outlets is not None and group["outlet"] not in outlets:
            continue
        urls = sorted(group["urls"].split("\n"))
        for i, a in enumerate(urls):
            for b in urls[i + 1:]:
                names = session_params_between(a, b)
                known = set(aliases.learned_params(catalogue.db, group["outlet"])) | set(
                    learned.get(group["outlet"], []))
                new = [n for n in names if n.lower() not in known]
                if not new:
                    continue
                if not dry_run:
                    with immediate(catalogue.db):
                        aliases.learn_params(catalogue.db, group["outlet"], new, f"{a} and {b} serve one body")
                learned.setdefault(group["outlet"], []).extend(n.lower() for n in new)
    return learned


def plan(catalogue: Catalogue, extra_params: dict[str, list[str]] | None = None) -> aliases.DedupePlan:
    """The rows that are one article: the same identity key (learned session parameters dropped) or the same body."""
    params: dict[str, tuple[str, ...]] = {}

    def drop(outlet: str) -> tuple[str, ...]:
        if outlet not in params:
            params[outlet] = tuple(aliases.learned_params(catalogue.db, outlet)) + tuple(
                (extra_params or {}).get(outlet, ()))
        return params[outlet]

    def key_of(url: str, outlet: str) -> str:
        key = identity_key(url, drop(outlet))
        if is_root(key):
            return f"{outlet}\n{url}\nroot"  # a home page names no article: never grouped by it (rehome_root_rows)
        return outlet + "\n" + key

    def rank(row: dict[str, Any]) -> tuple[Any, ...]:
        # a URL that still answers is kept (its latest capture no 404/410 or redirect elsewhere: a cleaner but dead
        # URL was kept, and the next re-check recorded the live article deleted), then the cleanest URL (no session
        # token, fewest parameters), then the earliest row
        gone = lookups.gone_status(catalogue.db, row["url"]) is not None
        return (gone, url_rank(row["url"]), row["first_seen"] or "", row["id"])

    def how_of(kept: dict[str, Any], dropped: dict[str, Any]) -> str:
        return alias_reason(dropped["url"], kept["url"], drop(kept["outlet"])) or "same-body"

    return aliases.plan_dedupe(catalogue.db, key_of, rank, how_of)


def dedupe(catalogue: Catalogue, data_dir: Path, *, dry_run: bool = False,
           outlets: list[str] | None = None) -> DedupeReport:
    """Learn session parameters, then merge every group of rows that are one article (keep every capture).

    ``outlets`` limits learning (the ingest sweep after a parameter is learned); merging covers the catalogue.
    """
    report = DedupeReport()
    report.learned = learn_from_bodies(catalogue, outlets, dry_run=dry_run)
    if not dry_run:
        # rows stored under a URL with a learned session parameter take the URL without it first
        for outlet in lookups.outlets_with_session_params(catalogue.db):
            report.merges += sweep_params(catalogue, data_dir, outlet, list(aliases.learned_params(catalogue.db,
                                                                                                  outlet)))
        report.merges += rehome_root_rows(catalogue, data_dir)
        # a later page of an article split over pages stored as an article of its own (crawler/capture/part_dedupe.py)
        report.merges += fold_parts(catalogue, data_dir)
    report.plan = plan(catalogue, report.learned if dry_run else None)
    if dry_run:  # the later pages that fold_parts would fold, each a group of its own
        report.plan.groups += [(catalogue.get_article(a), [(catalogue.get_article(p), "page-part")])
                               for a, p in find_parts(catalogue)]
    if not dry_run and report.plan.groups:
        report.merges += aliases.apply_dedupe(catalogue.db, data_dir, report.plan)
        catalogue.reconcile_history()  # diffs between versions that are now neighbours
    report.redirects = learn_redirects(catalogue, dry_run=dry_run)
    return report


def rehome_root_rows(catalogue: Catalogue, data_dir: Path) -> list[aliases.Merge]:
    """Rows stored under a home page URL (a ``rel=canonical`` to "/index.php" trusted before such canonicals were
    refused) take the URL their current text was fetched under (else the cleanest they were fetched under); the home
    page is no alias of theirs afterwards."""
    merges = []
    for row in aliases.all_article_urls(catalogue.db):
        if not is_root(row["url"]):
            continue
        article = catalogue.get_article(row["id"])
        fetched = [canonicalize(u) for u in aliases.captured_urls(catalogue.db, article) if not is_root(u)]
        if not fetched:
            continue
        current = aliases.capture_url(catalogue.db, article["capture_id"])
        home = canonicalize(current) if current and not is_root(current) else min(fetched, key=url_rank)
        if catalogue.get_article(aliases.url_id(home)) is not None:
            continue  # an article of its own already: the body rule of plan() decides
        merges.append(aliases.rekey_article(catalogue.db, data_dir, row["id"], home, "canonical"))
        with immediate(catalogue.db):
            for url in aliases.article_urls(catalogue.db, aliases.url_id(home))[1:]:
                if is_root(url):
                    aliases.forget_alias(catalogue.db, url, aliases.url_id(home))
    return merges


def learn_redirects(catalogue: Catalogue, *, dry_run: bool = False) -> list[tuple[str, str]]:
    """The archived redirects that lead to an article (directly or through more redirects): their source URL
    recorded as an alias of it."""
    found = []
    redirects = lookups.archived_redirects(catalogue.db)
    # a chain "/old?ID=5" -> "/legacy/5" -> "/news/5" is followed to its end
    targets: dict[str, set[str]] = {}
    for r in redirects:
        targets.setdefault(canonicalize(r["url"]), set()).add(canonicalize(urljoin(r["url"], r["location"])))
    moves = {source: next(iter(places)) for source, places in targets.items() if len(places) == 1}
    for row in redirects:
        source = canonicalize(row["url"])
        if source not in moves or aliases.find_article(catalogue.db, [source]) is not None:
            continue  # a URL that sent visitors to several places ("/setcookie.php") is no article's address
        article, target, hops = None, moves[source], {source}
        while article is None and target not in hops and len(hops) <= 10:
            article = aliases.find_article(catalogue.db, [target])
            hops.add(target)
            target = moves.get(target, target)
        if article is None:
            continue
        if not dry_run:
            with immediate(catalogue.db):
                aliases.add_alias(catalogue.db, source, article["id"], "redirect", outlet=article["outlet"],
                                  capture_id=row["id"])
        found.append((source, article["id"]))
    return found


def _fewer_params(url: str, than: str) -> bool:
    """Whether ``url`` is ``than`` with some of its query parameters left out (same scheme, host and path)."""
    a, b = urlsplit(url), urlsplit(than)
    if (a.scheme, a.netloc, a.path) != (b.scheme, b.netloc, b.path):
        return False
    qa, qb = set(parse_qsl(a.query, keep_blank_values=True)), set(parse_qsl(b.query, keep_blank_values=True))
    return qa < qb


def sweep_params(catalogue: Catalogue, data_dir: Path, outlet: str, names: list[str], *,
                 stale: list[str] | None = None,
                 write: aliases.WriteText = textexport.write_text) -> list[aliases.Merge]:
    """After session parameters are learned: give the outlet's rows whose URL carries one the URL without it.

    A row whose clean URL is another row's is merged into that row; otherwise it is re-keyed to the clean URL.
    ``stale``, ``write``: the writer batch's list of unused files and its staging writer when it runs inside one
    (aliases.merge_articles), so a text file staged earlier in the batch and made unused here goes once the batch
    commits, not before it exists.
    """
    files = {"stale": stale, "write": write}
    drop = aliases.learned_params(catalogue.db, outlet)
    merges = []
    for name in names:
        for row in lookups.articles_with_param(catalogue.db, outlet, name):
            clean = canonicalize(row["url"], drop)
            article = catalogue.get_article(row["id"])
            if clean == row["url"] or article is None:
                continue
            existing = catalogue.get_article(aliases.url_id(clean))
            if existing is not None:
                if existing["text_digest"] != article["text_digest"] and not same_article(
                        existing["title"] or "", existing["text"] or "", article["title"] or "", article["text"] or "",
                        existing["published"], article["published"]):
                    # the parameter selects content on this page after all (learned on another script or path)
                    logger.warning("%s and %s differ only in session parameter %r but are different articles: "
                                   "not merged", row["url"], clean, name)
                    continue
                merges.append(aliases.merge_articles(catalogue.db, data_dir, existing["id"], row["id"], "session-param",
                                                     **files))
            else:
                merges.append(aliases.rekey_article(catalogue.db, data_dir, row["id"], clean, "session-param", **files))
        # aliases recorded before the parameter was known: their clean form names the article too (discovery
        # drops the parameter from links from now on, and must find the article under what it asks for)
        for row in lookups.aliases_with_param(catalogue.db, outlet, name):
            clean = canonicalize(row["url"], drop)
            # by the alias's URL, not row["article_id"]: a re-key earlier in this loop gave the article a new id
            article = aliases.find_article(catalogue.db, [row["url"]])
            if clean == row["url"] or article is None:
                continue
            if _fewer_params(clean, article["url"]) and catalogue.get_article(aliases.url_id(clean)) is None:
                # the row's own URL with parameters fewer ("?id=2" for a row stored as "?id=2&from=rss"): the row
                # takes it. Never another path: a row stored under its rel=canonical keeps it
                merges.append(aliases.rekey_article(catalogue.db, data_dir, article["id"], clean, "session-param",
                                                    **files))
                continue
            with immediate(catalogue.db):
                aliases.add_alias(catalogue.db, clean, article["id"], row["how"], outlet=outlet)
    if merges:
        catalogue.reconcile_history()
    return merges
