"""Stop 37's probe of exports, the corpus and replay: one loopback site, one crawl and four re-crawls, shared.

The site's article 1 is edited into a football report (no longer relevant) and back; article 2 starts sending an
ETag after the first crawl, so a conditional re-check answers 304 only when the ETag a revisit stored is sent.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FAST, ROOT, crawl_cli
from warcio.archiveiterator import ArchiveIterator

from crawler.cli.main import cli

RELEVANT = ("اشتباكات عنيفة في طرابلس بين الجيش الليبي وقوات الوفاق", [
    "اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات الجيش الوطني الليبي بقيادة خليفة حفتر والقوات "
    "الموالية لحكومة الوفاق الوطني.",
    "وقال المتحدث باسم الجيش الوطني الليبي أحمد المسماري إن قواته سيطرت على مواقع جديدة جنوب طرابلس بعد معارك "
    "استمرت يومين.",
    "ودعت بعثة الأمم المتحدة للدعم في ليبيا الأطراف المتحاربة إلى وقف إطلاق النار وحماية المدنيين في طرابلس ومحيطها.",
])
SECOND = ("المسماري: الجيش الليبي يتقدم جنوب طرابلس", RELEVANT[1][1:] + RELEVANT[1][:1])
FOOTBALL = ("الأهلي طرابلس يفوز على الاتحاد في ديربي كرة القدم", [
    "فاز فريق الأهلي طرابلس على غريمه الاتحاد بهدفين مقابل هدف في مباراة الديربي التي أقيمت مساء الجمعة على ملعب "
    "طرابلس الدولي وسط حضور جماهيري كبير.",
    "وسجل هدفي الأهلي المهاجم محمد في الدقيقة العشرين ثم أضاف زميله الهدف الثاني في الشوط الثاني، بينما قلص الاتحاد "
    "الفارق بضربة جزاء.",
    "وبهذا الفوز يتصدر الأهلي ترتيب الدوري الليبي الممتاز برصيد خمس عشرة نقطة، متقدما بفارق نقطتين على أقرب منافسيه.",
])
STATE = {"football": False, "etag": False}


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2019-07-10T10:00:00+02:00"></head>'
            f'<body><article><h1>{html.escape(title)}</h1><div class="content">{body}</div></article></body>'
            "</html>").encode()


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, kind: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://{self.headers['Host']}"
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>{n}</title><link>{base}/news/{n}</link></item>" for n in (1, 2))
            return self._send(200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>'
                              f"<title>t</title><link>{base}/</link>{items}</channel></rss>".encode())
        if self.path == "/news/1":
            return self._send(200, "text/html; charset=utf-8", _page(*(FOOTBALL if STATE["football"] else RELEVANT)))
        if self.path == "/news/2":
            body = _page(*SECOND)
            if not STATE["etag"]:
                return self._send(200, "text/html; charset=utf-8", body)
            etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, "text/html; charset=utf-8", b"", {"ETag": etag})
            return self._send(200, "text/html; charset=utf-8", body, {"ETag": etag})
        return self._send(404, "text/html", b"<html><body>no</body></html>")


def _run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, check=False)


def _rows(data: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(f"file:{data / 'catalogue.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _texts(data: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((data / "text").glob("*.txt"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The crawl and re-crawls, with what the corpus and `check` said after each step that matters."""
    tmp = tmp_path_factory.mktemp("probe37")
    data, seen = tmp / "data", {}
    STATE.update(football=False, etag=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "probe"\nfeeds = ["{base}/feed.xml"]\narticle_urls = [\'/news/\\d+$\']\n'
                     "topic_filter = true\ndownload_delay = 0\nrobots_sitemaps = false\n", encoding="utf-8")

    def recrawl(*args: str) -> None:
        proc = _run("-q", "recrawl", "--seeds", str(seeds), "--data", str(data), *FAST, *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]

    try:
        proc = crawl_cli(seeds, data)
        assert proc.returncode == 0, proc.stderr[-3000:]
        seen["texts_first"] = _texts(data)
        STATE["etag"] = True
        recrawl("--conditional", f"{base}/news/2")  # 200 with an ETag, the payload unchanged: a revisit
        recrawl("--conditional", f"{base}/news/2")  # the revisit's ETag sent: 304
        STATE["football"] = True
        recrawl(f"{base}/news/1")  # a new version, no longer relevant
        seen["texts_football"] = _texts(data)
        seen["check_football"] = _run("check", "--data", str(data))
        seen["football_data"] = tmp / "after-football"
        shutil.copytree(data, seen["football_data"])
        STATE["football"] = False
        recrawl(f"{base}/news/1")  # relevant again
    finally:
        server.shutdown()
    return tmp, data, base, seen


def test_export_and_index_refuse_to_write_over_the_archive(site, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(site[1], data)  # a copy: the shared folder must outlive a run where the guard is missing
    warc = sorted((data / "warc").glob("*.warc.gz"))[0]
    text = sorted((data / "text").glob("*.txt"))[0]
    link = tmp_path / "innocent.csv"
    link.symlink_to(data / "catalogue.db")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "catalogue.db", warc, text)}
    runner = CliRunner()
    cases = [
        ["export", "--data", str(data), "--format", "csv", "--out", str(data / "catalogue.db")],
        ["export", "--data", str(data), "--format", "csv", "--out", str(link)],
        ["export", "--data", str(data), "--format", "wacz", "--no-validate", "--out",
         str(data / "text" / ".." / "warc" / warc.name)],
        ["export", "--data", str(data), "--format", "jsonl", "--out", str(text)],
        ["export", "--data", str(data), "--format", "parquet", "--out", str(data / "catalogue.db-wal")],
        ["index", "--data", str(data), "--out", str(data / "catalogue.db")],
        ["index", "--data", str(data), "--out", str(data / "warc" / "index.cdxj")],
    ]
    for args in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code != 0, (args, result.output)
        assert "refusing to write --out" in result.output and "nothing was written" in result.output, result.output
    assert not (data / "warc" / "index.cdxj").exists()
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before} == before
    ok = runner.invoke(cli, ["export", "--data", str(data), "--format", "csv", "--out", str(tmp_path / "c.csv")])
    assert ok.exit_code == 0, ok.output


