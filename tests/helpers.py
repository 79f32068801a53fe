"""Helpers shared by the tests (end-to-end runs, catalogues, relevance judgements)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def token_f1(expected: str, got: str) -> float:
    """Bag-of-words F1 between two texts (``\\w+`` tokens, as the Zyte benchmark tokenises)."""
    a, b = Counter(re.findall(r"\w+", expected)), Counter(re.findall(r"\w+", got))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(b.values()), overlap / sum(a.values())
    return 2 * p * r / (p + r)


# Settings for crawling loopback test sites: no politeness delays, an honest contact URL.
FAST = (
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "CRAWL_CONTACT_URL=http://127.0.0.1/contact",
)


def crawl_cli(seeds: Path, data: Path, *args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    """One real crawl by the CLI in a subprocess (the Twisted reactor runs once per process)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.cli.main",
            "crawl",
            "--seeds",
            str(seeds),
            "--data",
            str(data),
            *FAST,
            *args,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """One ``newsarchive`` command in a subprocess, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def rows(data: Path, sql: str, params: tuple = ()) -> list[dict]:
    """The rows a query finds in the catalogue of data folder ``data``, as dicts (a connection of its own)."""
    import sqlite3

    conn = sqlite3.connect(data / "catalogue.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def catalogue(data: Path):
    """A connection to the catalogue of data folder ``data`` whose rows are ``sqlite3.Row``s."""
    import sqlite3

    conn = sqlite3.connect(data / "catalogue.db")
    conn.row_factory = sqlite3.Row
    return conn


def article_row(data: Path, url: str, outlet: str):
    """The article row stored under ``url`` (canonicalised) and "", or None and a diagnosis for an assertion message:
    the outlet's rows and its recorded failures."""
    from crawler.discovery.urls import canonicalize

    conn = catalogue(data)
    url = canonicalize(url)
    row = conn.execute("select * from articles where url = ?", [url]).fetchone()
    if row is not None:
        return row, ""
    found = conn.execute("select url, title from articles where outlet = ?", [outlet]).fetchall()
    fails = conn.execute(
        "select url, stage, reason, detail from failures where outlet = ?", [outlet]
    ).fetchall()
    return None, (
        f"no article row for {url}; {outlet} rows: {[tuple(r) for r in found]}; "
        f"failures: {[tuple(f) for f in fails]}"
    )


def portal_session(tmp_path: Path, base: str):
    """A real ArchiveSession (local writer) over a one-outlet seeds file for ``base``, without a crawl."""
    from crawler.capture.apply import apply_batch
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.session import ArchiveSession

    seeds = tmp_path / "outlets.toml"
    seeds.write_text(
        f'[[outlet]]\nname = "portal"\nstart_urls = ["{base}/"]\ntopic_filter = false\n', encoding="utf-8"
    )
    return ArchiveSession(
        ArchiveConfig.from_settings(
            {
                "ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                "ARCHIVE_SEEDS": str(seeds),
                "ARCHIVE_DISK_RESERVE": 0,
            }
        ),
        apply_batch,
    )


def crawl_feed_site(
    handler: type, tmp_path: Path, *args: str, outlet: str = ""
) -> subprocess.CompletedProcess[str]:
    """Serve ``handler`` on loopback as the one outlet "portal" (its feed at /feed.xml, articles at /news/<n>), crawl
    it once by the CLI into ``tmp_path/data`` with ``args``, and stop the server. ``outlet``: more TOML lines
    for the outlet, e.g. ``download_delay = 0`` where its default 1 s between requests is not under test."""
    import threading
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(
        f'[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\narticle_urls = [\'/news/\\d+$\']\n'
        f"topic_filter = false\n{outlet}",
        encoding="utf-8",
    )
    try:
        return crawl_cli(seeds, tmp_path / "data", *args)
    finally:
        server.shutdown()


def reply(handler, status: int, kind: str, body: bytes) -> None:
    """Send one whole HTTP response (status, Content-Type, Content-Length, body) from a BaseHTTPRequestHandler."""
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def captures_off_their_warc_records(conn, data: Path) -> list[tuple]:
    """The capture rows whose (warc_file, offset, length) does not hold exactly one response or revisit record with
    the row's URL, record id and payload digest (read back with warcio, digests checked): (id, url, what was found)."""
    import io

    from warcio.archiveiterator import ArchiveIterator

    wrong = []
    for row in conn.execute("select * from captures").fetchall():
        with open(data / row["warc_file"], "rb") as fh:
            fh.seek(row["warc_offset"])
            chunk = fh.read(row["warc_length"])
        records = list(ArchiveIterator(io.BytesIO(chunk), check_digests=True))
        record = records[0] if records else None
        got = (
            None
            if record is None
            else (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("WARC-Record-ID"),
                record.rec_headers.get_header("WARC-Payload-Digest"),
            )
        )
        if (
            len(records) != 1
            or got[0] not in ("response", "revisit")
            or got[1:] != (row["url"], row["warc_record_id"], row["payload_digest"])
        ):
            wrong.append((row["id"], row["url"], got))
    return wrong


# --- relevance judgements (tests/test_crawler_relevance_round*.py) --------------------------------------------------

RELEVANCE_SETS = ROOT / "benchmarks" / "relevance"


def term_weight(result, name: str) -> float:
    """The weight a judgement gave the matched term ``name`` (its ``matched_terms`` entry; StopIteration if absent)."""
    return next(entry[2] for entry in result.matched_terms if entry[0] == name)


def matched_names(result) -> set[str]:
    """The names of every term a judgement matched (its evidence entries included)."""
    return {entry[0] for entry in result.matched_terms}


def labelled_row(name: str, row_id: str) -> tuple[str, str]:
    """(title, text) of article ``row_id`` of the labelled set ``benchmarks/relevance/<name>``."""
    for line in (RELEVANCE_SETS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and (row := json.loads(line))["id"] == row_id:
            return row["title"], row["text"]
    raise KeyError(row_id)


def bench_module(relative: str):
    """A benchmark script imported as a module (``benchmarks/`` is no package), e.g. ``"relevance/verdicts.py"``."""
    import importlib.util

    path = ROOT / "benchmarks" / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_probe(lexicon, probe: str, case: tuple) -> None:
    """Assert a relevance probe's verdict: ``case`` is ``(title, body, relevant)``, or ``(why, title, body, relevant)``
    with the reason the probe was written (shown when it fails)."""
    from crawler.relevance.judge import judge

    *why, title, body, relevant = case
    result = judge(title, body, lexicon)
    assert result.relevant is relevant, (probe, *why, result.score, result.matched_terms)


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real, small filesystem at ``path`` (tmpfs); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): {result.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
