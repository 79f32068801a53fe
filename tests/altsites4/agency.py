"""A North African state news agency site of the 2010s-2020s: numbered stories (``/news/48213``, linked from the wire
lists as ``/news/48213/<Arabic slug>``, which carry a rel=canonical to the number), a "latest" wire list paged with
``?page=N``, story pages whose only date is the dateline opening the first paragraph ("طرابلس 12 مايو 2019 (وال)-",
some in Arabic-Indic digits) or a stamp under the headline in Arabic-Indic digits, today's date in the top bar, a
photo with its caption block, a related-stories list and a latest-news sidebar with their own dates, a
share-by-mail form robots.txt forbids, and an Atom feed whose ``xml:base`` is the stories' folder and whose entry
links are relative to it (RFC 4287 section 2, XML Base)."""

from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import quote

from altsites.common import ExpectedArticle, Reply, RobotsRules, html_reply

from .content import AGENCY_ARTICLES, AGENCY_CODE, AGENCY_SITE

PER_PAGE = 3
MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /search
Disallow: /news/*/share
"""
DISALLOW = ["/admin/", "/search", "/news/*/share"]
SECTIONS = {"libya": "محليات", "politics": "سياسة", "sport": "رياضة", "economy": "اقتصاد"}


def dateline(a: dict) -> str:
    """The dateline that opens the story: "طرابلس 12 مايو 2019 (وال)- " (Arabic-Indic digits for some)."""
    y, m, d = a["g"]
    text = f"{a['city']} {d} {MONTHS[m - 1]} {y} ({AGENCY_CODE})- "
    return text.translate(INDIC) if a["dateline"] == "indic" else text


