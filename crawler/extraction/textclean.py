"""Characters no stored text should hold, and character references no XML tree can hold (hostile web, round six).

Two steps, each in one place: ``markup_for_parsing`` rewrites the page's markup before it is parsed, and
``clean_article`` cleans every string of an ExtractedArticle as it is built (crawler.extraction.article), so that
title, author, text, URLs and JSON-LD values reach the catalogue and the text files in one shape whatever path
through the extraction gave them.

Hand-written: neither lxml nor trafilatura offers them. lxml keeps the C1 controls a UTF-8 page holds and refuses a
whole document that references one character XML cannot hold; json.loads gives lone surrogates for ``"\\udc00"``,
which SQLite and UTF-8 files then refuse.
"""

from __future__ import annotations

import dataclasses
import re

from archive.records import ExtractedArticle

# lone surrogates, C0 controls but for tab/LF/CR, DEL and the C1 controls: what clean_text changes
_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates as U+FFFD, a form feed (HTML white space) as a space, and every other control
    character (C0 but tab, LF and CR; DEL; C1 U+0080-U+009F) removed. A clean string is returned as it is after one
    regular-expression search."""
    if _UNCLEAN.search(text) is None:
        return text
    return _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text).replace("\x0c", " "))


def clean_article(article: ExtractedArticle) -> ExtractedArticle:
    """``article`` with every string field (and each paragraph) through ``clean_text``; a paragraph left empty is
    dropped."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                changes[field.name] = cleaned
    paragraphs = tuple(p for p in map(clean_text, article.paragraphs) if p.strip())
    if paragraphs != article.paragraphs:
        changes["paragraphs"] = paragraphs
    return dataclasses.replace(article, **changes) if changes else article


# A numeric character reference (HTML: "&#" digits, ";" optional). The digits run unbounded but the pattern has
# no nested repetition, so a page is read once (linear); a reference of more digits than any code point is simply
# out of range.
_NUMERIC_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_FFFD = frozenset({0, *range(0xD800, 0xE000)})
_KEPT_CONTROLS = frozenset({0x09, 0x0A, 0x0D})


def _xml_safe(match: re.Match[str]) -> str:
    """One numeric reference as the HTML standard reads it where XML cannot hold its character, else as written."""
    hexa, decimal = match.groups()
    digits = (hexa or decimal).lstrip("0")
    if len(digits) > 8:  # past U+10FFFF in either base
        return "\ufffd"
    code = int(digits or "0", 16 if hexa else 10)
    if code > 0x10FFFF or code in _FFFD:
        return "\ufffd"
    if code == 0x0C:
        return " "  # a form feed is white space in HTML
    if code < 0x20 and code not in _KEPT_CONTROLS:
        return ""  # a C0 control: a parse error with nothing to show
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return ""  # a noncharacter
    return match.group(0)  # lxml reads it (C1 references through windows-1252, as the standard does)


def xml_safe_references(html: str) -> str:
    """``html`` with each numeric character reference to a character XML cannot hold (C0 controls but tab, LF and
    CR; noncharacters; surrogates; past U+10FFFF; zero) rewritten as the HTML standard reads it: U+FFFD for zero,
    surrogates and out of range, a space for a form feed, nothing for the others. libxml2 refuses the whole
    document otherwise ("All strings must be XML compatible"), and the article was lost."""
    if "&#" not in html:
        return html
    return _NUMERIC_REF.sub(_xml_safe, html)


def markup_for_parsing(html: str) -> str:
    """``html`` as the parser should have it: each form feed a space (HTML white space; trafilatura's repair removes
    it with the characters XML cannot hold, and two words were glued), each numeric reference XML cannot hold
    rewritten (``xml_safe_references``)."""
    if "\x0c" in html:
        html = html.replace("\x0c", " ")
    return xml_safe_references(html)
