"""The story as a client-rendered page's own state holds it: a Next.js ``__NEXT_DATA__`` blob, any
``<script type="application/json">`` state, a ``window.__STATE__ = {...}`` assignment whose value is JSON or a
JavaScript literal, Nuxt 2's ``window.__NUXT__=(function(a,b,...){return {...}}(...))`` and Nuxt 3's
``__NUXT_DATA__`` (devalue's flat array; both read by crawler.extraction.js_state: unseen styles round 15,
tests/altsites15).

A story page of a React or Vue app whose body component renders only in the browser (Next.js' ``dynamic(...,
{ssr: false})``, a rich-text renderer with embeds) serves the headline, the excerpt and the related stories' cards
as HTML, and the story itself only in the page props the app is hydrated from (unseen styles round 13: a Libyan
outlet on Next.js, tests/altsites13). The HTML reading of such a page is the related stories' cards. The story is
the text of the page's own article object in that state: an object whose title field (``title``, ``headline``,
``name``) is the page's title (og:title, twitter:title, ``<title>`` or one of its segments: the keys the JSON-LD
articleBody is matched by) and whose body field (a key naming a body: ``content``, ``body``, ``html``, ``text``,
``articleBody``, ``blocks``, ...; not an excerpt, summary, description or SEO field) holds at least MIN_BODY_WORDS words: as a
string (HTML, Markdown or text: read as an articleBody is), as ``{"rendered": ...}`` / ``{"html": ...}`` (WordPress'
REST shape), or as a list of blocks (Editor.js, Strapi, Contentful, Sanity: each block's own text, media blocks
left out). A related story's object carries its own title, so it is never read; nor is a list of teasers.

Bounded: a state that does not spell the page's title (as written or JSON-escaped) or is over MAX_STATE_CHARS is
not parsed (a server-rendered app's teaser state costs a substring search), the walk stops after MAX_NODES
values and MAX_BODIES own objects. A body must read as prose (PROSE_SHARE of its words letters only: fundus'
LuxemburgerWort pages keep a list of block ids under ``content``)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.discovery.jsonbound import JSON_BLOCK_MAX_CONTAINERS, loads, too_many_containers
from crawler.extraction.js_state import read_js_state, unflatten
from crawler.extraction.page_index import elements
from crawler.extraction.stream import page_title_keys
from crawler.extraction.titles import meta_content, norm, title_variants

logger = logging.getLogger(__name__)

MAX_STATE_CHARS = 5_000_000  # a page state larger than this is not parsed (a site's whole catalogue inlined)
MAX_NODES = 200_000  # values walked in one page's states at most
MAX_BODIES = 4  # own article objects weighed at most (a crafted state of 100,000 copies costs four)
MIN_TITLE_CHARS = 8  # a shorter title (a site's name) says nothing about which object is the page's
PROSE_SHARE = 0.7  # this share of a body's words at least are letters only (words, not ids or numbers)
MIN_WORDS = 24  # jsonld_body.MIN_BODY_WORDS: a shorter text is a summary or a teaser, never the story
TITLE_KEYS = ("title", "headline", "name", "heading")
BODY_KEY_RE = re.compile(r"body|content|html|text|story|article|rendered|blocks", re.IGNORECASE)
NOT_BODY_KEY_RE = re.compile(
    r"excerpt|summary|lead|teaser|descr|title|seo|meta|caption|url|link|image|thumb|slug|type|class|style|css|script"
    r"|json|schema|plain_?title|subtitle|footer|header|sidebar|related|recommend|promo|advert|widget|offer",
    re.IGNORECASE,
)
BLOCK_TEXT_KEYS = ("text", "html", "content", "value", "body", "children")
MEDIA_TYPE_RE = re.compile(r"image|photo|picture|figure|gallery|video|audio|embed|ad\b|advert|related|iframe|social"
                           r"|tweet|instagram|youtube|divider|spacer|button", re.IGNORECASE)
ASSIGNMENT_RE = re.compile(r"^\s*(?:window\.|self\.|var\s+|let\s+|const\s+)?(__[A-Za-z0-9_]{1,60}__)\s*=\s*")
WORD_RE = re.compile(r"\w+")
TAG_RE = re.compile(r"<[^<>]{0,2000}>")


def state_bodies(root: HtmlElement) -> Iterator[str]:
    """The body texts of the page's own article object in its app state, in page order (see the module docstring)."""
    keys: set[str] | None = None
    spellings: list[str] | None = None
    given = 0
    for script in elements(root, "script"):
        text = script.text or ""
        kind = (script.get("type") or "").strip().lower()
        if kind == "application/json" or script.get("id") == "__NEXT_DATA__":
            source = text
        elif kind in ("", "text/javascript", "module") and (match := ASSIGNMENT_RE.match(text)):
            source = _first_statement(text[match.end():])
        else:
            continue
        if not source.lstrip().startswith(("{", "[", "(function(")) or len(source) > MAX_STATE_CHARS:
            continue
        if spellings is None:
            spellings = _title_spellings(root)
        if not any(s in source for s in spellings):
            continue  # the page's title is nowhere in it (a cheap look before parsing a state of megabytes)
        try:
            state = _parsed(source, flat=script.get("id") == "__NUXT_DATA__" or script.get("data-nuxt-data") is not None)
        except (ValueError, RecursionError):  # neither JSON nor a literal devalue writes: not read
            continue
        if keys is None:
            keys = page_title_keys(root, json_ld=False)
            if not keys:
                return
        for body in _own_bodies(state, keys):
            yield body
            given += 1
            if given >= MAX_BODIES:
                return


