"""Replay: a crawl's WARCs, our CDXJ index and our WACZ open in pywb, and the article's text comes back."""

from __future__ import annotations

import gzip
import html
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import crawl_cli

from archive.catalogue.db import Catalogue
from archive.export.cdxj import index_archive
from archive.export.wacz import export_wacz
from crawler.demo import serve_demo_sites

# pywb pins old werkzeug/pyOpenSSL and brings brotlipy (which replaces the `brotli` module Scrapy uses), so it
# lives in its own virtualenv: `python -m venv /opt/pywb-venv && /opt/pywb-venv/bin/pip install pywb==2.10.0`.
PYWB_BIN = Path(os.environ.get("NEWSARCHIVE_PYWB_BIN", "/opt/pywb-venv/bin"))


def _pywb_tool(name: str) -> str:
    exe = PYWB_BIN / name
    if exe.is_file():
        return str(exe)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"pywb is not installed: no {exe} and no {name} on PATH "
                    "(python -m venv /opt/pywb-venv && /opt/pywb-venv/bin/pip install pywb==2.10.0, "
                    "or set NEWSARCHIVE_PYWB_BIN)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _text(headers: dict[str, str], body: bytes) -> str:
    if headers.get("Content-Encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    charset = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    text = body.decode(charset.group(1) if charset else "utf-8", errors="replace")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the feed outlet by the CLI (the reactor runs once per process)."""
    tmp = tmp_path_factory.mktemp("replay")
    data = tmp / "data"
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp / "seeds.toml")
        proc = crawl_cli(seeds, data, "--outlet", "demo-feed")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tmp, data


def _article(data: Path) -> tuple[str, str, str]:
    """(capture URL, 14-digit timestamp, longest paragraph) of a relevant article."""
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    row = conn.execute(
        "select c.url, c.fetched_at, a.text from articles a join captures c on c.id = a.capture_id "
        "where a.relevant = 1 and c.record_type = 'response' order by a.seq limit 1").fetchone()
    conn.close()
    assert row, "the crawl archived no relevant article"
    url, fetched_at, text = row
    ts = re.sub(r"\D", "", fetched_at)[:14]
    return url, ts, max(text.split("\n"), key=len)


def _serve(root: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([_pywb_tool("wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"wayback exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("wayback did not start listening within 30 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _replays(root: Path, coll: str, url: str, ts: str, paragraph: str) -> None:
    port = _free_port()
    server = _serve(root, port)
    try:
        # id_: the response as archived (no rewriting); mp_: the page as pywb rewrites it for replay (in its frame)
        for mode in ("id_", "mp_"):
            status, headers, body = _get(f"http://127.0.0.1:{port}/{coll}/{ts}{mode}/{url}")
            assert status == 200, (mode, status, body[:500])
            assert " ".join(paragraph.split()) in _text(headers, body), mode
        status, _, _ = _get(f"http://127.0.0.1:{port}/{coll}/{ts}id_/{url}-never-captured")
        assert status == 404
    finally:
        _stop(server)


def test_pywb_replays_article_from_our_cdxj_index(crawled):
    _pywb_tool("wayback")
    tmp, data = crawled
    result = index_archive(data)
    root = tmp / "pywb-cdxj"
    coll = root / "collections" / "news"
    (coll / "archive").mkdir(parents=True)
    (coll / "indexes").mkdir()
    for path in result.warc_files:
        shutil.copy(path, coll / "archive" / path.name)
    shutil.copy(result.path, coll / "indexes" / "index.cdxj")  # our index, not one pywb made
    url, ts, paragraph = _article(data)
    _replays(root, "news", url, ts, paragraph)


def test_pywb_replays_article_from_our_wacz(crawled):
    wb_manager = _pywb_tool("wb-manager")
    tmp, data = crawled
    catalogue = Catalogue(data / "catalogue.db")
    try:
        result = export_wacz(data, catalogue, tmp / "news.wacz")
    finally:
        catalogue.close()
    root = tmp / "pywb-wacz"
    root.mkdir()
    for args in (["init", "fromwacz"], ["add", "--unpack-wacz", "fromwacz", str(result.path)]):
        proc = subprocess.run([wb_manager, *args], cwd=root, check=False, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    url, ts, paragraph = _article(data)
    _replays(root, "fromwacz", url, ts, paragraph)
