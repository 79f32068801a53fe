"""The archive of record as a researcher meets it (stop 40's second probe): replay answers the archived status (a
redirect leads on inside the archive), the whole-archive WACZ refuses a WARC file that is gone, and ``check`` names an
article whose current version lost its record. Real re-crawls of a loopback site, each in its own process."""

from __future__ import annotations

import asyncio
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import cli, rows
from test_changing_outlet_probe40 import TEXT, Site, page, recrawl

from crawler.web.replay import ReplayApp


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two articles, one reached through a 301, and a 404, archived by one re-crawl; then /news/1 edited and
    re-checked (its version 2 in a second WARC file)."""
    site = Site()
    root = tmp_path_factory.mktemp("record40")
    (root / "seeds.toml").write_text(
        f'[[outlet]]\nname = "local"\nhomepage = "{site.base}/"\narticle_urls = ["/news/[a-z0-9-]+$"]\n'
        'topic_filter = false\ndownload_delay = 0\n', encoding="utf-8")
    site.pages["/news/1"] = page("اشتباكات في طرابلس تغلق طريق المطار", TEXT * 3)
    site.pages["/news/2"] = page("البعثة الأممية تدعو إلى الحوار", TEXT * 2 + "(2)")
    site.moved["/news/old-2"] = "/news/2"
    first = recrawl(root, f"{site.base}/news/1", f"{site.base}/news/old-2", f"{site.base}/news/gone")
    assert "HTTP 404" in first.stdout, first.stdout + first.stderr[-3000:]
    site.pages["/news/1"] = page("اشتباكات في طرابلس تغلق طريق المطار", TEXT * 3 + "تصحيح: أعيد فتح الطريق مساء.")
    second = recrawl(root, f"{site.base}/news/1")
    assert second.returncode == 0 and "new version 2" in second.stdout, second.stdout + second.stderr[-3000:]
    yield {"site": site, "root": root, "data": root / "data"}
    site.server.shutdown()


def _get(data: Path, path: str) -> httpx.Response:
    app = ReplayApp(data / "catalogue.db", data)

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://replay") as client:
            return await client.get(path)

    return asyncio.run(fetch())


def _capture(data: Path, url: str, status: int) -> dict[str, Any]:
    return rows(data, "select * from captures where url = ? and status = ? order by id desc", (url, status))[0]


@pytest.mark.parametrize("view", ["capture", "view"])
def test_an_archived_redirect_replays_as_a_redirect_that_leads_on_inside_the_archive(archived, view) -> None:
    data, base = archived["data"], archived["site"].base
    moved = _capture(data, f"{base}/news/old-2", 301)
    response = _get(data, f"/{view}/{moved['id']}")
    # before stop 40: 200, an empty page (a dead end for a moved story followed inside the archive)
    assert response.status_code == 301
    location = response.headers["location"]
    assert location.startswith("/go?")
    hop = _get(data, location)
    target = _capture(data, f"{base}/news/2", 200)
    assert hop.status_code == 302 and hop.headers["location"] == f"/view/{target['id']}"
    assert "البعثة الأممية".encode() in _get(data, hop.headers["location"]).content


def test_an_archived_404_replays_as_a_404_with_its_page(archived) -> None:
    data, base = archived["data"], archived["site"].base
    gone = _capture(data, f"{base}/news/gone", 404)
    response = _get(data, f"/capture/{gone['id']}")
    assert response.status_code == 404  # before stop 40: 200
    assert response.content == b"<html><body>not found</body></html>"  # the page as served


def _flip_inside(data: Path, capture: dict[str, Any]) -> None:
    """Change one byte inside a capture's gzip member, past its header: damage in the middle of a closed file."""
    path = data / capture["warc_file"]
    blob = bytearray(path.read_bytes())
    blob[int(capture["warc_offset"]) + int(capture["warc_length"]) // 2] ^= 0x01
    path.write_bytes(bytes(blob))


def test_check_names_an_article_whose_current_version_lost_its_record(archived, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(archived["data"], data)
    url = f"{archived['site'].base}/news/1"
    article = rows(data, "select id, capture_id, versions from articles where url = ?", (url,))[0]
    assert article["versions"] == 2
    current = rows(data, "select * from captures where id = ?", (article["capture_id"],))[0]
    _flip_inside(data, current)
    cli("check", "--data", str(data), "--repair")
    assert rows(data, "select record_type from captures where id = ?", (current["id"],))[0]["record_type"] == "missing"
    result = cli("check", "--data", str(data))
    assert result.returncode == 1
    # before stop 40 only the damaged gzip member was reported: version 1's record is whole, so the article counted
    # as archived while its text, text file and export row were version 2's, cited by a record no WARC holds
    assert f"articles/{article['id']}: refetch-pending" in result.stdout, result.stdout
    assert "no archived record of its current version" in result.stdout
    assert rows(data, "select status, reason from frontier where url = ?", (url,)) == \
        [{"status": "pending", "reason": "capture-missing"}]


def test_a_whole_archive_wacz_refuses_while_a_warc_file_is_gone(archived, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(archived["data"], data)
    first = rows(data, "select warc_file from captures where url like '%/news/old-2' order by id")[0]["warc_file"]
    (data / first).unlink()
    out = tmp_path / "all.wacz"
    refused = cli("export", "--data", str(data), "--format", "wacz", "--out", str(out))
    # before stop 40: "wrote ...: 2 WARC files, 2 pages", a valid package holding 1 page
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert first in refused.stderr and "check --repair" in refused.stderr
    assert not out.exists()
    cli("check", "--data", str(data), "--repair")  # marks those captures missing: the package says what it holds
    done = cli("export", "--data", str(data), "--format", "wacz", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(out) as package:
        listed = package.read("pages/pages.jsonl").decode().splitlines()[1:]
    assert [json.loads(line)["url"] for line in listed] == [f"{archived['site'].base}/news/1"]
    assert "1 pages" in done.stdout


@pytest.mark.parametrize("location", ["", "http://[bad", "javascript:alert(1)"])
def test_a_redirect_with_no_usable_location_replays_its_body(tmp_path, location) -> None:
    from datetime import UTC, datetime

    from archive.catalogue.db import Catalogue
    from archive.records import Exchange
    from archive.warc.writer import WarcArchive

    headers = (("Content-Type", "text/html; charset=utf-8"),) + ((("Location", location),) if location else ())
    exchange = Exchange(url="http://127.0.0.1/news/moved", method="GET", request_headers=(("Host", "127.0.0.1"),),
                        request_body=b"", status=302, reason="Found", protocol="HTTP/1.1", response_headers=headers,
                        body="<p>نقل الخبر</p>".encode(), fetched_at=datetime.now(UTC))
    cat = Catalogue(tmp_path / "catalogue.db")
    warc = WarcArchive(tmp_path, warcinfo={"crawl-id": "moved"}, fsync=False)
    try:
        crawl = cat.start_crawl("moved", "test", ["t"], pid=None)
        capture = cat.add_capture(crawl, "t", exchange, warc.write_exchange(exchange))
        cat.finish_crawl(crawl, "finished", {})
        warc.close()
    finally:
        cat.close()
    response = _get(tmp_path, f"/capture/{capture}")
    assert response.status_code == 200 and "location" not in response.headers
    assert response.content == "<p>نقل الخبر</p>".encode()
