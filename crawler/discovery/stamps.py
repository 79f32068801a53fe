"""The date a listing prints as a link to a story: a ``<time datetime>`` inside the story's link.

A listing's date stamp that is itself the link to the story (t.me's preview: ``<a class="tgme_widget_message_date"
href="/<channel>/<id>"><time datetime="...">``; WordPress themes' ``<a href="<permalink>" rel="bookmark"><time
class="entry-date published" datetime="...">``) dates that story, as a feed's ``pubDate`` does: the spider hands it on
as the link's listed date, which the catalogue takes where the story's own page prints none (a t.me message page is a
shell with no date: tests/altsites12). A ``<time>`` merely near a link (a card's date, a "most read" box) is not
taken: which link it dates is a guess.
"""

from __future__ import annotations

import re

import lxml.html

UP_TO = 3  # the <time> this many levels under the <a> at most (t.me: <a><time>; themes: <a><span><time>)
_FULL_DATE = re.compile(r"^\s*\d{4}-\d\d-\d\d")
_NOT_PUBLISHED = re.compile(r"updat|modif|edit", re.IGNORECASE)


def anchor_dates(doc: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, str]:
    """Each ``<a>`` of ``doc`` that holds a ``<time>`` with a full date (not one marked updated or modified), with the
    first such date as written."""
    found: dict[lxml.html.HtmlElement, str] = {}
    for time in doc.iter("time"):
        value = time.get("datetime") or ""
        if not _FULL_DATE.match(value) or _NOT_PUBLISHED.search(time.get("class") or ""):
            continue
        parent = time.getparent()
        for _ in range(UP_TO):
            if parent is None:
                break
            if parent.tag == "a":
                found.setdefault(parent, value.strip())
                break
            parent = parent.getparent()
    return found
