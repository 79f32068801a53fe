"""Comparisons with bounded work: difflib's SequenceMatcher charged against a budget of steps.

difflib.SequenceMatcher costs up to (items on one side) x (items on the other) steps a pass, and many passes where
items repeat (the spaces between words always do): one hostile article, one line of 10,000 words with 5% of them
edited, took 28 s to diff (stop 37's probe). Here the common head and tail are set aside first (linear), and every
pass is charged what its inner loop can cost against one budget (``Steps``), which may span several comparisons (the
reading room's article page: all its version pairs). Used by ``archive.corpus.history.readable_diff`` (recrawl's
printed diff) and ``crawler/web/diffs.py`` (the reading room's).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

#: The work one budget holds, in SequenceMatcher inner-loop steps (~80 ns each): about 0.3 s at worst. One
#: ``readable_diff`` gets one; so does one article page of the reading room, for all its versions together.
DIFF_STEPS = 4_000_000


class OverBudget(Exception):
    """A comparison would cost more than the steps left."""


class Steps:
    """The steps left to some comparisons (one budget can span several: a page's version pairs)."""

    def __init__(self, steps: int = DIFF_STEPS) -> None:
        self.left = steps

    def charge(self, steps: int) -> None:
        """Take ``steps``; OverBudget when fewer are left."""
        self.left -= steps
        if self.left < 0:
            raise OverBudget


class _BoundedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher (autojunk off) that charges each longest-match pass before it runs.

    A pass over a[alo:ahi] and b[blo:bhi] visits, for each a[i], the positions of a[i] in b (difflib's b2j), so
    their count plus one per item bounds its work; get_matching_blocks makes one pass per block found. Hand-written
    because difflib has no limit of its own (its autojunk drops popular items, which changes the diff and still
    leaves it quadratic in the unpopular ones): a 10,000-word one-line edit took 28 s (stop 37's probe).
    """

    def __init__(self, a: list[str], b: list[str], steps: Steps) -> None:
        self._steps = steps
        steps.charge(len(a) + len(b))
        super().__init__(None, a, b, autojunk=False)
        if sum(len(self.b2j.get(x, ())) for x in a) > steps.left:  # the first pass alone: give up at once
            raise OverBudget

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        """difflib's search, charged first with what it will cost (the span and the matching positions)."""
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        b2j, a = self.b2j, self.a
        self._steps.charge(ahi - alo + bhi - blo + sum(len(b2j.get(a[i], ())) for i in range(alo, ahi)))
        return super().find_longest_match(alo, ahi, blo, bhi)


def common_ends(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """How many items ``a`` and ``b`` share at their start, and at their end after that (linear)."""
    head, limit = 0, min(len(a), len(b))
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def bounded_opcodes(a: list[str], b: list[str], steps: Steps) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes of ``a`` and ``b`` (autojunk off, as line_changes), the common head and tail set
    aside first; OverBudget when the comparison would take more than the steps left."""
    head, tail = common_ends(a, b)
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
