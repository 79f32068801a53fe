"""Tests for archive.warc.check and archive.warc.reader: integrity check on real samples, record listing, crash-tail repair."""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import ANY

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveIntegrityError
from archive.records import Exchange
from archive.warc.check import check_warc, repair_open_file
from archive.warc.reader import Problem, gzip_members, iter_records
from archive.warc.writer import RecordFactory, WarcArchive, record_bytes

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

SAMPLES = SHARED / "corpora" / "warc-samples"
DATA = Path(__file__).parent / "data" / "warc"
FROZEN = datetime(2026, 11, 20, 22, 15, 0, tzinfo=UTC)

VALID = [
    "jwarc-test-resources/cc.warc.gz",
    "jwarc-test-resources/gzip_extra_sl.warc.gz",
    "warcio-test-data/example-iana.org-chunked.warc",
    "warcio-test-data/example-resource.warc.gz",
    "warcio-test-data/example.warc",
    "warcio-test-data/example.warc.gz",
    "warcio-test-data/post-test.warc.gz",
    "pywb-sample-archive/warcs/dupes.warc.gz",
    "pywb-sample-archive/warcs/example-url-agnostic-orig.warc.gz",
    "pywb-sample-archive/warcs/example-url-agnostic-revisit.warc.gz",
    "pywb-sample-archive/warcs/example-wget-1-14.warc.gz",
    "pywb-sample-archive/warcs/example-wpull.warc.gz",
    "pywb-sample-archive/warcs/example.warc.gz",
    "pywb-sample-archive/warcs/example2.warc.gz",
    "pywb-sample-archive/warcs/httpbin-resource.warc.gz",
    "pywb-sample-archive/warcs/iana.warc.gz",
    "pywb-sample-archive/warcs/missing-status-text.warc",
    "pywb-sample-archive/warcs/post-test.warc.gz",
]
# The project writes only WARC and `check` reads only its own data folder: an ARC file is not read (record-parse).
ARC = [
    "warcio-test-data/bad.arc",
    "warcio-test-data/example-space-in-url.arc",
    "warcio-test-data/example.arc",
    "warcio-test-data/example.arc.gz",
    "pywb-sample-archive/warcs/bad.arc",
    "pywb-sample-archive/warcs/example.arc",
    "pywb-sample-archive/warcs/example.arc.gz",
]
BROKEN = [
    *((name, "record-parse") for name in ARC),
    ("warcio-test-data/example-bad-non-chunked.warc.gz", "not-per-record-gzip"),
    ("warcio-test-data/example-bad.warc.gz.bad", "not-per-record-gzip"),
    ("warcio-test-data/example-digest.warc", "payload-digest"),
    ("warcio-test-data/example-space-in-target-uri.warc.gz", "invalid-target-uri"),
    ("warcio-test-data/example-trunc.warc", "record-end"),
    ("warcio-test-data/example-wget-bad-target-uri.warc.gz", "invalid-target-uri"),
    ("warcio-test-data/example-wrong-chunks.warc.gz", "block-truncated"),
    ("pywb-sample-archive/warcs/example-bad.warc.gz.bad", "not-per-record-gzip"),
    ("pywb-sample-archive/warcs/example-extra.warc", "payload-digest"),
    ("pywb-sample-archive/warcs/example.warc", "record-end"),
]


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(
            f"{path} absent: the shared WARC samples (see ../shared/corpora/MANIFEST.md) are not here"
        )
    return path


def exchange(i: int) -> Exchange:
    return Exchange(
        url=f"https://libyaobserver.ly/news/{i}",
        method="GET",
        request_headers=(("Host", "libyaobserver.ly"),),
        request_body=b"",
        status=200,
        reason="OK",
        protocol="HTTP/1.1",
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=("<p>" + "بنغازي " * (40 + 13 * i) + f"{i}</p>").encode(),
        fetched_at=FROZEN,
    )


def open_file(tmp_path: Path, count: int = 4) -> tuple[Path, list]:
    """A .open file as a crashed crawl leaves it: records written, never closed."""
    archive = WarcArchive(tmp_path, clock=lambda: FROZEN, fsync=False)
    locations = [archive.write_exchange(exchange(i)) for i in range(count)]
    path = archive.current_path
    assert path is not None
    archive._fh.close()  # the process dies: no rename  # type: ignore[union-attr]
    return path, locations


@pytest.mark.parametrize("name", VALID)
def test_valid_samples_pass(name: str) -> None:
    assert check_warc(sample(name)) == []


@pytest.mark.parametrize(("name", "kind"), BROKEN)
def test_broken_samples_are_reported(name: str, kind: str) -> None:
    problems = check_warc(sample(name))
    assert kind in {p.kind for p in problems}
    assert all(p.fix and p.message and p.path == SAMPLES / name for p in problems)


