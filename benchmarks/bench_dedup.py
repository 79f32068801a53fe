"""Benchmark: WARC bytes of a second crawl of unchanged sites vs the first (cross-crawl dedup; target <= 10 %).

Run: python benchmarks/bench_dedup.py [--keep DIR] [--shared ../shared]

Two scenarios, both served on loopback (no internet):

1. the three demo outlets (crawler/demo): small pages (2-4 kB gzipped), and a legacy site that puts a new
   session id into every link on every visit, so its listings never repeat byte for byte;
2. a site of real news pages: the 181 pages of the Zyte article-extraction benchmark (../shared/corpora), served
   gzip-encoded as their outlets served them, listed in an RSS feed and a sitemap. After the two crawls, every
   article is also fetched again unconditionally with ``newsarchive recrawl`` (what the edit watcher does), so the
   identical-payload revisit records are measured on real page weights.
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.demo import serve_demo_sites

CRAWL_ARGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CRAWL_CONTACT_URL=http://127.0.0.1/b"]
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def warc_files(data: Path) -> set[Path]:
    """Closed WARC files of the data folder."""
    return set((data / "warc").glob("*.warc.gz"))


def run_cli(args: list[str], data: Path) -> dict[str, object]:
    """Run one newsarchive command; return the WARC bytes it wrote, its record counts and its wall time."""
    before = warc_files(data)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", *args, "--data", str(data)],
                          check=False, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{args[0]} failed:\n{proc.stderr[-3000:]}")
    new = warc_files(data) - before
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    (crawl_id,) = conn.execute("select max(id) from crawls").fetchone()
    kinds = dict(conn.execute("select record_type, count(*) from captures where crawl_id = ? group by record_type",
                              [crawl_id]).fetchall())
    statuses = dict(conn.execute("select status, count(*) from captures where crawl_id = ? group by status",
                                 [crawl_id]).fetchall())
    conn.close()
    return {"bytes": sum(p.stat().st_size for p in new), "files": len(new), "seconds": elapsed,
            "responses": kinds.get("response", 0), "revisits": kinds.get("revisit", 0),
            "not_modified": statuses.get(304, 0)}


def table(rows: list[tuple[str, dict[str, object]]]) -> str:
    """A Markdown table of runs, each with its share of the first run's bytes."""
    first = rows[0][1]["bytes"] or 1
    out = ["| run | WARC bytes | of first | response records | revisit records | 304s | seconds |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        out.append(f"| {name} | {r['bytes']:,} | {r['bytes'] / first:.1%} | {r['responses']} | {r['revisits']} | "
                   f"{r['not_modified']} | {r['seconds']:.1f} |")
    return "\n".join(out)


def demo_scenario(root: Path) -> None:
    """Scenario 1: the demo outlets, crawled twice."""
    data = root / "demo-data"
    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(root / "demo-seeds.toml")
        first = run_cli(["crawl", "--seeds", str(seeds), *CRAWL_ARGS], data)
        second = run_cli(["crawl", "--seeds", str(seeds), *CRAWL_ARGS], data)
    print("### Demo outlets\n")
    print(table([("first crawl", first), ("second crawl (unchanged sites)", second)]))
    print(f"\nsecond / first = {second['bytes'] / first['bytes']:.1%}\n")


class RealPages(BaseHTTPRequestHandler):
    """Serves real news pages (gzip-encoded as stored), an RSS feed, a sitemap and robots.txt."""

    pages: dict[str, bytes] = {}
    base = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        """Answer one request."""
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            self._send(f"User-agent: *\nDisallow: /private/\nSitemap: {self.base}/sitemap.xml\n".encode(), "text/plain")
        elif path == "/feed.xml":
            items = "".join(f"<item><title>{k}</title><link>{self.base}/news/{k}.html</link></item>"
                            for k in sorted(self.pages))
            self._send(f'<?xml version="1.0"?><rss version="2.0"><channel><title>real</title>{items}</channel></rss>'
                       .encode(), "application/rss+xml")
        elif path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base}/news/{k}.html</loc></url>" for k in sorted(self.pages))
            self._send(f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
                       f"</urlset>".encode(), "application/xml")
        elif path.startswith("/news/") and path[6:-5] in self.pages:
            self._send(self.pages[path[6:-5]], "text/html; charset=utf-8", encoding="gzip")
        else:
            self._send(b"not found", "text/plain", status=404)

    def _send(self, body: bytes, ctype: str, *, status: int = 200, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def real_pages_scenario(root: Path, shared: Path) -> None:
    """Scenario 2: a site of real news pages, crawled twice, then every article re-fetched."""
    html_dir = shared / "corpora" / "article-extraction-benchmark" / "html"
    if not html_dir.is_dir():
        print(f"### Real pages\n\nskipped: {html_dir} not found (pass --shared)\n")
        return
    # stored gzip members are served as they are: real page weight, real compression
    RealPages.pages = {p.name.split(".")[0][:16]: p.read_bytes() for p in sorted(html_dir.glob("*.html.gz"))}
    server = ThreadingHTTPServer(("127.0.0.21", 0), RealPages)
    RealPages.base = f"http://127.0.0.21:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = root / "real-seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "real"\nfeeds = ["{RealPages.base}/feed.xml"]\n'
                     f'article_urls = ["/news/[0-9a-f]+\\\\.html$"]\ndownload_delay = 0\nconcurrency = 8\n'
                     f'topic_filter = false\n', encoding="utf-8")
    data = root / "real-data"
    try:
        first = run_cli(["crawl", "--seeds", str(seeds), *CRAWL_ARGS], data)
        second = run_cli(["crawl", "--seeds", str(seeds), *CRAWL_ARGS], data)
        urls = [f"{RealPages.base}/news/{k}.html" for k in sorted(RealPages.pages)]
        third = run_cli(["recrawl", "--seeds", str(seeds), "--unconditional", *urls], data)
    finally:
        server.shutdown()
    raw = sum(len(gzip.decompress(b)) for b in RealPages.pages.values())
    print(f"### Real pages ({len(RealPages.pages)} pages, {raw / len(RealPages.pages) / 1024:.0f} kB each "
          f"uncompressed on average)\n")
    print(table([("first crawl", first), ("second crawl (unchanged site)", second),
                 ("re-fetch of every article (`recrawl --unconditional`)", third)]))
    print(f"\nsecond / first = {second['bytes'] / first['bytes']:.1%}; "
          f"re-fetch of every article / first = {third['bytes'] / first['bytes']:.1%}\n")


def main() -> None:
    """Run both scenarios and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="Use (and keep) this folder instead of a temporary one.")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="The shared folder (corpora).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        demo_scenario(root)
        real_pages_scenario(root, args.shared)


if __name__ == "__main__":
    main()
