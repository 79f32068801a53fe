"""Readable HTML diffs between two versions of an article, from archive.corpus.history.line_changes."""

from __future__ import annotations

import logging
from html import escape

from archive.corpus.history import LineChange, Snapshot, line_changes

logger = logging.getLogger(__name__)

_TAGS = {"delete": "del", "insert": "ins"}


def _html(change: LineChange) -> str:
    """One changed line as HTML: deleted words in ``<del>``, inserted words in ``<ins>``, the rest as is."""
    return "".join(escape(text) if op == "equal" else f"<{_TAGS[op]}>{escape(text)}</{_TAGS[op]}>"
                   for op, text in change.parts)


def diff_rows(old: Snapshot, new: Snapshot) -> list[tuple[str, str]]:
    """The changed lines of two versions (title first) as ``(kind, html)``: kind is "changed", "added" or "removed"."""
    return [(change.kind, _html(change)) for change in line_changes(old, new)]
