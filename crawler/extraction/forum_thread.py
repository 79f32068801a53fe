"""A discussion forum's thread page: the story is the thread's first post, the rest of the page is answers and chrome.

Libyan news forums (vBulletin 3/4, phpBB 3, SMF, MyBB, XenForo boards) carried the day's news as threads: a member
posts the report, readers answer under it. Read as a page, a thread is the report, each answer, the quotes of the
report inside the answers, each poster's box (join date, post count), signatures and the "similar threads" table, all
in tables (tests/altsites14: every answer and the posting rules in the body; htmldate took an answer's date). Each
engine marks a post's message with its own id or class; the first one is the story. A page whose first post is not
post #1 (a thread's later page, or the page ``showthread.php?p=<pid>`` opens) holds answers only: no story.

A post's date is printed in its head in the board's numeric format, vBulletin's default month first ("05-08-2019,
02:30 PM" is 8 May), many Arabic boards day first: the page's other dates of the same shape settle which (a first
field over 12 is a day, a second over 12 is a day); where none does, the date is left to the page's other signals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree
from lxml.html import HtmlElement

# A post's message, per engine: vBulletin 3/4 (``post_message_<pid>``), phpBB 3 (``div.postbody > div.content``),
# SMF (``div.inner`` id ``msg_<n>``), MyBB (``div.post_body`` id ``pid_<n>``), XenForo 1/2 (``messageText``,
# ``bbWrapper``), vBulletin 5 (``js-post__content-text``).
MESSAGE_XPATHS = (
    "//*[starts-with(@id, 'post_message_')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' postbody ')]"
    "/div[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
    "//div[starts-with(@id, 'msg_') and contains(concat(' ', normalize-space(@class), ' '), ' inner ')]",
    "//div[starts-with(@id, 'pid_') and contains(concat(' ', normalize-space(@class), ' '), ' post_body ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' messageText ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' bbWrapper ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' js-post__content-text ')]",
)
# Every message XPath above needs an element whose id or class holds one of these, so one look at the attributes
# alone tells a page of no known engine (nearly every page) first: the seven XPaths test concat(normalize-space())
# on every element, 4.4 ms of a 1,000-element mirror page on a loaded VM, this one 0.8 (issue 10)
ANY_MESSAGE = etree.XPath(
    "//*/@id[starts-with(., 'post_message_') or starts-with(., 'msg_') or starts-with(., 'pid_')]"
    " | //*/@class[contains(., 'postbody') or contains(., 'messageText') or contains(., 'bbWrapper')"
    " or contains(., 'js-post__content-text')]"
)
# quotes of other posts inside a message: vBulletin 3's "اقتباس:" box (a div holding a label div and a table),
# vBulletin 4/5's bbcode_container, phpBB's and MyBB's blockquote, XenForo's bbCodeQuote
QUOTE_CLASSES = ("bbcode_container", "bbcode_quote", "quote", "bbCodeBlock", "bbCodeQuote", "quotecontent")
# vBulletin's post counter ``<a id="postcount<pid>" name="<n>">``: the post's number in its thread
POSTCOUNT_XPATH = "//a[starts-with(@id, 'postcount')]"
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d\d)(?!\d)(?:,?\s+(\d{1,2}):(\d\d)\s*(AM|PM|ص|م)?)?",
                          re.IGNORECASE)
_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "pre"}


@dataclass(frozen=True)
class ForumPost:
    """The first post of a thread page: its paragraphs and its printed date ("YYYY-MM-DD[THH:MM]" or "")."""

    paragraphs: tuple[str, ...]
    published: str
    answers_only: bool = False  # the page's first post is a later one: no story on it


def first_post(root: HtmlElement, fetched_at: datetime | None = None) -> ForumPost | None:
    """The thread's first post where ``root`` is a forum thread page of a known engine, else None."""
    if not ANY_MESSAGE(root):
        return None
    for xpath in MESSAGE_XPATHS:
        messages = root.xpath(xpath)
        if len(messages) >= 1 and _is_thread(root, messages):
            break
    else:
        return None
    counters = root.xpath(POSTCOUNT_XPATH)
    if counters and (counters[0].get("name") or counters[0].text_content()).strip() not in ("1", "#1"):
        return ForumPost((), "", answers_only=True)
    message = messages[0]
    return ForumPost(_paragraphs(message), _post_date(root, message, fetched_at))