@pytest.mark.parametrize(
    ("name", "count", "version"),
    [
        ("pywb-sample-archive/warcs/iana.warc.gz", 343, "WARC/1.0"),
        ("warcio-test-data/example.warc", 6, "WARC/1.0"),
    ],
)
def test_iter_records_lists_every_record(name: str, count: int, version: str) -> None:
    path = sample(name)
    infos = list(iter_records(path))
    assert len(infos) == count and {i.version for i in infos} == {version}
    offsets = [i.offset for i in infos]
    assert offsets == sorted(offsets)
    with open(path, "rb") as fh:  # offsets agree with warcio's
        it = ArchiveIterator(fh)
        assert [it.get_record_offset() for _ in it] == offsets


@pytest.mark.parametrize(("name", "kind"), [("warcio-test-data/example-trunc.warc", "record-end"),
                                           ("warcio-test-data/example.arc.gz", "record-parse")])
def test_iter_records_raises_on_unframeable_file(name: str, kind: str) -> None:
    with pytest.raises(ArchiveIntegrityError, match=kind):
        list(iter_records(sample(name)))


def test_payload_digest_of_dechunked_entity_is_reported(tmp_path: Path) -> None:
    # Heritrix PR #770 digests the entity without its transfer coding; warcio (and so check) digests the payload
    # as stored, and this project stores bodies de-chunked, so such a digest is a foreign writer's, reported.
    raw = sample("warcio-test-data/example-iana.org-chunked.warc").read_bytes()
    fixed = raw.replace(
        b"sha1:b1f949b4920c773fd9c863479ae9a788b948c7ad", b"sha1:8846f23ce943a3b70089f86345626778cd93f11e"
    )
    assert fixed != raw
    path = tmp_path / "dechunked-digest.warc"
    path.write_bytes(fixed)
    assert [p.kind for p in check_warc(path)] == ["payload-digest"]


def test_flipped_byte_is_caught_by_digests(tmp_path: Path) -> None:
    data = record_bytes(RecordFactory().response(exchange(1)), gzip=False)
    path = tmp_path / "flipped.warc"
    path.write_bytes(data.replace("بنغازي 1".encode(), "بنغازي 7".encode()))
    assert {p.kind for p in check_warc(path)} == {"block-digest", "payload-digest"}


def test_revisit_block_digest_is_checked_only_in_strict_mode(tmp_path: Path) -> None:
    # warcio skips revisit digests (other writers put the original's there); the revisits we write digest their own
    revisit = RecordFactory().revisit(exchange(1), refers_to_uri=exchange(1).url, refers_to_date="2026-11-19T10:00:00Z",
                                      refers_to_record_id=None, payload_digest="sha1:" + "A" * 32,
                                      profile="identical-payload-digest")
    data = record_bytes(revisit, gzip=False)
    path = tmp_path / "revisit.warc"
    path.write_bytes(data)
    assert check_warc(path) == [] and check_warc(path, strict=True) == [Problem(path, 0, "warcinfo-not-first", ANY, ANY)]
    path.write_bytes(data.replace(b"HTTP/1.1 200 OK", b"HTTP/1.1 200 Ok"))
    assert check_warc(path) == []
    assert [p.kind for p in check_warc(path, strict=True)] == ["warcinfo-not-first", "block-digest"]


def test_strict_mode_wants_warcinfo_first(tmp_path: Path) -> None:
    path = tmp_path / "no-warcinfo.warc.gz"
    path.write_bytes(record_bytes(RecordFactory().response(exchange(1))))
    assert check_warc(path) == []
    assert [p.kind for p in check_warc(path, strict=True)] == ["warcinfo-not-first"]


def test_truncated_gzip_tail_passes_warcio_but_not_check(tmp_path: Path) -> None:
    path, _ = open_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-10])
    with open(path, "rb") as fh:  # warcio reads it without complaint (the reason we decompress ourselves)
        list(ArchiveIterator(fh))
    assert [p.kind for p in check_warc(path)] == ["gzip-truncated"]


def test_repair_sample_with_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "torn" / "NEWSARCHIVE-20261120221500000-00000-test.warc.gz.open"
    path.parent.mkdir()
    shutil.copy(DATA / path.name, path)
    result = repair_open_file(path)
    assert result.final_path == path.with_suffix("") and not path.exists()
    assert [k.record_type for k in result.kept] == ["warcinfo", "response", "request", "response"]
    assert result.torn_path is not None and result.torn_path.name.endswith(".warc.gz.torn")
    assert result.torn_length == result.torn_path.stat().st_size > 0
    assert check_warc(result.final_path, strict=True) == []


