"""archive/durable.py: a file is whole or absent under its name, with the user's umask, and no temporary left."""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest

from archive import durable


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def test_bytes_written_whole_with_the_umask_and_no_temporary_left(tmp_path: Path, umask_027: None) -> None:
    out = tmp_path / "text" / "001_x.txt"  # its folder made on the way
    durable.write_bytes_atomically(out, "نص\n".encode())
    durable.write_bytes_atomically(out, b"replaced\n")
    assert out.read_bytes() == b"replaced\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # as write_atomically's file_mode(), not mkstemp's 0600
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_dead_processes_temporary_under_the_same_name_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   umask_027: None) -> None:
    monkeypatch.setattr(durable, "_TMP_NUMBERS", itertools.count(7))
    stale = tmp_path / f".tmp-{os.getpid()}-7.txt"
    stale.write_bytes(b"half a file")
    stale.chmod(0o600)
    out = tmp_path / "002_y.txt"
    durable.write_bytes_atomically(out, b"whole\n")
    assert out.read_bytes() == b"whole\n" and stat.S_IMODE(out.stat().st_mode) == 0o640
    assert not stale.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "003_z.txt"
    durable.write_bytes_atomically(out, b"old\n")

    def no_room(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable.os, "fsync", no_room)
    with pytest.raises(OSError):
        durable.write_bytes_atomically(out, b"new\n")
    assert out.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
