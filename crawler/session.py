"""One crawl's shared state: its configuration, WARC writer, catalogue and counts (no scrapy imports)."""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from archive.catalogue import Catalogue
from archive.integrity import pid_alive, recover
from archive.records import Exchange
from archive.warc import WarcArchive, sha1_digest, warc_date
from crawler import defaults
from crawler.config import Outlet, load_outlets, select_outlets

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COUNT_KEYS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "articles_irrelevant",
              "failures")


def software_version() -> str:
    """The installed newsarchive version."""
    try:
        return version("newsarchive")
    except PackageNotFoundError:
        from crawler import __version__

        return __version__


@dataclass(frozen=True)
class ArchiveConfig:
    """The project settings one crawl runs with, read once from Scrapy settings (or any mapping)."""

    data_dir: Path
    seeds: Path
    outlets: tuple[str, ...]
    trigger: str
    warc_prefix: str
    warc_max_size: int
    warc_fsync: bool
    contact_url: str
    user_agent: str
    sitemap_max_urls: int
    extract_workers: int
    lexicon: Path

    @classmethod
    def from_settings(cls, settings: Any) -> ArchiveConfig:
        """Build from Scrapy ``Settings`` (or a dict), filling gaps from crawler.defaults."""

        def get(name: str) -> Any:
            value = settings.get(name) if hasattr(settings, "get") else None
            return getattr(defaults, name) if value is None else value

        outlets = get("ARCHIVE_OUTLETS")
        if isinstance(outlets, str):
            outlets = [o for o in outlets.split(",") if o]
        seeds = Path(get("ARCHIVE_SEEDS"))
        lexicon = Path(get("RELEVANCE_LEXICON"))
        if not lexicon.is_absolute() and not lexicon.exists():
            lexicon = PROJECT_ROOT / lexicon
        contact = str(get("CRAWL_CONTACT_URL") or "")
        user_agent = str(get("CRAWL_USER_AGENT")).format(
            version=software_version(), contact=contact or "contact URL not configured")
        return cls(
            data_dir=Path(get("ARCHIVE_DATA_DIR")), seeds=seeds, outlets=tuple(outlets),
            trigger=str(get("ARCHIVE_TRIGGER")), warc_prefix=str(get("ARCHIVE_WARC_PREFIX")),
            warc_max_size=int(get("ARCHIVE_WARC_MAX_SIZE")), warc_fsync=_bool(get("ARCHIVE_WARC_FSYNC")),
            contact_url=contact, user_agent=user_agent, sitemap_max_urls=int(get("CRAWL_SITEMAP_MAX_URLS")),
            extract_workers=int(get("EXTRACT_WORKERS")), lexicon=lexicon,
        )


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


