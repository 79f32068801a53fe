"""CLI logging: one line per expected network failure, Scrapy's give-up ERRORs as warnings, tracebacks kept for bugs."""

from __future__ import annotations

import logging
import sys

from scrapy.exceptions import DownloadConnectionRefusedError
from twisted.internet.error import ConnectionRefusedError as TxRefused

from crawler.cli.log import DemoteNetworkErrors, OneLineFormatter, is_network_failure


def _exc_info(exc: Exception):
    try:
        raise exc
    except Exception:  # noqa: BLE001 - any exception: this builds the exc_info a logging call would carry
        return sys.exc_info()


def _refused() -> Exception:
    try:
        try:
            raise TxRefused("Connection was refused by other side: 111: Connection refused.")
        except TxRefused as inner:
            raise DownloadConnectionRefusedError(str(inner)) from inner
    except DownloadConnectionRefusedError as outer:
        return outer


def _record(level: int, msg: str, exc: Exception | None, name: str = "scrapy.core.scraper") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, (), _exc_info(exc) if exc else None)


def test_network_failures_are_recognised_through_the_chain() -> None:
    assert is_network_failure(_refused()) and is_network_failure(TimeoutError("slow"))
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = TxRefused()
    assert is_network_failure(wrapped) and not is_network_failure(ValueError("a bug"))


def test_a_refused_connection_is_one_line_and_a_bug_keeps_its_traceback() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    line = formatter.format(_record(logging.ERROR, "Error downloading <GET http://127.0.0.1:9/>", _refused()))
    assert "\n" not in line and "Traceback" not in line and "Connection refused" in line
    bug = formatter.format(_record(logging.ERROR, "Spider error", KeyError("title")))
    assert "Traceback" in bug and "KeyError" in bug
    full = OneLineFormatter(tracebacks=True).format(_record(logging.ERROR, "Error downloading", _refused()))
    assert "Traceback" in full  # -vv keeps every traceback


def test_scrapy_give_up_errors_become_warnings_other_errors_stay() -> None:
    demote = DemoteNetworkErrors()
    gave_up = _record(logging.ERROR, "Gave up retrying <GET http://x/> (failed 3 times): 500", None,
                      "scrapy.downloadermiddlewares.retry")
    refused = _record(logging.ERROR, "Error downloading <GET http://x/>", _refused())
    bug = _record(logging.ERROR, "Spider error processing", KeyError("x"))
    assert all(demote.filter(r) for r in (gave_up, refused, bug))
    assert (gave_up.levelname, refused.levelname, bug.levelname) == ("WARNING", "WARNING", "ERROR")


def test_a_crawl_prints_its_summary_without_scrapys_listings_unless_asked(tmp_path) -> None:
    # Scrapy's start-up listings (versions, settings, every middleware) were ~60 lines before a small crawl's first
    # page (black-box probes, stop 35); -v shows them again; the stats dump, the crawl's counters, stays
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = b"<html><body><h1>-</h1></body></html>"
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.84", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "tiny"\nstart_urls = ["http://127.0.0.84:{server.server_address[1]}/"]\n'
                     'download_delay = 0\n', encoding="utf-8")
    try:
        runs = [subprocess.run([sys.executable, "-m", "crawler.cli.main", *flags, "crawl", "--seeds", str(seeds),
                                "--data", str(tmp_path / f"data{len(flags)}"), "-s", "CRAWL_CONTACT_URL=http://x.test/"],
                               capture_output=True, text=True, timeout=120, check=False) for flags in ([], ["-v"])]
    finally:
        server.shutdown()
    quiet, verbose = runs
    assert quiet.returncode == 0 and verbose.returncode == 0, quiet.stderr[-2000:]
    assert "tiny" in quiet.stdout and "failures" in quiet.stdout  # the summary table
    for listing in ("Enabled downloader middlewares", "Overridden settings", "Versions:"):
        assert listing not in quiet.stderr and listing in verbose.stderr, listing
    assert "Dumping Scrapy stats" in quiet.stderr
    assert "crawl " in quiet.stderr and " finished: " in quiet.stderr  # our own end-of-crawl line stays


def test_a_robots_txt_that_cannot_be_decoded_is_one_line() -> None:
    # a robots.txt whose Content-Encoding lies ("br" over plain text): Scrapy's middleware logs the decoder's error with
    # its traceback; the site is recorded robots-unavailable, so the line says it all (stop 36's hostile probe)
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    record = _record(logging.ERROR, "Error downloading <GET http://127.0.0.1:9/a>: brotli: decoder failed",
                     ValueError("brotli: decoder failed"), "scrapy.downloadermiddlewares.robotstxt")
    line = formatter.format(record)
    assert "\n" not in line and "Traceback" not in line and "decoder failed" in line
    elsewhere = formatter.format(_record(logging.ERROR, "Error processing", ValueError("brotli: decoder failed")))
    assert "Traceback" in elsewhere  # the same exception from any other logger is a bug: its traceback stays
