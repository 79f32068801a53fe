"""Tell a "page not found" or "story removed" page that answers 200 (a soft 404) by its headline.

Many CMSs answer an address they do not know, or a story an editor took down, with status 200 and a page of their
template: a headline saying the page is not found or the story is no longer available, a line of apology, and often the
latest stories' teasers under it. Such a page kept the story template's markup (og:type article, a JSON-LD article, an
h1), so it passed as a short article, or its teasers read as a body: stored as a row titled "Sorry, this story is no
longer available". Search engines call it a soft 404 and tell it by its content
(https://developers.google.com/search/docs/crawling-indexing/http-network-errors#soft-404-errors); here the
headline decides, and only a headline that is such a notice and nothing more (an apology, "404" or "error" may open
it): a story whose headline quotes the words among others ("UN: aid no longer available in ...") is a story.
"""

from __future__ import annotations

import re

# Arabic diacritics (tanwin, shadda, ...) and the tatweel: "متاحاً" and "متاحا" are one word
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_THING_AR = r"(?:ال)?(?:خبر|مقال[ةه]?|ماد[ةه]|صفح[ةه]|محتوى|موضوع|رابط)"
_GONE_AR = (
    r"(?:لم\s+[يت]عد\s+متاح[اةه]?|غير\s+(?:متاح|متوفر|موجود)[ةه]?|(?:تم\s+|قد\s+)?(?:حذف|ازال|إزال|أزيل|نقل)[هةت]?"
    r"|محذوف[ةه]?)"
)
_NOTICES = (
    # "الصفحة غير موجودة", "الصفحة المطلوبة غير موجودة", "هذا الخبر لم يعد متاحا", "المقال المطلوب محذوف"
    rf"(?:(?:هذا|هذه)\s+)?{_THING_AR}(?:\s+(?:ال)?(?:مطلوب|تبحث\s+عنه|تبحث\s+عنها)[ةه]?)?\s+{_GONE_AR}",
    r"لم\s+(?:يتم|نتمكن\s+من)\s+(?:ال)?عثور\s+على\s+(?:ال)?(?:صفح[ةه]|خبر|مقال[ةه]?)(?:\s+(?:ال)?مطلوب[ةه]?)?",
    r"(?:خطأ|error)\s*404|404\s*(?:error|خطأ)?",
    r"(?:page|file)\s+not\s+found|not\s+found|(?:(?:that|this|the)\s+)?page\s+(?:can(?:not|['’]t)|could\s+not)\s+be\s+found",
    r"(?:(?:this|the)\s+)?(?:page|article|story|content|post|item)(?:\s+you\s+(?:are|were)\s+looking\s+for)?\s+"
    r"(?:is\s+no\s+longer\s+available|(?:has\s+been|was)\s+(?:removed|deleted|taken\s+down)|(?:does\s+not|doesn['’]t)"
    r"\s+exist|no\s+longer\s+exists|(?:is\s+)?(?:not\s+found|unavailable|not\s+available))",
    r"page\s+(?:introuvable|non\s+trouvée)|(?:cette\s+)?page\s+n['’]existe\s+pas|(?:l['’])?article\s+(?:est\s+)?"
    r"(?:introuvable|supprimé|n['’]est\s+plus\s+disponible)|seite\s+nicht\s+gefunden|página\s+no\s+encontrada",
)
_OPENERS = r"(?:(?:عذرا|نأسف|آسفون|معذرة|sorry|oops|désolé|error|خطأ)\W*)*(?:404\W*)?"
NOTICE_RE = re.compile(rf"^\W*{_OPENERS}(?:{'|'.join(_NOTICES)})\W*(?:\(?404\)?\W*)?$", re.IGNORECASE)
MAX_NOTICE_CHARS = 80  # a notice is a short line; a longer headline is a story whatever it says


def not_found_notice(headline: str) -> bool:
    """True when ``headline`` is a "not found" / "no longer available" notice and nothing more (see the module)."""
    text = " ".join(_MARKS.sub("", headline).split())
    return 0 < len(text) <= MAX_NOTICE_CHARS and NOTICE_RE.match(text) is not None