class ArchiveSession:
    """Opens the catalogue and the WARC writer for one crawl and records what the crawl did."""

    def __init__(self, config: ArchiveConfig):
        self.config = config
        self.outlets: list[Outlet] = select_outlets(load_outlets(config.seeds), list(config.outlets))
        self.by_name = {o.name: o for o in self.outlets}
        self.uid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalogue = Catalogue(config.data_dir / "catalogue.db")
        self._recover_if_interrupted()
        self.catalogue.upsert_outlets(_outlet_row(o) for o in self.outlets)
        self.crawl_id = self.catalogue.start_crawl(self.uid, config.trigger, [o.name for o in self.outlets],
                                                   pid=os.getpid())
        self.warc = WarcArchive(
            config.data_dir, prefix=config.warc_prefix, max_size=config.warc_max_size, fsync=config.warc_fsync,
            warcinfo={
                "crawl-id": self.uid,
                "trigger": config.trigger,
                "outlets": ", ".join(f"{o.name} {o.digest()}" for o in self.outlets),
                "http-header-user-agent": config.user_agent,
                "robots": "obey",
                "operator": config.contact_url or "not configured",
            },
        )
        self.counts: dict[str, Counter[str]] = {o.name: Counter() for o in self.outlets}
        self.closed = False

    def outlet_for(self, url: str, hint: str | None = None) -> Outlet | None:
        """The outlet a URL belongs to: ``hint`` (the request's outlet) if given, else the first owning outlet."""
        if hint and hint in self.by_name:
            return self.by_name[hint]
        return next((o for o in self.outlets if o.owns(url)), None)

    def _recover_if_interrupted(self) -> None:
        """After a crash (a dead crawl still marked running, or a left-over .open WARC), repair before crawling.

        Recovery scans every WARC file, so it runs only when there is something to recover from.
        """
        dead = [row for row in self.catalogue.db["crawls"].rows_where("status = 'running'")
                if not pid_alive(row["pid"])]
        open_files = list((self.config.data_dir / "warc").glob("*.open"))
        if not dead and not open_files:
            return
        report = recover(self.config.data_dir, self.catalogue, outlet_for=self._outlet_name)
        with self.catalogue.db.conn:
            for row in dead:
                self.catalogue.db["crawls"].update(row["id"], {"status": "interrupted"})
        logger.warning("recovered from %d interrupted crawl(s): %d WARC files repaired, %d captures re-added, "
                       "%d marked missing", len(dead), len(report.repaired), len(report.captures_added),
                       len(report.captures_marked_missing))

    def _outlet_name(self, url: str) -> str | None:
        outlet = self.outlet_for(url)
        return outlet.name if outlet else None

    def count(self, outlet: str | None, key: str, n: int = 1) -> None:
        """Add ``n`` to an outlet's counter (pages_fetched, articles_new, failures, ...)."""
        self.counts.setdefault(outlet or "-", Counter())[key] += n

    def archive(self, ex: Exchange, outlet: str | None) -> tuple[int, int | None]:
        """Write one exchange to the WARC, then its catalogue row (in that order, so no row points at nothing).

        A 304 answer to a conditional request, or a 200 whose payload is byte-identical to the URL's latest
        full capture, becomes a revisit record referring to that capture instead of a second copy of the body.
        Returns (capture id, id of the capture revisited or None).
        """
        prior = None
        if ex.method == "GET" and ex.status in (200, 304):
            prior = self.catalogue.latest_capture(ex.url, status=200)
            if prior and ex.status == 200 and prior["payload_digest"] != sha1_digest(ex.body):
                prior = None
        if prior is None:
            location = self.warc.write_exchange(ex)
        else:
            location = self.warc.write_revisit(
                ex, refers_to_uri=prior["url"], refers_to_record_id=prior["warc_record_id"],
                refers_to_date=warc_date(datetime.fromisoformat(prior["fetched_at"])),
                payload_digest=prior["payload_digest"],
                profile="server-not-modified" if ex.status == 304 else "identical-payload-digest")
        refers_to = prior["id"] if prior else None
        capture_id = self.catalogue.add_capture(self.crawl_id, outlet, ex, location, refers_to=refers_to)
        self.count(outlet, "pages_fetched")
        return capture_id, refers_to

    def validators(self, url: str) -> dict[str, str]:
        """Conditional request headers (If-None-Match, If-Modified-Since) from the URL's latest full capture."""
        prior = self.catalogue.latest_capture(url, status=200)
        headers: dict[str, str] = {}
        if prior and prior.get("etag"):
            headers["If-None-Match"] = prior["etag"]
        if prior and prior.get("last_modified"):
            headers["If-Modified-Since"] = prior["last_modified"]
        return headers

    def record_failure(self, outlet: str | None, url: str, stage: str, reason: str, detail: str = "",
                       capture_id: int | None = None) -> None:
        """Record and count a page that yielded no article."""
        self.catalogue.record_failure(self.crawl_id, outlet, url, stage, reason, detail, capture_id)
        self.count(outlet, "failures")

    def totals(self) -> dict[str, int]:
        """The crawl's counts summed over outlets."""
        total: Counter[str] = Counter()
        for c in self.counts.values():
            total.update(c)
        return {k: int(total.get(k, 0)) for k in COUNT_KEYS}

    def close(self, status: str = "finished", error: str | None = None) -> None:
        """Close the WARC file and record the crawl's outcome (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            self.warc.close()
        finally:
            per_outlet = {name: {k: int(c.get(k, 0)) for k in COUNT_KEYS} for name, c in self.counts.items()}
            self.catalogue.finish_crawl(self.crawl_id, status, self.totals(), per_outlet, error=error)
            # version diffs, deletion and return events, re-check plans of new articles
            self.catalogue.reconcile_history(self.crawl_id)
            self.catalogue.close()


def _outlet_row(o: Outlet) -> dict[str, Any]:
    return {
        "name": o.name, "display_name": o.display_name, "language": o.language, "country": o.country,
        "homepage": o.homepage or (o.start_urls[0] if o.start_urls else ""), "domains": ", ".join(o.domains()),
        "topic_filter": int(o.topic_filter), "schedule": o.schedule, "config_digest": o.digest(), "source": o.source,
    }


def session_for(crawler: Any) -> ArchiveSession:
    """The session of a Scrapy crawler, created on first use from its settings (one per crawler, not global)."""
    session = getattr(crawler, "_newsarchive_session", None)
    if session is None:
        session = ArchiveSession(ArchiveConfig.from_settings(crawler.settings))
        crawler._newsarchive_session = session
    return session
