"""The entries of an RSS or Atom feed read as a stream of parser events, without building its tree (no scrapy imports).

A feed was parsed whole (``lxml.etree.fromstring``) before its entries were capped: a 30 MB feed held the tree of
every item at once, as sitemaps did before hostile web round four. The same remedy as theirs
(``crawler.discovery.xmlstream``): lxml's parser-target interface keeps the whole-document parser and its recovery of
broken XML (a stray ``<`` or ``&``, a feed cut short, tags left open) and hands each start tag, text and end tag to
Python; memory holds the open elements and the entry being read, whatever the feed's size. The DTD is blanked first
(``xmlstream._without_dtd``), so no entity is expanded or loaded.

Each entry gives what the tree reading took from it (``parsers.parse_feed`` at de8fa68): an RSS ``<item>`` (2.0 and
1.0) or Atom ``<entry>`` at any depth; the first descendant with text of each name in TEXT_FIELDS (an element's text
as the tree has it: up to its first child, comment or PI); its first direct ``<guid>`` (no namespace) and that one's
``isPermaLink``; its direct Atom ``<link href>`` children; ``rdf:about``; and the ``xml:base`` values in force at each
(resolved by the caller). Where it reads otherwise than the tree: an entity (``&nbsp;``) and an undeclared prefix
as in ``xmlstream``; an item nested in another (``<item>`` left open) is handed over when it ends, inner first (the
caller orders entries by where they start).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.etree

from crawler.discovery.xmlstream import StackTarget, _without_dtd, document_start

ENTRY_TAGS = frozenset({"item", "entry"})
TEXT_FIELDS = frozenset({"link", "title", "pubdate", "date", "published", "updated", "modified", "lastmod"})
RSS_DATES, ATOM_DATES = ("pubdate", "date", "published", "updated"), ("published", "updated")
ATOM_SIDE_LINKS = frozenset({"enclosure", "related", "replies", "edit", "via"})  # rels that are not the article
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _attribute(attrib: dict[str, str], name: str, default: str | None = None) -> str | None:
    """An attribute's value as the tree has it. Without entity substitution (``resolve_entities=False``) libxml2
    hands a parser target each ``&`` of an attribute value as ``&#38;`` (so that it stays apart from an entity
    reference): ``href="/a?x=1&amp;y=2"`` arrives as ``/a?x=1&#38;y=2``. A literal "&#38;" arrives as "&#38;#38;",
    so one replacement gives the value back exactly."""
    value = attrib.get(name)
    return default if value is None else value.replace("&#38;", "&")

Bases = tuple[str, ...]  # the xml:base values in force at an element, outermost first


@dataclass(slots=True)
class FeedEntry:
    """One ``<item>`` or ``<entry>``: where it starts (document order), and what the reading of its link, title and
    date needs."""

    kind: str  # "item" or "entry"
    place: int
    bases: Bases
    about: str | None = None  # rdf:about (RSS 1.0)
    texts: dict[str, tuple[int, str, Bases]] = field(default_factory=dict)  # name -> first (place, text, bases)
    guid: tuple[str, str | None, Bases] | None = None  # (isPermaLink, text as the tree has it, bases)
    alternate: tuple[str, Bases] | None = None  # the first direct <link rel="alternate" href> (Atom)
    other: tuple[str, Bases] | None = None  # the first direct <link href> whose rel is no side resource

    def text(self, *names: str) -> str | None:
        """The text of the first descendant (document order) named one of ``names`` that has text."""
        found = [self.texts[name] for name in names if name in self.texts]
        return min(found)[1] if found else None

    def date(self) -> str | None:
        """The entry's date: an item's first pubDate/dc:date/published/updated, an entry's published/updated."""
        return self.text(*(RSS_DATES if self.kind == "item" else ATOM_DATES))

    def modified(self) -> str | None:
        """When the entry says its page last changed: Atom's ``<updated>`` (also in an RSS item), ``dcterms:modified``
        or a ``<lastmod>``; None when it says nothing of it."""
        return self.text("updated", "modified", "lastmod")

    def href(self) -> tuple[str, Bases]:
        """The entry's link as written, and the bases in force where it is written ("" when it has none)."""
        if self.kind == "entry":  # rel="alternate" (the default) is the article, else a link no side resource
            found = self.alternate or self.other
            return found if found is not None else ("", self.bases)
        if "link" in self.texts:
            _, text, bases = self.texts["link"]
            return text, bases
        if self.about:
            return self.about, self.bases
        if self.guid is not None and self.guid[0] != "false" and self.guid[1]:
            return self.guid[1].strip(), self.guid[2]
        return "", self.bases


