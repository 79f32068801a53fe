"""The website of a Libyan print daily, on a home-grown PHP CMS that mirrors the paper: a story is
``/<yyyy>/<mm>/<dd>/<id>.html``, the issue's day in its path being the only Gregorian date of the story (no meta
date, no JSON-LD, no ``<time>``): the page prints a Hijri-only dateline under the headline ("طرابلس - الجمعة 29 رجب 1440
هـ"), and the top bar prints the latest issue's number and day on every page. The calendar archive ``/archive/<yyyy>-<mm>-<dd>``
answers 200 for any day, the past and the future alike, each page linking the previous and the next day and every day of
its month: an endless trap that only a depth limit ends. Story bodies hold what the paper prints: an interview in
questions and answers (each question a bold line of its own), a table of figures with a caption, footnote markers
``[n]`` with the notes under the story (each with a back-link "↩"), and a pull-quote (``<blockquote class="pullquote">``)
repeating a sentence of the story, set between its paragraphs. Each story page links its print view ``/print/...`` and
its comments ``?comments=all``, both of which robots.txt forbids. Discovery: the front page, the section pages, the RSS
feed of the latest stories, and the calendar archive (one story is only there)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content_daily import ARTICLES, SECTIONS, SITE

DISALLOW = ["/search", "/print/", "/*?comments="]
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
HIJRI_MONTHS = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان",
                "شوال", "ذو القعدة", "ذو الحجة"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
CITIES = {"local": "طرابلس", "politics": "طرابلس", "world": "وكالات", "sport": "طرابلس", "interviews": "عين زارة"}
FIRST_ISSUE = date(2014, 1, 4)  # issue numbers count from here


def hijri(day: date) -> tuple[int, int, int]:
    """(day, month, year) of ``day`` in the tabular Islamic calendar (how the paper's CMS prints its dateline)."""
    jd = day.toordinal() + 1721424.5

    def start(year: int, month: int) -> float:
        return math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + (3 + 11 * year) // 30 + 1948439.5

    year = int((30 * (jd - 1948439.5) + 10646) // 10631)
    month = min(12, math.ceil((jd - (29 + start(year, 1))) / 29.5) + 1)
    return int(jd - start(year, month)) + 1, month, year


def hijri_line(day: date) -> str:
    d, m, y = hijri(day)
    return f"{WEEKDAYS[day.weekday()]} {d} {HIJRI_MONTHS[m - 1]} {y} هـ"


def path(a: dict) -> str:
    return "/%04d/%02d/%02d/" % a["g"] + f"{a['id']}.html"


def issue_line(day: date) -> str:
    return f"العدد {(day - FIRST_ISSUE).days + 1} - {WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def table_rows(block: tuple) -> list[str]:
    """A table as the body's lines: a grid row a line ("| a | b |"), its caption first as a row of its own."""
    _, caption, header, rows = block
    width = len(header)
    return ["| " + caption + " |" + " |" * (width - 1), *("| " + " | ".join(row) + " |" for row in [header, *rows])]


def body(a: dict) -> tuple[str, ...]:
    """The story as the paper prints it, one paragraph a line: paragraphs (footnote markers as printed), questions,
    a table as its caption and its rows, then the notes' heading and each note (without its back-link); never the
    pull-quote."""
    lines: list[str] = []
    for block in a["blocks"]:
        if isinstance(block, str):
            lines.append(block)
        elif block[0] == "table":
            lines.extend(table_rows(block))
        else:
            lines.append(block[1])
    if a["notes"]:
        lines.append("الهوامش")
        # an ordered list's items as the corpus writes them: numbered since stop 38 (extraction/ordered_lists.py)
        lines.extend(f"{n}. {note}" for n, note in enumerate(a["notes"], start=1))
    return tuple(lines)


class DailySite:
    """Routes and pages of the print daily."""

    name = "daily"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(ARTICLES, key=lambda a: (a["g"], a["id"]), reverse=True)
        self.latest = date(*self.articles[0]["g"])
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def url(self, a: dict) -> str:
        return self.base + path(a)

    def expected(self) -> list[ExpectedArticle]:
        return [
            ExpectedArticle("daily", f"daily-{a['id']}", self.url(a), a["title"], body(a), a["relevant"])
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The print views and the comments pages every story links, and the search."""
        return ([f"{self.base}/print{path(a)}" for a in self.articles]
                + [f"{self.url(a)}?comments=all" for a in self.articles] + [f"{self.base}/search?q=ليبيا"])

    def encoding_for(self, path_: str) -> str | None:
        return "gzip"

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path_: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        if path_ == "/robots.txt":
            text = "User-agent: *\n" + "".join(f"Disallow: {d}\n" for d in DISALLOW)
            return Reply(200, (("Content-Type", "text/plain"),), text.encode())
        if path_ == "/rss.xml":
            return Reply(200, (("Content-Type", "text/xml; charset=utf-8"),), self.rss().encode())
        if path_ in ("/", "/index.php") and not query:
            return self.page(f"{SITE} - يومية ليبية مستقلة", self.front())
        if path_.startswith("/section/") and path_.split("/")[2] in SECTIONS:
            return self.page(f"{SECTIONS[path_.split('/')[2]]} - {SITE}", self.section(path_.split("/")[2]))
        if path_.startswith("/archive/"):
            try:
                day = date.fromisoformat(path_.split("/")[2])
            except ValueError:
                day = None
            if day is not None:
                return self.page(f"أرشيف {day.isoformat()} - {SITE}", self.archive(day))
        for a in self.articles:
            if path_ == path(a) and not query:
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.page(f"خطأ - {SITE}", "<h1>الصفحة المطلوبة غير موجودة</h1>", status=404)

    # -- discovery files -----------------------------------------------------------------------

    def rss(self) -> str:
        items = "".join(
            f"<item><title>{escape(a['title'])}</title><link>{self.url(a)}</link>"
            f"<pubDate>{format_datetime(datetime(*a['g'], tzinfo=timezone(timedelta(hours=2))))}</pubDate>"
            f"<description>{escape(a['blocks'][0][:120])}</description></item>"
            for a in self.articles
            if "feed" in a["links"]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{SITE}</title><link>{self.base}/</link><description>{SITE}</description>{items}</channel></rss>"
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200) -> Reply:
        """The paper's frame: the issue bar, the masthead and sections, ``main``, the footer."""
        menu = "".join(f'<td><a href="/section/{k}">{v}</a></td>' for k, v in SECTIONS.items())
        return html_reply(
            f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="ar">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{escape(title)}</title>
<link rel="stylesheet" href="/css/style.css" />
</head>
<body>
<div id="issue-bar">{issue_line(self.latest)} | <a href="/archive/{self.latest.isoformat()}">أرشيف الأعداد</a> | <a href="/rss.xml">RSS</a></div>
<div id="masthead"><a href="/"><img src="/images/logo.gif" alt="{SITE}" /></a></div>
<table id="menu" width="100%"><tr><td><a href="/">الرئيسية</a></td>{menu}</tr></table>
<div id="main">{main}</div>
<div id="footer">{SITE} - يومية ليبية مستقلة تصدر عن مؤسسة الرقيب للصحافة والنشر. جميع الحقوق محفوظة.</div>
</body>
</html>""",
            status=status,
        )

    def teaser(self, a: dict) -> str:
        return (f'<div class="news-item"><h3><a href="{path(a)}">{escape(a["title"])}</a></h3>'
                f'<p>{escape(a["blocks"][0][:150])}...</p></div>')

    def front(self) -> str:
        items = "".join(self.teaser(a) for a in self.articles if "home" in a["links"])
        return f'<div class="front"><h2 class="box-title">أخبار العدد</h2>{items}</div>'

    def section(self, key: str) -> str:
        items = "".join(self.teaser(a) for a in self.articles if a["section"] == key and "section" in a["links"])
        return f'<h2 class="box-title">{SECTIONS[key]}</h2>{items}'

    def archive(self, day: date) -> str:
        """One day's issue: its stories, the previous and next days, and the month's calendar (every day linked)."""
        stories = [a for a in self.articles if date(*a["g"]) == day and "archive" in a["links"]]
        items = "".join(self.teaser(a) for a in stories) or "<p>لا توجد مواد منشورة في هذا اليوم.</p>"
        first = day.replace(day=1)
        days = (first.replace(month=first.month % 12 + 1, year=first.year + first.month // 12) - first).days
        cells = "".join(f'<td><a href="/archive/{first + timedelta(days=n)}">{n + 1}</a></td>' for n in range(days))
        return (
            f'<h2 class="box-title">أرشيف العدد: {day.day} {MONTHS[day.month - 1]} {day.year}</h2>{items}'
            f'<div class="pager"><a href="/archive/{day - timedelta(days=1)}">« العدد السابق</a> '
            f'<a href="/archive/{day + timedelta(days=1)}">العدد التالي »</a></div>'
            f'<table class="calendar"><tr>{cells}</tr></table>'
        )

    def block_html(self, block: object) -> str:
        if isinstance(block, str):
            text = escape(block)
            for n in range(1, 10):
                text = text.replace(f"[{n}]", f'<sup><a href="#fn{n}" id="fnref{n}">[{n}]</a></sup>')
            return f"<p>{text}</p>"
        if block[0] == "q":
            return f'<p class="question"><strong>{escape(block[1])}</strong></p>'
        if block[0] == "h":
            return f"<h3>{escape(block[1])}</h3>"
        _, caption, header, rows = block
        head = "".join(f"<th>{escape(c)}</th>" for c in header)
        trs = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return (f'<table class="data" border="1"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
                f"<tbody>{trs}</tbody></table>")

    def story(self, a: dict) -> Reply:
        blocks = [self.block_html(b) for b in a["blocks"]]
        if a["pull"]:
            sentence, after = a["pull"]
            blocks.insert(after + 1, f'<blockquote class="pullquote"><p>«{escape(sentence)}»</p></blockquote>')
        notes = ""
        if a["notes"]:
            lis = "".join(f'<li id="fn{n}">{escape(note)} <a href="#fnref{n}">↩</a></li>'
                          for n, note in enumerate(a["notes"], start=1))
            notes = f'<div class="footnotes"><hr /><h4>الهوامش</h4><ol>{lis}</ol></div>'
        day = date(*a["g"])
        main = f"""<div class="article">
<div class="kicker"><a href="/section/{a["section"]}">{SECTIONS[a["section"]]}</a></div>
<h1 class="article-title">{escape(a["title"])}</h1>
<div class="dateline">{CITIES[a["section"]]} - {SITE} | {hijri_line(day)}</div>
<div class="article-body">{"".join(blocks)}{notes}</div>
<div class="article-tools"><a href="/print{path(a)}">نسخة للطباعة</a> | <a href="{path(a)}?comments=all">التعليقات</a></div>
</div>
<div class="more-news"><h3>المزيد من أخبار العدد</h3><ul>{"".join(f'<li><a href="{path(o)}">{escape(o["title"])}</a></li>' for o in self.articles if o["id"] != a["id"] and "home" in o["links"])}</ul></div>"""
        return self.page(f"{a['title']} - {SITE}", main)
