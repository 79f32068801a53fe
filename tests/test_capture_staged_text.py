"""The writer's text files are staged and published only once their batch commits (crawler.capture.apply).

A SIGKILL between a text file's write and its batch's commit used to leave a file no catalogue row names (`check`:
text-stray); tests/test_crash_safety.py met it now and then. Now, until the batch commits, a text file exists only
under a temporary name, which recovery removes; a committed row whose file was not yet renamed is rewritten from
the row by recovery.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import portal_session

from archive.catalogue.db import Catalogue
from archive.integrity.check import check_archive
from archive.integrity.recovery import recover
from archive.records import ExtractedArticle
from crawler.capture.apply import store_rows
from crawler.capture.operations import ArticleOp

H = "http://portal.example"
TITLE = "هدنة هشة في طرابلس"
STORY = (
    "أعلنت البعثة الأممية في ليبيا التوصل إلى هدنة بين القوات المتحاربة في العاصمة طرابلس بعد اشتباكات عنيفة.",
    "وقالت مصادر طبية إن الاشتباكات خلفت قتلى وجرحى بين المدنيين، فيما تواصل القصف على الأحياء الجنوبية.",
    "ودعا المجلس الرئاسي الأطراف المسلحة إلى الالتزام بوقف إطلاق النار والانسحاب من مواقعها.",
)


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, H)
    yield s
    s.close()


def _op(url: str, paragraphs: tuple[str, ...] = STORY) -> ArticleOp:
    return ArticleOp("portal", url, None, ExtractedArticle(url=url, title=TITLE, paragraphs=paragraphs))


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_text_file_has_no_name_of_its_own_until_its_batch_commits(session, monkeypatch):
    text = session.config.data_dir / "text"
    seen: list[list[str]] = []
    settle = session.catalogue.settle

    def settle_and_look(*args, **kwargs):  # the article's last step inside the transaction
        seen.append(_names(text))
        return settle(*args, **kwargs)

    monkeypatch.setattr(session.catalogue, "settle", settle_and_look)
    store_rows(session, [_op(f"{H}/articles/1/")], {})
    [row] = session.catalogue.db.query("select text_file from articles")
    # before the commit, only a temporary file
    assert seen and all(name.startswith(".tmp-") for name in seen[0]), seen
    assert _names(text) == [Path(row["text_file"]).name]  # published after it


def test_a_batch_that_rolls_back_leaves_no_text_file(session, monkeypatch):
    from archive.faults import DISK_FULL, StorageFault

    def full(*args, **kwargs):
        raise StorageFault(DISK_FULL, "no space left on device")

    monkeypatch.setattr(session.catalogue, "settle", full)
    with pytest.raises(StorageFault):
        store_rows(session, [_op(f"{H}/articles/2/")], {})
    assert _names(session.config.data_dir / "text") == []
    assert list(session.catalogue.db.query("select id from articles")) == []


def test_an_update_that_rolls_back_keeps_the_old_file_as_its_row_is(session, monkeypatch):
    url = f"{H}/articles/3/"
    store_rows(session, [_op(url)], {})
    [row] = session.catalogue.db.query("select text_file from articles")
    path = session.config.data_dir / row["text_file"]
    before = path.read_text(encoding="utf-8")

    def fails(*args, **kwargs):
        raise RuntimeError("the frontier could not be settled")

    monkeypatch.setattr(session.catalogue, "settle", fails)
    edited = (*STORY[:2], "وأكد المجلس الرئاسي أن الهدنة صامدة رغم خروقات محدودة في محور عين زارة.")
    store_rows(session, [_op(url, edited)], {})  # the operation rolls back, the batch goes on
    assert path.read_text(encoding="utf-8") == before
    assert _names(path.parent) == [path.name]


def test_recovery_after_a_kill_between_stage_and_publish_agrees(session, tmp_path):
    """What a SIGKILL leaves at each point: a staged file of an uncommitted row, or a committed row whose file was
    not renamed yet; recovery makes the corpus agree with the catalogue either way."""
    from archive.corpus.textfiles import stage_text

    data = session.config.data_dir
    store_rows(session, [_op(f"{H}/articles/4/")], {})
    [row] = session.catalogue.db.query("select id, seq, text_file from articles")
    # killed before commit: the staged file of a row that never committed
    stage_text(data, 7, "0123456789abcdef", TITLE, list(STORY))
    # killed after commit, before the rename: the row names a file that is not there yet
    (data / row["text_file"]).unlink()
    session.close()
    catalogue = Catalogue(data / "catalogue.db")
    try:
        report = recover(data, catalogue)
        assert row["text_file"] in report.texts_written
        assert len(report.temp_files_removed) == 1
        result = check_archive(data, catalogue)
        assert result.ok, "\n".join(str(f) for f in result.findings)
        assert _names(data / "text") == [Path(row["text_file"]).name]
    finally:
        catalogue.close()
