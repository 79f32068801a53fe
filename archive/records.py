"""The small frozen records that flow from the crawler into storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as sent and as received (body still content-encoded)."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    reason: str
    protocol: str  # "HTTP/1.1"
    response_headers: tuple[tuple[str, str], ...]
    body: bytes = field(repr=False)  # raw payload bytes, compressed if the server compressed them
    fetched_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    ip_address: str | None = None

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lname:
                return value
        return None


@dataclass(frozen=True)
class WarcLocation:
    """Where a response (or revisit) record was written."""

    warc_file: str  # relative to the data folder, e.g. "warc/NA-20261120221500000-00000-host.warc.gz"
    offset: int  # byte offset of the gzip member holding the record
    length: int  # compressed length of that member
    record_id: str  # "<urn:uuid:...>"
    record_type: str  # "response" or "revisit"
    payload_digest: str  # "sha1:BASE32"
    request_offset: int | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """What extraction made of one article page."""

    url: str  # the URL the page was fetched from
    title: str
    paragraphs: tuple[str, ...] = field(repr=False)
    published: str | None = None  # ISO 8601 date or datetime
    published_source: str | None = None  # which signal gave the date, e.g. "json-ld", "meta", "url"
    author: str | None = None
    language: str | None = None
    canonical_link: str | None = None  # absolute href of <link rel="canonical">, if the page has one

    @property
    def text(self) -> str:
        """The body, one paragraph per line."""
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class ExtractionFailure:
    """A page that yielded no article, and why ("no-text", "consent-wall", "challenge-page", ...)."""

    url: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Relevance:
    """The Libya-conflict judgement of one article, with the evidence for it."""

    relevant: bool
    score: float
    libya_score: float
    conflict_score: float
    matched_terms: tuple[tuple[str, str, float, int], ...] = ()  # (term, category, weight, count)