def test_article_turned_irrelevant_leaves_the_corpus_and_returns_under_its_seq(site):
    _, data, base, seen = site
    first = seen["texts_first"]
    assert len(first) == 2
    (seq1,) = [n for n, t in first.items() if t.startswith(RELEVANT[0])]
    # the football version: its row says irrelevant, no file, seq kept; `check` agrees
    assert seq1 not in seen["texts_football"] and len(seen["texts_football"]) == 1
    assert all(FOOTBALL[0] not in t for t in seen["texts_football"].values())
    assert seen["check_football"].returncode == 0, seen["check_football"].stdout
    football = _rows(seen["football_data"], "select seq, relevant, text_file from articles where url = ?",
                     (f"{base}/news/1",))[0]
    assert football["relevant"] == 0 and football["text_file"] is None and int(seq1[:3]) == football["seq"]
    # relevant again: the same file name, the relevant text
    assert _texts(data)[seq1] == first[seq1]
    row = _rows(data, "select relevant, text_file from articles where url = ?", (f"{base}/news/1",))[0]
    assert row == {"relevant": 1, "text_file": f"text/{seq1}"}


def test_check_repair_mends_an_irrelevant_articles_file(site, tmp_path):
    """A folder an older version left (the old file still named) and one a crash left (the row committed, the file
    not yet removed): `check` says what is wrong, `check --repair` removes the file and never writes the football
    story into the corpus."""
    _, _, base, seen = site
    for crashed in (False, True):
        data = tmp_path / f"copy-{crashed}"
        shutil.copytree(seen["football_data"], data)
        row = _rows(data, "select id, seq from articles where url = ?", (f"{base}/news/1",))[0]
        name = f"{row['seq']:03d}_{row['id']}.txt"
        (data / "text" / name).write_text(seen["texts_first"][name], encoding="utf-8")
        if not crashed:
            conn = sqlite3.connect(data / "catalogue.db")
            conn.execute("update articles set text_file = ? where id = ?", (f"text/{name}", row["id"]))
            conn.commit()
            conn.close()
        proc = _run("check", "--data", str(data))
        assert proc.returncode == 1 and ("text-irrelevant" if not crashed else "text-stray") in proc.stdout
        proc = _run("check", "--repair", "--data", str(data))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert name not in _texts(data) and all(FOOTBALL[0] not in t for t in _texts(data).values())
        assert _rows(data, "select text_file from articles where id = ?", (row["id"],))[0]["text_file"] is None


