"""Tests for archive.warc.writer: byte-exact records, warcio read-back, rotation, .open renaming, revisits."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import itertools
import time
import uuid
import zlib
from base64 import b32encode
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.records import Exchange
from archive.warc.build import new_record_id, sha1_digest
from archive.warc.check import check_warc
from archive.warc.reader import iter_records
from archive.warc.writer import REMOVED_TE_FIELD, RecordFactory, WarcArchive, record_bytes, warc_date

DATA = Path(__file__).parent / "data" / "warc"
FROZEN = datetime(2026, 11, 20, 22, 15, 0, 123456, tzinfo=UTC)
# gzip of "<html><body><p>طرابلس: اشتباكات في ليبيا</p></body></html>", frozen (zlib builds differ)
BODY = base64.b64decode(
    "H4sIAAAAAAACA7PJKMnNsbNJyk+ptLMpsLux/cbGG8tvrLjZcmOzlQKQteXGqhsrbiy/2Qxkr1K42XizS+Fmy80uoIquG8tt9AvsbPQhevXBBgEAggA2FE8AAAA="
)
# A Location header sent as raw UTF-8 bytes, decoded latin-1 by the capture: it must come back byte for byte.
RAW_LOCATION = "https://www.alwasat.ly/news/ليبيا".encode().decode("latin-1")


def sha1(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def ids() -> object:
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def make_exchange(**changes: object) -> Exchange:
    fields: dict[str, object] = {
        "url": "https://www.alwasat.ly/news/libya/451?page=2",
        "method": "GET",
        "request_headers": (
            ("Host", "www.alwasat.ly"),
            ("User-Agent", "newsarchive-test"),
            ("Accept-Encoding", "gzip"),
        ),
        "request_body": b"",
        "status": 200,
        "reason": "OK",
        "protocol": "HTTP/1.1",
        "response_headers": (
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
            ("Link", f"<{RAW_LOCATION}>; rel=canonical"),
        ),
        "body": BODY,
        "fetched_at": FROZEN,
        "ip_address": "192.0.2.7",
    }
    fields.update(changes)
    return Exchange(**fields)  # type: ignore[arg-type]


def read_all(path_or_bytes: Path | bytes) -> list:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    out = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        content = record.content_stream().read()
        out.append((record, content))
    return out


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("golden-response.warc", lambda f: f.response(make_exchange())),
        (
            "golden-request.warc",
            lambda f: f.request(make_exchange(), "<urn:uuid:00000000-0000-4000-8000-999999999999>"),
        ),
        (
            "golden-revisit.warc",
            lambda f: f.revisit(
                make_exchange(),
                refers_to_uri="https://www.alwasat.ly/news/libya/451?page=2",
                refers_to_date="2026-11-19T10:00:00Z",
                refers_to_record_id="<urn:uuid:00000000-0000-4000-8000-999999999999>",
                payload_digest=sha1(BODY),
                profile="identical-payload-digest",
            ),
        ),
        (
            "golden-warcinfo.warc",
            lambda f: f.warcinfo("NA-20261120221500123-00000-h.warc.gz", {"a": "b"}, FROZEN),
        ),
    ],
)
def test_record_is_byte_exact_golden(name: str, build: object) -> None:
    got = record_bytes(build(RecordFactory(ids())), gzip=False)  # type: ignore[operator]
    assert got == (DATA / name).read_bytes()


def test_response_record_keeps_wire_bytes_and_digests() -> None:
    data = record_bytes(RecordFactory(ids()).response(make_exchange()), gzip=False)
    ((record, content),) = read_all(data)
    assert record.rec_headers.protocol == "WARC/1.1"
    assert record.digest_checker.passed is True
    assert record.rec_headers.get_header("WARC-Date") == "2026-11-20T22:15:00.123456Z"
    assert record.rec_headers.get_header("WARC-IP-Address") == "192.0.2.7"
    assert record.rec_headers.get_header("WARC-Payload-Digest") == sha1(BODY)
    head, _, stored_body = data.partition(b"\r\n\r\n")[2].partition(b"\r\n\r\n")
    assert stored_body == BODY + b"\r\n\r\n"  # still gzip-compressed, as received
    assert record.rec_headers.get_header("WARC-Block-Digest") == sha1(head + b"\r\n\r\n" + BODY)
    assert "ليبيا".encode() in head  # raw UTF-8 header bytes not %-encoded
    assert "اشتباكات" in content.decode()  # warcio decodes Content-Encoding for readers


def test_chunked_transfer_encoding_is_removed_and_recorded() -> None:
    ((record, content),) = read_all(record_bytes(RecordFactory(ids()).response(make_exchange()), gzip=False))
    assert record.http_headers.get_header("Transfer-Encoding") is None
    assert record.rec_headers.get_header(REMOVED_TE_FIELD) == "chunked"
    assert "طرابلس" in content.decode()


def test_other_transfer_codings_are_kept() -> None:
    ex = make_exchange(response_headers=(("Transfer-Encoding", "gzip, chunked"),), body=b"x")
    ((record, _),) = read_all(record_bytes(RecordFactory(ids()).response(ex), gzip=False))
    assert record.http_headers.get_header("Transfer-Encoding") == "gzip"


def test_empty_reason_keeps_the_status_line_readable() -> None:
    ex = make_exchange(status=204, reason="", response_headers=(), body=b"")
    ((record, content),) = read_all(record_bytes(RecordFactory(ids()).response(ex), gzip=False))
    assert record.http_headers.get_statuscode() == "204"
    assert content == b""


def test_request_record_links_to_response() -> None:
    ex = make_exchange(method="POST", request_body=b"q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7")
    factory = RecordFactory(ids())
    response = factory.response(ex)
    ((record, content),) = read_all(record_bytes(factory.request(ex, response.rec_headers["WARC-Record-ID"])))
    assert record.rec_type == "request"
    assert record.rec_headers["WARC-Concurrent-To"] == response.rec_headers["WARC-Record-ID"]
    assert record.http_headers.protocol == "POST"
    assert record.http_headers.statusline == "/news/libya/451?page=2 HTTP/1.1"
    assert content == ex.request_body
    assert record.digest_checker.passed is True


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05Z"),
        (
            datetime(2026, 1, 2, 5, 4, 5, 7, tzinfo=timezone(timedelta(hours=2))),
            "2026-01-02T03:04:05.000007Z",
        ),
    ],
)
def test_warc_date_is_utc_with_micros(moment: datetime, expected: str) -> None:
    assert warc_date(moment) == expected


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        warc_date(datetime(2026, 1, 1))


def test_archive_writes_open_file_then_renames_on_close(tmp_path: Path) -> None:
    archive = WarcArchive(
        tmp_path, prefix="NA", warcinfo={"crawl-id": "c-1"}, clock=lambda: FROZEN, hostname="host_1"
    )
    loc = archive.write_exchange(make_exchange())
    open_path = archive.current_path
    assert open_path is not None and open_path.name == "NA-20261120221500123-00000-host-1.warc.gz.open"
    assert open_path.exists()
    archive.close()
    final = tmp_path / loc.warc_file
    assert not open_path.exists() and final.exists()
    assert loc.warc_file == "warc/NA-20261120221500123-00000-host-1.warc.gz"
    assert check_warc(final, strict=True) == []
    records = read_all(final)
    assert [r.rec_type for r, _ in records] == ["warcinfo", "response", "request"]
    info = records[0][1].decode()
    for line in (
        f"software: newsarchive/{importlib.metadata.version('newsarchive')} warcio/"
        f"{importlib.metadata.version('warcio')}\r\n",
        "format: WARC File Format 1.1",
        "conformsTo: http",
        "crawl-id: c-1",
    ):
        assert line in info
    assert records[0][0].rec_headers["WARC-Filename"] == final.name


def test_a_payload_digest_handed_over_gives_the_record_hashed_here() -> None:
    # the crawl process hashes each new page once and hands the digest to the writer (CaptureOp.payload_digest)
    exchange = make_exchange(body=b"<p>" + "طرابلس ".encode() * 500 + b"</p>")
    here = record_bytes(RecordFactory(ids()).response(exchange), gzip=False)
    given = record_bytes(RecordFactory(ids()).response(exchange, payload_digest=sha1_digest(exchange.body)),
                         gzip=False)
    assert given == here
    ((record, _),) = read_all(given)
    assert record.digest_checker.passed is True


def test_gzip_member_is_the_plain_record_at_zlib_level_6() -> None:
    exchange = make_exchange(body=b"<p>" + "طرابلس ".encode() * 500 + b"</p>")
    plain = record_bytes(RecordFactory(ids()).response(exchange), gzip=False)
    member = record_bytes(RecordFactory(ids()).response(exchange))  # the same record id: the same record
    assert member[:3] == b"\x1f\x8b\x08" and member[8] == 0  # gzip XFL: 2 at level 9 (warcio's), 0 at 2-8
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert inflater.decompress(member) == plain and inflater.eof and inflater.unused_data == b""
    ((read, _),) = read_all(member)
    assert read.digest_checker.passed is True and len(member) < len(plain) // 5


def test_record_ids_are_version_7_uuids_in_the_order_they_were_made() -> None:
    made = []
    for _ in range(3):
        made.append(new_record_id())
        time.sleep(0.002)  # the first 48 bits are milliseconds: ids a millisecond apart sort by time
    made += [new_record_id() for _ in range(1000)]
    ids = [uuid.UUID(m.removeprefix("<urn:uuid:").removesuffix(">")) for m in made]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert made[:3] == sorted(made[:3]) and len(set(made)) == len(made)
    assert abs((ids[0].int >> 80) - time.time() * 1000) < 60_000  # milliseconds since 1970, as RFC 9562 has them


def test_location_points_at_one_gzip_member(tmp_path: Path) -> None:
    with WarcArchive(tmp_path) as archive:
        loc = archive.write_exchange(make_exchange())
    raw = (tmp_path / loc.warc_file).read_bytes()
    member = raw[loc.offset : loc.offset + loc.length]
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    text = inflater.decompress(member)
    assert inflater.eof and inflater.unused_data == b""
    assert f"WARC-Record-ID: {loc.record_id}".encode() in text
    assert loc.record_type == "response" and loc.payload_digest == sha1(BODY)
    ((request, _),) = read_all(raw[loc.request_offset :])[:1]
    assert request.rec_headers["WARC-Concurrent-To"] == loc.record_id
    indexed = {info.offset: info for info in iter_records(tmp_path / loc.warc_file)}
    assert indexed[loc.offset].length == loc.length and indexed[loc.offset].record_id == loc.record_id


@pytest.mark.parametrize("max_size", [1, 2_000, 5_000])
def test_rotation_by_size_keeps_pairs_together(tmp_path: Path, max_size: int) -> None:
    archive = WarcArchive(tmp_path, max_size=max_size, fsync=False)
    locations = [archive.write_exchange(make_exchange(url=f"https://x.ly/{i}")) for i in range(12)]
    archive.close()
    files = sorted((tmp_path / "warc").iterdir())
    assert not [f for f in files if f.name.endswith(".open")]
    assert len(files) == len({loc.warc_file for loc in locations}) > 1
    for path in files:
        assert check_warc(path, strict=True) == []
        types = [r.rec_type for r, _ in read_all(path)]
        assert types[0] == "warcinfo" and types.count("response") == types.count("request") >= 1
        if types.count("response") > 1:  # only an oversize first pair may exceed max_size
            assert path.stat().st_size <= max_size
    assert [int(f.name.split("-")[2]) for f in files] == list(range(len(files)))


def test_rotate_then_write_opens_a_new_file(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, fsync_every=1)
    first = archive.write_exchange(make_exchange())
    archive.rotate()
    second = archive.write_exchange(make_exchange())
    archive.close()
    assert first.warc_file != second.warc_file
    assert archive.files_written == [tmp_path / first.warc_file, tmp_path / second.warc_file]


@pytest.mark.parametrize("profile", ["identical-payload-digest", "server-not-modified"])
def test_revisit_records_are_readable(tmp_path: Path, profile: str) -> None:
    with WarcArchive(tmp_path) as archive:
        original = archive.write_exchange(make_exchange())
        ex = (
            make_exchange(status=304, reason="Not Modified", body=b"")
            if profile == "server-not-modified"
            else make_exchange()
        )
        loc = archive.write_revisit(
            ex,
            refers_to_uri=ex.url,
            refers_to_date="2026-11-20T22:15:00.123456Z",
            refers_to_record_id=original.record_id,
            payload_digest=original.payload_digest,
            profile=profile,
        )
    path = tmp_path / loc.warc_file
    assert check_warc(path, strict=True) == []
    revisit = [r for r, _ in read_all(path) if r.rec_type == "revisit"]
    assert len(revisit) == 1
    headers = revisit[0].rec_headers
    assert headers["WARC-Profile"] == f"http://netpreserve.org/warc/1.1/revisit/{profile}"
    assert headers["WARC-Refers-To"] == original.record_id
    assert headers["WARC-Payload-Digest"] == original.payload_digest == loc.payload_digest
    assert revisit[0].http_headers.get_statuscode() == str(ex.status)


def test_revisit_has_headers_only(tmp_path: Path) -> None:
    factory = RecordFactory(ids())
    ex = make_exchange()
    data = record_bytes(
        factory.revisit(
            ex,
            refers_to_uri=ex.url,
            refers_to_date="2026-11-19T10:00:00Z",
            refers_to_record_id=None,
            payload_digest=sha1(BODY),
            profile="identical-payload-digest",
        ),
        gzip=False,
    )
    ((record, content),) = read_all(data)
    assert content == b"" and BODY not in data
    assert record.rec_headers.get_header("WARC-Refers-To") is None
    assert int(record.rec_headers["Content-Length"]) == len(data.split(b"\r\n\r\n", 1)[1]) - 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile": "bogus", "payload_digest": "sha1:X"}, "unknown revisit profile"),
        ({"profile": "identical-payload-digest", "payload_digest": ""}, "payload digest"),
    ],
)
def test_revisit_refuses_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RecordFactory().revisit(
            make_exchange(), refers_to_uri="u", refers_to_date="d", refers_to_record_id=None, **kwargs
        )


@pytest.mark.parametrize("kwargs", [{"max_size": 0}, {"fsync_every": -1}, {"prefix": "a/b"}])
def test_bad_settings_are_refused(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        WarcArchive(tmp_path, **kwargs)


def test_two_archives_never_share_a_file_name(tmp_path: Path) -> None:
    a = WarcArchive(tmp_path, clock=lambda: FROZEN)
    b = WarcArchive(tmp_path, clock=lambda: FROZEN)
    la, lb = a.write_exchange(make_exchange()), b.write_exchange(make_exchange())
    a.close()
    b.close()
    assert la.warc_file != lb.warc_file
