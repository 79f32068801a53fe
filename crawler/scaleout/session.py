"""A worker's crawl session: its own WARC series, the catalogue read-only, every write published to Redis.

The child crawl a ``newsarchive worker`` runs for one work item uses this instead of ArchiveSession (chosen by
crawler.extensions when ``CRAWL_WORKER_CRAWL`` is set). Everything the crawl asks of its session works as on one
machine: reads (validators, revisits, frontier status, known articles) come from the shared catalogue opened
read-only plus this crawl's own pending writes (kept for the whole child crawl: the coordinator commits them on
its own time, so they never leave the overlay early). Writes go to a LocalWriter whose batch function writes
the WARC records (crawler.capture.apply.write_records, one fsync) and then publishes the batch's operations,
with their WARC locations, through the results channel in one MULTI/EXEC. It never opens the catalogue for
writing and never records a crawl row: the coordinator does both (crawler/scaleout/coordinator.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.catalogue.db import Catalogue
from archive.errors import ConfigError
from archive.faults import as_fault
from crawler.capture.apply import write_records
from crawler.capture.config import ArchiveConfig
from crawler.capture.operations import CaptureOp
from crawler.capture.session import ArchiveSession
from crawler.capture.writer import LocalWriter
from crawler.scaleout import captured
from crawler.scaleout.connection import STOP_WAIT, RedisUnavailable, connect
from crawler.scaleout.keys import STOP_FILE, WRITER_RUN, CrawlKeys, writer_name
from crawler.scaleout.results import ResultsChannel
from crawler.scaleout.wire import encode
from crawler.scaleout.workers import NAME

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerCrawl:
    """What a worker's child crawl is part of: the Redis URL, the worker's name and the coordinator's crawl; ``run``
    names this child crawl among its worker's (its WARC files and its liveness key: keys.writer_name)."""

    redis_url: str
    worker: str
    crawl_uid: str
    crawl_id: int
    run: str = ""

    @classmethod
    def from_settings(cls, settings: Any) -> WorkerCrawl | None:
        """The worker crawl the settings describe, or None for a one-machine crawl (no ``CRAWL_WORKER_CRAWL``)."""
        uid = str(settings.get("CRAWL_WORKER_CRAWL") or "")
        if not uid:
            return None
        name = str(settings.get("CRAWL_WORKER_NAME") or "")
        url = str(settings.get("CRAWL_REDIS_URL") or "")
        if not NAME.fullmatch(name) or not url:
            raise ConfigError("settings", "a worker crawl needs CRAWL_REDIS_URL and CRAWL_WORKER_NAME (letters, "
                              "digits, '_', '.', '-'); `newsarchive worker` sets them", key="CRAWL_WORKER_NAME")
        run = os.environ.get(WRITER_RUN, "")  # set by the worker that started this child (crawler/scaleout/worker.py)
        if not NAME.fullmatch(writer_name(name, run)):
            raise ConfigError("environment", f"{WRITER_RUN}={run!r} is no run name (letters, digits, '_', '.', '-')",
                              key=WRITER_RUN)
        return cls(url, name, uid, int(settings.get("CRAWL_WORKER_CRAWL_ID") or 0), run)


