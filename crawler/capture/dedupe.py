"""Finding and merging catalogue rows that are one article, by today's URL rules and the same-body rule (no scrapy)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from archive.catalogue import aliases, lookups
from archive.catalogue.db import Catalogue
from archive.catalogue.transactions import immediate
from crawler.discovery.urls import alias_reason, canonicalize, identity_key, session_params_between, url_rank

logger = logging.getLogger(__name__)


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
        return outlet + "\n" + identity_key(url, drop(outlet))

    def rank(row: dict[str, Any]) -> tuple[Any, ...]:
        # the cleanest URL is kept (no session token, fewest parameters), then the earliest row
        return (url_rank(row["url"]), row["first_seen"] or "", row["id"])

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
    report.plan = plan(catalogue, report.learned if dry_run else None)
    if not dry_run and report.plan.groups:
        report.merges += aliases.apply_dedupe(catalogue.db, data_dir, report.plan)
        catalogue.reconcile_history()  # diffs between versions that are now neighbours
    report.redirects = learn_redirects(catalogue, dry_run=dry_run)
    return report


def learn_redirects(catalogue: Catalogue, *, dry_run: bool = False) -> list[tuple[str, str]]:
    """The archived redirects whose target is an article: their source URL recorded as an alias of it."""
    found = []
    for row in lookups.archived_redirects(catalogue.db):
        source, target = canonicalize(row["url"]), canonicalize(urljoin(row["url"], row["location"]))
        if source == target or aliases.find_article(catalogue.db, [source]) is not None:
            continue
        article = aliases.find_article(catalogue.db, [target])
        if article is None:
            continue
        if not dry_run:
            with immediate(catalogue.db):
                aliases.add_alias(catalogue.db, source, article["id"], "redirect", outlet=article["outlet"],
                                  capture_id=row["id"])
        found.append((source, article["id"]))
    return found


def sweep_params(catalogue: Catalogue, data_dir: Path, outlet: str, names: list[str]) -> list[aliases.Merge]:
    """After session parameters are learned: give the outlet's rows whose URL carries one the URL without it.

    A row whose clean URL is another row's is merged into that row; otherwise it is re-keyed to the clean URL.
    """
    drop = aliases.learned_params(catalogue.db, outlet)
    merges = []
    for name in names:
        for row in lookups.articles_with_param(catalogue.db, outlet, name):
            clean = canonicalize(row["url"], drop)
            if clean == row["url"] or catalogue.get_article(row["id"]) is None:
                continue
            existing = catalogue.get_article(aliases.url_id(clean))
            if existing is not None:
                merges.append(aliases.merge_articles(catalogue.db, data_dir, existing["id"], row["id"], "session-param"))
            else:
                merges.append(aliases.rekey_article(catalogue.db, data_dir, row["id"], clean, "session-param"))
        # aliases recorded before the parameter was known: their clean form names the article too (discovery
        # drops the parameter from links from now on, and must find the article under what it asks for)
        rows = lookups.aliases_with_param(catalogue.db, outlet, name)
        with immediate(catalogue.db):
            for row in rows:
                clean = canonicalize(row["url"], drop)
                if clean != row["url"]:
                    aliases.add_alias(catalogue.db, clean, row["article_id"], row["how"], outlet=outlet)
    if merges:
        catalogue.reconcile_history()
    return merges