class AgencySite:
    """Routes and pages of the agency."""

    name = "agency"

    def __init__(self, base: str):
        self.base = base
        self.articles = sorted(AGENCY_ARTICLES, key=lambda a: a["g"], reverse=True)
        self.by_id = {a["id"]: a for a in self.articles}
        self.listed = [a for a in self.articles if not a.get("feed_only")]
        self.robots = RobotsRules(DISALLOW)
        self.served: list[tuple[str, int]] = []

    def url(self, a: dict) -> str:
        return f"{self.base}/news/{a['id']}"

    def slugged(self, a: dict) -> str:
        return f"/news/{a['id']}/{quote(a['slug'])}"

    @staticmethod
    def paras(a: dict) -> list[str]:
        return [dateline(a) + a["paras"][0], *a["paras"][1:]]

    def expected(self) -> list[ExpectedArticle]:
        """Every story under its number, the dateline part of its first paragraph."""
        return [
            ExpectedArticle(
                "agency", f"agency-{a['id']}", self.url(a), a["title"], tuple(self.paras(a)), a["relevant"]
            )
            for a in self.articles
        ]

    def forbidden_links(self) -> list[str]:
        """The share-by-mail forms every story links to."""
        return [f"{self.base}/news/{a['id']}/share" for a in self.articles]

    # -- routing -------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], raw: str, headers: dict[str, str]) -> Reply:
        """The reply for one GET (``path`` percent-decoded)."""
        if path == "/robots.txt":
            return Reply(200, (("Content-Type", "text/plain"),), ROBOTS.encode())
        if path == "/feed/atom.xml":
            return Reply(
                200, (("Content-Type", "application/atom+xml; charset=utf-8"),), self.atom().encode()
            )
        if path in ("/", "/index.php"):
            return self.page("الرئيسية", self.listing(self.listed[:4], "أهم الأخبار"))
        if path == "/latest":
            page = int(query.get("page", "1") or 1)
            return self.page("آخر الأخبار", self.latest(page))
        if path == "/about":
            return self.page(
                "من نحن",
                f"<div class='static-page'><h1>من نحن</h1><p>{AGENCY_SITE} مؤسسة إعلامية "
                "رسمية تأسست لنقل الأخبار المحلية والدولية إلى المواطنين.</p></div>",
            )
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] == "news" and parts[1].isdigit() and int(parts[1]) in self.by_id:
            a = self.by_id[int(parts[1])]
            if len(parts) == 3 and parts[2] == "share":
                return self.page("أرسل الخبر", "<form><input name='to'/><button>أرسل</button></form>")
            if len(parts) == 2 or (len(parts) == 3 and parts[2] == a["slug"]):
                self.served.append((raw, a["id"]))
                return self.story(a)
        return self.page("خطأ", "<h1>الصفحة المطلوبة غير موجودة</h1>", status=404)

    def atom(self) -> str:
        """An Atom feed as the agency's CMS writes it: xml:base on the stories' folder, relative entry links."""
        entries = "".join(
            f'<entry><title>{escape(a["title"])}</title><link rel="alternate" type="text/html" '
            f'href="{a["id"]}"/><id>tag:lana.gov.ly,{a["g"][0]}:news/{a["id"]}</id>'
            f"<updated>{'%04d-%02d-%02d' % a['g']}T10:00:00+02:00</updated>"
            f'<summary type="html">{escape(a["paras"][0][:120])}</summary></entry>'
            for a in self.articles
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:base="{self.base}/news/" xml:lang="ar"><title>{AGENCY_SITE}</title>'
            f'<link rel="self" href="{self.base}/feed/atom.xml"/><link rel="alternate" href="/"/>'
            f"<id>tag:lana.gov.ly,2010:feed</id><updated>2021-03-07T10:00:00+02:00</updated>{entries}</feed>"
        )

    # -- pages ---------------------------------------------------------------------------------

    def page(self, title: str, main: str, *, status: int = 200, head: str = "") -> Reply:
        """The agency's shell: top bar with today's date, logo, menu, breaking ticker, ``main``, sidebar, footer."""
        today = date.today()
        stamp = f"{DAYS[today.weekday()]} {today.day} {MONTHS[today.month - 1]} {today.year}".translate(INDIC)
        nav = "".join(f'<li><a href="/section/{k}">{v}</a></li>' for k, v in SECTIONS.items())
        ticker = " | ".join(f'<a href="{self.slugged(a)}">{escape(a["title"])}</a>' for a in self.listed[:3])
        side = "".join(
            f'<li><a href="/news/{a["id"]}">{escape(a["title"])}</a><span class="time">'
            f"{('%04d/%02d/%02d' % a['g']).translate(INDIC)}</span></li>"
            for a in self.listed[:5]
        )
        return html_reply(
            f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{AGENCY_SITE} | {escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">{head}
<link rel="alternate" type="application/atom+xml" title="{AGENCY_SITE}" href="/feed/atom.xml">
<link rel="stylesheet" href="/assets/css/bootstrap-rtl.min.css"></head><body>
<div class="top-bar"><div class="container"><span class="today">{stamp}</span>
<ul class="top-links"><li><a href="/about">من نحن</a></li><li><a href="/search">بحث</a></li></ul></div></div>
<header class="site-header"><div class="container"><a class="logo" href="/"><img src="/assets/img/logo.png"
alt="{AGENCY_SITE}"></a></div><nav class="navbar"><ul class="nav">
<li><a href="/">الرئيسية</a></li><li><a href="/latest">آخر الأخبار</a></li>{nav}</ul></nav></header>
<div class="breaking"><span class="label">عاجل</span><marquee direction="right">{ticker}</marquee></div>
<div class="container"><div class="row"><div class="col-md-8">{main}</div>
<div class="col-md-4 sidebar"><div class="latest-box"><h3>آخر الأخبار</h3><ul>{side}</ul></div>
<div class="weather-box"><h3>الطقس</h3><p>طرابلس 24° - بنغازي 22° - سبها 31°</p></div></div></div></div>
<footer class="footer"><p>جميع الحقوق محفوظة © {AGENCY_SITE} 2010 - {today.year}</p>
<p><a href="/feed/atom.xml">خدمة الأخبار Atom</a></p></footer></body></html>""",
            status=status,
        )

    def item(self, a: dict) -> str:
        day = ("%04d/%02d/%02d" % a["g"]).translate(INDIC)
        return (
            f'<div class="news-item"><a href="{self.slugged(a)}"><img src="/images/news/{a["id"]}_thumb.jpg" '
            f'alt=""></a><h3><a href="{self.slugged(a)}">{escape(a["title"])}</a></h3>'
            f'<span class="news-date">{day}</span><p>{escape(a["paras"][0][:90])}...</p></div>'
        )

    def listing(self, items: list[dict], heading: str, pager: str = "") -> str:
        return f'<div class="news-list"><h2 class="box-title">{heading}</h2>{"".join(map(self.item, items))}{pager}</div>'

    def latest(self, page: int) -> str:
        """The wire: newest first, three a page, numbered pager links."""
        pages = -(-len(self.listed) // PER_PAGE)
        items = self.listed[(page - 1) * PER_PAGE : page * PER_PAGE]
        pager = "".join(
            f'<li><a href="/latest?page={n}">{n}</a></li>' for n in range(1, pages + 1) if n != page
        )
        return self.listing(items, "آخر الأخبار", f'<ul class="pagination">{pager}</ul>')

    def story(self, a: dict) -> Reply:
        """A story: headline, the stamp (some), the photo with its caption block, the text, share tools, related."""
        stamp = ""
        if a["stamp"]:
            day = ("%04d/%02d/%02d" % a["g"]).translate(INDIC)
            stamp = (
                f'<div class="news-meta"><span class="news-date"><i class="fa fa-calendar"></i> {day}</span>'
                f' <span class="views"><i class="fa fa-eye"></i> {(a["id"] % 997) + 120}</span></div>'
            )
        photo = ""
        if a["caption"]:
            photo = (
                f'<div class="news-photo"><img src="/images/news/{a["id"]}.jpg" alt="">'
                f'<div class="photo-caption">{escape(a["caption"])}</div></div>'
            )
        body = "".join(f"<p>{escape(p)}</p>" for p in self.paras(a))
        related = "".join(
            f'<li><a href="/news/{b["id"]}">{escape(b["title"])}</a> <span class="date">'
            f"{('%04d/%02d/%02d' % b['g']).translate(INDIC)}</span></li>"
            for b in self.listed
            if b is not a
        )[:1500]
        main = f"""<ol class="breadcrumb"><li><a href="/">الرئيسية</a></li><li><a href="/latest">آخر الأخبار</a></li></ol>
<div class="news-details"><h1 class="news-title">{escape(a["title"])}</h1>{stamp}{photo}
<div class="news-text">{body}</div>
<div class="share-tools"><span>شارك الخبر:</span><a href="https://www.facebook.com/sharer.php?u={self.url(a)}">فيسبوك</a>
<a href="https://twitter.com/share?url={self.url(a)}">تويتر</a><a href="/news/{a["id"]}/share">أرسل لصديق</a>
<a href="javascript:window.print()">طباعة</a></div></div>
<div class="related-news"><h3>أخبار ذات علاقة</h3><ul>{related}</ul></div>"""
        head = (
            f'<link rel="canonical" href="{self.url(a)}"><meta property="og:title" content="{escape(a["title"])}">'
            f'<meta property="og:image" content="{self.base}/images/news/{a["id"]}.jpg">'
        )
        return self.page(a["title"], main, head=head)
