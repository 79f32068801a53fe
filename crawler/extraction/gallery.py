"""A gallery post's captions kept and made blocks trafilatura reads: its body is its captions, one a line.

Captions are chrome beside a story, but a photo essay or gallery post tells its story in them. Its captions are kept
(crawler.extraction.boilerplate) where they are a gallery's: three pictures or more (GALLERY_MIN_CAPTIONS: a story's
own one or two pictures are never its body, however short the story), none a teaser's (a caption inside a link to
another page, a teaser card's ``<a><figure><img><figcaption>headline</figcaption></figure></a>``, or mostly link
text), and together half the page's paragraph text (boilerplate's CAPTION_SHARE). Teasers do not count: on Zyte's
phys.org page, 26 teaser cards' figcaptions made the page's captions hold half its text, and its gallery's four
captions beside a 6,000-character story would have come into the body.

Captions written as ``<p class="caption">`` were then read, but trafilatura deletes every ``<figure>`` whole before
reading a page (``trafilatura.settings.MANUALLY_CLEANED``; it spares one only round a table), so a gallery of
``<figure><img><figcaption>`` items, the markup of WordPress's image and gallery blocks, Drupal's media fields, Arc's
and most CMSs' galleries, lost every caption: the precise reading held the headline alone, and the balanced one fell
back to trafilatura's ``baseline``, which read the page's ``<article>`` as one line, headline, byline, captions and
"1 / 5" counters run together (a black-box probe, stop 36; crawler.extraction.reading now keeps such a line's blocks
apart). So each ``<figure>`` round a kept caption becomes a ``<div>`` and each ``<figcaption>`` a ``<p>`` (a ``<div>``
where it holds blocks of its own): one paragraph a caption. A credit ("تصوير: ...", "Photo: ...") or a counter in an
element of its own inside a caption is set on a line of its own (a ``<br>`` before it, and after it where text
follows), which crawler.extraction.postfilter drops with the counters printed beside the captions.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extraction.layout import BLOCK_TAGS
from crawler.extraction.postfilter import COUNTER_RE, CREDIT_MAX, CREDIT_RE, SHORT_LINE
from crawler.extraction.titles import clean_space

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")
LINKED_SHARE = 0.5  # a caption this much link text is a teaser's headline, not a photo's caption
GALLERY_MIN_CAPTIONS = 3  # a story's own one or two pictures are no gallery, however short the story


def photo_captions(captions: list[HtmlElement], holds: Callable[[list[HtmlElement]], bool]) -> list[HtmlElement]:
    """Those of ``captions`` that are a photo's, not a teaser's (see the module docstring), where together they hold
    the page (``holds``, crawler.extraction.boilerplate's CAPTION_SHARE); else none."""
    photos = [caption for caption in captions if not _is_teaser(caption)]
    return photos if len(photos) >= GALLERY_MIN_CAPTIONS and holds(photos) else []


def _is_teaser(caption: HtmlElement) -> bool:
    """True when ``caption`` sits in a link to another page than a picture, or is mostly link text."""
    hrefs = ((link.get("href") or "").strip() for link in caption.iterancestors("a"))
    if any(href and not _is_picture(href) for href in hrefs):
        return True
    text = len(clean_space(caption.text_content()))
    return bool(text) and sum(len(clean_space(a.text_content())) for a in caption.iter("a")) >= LINKED_SHARE * text


def captions_as_blocks(root: HtmlElement, captions: list[HtmlElement]) -> int:
    """Make the kept ``captions`` (caption containers: figcaptions, or elements whose class names a caption) that are
    still in ``root`` blocks trafilatura reads (see the module docstring); the number of figures so made <div>s."""
    made = 0
    for caption in captions:
        if not any(ancestor is root for ancestor in caption.iterancestors()):
            continue  # it went with a block pruned around it
        for figure in [caption, *caption.iterancestors("figure")]:
            if figure.tag == "figure":
                figure.tag = "div"
                made += 1
        for inner in list(caption.iter("figure", "figcaption")):
            if inner.tag == "figure":
                inner.tag = "div"
                made += 1
            else:
                inner.tag = "div" if any(child.tag in BLOCK_TAGS for child in inner) else "p"
                _credits_apart(inner)
    return made


def _credits_apart(caption: HtmlElement) -> None:
    """Set each child element of ``caption`` whose text is a credit or a counter on a line of its own (a <br>)."""
    for child in list(caption):
        if not isinstance(child.tag, str) or child.tag in BLOCK_TAGS or child.tag == "br":
            continue
        text = clean_space(child.text_content())
        if not text or len(text) > SHORT_LINE:
            continue
        if CREDIT_RE.match(text) or len(text) <= CREDIT_MAX and COUNTER_RE.match(text):
            child.addprevious(caption.makeelement("br"))
            if (child.tail or "").strip() or child.getnext() is not None:
                after = caption.makeelement("br")
                after.tail, child.tail = child.tail, None  # the text after the credit goes after the break
                child.addnext(after)


def _is_picture(href: str) -> bool:
    """True when ``href`` is a picture's address (a lightbox's link to the full-size photo)."""
    try:
        return urlsplit(href).path.lower().endswith(PICTURE_SUFFIXES)
    except ValueError:  # a bad IPv6 bracket
        return False
