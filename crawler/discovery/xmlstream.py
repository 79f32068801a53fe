"""A large XML document read as a stream of parser events, without building its tree (no scrapy imports).

A sitemap was parsed whole (``lxml.etree.fromstring``) before ``CRAWL_SITEMAP_MAX_URLS`` applied: a 32 MB one took
about 320 MB and 4 s, the tree of every ``<url>`` held at once (Scrapy's own ``Sitemap`` class parses whole too).
lxml's incremental parsers (``iterparse``, ``XMLPullParser``) free a tree as it is read, but they drive libxml2's
push parser, whose recovery is weaker: with ``recover=True`` it stops for good at a stray ``<`` (``<title>a < b``,
"StartTag: invalid element name") where the whole-document parser skips it and reads on: every ``<url>`` after
it would be lost. lxml's parser-target interface (``XMLParser(target=...)``, "The target parser interface" in lxml's
parsing documentation) keeps the whole-document parser and its recovery, and hands each start tag, text and end tag
to Python instead of building nodes: memory holds the body and the open elements, whatever the document's size.

libxml2 hands a target the text of an entity the document's own DTD declares, where the tree left the reference
unexpanded: the DTD is blanked before the parse (``_without_dtd``), so no entity is ever expanded or loaded
(billion laughs, XXE), as before. Where a broken document reads otherwise than its tree did: an undeclared entity
(``&nbsp;``, and now a declared one) is dropped with the text around it kept, where the tree kept the text before it
only; an element whose prefix is never declared (``news:title`` with no
``xmlns:news``) is named by its local name, where the tree kept "news:title" (and the title was lost); and a start
tag broken inside (``<loc&>``) may recover into other elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import lxml.etree


def local_name(tag: object) -> str:
    """An element's tag without its namespace, lower-cased; "" for a comment, a PI or an entity."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


@dataclass
class Reading:
    """What a streamed document said about itself: its root's local name, and whether it parsed with no error
    recovered from (a document cut part-way recovers as well-formed: only the error log tells)."""

    root: str | None = None
    clean: bool = False
    error: str = ""  # the first error libxml2 recovered from ("line 3: Excessive depth in document: 256 ..."), if any


def read_children(body: bytes, reading: Reading, on_child: Callable[[str, dict[str, str]], None], *,
                  direct: frozenset[str], anywhere: frozenset[str]) -> None:
    """Call ``on_child`` with each child element of the document's root once it has ended: its local name and
    {name: text}, the text of its first direct child named in ``direct`` and of its first descendant named in
    ``anywhere`` (first in document order, as ``element.iter()`` finds it), for those whose text is not blank
    (stripped; an element's text as the tree has it: up to its first child, comment or PI). ``reading`` is filled
    in as the document is read (its root is known before the first call). Read leniently, as the whole tree was
    (``recover=True``: a stray ``&`` or ``<``, a document cut short still give what they have).
    """
    target = _Target(reading, on_child, direct, anywhere)
    parser = lxml.etree.XMLParser(target=target, recover=True, resolve_entities=False, no_network=True,
                                  huge_tree=False)
    reading.clean = False
    try:
        lxml.etree.fromstring(_without_dtd(document_start(body)), parser=parser)
    except lxml.etree.XMLSyntaxError:  # nothing recoverable (no element at all): what was read stands
        return
    errors = [e for e in parser.error_log if e.level >= lxml.etree.ErrorLevels.ERROR]
    reading.clean = reading.root is not None and not errors
    reading.error = f"line {errors[0].line}: {errors[0].message.strip()}"[:300] if errors else ""


_DOCTYPE, _ELEMENT = re.compile(rb"<!DOCTYPE", re.IGNORECASE), re.compile(rb"<[A-Za-z_:]")
UTF8_BOM = b"\xef\xbb\xbf"
_LEAD = re.compile(rb"(?:\xef\xbb\xbf|[ \t\r\n])+")  # XML's white space (XML 1.0 production 3) and UTF-8 marks


def document_start(body: bytes) -> bytes:
    """``body`` from its first byte that is neither white space nor a UTF-8 byte order mark, behind one mark where it
    had any. An XML declaration after anything is an error ("XML declaration allowed only at the start"): a
    WordPress sitemap that starts with a mark and a newline (a plugin file saved with a BOM) was read whole but taken
    as broken, so never remembered as read, and fetched again by every crawl. The mark is kept in front, where
    libxml2 reads it as the document's encoding, as it would have."""
    lead = _LEAD.match(body)
    if lead is None:
        return body
    return (UTF8_BOM if UTF8_BOM in lead.group() else b"") + body[lead.end():]
# Tags whose local names are remembered: a document uses a few dozen, again and again; one of millions of distinct
# tags (``<t1/><t2/>...``, 2.5 million in 26 MB) grew the cache, and the reading, by 161 MB (hostile web, round five).
NAMES_CACHED = 1000


