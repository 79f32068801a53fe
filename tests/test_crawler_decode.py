"""One HTML decoder: a real loopback crawl and `newsarchive extract` read every charset declaration alike."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from faultsite import PARAGRAPHS
from helpers import crawl_cli

from crawler.cli.main import cli
from crawler.extraction.decode import decode_html

# name -> (encoding of the bytes, <meta> in the page or "", charset of the HTTP Content-Type or None)
VARIANTS = {
    "meta-iso-8859-6": ("iso-8859-6", '<meta charset="iso-8859-6">', None),
    "http-iso-8859-6": ("iso-8859-6", "", "iso-8859-6"),
    "meta-windows-1256": ("windows-1256", '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
                          None),
    "utf-8-undeclared": ("utf-8", "", None),
}
NAMES = list(VARIANTS)
SLUG = "اشتباكات-بنغازي"  # an article reached only through a listing page served under a stale charset
SLUG_TITLE = "اشتباكات في بنغازي عبر صفحة القسم"


def _title(name: str) -> str:
    return f"اشتباكات في طرابلس رقم {NAMES.index(name) + 1}"


def _page(name: str) -> bytes:
    """The page of one variant, as bytes in its encoding."""
    encoding, meta, _ = VARIANTS[name]
    body = "".join(f"<p>{p} (تقرير رقم {NAMES.index(name) + 1})</p>" for p in PARAGRAPHS)
    return (f"<!doctype html><html lang='ar' dir='rtl'><head>{meta}<title>{_title(name)}</title></head>"
            f"<body><article><h1>{_title(name)}</h1>{body}</article></body></html>").encode(encoding)


def _content_type(name: str) -> str:
    charset = VARIANTS[name][2]
    return f"text/html; charset={charset}" if charset else "text/html"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf<p>\xd9\x84\xd9\x8a\xd8\xa8\xd9\x8a\xd8\xa7</p>", "<p>ليبيا</p>"),  # BOM stripped
        ('<meta charset="windows-1256"><p>ليبيا</p>'.encode("cp1256"), '<meta charset="windows-1256"><p>ليبيا</p>'),
        ("<p>ليبيا</p>".encode(), "<p>ليبيا</p>"),
    ],
)
def test_decode_html(data: bytes, expected: str) -> None:
    assert decode_html(data) == expected


@pytest.mark.parametrize("name", NAMES)
def test_decode_html_reads_each_declaration(name: str) -> None:
    text = decode_html(_page(name), _content_type(name))
    assert f"<title>{_title(name)}</title>" in text and PARAGRAPHS[0] in text


def test_iso_8859_6_is_not_read_as_windows_1256() -> None:
    # WHATWG keeps ISO-8859-6 distinct from windows-1256: the same Arabic letters sit at other bytes.
    page = _page("meta-iso-8859-6")
    assert page.decode("windows-1256") != page.decode("iso-8859-6")
    assert decode_html(page) == page.decode("iso-8859-6")


def test_undeclared_legacy_page_is_detected() -> None:
    page = _page("utf-8-undeclared").decode("utf-8").encode("windows-1256")
    assert PARAGRAPHS[1] in decode_html(page)


def test_page_saved_as_utf8_with_a_stale_legacy_meta_reads_as_utf8() -> None:
    # as saving tools do (fundus cn/People_2024_04_24 declares GB2312); ISO-8859-6 leaves most UTF-8 bytes undefined
    page = _page("utf-8-undeclared").replace(b"<head>", b'<head><meta charset="iso-8859-6">')
    assert decode_html(page) == page.decode("utf-8")


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1256", "iso-8859-6", "gb2312"])
def test_utf8_bytes_served_under_a_stale_charset_read_as_utf8(charset: str) -> None:
    # Apache's default "charset=ISO-8859-1" on a UTF-8 page: read as declared, "ليبيا" would become "Ù„ÙŠØ¨ÙŠØ§"
    page = _page("utf-8-undeclared")
    assert decode_html(page, f"text/html; charset={charset}") == page.decode("utf-8")
    latin = "<p>Straße für Übersee, naïve café</p>".encode()
    assert decode_html(latin, f"text/html; charset={charset}") == latin.decode("utf-8")


@pytest.mark.parametrize("encoding", ["windows-1252", "windows-1256", "iso-8859-6"])
def test_legacy_bytes_stay_in_their_declared_charset(encoding: str) -> None:
    # real legacy prose is never valid UTF-8: the declaration keeps deciding
    text = "<p>Straße für Übersee</p>" if encoding == "windows-1252" else "<p>اشتباكات في طرابلس وبنغازي؟</p>"
    assert decode_html(text.encode(encoding), f"text/html; charset={encoding}") == text


def test_a_utf16_label_on_ascii_compatible_bytes_reads_as_utf8() -> None:
    # WHATWG: <meta charset=utf-16> is read as UTF-8 (the page declared it in ASCII); w3lib would read UTF-16-BE
    page = '<html><head><meta charset="utf-16"></head><body><p>&#1604;&#1610; ليبيا</p></body></html>'
    assert decode_html(page.encode()) == page


def test_a_utf16_label_on_legacy_arabic_bytes_is_detected() -> None:
    page = '<html><head><meta charset="utf-16"></head><body><p>اشتباكات في طرابلس وبنغازي وسرت ومصراتة</p></body></html>'
    assert "اشتباكات في طرابلس" in decode_html(page.encode("windows-1256"))


def test_a_seven_bit_japanese_page_with_a_stray_utf8_sign_keeps_its_charset() -> None:
    page = '<meta charset="iso-2022-jp"><p>'.encode() + "日本語のテキスト".encode("iso-2022-jp") + " ©".encode()
    assert "日本語のテキスト" in decode_html(page)


def test_utf16_page_is_read_by_its_bom() -> None:
    text = "<p>ليبيا</p>"
    assert decode_html(text.encode("utf-16"), "text/html; charset=windows-1256") == text


def test_declared_charset_wins_over_a_few_stray_bytes() -> None:
    page = _page("meta-windows-1256").replace(b"</article>", b"\x81</article>")  # 0x81 is a letter in cp1256
    text = decode_html(page, "text/html; charset=iso-8859-6")  # the header wins over <meta>, as in a browser
    assert PARAGRAPHS[0] not in text and "\ufffd" in text


class _Site:
    """The four variant pages and a feed listing them, on loopback."""

    base_url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/robots.txt":
                    self._send("text/plain", b"User-agent: *\nAllow: /\n")
                elif path == "/feed.xml":
                    items = "".join(f"<item><title>{n}</title><link>{site.base_url}/news/{n}</link></item>"
                                    for n in NAMES)
                    self._send("application/rss+xml", f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                                                      f"<channel><title>t</title>{items}</channel></rss>".encode())
                elif path.startswith("/news/") and path[6:] in VARIANTS:
                    self._send(_content_type(path[6:]), _page(path[6:]))
                elif path == "/section/":  # UTF-8 bytes under Apache's default charset, raw Arabic in the href
                    self._send("text/html; charset=iso-8859-1",
                               f'<html><body><a href="/news/{SLUG}">{SLUG_TITLE}</a></body></html>'.encode())
                elif unquote(path) == f"/news/{SLUG}":
                    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                    self._send("text/html; charset=utf-8", f"<html><head><title>{SLUG_TITLE}</title></head><body>"
                                                           f"<article><h1>{SLUG_TITLE}</h1>{body}</article></body></html>".encode())
                else:
                    self.send_error(404)

            def _send(self, ctype: str, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Iterator[dict[str, dict]]:
    """The articles (url -> row) of one real crawl of the variant pages."""
    tmp = tmp_path_factory.mktemp("decode")
    site = _Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp / "seeds.toml"
    seeds.write_text(f"""[[outlet]]
