"""Tests of crawler.demo: the loopback demo outlet sites used by `newsarchive demo` and end-to-end tests."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from demo_oracle import DemoOracle, serve_demo_sites

from crawler.config.outlets import load_outlets
from crawler.demo import load_articles

SHARED_SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seed-format"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9",
      "atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoOracle]:
    """Sites shared by the read-only tests."""
    with serve_demo_sites() as running:
        yield running


@pytest.fixture
def fresh_sites() -> Iterator[DemoOracle]:
    """Sites of one's own, for tests that edit or delete articles."""
    with serve_demo_sites() as running:
        yield running


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    """One raw HTTP/1.1 exchange: no redirect following, no decompression."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def by_key(sites: DemoOracle, key: str):
    """The expected article with ``key``."""
    return next(e for e in sites.expected if e.key == key)


def squash(text: str) -> str:
    """Letters and digits only, for comparing texts whose punctuation or spacing was cleaned."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def test_outlets_are_three_styles_on_distinct_addresses(sites: DemoOracle) -> None:
    assert [o.style for o in sites.outlets] == ["feed", "sitemap", "legacy"]
    assert len({o.base_url for o in sites.outlets}) == 3
    for outlet in sites.outlets:
        assert re.fullmatch(r"http://127\.0\.0\.\d+:\d+", outlet.base_url)
        assert fetch(outlet.base_url + "/")[0] == 200


def test_seeds_file_loads_and_matches_every_expected_article(sites: DemoOracle, tmp_path: Path) -> None:
    outlets = {o.name: o for o in load_outlets(sites.write_seeds(tmp_path / "demo.toml"))}
    assert set(outlets) == {o.name for o in sites.outlets}
    for demo in sites.outlets:
        assert outlets[demo.name].allowed_domains == (demo.host,)
        assert outlets[demo.name].download_delay == 0
    for expected in sites.expected:
        outlet = outlets[expected.outlet]
        assert outlet.owns(expected.url) and outlet.owns(expected.canonical_url)
        assert outlet.is_article(expected.url.split("#")[0].split("?utm_")[0])
        assert outlet.is_article(expected.canonical_url)
    for url in sites.broken_urls:
        assert any(o.is_article(url) for o in outlets.values())


def test_expected_articles_spread_over_sites_with_distractors(sites: DemoOracle) -> None:
    expected = sites.expected
    for outlet in sites.outlets:
        mine = [e for e in expected if e.outlet == outlet.name]
        assert len(mine) >= 3
        assert any(not e.relevant for e in mine)
    assert sorted(e.seed for e in expected if e.seed) == ["000", "001", "002", "003", "004"]
    assert len({e.canonical_url for e in expected}) == len(expected)
    for e in expected:
        assert e.title == e.title.strip() and e.paragraphs
        assert all(p == p.strip() and "  " not in p and "., " not in p for p in e.paragraphs)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.published)


def test_seed_001_is_cleaned_of_page_chrome(sites: DemoOracle) -> None:
    seed = next(e for e in sites.expected if e.seed == "001")
    assert seed.title == "ليبيا.. تراجع للميلشيات.. والمسماري يلوح باقتراب النصر"
    assert seed.paragraphs[0].startswith("اتهمت شعبة الإعلام الحربي")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_bundled_seed_text_is_the_shared_seed_text(sites: DemoOracle, seed: str) -> None:
    files = sorted(SHARED_SEEDS.glob(f"{seed}_*.txt")) if SHARED_SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"shared seed documents not found at {SHARED_SEEDS}")
    original = files[0].read_text(encoding="utf-8")
    article = next(e for e in sites.expected if e.seed == seed)
    assert squash(article.title) in squash(original)
    assert squash("".join(article.paragraphs)) in squash(original)
    assert len(article.paragraphs) >= 5


