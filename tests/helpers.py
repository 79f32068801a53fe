"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

import re
from collections import Counter


def token_f1(expected: str, got: str) -> float:
    """Bag-of-words F1 between two texts (``\\w+`` tokens, as the Zyte benchmark tokenises)."""
    a, b = Counter(re.findall(r"\w+", expected)), Counter(re.findall(r"\w+", got))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(b.values()), overlap / sum(a.values())
    return 2 * p * r / (p + r)
