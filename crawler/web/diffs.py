"""Readable HTML diffs between two versions of an article, as archive.corpus.history.line_changes, with bounded work.

One hostile article, one line of 10,000 words with 5% of them edited, took 28 s to render, on the reading room's
only event-loop thread, so every other page waited (stop 37's probe). The comparisons are charged against a budget
of steps (``archive.corpus.bounded``), one for the whole page (``DIFF_STEPS``, all its version pairs). Past it a
changed paragraph is shown whole, before then after, instead of word by word; and when the lines themselves cannot
be matched within it, the lines between the first and the last change are shown whole. The page says which, in a
"note" row.
"""

from __future__ import annotations

import logging
from html import escape

from archive.corpus.bounded import DIFF_STEPS, OverBudget, Steps, bounded_opcodes, common_ends
from archive.corpus.history import LineChange, Snapshot, word_parts

logger = logging.getLogger(__name__)

_TAGS = {"delete": "del", "insert": "ins"}

#: When the lines cannot be matched within the budget, at most this many a side are shown whole.
MAX_WHOLE_LINES = 200


def _html(change: LineChange) -> str:
    """One changed line as HTML: deleted words in ``<del>``, inserted words in ``<ins>``, the rest as is."""
    return "".join(escape(text) if op == "equal" else f"<{_TAGS[op]}>{escape(text)}</{_TAGS[op]}>"
                   for op, text in change.parts)


def _note(text: str) -> tuple[str, str]:
    """A row telling the reader how the diff below was made (English, read left to right in the RTL list)."""
    return "note", f'<span class="na-muted" dir="ltr" lang="en">{escape(text)}</span>'


def _whole(kind: str, line: str) -> tuple[str, str]:
    """A line shown whole as removed (``<del>``) or added (``<ins>``)."""
    return kind, _html(LineChange(kind, (("delete" if kind == "removed" else "insert", line),)))


def _lines(s: Snapshot) -> list[str]:
    """Title, then each non-blank paragraph, whitespace collapsed (as history.line_changes)."""
    return [" ".join(s.title.split())] + [" ".join(p.split()) for p in s.text.splitlines() if p.strip()]


def diff_rows(old: Snapshot, new: Snapshot, steps: Steps | None = None) -> list[tuple[str, str]]:
    """The changed lines of two versions (title first) as ``(kind, html)``: kind is "changed", "added" or "removed",
    or "note" for a row saying the comparison was cut short (the versions were too large to compare finely).

    ``steps`` is the budget (one ``DIFF_STEPS`` when not given): an article page passes one for all its versions,
    so N hostile versions cost what one does, not N times that (stop 37's probe). Within it the rows are those of
    ``archive.corpus.history.line_changes``.
    """
    a, b = _lines(old), _lines(new)
    steps = steps if steps is not None else Steps(DIFF_STEPS)
    spent = " (this page's budget for comparisons is spent on the newer versions)" if steps.left <= 0 else ""
    try:
        ops = bounded_opcodes(a, b, steps)
    except OverBudget:
        head, tail = common_ends(a, b)
        removed, added = a[head:len(a) - tail], b[head:len(b) - tail]
        more = max(len(removed), len(added)) > MAX_WHOLE_LINES
        rows = [_note(f"Too large to compare line by line{spent} ({len(a):,} and {len(b):,} lines): the lines from the first "
                      f"change to the last ({len(removed):,} before, {len(added):,} after) are shown whole, before "
                      f"then after" + (f", the first {MAX_WHOLE_LINES:,} of each." if more else "."))]
        rows += [_whole("removed", x) for x in removed[:MAX_WHOLE_LINES]]
        rows += [_whole("added", y) for y in added[:MAX_WHOLE_LINES]]
        return rows
    rows: list[tuple[str, str]] = []
    whole = 0
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2]):
                try:
                    rows.append(("changed", _html(LineChange("changed", word_parts(x, y, lambda a, b: bounded_opcodes(a, b, steps))))))
                except OverBudget:
                    whole += 1
                    rows += [_whole("removed", x), _whole("added", y)]
            continue
        rows.extend(_whole("removed", x) for x in a[i1:i2])
        rows.extend(_whole("added", y) for y in b[j1:j2])
    if whole:
        rows.insert(0, _note(f"Too long to compare word by word: {whole:,} changed paragraph(s) shown whole, "
                             f"before then after."))
    return rows
