"""One article from the pages it was split over: each part extracted, the parts' bodies joined in order (no scrapy).

Runs in the extraction worker (crawler.pipelines hands it every part's bytes, as ``extract_page`` gets one page's).
The first page gives the article's URL, title, date, author and canonical link; each later part adds its body when it
is a page of the same article (its headline is the first page's, "- صفحة 2" and the like aside) and without what the
first page already said: a repeated headline, lead or paragraph, a page counter or a "next page" line. A part that
gives no article, another headline, or the first page's story again (``repeats_story``: a comments or reviews page of
it), adds nothing and is named in ``Joined.skipped`` (the pipeline records it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.capture.prepare import Prepared, extract_page

# a part's line that is the pager's, not the story's: "صفحة 2 من 3", "Page 2 of 3", "الصفحة التالية", "2 / 3"
_NAV_LINE = re.compile(r"^(?:(?:ال)?صفح[ةه]\s*[\d٠-٩]+(?:\s*من\s*[\d٠-٩]+)?|page\s*\d+(?:\s*of\s*\d+)?|"
                       r"(?:ال)?صفح[ةه] (?:ال)?(?:تالي[ةه]|سابق[ةه])|التالي|السابق|next|previous|"
                       r"[\d٠-٩]+\s*/\s*[\d٠-٩]+|[«»‹›<>\s\d٠-٩]+)$", re.I)
_PAGE_SUFFIX = re.compile(r"\s*[-–—|:،,]?\s*\(?(?:ال)?(?:صفح[ةه]|الجزء|جزء|page|part)\s*[\d٠-٩]+\)?\s*$", re.I)


@dataclass(frozen=True)
class Part:
    """One fetched page of the article, as it came."""

    url: str
    body: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Joined:
    """The article made of its parts (or the first page's failure), and the parts that added nothing, with why."""

    result: ExtractedArticle | ExtractionFailure
    prepared: Prepared | None
    joined: tuple[str, ...]  # the later parts' URLs whose bodies are in the article
    skipped: tuple[tuple[str, str, str], ...]  # (url, reason, detail) of the later parts left out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u0640", "")
    return " ".join(re.sub(r"[\u200b-\u200f\u061c]", "", text).split()).casefold()


def same_headline(first: str, other: str) -> bool:
    """Whether a part's headline is the first page's: equal once a page suffix ("- صفحة 2", "(2)") is cut."""
    a, b = _norm(_PAGE_SUFFIX.sub("", first)), _norm(_PAGE_SUFFIX.sub("", other))
    return bool(a) and (a == b or (len(a) >= 12 and (b.startswith(a) or a.startswith(b)) and len(b) >= 12))


def repeats_story(first: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether a part's paragraphs repeat its first page's story: two of its paragraphs or more, half its text or
    more. A later page repeats the lead at most; the first page shown again with other comments or reviews around it
    (a comments pager outside any comments block), or for a page number the site ignores, repeats the story."""
    have = {_norm(p) for p in part}
    repeated = [p for p in first if _norm(p) in have]
    return len(repeated) >= 2 and 2 * sum(map(len, repeated)) >= sum(map(len, first))


def join(first: ExtractedArticle, parts: list[tuple[str, ExtractedArticle | ExtractionFailure]]
         ) -> tuple[ExtractedArticle, list[str], list[tuple[str, str, str]]]:
    """The first page's article with every part's new paragraphs after it, in order; the parts joined and skipped."""
    seen = {_norm(p) for p in first.paragraphs} | {_norm(first.title)}
    paragraphs, joined, skipped = list(first.paragraphs), [], []
    for url, result in parts:
        if isinstance(result, ExtractionFailure):
            skipped.append((url, result.reason, f"a later page of {first.url}: {result.detail}".strip(": ")))
            continue
        if not same_headline(first.title, result.title):
            skipped.append((url, "not-a-part", f"headline {result.title[:120]!r} is not {first.title[:120]!r} "
                                                f"of {first.url}"))
            continue
        if repeats_story(first.paragraphs, result.paragraphs):
            skipped.append((url, "not-a-part", f"it repeats the story of its first page {first.url} (a comments or "
                                                f"reviews page of it, or a page number the site ignores)"))
            continue
        new = [p for p in result.paragraphs if _norm(p) not in seen and not _NAV_LINE.match(_norm(p))]
        seen.update(_norm(p) for p in new)
        paragraphs += new
        joined.append(url)
    return replace(first, paragraphs=tuple(paragraphs)), joined, skipped


def extract_parts(parts: list[Part]) -> Joined:
    """The worker's job for an article split over pages: every part extracted as ``extract_page`` extracts a page,
    the bodies joined, and the joined article prepared (judged, story keys, search text, rendered text)."""
    from crawler.capture import prepare as worker  # its lexicon, loaded by the pool's initializer

    first = extract_page(parts[0].body, parts[0].content_type, parts[0].url, ready=False)[0]
    if isinstance(first, ExtractionFailure):
        return Joined(first, None, (), ())
    # each part within EXTRACT_TIMEOUT, as a page is; judged and prepared once, joined
    later = [(p.url, extract_page(p.body, p.content_type, p.url, ready=False)[0]) for p in parts[1:]]
    article, joined, skipped = join(first, later)
    prepared = worker.prepare(article, worker._LEXICON) if worker._LEXICON is not None else None
    return Joined(article, prepared, tuple(joined), tuple(skipped))
