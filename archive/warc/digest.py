"""WARC digests: the ``sha1:BASE32`` labels we write, and the check of any label a reader finds."""

from __future__ import annotations

import base64
import binascii
import hashlib
from base64 import b32encode
from typing import IO


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` digest of ``data`` (the form Heritrix, warcprox and warcio write)."""
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode("ascii")


def hasher_for(label: str) -> hashlib._Hash | None:
    """A fresh hasher for the algorithm a digest label names (``sha1``, ``SHA-256``...), None if unknown."""
    algo = label.lower().replace("-", "")
    try:
        return hashlib.new(algo)
    except ValueError:
        return None


def decode_digest(value: str, size: int) -> bytes | None:
    """Digest bytes from base32 (Heritrix, warcio), base16 (warcprox 1.x) or base64 text."""
    candidates = []
    for decode in (
        lambda v: base64.b32decode(v.upper() + "=" * (-len(v) % 8)),
        lambda v: base64.b16decode(v.upper()),
        lambda v: base64.b64decode(v + "=" * (-len(v) % 4)),
        lambda v: base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)),
    ):
        try:
            candidates.append(decode(value.strip()))
        except (binascii.Error, ValueError):
            continue
    return next((c for c in candidates if len(c) == size), None)


def digest_matches(label_value: str, data_hasher: hashlib._Hash) -> bool:
    """Whether a ``algorithm:value`` digest field holds the digest ``data_hasher`` computed."""
    _, _, value = label_value.partition(":")
    return decode_digest(value, data_hasher.digest_size) == data_hasher.digest()


def dechunked_hasher(stream: IO[bytes], start: int, length: int, label: str) -> hashlib._Hash | None:
    """Digest of a chunked payload after de-chunking, or None if it is not valid chunked data."""
    hasher = hasher_for(label)
    stream.seek(start)
    remaining = length
    if hasher is None:
        return None
    while remaining > 0:
        line = stream.readline(min(remaining, 1024))
        remaining -= len(line)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return hasher
        if size + 2 > remaining:
            return None
        hasher.update(stream.read(size))
        if stream.read(2) != b"\r\n":
            return None
        remaining -= size + 2
    return None


class RecordDigests:
    """Block and payload digests of one record, computed as its block is read, checked against its fields."""

    def __init__(self, block_label: str | None, payload_label: str | None, *, has_payload: bool) -> None:
        self.block_label = block_label
        self.payload_label = payload_label
        self.block = hasher_for(block_label.partition(":")[0]) if block_label else None
        self.payload = hasher_for(payload_label.partition(":")[0]) if payload_label else None
        self.has_payload = has_payload  # False for revisits: their payload digest is the original's

    def unknown_labels(self) -> list[str]:
        """The digest fields whose algorithm hashlib does not know: they cannot be verified."""
        pairs = ((self.block_label, self.block), (self.payload_label, self.payload))
        return [label for label, hasher in pairs if label and hasher is None]

    def update(self, data: bytes, payload_start: int = 0) -> None:
        """Digest the next block bytes; the payload digest skips their first ``payload_start`` (HTTP head)."""
        if self.block:
            self.block.update(data)
        if self.payload and self.has_payload:
            self.payload.update(data[payload_start:] if payload_start else data)

    def block_mismatch(self) -> bool:
        """True when the block digest field can be computed and does not match the block."""
        return bool(self.block and self.block_label and not digest_matches(self.block_label, self.block))

    def payload_checkable(self) -> bool:
        """True when the record has a payload and a payload digest field whose algorithm is known."""
        return bool(self.payload and self.payload_label and self.has_payload)

    def payload_matches(self) -> bool:
        """Whether the payload digest field matches the payload as stored."""
        return self.payload is not None and digest_matches(str(self.payload_label), self.payload)

    def dechunked_payload_matches(self, stream: IO[bytes], start: int, length: int) -> bool:
        """Whether the payload digest field matches the chunked payload at ``start`` once de-chunked."""
        label = str(self.payload_label)
        alt = dechunked_hasher(stream, start, length, label.partition(":")[0])
        return alt is not None and digest_matches(label, alt)