class WorkerSession(ArchiveSession):
    """ArchiveSession for a worker's child crawl: writes WARCs here and publishes rows; never writes the catalogue."""

    def __init__(self, config: ArchiveConfig, crawl: WorkerCrawl):  # noqa: D107
        # Not ArchiveSession.__init__: that opens the catalogue for writing, recovers and records a crawl row.
        self._configure(config)
        self.crawl, self.uid, self.crawl_id = crawl, crawl.crawl_uid, crawl.crawl_id
        self.run_id = uuid.uuid4().hex  # this child crawl: its counts replace, never add to, a copy delivered twice
        path = config.data_dir / "catalogue.db"
        self._empty: Path | None = None
        if not path.exists():
            # an empty data folder (a worker on its own disk, no copy of the catalogue): an empty catalogue, which
            # knows nothing and skips nothing, as the README promises; the worker failed every item with "does not
            # exist" before (a black-box probe, stop 37). A temporary file: --data holds no catalogue of its own.
            self._empty = Path(tempfile.mkdtemp(prefix="newsarchive-empty-catalogue-"))
            path = self._empty / "catalogue.db"
            Catalogue(path).close()
        try:
            self.reserve.claim()
            self.reader = Catalogue.read_only(path, busy_timeout=config.busy_timeout)
        except Exception as exc:
            fault = as_fault(exc)
            if fault is None:
                raise
            raise fault from exc
        self.link = connect(crawl.redis_url)
        stop_file = os.environ.get(STOP_FILE)  # set by the worker (crawler/scaleout/worker.py)
        self.link.stop_file = Path(stop_file) if stop_file else None
        self.unpublished = 0  # result records a stopped child could not publish (Redis full or gone): said at its end
        self.counts_unpublished = False
        self.unpublished_files: set[str] = set()
        self.unpublished_why = ""
        self.keys = CrawlKeys(crawl.crawl_uid)
        self.channel = ResultsChannel(self.link, self.keys)
        # what earlier child crawls of this crawl archived of its outlet (one killed, its outlet taken over): a page
        # they fetched is a revisit here too, as on one machine, also where this catalogue is an older copy
        self.published = captured.load(self.link, self.keys, self.by_name)
        writer = writer_name(crawl.worker, crawl.run)  # its liveness key is the worker's while this child runs
        self.warc = self._open_warc(f"{config.warc_prefix}-{writer}", worker=crawl.worker, writer=writer)
        self._init_state()
        self.writer = LocalWriter(self._publish, batch=config.commit_every, interval=config.commit_interval,
                                  capacity=config.write_queue, on_error=self.guard, name="results-publisher")

    def _publish(self, ops: list[Any]) -> None:
        """The sink's batch: write the WARC records (one fsync), then publish every operation, all or none."""
        locations = write_records(self, ops)
        batch = uuid.uuid4().hex
        records = []
        for op in ops:
            if isinstance(op, CaptureOp):
                location = locations.get(op.record_id)
                if location is None:
                    continue  # not written: a fault stopped the crawl
                record = encode(op, location)
            else:
                record = encode(op)
            record["delivery"] = f"{batch}:{len(records)}"  # the coordinator stores a record delivered twice once
            records.append(record)
        try:
            self.channel.publish(records, captured.full_captures(self.keys, ops, locations, self.by_name))
        except RedisUnavailable as exc:  # only once its worker was asked to stop and Redis stayed full or gone
            self.unpublished += len(records)
            self.unpublished_files.update(location.warc_file for location in locations.values())
            self.unpublished_why = str(exc)

    def latest_capture(self, url: str) -> dict[str, Any] | None:
        """The URL's latest full 200 capture: this child's pending one, else one an earlier child of this crawl
        published (``captured``), else the catalogue's (which, on a worker's own disk, is a copy from before)."""
        pending = self.pending.latest_capture(url)
        if pending is not None:
            return pending
        entry = self.published.get(url)
        return captured.row(url, entry) if entry is not None else self.reader.latest_capture(url, status=200)

    def committed(self, ops: list[object]) -> None:
        """Nothing to forget: the overlay keeps this crawl's writes until it ends (the coordinator commits them)."""

    def learn_session_params(self, outlet: str, names: tuple[str, ...], evidence: str) -> list[str]:
        """Learning is the catalogue writer's (ingest runs on the coordinator); a worker never learns."""
        raise RuntimeError("a worker does not write the catalogue")

    def _record_outcome(self, status: str, error: str | None) -> None:
        """Publish this child crawl's counts; the coordinator adds them to the crawl row."""
        if self.fault is not None:
            status, error = "failed", str(self.fault)
        with self._count_lock:
            counts = {name: {k: int(v) for k, v in c.items()} for name, c in self.counts.items()}
        try:
            self.channel.publish([{"op": "counts", "run": self.run_id, "worker": self.crawl.worker,
                                   "status": status, "error": error, "counts": counts}])
        except RedisUnavailable as exc:
            self.counts_unpublished = True
            self.unpublished_why = str(exc)

    def finish(self, status: str = "finished", error: str | None = None) -> None:
        """End as ArchiveSession does; a child stopped while Redis stayed full or gone (``STOP_WAIT`` seconds after
        its worker's SIGTERM) says in one line what it could not publish, and leaves its WARC file ``.open``, as a
        killed child does: whoever repairs it (the coordinator as the crawl ends, a crawl's start-up recovery,
        ``check --repair``) indexes every record the catalogue lacks. Before stop 40 it waited for ever."""
        if self.finished:
            return
        self.writer.close()  # publishes what is queued, or gives up (the stop)
        if self.unpublished and self.warc is not None:
            self.warc = None  # its file is left .open (the records in it are whole: written and fsynced)
        super().finish(status, error)
        if self.unpublished or self.counts_unpublished:
            what = [f"{self.unpublished} result record(s)"] * bool(self.unpublished) + \
                ["its counts"] * self.counts_unpublished
            files = sorted(Path(f).name for f in self.unpublished_files)
            logger.error("crawl %s, writer %s: stopped without publishing %s to Redis, which stayed full or "
                         "unreachable for %g s after the stop (%s); the WARC records are kept in %s (the last file "
                         "left .open: the coordinator indexes them when the crawl ends)", self.uid,
                         writer_name(self.crawl.worker, self.crawl.run), " and ".join(what), STOP_WAIT,
                         self.unpublished_why, ", ".join(files) or "no file")

    def reconcile_history(self) -> None:
        """The coordinator reconciles history once the whole crawl is in."""

    def close(self) -> None:
        """Stop the publisher, close the read-only catalogue and the Redis connection."""
        self.writer.close()
        self.reader.close()
        self.link.close()
        if self._empty is not None:
            shutil.rmtree(self._empty, ignore_errors=True)
