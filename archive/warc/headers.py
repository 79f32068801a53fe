"""Parse the header blocks of WARC, ARC and HTTP records: header lines, named fields, HTTP head length."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

MAX_HEAD = 1 << 20  # WARC / HTTP header blocks larger than this are not headers


def read_head(stream: IO[bytes], first: bytes | None = None) -> list[bytes] | None:
    """Header lines (CRLF stripped) up to a blank line; None at end of stream."""
    lines: list[bytes] = []
    size = 0
    line = first if first is not None else stream.readline(MAX_HEAD)
    if not line:
        return None
    while line.strip():
        lines.append(line.rstrip(b"\r\n"))
        size += len(line)
        if size > MAX_HEAD:
            raise ValueError("header block longer than 1 MiB")
        line = stream.readline(MAX_HEAD)
        if not line:
            raise ValueError("header block not terminated by a blank line")
    return lines


def parse_fields(lines: list[bytes]) -> list[tuple[str, str]]:
    """Named fields of header lines, continuations folded in; ValueError on a line without a colon."""
    fields: list[tuple[str, str]] = []
    for raw in lines:
        text = raw.decode("utf-8", errors="replace")
        if text[:1] in (" ", "\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + " " + text.strip())
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise ValueError(f"header line without a colon: {text[:80]!r}")
        fields.append((name.strip(), value.strip()))
    return fields


def get_field(fields: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first field called ``name`` (case-insensitive), or None."""
    lname = name.lower()
    return next((v for k, v in fields if k.lower() == lname), None)


def http_head_length(head: bytes) -> tuple[int, int | None, bool]:
    """Length of the HTTP header block at the start of ``head`` (warcio's rule), status, chunked flag."""
    pos, status, chunked, first = 0, None, False, True
    while pos < len(head):
        end = head.find(b"\n", pos)
        end = len(head) if end < 0 else end + 1
        line = head[pos:end]
        pos = end
        if first:
            first = False
            parts = line.split(None, 2)
            if len(parts) >= 2 and parts[0].upper().startswith(b"HTTP/") and parts[1].isdigit():
                status = int(parts[1])
            if not line.strip():
                break
            continue
        if not line.strip():
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return pos, status, chunked


def looks_like_arc(line: bytes) -> bool:
    """Whether a first line reads as an ARC record header (``URL IP DATE MIME LENGTH``)."""
    parts = line.rstrip(b"\r\n").rsplit(b" ", 4)
    return len(parts) == 5 and parts[2].isdigit() and len(parts[2]) >= 8
