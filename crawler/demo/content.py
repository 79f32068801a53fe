"""The demo sites' articles: loaded from the bundled JSON, addressed per site style, dated in Arabic."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from urllib.parse import quote

logger = logging.getLogger(__name__)

STYLES = ("feed", "sitemap", "legacy")
SECTIONS = {"libya": "ليبيا", "arab-world": "عربي ودولي", "sport": "رياضة", "economy": "اقتصاد"}
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
# Egyptian / Maghrebi month names (يناير...) and the Levantine double form (كانون الثاني/يناير).
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر")
LEVANTINE_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول")
HIJRI_MONTHS = ("محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان",
                "رمضان", "شوال", "ذو القعدة", "ذو الحجة")


@dataclass(frozen=True)
class DemoOutlet:
    """One demo site as the crawler sees it: a name, where it is served and which style of site it is."""

    name: str
    base_url: str  # "http://127.0.0.2:PORT", no trailing slash
    style: str  # "feed", "sitemap" or "legacy"
    display_name: str = ""

    @property
    def host(self) -> str:
        """The IP address the site is bound to (what ``allowed_domains`` names)."""
        return self.base_url.split("//", 1)[1].rsplit(":", 1)[0]


@dataclass(frozen=True)
class DemoArticle:
    """One article of a demo site, in its current (possibly edited or deleted) state."""

    key: str
    style: str  # which demo site serves it: "feed", "sitemap" or "legacy"
    seed: str | None  # "000".."004" when built from a seed document
    relevant: bool  # about the Libya conflict
    published: datetime
    section: str
    author: str
    caption: str
    tags: tuple[str, ...]
    title: str
    paragraphs: tuple[str, ...] = field(repr=False)
    origin: str = ""
    number: int | None = None  # numeric id in the URL (sitemap and legacy sites)
    slug: str | None = None  # Arabic slug in the URL (feed site)
    private: bool = False  # under a robots.txt Disallow rule: never to be fetched
    has_old_url: bool = False  # also reachable by an old URL that 301-redirects to the new one
    modified: datetime | None = None  # last edit; None when never edited
    deleted: bool = False

    @property
    def last_modified(self) -> datetime:
        """When the article last changed (publication, or the latest edit)."""
        return self.modified or self.published

    @property
    def path(self) -> str:
        """The canonical path (percent-encoded, no tracking or session parameters)."""
        if self.style == "feed":
            d = self.published
            return f"/news/{d:%Y/%m/%d}/{quote(self.slug or self.key)}"
        if self.style == "sitemap":
            return f"/private/drafts/{self.number}" if self.private else f"/{self.section}/article/{self.number}"
        return f"/article.php?id={self.number}"

    @property
    def old_path(self) -> str | None:
        """The pre-migration path that 301-redirects to :attr:`path`, if the article has one."""
        if self.has_old_url and self.style == "legacy":
            return f"/news_details.php?nid={self.number}"
        return None


def load_articles() -> list[DemoArticle]:
    """The bundled articles of all three demo sites, in site order then publication order."""
    text = resources.files(__package__).joinpath("data", "articles.json").read_text(encoding="utf-8")
    articles = [_article(raw) for raw in json.loads(text)["articles"]]
    logger.debug("loaded %d demo articles", len(articles))
    return articles


def _article(raw: dict) -> DemoArticle:
    if raw["outlet"] not in STYLES:
        raise ValueError(f"demo article {raw['key']!r}: unknown site style {raw['outlet']!r}")
    return DemoArticle(
        key=raw["key"], style=raw["outlet"], seed=raw["seed"], relevant=raw["relevant"],
        published=datetime.fromisoformat(raw["published"]), section=raw["section"], author=raw["author"],
        caption=raw["caption"], tags=tuple(raw["tags"]), title=raw["title"],
        paragraphs=tuple(raw["paragraphs"]), origin=raw["origin"], number=raw["id"], slug=raw["slug"],
        private=raw["private"], has_old_url=raw["old_url"])


def hijri(day: date) -> tuple[int, int, int]:
    """The (year, month, day) of ``day`` in the tabular Islamic calendar (Kuwaiti algorithm)."""
    # Julian day number, then the arithmetical calendar of 30-year cycles; Umm al-Qura differs by a day
    # at most, as it does on real sites that print both dates.
    jdn = day.toordinal() + 1721425
    rest = jdn - 1948440 + 10632
    cycle = (rest - 1) // 10631
    rest = rest - 10631 * cycle + 354
    j = ((10985 - rest) // 5316) * ((50 * rest) // 17719) + (rest // 5670) * ((43 * rest) // 15238)
    rest = rest - ((30 - j) // 15) * ((17719 * j) // 50) - (j // 16) * ((15238 * j) // 43) + 29
    month = (24 * rest) // 709
    return 30 * cycle + j - 30, month, rest - (709 * month) // 24


def arabic_date(moment: datetime, form: str) -> str:
    """``moment`` written as an Arabic site would print it in a byline.

    Forms: "short" (17 يوليو 2019 - 11:05), "levantine" (الأربعاء 17 تموز/يوليو 2019 - 11:05) and
    "hijri" (الأربعاء 17 يوليو 2019 الموافق 14 ذو القعدة 1440).
    """
    weekday = WEEKDAYS[moment.weekday()]
    month = MONTHS[moment.month - 1]
    if form == "short":
        return f"{moment.day} {month} {moment.year} - {moment:%H:%M}"
    if form == "levantine":
        return f"{weekday} {moment.day} {LEVANTINE_MONTHS[moment.month - 1]}/{month} {moment.year} - {moment:%H:%M}"
    if form == "hijri":
        hy, hm, hd = hijri(moment.date())
        return f"{weekday} {moment.day} {month} {moment.year} الموافق {hd} {HIJRI_MONTHS[hm - 1]} {hy}"
    raise ValueError(f"unknown date form {form!r}")


def http_date(moment: datetime) -> str:
    """``moment`` as an RFC 9110 HTTP-date (also the RSS 2.0 pubDate form with GMT)."""
    utc = moment.astimezone(UTC)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{days[utc.weekday()]}, {utc.day:02d} {months[utc.month - 1]} {utc:%Y %H:%M:%S} GMT"


def summary(article: DemoArticle, limit: int = 160) -> str:
    """The first words of the article, cut at a word boundary, as feeds and meta descriptions show them."""
    first = article.paragraphs[0] if article.paragraphs else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"