def _first_statement(text: str) -> str:
    """The value of an assignment: up to a ``;window.__NUXT__.config=`` after it (Nuxt writes both in one script)."""
    text = text.strip()
    cut = text.find(";window.") if not text.startswith("(function(") else -1
    return (text[:cut] if cut > 0 else text).rstrip(";")


def _parsed(source: str, *, flat: bool) -> object:
    """A state's value: JSON (devalue's flat array rebuilt where ``flat``), else a JavaScript literal. ValueError
    for one of more arrays and objects than a page's JSON block is read with (hostile web, round thirteen)."""
    if why := too_many_containers(source, JSON_BLOCK_MAX_CONTAINERS):
        raise ValueError(why)
    try:
        state = loads(source)
    except ValueError:
        return read_js_state(source)
    return unflatten(state) if flat else state


def _title_spellings(root: HtmlElement) -> list[str]:
    """The page's titles (og:title, twitter:title, ``<title>`` and its segments) as a JSON string spells them: as
    written, and with non-ASCII letters escaped (``\\u0627``, PHP's ``json_encode``); MIN_TITLE_CHARS at least."""
    title = root.find(".//title")
    texts = [meta_content(root, "og:title"), meta_content(root, "twitter:title"),
             title.text_content() if title is not None else ""]
    found = {v for text in texts if text for v in title_variants(text) if len(v) >= MIN_TITLE_CHARS}
    # devalue writes "/" as \\u002F (Nuxt 2)
    spelled = {json.dumps(v)[1:-1] for v in found} | {v.replace("/", "\\u002F") for v in found}
    return [*found, *spelled - found]


def _own_bodies(state: object, keys: set[str]) -> Iterator[str]:
    """The body texts of the objects in ``state`` titled with one of ``keys``."""
    stack, seen = [state], 0
    while stack and seen < MAX_NODES:
        value = stack.pop()
        seen += 1
        if isinstance(value, list):
            stack.extend(reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        title = next((value[k] for k in TITLE_KEYS if isinstance(value.get(k), str)), None)
        if title is not None and norm(title) in keys:
            body = _body_of(value)
            if body:
                yield body
                continue
        stack.extend(reversed([v for v in value.values() if isinstance(v, (dict, list))]))


def _body_of(item: dict) -> str:
    """The longest body field of an article object (MIN_WORDS words at least), or ""."""
    found = ""
    for key, value in item.items():
        if not isinstance(key, str) or not BODY_KEY_RE.search(key) or NOT_BODY_KEY_RE.search(key):
            continue
        text = _text_of(value, 0)
        if len(text) > len(found) and _prose(text):
            found = text
    return found


def _prose(text: str) -> bool:
    """True when ``text`` reads as prose: MIN_WORDS words at least, most of them letters only (not a list of ids,
    "49377b21-e470-459c-...", that a normalised store keeps in place of its blocks)."""
    words = WORD_RE.findall(TAG_RE.sub(" ", text[:20_000]))
    lettered = sum(w.isalpha() for w in words)
    return lettered >= MIN_WORDS and lettered >= PROSE_SHARE * len(words)


def _text_of(value: object, depth: int) -> str:
    """A body field's text: a string; ``{"rendered"|"html"|...: str}``; a list of blocks, one paragraph each."""
    if isinstance(value, str):
        return value
    if depth > 3:
        return ""
    if isinstance(value, dict):
        kind = value.get("type") or value.get("__component") or value.get("_type") or value.get("nodeType") or ""
        if isinstance(kind, str) and MEDIA_TYPE_RE.search(kind):
            return ""
        for key in ("rendered", *BLOCK_TEXT_KEYS, "data"):
            if key in value and (text := _text_of(value[key], depth + 1)):
                return text
        lists = [v for v in value.values() if isinstance(v, list)]
        # a store's own name for its one list of blocks ({"bodyElements": [...]}: FAZ on Nuxt 3)
        return _text_of(lists[0], depth + 1) if len(lists) == 1 else ""
    if isinstance(value, list):
        parts = [_text_of(v, depth + 1) for v in value[:2000]]
        inline = all(isinstance(v, dict) and not _is_block(v) for v in value)  # a block's spans: one paragraph
        joined = ("" if inline else "\n").join(p.strip("\n") for p in parts if p and p.strip())
        return f"{joined}\n" if joined else ""
    return ""


def _is_block(value: dict) -> bool:
    """True when a list item is a block of its own (a paragraph, a heading), not an inline span of one: it holds
    blocks, or its type names a block kind."""
    kind = value.get("type") or value.get("_type") or value.get("nodeType") or value.get("__component") or ""
    return isinstance(value.get("children") or value.get("content"), list) or not (
        isinstance(kind, str) and re.search(r"span|text|link|mark|inline", kind, re.IGNORECASE))
