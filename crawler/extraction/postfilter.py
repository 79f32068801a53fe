"""Drop boilerplate paragraphs that survive extraction: credits, "related" lines, prompts, breadcrumbs, repeats, bylines."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

SHORT_LINE = 160  # longer paragraphs are prose even when they start like a credit or a prompt
BYLINE_MAX = 100
# Photo credits are short; a long "(c) 2019 AP. All rights reserved." notice belongs to the wire story as published.
CREDIT_MAX = 60
COPYRIGHT_RE = re.compile(r"^\W*(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)
RESERVED_RE = re.compile(r"rights\s+reserved|droits\s+réservés|rechte\s+vorbehalten|الحقوق\s+محفوظة", re.IGNORECASE)
REPEAT_RUN = 3  # a body printed twice repeats a run of paragraphs; recipes and interviews repeat short runs too,
REPEAT_SHARE = 0.4  # so only a repeated run holding this share of the text is dropped
MAX_COPIES = 3
EMAIL_LINE_RE = re.compile(r"^\S+@\S+\.\w+$")  # on lines up to EMAIL_MAX_CHARS: quadratic on "a@a@a@..."
EMAIL_MAX_CHARS = 254  # the longest address there is (RFC 5321 with RFC 3696's erratum)
DATETIME_LINE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Photo credits and copyright lines (Arabic, English, German, French, Spanish, Polish, ...).
CREDIT_RE = re.compile(
    r"^\W*(?:photo(?:graph)?s?\s*(?::|by\b)|pictured\s*:|image(?:s)?\s*(?::|credit|by\b)"
    r"|credit(?:s)?\s*:|foto(?:s)?\s*(?::|von\b)|fot\.|bild(?:er)?\s*:|quelle\s*:\s*\w+\s*$|getty\s+images"
    r"|(?:ال)?صورة\s*(?::|من|ل)|تصوير\s*:|مصدر\s+الصورة)",
    re.IGNORECASE,
)
# Lines that point at other content: "Read also", "Related", "Lea más", "اقرأ أيضا", "Auch interessant", ...
RELATED_RE = re.compile(
    r"^\W*(?:[اإأآ]قر[أا]\s+(?:[أا]يض[اًا]+|كذلك|المزيد)|(?:طالع|شاهد|تابع|انظر)\s+(?:[أا]يض[اًا]+|كذلك)"
    r"|(?:مواضيع|[أا]خبار|مقالات|قصص|روابط)?\s*ذات\s+صلة|(?:موضوعات|مقالات|[أا]خبار)\s+متعلقة|الأكثر\s+(?:قراءة|مشاهدة)"
    r"|read\s+(?:also|more|next)|also\s+read|see\s+also|related(?:\s+(?:articles?|stories|news|content|posts?))?\s*:"
    r"|more\s+(?:on\s+this|from|stories)|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|you\s+might\s+also\s+like"
    r"|most\s+(?:read|popular)|trending\s+now|lire\s+aussi|à\s+lire\s+(?:aussi|également)|voir\s+aussi"
    r"|sur\s+le\s+même\s+sujet|pour\s+lire\s+la\s+suite|mehr\s+zum\s+thema|lesen\s+sie\s+(?:auch|mehr)"
    r"|auch\s+interessant|empfohlene\s+beiträge|weitere\s+(?:artikel|beiträge|nachrichten)"
    r"|das\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren|lea\s+(?:también|más)|lee\s+también|ver\s+también"
    r"|te\s+puede\s+interesar|leia\s+(?:também|mais)|czytaj\s+(?:też|także|więcej)|zum\s+weiterlesen|lesen\s+sie\s+hier"
    r"|(?:notas|noticias|notícias|artículos|artigos)\s+relacionad[oa]s|articles?\s+(?:connexes|similaires))",
    re.IGNORECASE,
)
# Calls to action: share, follow, subscribe, download the app, sign in to comment.
PROMPT_RE = re.compile(
    r"^\W*(?:share\s+(?:this|on|the)|follow\s+us|subscribe\s+(?:to\s+(?:our|the)|now|for)"
    r"|sign\s+up\s+(?:for|to)\s+(?:our|the)\s+(?:\w+\s+)?newsletter|join\s+our|get\s+our\s+newsletter"
    r"|click\s+here\s+to\s+(?:subscribe|sign\s+up|get\s+the\s+(?:\w+\s+){0,2}app)|download\s+(?:the|our)\s+app|advertisement$|anzeige$|werbung$"
    r"|jetzt\s+(?:abonnieren|anmelden|teilen)|newsletter\s+abonnieren|abonnez-vous|suivez-nous|partager"
    r"|suscríbete|síguenos|compartir|تابعونا|تابعنا|شارك(?:وا)?\s|اشترك|للاشتراك|حمل(?:وا)?\s+تطبيق|إعلان$"
    r"|to\s+(?:view|read|continue\s+reading)\s+the\s+(?:full|whole|rest)|(?:please\s+)?subscribe\s+to\s+read"
    r"|.{0,80}\b(?:download|get)\s+(?:the|our)\s+(?:\w+\s+){0,3}apps?\b|.{0,80}\bsign\s+up\s+here\W*$"
    # "للمزيد من الأخبار تابعونا على صفحتنا في فيسبوك": the prompt after a lead-in (a black-box probe, stop 37)
    r"|.{0,60}(?:تابعونا|تابعنا)\s+(?:على|عبر)\s)",
    re.IGNORECASE,
)
# A PHP/ASP error printed into the page by the site's own software.
SCRIPT_ERROR_RE = re.compile(r"^(?:warning|notice|deprecated|(?:fatal|parse)\s+error)\s*:.{0,300}\bon\s+line\s+\d+",
                             re.IGNORECASE)
# A blog's comment form under the story: WordPress's stock notes and Blogger's "Post a Comment" link, checked at any
# length (the allowed-tags note lists every tag). Seen on extraction-dev's tune half (dragnet-train/R831: the form
# was half the body; R681-R684), issue 13; "Leave a comment ..." inside a sentence (a contest's rules) is prose.
COMMENT_FORM_RE = re.compile(
    r"^\W*(?:(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment)\W*$|your\s+email\s+address\s+will\s+not\s+be\s+published"
    r"|required\s+fields\s+are\s+marked\s+\*|you\s+may\s+use\s+these\s+html\s+tags\s+and\s+attributes)",
    re.IGNORECASE,
)
# A breadcrumb trail printed as a line ("News > Economy > Companies", "Accueil » Monde » Afrique"): three or more
# short items (four words at most, no sentence in them) joined by ">", "»" or "›" (goose3's donga.com page, whose
# body opened with "뉴스 > 경제 > 기업·CEO"; issue 13). No item holds "«" or an Arabic comma: "أعلن « الجيش » سيطرته
# « الكاملة » على المدينة" is a sentence with spaced quotation marks, not a trail.
BREADCRUMB_RE = re.compile(r"^[^.!?>»›«،]{1,40}(?:\s[>»›]\s[^.!?>»›«،]{1,40}){2,}$")
BREADCRUMB_WORDS = 4
# A photo gallery's or a pager's counter left as a line of its own ("1 / 3", "2/10", "صورة 1 من 3",
# "Page 2 of 5"): a slider's position, never a sentence of the story (a gallery between two paragraphs
# of a 2020s pan-Arab story, tests/altsites7; no line of the Zyte, extraction-dev or fundus gold is one).
COUNTER_RE = re.compile(
    r"^\W*(?:(?:ال)?(?:صورة|صفحة)|photo|image|slide|page|seite|foto)?"
    r"\s*\d{1,3}\s*(?:/|من|of|von|de|sur)\s*\d{1,3}\W*$",
    re.IGNORECASE,
)
# The headlines a "related" label line ("مواضيع ذات صلة:", "Related:") lists under it, each on a line of its own where
# its box was a <br> run in the story's cell: the label went, its links stayed (a black-box probe, stop 37). A headline
# is short and does not end a sentence.
LISTED_MAX = 8
HEADLINE_MAX_WORDS = 15
WORD_RE = re.compile(r"\w")
SENTENCE_END_RE = re.compile(r"[.!?؟…:\"»”]\W*$")
BYLINE_RE = re.compile(r"^\W*(?:by|von|par|por|di|door|بقلم|كتب|كتبت|إعداد|تقرير)\s*:?\s", re.IGNORECASE)


def _is_junk_line(paragraph: str) -> bool:
    """True when one paragraph, on its own, is a credit, a pointer to other content, a prompt or a bare datum."""
    if len(paragraph) <= EMAIL_MAX_CHARS and EMAIL_LINE_RE.match(paragraph) or DATETIME_LINE_RE.match(paragraph) \
            or SCRIPT_ERROR_RE.match(paragraph):
        return True
    if len(paragraph) <= CREDIT_MAX and COUNTER_RE.match(paragraph):
        return True
    if COMMENT_FORM_RE.match(paragraph):
        return True
    if len(paragraph) <= CREDIT_MAX and COPYRIGHT_RE.match(paragraph) and not RESERVED_RE.search(paragraph):
        return True
    if len(paragraph) > SHORT_LINE:
        return False
    return bool(CREDIT_RE.match(paragraph) or RELATED_RE.match(paragraph) or PROMPT_RE.match(paragraph)
                or _is_breadcrumb(paragraph))


def _is_headline_line(paragraph: str) -> bool:
    """True when ``paragraph`` reads as a listed headline: HEADLINE_MAX_WORDS words at most, no sentence end."""
    return len(paragraph.split()) <= HEADLINE_MAX_WORDS and not SENTENCE_END_RE.search(paragraph)


def _is_breadcrumb(paragraph: str) -> bool:
    """True when ``paragraph`` is a breadcrumb trail: short items joined by ">", "»" or "›" (BREADCRUMB_RE)."""
    if not BREADCRUMB_RE.match(paragraph):
        return False
    return all(len(item.split()) <= BREADCRUMB_WORDS for item in re.split(r"\s[>»›]\s", paragraph))


def _is_byline(paragraph: str, author: str | None) -> bool:
    """True when ``paragraph`` is a short byline naming the article's author (already stored as metadata)."""
    if len(paragraph) > BYLINE_MAX:
        return False
    names = [n.strip() for n in (author or "").split(";") if len(n.strip()) >= 4]
    if any(n.lower() in paragraph.lower() for n in names):
        return bool(BYLINE_RE.match(paragraph)) or len(paragraph) <= len(max(names, key=len)) + 40
    return bool(BYLINE_RE.match(paragraph)) and len(paragraph.split()) <= 6


