"""One crawl's shared state: its configuration, WARC writer, catalogue and counts (no scrapy imports)."""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from archive.catalogue import aliases

from archive.corpus import history
from archive.catalogue.db import Catalogue
from archive.errors import ConfigError
from archive.faults import CATALOGUE_LOCKED, DISK_FULL, DiskReserve, StorageFault, as_fault
from archive.integrity.check import pid_alive, recover
from archive.records import Exchange
from archive.catalogue.transactions import immediate
from archive.warc.writer import WarcArchive, sha1_digest, warc_date
from crawler.config import defaults
from crawler.config.outlets import Outlet, load_outlets, select_outlets

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLOSE_PATIENCE = 120.0  # seconds the final crawl-row write waits for a catalogue lock after a fault
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
    busy_timeout: float = 30.0
    disk_reserve: int = 0
    watch_backoff: str = history.DEFAULT_BACKOFF_SPEC
    aliases: bool = True

    @classmethod
    def from_settings(cls, settings: Any) -> ArchiveConfig:
        """Build from Scrapy ``Settings`` (or a dict), filling gaps from crawler.config.defaults."""

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
            warc_max_size=_number(int, "ARCHIVE_WARC_MAX_SIZE", get), warc_fsync=_bool(get("ARCHIVE_WARC_FSYNC")),
            contact_url=contact, user_agent=user_agent,
            sitemap_max_urls=_number(int, "CRAWL_SITEMAP_MAX_URLS", get),
            extract_workers=_number(int, "EXTRACT_WORKERS", get), lexicon=lexicon,
            busy_timeout=_number(float, "ARCHIVE_BUSY_TIMEOUT", get),
            disk_reserve=_number(int, "ARCHIVE_DISK_RESERVE", get),
            watch_backoff=_backoff(str(get("ARCHIVE_WATCH_BACKOFF"))),
            aliases=_bool(get("ARCHIVE_ALIASES")),
        )


def _number(kind: Callable[[Any], Any], name: str, get: Callable[[str], Any]) -> Any:
    """Setting ``name`` as an int or float, or a ConfigError that names it and the fix."""
    value = get(name)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < 0:
        raise ConfigError("settings", f"{value!r} is not a {'whole ' if kind is int else ''}number of 0 or more; "
                          f"pass -s {name}=<number>", key=name)
    return number


