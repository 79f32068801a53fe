"""benchmarks/relevance/verdicts.py: the verdict snapshot a relevance round is checked with before commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import bench_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def verdicts():
    return bench_module("relevance/verdicts.py")


def _row(label: bool, rel: bool, score: float) -> dict:
    return {"split": "s", "label": label, "rel": rel, "score": score, "terms": [], "title": "t"}


def test_diff_tells_fixed_from_broke(verdicts, tmp_path: Path, capsys) -> None:
    before, after = tmp_path / "a.json", tmp_path / "b.json"
    before.write_text(
        json.dumps({"x": _row(True, False, 0.8), "y": _row(False, False, 0.2), "z": _row(True, True, 2)})
    )
    after.write_text(
        json.dumps({"x": _row(True, True, 1.1), "y": _row(False, True, 1.3), "z": _row(True, True, 2)})
    )
    assert verdicts.main(["diff", str(before), str(after)]) == 1  # one broke: the exit status says so
    out = capsys.readouterr().out
    assert "FIXED x" in out and "BROKE y" in out and "z" not in out.split("verdicts flipped")[0]
    assert "2 verdicts flipped (1 broke), 2 scores moved" in out
    assert verdicts.main(["diff", str(before), str(before)]) == 0


def test_dump_judges_every_labelled_row_it_is_not_told_to_leave_out(verdicts, tmp_path: Path, monkeypatch) -> None:
    # two of our sets, not all 170: judging every row twice took 17 s of the suite and grew with each round
    # the second dump judges texts the first judged (the SaudiNewsNet rows whole, where ../shared holds them): the
    # rule is deterministic, so each (title, text) is judged once and its result given again (about 10 s less)
    judged: dict[tuple, object] = {}
    rule = verdicts.judge

    def judge_once(*args: object, **kwargs: object) -> object:
        key = (*args[:-1], *sorted(kwargs.items()))  # the lexicon, last, is the same file both times
        if key not in judged:
            judged[key] = rule(*args, **kwargs)
        return judged[key]

    monkeypatch.setattr(verdicts, "judge", judge_once)
    splits = {
        json.loads(line)["split"]
        for name in verdicts.DATA_FILES
        for line in (verdicts.HERE / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    kept = {"holdout64", "holdout65"}
    out = tmp_path / "v.json"
    dumped = verdicts.dump(out, exclude=splits - kept)
    assert json.loads(out.read_text(encoding="utf-8")) == dumped
    ours = {key: value for key, value in dumped.items() if value["split"] in splits}
    assert {value["split"] for value in ours.values()} == kept and len(ours) == 72
    # every row of the sets kept is there, with its label and the rule's verdict
    row = json.loads(
        (ROOT / "benchmarks" / "relevance" / "holdout65.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )
    assert dumped[row["id"]]["label"] is row["relevant"]
    assert isinstance(dumped[row["id"]]["rel"], bool)
    assert len(verdicts.dump(out, exclude=splits - {"holdout64"})) == len(dumped) - 36
