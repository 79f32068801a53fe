"""extraction-dev's benchmark: the gold is cut where Dragnet's comment mark begins, however it was typed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_extraction_dev import COMMENTS_MARK_RE, CORPUS, read_gold  # noqa: E402


@pytest.mark.parametrize("mark", ["!@#$%^&*() COMMENTS", "!@ $%^&*()  COMMENTS", "!@#$%$%^&*()  COMMENTS",
                                  "!@#$%^&*   COMMNENTS", "  !@#$%^&*()"])
def test_every_spelling_of_the_comment_mark_cuts_the_gold(mark: str) -> None:
    gold = f"The story's last line.\n{mark}\nFirst comment!\nSecond comment."
    assert COMMENTS_MARK_RE.sub("", gold).strip() == "The story's last line."


def test_a_story_line_with_an_exclamation_is_kept() -> None:
    gold = "He said: wow!@ the market\nNext line."
    assert COMMENTS_MARK_RE.sub("", gold) == gold  # the mark opens a line; inside a line it is text


def test_no_real_gold_file_keeps_a_comment_mark() -> None:
    gold_dir = CORPUS / "dragnet-train" / "gold"
    if not gold_dir.exists():
        pytest.skip(f"extraction-dev corpus absent: {gold_dir}")
    for path in sorted(gold_dir.glob("*.txt")):
        text = read_gold("dragnet-train", path.stem)
        assert not any(line.lstrip().startswith("!@") for line in text.splitlines()), path.name
