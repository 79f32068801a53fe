"""A subscription or login wall in the place of a stored story: the article's page once more, its headline kept, its
body cut to a notice (and perhaps the story's opening paragraphs). Not a new version of the article (no scrapy)."""

from __future__ import annotations

import re

from archive.corpus.arabic import normalise

# The words of a wall's notice: a subscription or log-in prompt in Arabic, English or French (the languages of the
# configured outlets). Searched only in the paragraphs a re-fetched page adds to its stored story, and only where the
# rest of the story is gone (``wall_notice``), so a story that mentions subscribers keeps its edits. Written by hand:
# the phrases are the walls' own wording (Google's paywall markup names no notice, and trafilatura keeps the box as
# text), in the form ``archive.corpus.arabic.normalise`` gives the page (lower case, أ إ آ as ا, ة as ه, ى as ي).
WALL_RE = re.compile(
    r"(?:متاح|مخصص|حصري|متوفر)\w*\s+(?:فقط\s+)?للمشتركين|المشتركين\s+فقط"
    r"|اشترك\s+(?:الان|اليوم|معنا|ل(?:متابعه|مواصله|قراءه|اكمال))|ل(?:متابعه|مواصله|اكمال)\s+(?:ال)?قراءه"
    r"|لقراءه\s+(?:المقال|الخبر|التقرير|المحتوي|بقيه|باقي)|سجل\s+(?:الدخول|دخولك)\s+ل|محتوي\s+مدفوع"
    r"|subscribers?[\s-]+only|subscribe\s+(?:now|today|to\s+(?:continue|read|keep\s+reading|unlock))"
    r"|(?:log|sign)\s+in\s+to\s+(?:continue|read|keep\s+reading)|to\s+(?:continue|keep)\s+reading"
    r"|(?:available|reserved|exclusive)\s+(?:only\s+)?(?:to|for)\s+(?:our\s+)?(?:subscribers|members)"
    r"|already\s+a\s+(?:subscriber|member)|réservée?s?\s+aux\s+abonnés|abonnez-vous\s+pour|pour\s+lire\s+la\s+suite",
    re.IGNORECASE,
)
# The notice is a box, not a story: at most this many words in the paragraphs the page adds
WALL_MAX_WORDS = 80
WORD_RE = re.compile(r"\w+")


def wall_notice(title: str, text: str, stored_title: str, stored_text: str) -> str | None:
    """What shows that page ``title``/``text`` is the stored story behind a wall, or None: the same headline (in one
    normal form), every paragraph either one of the stored story's (its lead, as a metered wall shows it) or a
    paragraph it adds, those added paragraphs short (``WALL_MAX_WORDS``) and holding a subscription or log-in prompt
    (``WALL_RE``), and at least one paragraph of the story gone.

    A correction that cuts the story keeps its own words (no prompt), an edit that adds a paragraph keeps the rest,
    and a story about subscribers is longer than a box: each stays a new version.
    """
    if not stored_text or not normalise(title or "") or normalise(title or "") != normalise(stored_title or ""):
        return None
    kept = {normalise(p) for p in stored_text.split("\n") if p.strip()}
    paragraphs = [normalise(p) for p in (text or "").split("\n") if p.strip()]
    added = [p for p in paragraphs if p not in kept]
    if not added or len(kept - set(paragraphs)) == 0:
        return None
    words = sum(len(WORD_RE.findall(p)) for p in added)
    prompt = next((m for m in (WALL_RE.search(p) for p in added) if m), None)
    if prompt is None or words > WALL_MAX_WORDS:
        return None
    return (f"a {words}-word notice ({prompt[0]!r}) in the place of {len(kept - set(paragraphs))} of the stored "
            f"story's {len(kept)} paragraphs")
