"""Tests of crawler.relevance.lexicon: reading and validating the lexicon file (the speaker key of round 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.lexicon import load_lexicon

HEAD = "[scoring]\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_a_term_is_a_speaker_by_its_body_or_its_category(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[category.libya_place]
feeds = ["libya"]
terms = [{ term = "بنغازي", weight = 3 }]
[category.libya_actor]
feeds = ["libya"]
scene = false
terms = [{ term = "المنفي", weight = 2 }, { term = "حفتر", weight = 3, body = "general_command", speaker = false }]
[category.libya_political]
feeds = ["libya", "conflict"]
terms = [{ term = "مجلس النواب الليبي", weight = 3, body = "house" }]
""")
    speakers = {t.term: t.speaker for t in load_lexicon(path).terms}
    assert speakers == {"بنغازي": False, "المنفي": True, "حفتر": False, "مجلس النواب الليبي": True}


def test_speaker_must_be_true_or_false(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[category.libya_actor]
feeds = ["libya"]
terms = [{ term = "حفتر", weight = 3, speaker = "no" }]
""")
    with pytest.raises(ConfigError) as err:
        load_lexicon(path)
    assert "speaker" in str(err.value) and "true or false" in str(err.value)


def test_the_bundled_lexicon_makes_the_belligerents_places() -> None:
    terms = {t.term: t for t in load_lexicon(LEXICON).terms}
    assert not terms["حفتر"].speaker and not terms["القيادة العامة"].speaker
    assert terms["المجلس الرئاسي الليبي"].speaker and terms["وزارة الخارجية الليبية"].speaker


def test_alone_must_be_true_or_false_and_defaults_to_true(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[category.conflict]
feeds = ["conflict"]
terms = [{ term = "قتلى", weight = 2, alone = false }, { term = "اشتباكات", weight = 3 }]
""")
    assert {t.term: t.alone for t in load_lexicon(path).terms} == {"قتلى": False, "اشتباكات": True}
    bad = _write(tmp_path, """
[category.conflict]
feeds = ["conflict"]
terms = [{ term = "قتلى", weight = 2, alone = 0 }]
""")
    with pytest.raises(ConfigError, match="alone"):
        load_lexicon(bad)
