"""Readable HTML diffs between two versions of an article: changed lines, and inside them changed words."""

from __future__ import annotations

import difflib
import logging
import re
from html import escape

logger = logging.getLogger(__name__)

_WORD_SPLIT = re.compile(r"(\s+)")


def word_diff_html(old: str, new: str) -> str:
    """One line's change as HTML: removed words in ``<del>``, added words in ``<ins>``, the rest as is."""
    a, b = _WORD_SPLIT.split(old), _WORD_SPLIT.split(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


def _lines(title: str, text: str) -> list[str]:
    return [" ".join(title.split())] + [" ".join(p.split()) for p in text.splitlines() if p.strip()]


def diff_rows(old_title: str, old_text: str, new_title: str, new_text: str) -> list[tuple[str, str]]:
    """The changed lines of two versions (title first) as ``(kind, html)``: kind is "changed", "added" or "removed".

    Unchanged lines are left out; a line replaced by one line is shown word by word.
    """
    a, b = _lines(old_title, old_text), _lines(new_title, new_text)
    rows: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            rows.extend(("changed", word_diff_html(x, y)) for x, y in zip(a[i1:i2], b[j1:j2]))
            continue
        rows.extend(("removed", f"<del>{escape(x)}</del>") for x in a[i1:i2])
        rows.extend(("added", f"<ins>{escape(y)}</ins>") for y in b[j1:j2])
    return rows