def _without_dtd(body: bytes) -> bytes:
    """``body`` with its document type declaration, the one place entities are declared, made white space (from
    ``<!DOCTYPE`` up to the next element's start): a target would be handed their text. A sitemap has no use for one."""
    first = _ELEMENT.search(body)
    doctype = _DOCTYPE.search(body, 0, first.start() if first else len(body))
    if doctype is None:
        return body
    end = _ELEMENT.search(body, doctype.end())
    stop = end.start() if end else len(body)
    return body[: doctype.start()] + b" " * (stop - doctype.start()) + body[stop:]


@dataclass(slots=True)
class _Open:
    """An element whose end has not come: its document-order place, and its text (None when it is not wanted), read
    until a child, comment or PI ends it (``reading``)."""

    tag: str  # as the parser gives it, with its namespace
    name: str  # its local name
    place: int
    text: list[str] | None = None
    reading: bool = True


class StackTarget:
    """What the stream readers' lxml parser targets share (sitemaps here, feeds in ``crawler.discovery.feedstream``):
    a stack of open elements (``open``, innermost last; each with ``tag``, ``reading`` and ``text``, a list of pieces
    or None when its text is not wanted), text, comments and processing instructions read as the tree reads them, and
    the recovery of an outer element ended while inner ones are open. A subclass says what an ended element (``_ended``)
    and a finished text (``_text_ends``) mean."""

    open: list

    def data(self, text: str) -> None:
        """Text (CDATA too), in one or more pieces."""
        if self.open and self.open[-1].reading and self.open[-1].text is not None:
            self.open[-1].text.append(text)

    def comment(self, text: str) -> None:
        """A comment is a child node: it ends its parent's text, as in the tree."""
        self._text_ends()

    def pi(self, target: str, data: str | None = None) -> None:
        """A processing instruction: as a comment."""
        self._text_ends()

    def end(self, tag: str) -> None:
        """An element ends. Recovering from a broken tag, libxml2 may end an outer element while inner ones are open
        (``<lo/loc>`` never ends): they end too."""
        self._text_ends()
        if self.open and self.open[-1].tag != tag and any(element.tag == tag for element in self.open):
            while self.open[-1].tag != tag:
                self._ended(self.open.pop())
        if self.open:
            self._ended(self.open.pop())

    names: dict[str, str]  # tag -> local name (``_name``)

    def _name(self, tag: str) -> str:
        """The tag's local name, cached: the same few tags come again and again (at most NAMES_CACHED kept)."""
        name = self.names.get(tag)
        if name is None:
            name = local_name(tag)
            if len(self.names) < NAMES_CACHED:
                self.names[tag] = name
        return name

    def _ended(self, element) -> None:
        raise NotImplementedError

    def _text_ends(self) -> None:
        raise NotImplementedError


class _Target(StackTarget):
    """The lxml parser target of ``read_children``: a stack of open elements, no tree. An ended element's text is noted
    when wanted; a child of the root is handed over."""

    def __init__(self, reading: Reading, on_child: Callable[[str, dict[str, str]], None], direct: frozenset[str],
                 anywhere: frozenset[str]):
        self.reading, self.on_child, self.direct, self.anywhere = reading, on_child, direct, anywhere
        self.open: list[_Open] = []
        self.seen = 0
        self.found: dict[str, tuple[int, str]] = {}  # the current child's wanted texts: name -> (place, text)
        self.names: dict[str, str] = {}

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        """An element starts: its parent's text ends."""
        self._text_ends()
        name = self._name(tag)
        depth = len(self.open) + 1
        self.seen += 1
        if depth == 1:
            self.reading.root = name
        elif depth == 2:
            self.found = {}
        wanted = depth >= 3 and (name in self.anywhere or (depth == 3 and name in self.direct))
        self.open.append(_Open(tag, name, self.seen, [] if wanted else None))

    def _ended(self, element: _Open) -> None:
        depth = len(self.open) + 1  # the root is at depth 1
        if depth >= 3 and element.text:
            text = "".join(element.text).strip()
            held = self.found.get(element.name)
            # ends come innermost first: the first in document order is the one that started first
            if text and (held is None or element.place < held[0]):
                self.found[element.name] = (element.place, text)
        elif depth == 2:
            self.on_child(element.name, {name: text for name, (_, text) in self.found.items()})

    def close(self) -> None:
        """The end of the document (lxml's target protocol): the elements a document cut short left open end here,
        as the tree holds them, so the ``<url>`` it was cut in still counts."""
        while self.open:
            self._ended(self.open.pop())

    def _text_ends(self) -> None:
        """The innermost open element's text, if it was being read, is complete: keep it, read no more."""
        if self.open:
            self.open[-1].reading = False