@pytest.mark.parametrize("cut", [1, 2, 9, 40, 200, 0.25, 0.5, 0.75, 0.99])
def test_repair_keeps_every_complete_record(tmp_path: Path, cut: float) -> None:
    path, locations = open_file(tmp_path)
    data = path.read_bytes()
    end = int(len(data) * cut) if isinstance(cut, float) else len(data) - cut
    path.write_bytes(data[:end])
    expected = [i for i in iter_records_bytes(data) if i.offset + i.length <= end]
    result = repair_open_file(path)
    assert [(k.offset, k.length, k.record_id) for k in result.kept] == [
        (i.offset, i.length, i.record_id) for i in expected
    ]
    kept_end = expected[-1].offset + expected[-1].length if expected else 0
    assert result.torn_length == end - kept_end
    assert result.torn_path is not None and result.torn_path.read_bytes() == data[kept_end:end]
    assert result.final_path is not None and result.final_path.read_bytes() == data[:kept_end]
    assert check_warc(result.final_path, strict=True) == []
    response_ids = {loc.record_id for loc in locations}
    assert {k.record_id for k in result.kept if k.record_type == "response"} <= response_ids


def iter_records_bytes(data: bytes) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "whole.warc.gz"
        path.write_bytes(data)
        return list(iter_records(path))


def test_repair_of_intact_open_file_just_closes_it(tmp_path: Path) -> None:
    path, _ = open_file(tmp_path, count=2)
    size = path.stat().st_size
    result = repair_open_file(path)
    assert result.torn_path is None and result.torn_length == 0
    assert result.final_path is not None and result.final_path.stat().st_size == size
    assert len(result.kept) == 5


def test_repair_moves_zero_filled_tail(tmp_path: Path) -> None:
    # after a power cut, ext4 can show the unwritten end of a file as zeros
    path, _ = open_file(tmp_path, count=1)
    with open(path, "ab") as fh:
        fh.write(b"\0" * 4096)
    result = repair_open_file(path)
    assert result.torn_length == 4096 and result.torn_path is not None
    assert result.torn_path.read_bytes() == b"\0" * 4096
    assert check_warc(result.final_path) == []  # type: ignore[arg-type]


def test_repair_refuses_damage_that_is_not_a_tail(tmp_path: Path) -> None:
    path, locations = open_file(tmp_path)
    data = bytearray(path.read_bytes())
    data[locations[1].offset + 20] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveIntegrityError, match="not a crash tail"):
        repair_open_file(path)
    assert path.read_bytes() == bytes(data)  # untouched


def test_repair_of_file_without_a_whole_record_removes_it(tmp_path: Path) -> None:
    path, _ = open_file(tmp_path)
    path.write_bytes(path.read_bytes()[:30])
    result = repair_open_file(path)
    assert result.final_path is None and result.kept == () and not path.exists()
    assert result.torn_path is not None and result.torn_path.stat().st_size == 30


def test_repair_never_overwrites_a_torn_file(tmp_path: Path) -> None:
    path, _ = open_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-5])
    previous = path.with_suffix("").with_name(path.with_suffix("").name + ".torn")
    previous.write_bytes(b"older torn bytes")
    result = repair_open_file(path)
    assert previous.read_bytes() == b"older torn bytes"
    assert result.torn_path == previous.with_name(previous.name + ".1")


def test_warcio_reads_a_repaired_file(tmp_path: Path) -> None:
    path, _ = open_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-100])
    result = repair_open_file(path)
    records = list(ArchiveIterator(io.BytesIO(result.final_path.read_bytes()), check_digests=True))  # type: ignore[union-attr]
    assert len(records) == len(result.kept)


def test_member_framing_is_exact_when_one_member_inflates_past_the_per_call_limit():
    # A 250 KB member inflating to 5 MB: zlib stops each call at the inflate limit, and at the member's end it
    # reports the next member's first bytes both as unused data and as unconsumed input (counted once, or every
    # later offset is wrong and `check` finds every later capture dangling).
    import gzip

    body = "".join(f"<url><loc>http://127.0.0.5:3000/a/{i}</loc></url>\n" for i in range(100_000)).encode()
    parts = [gzip.compress(b"a" * 100), gzip.compress(body), gzip.compress(b"b" * 1000), gzip.compress(b"c")]
    blob = b"".join(parts)
    expected, offset = [], 0
    for part in parts:
        expected.append((offset, len(part)))
        offset += len(part)
    members = list(gzip_members(io.BytesIO(blob), len(blob)))
    assert [(m.offset, m.length) for m in members] == expected
    assert [m.error for m in members] == [None] * 4
