"""The lexicon is read once per crawl, not once per reader of it (issue 10, CPU per page): load_lexicon serves the
same object again while the file and its reader are the same bytes; the extraction workers take the crawl process's
object; the writer loads it only for an article no worker judged."""

from __future__ import annotations

import shutil
from pathlib import Path

from archive.records import ExtractedArticle, Relevance
from crawler.capture import prepare
from crawler.capture.ingest import judged
from crawler.config.bundled import LEXICON
from crawler.relevance.lexicon import load_lexicon

BODY = """[scoring]
[category.libya_place]
feeds = ["libya"]
terms = [{ term = "بنغازي", weight = 3 }]
"""


def test_an_unchanged_lexicon_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(BODY, encoding="utf-8")
    first = load_lexicon(path)
    assert load_lexicon(path) is first
    assert load_lexicon(str(path)) is first


def test_an_edited_lexicon_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(BODY, encoding="utf-8")
    first = load_lexicon(path)
    path.write_text(BODY.replace('weight = 3', 'weight = 2'), encoding="utf-8")
    again = load_lexicon(path)
    assert again is not first and [t.weight for t in again.terms] == [2]


def test_an_edited_reader_reads_the_lexicon_again(tmp_path: Path) -> None:
    bundled = Path(LEXICON)
    path = tmp_path / bundled.name
    shutil.copy(bundled, path)
    name = load_lexicon(bundled).scoring.reader
    assert name
    reader = tmp_path / name
    shutil.copy(bundled.parent / name, reader)
    first = load_lexicon(path)
    assert load_lexicon(path) is first
    reader.write_bytes(reader.read_bytes() + b"\n")  # the same reader, other bytes
    assert load_lexicon(path) is not first


def test_a_worker_takes_the_crawl_processs_lexicon_as_it_is(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(BODY, encoding="utf-8")
    lexicon = load_lexicon(path)
    monkeypatch.setattr(prepare, "die_with_parent", lambda pid: None)
    monkeypatch.setattr(prepare, "load_lexicon", lambda p: (_ for _ in ()).throw(AssertionError("read again")))
    monkeypatch.setattr(prepare.signal, "signal", lambda *a: None)  # the test process keeps its Ctrl-C
    monkeypatch.setattr(prepare, "_LEXICON", None)
    prepare.init_worker(0, lexicon)
    assert prepare._LEXICON is lexicon


def test_the_writer_loads_the_lexicon_only_for_an_article_no_worker_judged(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(BODY, encoding="utf-8")
    article = ExtractedArticle(url="https://example.ly/a", title="خبر من بنغازي", paragraphs=("وصل الوفد إلى بنغازي.",))
    loads: list[int] = []

    def loader():
        loads.append(1)
        return load_lexicon(path)

    worker = prepare.Prepared(relevance=Relevance(False, 0.1, 0.1, 0.0, ()), shingles=prepare.array("q"),
                              story_keys=(), search_text="", rendered="")
    assert judged(article, loader, worker, topic_filter=True) is worker.relevance
    assert loads == []
    assert judged(article, loader, None, topic_filter=True) == judged(article, load_lexicon(path), None, True)
    assert loads == [1]
