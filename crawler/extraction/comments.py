"""Find a readers' comments block by its heading text, where no class or id names it.

A legacy portal prints its readers' opinions as a table of its own under a heading row ("آراء القراء (5)"), one-cell
rows of a name and a comment, with a class of its own spelling (``class="ra2y"``) that no token list knows. Read as it
is, trafilatura keeps each comment as a grid row, and the comments outweighed the story: the reading that left them out
looked as if it had lost prose, and the whole page came back as grid rows, the story's lines glued into one (a
black-box probe, stop 37). The heading is what every such block shares: a short line that is only a comments label
("آراء القراء", "تعليقات القراء", "التعليقات (3)", "Comments (12)", "5 تعليقات"), opening the block it heads.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# A whole line that labels a comments section, with an optional count; checked on short lines only (LABEL_MAX_CHARS)
COMMENTS_LABEL_RE = re.compile(
    r"^\W*(?:(?:آراء|تعليقات|ردود|مشاركات)\s+(?:القراء|الزوار|القرّاء)|التعليقات|تعليقات|"
    r"(?:reader|readers'?|user|visitor)s?\s+comments|comments|\d+\s+(?:تعليقات|تعليق|comments?))"
    r"\W*(?:\d+)?\W*$",
    re.IGNORECASE,
)
LABEL_MAX_CHARS = 40
LABEL_TAGS = frozenset({"b", "strong", "font", "span", "td", "th", "div", "p", "h2", "h3", "h4", "h5", "h6"})
# a word of the labels, looked for in each candidate's own text before the whole label is matched (a walk of the
# label tags reading their own text only: 0.3 ms a page on Zyte's pages, where an XPath over every text node took 1.2)
LABEL_WORD_RE = re.compile(r"omment|تعليق|آراء|ردود|مشاركات", re.IGNORECASE)
# Where the climb from the label stops: a block that is the page itself holds the story too
PAGE_TAGS = frozenset({"body", "html", "form", "article", "main"})


def _first_text(element: HtmlElement) -> str:
    """The first non-blank text of ``element`` (its own text or a descendant's), stripped."""
    for text in element.itertext():
        if text.strip():
            return text.strip()
    return ""


def remove_comment_sections(root: HtmlElement, protected: set[HtmlElement]) -> int:
    """Remove each block that a comments label opens; return how many went.

    The block is the outermost ancestor of the label whose first text is still the label (the heading row's table,
    the section round the heading), short of the page's <body>, <form>, <article> or <main> and of the ``protected``
    elements (the densest block of prose and its ancestors): a story is never after its comments in the block they
    open. A label with nothing after it in its block is left alone (the comments, if any, are elsewhere).
    """
    labels = []
    for element in root.iter(*LABEL_TAGS):
        own = element.text
        if own and len(own) <= 2 * LABEL_MAX_CHARS and LABEL_WORD_RE.search(own):
            line = " ".join(element.text_content().split())
            if len(line) <= LABEL_MAX_CHARS and COMMENTS_LABEL_RE.match(line):
                labels.append(element)
    removed = 0
    for label in labels:
        top = label
        while (parent := top.getparent()) is not None:
            top = parent
        if top is not root:
            continue  # went with a block removed before
        first = _first_text(label)
        block = label
        for parent in label.iterancestors():
            if parent.tag in PAGE_TAGS or parent in protected or _first_text(parent) != first:
                break
            block = parent
        if block is label or len(" ".join(block.text_content().split())) <= LABEL_MAX_CHARS:
            continue
        block.drop_tree()
        removed += 1
    return removed