def test_check_finishes_when_a_warc_first_gzip_member_is_damaged(site, tmp_path):
    _, data, _, _ = site
    for byte in (0, 1):
        copy = tmp_path / f"byte{byte}"
        shutil.copytree(data, copy)
        warc = sorted((copy / "warc").glob("*.warc.gz"))[0]
        raw = bytearray(warc.read_bytes())
        raw[byte] ^= 0xFF
        warc.write_bytes(raw)
        args = ["check"] if byte == 0 else ["check", "--repair"]
        try:
            proc = _run(*args, "--data", str(copy), timeout=15)  # looped forever, growing, before stop 37
        except subprocess.TimeoutExpired:
            pytest.fail(f"{' '.join(args)} did not finish in 15 s with byte {byte} of {warc.name} flipped")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert f"warc/{warc.name}@0: warc-gzip-corrupt" in proc.stdout, proc.stdout


def test_recrawl_conditional_sends_the_etag_a_revisit_stored(site):
    _, data, base, _ = site
    caps = _rows(data, "select id, status, record_type, etag, refers_to, warc_file, crawl_id from captures "
                       "where url = ? order by id", (f"{base}/news/2",))
    assert [(c["status"], c["record_type"]) for c in caps] == [(200, "response"), (200, "revisit"), (304, "revisit")]
    assert caps[0]["etag"] is None and caps[1]["etag"] and caps[2]["refers_to"] == caps[0]["id"]
    with open(data / caps[2]["warc_file"], "rb") as fh:
        sent = [r.http_headers.get_header("If-None-Match") for r in ArchiveIterator(fh)
                if r.rec_type == "request" and r.rec_headers.get_header("WARC-Target-URI") == f"{base}/news/2"]
    assert sent == [caps[1]["etag"]]


def _crawl_of_304(data: Path, base: str) -> int:
    """The crawl of the conditional re-check that the site answered 304 (the last revisit of article 2)."""
    return _rows(data, "select crawl_id from captures where url = ? and record_type = 'revisit' order by id desc",
                 (f"{base}/news/2",))[0]["crawl_id"]


