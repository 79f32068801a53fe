"""Read-only commands never create a data folder or a catalogue: a mistyped --data is a clear error, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.main import cli

COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["index"],
    ["check"],
    ["check", "--repair"],
    ["export", "--format", "wacz", "--out", "{tmp}/out.wacz"],
    ["export", "--format", "jsonl", "--out", "{tmp}/out.jsonl"],
    ["serve", "--port", "0", "--replay-port", "-1"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("exists", [False, True], ids=["no-folder", "empty-folder"])
def test_read_only_command_with_a_mistyped_data_folder(tmp_path: Path, args: list[str], exists: bool) -> None:
    data = tmp_path / "dtaa"  # a typo of "data"
    if exists:
        data.mkdir()
    argv = [a.format(tmp=tmp_path) for a in args] + ["--data", str(data)]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1, result.output
    assert "catalogue" in result.output and str(data) in result.output
    assert data.exists() == exists  # not created
    assert not (data / "catalogue.db").exists()
    assert not (data / "index").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["dtaa"] if exists else [])
