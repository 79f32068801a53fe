"""Manual and scheduled re-crawls of single URLs: which outlet each belongs to, and what changed (no scrapy)."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.catalogue import lookups
from archive.catalogue.db import Catalogue, article_id
from archive.corpus import history
from archive.errors import NewsArchiveError
from crawler.config.defaults import CRAWL_URL_MAX_LENGTH
from crawler.config.outlets import Outlet, load_outlets
from crawler.discovery.urls import canonicalize
from crawler.fetch.limits import bounded_url

logger = logging.getLogger(__name__)

UNLISTED = "unlisted"  # the outlet name given to URLs of no configured outlet under --any-outlet


class RecrawlError(NewsArchiveError):
    """A URL cannot be re-crawled as asked (wrong scheme, no outlet); the message says what to do."""


@dataclass(frozen=True)
class Target:
    """One URL to fetch now, and the outlet it is archived under."""

    url: str
    outlet: str


def assign_outlets(urls: list[str], outlets: list[Outlet], *, outlet: str | None = None,
                   any_outlet: bool = False) -> list[Target]:
    """Each URL with its outlet; refuse non-HTTP(S) URLs and URLs of no configured outlet (unless told)."""
    by_name = {o.name: o for o in outlets}
    if outlet is not None and outlet not in by_name:
        raise RecrawlError(f"no outlet called {outlet!r}; configured: {', '.join(by_name)}")
    targets: list[Target] = []
    for raw in urls:
        parts = urlsplit(raw.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise RecrawlError(f"{raw!r}: only http:// and https:// URLs can be re-crawled")
        url = canonicalize(raw)
        if outlet is not None:
            targets.append(Target(url, outlet))
            continue
        owner = next((o for o in outlets if o.owns(url)), None)
        if owner is not None:
            targets.append(Target(url, owner.name))
        elif any_outlet:
            targets.append(Target(url, UNLISTED))
        else:
            raise RecrawlError(
                f"{raw}: belongs to no configured outlet ({', '.join(by_name)}); pass --outlet NAME to archive it "
                f"under one of them, or --any-outlet to archive it under {UNLISTED!r}")
    return targets


def _toml_value(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # a JSON string, number or boolean is also a valid TOML one
    return json.dumps(value, ensure_ascii=False)


def unlisted_outlet_toml(targets: list[Target]) -> str:
    """The ``[[outlet]]`` table of the ad-hoc outlet that holds --any-outlet URLs of no configured outlet."""
    hosts = sorted({urlsplit(t.url).hostname or "" for t in targets if t.outlet == UNLISTED})
    first = next(t.url for t in targets if t.outlet == UNLISTED)
    parts = urlsplit(first)
    return (
        "# written by `newsarchive recrawl --any-outlet` for URLs of no configured outlet\n"
        "[[outlet]]\n"
        f"name = {_toml_value(UNLISTED)}\n"
        f"display_name = {_toml_value('URLs of no configured outlet')}\n"
        f"homepage = {_toml_value(f'{parts.scheme}://{parts.netloc}/')}\n"
        f"allowed_domains = {_toml_value(hosts)}\n"
        "robots_sitemaps = false\n"
        "schedule = \"1d\"\n"
    )


def seeds_with_unlisted(seeds: Path, targets: list[Target], folder: Path) -> Path:
    """A seeds folder under ``folder``: the configured files plus the ad-hoc outlet, when any target needs it."""
    if not any(t.outlet == UNLISTED for t in targets):
        return seeds
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted({Path(o.source) for o in load_outlets(seeds)})
    for i, src in enumerate(sources):
        shutil.copyfile(src, folder / f"{i:03d}-{src.name}")
    (folder / "zzz-unlisted.toml").write_text(unlisted_outlet_toml(targets), encoding="utf-8")
    return folder


def watched_outlets(outlets: list[Outlet]) -> set[str]:
    """The outlets whose due articles ``recrawl --due`` re-checks: those configured, and the ad-hoc ``unlisted``
    (re-created from its articles' hosts, as --any-outlet made it)."""
    return {o.name for o in outlets} | {UNLISTED}


def due_for_watch(catalogue: Catalogue, now: datetime, rules: tuple[history.DeltaRule, ...], outlets: set[str],
                  limit: int) -> list[dict[str, Any]]:
    """The watched articles of ``outlets`` due under the back-off ``rules``, most overdue first: what the scheduler's
    edit-watch (`recrawl --due --backoff B`) re-checks, and so what it asks before starting one, and what `status`
    counts (before stop 37 those two read the planned next_check_at, and a watch run started for articles the
    child, re-planning by --backoff, found not due: "nothing to re-check", recorded as a failed crawl)."""
    rows = lookups.due_by_plan(catalogue.db, now, rules, limit=1_000_000_000)
    return [r for r in rows if r["outlet"] in outlets][:limit]


# -- before and after ----------------------------------------------------------------------------


def find_article(catalogue: Catalogue, url: str, capture_ids: list[int] | None = None) -> dict[str, Any] | None:
    """The article a URL stands for: by this crawl's captures, by id, by URL, by a past capture's URL, or an alias."""
    for cid in reversed(capture_ids or []):
        found = lookups.article_of_capture(catalogue.db, cid)
        if found is not None:
            return found
    row = catalogue.get_article(article_id(url))
    return row if row is not None else catalogue.article_for_url(url)  # a past capture's URL, or an alias


@dataclass
class Before:
    """What the catalogue knew of a URL before the re-crawl."""

    article_id: str | None
    versions: int
    status: str | None


def snapshot(catalogue: Catalogue, targets: list[Target]) -> dict[str, Before]:
    """Each target's article, version count and status before the re-crawl."""
    out = {}
    for t in targets:
        row = find_article(catalogue, t.url)
        out[t.url] = Before(row["id"] if row else None, int(row["versions"] or 0) if row else 0,
                            row["status"] if row else None)
    return out


@dataclass
class Outcome:
    """What a re-crawl did with one URL."""

    url: str
    outlet: str
    # new, copy (of an article new in this re-crawl), updated, unchanged, not-modified, deleted, gone, returned,
    # no-article, not-fetched, failed (an error status after the retries; a 404/410 of a URL never archived)
    result: str
    http_status: int | None = None
    article_id: str | None = None
    version: int | None = None
    changed: list[str] = field(default_factory=list)
    diff: str = ""
    detail: str = ""
    redirect: str = ""  # the stored article the URL now redirects to; the result is that article's

    @property
    def ok(self) -> bool:
        """False when the URL could not be fetched, answered an error, or yielded no article."""
        return self.result not in ("not-fetched", "failed", "no-article")


def _chain(catalogue: Catalogue, crawl_id: int, url: str) -> list[dict[str, Any]]:
    """This crawl's captures of ``url`` and of the redirects it led to, in order."""
    rows = lookups.crawl_captures(catalogue.db, crawl_id)
    chain: list[dict[str, Any]] = []
    current = url
    for _ in range(12):
        hit = next((r for r in rows if r["url"] == current and r not in chain), None)
        if hit is None:
            break
        chain.append(hit)
        if not (300 <= (hit["status"] or 0) < 400 and hit["location"]):
            break
        location = hit["location"]
        if location.startswith("/"):
            parts = urlsplit(current)
            location = f"{parts.scheme}://{parts.netloc}{location}"
        current = canonicalize(location)
    return chain


def outcomes(
    catalogue: Catalogue,
    crawl_id: int,
    targets: list[Target],
    before: dict[str, Before],
    url_max_length: int = CRAWL_URL_MAX_LENGTH,
) -> list[Outcome]:
    """What happened to each target in re-crawl ``crawl_id``, with the diff of any new version. ``url_max_length``:
    the crawl's CRAWL_URL_MAX_LENGTH, past which a failure row stores a URL cut (``bounded_url``)."""
    out = []
    for t in targets:
        chain = _chain(catalogue, crawl_id, t.url)
        end = chain[-1]["url"] if chain else t.url
        failures = lookups.crawl_failures(catalogue.db, crawl_id, (t.url, end, bounded_url(t.url, url_max_length)))
        if not chain:
            reason = failures[-1]["reason"] + " " + (failures[-1]["detail"] or "") if failures else "no response"
            out.append(Outcome(t.url, t.outlet, "not-fetched", detail=reason.strip()))
            continue
        last = chain[-1]
        status = int(last["status"])
        refused = [f for f in failures if f["stage"] == "fetch"]
        if 300 <= status < 400 and refused:
            # a redirect the crawl refused to follow (private address, loop, too many): the hop is archived
            reason = f"{refused[-1]['reason']} {refused[-1]['detail'] or ''}".strip()
            out.append(Outcome(t.url, t.outlet, "not-fetched", http_status=status, detail=reason))
            continue
        if not 200 <= status < 400 and status not in history.GONE_STATUSES:
            # an error answer after the retries (5xx, 403, 429...): archived, but nothing was learnt of the article
            tries = sum(1 for c in lookups.crawl_captures(catalogue.db, crawl_id) if c["url"] == last["url"])
            reason = next((f["reason"] for f in reversed(failures) if f["stage"] == "fetch"), f"http-{status}")
            out.append(Outcome(t.url, t.outlet, "failed", http_status=status,
                               detail=f"{reason} after {tries} tries" if tries > 1 else reason))
            continue
        article = find_article(catalogue, last["url"], [c["id"] for c in chain]) or find_article(catalogue, t.url)
        prior = before.get(t.url, Before(None, 0, None))
        o = Outcome(t.url, t.outlet, "unchanged", http_status=status, article_id=article["id"] if article else None,
                    version=int(article["versions"] or 0) if article else None)
        events = [e for e in catalogue.events(article["id"]) if e["crawl_id"] == crawl_id] if article else []
        kinds = [e["kind"] for e in events]
        copy = False
        if article is not None and article["id"] != prior.article_id:
            # the URL stands for another article than before: one it was not known to be a copy of (an alias: a
            # print or AMP page, a redirect), or one it splits from (its text now differs from the story it copied)
            earlier = lookups.versions_before(catalogue.db, article["id"], crawl_id)
            if last["url"] != t.url and article["id"] != article_id(t.url):
                # a redirect to another article: what follows is that article's outcome, not this URL's
                o.redirect = article["url"]
            elif prior.article_id is not None and article["id"] == article_id(t.url):
                was = catalogue.get_article(prior.article_id)
                o.detail = f"now its own article, no longer a copy of {was['url'] if was else prior.article_id}"
            elif prior.article_id is not None:
                o.detail = f"now the same article as {article['url']}"
            elif article["id"] != article_id(t.url):
                copy = True
                o.detail = f"the same article as {article['url']}"
            prior = Before(article["id"] if earlier else None, len(earlier), prior.status)
        if not o.redirect and article is not None and len(chain) > 1 and canonicalize(last["url"]) != canonicalize(t.url):
            # the article's URL redirects to another URL of the same article (a new slug, http -> https): said, as
            # a redirect to another article is; before stop 40 a 301 was reported "HTTP 200: unchanged" alone
            o.redirect = last["url"]
        grew = bool(o.version and prior.article_id is not None and o.version > prior.versions)
        if status == 304 and not grew:  # (a 304 first page whose later page changed is a new version: below)
            o.result = "not-modified"
        elif status in history.GONE_STATUSES and article is not None and ("moved" in kinds or (
                article["url"] != t.url and article.get("status") == "live")):
            # a dead URL of an article that answers at another of its URLs (its row's now: crawler.capture.claims)
            o.result = "moved"
            o.detail = o.detail or f"now at {article['url']}"
        elif status in history.GONE_STATUSES and "deleted" not in kinds and article is None:
            # a 404/410 of a URL never archived as an article: an error answer, not a deletion (a deletion is of
            # an article that was live; before stop 37 this said "gone (already recorded as deleted)", exit 0)
            o.result = "failed"
            o.detail = next((f["reason"] for f in reversed(failures) if f["stage"] == "fetch"), f"http-{status}")
        elif status in history.GONE_STATUSES:
            o.result = "deleted" if "deleted" in kinds else "gone"
        elif article is not None and any(f["reason"] == "paywall" for f in failures):
            o.result = "walled"  # the stored story behind a subscription wall (crawler.capture.walls)
            o.detail = next(f["detail"] for f in failures if f["reason"] == "paywall")
        elif article is None or any(f["stage"] == "extract" for f in failures):
            o.result = "no-article"
            o.detail = "; ".join(f"{f['reason']} {f['detail'] or ''}".strip() for f in failures) or f"HTTP {status}"
        elif prior.article_id is None:
            o.result = "copy" if copy else "new"
        elif o.version and o.version > prior.versions:
            o.result = "updated"
            versions = catalogue.versions(article["id"])
            old, new = versions[prior.versions - 1] if prior.versions else versions[0], versions[-1]
            o.changed = history.changed_fields(history.Snapshot.from_row(old), history.Snapshot.from_row(new))
            o.diff = history.readable_diff(history.Snapshot.from_row(old), history.Snapshot.from_row(new),
                                           old_label=f"version {old['version']}", new_label=f"version {new['version']}")
        if "returned" in kinds:
            if o.result in ("unchanged", "not-modified"):
                o.result = "returned"  # its label says it: "back online (return recorded)"
            else:  # a new version or a new article: the return is said beside it
                o.detail = (o.detail + "; " if o.detail else "") + "back after a deletion"
        out.append(o)
    return out


def format_outcomes(results: list[Outcome]) -> str:
    """The re-crawl report: one line per URL, then the diff of each new version."""
    labels = {
        "new": "new article", "copy": "a copy of an article stored in this re-crawl", "updated": "new version",
        "unchanged": "unchanged (no new version)",
        "not-modified": "not modified (HTTP 304; revisit archived)", "deleted": "deleted: deletion recorded",
        "gone": "gone (already recorded as deleted)", "returned": "back online (return recorded)",
        "moved": "moved: the article answers at another of its URLs (no deletion recorded)",
        "no-article": "fetched and archived, but no article extracted", "not-fetched": "not fetched",
        "walled": "a subscription wall in the place of the story: archived, no new version",
        "failed": "failed",
    }
    lines = []
    for o in results:
        head = f"{o.url}  [{o.outlet}]  "
        head += f"redirects to {o.redirect}: " if o.redirect else ""
        head += f"HTTP {o.http_status}: " if o.http_status else ""
        head += labels.get(o.result, o.result)
        if o.result == "updated":
            head += f" {o.version} (changed: {', '.join(o.changed) or 'formatting'})"
        if o.result == "failed":
            head += f": {o.detail}"
        elif o.detail:
            head += f" ({o.detail})"
        lines.append(head)
        if o.diff:
            lines.extend("    " + d for d in o.diff.splitlines())
    return "\n".join(lines)