def test_crawl_wacz_holds_that_crawl_and_what_its_revisits_refer_to(site, tmp_path):
    _, data, base, _ = site
    crawl = _crawl_of_304(data, base)
    out = tmp_path / "crawl.wacz"
    result = CliRunner().invoke(cli, ["export", "--data", str(data), "--format", "wacz", "--crawl", str(crawl),
                                      "--out", str(out)])
    assert result.exit_code == 0 and "wacz validate: valid" in result.output, result.output
    z = zipfile.ZipFile(out)
    own = {r["warc_file"].split("/")[-1] for r in _rows(data, "select distinct warc_file from captures "
                                                              "where crawl_id = ?", (crawl,))}
    referred = _rows(data, "select o.warc_record_id, o.payload_digest from captures c join captures o "
                           "on o.id = c.refers_to where c.crawl_id = ?", (crawl,))
    records = {}
    for name in z.namelist():
        if name.startswith("archive/"):
            it = ArchiveIterator(io.BytesIO(z.read(name)))
            for rec in it:
                records[rec.rec_headers.get_header("WARC-Record-ID")] = (name, rec.rec_type, rec.rec_headers)
    archived = {n.split("/", 1)[1] for n in z.namelist() if n.startswith("archive/")}
    assert own < archived and len(archived - own) == 1  # the crawl's own file, and one of the records referred to
    extra = [r for r in records.values() if r[0] == f"archive/{(archived - own).pop()}" and r[1] != "warcinfo"]
    assert sorted(h.get_header("WARC-Record-ID") for _, _, h in extra) == sorted(r["warc_record_id"] for r in referred)
    assert all(h.get_header("WARC-Payload-Digest") == r["payload_digest"] for (_, _, h), r in
               zip(sorted(extra, key=lambda e: e[2].get_header("WARC-Record-ID")),
                   sorted(referred, key=lambda r: r["warc_record_id"])))
    lines = gzip.decompress(z.read("indexes/index.cdx.gz")).decode().splitlines()
    assert len(lines) == len([r for r in records.values() if r[1] in ("response", "revisit")])
    assert not any(f"{base}/news/1" in line for line in lines)  # the earlier crawl's other articles stay out
    # no article version in this crawl: pages.jsonl is there all the same, its header alone (WACZ 1.1.1)
    pages = z.read("pages/pages.jsonl").decode().splitlines()
    assert len(pages) == 1 and json.loads(pages[0])["format"] == "json-pages-1.0"


def test_pywb_replays_a_304_recheck_as_the_page_it_confirmed(site, tmp_path):
    from test_replay_pywb import _free_port, _get, _pywb_tool, _serve, _stop

    wb_manager = _pywb_tool("wb-manager")
    _, data, base, _ = site
    crawl = _crawl_of_304(data, base)
    caps = _rows(data, "select fetched_at, status, warc_file, warc_offset from captures where url = ? "
                       "order by id", (f"{base}/news/2",))
    with open(data / caps[0]["warc_file"], "rb") as fh:
        fh.seek(caps[0]["warc_offset"])
        page = next(iter(ArchiveIterator(fh))).content_stream().read()
    root = tmp_path / "pywb"
    coll = root / "collections" / "cdxj"
    (coll / "archive").mkdir(parents=True)
    (coll / "indexes").mkdir()
    for path in (data / "warc").glob("*.warc.gz"):
        shutil.copy(path, coll / "archive" / path.name)
    runner = CliRunner()
    result = runner.invoke(cli, ["index", "--data", str(data), "--out", str(coll / "indexes" / "index.cdxj")])
    assert result.exit_code == 0, result.output
    wacz = tmp_path / "crawl.wacz"
    result = runner.invoke(cli, ["export", "--data", str(data), "--format", "wacz", "--crawl", str(crawl), "--out",
                                 str(wacz)])
    assert result.exit_code == 0, result.output
    for args in (["init", "fromwacz"], ["add", "--unpack-wacz", "fromwacz", str(wacz)]):
        proc = subprocess.run([wb_manager, *args], cwd=root, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    port = _free_port()
    server = _serve(root, port)
    try:
        ts = "".join(ch for ch in caps[2]["fetched_at"] if ch.isdigit())[:14]
        assert caps[2]["status"] == 304
        for name in ("cdxj", "fromwacz"):
            status, _, body = _get(f"http://127.0.0.1:{port}/{name}/{ts}id_/{base}/news/2")
            assert (status, body) == (200, page), (name, status, body[:200])  # an empty 304 before stop 37
            status, _, body = _get(f"http://127.0.0.1:{port}/{name}/{ts}mp_/{base}/news/2")
            assert status == 200 and SECOND[1][0].encode() in body, (name, status)
    finally:
        _stop(server)