def _is_thread(root: HtmlElement, messages: list[HtmlElement]) -> bool:
    # one message alone is a thread of one post, or a blog's "post" div: a counter or a second message says forum
    return len(messages) > 1 or bool(root.xpath(POSTCOUNT_XPATH))


def _paragraphs(message: HtmlElement) -> tuple[str, ...]:
    """The message's lines, quotes of other posts left out; a ``<br>`` or a block ends a line."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = re.sub(r"\s+", " ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(el: HtmlElement) -> None:
        if _is_quote(el):
            flush()
            return
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            flush()
        elif tag in ("script", "style"):
            pass
        else:
            if tag in _BLOCKS:
                flush()
            current.append(el.text or "")
            for child in el:
                walk(child)
                current.append(child.tail or "")
            if tag in _BLOCKS:
                flush()

    current.append(message.text or "")
    for child in message:
        walk(child)
        current.append(child.tail or "")
    flush()
    return tuple(lines)


def _is_quote(el: HtmlElement) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "blockquote":
        return True
    classes = set((el.get("class") or "").split())
    if classes & set(QUOTE_CLASSES):
        return True
    # vBulletin 3: <div><div class="smallfont">اقتباس:</div><table>...</table></div>
    kids = [c for c in el if isinstance(c.tag, str)]
    return (tag == "div" and len(kids) >= 2 and kids[0].tag == "div" and "smallfont" in (kids[0].get("class") or "")
            and kids[1].tag == "table")


def _post_date(root: HtmlElement, message: HtmlElement, fetched_at: datetime | None) -> str:
    """The date in the first post's head: the nearest text before the message, inside its post block, with a date."""
    found = None
    for ancestor in message.iterancestors():
        found = NUMERIC_DATE.search(_text_before(ancestor, message))
        if found or ancestor.tag in ("body", "article", "li"):
            break
    if not found:
        return ""
    day_first = _day_first(root)
    if day_first is None:
        return ""
    a, b, year = int(found[1]), int(found[2]), int(found[3])
    day, month = (a, b) if day_first else (b, a)
    try:
        when = date(year, month, day)
    except ValueError:
        return ""
    if fetched_at is not None and when > fetched_at.date():
        return ""
    if found[4] is None:
        return when.isoformat()
    hour, minute, half = int(found[4]), int(found[5]), (found[6] or "").upper()
    if half in ("PM", "م") and hour < 12:
        hour += 12
    elif half in ("AM", "ص") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return when.isoformat()
    return f"{when.isoformat()}T{hour:02d}:{minute:02d}"


def _day_first(root: HtmlElement) -> bool | None:
    """Whether the page's numeric dates put the day first (True), the month first (False), or cannot tell (None)."""
    text = " ".join(root.itertext())  # cells apart: "<td>1</td><td>05-21-2019" is no "105-21-2019"
    day_first = month_first = False
    for found in NUMERIC_DATE.finditer(text):
        a, b = int(found[1]), int(found[2])
        day_first |= 12 < a <= 31 and 1 <= b <= 12
        month_first |= 12 < b <= 31 and 1 <= a <= 12
    return None if day_first == month_first else day_first


class _Reached(Exception):
    """The walk of _text_before reached its target."""


def _text_before(block: HtmlElement, target: HtmlElement) -> str:
    """The text of ``block`` in document order up to ``target``."""
    out: list[str] = []

    def walk(el: HtmlElement) -> None:
        if el is target:
            raise _Reached
        out.append(el.text if isinstance(el.tag, str) and el.text else "")
        for child in el:
            walk(child)
            out.append(child.tail or "")
        out.append(" ")

    try:
        walk(block)
    except _Reached:
        pass
    return "".join(out)
