"""One loopback crawl of two outlets that print times of day (stop 39): one whose seeds entry names its ``timezone``,
one that does not. The catalogue and a CSV/JSONL export are read back.

The zoned outlet's dateline time with no zone is an instant in Africa/Tripoli (+02:00); a JSON-LD instant stays as
the page gives it. On the other outlet a time with no zone is no instant: ``published`` keeps the day and
``published_time`` the time, which the export writes as its trailing field; a time printed with its zone ("GMT") is
an instant whatever the outlet.
"""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers import crawl_cli, reply, rows

from archive.catalogue.db import Catalogue
from archive.export.corpus import export_corpus

BODY = ("وقال مسؤول في وزارة الداخلية الليبية إن الاجتماع الأمني في طرابلس بحث الأوضاع في العاصمة وسبل تعزيز "
        "الأمن فيها، وإن اللجنة ستقدم تقريرها خلال أيام إلى المجلس الرئاسي وحكومة الوفاق الوطني.")
TITLES = {1: "اجتماع أمني في طرابلس لبحث الأوضاع", 2: "وصول وفد أممي إلى بنغازي", 3: "افتتاح طريق الساحل بعد إغلاقه",
          4: "مباحثات اقتصادية في مصراتة حول الميزانية"}
# per outlet and story: the dateline (and a JSON-LD block) its page prints
PAGES = {
    "zoned": {1: ("4 أبريل 2019 - 18:40", ""),
              2: ("5 أبريل 2019", '{"@type": "NewsArticle", "datePublished": "2019-04-05T09:15:00+00:00"}')},
    "plain": {3: ("الخميس ٤ أبريل ٢٠١٩ الساعة ١٠:٣٥ ص", ""), 4: ("4 أبريل 2019 | 06:12 م GMT", "")},
}


def _handler(outlet: str) -> type[BaseHTTPRequestHandler]:
    stories = PAGES[outlet]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            base = f"http://{self.headers['Host']}"
            if self.path == "/feed.xml":
                items = "".join(f"<item><title>{TITLES[n]}</title><link>{base}/news/{n}</link></item>" for n in stories)
                body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'
                return reply(self, 200, "application/rss+xml; charset=utf-8", body.encode())
            n = int(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/news/") else 0
            if n not in stories:
                return reply(self, 404, "text/plain", b"not found")
            dateline, ld = stories[n]
            ld = f'<script type="application/ld+json">{ld}</script>' if ld else ""
            page = (f'<html lang="ar"><head><meta charset="utf-8"><title>{TITLES[n]}</title>{ld}</head><body>'
                    f'<article><h1>{TITLES[n]}</h1><div class="meta">{dateline}</div><p>{BODY}</p>'
                    f"<p>{BODY}</p></article></body></html>")
            return reply(self, 200, "text/html; charset=utf-8", page.encode())

    return Handler


def test_a_crawl_stores_printed_times_and_exports_them(tmp_path: Path) -> None:
    servers = {name: ThreadingHTTPServer(("127.0.0.1", 0), _handler(name)) for name in PAGES}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = {name: f"http://127.0.0.1:{s.server_address[1]}" for name, s in servers.items()}
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(
        f'[[outlet]]\nname = "zoned"\nfeeds = ["{base["zoned"]}/feed.xml"]\ntopic_filter = false\n'
        'timezone = "Africa/Tripoli"\ndownload_delay = 0\n\n'
        f'[[outlet]]\nname = "plain"\nfeeds = ["{base["plain"]}/feed.xml"]\ntopic_filter = false\n'
        "download_delay = 0\n", encoding="utf-8")
    data = tmp_path / "data"
    try:
        result = crawl_cli(seeds, data)
    finally:
        for server in servers.values():
            server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    got = {r["title"]: (r["outlet"], r["published"], r["published_time"])
           for r in rows(data, "select title, outlet, published, published_time from articles")}
    assert got == {
        TITLES[1]: ("zoned", "2019-04-04T18:40:00+02:00", None),  # the outlet's zone makes the time an instant
        TITLES[2]: ("zoned", "2019-04-05T09:15:00+00:00", None),  # JSON-LD's instant, as the page gives it
        TITLES[3]: ("plain", "2019-04-04", "10:35"),  # no zone: the day, and the time apart
        TITLES[4]: ("plain", "2019-04-04T18:12:00+00:00", None),  # printed with its zone: an instant
    }, result.stderr[-3000:]
    view = {r["title"]: r["day"] for r in rows(data, "select title, day from articles_view")}
    assert set(view.values()) == {"2019-04-04", "2019-04-05"}  # the first ten characters stay the day
    cat = Catalogue(data / "catalogue.db")
    try:
        export_corpus(cat.db, tmp_path / "corpus.jsonl", "jsonl")
        export_corpus(cat.db, tmp_path / "corpus.csv", "csv")
    finally:
        cat.close()
    lines = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text("utf-8").splitlines()]
    assert {line["title"]: (line["published"], line["published_time"]) for line in lines} == {
        title: (published, clock) for title, (_, published, clock) in got.items()}
    # published_time keeps its place after the 25 columns before it (stop 40 appended status and deleted_at after it)
    assert all(list(line)[25] == "published_time" for line in lines)
    with (tmp_path / "corpus.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0])[25] == "published_time"
    assert {r["title"]: r["published_time"] for r in table}[TITLES[3]] == "10:35"
