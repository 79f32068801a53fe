"""Read a pull-quote once: a quote block that repeats a sentence of the story around it is removed before reading."""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement

QUOTE_TAGS = frozenset({"blockquote", "aside"})  # and elements whose class names a quote (crawler.extraction.boilerplate)
PULL_QUOTE_WORDS = 60  # a pull-quote is a sentence or two
SIGN_WORDS = 5  # the longest words of a quote block looked for first
QUOTE_MAX_CHARS = 1200  # ... and never this long, counted before its words are (60 words of 20 characters)
REPEAT_CONTEXT = 3  # ... looked for again in the nearest ancestor with this many times its text
#: At most this many quote blocks of a page are looked at (the corpus's pages hold at most 56): each removal makes its
#: ancestors' text read again, so a hostile page of 10,000 one-word quote blocks held a worker 36 s, 50,000 for 13
#: minutes (hostile web, round five); the blocks past the budget stay as the page has them.
PULL_QUOTE_MAX_BLOCKS = 200
WORD_RE = re.compile(r"\w+")
# the text a reader is shown: not a script's (JSON-LD), a style's, a <noscript>'s or the <title>'s
SHOWN_TEXT = etree.XPath("descendant::text()[not(ancestor::script or ancestor::style or ancestor::noscript "
                         "or ancestor::title)]")


def drop_pull_quotes(root: HtmlElement, candidates: list[HtmlElement]) -> int:
    """Remove the pull-quotes among ``candidates`` (quote blocks of the page ``root``, in document order, some maybe
    pruned from it since): those that repeat a sentence the story around them prints; return how many went.

    A layout sets a sentence of the story again, large, between its paragraphs (``<blockquote class="pullquote">``,
    WordPress's ``wp-block-pullquote``, an ``<aside>``): read as it stands, the sentence was in the body twice. A quote
    block (a <blockquote>, an <aside>, an element whose class names a quote) of PULL_QUOTE_WORDS words or fewer goes
    when its words, quotation marks and attribution aside, run again in the same order in the shown text of its
    nearest ancestor that holds REPEAT_CONTEXT times as much text: the story keeps the sentence once, where it wrote
    it. A quote the story does not print elsewhere (a statement, an embedded post) is the story's own, and stays; so
    is one that only a script repeats (a JSON-LD articleBody holds every quote of the story).
    """
    removed = 0
    texts: dict[HtmlElement, str] = {}  # an ancestor's lower-cased text, read once for all its quote blocks
    for element in candidates[:PULL_QUOTE_MAX_BLOCKS]:
        ancestors = list(element.iterancestors())
        if root not in ancestors or len(element.text_content()) > QUOTE_MAX_CHARS:
            continue  # pruned with a box around it (or gone as a pull-quote), or too long to be one
        words = _quoted_words(element)
        if not 0 < len(words) <= PULL_QUOTE_WORDS:
            continue
        needle = f" {' '.join(words)} "
        for ancestor in ancestors:
            if ancestor not in texts:
                texts[ancestor] = ancestor.text_content().lower()
            if len(texts[ancestor]) < REPEAT_CONTEXT * len(needle):
                continue
            # cheap signs first, on the text with a script's (issue 10: reading the shown words around every quote
            # block cost up to 0.4 ms a page on Zyte's pages, 0.1 with the signs): its longest words each twice, then
            # its words in order twice around its longest one; only then are the shown words read and matched
            text = texts[ancestor]
            if all(text.count(w) >= 2 for w in sorted(words, key=len)[-SIGN_WORDS:]) and _runs_twice(
                    text, words) and f" {' '.join(_shown_words(ancestor))} ".count(needle) >= 2:
                for changed in element.iterancestors():  # their text lost the quote's
                    texts.pop(changed, None)
                element.drop_tree()  # its tail stays in place
                removed += 1
            break
    return removed


def _quoted_words(block: HtmlElement) -> list[str]:
    """The lower-cased words a quote block quotes: its text without its attribution (``<cite>``, ``<footer>``, a
    caption), which names who said it, not what the story says."""
    if block.find(".//cite") is not None or block.find(".//footer") is not None or block.find(".//figcaption") is not None:
        block = deepcopy(block)  # a sentence or two: cheap
        for attribution in list(block.iter("cite", "footer", "figcaption")):
            if attribution is not block:
                attribution.drop_tree()
    return _shown_words(block)


def _runs_twice(text: str, words: list[str]) -> bool:
    """Whether ``words`` run in order at two places of ``text`` at least, each looked for around an occurrence of the
    longest, spaces and punctuation ignored (text_content() runs blocks together: "end.Start"). A sign: one run may
    count twice, the caller checks exactly."""
    key, joined = max(words, key=len), "".join(words)
    runs, at, reach = 0, text.find(key), 3 * len(joined)
    while at >= 0:
        runs += joined in "".join(WORD_RE.findall(text[max(0, at - reach):at + reach]))
        if runs >= 2:
            return True
        at = text.find(key, at + len(key))
    return False


def _shown_words(element: HtmlElement) -> list[str]:
    """The lower-cased words of the text ``element`` shows (no script's, style's, <noscript>'s or <title>'s), its
    pieces apart. Its own text where it holds none of those (most quote blocks): SHOWN_TEXT tests every text node's
    ancestors up to the page's root, a tenth of a millisecond a page spent on blocks of a sentence (issue 10)."""
    hidden = next(element.iter("script", "style", "noscript", "title"), None) is not None
    return WORD_RE.findall(" ".join(SHOWN_TEXT(element) if hidden else element.itertext()).lower())
