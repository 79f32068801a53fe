"""Index a 304 re-check so that wayback machines replay the page it confirmed, not an empty 304.

A conditional re-check the server answered 304 Not Modified is archived as a ``revisit`` record (WARC 1.1 section
6.7.3, profile server-not-modified) holding the 304's headers and referring to the response it confirms. Replay
engines differ on such a record: wabac.js (ReplayWeb.page) serves the response it refers to, while pywb 2.10 (and
OpenWayback's CompositeResource) take status and headers from the revisit record: pywb's ``ResolvingLoader``
returns a revisit whose own status is 3xx as it is, so the capture replays as an empty 304, a blank page (stop 37's
probe). Heritrix and warcprox write these records the same way we do; UKWA suggests leaving 304s out of the index
(ukwa/ukwa-pywb#40), but then pywb answers the capture's time with the nearest other capture, which may be a later
version.

So the records stay as archived, and our CDXJ lines (``newsarchive index`` and the WACZ's index) say where the page
is: the line of a 304 revisit keeps its URL and time but names the file, offset, length, type and status of the
response record it refers to (its ``WARC-Refers-To``, else the latest response of its ``WARC-Refers-To-Target-URI``
with its payload digest, among the files indexed), and keeps the revisit record's own place in ``revisit_filename``,
``revisit_offset`` and ``revisit_length``. A 304 whose response is not among the files indexed keeps its own line.
"""

from __future__ import annotations

from typing import Any

NOT_MODIFIED_PROFILE = "/revisit/server-not-modified"
# what a response's line says about where its record is and what it holds: copied onto the 304 revisit's line
POINTER_FIELDS = ("filename", "offset", "length", "mime", "status", "recordDigest")


def is_not_modified(record: Any, index: dict[str, Any]) -> bool:
    """True for a revisit record of a 304 answer."""
    if record.rec_type != "revisit":
        return False
    return index.get("status") == "304" or (record.rec_headers.get_header("WARC-Profile") or "").endswith(
        NOT_MODIFIED_PROFILE)


class NotModifiedIndexing:
    """Mixin for a cdxj-indexer ``CDXJIndexer`` (ours, py-wacz's ``WACZIndexer``): 304 revisits' lines point at the
    response they refer to. Their lines are held back until every file is read (the response may come later in the
    list), then written to the same (sorting) output."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inputs = list(self.inputs)  # cdxj-indexer's is a generator: the last file must be known

    def _write_line(self, out: Any, index: dict[str, Any], record: Any, filename: str) -> None:
        state = self.__dict__.setdefault("_not_modified", {"ids": {}, "digests": {}, "held": [], "files": 0})
        if record.rec_type == "response":
            where = {k: index[k] for k in POINTER_FIELDS if k in index}
            state["ids"][record.rec_headers.get_header("WARC-Record-ID")] = where
            key = (record.rec_headers.get_header("WARC-Target-URI"), index.get("digest"))
            state["digests"][key] = where  # files come in name (time) order: the latest wins
        elif is_not_modified(record, index):
            state["held"].append((out, index, record, filename))
            return
        super()._write_line(out, index, record, filename)  # type: ignore[misc]

    def process_one(self, input_: Any, output: Any, filename: str) -> None:
        """Index one file; after the last one, write the held 304 lines."""
        super().process_one(input_, output, filename)  # type: ignore[misc]
        state = self.__dict__.setdefault("_not_modified", {"ids": {}, "digests": {}, "held": [], "files": 0})
        state["files"] += 1
        if state["files"] == len(self.inputs):
            self._write_held(state)

    def _write_held(self, state: dict[str, Any]) -> None:
        for out, index, record, filename in state.pop("held"):
            headers = record.rec_headers
            target = state["ids"].get(headers.get_header("WARC-Refers-To")) or state["digests"].get(
                (headers.get_header("WARC-Refers-To-Target-URI") or headers.get_header("WARC-Target-URI"),
                 index.get("digest")))
            if target is not None:
                own = {f"revisit_{k}": index[k] for k in ("filename", "offset", "length") if k in index}
                index = {**index, **target, **own}
            super()._write_line(out, index, record, filename)  # type: ignore[misc]
        state["held"] = []