def read_entries(body: bytes, on_entry: Callable[[FeedEntry], None]) -> None:
    """Call ``on_entry`` with each ``<item>`` and ``<entry>`` of a feed once it has ended (or the document has), read
    leniently as the whole tree was (``recover=True``: what a broken or cut feed has is still given)."""
    parser = lxml.etree.XMLParser(target=_FeedTarget(on_entry), recover=True, resolve_entities=False,
                                  no_network=True, huge_tree=False)
    try:
        lxml.etree.fromstring(_without_dtd(document_start(body)), parser=parser)
    except lxml.etree.XMLSyntaxError:  # nothing recoverable (no element at all): what was read stands
        return


@dataclass(slots=True)
class _Open:
    """An open element: its tag, local name, place and bases; its text while wanted (None when not), read until a
    child, comment or PI ends it; the entry it is (if one) and the entry whose ``<guid>`` it is (if one)."""

    tag: str
    name: str
    place: int
    bases: Bases
    text: list[str] | None = None
    reading: bool = True
    entry: FeedEntry | None = None
    guid_of: FeedEntry | None = None


class _FeedTarget(StackTarget):
    """The lxml parser target of ``read_entries``: a stack of open elements and of open entries, no tree; an ended
    entry is handed over."""

    def __init__(self, on_entry: Callable[[FeedEntry], None]):
        self.on_entry = on_entry
        self.open: list[_Open] = []
        self.entries: list[FeedEntry] = []  # the open entries, outermost first: every one an ancestor of what is read
        self.seen = 0
        self.names: dict[str, str] = {}

    def start(self, tag: str, attrib: dict[str, str], nsmap: object = None) -> None:
        """An element starts: its parent's text ends."""
        self._text_ends()
        name = self._name(tag)
        self.seen += 1
        parent = self.open[-1] if self.open else None
        bases = parent.bases if parent is not None else ()
        if (value := _attribute(attrib, XML_BASE)) is not None:
            bases = (*bases, value.strip())
        owner = parent.entry if parent is not None else None  # the entry this element is a direct child of
        guid_of = owner if owner is not None and tag == "guid" and owner.guid is None else None
        if guid_of is not None:  # the tree's ``item.find("guid")``: the first, text or not
            guid_of.guid = (_attribute(attrib, "isPermaLink", "true") or "", None, bases)
        if owner is not None and name == "link" and (href := _attribute(attrib, "href")):
            rel = _attribute(attrib, "rel", "alternate")
            if owner.alternate is None and rel == "alternate":
                owner.alternate = (href, bases)
            if owner.other is None and rel not in ATOM_SIDE_LINKS:
                owner.other = (href, bases)
        wanted = guid_of is not None or (bool(self.entries) and name in TEXT_FIELDS)
        entry = None
        if name in ENTRY_TAGS:
            entry = FeedEntry(name, self.seen, bases, about=_attribute(attrib, RDF_ABOUT))
            self.entries.append(entry)
        self.open.append(_Open(tag, name, self.seen, bases, [] if wanted else None, entry=entry, guid_of=guid_of))

    def close(self) -> None:
        """The end of the document: what a feed cut short left open ends here, as the tree holds it."""
        self._text_ends()
        while self.open:
            self._ended(self.open.pop())

    def _ended(self, element: _Open) -> None:
        if element.entry is not None:
            self.entries.remove(element.entry)  # the innermost, but for a recovery's odd nesting
            self.on_entry(element.entry)

    def _text_ends(self) -> None:
        """The innermost open element's text is complete: offered to every open entry (each an ancestor), once."""
        if not self.open or not self.open[-1].reading:
            return
        element = self.open[-1]
        element.reading = False
        if element.text is None:
            return
        joined = "".join(element.text) if element.text else None  # the tree's .text: None when there is none
        element.text = None
        if element.guid_of is not None and element.guid_of.guid is not None:
            permalink, _, bases = element.guid_of.guid
            element.guid_of.guid = (permalink, joined, bases)
        stripped = (joined or "").strip()
        if stripped and element.name in TEXT_FIELDS:
            for entry in self.entries:
                if element.name not in entry.texts:  # texts end in document order: the first stays
                    entry.texts[element.name] = (element.place, stripped, element.bases)
