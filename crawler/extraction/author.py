"""Find an article's author: JSON-LD, then <meta>, then trafilatura's search of the page's bylines, read in place."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.discovery.jsonbound import JSON_BLOCK_MAX_CONTAINERS, too_many_containers
from crawler.extraction.arabic_dates import MONTHS
from crawler.extraction.page_index import elements
from crawler.extraction.printed_byline import printed_byline
from crawler.extraction.titles import clean_space, json_ld_article, meta_content

logger = logging.getLogger(__name__)

JUNK_AUTHOR_RE = re.compile(r"https?:|www\.|\.(?:png|jpe?g|gif|svg|webp)\b|\blogo\b", re.IGNORECASE)
# Every attribute value that one of trafilatura's AUTHOR_XPATHS (trafilatura/xpaths.py) tests holds one of these: an
# element without any such attribute value (or an <author> element) cannot be a byline candidate. Searched in Python:
# the same test as an XPath of contains() calls cost four times as much (3.5 against 0.8 ms a page on Zyte's pages).
CANDIDATE_RE = re.compile("uthor|yline|byl|BBL|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
                          "journalist-name|screenname|writer")
MAX_CANDIDATE_ELEMENTS = 1500  # candidates' subtrees bigger than this in all: trafilatura's own copy-and-prune search


def find_author(root: HtmlElement, fallback: Callable[[], str | None]) -> str | None:
    """The author from JSON-LD or meta, else ``fallback()`` (trafilatura's); the outlet's own name only as a last resort.

    Many outlets put their own name where the writer's goes (JSON-LD ``author: {"@type": "Organization", "name":
    "VnExpress"}``, ``<meta name="author" content="mdr.de">``) while the byline on the page names the writer: such an
    answer is kept only when the page's byline (trafilatura's search) names nobody else.
    """
    article = json_ld_article(root) or {}
    outlets = functools.cache(lambda: _outlet_names(root, article))  # read only when an answer is to be checked
    authors = article.get("author")
    names: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            names.append(clean_space(author["name"]))
        elif isinstance(author, str):
            names.append(clean_space(author))
    names = [n for n in names if n and not n.lower().startswith("http")]
    outlet_answer = None
    if names:
        answer = "; ".join(dict.fromkeys(names))
        if not all(_is_outlet(n, outlets()) for n in names):
            return answer
        outlet_answer = answer
    meta = meta_content(root, "author", "article:author", "dc.creator", "byl", "sailthru.author")
    if meta and not JUNK_AUTHOR_RE.search(meta):
        if not _is_outlet(meta, outlets()):
            return meta
        outlet_answer = outlet_answer or meta
    if outlet_answer is not None:
        # The byline alone (trafilatura's metadata would read the same JSON-LD and meta again), and only the parts
        # that look like a person's name: the search also finds buttons ("Folgen"), initials ("Amw"), agencies
        # ("APA", "Quelle sid; Dpa"), which are no better than the outlet's own name.
        byline = clean_space(byline_author(root))
        people = [part for part in (_BYLINE_WORD.sub("", p.strip()) for p in byline.split(";")) if _person_like(part)
                  and not _is_outlet(part, outlets()) and not JUNK_AUTHOR_RE.search(part)]
        return "; ".join(people) if people else outlet_answer
    fallback = _without_byline_words(clean_space(fallback()))
    # not the byline word alone: trafilatura cuts "كتب - name" (Egyptian: "wrote - name") at its dash
    return fallback if fallback and not JUNK_AUTHOR_RE.search(fallback) and not _ARABIC_BYLINE_ONLY.fullmatch(
        fallback) else None


MAX_AUTHOR_CHARS = 500  # a byline naming a whole desk is under 300 characters


def bounded_author(author: str | None) -> str | None:
    """``author`` cut at a word to at most MAX_AUTHOR_CHARS (and a mark): a page's ``<meta name=author>`` of a
    megabyte was stored whole in the catalogue, every export and the reading room (hostile web round ten)."""
    if author is None or len(author) <= MAX_AUTHOR_CHARS:
        return author
    cut = author[: MAX_AUTHOR_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_AUTHOR_CHARS // 2 else cut).rstrip(" ;,،") + "…"


def printed_author(root: HtmlElement) -> str | None:
    """The name of a byline printed as a line of text (crawler.extraction.printed_byline), when it reads as a person's
    and is not the outlet's: the caller's last resort, where find_author found nobody. The line stays in the body
    (the gold of Dragnet's pages keeps "By Name, 01 June 2010"): the byline filter asks find_author's answer only."""
    outlets = _outlet_names(root, json_ld_article(root) or {})
    return printed_byline(root, lambda name: _person_like(name) and not _is_outlet(name, outlets))


def _without_byline_words(byline: str | None) -> str | None:
    """Each name of a byline found on the page without the words that introduce it ("مرسلة بواسطة", "بقلم:")."""
    if not byline:
        return byline
    return "; ".join(part for part in (_ARABIC_BYLINE_WORD.sub("", p.strip()) for p in byline.split(";")) if part) or None


_SUFFIX_LABEL = re.compile(r"[a-z]{2,6}")


def _host_stem(name: str) -> str | None:
    r"""A host name without its scheme, "www." and domain suffix ("https://www.bbc.co.uk/" -> "bbc"), or None.

    What ``^(?:https?://)?(?:www\.)?([^\s/]+?)(?:\.[a-z]{2,6})+/?$`` matched, read label by label: that regex's
    lazy group before a repeated group backtracked in time that grows with the square of its input, and a page whose
    author meta held 1.2 MB of "a.aa.aa..." held an extraction worker (and the crawl) for hours (a black-box probe,
    stop 35). tests/test_crawler_extraction_author.py checks it against that regex on 20,000 random strings.
    """
    rest = next((name[len(s):] for s in ("https://", "http://") if name.startswith(s)), name)
    rest = rest[:-1] if rest.endswith("/") else rest
    if "/" in rest or any(c.isspace() for c in rest):
        return None
    labels = rest.split(".")
    cut = 0  # how many trailing labels are a domain suffix, leaving a non-empty name
    while cut < len(labels) - 1 and _SUFFIX_LABEL.fullmatch(labels[-1 - cut]):
        cut += 1
    while cut and not ".".join(labels[:-cut]):
        cut -= 1
    if not cut:
        return None
    head = ".".join(labels[:-cut])
    return head[4:] if head.startswith("www.") and len(head) > 4 else head


def _name_words(name: str) -> tuple[str, ...]:
    """The lower-cased words of an outlet or author name, a host name's "www." and domain suffix left out."""
    name = name.strip().casefold()
    host = _host_stem(name) if " " not in name else None
    return tuple(re.findall(r"\w+", host if host is not None else name))


def _outlet_names(root: HtmlElement, article: dict) -> set[tuple[str, ...]]:
    """The words of the names the page gives its outlet: og:site_name, the JSON-LD article's publisher, its host."""
    found = [meta_content(root, "og:site_name", "application-name")]
    publisher = article.get("publisher")
    for entry in publisher if isinstance(publisher, list) else [publisher]:
        if isinstance(entry, dict):
            found += [v for v in (entry.get("name"), entry.get("alternateName")) if isinstance(v, str)]
        elif isinstance(entry, str):  # "publisher": "Kurier Nord"
            found.append(entry)
    for link in elements(root, "link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found.append(_host(link.get("href") or ""))
    found.append(_host(meta_content(root, "og:url")))
    return {words for words in map(_name_words, found) if words}


def _host(url: str) -> str:
    """The host name of ``url``; "" for none or a malformed address ("https://[bad")."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


# CJK and Hangul names are written without spaces: two to six characters of those scripts are a name.
_SPACELESS_NAME = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{2,6}")
# "By", "Par", "Por", "Von" opening a byline, which trafilatura's normalize_authors leaves on in most languages.
# Arabic bylines: a word that introduces the name ("بقلم", "كتب", ...), or بواسطة ("by") after a participle or verb
# ("مرسلة بواسطة", Blogger's Arabic "Posted by"; "نشر بواسطة"), as trafilatura's AUTHOR_PREFIX strips "posted by";
# trafilatura strips none of them, so they are also taken off the byline it finds (the fallback).
_ARABIC_BYLINE_ONE = r"(?:[\u0621-\u064a]+\s+)?بواسطة|بقلم|كتب|كتبت|كتبه|إعداد|اعداد|تحرير|متابعة|ترجمة"
# joined ones too: "ترجمة وتحرير:", "إعداد ومتابعة:" (the review of stop 24)
_ARABIC_BYLINE = rf"(?:{_ARABIC_BYLINE_ONE})(?:\s+و(?:{_ARABIC_BYLINE_ONE}))*"
_ARABIC_BYLINE_WORD = re.compile(rf"^(?:{_ARABIC_BYLINE})\s*[:\-–—ـ]?\s+")  # "كتب ـ name" (Egyptian) too
_ARABIC_BYLINE_ONLY = re.compile(rf"(?:{_ARABIC_BYLINE})\W*")
_BYLINE_WORD = re.compile(rf"^(?:by|par|por|von|door|av|af|przez|{_ARABIC_BYLINE})\s*:?\s+", re.IGNORECASE)
# A month or weekday ending a byline is its date, not a surname ("Malcolm Owen Monday", a commenter's "Randallbrink
# July"); first names like Julio, April or Marco stay names.
_DATE_WORDS = frozenset(
    {name for name in MONTHS if name.isascii() and len(name) > 3}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "montag", "dienstag",
       "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
       "samedi", "dimanche", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"}
)
# Words of a role or a newsroom, which no personal name holds ("Deutscher Journalist", "NBC News", "Meet the Author").
_ROLE_WORDS = frozenset(
    {"author", "autor", "autorin", "auteur", "editor", "redaktion", "redaction", "rédaction", "redacción",
     "journalist", "journaliste", "reporter", "correspondent", "staff", "team", "news", "nachrichten", "noticias",
     "online", "media", "press", "presse", "newsroom", "desk", "agency", "agentur",
     # Arabic has no capitals to tell a name: its newsroom words ("محرر الوسط", "فريق التحرير", "وكالة الأنباء")
     "محرر", "المحرر", "التحرير", "تحرير", "فريق", "وكالة", "وكالات", "الأنباء", "مراسل", "مراسلنا", "مراسلة", "قسم",
     "هيئة", "موقع", "بوابة", "أخبار", "الأخبار", "خاص"}
)


def _person_like(name: str) -> bool:
    """True when ``name`` reads as a person's name: 2-5 words, at least two of two letters or more, the first and
    last capitalised (or in a caseless script), no digits, no role word, no date word last; or a short name in a
    script written without spaces."""
    words = name.split()
    if len(words) == 1:
        return bool(_SPACELESS_NAME.fullmatch(name))
    if not 2 <= len(words) <= 5 or any(c.isdigit() for c in name) or sum(len(w) > 1 for w in words) < 2:
        return False
    folded = [w.casefold().strip(".,'’") for w in words]
    if folded[-1] in _DATE_WORDS or any(w in _ROLE_WORDS for w in folded):
        return False
    return all(w[0].isupper() or (w[0].isalpha() and w[0].lower() == w[0].upper()) for w in (words[0], words[-1]))


def _is_outlet(name: str, outlets: set[tuple[str, ...]]) -> bool:
    """True when ``name`` is one of the outlet's names, or begins one of them or with one ("LBCI" of "LBCI Lebanon")."""
    words = _name_words(name)
    return bool(words) and any(words[:len(o)] == o or o[:len(words)] == words for o in outlets)


def trafilatura_metadata(root: HtmlElement) -> object:
    """trafilatura's title and author of the page (its extract_metadata without the parts we do not use).

    The date search left out (htmldate, dateparser) cost more than a whole extraction; crawler.extraction.dates
    finds the date.
    """
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    metadata = examine_meta(root)
    if metadata.author and " " not in metadata.author:  # as extract_metadata does
        metadata.author = None
    try:
        # its JSON-LD reader loads every block: not one of more arrays and objects than a page's JSON block is read
        # with (8 MB of [] took 170 MB; hostile web, round thirteen)
        if not any(too_many_containers(script.text or "", JSON_BLOCK_MAX_CONTAINERS) for script in root.iter("script")
                   if "json" in (script.get("type") or "").lower()):
            metadata = extract_meta_json(root, metadata)
    except Exception as exc:  # as extract_metadata does: its JSON-LD reader has bugs on odd markup
        logger.debug("trafilatura's JSON-LD metadata failed: %r", exc)
    metadata.title = metadata.title or extract_title(root)
    metadata.author = metadata.author or byline_author(root)
    metadata.clean_and_trim()
    return metadata


class _Search:
    """trafilatura's author and discard XPaths as tests of one element, its ancestors or its descendants."""

    def __init__(self) -> None:
        from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, REGEXP_NS

        namespaces = {"re": REGEXP_NS}
        discard, kept = (x.path.strip() for x in AUTHOR_DISCARD_XPATHS)
        if not discard.startswith(".//*[") or kept != "//time|//figure":
            raise RuntimeError("trafilatura's AUTHOR_DISCARD_XPATHS changed: update crawler/extraction/author.py")
        tests = discard.removeprefix(".//*")
        # ``.//*`` leaves out the root, and deleting the root (//time) is a no-op: hence [parent::*]
        self.pruned = etree.XPath(f"ancestor-or-self::*[parent::*]{tests} | ancestor-or-self::*[parent::*]"
                                  "[self::time or self::figure]", namespaces=namespaces)
        self.removed = etree.XPath(f"descendant::*{tests} | descendant::time | descendant::figure",
                                   namespaces=namespaces)
        self.matches = []
        for xpath in AUTHOR_XPATHS:
            path = xpath.path.strip()
            if not path.startswith("//*[") or "//" in path[3:].replace("|//author", ""):
                raise RuntimeError("trafilatura's AUTHOR_XPATHS changed: update crawler/extraction/author.py")
            self.matches.append(etree.XPath("self::*" + path[3:].replace("|//author", "| self::author"),
                                            namespaces=namespaces))


_SEARCH: list[_Search] = []  # built on first use: trafilatura is imported in the worker process only
COUNT = etree.XPath("count(descendant::*)")


def byline_author(root: HtmlElement) -> str | None:
    """trafilatura.metadata.extract_author(root), the same answer, reading the page in place.

    trafilatura deep-copies the page, deletes comment, sidebar, date and figure elements (AUTHOR_DISCARD_XPATHS) and
    runs three XPaths with EXSLT regular expressions over what is left: 5 ms a page on Zyte's pages, most of the cost
    of a title and author fallback that a third of them need (issue 10). Here one walk finds the few elements that
    could match, each is tested against trafilatura's own expressions, and the text trafilatura would read from its
    pruned copy is rebuilt from the element (a deleted element's tail joins the text before it, as
    trafilatura.xml.delete_element does). Where that would not be cheap or not plainly the same (a root inside a
    bigger document, an XPath testing a <rel> child's text, huge candidates), trafilatura's own search runs.
    """
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.metadata import extract_author
    from trafilatura.utils import trim

    if root.getparent() is not None or root.getroottree().getroot() is not root:
        return extract_author(root)
    candidates = []  # in document order, as the XPaths give them
    for element in root.iter():
        if element.tag == "rel":  # AUTHOR_XPATHS test a <rel> child's text, which pruning may change
            return extract_author(root)
        if element.tag == "author" or CANDIDATE_RE.search(" ".join(element.values())):
            candidates.append(element)
    if not candidates:
        return None
    if sum(COUNT(element) for element in candidates) > MAX_CANDIDATE_ELEMENTS:
        return extract_author(root)
    if not _SEARCH:
        _SEARCH.append(_Search())
    search = _SEARCH[0]
    kept: dict[HtmlElement, bool] = {}
    for matches in search.matches:  # as trafilatura.metadata.extract_metainfo: expression by expression
        for element in candidates:
            if not matches(element):
                continue
            if element not in kept:
                kept[element] = not search.pruned(element)
            if not kept[element]:
                continue
            removed = set(search.removed(element))
            content = trim(" ".join(element.itertext() if not removed else _pruned_text(element, removed)))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _pruned_text(element: HtmlElement, removed: set[HtmlElement]) -> list[str]:
    """The text pieces ``element.itertext()`` gives once the ``removed`` descendants are deleted, tails kept."""
    pieces: list[str] = []
    _collect(element, removed, pieces)
    return pieces


def _collect(element: HtmlElement, removed: set[HtmlElement], pieces: list[str]) -> None:
    """Append the pruned text of ``element`` (kept) to ``pieces``."""
    pending = element.text  # the element's text, or the tail of its last kept child, with deleted siblings' tails
    for child in element:
        if child in removed:
            if child.tail:  # trafilatura.xml.delete_element: (previous.tail or parent.text) + tail
                pending = (pending or "") + child.tail
            continue
        if pending is not None:
            pieces.append(pending)
        if isinstance(child.tag, str):
            _collect(child, removed, pieces)
        pending = child.tail
    if pending is not None:
        pieces.append(pending)
