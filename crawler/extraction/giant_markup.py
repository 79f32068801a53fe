"""Giant comments and attribute values emptied, for a page that hit libxml2's 10,000,000-character limit.

libxml2 ends an HTML parse at a comment or an attribute value of 10 MB as it does at a text node (an inline
``data:`` image, a commented-out bundle), and the story after it was lost as ``no-text`` (a black-box audit, probe
36). crawler.extraction.layout.empty_giant_scripts calls ``empty_giant_markup`` after it has emptied the scripts
and styles, so a ``<!--`` inside a script is not read as a comment here. Each scan is linear: a regex run of
``[^"]`` stops at the next quote, the next candidate starts after it; a comment is closed by the first ``-->``.
"""

from __future__ import annotations

import re

GIANT_MARKUP_CHARS = 1_000_000  # the same bar as a giant script: no comment or attribute that long carries text

_GIANT_VALUE = re.compile(
    rf"""(=[\t\n\f\r ]*)(?:"[^"]{{{GIANT_MARKUP_CHARS},}}"|'[^']{{{GIANT_MARKUP_CHARS},}}'"""
    rf"""|[^\t\n\f\r "'<>=`]{{{GIANT_MARKUP_CHARS},}})""")


def empty_giant_comments(html: str) -> str:
    """``html`` with every comment of GIANT_MARKUP_CHARS or more emptied (``<!---->`` kept)."""
    out, pos, start = [], 0, html.find("<!--")
    while start != -1:
        end = html.find("-->", start + 4)
        if end == -1:
            break  # an unclosed comment runs to the end of the page: a later "<!--" is inside it
        if end - start - 4 >= GIANT_MARKUP_CHARS:
            out += [html[pos:start], "<!---->"]
            pos = end + 3
        start = html.find("<!--", end + 3)
    return "".join(out) + html[pos:] if out else html


def empty_giant_markup(html: str) -> str:
    """``html`` with its giant comments emptied, then its giant attribute values (quoted or not) set to ``""``."""
    return _GIANT_VALUE.sub(r'\1""', empty_giant_comments(html))
