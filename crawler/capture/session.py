"""One crawl's shared state: its configuration, WARC writer, catalogue and counts (no scrapy imports)."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.catalogue import aliases, conditional, crawls, lookups
from archive.catalogue.crawls import COUNT_KEYS, RECRAWL_TRIGGERS, OutletsBusy
from archive.catalogue.db import Catalogue
from archive.catalogue.transactions import immediate
from archive.corpus import history
from archive.faults import CATALOGUE_LOCKED, DISK_FULL, DiskReserve, StorageFault, as_fault
from archive.records import Exchange
from archive.warc.build import new_record_id
from archive.warc.writer import WarcArchive, sha1_digest
from crawler.capture import lifecycle
from crawler.capture.child import crawl_log_level
from crawler.capture.config import ArchiveConfig
from crawler.capture.operations import CaptureOp, CaptureRef, FailureOp, FrontierOp, SettleOp, TouchOp
from crawler.capture.overlay import CaptureIds, PendingWrites, capture_row
from crawler.capture.process import ProcessWriter
from crawler.capture.writer import LocalWriter
from crawler.config.outlets import Outlet, load_outlets, select_outlets
from crawler.fetch.limits import bounded_url, from_the_future

logger = logging.getLogger(__name__)

CLOSE_PATIENCE = 120.0  # seconds the final crawl-row write waits for a catalogue lock after a fault


class ArchiveSession:
    """Opens the catalogue and the WARC writer for one crawl and records what the crawl did.

    Writes go through a sink that commits in batches: with ``process_writer`` a writer process
    (crawler.capture.process.ProcessWriter; the child, crawler.capture.child, owns the WARC file and a catalogue
    connection of its own and applies crawler.capture.apply.apply_batch), else a thread
    (crawler.capture.writer.LocalWriter, which owns the WARC file and ``catalogue`` and applies ``store``, which
    the owner hands in: apply_batch, so that module uses the session and not the other way round). The reactor
    reads through ``reader``, a read-only connection, plus ``pending``, this crawl's uncommitted writes (until the
    writer commits them, or the writer process acknowledges them). Owned by one component (the Scrapy extension
    crawler.extensions.ArchiveSessionOwner), which ends it in order: ``finish`` (writer drained, WARC closed,
    crawl row written), ``reconcile_history``, ``close``.
    """

    def __init__(self, config: ArchiveConfig, store: Callable[[ArchiveSession, list[Any]], None], *,
                 process_writer: bool = False, keep_open: Callable[[Path], bool] | None = None):
        self._configure(config)
        self.keep_open = keep_open  # .open WARCs a live writer outside this machine's crawls writes (recover())
        if not config.contact_url:
            logger.warning("CRAWL_CONTACT_URL is not set: the sites cannot tell who runs this crawl; set it with "
                           "-s CRAWL_CONTACT_URL=https://example.org/about-this-crawl")
        self.uid = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
        try:
            # a fault here (no room, catalogue locked) means the crawl never starts: nothing is recorded
            config.data_dir.mkdir(parents=True, exist_ok=True)
            self.reserve.claim()
            # the writer thread uses this connection during the crawl, the owner's thread before and after it
            self.catalogue = Catalogue(config.data_dir / "catalogue.db", busy_timeout=config.busy_timeout,
                                       threads=True)
            claim = config.trigger not in RECRAWL_TRIGGERS  # a re-crawl of a few URLs runs beside a crawl
            if claim:  # before recovery, which may scan every WARC file: a crawl that cannot start says so at once
                lifecycle.leave_busy_outlets(self)
            lifecycle.recover_if_interrupted(self)
            self.catalogue.upsert_outlets(lifecycle.outlet_row(o) for o in self.outlets)
            with immediate(self.catalogue.db):  # checked again with the row written: two crawls starting together
                if claim:
                    lifecycle.leave_busy_outlets(self)
                self.crawl_id = self.catalogue.start_crawl(self.uid, config.trigger, [o.name for o in self.outlets],
                                                           pid=os.getpid())
            self.reader = Catalogue.read_only(config.data_dir / "catalogue.db", busy_timeout=config.busy_timeout)
        except OutletsBusy:
            self.catalogue.close()
            raise
        except Exception as exc:
            fault = as_fault(exc)
            if fault is None:
                raise
            raise fault from exc
        self._init_state()
        config = self.config  # without the outlets another crawl has (lifecycle.leave_busy_outlets)
        self.writer: LocalWriter | ProcessWriter
        if process_writer:  # crawler.capture.child opens the WARC series and writes in this process's place
            self.warc: WarcArchive | None = None
            self.writer = ProcessWriter(
                {"config": config, "uid": self.uid, "crawl_id": self.crawl_id, "log_level": crawl_log_level()},
                capacity=config.write_queue, on_ack=self._acknowledged, on_fault=self.trip)
        else:
            self.warc = self._open_warc(config.warc_prefix)
            self.writer = LocalWriter(lambda ops: store(self, ops), batch=config.commit_every,
                                      interval=config.commit_interval, capacity=config.write_queue,
                                      on_error=self.guard)
        lifecycle.OPEN.add(self)  # ended by the command line if the engine never ends it (Ctrl-C twice)

    def _configure(self, config: ArchiveConfig) -> None:
        """The crawl's configuration and outlets, its disk reserve (not claimed yet), and no fault so far."""
        self.config = config
        self.outlets: list[Outlet] = select_outlets(load_outlets(config.seeds), list(config.outlets))
        self.by_name = {o.name: o for o in self.outlets}
        self.fault: StorageFault | None = None
        self.on_fault: Callable[[str], None] | None = None  # set by the Scrapy glue: stops the engine
        self.on_count: Callable[[str, int], None] | None = None  # set by the Scrapy glue: mirrors counts in stats
        self.reserve = DiskReserve(config.data_dir, config.disk_reserve)

    def _open_warc(self, prefix: str, **extra: str) -> WarcArchive:
        """The crawl's WARC series; its warcinfo names the crawl (and ``extra``), the outlets and how it runs."""
        config = self.config
        return WarcArchive(
            config.data_dir, prefix=prefix, max_size=config.warc_max_size, fsync=config.warc_fsync,
            fsync_every=0,  # the writer fsyncs once per batch (crawler.capture.apply), before the rows commit
            warcinfo={
                "crawl-id": self.uid,
                **extra,
                "trigger": config.trigger,
                "outlets": ", ".join(f"{o.name} {o.digest()}" for o in self.outlets),
                "http-header-user-agent": config.user_agent,
                "robots": "obey",
                "operator": config.contact_url or "not configured",
            },
        )

    def _init_state(self) -> None:
        """A new crawl's counts, caches and pending writes."""
        self.counts: dict[str, Counter[str]] = {o.name: Counter() for o in self.outlets}
        self._count_lock = threading.Lock()  # counts come from the reactor and from the writer thread
        self._held: dict[int, list[tuple[str | None, str, int]]] = {}  # thread -> counts of the batch it stores
        self.finished = False
        self._session_params: dict[str, tuple[str, ...]] = {}  # outlet -> learned session parameters (cache)
        self.pending = PendingWrites()
        # text files the writer's current batch staged, (temporary file, path under data_dir), published once it
        # commits; None outside a batch (crawler.capture.apply.store_rows), where a file is written in place at once
        self.staged_files: list[tuple[Path | None, str]] | None = None  # (None, relpath): a removal
        self.stale_files: list[str] = []  # text files the batch's merges made unused, removed once it commits
        self.capture_ids = CaptureIds()
        self.learned: list[str] = []  # outlets whose session parameters the writer learned since the last batch
        if getattr(self, "catalogue", None) is not None:  # new articles planned as stored (Catalogue._watch_plan)
            self.catalogue.watch_backoff = history.parse_backoff(self.config.watch_backoff)

    def outlet_for(self, url: str, hint: str | None = None) -> Outlet | None:
        """The outlet a URL belongs to: ``hint`` (the request's outlet) if given, else the first owning outlet."""
        if hint and hint in self.by_name:
            return self.by_name[hint]
        return next((o for o in self.outlets if o.owns(url)), None)

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
        elif fault.reason == CATALOGUE_LOCKED and self.writer.on_writer_thread():
            # the writes still in flight fail at once instead of each waiting out the busy timeout
            self.catalogue.set_busy_timeout(0)
        if not self.writer.on_writer_thread():
            self.writer.stop()  # (on the writer thread, the writer stops itself when the handler returns)
        if self.on_fault is not None and not self.finished:  # (finishing: the engine has closed the spider)
            self.on_fault(fault.reason)

    def count(self, outlet: str | None, key: str, n: int = 1) -> None:
        """Add ``n`` to an outlet's counter (pages_fetched, articles_new, failures, ...); a count made by the writer
        while it stores a batch is held until that batch commits (``hold_counts``)."""
        held = self._held.get(threading.get_ident())
        if held is not None:
            held.append((outlet, key, n))
            return
        with self._count_lock:
            self.counts.setdefault(outlet or "-", Counter())[key] += n
            if self.on_count is not None:
                self.on_count(key, n)

    def hold_counts(self) -> list[tuple[str | None, str, int]]:
        """Hold the counts this thread makes from now on (a batch being stored) in the list returned, until
        ``release_counts``: a batch that rolls back (a full disk) must not count articles it never stored."""
        held = self._held[threading.get_ident()] = []
        return held

    def release_counts(self, commit: bool) -> None:
        """Stop holding this thread's counts; add them if the batch committed (``commit``), else drop them."""
        held = self._held.pop(threading.get_ident(), [])
        for outlet, key, n in held if commit else ():
            self.count(outlet, key, n)

    # -- the write side: operations for the writer ------------------------------------------------------

    def committed(self, ops: list[object]) -> None:
        """Called by the writer after a batch commits: the reader sees those rows now."""
        self.pending.committed(ops)

    def _acknowledged(self, ops: list[object], counts: dict[str, dict[str, int]], learned: list[str]) -> None:
        """A batch the writer process committed: forget it in the overlay, add its counts, drop stale caches."""
        self.pending.committed(ops)
        for outlet, keys in counts.items():
            for key, n in keys.items():
                self.count(outlet, key, n)
        for outlet in learned:
            self._session_params.pop(outlet, None)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write handed over so far is committed (tests, and the end of a crawl)."""
        return self.writer.flush(timeout)

    def archive(self, ex: Exchange, outlet: str | None) -> tuple[str, str | None]:
        """Hand one exchange to the writer: its WARC record, then its catalogue row (in that order).

        A 304 answer to a conditional request, or a 200 whose payload is byte-identical to the URL's latest
        full capture, becomes a revisit record referring to that capture instead of a second copy of the body.
        Returns (the capture's WARC-Record-ID, the record id of the capture revisited or None)."""
        if self.fault is not None:
            raise self.fault  # stopping: archive nothing more (a disk-full crawl must not eat its reserve)
        try:
            prior, profile, digest, reread = None, "", None, False
            if ex.method == "GET" and ex.status in (200, 304):
                prior = self.latest_capture(ex.url)
                # once, here: the revisit test, the pending captures row and the writer's WARC record all need it
                digest = sha1_digest(ex.body) if ex.status == 200 else None
                if prior and ex.status == 200 and prior["payload_digest"] != digest:
                    prior = None
                # a revisit of a capture whose article was never stored (a kill in between): read it again
                reread = bool(prior) and ex.status == 200 and not conditional.result_stored(self.reader.db, ex.url, prior)
                profile = "server-not-modified" if ex.status == 304 else "identical-payload-digest"
        except Exception as exc:
            if self.guard(exc):
                raise self.fault from exc  # type: ignore[misc]
            raise
        record_id = new_record_id()
        if prior is None and ex.method == "GET" and ex.status == 200:
            self.pending.add_capture(capture_row(record_id, ex, digest))
        self.writer.put(CaptureOp(record_id, self.crawl_id, outlet, ex, prior, profile if prior else "",
                                  payload_digest=digest))
        self.count(outlet, "pages_fetched")
        return record_id, prior["warc_record_id"] if prior and not reread else None

    def latest_capture(self, url: str) -> dict[str, Any] | None:
        """The URL's latest full 200 capture: this crawl's pending one, else the catalogue's."""
        return self.pending.latest_capture(url) or self.reader.latest_capture(url, status=200)

    def session_params(self, outlet: str) -> tuple[str, ...]:
        """The query parameters learned to be session tokens on an outlet: dropped from its URLs (archive.catalogue.aliases)."""
        params = self._session_params.get(outlet)
        if params is None:
            db = self.catalogue.db if self.writer.on_writer_thread() else self.reader.db
            params = self._session_params[outlet] = aliases.learned_params(db, outlet)
        return params

    def learn_session_params(self, outlet: str, names: tuple[str, ...], evidence: str) -> list[str]:
        """Remember parameters as session tokens of an outlet; return the ones new to it (on the writer thread)."""
        with immediate(self.catalogue.db):
            new = aliases.learn_params(self.catalogue.db, outlet, names, evidence)
        self._session_params.pop(outlet, None)
        self.learned.append(outlet)
        return new

    def validators(self, url: str) -> dict[str, str]:
        """Conditional request headers (If-None-Match, If-Modified-Since): the latest ones seen of the URL's latest full
        capture whose result was stored (archive.catalogue.conditional), on it or a revisit of it (lookups.validator_rows)."""
        prior = conditional.validator_capture(self.reader.db, url, self.latest_capture(url))
        seen = lookups.validator_rows(self.reader.db, prior) if prior else []
        headers: dict[str, str] = {}
        if etag := next((r["etag"] for r in seen if r.get("etag")), None):
            headers["If-None-Match"] = etag
        if modified := next((r["last_modified"] for r in seen if r.get("last_modified")
                             and not from_the_future(r["last_modified"], r["fetched_at"])), None):
            headers["If-Modified-Since"] = modified
        return headers

    def record_failure(self, outlet: str | None, url: str, stage: str, reason: str, detail: str = "",
                       capture_id: CaptureRef = None) -> None:
        """Record and count a page that yielded no article (nothing once a fault stopped the crawl)."""
        if self.fault is not None:
            return
        if (stored := self._stored_url(url)) != url:  # its full length goes into the detail
            detail, url = f"{detail}; the URL ({len(url)} characters) is stored cut".lstrip("; "), stored
        op = FailureOp(self.crawl_id, outlet, url, stage, reason, detail, capture_id)
        if self.writer.on_writer_thread():  # from the ingest of an article op: inside the batch's transaction
            self.catalogue.record_failure(op.crawl_id, outlet, url, stage, reason, detail,
                                          self.capture_ids.resolve(self.catalogue.db, capture_id))
        else:
            self.writer.put(op)
        self.count(outlet, "failures")
        self.count(outlet, f"failure:{reason}")  # per-reason counts go into crawls.counts (failure_reasons)

    def discover(self, url: str, outlet: str, kind: str) -> str:
        """Remember a discovered URL as pending unless it is known already; return its frontier status."""
        url = self._stored_url(url)  # a URL past CRAWL_URL_MAX_LENGTH is refused when fetched, and kept cut
        status = self.pending.frontier_status(url) or self.reader.frontier_status(url)
        if status is not None:
            return status
        known = kind == "article" and self.known_article(url)
        op = FrontierOp(url, outlet, kind, self.crawl_id, "done" if known else "pending",
                        "known-article" if known else None)
        self.pending.set_frontier(url, op.status, op)
        self.writer.put(op)
        return op.status

    def _stored_url(self, url: str) -> str:
        """``url`` as a frontier or failures row keeps it: cut past CRAWL_URL_MAX_LENGTH (fetch.limits.bounded_url)."""
        return bounded_url(url, self.config.url_max_length)

    def known_article(self, url: str) -> bool:
        """Whether ``url`` is a stored article's URL or one of its aliases: archived, so neither discovery nor the
        crawl's pending URLs fetch it again (frontier reason ``known-article``)."""
        return aliases.find_article(self.reader.db, [url]) is not None

    def settle(self, url: str, status: str = "done", reason: str | None = None) -> None:
        """Mark a frontier URL as archived ("done"), refused, or to retry (see Catalogue.settle)."""
        url = self._stored_url(url)
        op = SettleOp(url, status, reason)
        self.pending.settled(url, status, op)
        self.writer.put(op)

    def touch_article(self, article_id: str, seen_at: str) -> None:
        """Note that an unchanged article was seen again."""
        self.writer.put(TouchOp(article_id, seen_at))

    def article_for_url(self, url: str) -> dict[str, Any] | None:
        """The stored article ``url`` leads to (committed rows; see Catalogue.article_for_url)."""
        return self.reader.article_for_url(url)

    def totals(self) -> dict[str, int]:
        """The crawl's counts summed over outlets."""
        total: Counter[str] = Counter()
        with self._count_lock:
            for c in self.counts.values():
                total.update(c)
        return {k: int(total.get(k, 0)) for k in COUNT_KEYS}

    def finish(self, status: str = "finished", error: str | None = None) -> None:
        """Drain the writer, close the WARC file and record the crawl's outcome and counts (once).

        A fault makes the outcome ``failed``.
        """
        if self.finished:
            return
        self.finished = True
        try:
            self.writer.close()
            if self.warc is not None:
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
        with self._count_lock:
            per_outlet = crawls.outlet_rows({name: Counter(c) for name, c in self.counts.items()})
        self._guarded(lambda: self.catalogue.finish_crawl(self.crawl_id, status, self.totals(), per_outlet,
                                                           error=error))

    def reconcile_history(self) -> None:
        """The end-of-crawl history step: version diffs, deletion and return events, re-check plans of new articles.

        Skipped after a fault: the next crawl, or the scheduler, reconciles then.
        """
        if self.fault is None:
            self._guarded(lambda: self.catalogue.reconcile_history(
                self.crawl_id, history.parse_backoff(self.config.watch_backoff)))

    def _guarded(self, write: Callable[[], Any]) -> None:
        """Run an end-of-crawl write; a storage fault is logged (the next crawl marks this one interrupted)."""
        try:
            write()
        except Exception as exc:
            if not self.guard(exc):
                raise
            logger.error("could not record the end of crawl %s (%s); the next crawl marks it interrupted",
                         self.uid, exc)

    def close(self) -> None:
        """Stop the writer and close both catalogue connections (after ``finish`` and ``reconcile_history``)."""
        lifecycle.OPEN.discard(self)
        self.writer.close()
        self.reader.close()
        self.catalogue.close()
