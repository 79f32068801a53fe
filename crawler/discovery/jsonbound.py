"""How many arrays and objects a JSON document holds, told before it is loaded (hostile web, round thirteen).

``json.loads`` makes a Python list or dict of every ``[]`` and ``{}`` it reads: 56-64 bytes of memory for two or
three bytes of text. A JSON Feed of 32 MiB of empty arrays took 770 MB and 5 s of the crawl's reactor to load, for
one item beside them. The standard library has no bound on it and no streaming JSON parser is a dependency, so the
brackets are counted first: ``bytes.count`` where that is under the bound (every real feed), else once more with the
strings taken out (a ``[`` inside a title is text), both in C.
"""

from __future__ import annotations

import json
import re

# A feed's items are held up to SITEMAP_MAX_LINKS (50,000), each with a few arrays and objects (authors, tags,
# attachments): twenty each is read. Loaded, a million empty ones take about 60 MB.
JSON_MAX_CONTAINERS = 1_000_000
# One JSON block of a page (JSON-LD, a framework's state): the most in the 3,140 pages of ../shared/corpora is 3,967.
# The extraction loads and walks a JSON-LD block five times: 8 MB of [] held a worker 22 s (a 32 MiB one past
# EXTRACT_TIMEOUT) and raised it by 200 MB.
JSON_BLOCK_MAX_CONTAINERS = 100_000
# a JSON string, escapes and all; one left open runs to the end of the text (possessive, so that a run of \" with no
# closing quote is read once, not once from every quote in it)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\Z)', re.DOTALL)
_TEXT_STRING = re.compile(_STRING.pattern.decode(), re.DOTALL)


def json_containers(text: bytes | str, limit: int = JSON_MAX_CONTAINERS) -> int:
    """The number of ``[`` and ``{`` of ``text`` outside its strings when the bracket count is over ``limit``, else
    that count (which can only be higher)."""
    if isinstance(text, str):
        rough = text.count("[") + text.count("{")
        return rough if rough <= limit else _bare(_TEXT_STRING.sub("", text))
    rough = text.count(b"[") + text.count(b"{")
    return rough if rough <= limit else _bare(_STRING.sub(b"", text).decode("latin-1"))


def _bare(text: str) -> int:
    return text.count("[") + text.count("{")


def too_many_containers(text: bytes | str, limit: int = JSON_MAX_CONTAINERS) -> str | None:
    """Why ``text`` is not loaded (the detail of a ``too-many-elements`` failure), or None when it may be."""
    count = json_containers(text, limit)
    if count <= limit:
        return None
    return (f"a JSON document of {count:,} arrays and objects (more than {limit:,}: loaded, each takes some 60 bytes "
            "of memory); not read")


# Python refuses to read an integer of more than 4,300 digits (sys.get_int_max_str_digits, CVE-2020-10735: int() is
# quadratic in them), and json.loads raises ValueError for the whole document: one such number anywhere (an "id", a
# "wordCount") lost a JSON Feed's every item, or an article's JSON-LD byline (hostile web, round fourteen).
INT_MAX_DIGITS = 4000


def json_int(digits: str) -> int | float:
    """A JSON integer: an int, or past INT_MAX_DIGITS a float (``inf``), as a browser's ``JSON.parse`` reads every
    number as a double."""
    return int(digits) if len(digits) <= INT_MAX_DIGITS else float(digits)


def loads(text: bytes | str, **options: object) -> object:
    """``json.loads(text, **options)`` with integers read by ``json_int``."""
    return json.loads(text, parse_int=json_int, **options)  # type: ignore[arg-type]


def bounded_loads(text: str, limit: int = JSON_BLOCK_MAX_CONTAINERS, **options: object) -> object:
    """``loads(text, **options)``, or ValueError (as for text that is no JSON) when ``text`` holds more than
    ``limit`` arrays and objects."""
    if why := too_many_containers(text, limit):
        raise ValueError(why)
    return loads(text, **options)