def test_rss_and_atom_list_the_feed_site_articles_with_tracking_links(sites: DemoOracle) -> None:
    outlet = sites.outlet("feed")
    expected = {e.url for e in sites.expected if e.outlet == outlet.name}
    status, headers, body = fetch(outlet.base_url + "/feed/rss.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    assert int(headers["Content-Length"]) == len(body)
    links = {item.findtext("link") for item in ET.fromstring(body).iter("item")}
    assert links == expected
    assert all("utm_source=rss" in link and "#" in link for link in links)
    assert all(re.search(r"/news/\d{4}/\d{2}/\d{2}/%D[89]%[0-9A-F]{2}", link) for link in links)  # percent-encoded
    home = fetch(outlet.base_url + "/")[2].decode("utf-8")
    assert all(f'href="{unquote(urlsplit(link).path)}"' in home for link in links)  # raw Arabic IRIs
    status, headers, body = fetch(outlet.base_url + "/feed/atom.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    hrefs = [e.find("atom:link", NS).get("href") for e in ET.fromstring(body).findall("atom:entry", NS)]
    assert {h.split("?")[0] for h in hrefs} == {e.canonical_url for e in sites.expected if e.outlet == outlet.name}


def test_feed_site_article_page_is_chunked_with_canonical_og_and_json_ld(sites: DemoOracle) -> None:
    article = by_key(sites, "feed-000")
    status, headers, body = fetch(article.url.split("#")[0])
    assert status == 200
    assert headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in headers
    html = body.decode("utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<link rel="canonical" href="{article.canonical_url}">' in html
    og_title = unescape(re.search(r'property="og:title" content="([^"]+)"', html).group(1))
    assert og_title.startswith(article.title) and og_title != article.title
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
    assert ld["datePublished"].startswith(article.published)
    for chrome in ("اقرأ أيضا", "الأكثر قراءة", "التعليقات", "الوسوم", "cookie-consent", "عاجل"):
        assert chrome in html


@pytest.mark.parametrize("key", [a.key for a in load_articles() if not a.private])
def test_every_expected_paragraph_is_on_its_page(sites: DemoOracle, key: str) -> None:
    article = by_key(sites, key)
    status, _headers, body = fetch(article.canonical_url, {"Accept-Encoding": "identity"})
    assert status == 200
    html = unescape(body.decode("windows-1256" if "article.php" in article.canonical_url else "utf-8"))
    assert article.title in html
    for paragraph in article.paragraphs:
        assert paragraph in html


def test_robots_rules_forbid_exactly_the_forbidden_paths(sites: DemoOracle) -> None:
    assert len(sites.forbidden_paths) >= 3
    for outlet in sites.outlets:
        status, headers, body = fetch(outlet.base_url + "/robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        parser = RobotFileParser()
        parser.parse(body.decode().splitlines())
        for url in sites.forbidden_paths:
            if url.startswith(outlet.base_url):
                assert not parser.can_fetch("newsarchive", url)
        for e in sites.expected:
            if e.outlet == outlet.name:
                assert parser.can_fetch("newsarchive", e.url) and parser.can_fetch("newsarchive", e.canonical_url)
    sitemap = sites.outlet("sitemap")
    robots = fetch(sitemap.base_url + "/robots.txt")[2].decode()
    assert f"Sitemap: {sitemap.base_url}/sitemap_index.xml" in robots
    home = fetch(sitemap.base_url + "/")[2].decode()
    forbidden = [u for u in sites.forbidden_paths if u.startswith(sitemap.base_url)]
    assert len(forbidden) >= 2 and all(u.removeprefix(sitemap.base_url) in unescape(home) for u in forbidden)


def test_sitemaps_gzip_encoded_and_gz_file_cover_the_sitemap_site(sites: DemoOracle) -> None:
    outlet = sites.outlet("sitemap")
    status, headers, body = fetch(outlet.base_url + "/sitemap_index.xml", {"Accept-Encoding": "gzip"})
    assert status == 200
    parts = [loc.text for loc in ET.fromstring(gzip.decompress(body)).findall("sm:sitemap/sm:loc", NS)]
    assert any(p.endswith("/sitemaps/news.xml") for p in parts) and any(p.endswith(".xml.gz") for p in parts)
    locs: set[str] = set()
    for part in parts:
        status, headers, body = fetch(part, {"Accept-Encoding": "gzip, deflate"})
        assert status == 200
        if part.endswith(".xml.gz"):
            assert headers["Content-Type"] == "application/x-gzip" and "Content-Encoding" not in headers
        else:
            assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        tree = ET.fromstring(gzip.decompress(body))
        locs |= {loc.text for loc in tree.findall("sm:url/sm:loc", NS)}
        if part.endswith("news.xml"):
            news = tree.findall("sm:url/news:news", NS)
            assert news and all(n.findtext("news:title", namespaces=NS) for n in news)
            assert all(n.findtext("news:publication_date", namespaces=NS) for n in news)
    assert {e.canonical_url for e in sites.expected if e.outlet == outlet.name} <= locs
    private = {u for u in sites.forbidden_paths if u.startswith(outlet.base_url + "/private/")}
    assert private and private <= locs  # a Disallowed URL listed in a sitemap still must not be fetched


def test_sitemap_site_pages_are_gzip_only_when_accepted_and_dated_in_arabic(sites: DemoOracle) -> None:
    article = by_key(sites, "sitemap-003")
    status, headers, zipped = fetch(article.url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(zipped)
    status, headers, plain = fetch(article.url)
    assert "Content-Encoding" not in headers
    assert gzip.decompress(zipped) == plain
    assert "29 أيلول/سبتمبر 2019" in plain.decode("utf-8")


def test_legacy_page_charset_only_in_meta_and_decodes_from_windows_1256(sites: DemoOracle) -> None:
    article = by_key(sites, "legacy-001")
    status, headers, body = fetch(article.url)
    assert status == 200 and headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">' in body
    html = unescape(body.decode("windows-1256"))
    assert article.title in html and article.paragraphs[-1] in html
    assert "الجمعة 29 مارس 2024 الموافق 19 رمضان 1445" in html  # the page header's "today"
    assert "الأربعاء 17 يوليو 2019 الموافق 14 ذو القعدة 1440" in html  # the publication date


def test_legacy_listing_paginates_and_links_carry_the_session(sites: DemoOracle) -> None:
    base = sites.outlet("legacy").base_url
    _status, headers, body = fetch(base + "/section.php?cat=libya")
    sid = re.search(r"PHPSESSID=(\w+)", headers["Set-Cookie"]).group(1)
    page1 = unescape(body.decode("windows-1256"))
    assert f"/section.php?cat=libya&page=2&PHPSESSID={sid}" in page1
    page2 = unescape(fetch(base + "/section.php?cat=libya&page=2", {"Cookie": f"PHPSESSID={sid}"})[2]
                     .decode("windows-1256"))
    hrefs = set(re.findall(r'href="(/(?:article|news_details)\.php[^"]*)"', page1 + page2))
    libya = {a.key for a in load_articles() if a.style == "legacy" and a.section == "libya"}
    assert len(libya) >= 3
    for e in sites.expected:
        if e.key in libya:
            assert any(urljoin(base, h).split("&PHPSESSID")[0] == e.url for h in hrefs)
    for url in sites.broken_urls:
        assert any(urljoin(base, h).split("&PHPSESSID")[0] == url for h in hrefs)
    assert all(f"PHPSESSID={sid}" in h for h in hrefs if "article.php" in h)


def test_legacy_session_cookie_is_reused(sites: DemoOracle) -> None:
    base = sites.outlet("legacy").base_url
    first = fetch(base + "/index.php")[1]["Set-Cookie"]
    sid = re.search(r"PHPSESSID=(\w+)", first).group(1)
    _status, headers, body = fetch(base + "/index.php", {"Cookie": f"PHPSESSID={sid}"})
    assert "Set-Cookie" not in headers and f"PHPSESSID={sid}".encode() in body


def test_legacy_redirect_missing_and_broken_links(sites: DemoOracle) -> None:
    base = sites.outlet("legacy").base_url
    for url, status in sites.broken_urls.items():
        got, headers, _ = fetch(url)
        assert got == status, url
        if status == 301:
            target = headers["Location"]
            assert target == by_key(sites, "legacy-academy").canonical_url
            assert fetch(target)[0] == 200
    assert fetch(base + "/article.php?id=99999")[0] == 404
    printed = unescape(fetch(base + "/print.php?id=12")[2].decode("windows-1256"))
    assert all(p in printed for p in by_key(sites, "legacy-001").paragraphs)


@pytest.mark.parametrize("key", ["feed-002", "sitemap-004"])
def test_conditional_requests_get_304(sites: DemoOracle, key: str) -> None:
    url = by_key(sites, key).canonical_url
    status, headers, _ = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
    assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})[0] == 200  # RFC 9110 13.2.2
    assert fetch(url, {"If-Modified-Since": "Tue, 01 Jan 2019 00:00:00 GMT"})[0] == 200


def test_feed_rss_is_conditional_too(sites: DemoOracle) -> None:
    url = sites.outlet("feed").base_url + "/feed/rss.xml"
    etag = fetch(url)[1]["ETag"]
    assert fetch(url, {"If-None-Match": etag})[0] == 304


def test_head_and_keep_alive(sites: DemoOracle) -> None:
    parts = urlsplit(by_key(sites, "sitemap-003").canonical_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("HEAD", parts.path)
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.headers["Content-Length"]) > 1000 and resp.read() == b""
        conn.request("GET", "/robots.txt")  # same connection: HTTP/1.1 persistent
        assert conn.getresponse().read().startswith(b"# robots.txt")
    finally:
        conn.close()


def test_edit_article_changes_page_feed_and_validators(fresh_sites: DemoOracle) -> None:
    article = by_key(fresh_sites, "feed-un-truce")
    _, headers, _ = fetch(article.canonical_url)
    old_etag, old_modified = headers["ETag"], headers["Last-Modified"]
    edited = fresh_sites.edit_article(article.url, title="عنوان معدل", paragraphs=["فقرة أولى.", "فقرة ثانية."])
    assert edited.title == "عنوان معدل" and edited.paragraphs == ("فقرة أولى.", "فقرة ثانية.")
    assert by_key(fresh_sites, "feed-un-truce") == edited
    status, headers, body = fetch(article.canonical_url, {"If-None-Match": old_etag})
    assert status == 200 and headers["ETag"] != old_etag
    assert "فقرة ثانية." in body.decode() and article.paragraphs[0] not in unescape(body.decode())
    assert fetch(article.canonical_url, {"If-Modified-Since": old_modified})[0] == 200
    assert "عنوان معدل" in fetch(fresh_sites.outlet("feed").base_url + "/feed/rss.xml")[2].decode()


@pytest.mark.parametrize("key, status", [("feed-002", 410), ("sitemap-displaced", 410), ("legacy-watiya", 404)])
def test_delete_article_removes_it_everywhere(fresh_sites: DemoOracle, key: str, status: int) -> None:
    article = by_key(fresh_sites, key)
    fresh_sites.delete_article(article.canonical_url)
    assert fetch(article.canonical_url)[0] == status
    assert key not in {e.key for e in fresh_sites.expected}
    outlet = next(o for o in fresh_sites.outlets if o.name == article.outlet)
    listings = {"feed": ["/feed/rss.xml", "/feed/atom.xml", "/"], "sitemap": ["/sitemaps/archive-2019.xml.gz"],
                "legacy": ["/section.php?cat=libya", "/section.php?cat=libya&page=2"]}[outlet.style]
    for path in listings:
        body = fetch(outlet.base_url + path)[2]
        text = gzip.decompress(body).decode() if path.endswith(".gz") else body.decode(
            "windows-1256" if outlet.style == "legacy" else "utf-8")
        assert article.canonical_url.removeprefix(outlet.base_url) not in unescape(text)


def test_unknown_article_url_is_a_key_error(sites: DemoOracle) -> None:
    with pytest.raises(KeyError):
        sites.edit_article(sites.outlet("feed").base_url + "/news/2000/01/01/nothing", title="x")


def test_requests_log_records_host_method_path_and_headers(fresh_sites: DemoOracle) -> None:
    outlet = fresh_sites.outlet("sitemap")
    fetch(outlet.base_url + "/robots.txt", {"User-Agent": "newsarchive-test"})
    (entry,) = fresh_sites.requests_log
    assert entry.host == outlet.base_url.removeprefix("http://")
    assert (entry.method, entry.path) == ("GET", "/robots.txt")
    assert entry.headers["User-Agent"] == entry.headers["user-agent"] == "newsarchive-test"
    assert entry.headers.get("USER-AGENT") == "newsarchive-test" and "user-agent" in entry.headers
    assert "User-Agent" in dict(entry.headers)  # the spelling the client sent


def test_unbindable_addresses_fall_back_to_127_0_0_1_on_distinct_ports() -> None:
    with serve_demo_sites(hosts=("203.0.113.7", "203.0.113.8", "203.0.113.9")) as running:
        hosts = {urlsplit(o.base_url).hostname for o in running.outlets}
        ports = {urlsplit(o.base_url).port for o in running.outlets}
        assert hosts == {"127.0.0.1"} and len(ports) == 3
        assert all(fetch(o.base_url + "/robots.txt")[0] == 200 for o in running.outlets)


def _free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def test_fixed_ports_are_used_and_a_busy_one_falls_back_to_a_free_port(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    wanted = (_free_port("127.0.0.2"), _free_port("127.0.0.3"), _free_port("127.0.0.4"))
    with serve_demo_sites(ports=wanted) as running:
        assert [urlsplit(o.base_url).port for o in running.outlets] == list(wanted)
    with socket.socket() as busy:  # someone else listens on the feed site's port
        busy.bind(("127.0.0.2", wanted[0]))
        busy.listen()
        with caplog.at_level("WARNING"), serve_demo_sites(ports=wanted) as running:
            feed = urlsplit(running.outlet("feed").base_url)
            assert feed.port != wanted[0] and fetch(running.outlet("feed").base_url + "/robots.txt")[0] == 200
            assert urlsplit(running.outlet("legacy").base_url).port == wanted[2]
        assert f"cannot bind 127.0.0.2:{wanted[0]}" in caplog.text


def test_a_data_folder_remembers_its_demo_addresses(tmp_path: Path) -> None:
    from crawler.demo.server import DEFAULT_HOSTS, DEMO_PORTS
    from crawler.demo.standalone import ADDRESSES, demo_sites_for, remembered

    assert remembered(tmp_path) == (DEFAULT_HOSTS, DEMO_PORTS)
    ports = (_free_port("127.0.0.2"), _free_port("127.0.0.3"), _free_port("127.0.0.4"))
    (tmp_path / ADDRESSES).write_text(json.dumps({
        "demo-feed": f"http://127.0.0.2:{ports[0]}", "demo-sitemap": f"http://127.0.0.3:{ports[1]}",
        "demo-legacy": f"http://127.0.0.4:{ports[2]}"}))
    assert remembered(tmp_path) == (DEFAULT_HOSTS, ports)
    with demo_sites_for(tmp_path) as (running, seeds):
        urls = [o.base_url for o in running.outlets]
        assert urls == [f"http://{h}:{p}" for h, p in zip(DEFAULT_HOSTS, ports)]
        outlets = load_outlets(seeds)
        assert [o.homepage for o in outlets] == [u + "/" for u in urls]
    (tmp_path / ADDRESSES).write_text("{not json")
    assert remembered(tmp_path) == (DEFAULT_HOSTS, DEMO_PORTS)  # a damaged file is ignored, with a warning


def test_moved_sites_do_not_overwrite_the_remembered_addresses(tmp_path: Path) -> None:
    import socket

    from crawler.demo.standalone import ADDRESSES, demo_sites_for

    with demo_sites_for(tmp_path) as (first, _):  # the fixed ports (or free ones if taken): recorded
        recorded = json.loads((tmp_path / ADDRESSES).read_text())
        assert recorded == {o.name: o.base_url for o in first.outlets}
        feed = urlsplit(recorded["demo-feed"])
        with socket.socket() as probe, pytest.raises(OSError):  # the feed site's address is in use
            probe.bind((feed.hostname, feed.port))
        with demo_sites_for(tmp_path) as (second, _):
            assert second.outlet("feed").base_url != recorded["demo-feed"]
    assert json.loads((tmp_path / ADDRESSES).read_text()) == recorded