def _backoff(spec: str) -> str:
    try:
        history.parse_backoff(spec)
    except ValueError as exc:
        raise ConfigError("settings", f"{exc}", key="ARCHIVE_WATCH_BACKOFF") from None
    return spec


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
        if not config.contact_url:
            logger.warning("CRAWL_CONTACT_URL is not set: the sites cannot tell who runs this crawl; set it with "
                           "-s CRAWL_CONTACT_URL=https://example.org/about-this-crawl")
        self.uid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
        self.fault: StorageFault | None = None
        self.on_fault: Callable[[str], None] | None = None  # set by the Scrapy glue: stops the engine
        self.reserve = DiskReserve(config.data_dir, config.disk_reserve)
        try:
            # a fault here (no room, catalogue locked) means the crawl never starts: nothing is recorded
            config.data_dir.mkdir(parents=True, exist_ok=True)
            self.reserve.claim()
            self.catalogue = Catalogue(config.data_dir / "catalogue.db", busy_timeout=config.busy_timeout)
            self._recover_if_interrupted()
            self.catalogue.upsert_outlets(_outlet_row(o) for o in self.outlets)
            self.crawl_id = self.catalogue.start_crawl(self.uid, config.trigger, [o.name for o in self.outlets],
                                                       pid=os.getpid())
        except Exception as exc:
            fault = as_fault(exc)
            if fault is None:
                raise
            raise fault from exc
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
        self._session_params: dict[str, tuple[str, ...]] = {}  # outlet -> learned session parameters (cache)

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
        # a crawl stopped by a fault (disk full, catalogue locked) may have left a record without its row or an
        # article without its text file: the crawl after it repairs that
        last = next(iter(self.catalogue.db.query("select status from crawls order by id desc limit 1")), None)
        if not dead and not open_files and not (last and last["status"] == "failed"):
            return
        report = recover(self.config.data_dir, self.catalogue, outlet_for=self._outlet_name)
        with immediate(self.catalogue.db):
            for row in dead:
                self.catalogue.db["crawls"].update(row["id"], {"status": "interrupted"})
        logger.warning("recovered from %d interrupted crawl(s): %d WARC files repaired, %d captures re-added, "
                       "%d marked missing", len(dead), len(report.repaired), len(report.captures_added),
                       len(report.captures_marked_missing))

    def _outlet_name(self, url: str) -> str | None:
        outlet = self.outlet_for(url)
        return outlet.name if outlet else None

    def guard(self, exc: BaseException) -> bool:
        """If ``exc`` is a storage fault (disk full, catalogue locked, I/O error), stop the crawl and return True."""
        fault = as_fault(exc)
        if fault is None:
            return False
        self.trip(fault)
        return True

    def trip(self, fault: StorageFault) -> None:
        """Stop the crawl for ``fault`` (once): no more archiving, the disk reserve freed, the engine told to stop."""
        if self.fault is not None:
            return
        self.fault = fault
        logger.error("stopping the crawl: %s", fault)
        if fault.reason == DISK_FULL:
            self.reserve.release()
        elif fault.reason == CATALOGUE_LOCKED:
            # the writes still in flight fail at once instead of each waiting out the busy timeout
            self.catalogue.set_busy_timeout(0)
        if self.on_fault is not None:
            self.on_fault(fault.reason)

    def count(self, outlet: str | None, key: str, n: int = 1) -> None:
        """Add ``n`` to an outlet's counter (pages_fetched, articles_new, failures, ...)."""
        self.counts.setdefault(outlet or "-", Counter())[key] += n

    def archive(self, ex: Exchange, outlet: str | None) -> tuple[int, int | None]:
        """Write one exchange to the WARC, then its catalogue row (in that order, so no row points at nothing).

        A 304 answer to a conditional request, or a 200 whose payload is byte-identical to the URL's latest
        full capture, becomes a revisit record referring to that capture instead of a second copy of the body.
        Returns (capture id, id of the capture revisited or None).
        """
        if self.fault is not None:
            raise self.fault  # stopping: archive nothing more (a disk-full crawl must not eat its reserve)
        try:
            return self._archive(ex, outlet)
        except Exception as exc:
            if self.guard(exc):
                raise self.fault from exc  # type: ignore[misc]
            raise

    def _archive(self, ex: Exchange, outlet: str | None) -> tuple[int, int | None]:
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

    def session_params(self, outlet: str) -> tuple[str, ...]:
        """The query parameters learned to be session tokens on an outlet: dropped from its URLs (archive.catalogue.aliases)."""
        if outlet not in self._session_params:
            self._session_params[outlet] = aliases.learned_params(self.catalogue.db, outlet)
        return self._session_params[outlet]

    def learn_session_params(self, outlet: str, names: tuple[str, ...], evidence: str) -> list[str]:
        """Remember parameters as session tokens of an outlet; return the ones new to it."""
        with immediate(self.catalogue.db):
            new = aliases.learn_params(self.catalogue.db, outlet, names, evidence)
        self._session_params.pop(outlet, None)
        return new

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
        """Record and count a page that yielded no article (nothing once a fault stopped the crawl)."""
        if self.fault is not None:
            return
        try:
            self.catalogue.record_failure(self.crawl_id, outlet, url, stage, reason, detail, capture_id)
        except Exception as exc:
            if self.guard(exc):
                return
            raise
        self.count(outlet, "failures")
        self.count(outlet, f"failure:{reason}")  # per-reason counts go into crawls.counts (failure_reasons)

    def totals(self) -> dict[str, int]:
        """The crawl's counts summed over outlets."""
        total: Counter[str] = Counter()
        for c in self.counts.values():
            total.update(c)
        return {k: int(total.get(k, 0)) for k in COUNT_KEYS}

    def close(self, status: str = "finished", error: str | None = None) -> None:
        """Close the WARC file and record the crawl's outcome (idempotent); a fault makes it ``failed``."""
        if self.closed:
            return
        self.closed = True
        try:
            self.warc.close()
        except Exception as exc:
            if not self.guard(exc):
                raise
        finally:
            self._record_outcome(status, error)

    def _record_outcome(self, status: str, error: str | None) -> None:
        if self.fault is not None:
            status, error = "failed", str(self.fault)
            # the crawl row must say why it stopped: wait longer for a lock than a page write would
            self.catalogue.set_busy_timeout(max(self.config.busy_timeout, CLOSE_PATIENCE))
        per_outlet = {name: {k: int(c.get(k, 0)) for k in COUNT_KEYS} for name, c in self.counts.items()}
        for name, c in self.counts.items():  # refusal reasons and back-off (README "Limits and safety")
            reasons = {k.split(":", 1)[1]: int(v) for k, v in sorted(c.items()) if k.startswith("failure:")}
            if reasons:
                per_outlet[name]["failure_reasons"] = reasons  # type: ignore[assignment]
            if c.get("throttled"):
                per_outlet[name]["throttled"] = int(c["throttled"])
        try:
            self.catalogue.finish_crawl(self.crawl_id, status, self.totals(), per_outlet, error=error)
            if self.fault is None:
                # version diffs, deletion and return events, re-check plans of new articles (after a fault the
                # next crawl, or the scheduler, does this)
                self.catalogue.reconcile_history(self.crawl_id, history.parse_backoff(self.config.watch_backoff))
        except Exception as exc:
            if not self.guard(exc):
                raise
            logger.error("could not record the end of crawl %s (%s); the next crawl marks it interrupted",
                         self.uid, exc)
        finally:
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