#: Paragraph comparisons one search for a repeated run may make: no real page comes near (a body printed twice, n
#: paragraphs a copy, costs about n² / 2: 500,000 for 1,000); past it the best run found so far stands.
REPEAT_BUDGET = 2_000_000


def drop_repeated_body(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """``paragraphs`` without the second copy of the longest repeated run, when that run is most of the text."""
    total = sum(map(len, paragraphs)) or 1
    best: tuple[int, int, int] | None = None  # (chars, start of the copy, length)
    first: dict[str, int] = {}
    budget = REPEAT_BUDGET  # paragraph comparisons: a page of 200,000 one-letter paragraphs took minutes (quadratic)
    for index, paragraph in enumerate(paragraphs):
        origin = first.setdefault(paragraph, index)
        if origin == index:
            continue
        if budget <= 0:  # a pathological page: the best run found so far
            break
        length = 0
        while (index + length < len(paragraphs) and origin + length < index
               and paragraphs[origin + length] == paragraphs[index + length]):
            length += 1
        budget -= length + 1
        chars = sum(map(len, paragraphs[index:index + length]))
        if length >= REPEAT_RUN and (best is None or chars > best[0]):
            best = (chars, index, length)
    if best is None or best[0] < REPEAT_SHARE * (total - best[0]):
        return paragraphs
    chars, start, length = best
    return paragraphs[:start] + paragraphs[start + length:]


def filter_paragraphs(paragraphs: tuple[str, ...], author: str | None = None) -> tuple[str, ...]:
    """``paragraphs`` without credits, "related" lines, share prompts, breadcrumbs, repeats and bylines (order kept).

    Bylines count only among the first and last three paragraphs; a body printed twice (e.g. once more for AMP or
    a print view) keeps its first copy.
    """
    for _ in range(MAX_COPIES):
        shorter = drop_repeated_body(paragraphs)
        if shorter == paragraphs:
            break
        paragraphs = shorter
    kept: list[str] = []
    last = len(paragraphs) - 1
    listed = 0  # headlines still to drop after a "related" label line
    for index, paragraph in enumerate(paragraphs):
        if listed and _is_headline_line(paragraph):
            listed -= 1
            continue
        listed = 0
        if _is_junk_line(paragraph):
            if (label := RELATED_RE.match(paragraph)) and len(paragraph) <= SHORT_LINE \
                    and not WORD_RE.search(paragraph[label.end():]):
                listed = LISTED_MAX  # the label alone: the lines under it are its links' headlines
            continue
        if (index < 3 or index > last - 3) and _is_byline(paragraph, author):
            continue
        kept.append(paragraph)
    if len(kept) != len(paragraphs):
        logger.debug("post-filter dropped %d paragraphs", len(paragraphs) - len(kept))
    return tuple(kept)
