"""The seed-format text corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.corpus import textfiles as textexport

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed-format"


def test_render_is_seed_format():
    text = textexport.render("  عنوان   الخبر ", ["فقرة  أولى", "", "   ", "فقرة ثانية"])
    assert text == "عنوان الخبر\n\nفقرة أولى\nفقرة ثانية\n"


@pytest.mark.parametrize("paragraphs, body", [
    (["فقرة أولى", "فقرة ثانية"], "فقرة أولى\nفقرة ثانية"),  # already one space between words: joined as they are
    ([" فقرة", "ثانية "], "فقرة\nثانية"), (["سطر\nثان"], "سطر ثان"), (["فقرة\xa0أولى", "ب\tج"], "فقرة أولى\nب ج"),
    (["أ", "", "ب"], "أ\nب"), ([""], ""), ([], ""), (["أ\u200fب  ج"], "أ\u200fب ج"), (iter(["أ", "ب"]), "أ\nب"),
])
def test_render_gives_one_space_between_words_and_one_paragraph_per_line(paragraphs, body):
    assert textexport.render(" عنوان ", paragraphs) == f"عنوان\n\n{body}\n"


def test_file_name_pads_to_three_digits_at_least():
    assert textexport.file_name(7, "a1c8f29e2ec4fb53") == "007_a1c8f29e2ec4fb53.txt"
    assert textexport.file_name(1234, "a1c8f29e2ec4fb53") == "1234_a1c8f29e2ec4fb53.txt"


def test_write_text_is_atomic_and_utf8(tmp_path):
    rel = textexport.write_text(tmp_path, 3, "00ff00ff00ff00ff", "ليبيا", ["طرابلس"])
    assert rel == "text/003_00ff00ff00ff00ff.txt"
    assert (tmp_path / rel).read_bytes() == "ليبيا\n\nطرابلس\n".encode()
    assert [p.name for p in (tmp_path / "text").iterdir()] == ["003_00ff00ff00ff00ff.txt"]


def test_names_match_the_seed_documents():
    if not SEED_DIR.is_dir():
        return
    import re

    for path in SEED_DIR.glob("*.txt"):
        assert re.fullmatch(r"\d{3,}_[0-9a-f]{16}\.txt", path.name)
