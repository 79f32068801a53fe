"""Arabic article bodies for the mirror: sentences of the demo articles and seed texts, recombined and varied."""

from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEMO_ARTICLES = ROOT / "crawler" / "demo" / "data" / "articles.json"
SEED_FORMAT = ROOT.parent / "shared" / "seed-format"

# Sentence ends: Arabic question mark, full stop, and the seed texts' "., " joins of paragraphs.
_SENTENCE_END = re.compile(r"(?<=[.!؟])\s+|\.,\s*")
_DIGITS = re.compile(r"\d+")
TITLE_PREFIXES = ("", "", "", "عاجل: ", "تقرير: ", "بالصور: ", "مصادر: ", "تحليل: ")
PLACES = ("طرابلس", "بنغازي", "مصراتة", "سرت", "الزاوية", "سبها", "غريان", "ترهونة", "درنة", "الجفرة", "أوباري",
          "زوارة", "طبرق", "البيضاء", "الكفرة", "صبراتة", "زليتن", "بني وليد", "الخمس", "القره بوللي")


@dataclass(frozen=True)
class Source:
    """One source article: its headline, its sentences, and whether the demo marks it relevant."""

    title: str
    sentences: tuple[str, ...]
    relevant: bool


def _sentences(paragraphs: list[str]) -> list[str]:
    """Split paragraphs into sentences of at least 25 characters (shorter bits are chrome or fragments)."""
    out = []
    for paragraph in paragraphs:
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if len(s.strip()) >= 25)
    return out


def load_sources(seed_dir: Path = SEED_FORMAT) -> list[Source]:
    """The demo articles, plus the seed-format texts when ``seed_dir`` exists (their lines of 80+ characters)."""
    data = json.loads(DEMO_ARTICLES.read_text(encoding="utf-8"))
    sources = [Source(a["title"], tuple(_sentences(a["paragraphs"])), a["relevant"] is True)
               for a in data["articles"] if len(a["paragraphs"]) >= 3]
    if seed_dir.is_dir():
        for path in sorted(seed_dir.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            body = [line for line in lines if len(line) >= 80]  # the seed files keep menu lines: skip short ones
            title = next((line.strip() for line in lines if 25 <= len(line.strip()) < 120), "")
            if body and title:
                sources.append(Source(title, tuple(_sentences(body)), True))
    else:
        logger.info("%s is absent: bodies are built from the demo articles only", seed_dir)
    return sources


def _vary(sentence: str, rng: random.Random) -> str:
    """Change the numbers and one place name, so recombined pages are not near-copies of each other."""
    sentence = _DIGITS.sub(lambda m: str(rng.randint(2, 9) * 10 ** (len(m.group()) - 1) + rng.randint(0, 9)), sentence)
    for place in PLACES:
        if place in sentence and rng.random() < 0.5:
            return sentence.replace(place, rng.choice(PLACES), 1)
    return sentence


@dataclass(frozen=True)
class Body:
    """A generated article: headline, paragraphs, and the relevance of the source most of it comes from."""

    title: str
    paragraphs: tuple[str, ...]
    relevant: bool
    caption: str


def make_body(sources: list[Source], rng: random.Random, number: int) -> Body:
    """A new article: mostly one source's sentences, some from two others, numbers and places varied."""
    main, *others = rng.sample(sources, 3)
    pool = list(main.sentences) * 2 + [s for o in others for s in rng.sample(o.sentences, min(4, len(o.sentences)))]
    count = rng.randint(10, 34)
    picked = [_vary(rng.choice(pool), rng) for _ in range(count)]
    paragraphs, i = [], 0
    while i < len(picked):
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(picked[i:i + size]))
        i += size
    # One sentence unique to the page (as every real report has its own news peg).
    place = rng.choice(PLACES)
    paragraphs.insert(rng.randint(0, min(2, len(paragraphs))),
                      f"وأفاد مراسلنا في {place} في الرسالة رقم {number} بأن الأوضاع شهدت تطورات جديدة خلال الساعات الماضية.")
    title = rng.choice(TITLE_PREFIXES) + _vary(main.title, rng)
    caption = f"صورة من {rng.choice(PLACES)} (أرشيف)"
    return Body(title, tuple(paragraphs), main.relevant, caption)