name = "charsets"
feeds = ["{site.base_url}/feed.xml"]
start_urls = ["{site.base_url}/section/"]
article_urls = ['/news/']
allowed_domains = ["127.0.0.1"]
topic_filter = false
robots_sitemaps = false
download_delay = 0
""", encoding="utf-8")
    try:
        proc = crawl_cli(seeds, tmp / "data")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(tmp / "data" / "catalogue.db")
    conn.row_factory = sqlite3.Row
    yield {unquote(row["url"]).rsplit("/", 1)[1]: dict(row) for row in conn.execute("select url, title, text from articles")}
    conn.close()


@pytest.mark.parametrize("name", NAMES)
def test_crawl_and_extract_decode_alike(crawled: dict[str, dict], name: str, tmp_path: Path) -> None:
    row = crawled[name]
    assert row["title"] == _title(name) and PARAGRAPHS[0] in row["text"]
    page = tmp_path / "page.html"
    page.write_bytes(_page(name))
    charset = VARIANTS[name][2]
    result = CliRunner().invoke(cli, ["extract", str(page), "--jsonl", "--url", row["url"],
                                      *(["--charset", charset] if charset else [])])
    assert result.exit_code == 0, result.output
    extracted = json.loads(result.stdout)
    assert (extracted["title"], extracted["text"]) == (row["title"], row["text"])


def test_listing_served_under_a_stale_charset_gives_its_arabic_links_whole(crawled: dict[str, dict]) -> None:
    # read as ISO-8859-1 the href would be mojibake, percent-encoded into a URL the site does not have
    assert crawled[SLUG]["title"] == SLUG_TITLE
