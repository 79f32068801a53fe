"""Numbers for the items of an ordered list in a reading's plain text, as the page prints them.

trafilatura's plain text marks every list item "- ", an ``<ol>``'s too: its markdown output numbers them ("1. ",
trafilatura/xml.py ``_list_marker``) but its text output does not, so a numbered list in a story ("the agreement's
six points", steps, a ranking) lost the numbers its sentences refer to ("the third point", a black-box probe, stop 37).
Where a reading holds an ``<ol>``, its text is written again from trafilatura's own output tree with each item
marked as trafilatura's markdown marks it, "N. ", the number the page prints: the list's ``start``, ``reversed`` and
``type`` (1, a, A, i, I), an item's ``value``, an inline ``list-style-type`` (none: no number, as today;
arabic-indic: Arabic-Indic digits, the only way a page prints them). trafilatura keeps none of those attributes (its
``convert_lists`` sets ``rend`` alone), so an output list's items are matched by their text to the page's ``<li>``s;
an item not found is numbered on from the one before it. Unordered lists keep their "- ". Only readings whose output
tree holds such an ordered list are written again (trafilatura's ``xmltotxt`` of that small tree; the page is looked
at only for its ``<ol>``s then).

Lists in Arabic script only (most of their letters Arabic), as chrome_lines cuts date stamps: the gold of the English
benchmark sets is the text content, which holds no list markers (trafilatura writes none in plain text for that
reason), and numbering every list cost Zyte's set 3 exact pages of 181 (a recipe's steps, a "10 things" digest, a
sub-list a./b.: accuracy 0.420 -> 0.403) and Dragnet's tune half 0.001 F1. An English list is left as those readers
judged it.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import TYPE_CHECKING

from lxml.html import HtmlElement

if TYPE_CHECKING:
    from lxml.etree import _Element
    from trafilatura.settings import Document

# A mark put before each ordered item's own text, then taken off with the "- " trafilatura writes before it: two
# printable characters (its sanitiser drops non-printable ones) no page puts right after a list item's dash.
MARK = "\u2042\u2042"
_DASH_MARK = re.compile(rf"(?m)^([ \t]*)- {MARK}")
KEY_CHARS = 60  # an item is matched to the page's <li> by the first characters of its text
_STYLE_TYPE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.IGNORECASE)
_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"),
          (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_LETTER = re.compile(r"[^\W\d_]")


def reading_text(document: Document, tree: HtmlElement) -> str:
    """The plain text of trafilatura's ``document`` (read from ``tree``), its ordered lists' items numbered."""
    text = document.text or ""
    body = document.body
    if body is None or not any(_numbered(output) for output in body.iter("list")):
        return text
    from trafilatura.xml import xmltotxt  # imported in the worker process only

    body = deepcopy(body)  # the document's own tree is left as trafilatura made it
    numbers = _page_numbers(tree)
    marked = sum(_mark_items(output, numbers) for output in body.iter("list") if _numbered(output))
    if not marked:
        return text
    return _DASH_MARK.sub(r"\1", xmltotxt(body, False)).replace(MARK, "")


def _numbered(output: _Element) -> bool:
    """Whether the output list ``output`` is one whose items get numbers: an ordered list in Arabic script (see the
    module docstring), outside table cells (whose items trafilatura writes without a marker)."""
    return output.get("rend") == "ol" and not any(a.tag == "cell" for a in output.iterancestors()) and _arabic(
        "".join(output.itertext()))


def _key(text: str) -> str:
    """The comparison key of an item's text: its first KEY_CHARS characters, whitespace collapsed."""
    return " ".join(text.split())[:KEY_CHARS]


def _page_numbers(tree: HtmlElement) -> dict[str, list[str | None]]:
    """For each item text of the page's ``<ol>``s, the markers the page prints for it (None: no marker), in order."""
    found: dict[str, list[str | None]] = {}
    for ol in tree.iter("ol"):
        style = _style(ol)
        items = [li for li in ol if li.tag == "li"]
        step = -1 if ol.get("reversed") is not None else 1
        number = _int(ol.get("start"))
        if number is None:
            number = len(items) if step < 0 else 1
        for li in items:
            value = _int(li.get("value"))
            if value is not None:
                number = value
            key = _key(li.text_content())
            if key:
                found.setdefault(key, []).append(_marker(number, _style(li) or style))
            number += step
    return found


def _style(element: HtmlElement) -> str:
    """The list-style type ``element`` sets (its inline style, else its ``type`` attribute); "" when none."""
    m = _STYLE_TYPE.search(element.get("style") or "")
    if m is not None:
        return m.group(1).lower()
    return _TYPES.get((element.get("type") or "").strip(), "")


def _int(value: str | None) -> int | None:
    """``value`` as a whole number, None when it is none."""
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _marker(number: int, style: str) -> str | None:
    """The marker "N. " of item ``number`` in list-style ``style``; None where the page prints no number."""
    if style in ("none", "disc", "circle", "square"):
        return None
    if style in ("lower-alpha", "upper-alpha", "lower-latin", "upper-latin") and 1 <= number <= 26:
        label = chr(ord("a") + number - 1)
        return f"{label.upper() if style.startswith('upper') else label}. "
    if style in ("lower-roman", "upper-roman") and 1 <= number < 4000:
        label = _roman(number)
        return f"{label.upper() if style == 'upper-roman' else label}. "
    if style == "arabic-indic":
        return f"{str(number).translate(_ARABIC_INDIC)}. "
    return f"{number}. "


def _roman(number: int) -> str:
    """``number`` in lower-case Roman numerals."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _mark_items(output: _Element, numbers: dict[str, list[str | None]]) -> int:
    """Put the page's marker before the text of each item of the output list ``output``; how many were marked.

    An item with no text of its own before a sublist gets none, as trafilatura writes none (``_item_needs_marker``)."""
    marked = 0
    previous: int | None = 0
    for item in output:
        if item.tag != "item":
            continue
        queue = numbers.get(_key("".join(item.itertext())))
        marker = queue.pop(0) if queue else (f"{previous + 1}. " if previous is not None else None)
        previous = _number_of(marker)
        if marker is None or not _has_own_text(item):
            continue
        item.text = f"{MARK}{marker}{item.text or ''}"
        marked += 1
    return marked


def _arabic(text: str) -> bool:
    """Whether most of the letters of ``text`` are Arabic (see the module docstring)."""
    return 2 * len(_ARABIC_LETTER.findall(text)) > len(_LETTER.findall(text))


def _number_of(marker: str | None) -> int | None:
    """The decimal number of ``marker`` ("3. " is 3); None for another kind, where the next unmatched item gets none."""
    head = (marker or "").split(".", 1)[0]
    return int(head) if head.isdigit() and head.isascii() else None


def _has_own_text(item: _Element) -> bool:
    """Whether ``item`` renders text of its own before any sublist (so trafilatura writes its "- ")."""
    if (item.text or "").strip():
        return True
    for child in item:
        if child.tag == "list":
            return False
        if "".join(child.itertext()).strip() or (child.tail or "").strip():
            return True
    return False
