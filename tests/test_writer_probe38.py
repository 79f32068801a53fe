"""The writer removes a text file only once its batch commits (stop 37's probe, "Exports"; crawler.capture.apply).

An article edited into a football report leaves the corpus: its row's ``text_file`` is cleared and its file removed.
The catalogue removed the file as soon as the row was written, inside the writer's transaction, so a batch a full
disk rolled back kept the row naming the file, and the file was gone (``text-missing``, which ``check --repair``
had to mend). A removal now waits for its batch's commit, as a written file does, and a rolled-back batch forgets it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.catalogue.db import Catalogue
from archive.faults import DISK_FULL, StorageFault
from archive.integrity.check import check_archive
from archive.integrity.recovery import recover
from archive.records import ExtractedArticle
from crawler.capture.apply import apply_batch, store_rows
from crawler.capture.config import ArchiveConfig
from crawler.capture.operations import ArticleOp
from crawler.capture.session import ArchiveSession

H = "http://portal.example"
URL = f"{H}/news/1"
RELEVANT = ("اشتباكات عنيفة في طرابلس بين الجيش الليبي وقوات الوفاق", (
    "اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات الجيش الوطني الليبي بقيادة خليفة حفتر والقوات "
    "الموالية لحكومة الوفاق الوطني.",
    "وقال المتحدث باسم الجيش الوطني الليبي أحمد المسماري إن قواته سيطرت على مواقع جديدة جنوب طرابلس بعد معارك "
    "استمرت يومين.",
    "ودعت بعثة الأمم المتحدة للدعم في ليبيا الأطراف المتحاربة إلى وقف إطلاق النار وحماية المدنيين في طرابلس ومحيطها.",
))
FOOTBALL = ("الأهلي طرابلس يفوز على الاتحاد في ديربي كرة القدم", (
    "فاز فريق الأهلي طرابلس على غريمه الاتحاد بهدفين مقابل هدف في مباراة الديربي التي أقيمت مساء الجمعة على ملعب "
    "طرابلس الدولي وسط حضور جماهيري كبير.",
    "وسجل هدفي الأهلي المهاجم محمد في الدقيقة العشرين ثم أضاف زميله الهدف الثاني في الشوط الثاني، بينما قلص الاتحاد "
    "الفارق بضربة جزاء.",
    "وبهذا الفوز يتصدر الأهلي ترتيب الدوري الليبي الممتاز برصيد خمس عشرة نقطة، متقدما بفارق نقطتين على أقرب منافسيه.",
))


@pytest.fixture
def session(tmp_path):
    seeds = tmp_path / "outlets.toml"  # a topic filter: the football version is not relevant
    seeds.write_text(f'[[outlet]]\nname = "portal"\nstart_urls = ["{H}/"]\ntopic_filter = true\n', encoding="utf-8")
    s = ArchiveSession(ArchiveConfig.from_settings({"ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                                                    "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DISK_RESERVE": 0}),
                       apply_batch)
    yield s
    s.close()


def _op(version: tuple[str, tuple[str, ...]]) -> ArticleOp:
    title, paragraphs = version
    return ArticleOp("portal", URL, None, ExtractedArticle(url=URL, title=title, paragraphs=paragraphs))


def _row(session) -> dict:
    [row] = session.catalogue.db.query("select relevant, seq, text_file from articles")
    return row


def _texts(session) -> list[str]:
    folder = session.config.data_dir / "text"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _check(session) -> list[str]:
    session.flush()
    return [f"{f.kind}: {f.where}" for f in check_archive(session.config.data_dir, session.catalogue).findings]


def _full_disk(*args, **kwargs):
    raise StorageFault(DISK_FULL, "no space left on device")


def test_a_batch_that_rolls_back_keeps_the_file_its_row_still_names(session, monkeypatch):
    store_rows(session, [_op(RELEVANT)], {})
    relevant = _row(session)
    assert relevant["relevant"] == 1 and _texts(session) == [Path(relevant["text_file"]).name]
    monkeypatch.setattr(session.catalogue, "settle", _full_disk)  # the article's last step in the transaction
    with pytest.raises(StorageFault):
        store_rows(session, [_op(FOOTBALL)], {})
    monkeypatch.undo()
    assert _row(session) == relevant  # rolled back: the row is the relevant version's, naming its file
    assert _texts(session) == [Path(relevant["text_file"]).name]  # removed at once before: text-missing
    assert _check(session) == []


def test_the_file_goes_only_once_the_batch_commits_and_its_seq_stays(session, monkeypatch):
    store_rows(session, [_op(RELEVANT)], {})
    relevant = _row(session)
    during: list[list[str]] = []
    settle = session.catalogue.settle

    def settle_and_look(*args, **kwargs):  # inside the transaction, after the row was written
        during.append(_texts(session))
        return settle(*args, **kwargs)
    monkeypatch.setattr(session.catalogue, "settle", settle_and_look)
    store_rows(session, [_op(FOOTBALL)], {})
    assert during and during[0] == [Path(relevant["text_file"]).name]  # still there before the commit
    assert _row(session) == {"relevant": 0, "seq": relevant["seq"], "text_file": None}
    assert _texts(session) == []
    assert _check(session) == []


def test_an_operation_that_rolls_back_alone_keeps_the_file(session, monkeypatch):
    store_rows(session, [_op(RELEVANT)], {})
    relevant = _row(session)

    def fails(*args, **kwargs):  # not a storage fault: only this operation rolls back (its savepoint)
        raise RuntimeError("the frontier could not be settled")
    monkeypatch.setattr(session.catalogue, "settle", fails)
    store_rows(session, [_op(FOOTBALL)], {})
    monkeypatch.undo()
    assert _row(session) == relevant and _texts(session) == [Path(relevant["text_file"]).name]
    assert _check(session) == []


def test_dropped_then_written_again_in_one_batch_ends_with_the_file(session):
    # removals and writes are done in the batch's order: the last version (relevant again) keeps its file
    store_rows(session, [_op(RELEVANT)], {})
    seq = _row(session)["seq"]
    edited = (RELEVANT[0], (*RELEVANT[1][:2], "وأكد المجلس الرئاسي أن الهدنة صامدة رغم خروقات محدودة في طرابلس."))
    store_rows(session, [_op(FOOTBALL), _op(edited)], {})
    row = _row(session)
    assert row["relevant"] == 1 and row["seq"] == seq and _texts(session) == [Path(row["text_file"]).name]
    assert edited[1][2] in (session.config.data_dir / row["text_file"]).read_text(encoding="utf-8")
    store_rows(session, [_op(RELEVANT), _op(FOOTBALL)], {})  # written, then dropped: no file
    assert _row(session)["text_file"] is None and _texts(session) == []
    assert _check(session) == []


def test_a_kill_between_the_commit_and_the_removal_is_recovered(session, monkeypatch):
    from archive.corpus import textfiles

    store_rows(session, [_op(RELEVANT)], {})
    name = _row(session)["text_file"]
    monkeypatch.setattr(textfiles, "remove_text", lambda path: None)  # the process died before removing it
    store_rows(session, [_op(FOOTBALL)], {})
    monkeypatch.undo()
    assert _texts(session) == [Path(name).name] and _row(session)["text_file"] is None
    data = session.config.data_dir
    session.close()
    catalogue = Catalogue(data / "catalogue.db")
    try:
        assert name in recover(data, catalogue).strays_removed
        assert check_archive(data, catalogue).ok and not (data / name).exists()
    finally:
        catalogue.close()


# -- an export of no article (stop 37's probe: the JSON Lines export loaded in pandas as a 0 x 0 table, unexplained)


def test_an_empty_export_says_so_and_every_format_that_can_name_its_columns_does(session, tmp_path, caplog):
    import pandas as pd
    from click.testing import CliRunner

    from archive.export.corpus import COLUMNS, CorpusFilter, export_corpus
    from crawler.cli.main import cli

    store_rows(session, [_op(FOOTBALL)], {})  # one article, not relevant: `--relevant` selects none
    session.flush()
    names = [c for c, _ in COLUMNS]
    out = tmp_path / "out"
    out.mkdir()
    caplog.set_level("WARNING", logger="archive.export.corpus")
    for fmt in ("jsonl", "csv", "parquet"):
        result = export_corpus(session.catalogue.db, out / f"e.{fmt}", fmt, CorpusFilter(relevant_only=True))
        assert result.rows == 0
        card = result.datacard.read_text(encoding="utf-8")
        assert "* articles: 0 (0 judged relevant)" in card and "No article matched this selection" in card
    assert list(pd.read_csv(out / "e.csv").columns) == names  # the header row
    assert list(pd.read_parquet(out / "e.parquet").columns) == names  # the schema
    assert (out / "e.jsonl").read_bytes() == b""  # no line: a line naming the columns would read as an article
    card = (out / "e.jsonl.datacard.md").read_text(encoding="utf-8")
    assert "0 rows and 0 columns" in card
    # the line the data card gives loads it with the export's columns, as CSV and Parquet do
    line = card.split("To load it with its columns: `", 1)[1].split("`", 1)[0]
    df = eval(line.replace("'e.jsonl'", repr(str(out / "e.jsonl"))), {"pd": pd})  # noqa: S307 - our own line
    assert df.shape == (0, len(names)) and list(df.columns) == names
    assert [r.getMessage().split(":", 1)[0] for r in caplog.records] == ["no article matches the selection"] * 3
    assert "JSON Lines has no header" in caplog.records[0].getMessage()
    # and the command: it says it exported 0 articles, and why the file is empty
    data = session.config.data_dir
    session.close()
    done = CliRunner().invoke(cli, ["export", "--data", str(data), "--relevant", "--out", str(out / "c.jsonl")])
    assert done.exit_code == 0, done.output
    assert "c.jsonl: 0 articles" in done.output
    assert "holds no rows" in caplog.text.split("c.jsonl", 1)[1]
