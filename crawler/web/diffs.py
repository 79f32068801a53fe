"""Readable HTML diffs between two versions of an article, as archive.corpus.history.line_changes, with bounded work.

difflib.SequenceMatcher costs up to (items on one side) × (items on the other) steps a pass, and many passes where
items repeat (the spaces between words always do): one hostile article, one line of 10,000 words with 5% of them
edited, took 28 s to render, on the reading room's only event-loop thread, so every other page waited (stop 37's
probe). Here the common head and tail are set aside first (linear), and every SequenceMatcher pass is charged what
its inner loop can cost (``_BoundedMatcher``) against one budget for the pair of versions, ``DIFF_STEPS``. Past it a
changed paragraph is shown whole, before then after, instead of word by word; and when the lines themselves cannot
be matched within it, the lines between the first and the last change are shown whole. The page says which, in a
"note" row.
"""

from __future__ import annotations

import difflib
import logging
from html import escape

from archive.corpus.history import LineChange, Snapshot, word_parts

logger = logging.getLogger(__name__)

_TAGS = {"delete": "del", "insert": "ins"}

#: The work one pair of versions may cost, in SequenceMatcher inner-loop steps (~80 ns each): about 0.3 s at worst.
DIFF_STEPS = 4_000_000
#: When the lines cannot be matched within the budget, at most this many a side are shown whole.
MAX_WHOLE_LINES = 200


class _OverBudget(Exception):
    """A comparison would cost more than the steps left."""


class _Steps:
    """The steps left to one pair of versions' comparisons."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def charge(self, steps: int) -> None:
        """Take ``steps``; _OverBudget when fewer are left."""
        self.left -= steps
        if self.left < 0:
            raise _OverBudget


class _BoundedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher (autojunk off) that charges each longest-match pass before it runs.

    A pass over a[alo:ahi] and b[blo:bhi] visits, for each a[i], the positions of a[i] in b (difflib's b2j), so
    their count plus one per item bounds its work; get_matching_blocks makes one pass per block found. Hand-written
    because difflib has no limit of its own (its autojunk drops popular items, which changes the diff and still
    leaves it quadratic in the unpopular ones).
    """

    def __init__(self, a: list[str], b: list[str], steps: _Steps) -> None:
        self._steps = steps
        steps.charge(len(a) + len(b))
        super().__init__(None, a, b, autojunk=False)
        if sum(len(self.b2j.get(x, ())) for x in a) > steps.left:  # the first pass alone: give up at once
            raise _OverBudget

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        """difflib's search, charged first with what it will cost (the span and the matching positions)."""
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        b2j, a = self.b2j, self.a
        self._steps.charge(ahi - alo + bhi - blo + sum(len(b2j.get(a[i], ())) for i in range(alo, ahi)))
        return super().find_longest_match(alo, ahi, blo, bhi)


def _html(change: LineChange) -> str:
    """One changed line as HTML: deleted words in ``<del>``, inserted words in ``<ins>``, the rest as is."""
    return "".join(escape(text) if op == "equal" else f"<{_TAGS[op]}>{escape(text)}</{_TAGS[op]}>"
                   for op, text in change.parts)


def _note(text: str) -> tuple[str, str]:
    """A row telling the reader how the diff below was made (English, read left to right in the RTL list)."""
    return "note", f'<span class="na-muted" dir="ltr" lang="en">{escape(text)}</span>'


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many items ``a`` and ``b`` share at their start, and at their end after that (linear)."""
    head, limit = 0, min(len(a), len(b))
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _opcodes(a: list[str], b: list[str], steps: _Steps) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes of ``a`` and ``b`` (autojunk off, as history.line_changes), the common head and tail
    set aside first; _OverBudget when the comparison would take more than the steps left."""
    head, tail = _common_ends(a, b)
    steps.charge(head + tail)
    ea, eb = len(a) - tail, len(b) - tail
    mid_a, mid_b = a[head:ea], b[head:eb]
    ops = [("equal", 0, head, 0, head)] if head else []
    if mid_a and mid_b:
        ops.extend((op, i1 + head, i2 + head, j1 + head, j2 + head) for op, i1, i2, j1, j2 in
                   _BoundedMatcher(mid_a, mid_b, steps).get_opcodes())
    elif mid_a or mid_b:
        ops.append(("insert" if mid_b else "delete", head, ea, head, eb))
    if tail:
        ops.append(("equal", ea, len(a), eb, len(b)))
    return ops


def _whole(kind: str, line: str) -> tuple[str, str]:
    """A line shown whole as removed (``<del>``) or added (``<ins>``)."""
    return kind, _html(LineChange(kind, (("delete" if kind == "removed" else "insert", line),)))


def _lines(s: Snapshot) -> list[str]:
    """Title, then each non-blank paragraph, whitespace collapsed (as history.line_changes)."""
    return [" ".join(s.title.split())] + [" ".join(p.split()) for p in s.text.splitlines() if p.strip()]


def diff_rows(old: Snapshot, new: Snapshot) -> list[tuple[str, str]]:
    """The changed lines of two versions (title first) as ``(kind, html)``: kind is "changed", "added" or "removed",
    or "note" for a row saying the comparison was cut short (the versions were too large to compare finely).

    Within the budgets the rows are those of ``archive.corpus.history.line_changes``.
    """
    a, b = _lines(old), _lines(new)
    steps = _Steps(DIFF_STEPS)
    try:
        ops = _opcodes(a, b, steps)
    except _OverBudget:
        head, tail = _common_ends(a, b)
        removed, added = a[head:len(a) - tail], b[head:len(b) - tail]
        more = max(len(removed), len(added)) > MAX_WHOLE_LINES
        rows = [_note(f"Too large to compare line by line ({len(a):,} and {len(b):,} lines): the lines from the first "
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
                    rows.append(("changed", _html(LineChange("changed", word_parts(x, y, lambda a, b: _opcodes(a, b, steps))))))
                except _OverBudget:
                    whole += 1
                    rows += [_whole("removed", x), _whole("added", y)]
            continue
        rows.extend(_whole("removed", x) for x in a[i1:i2])
        rows.extend(_whole("added", y) for y in b[j1:j2])
    if whole:
        rows.insert(0, _note(f"Too long to compare word by word: {whole:,} changed paragraph(s) shown whole, "
                             f"before then after."))
    return rows
