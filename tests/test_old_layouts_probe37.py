"""Old and unusual Arabic layouts a black-box probe found misread at stop 37, each on a small page through
``extract_article`` (and the charset case through one real crawl over loopback HTTP, where the header comes from):

1. the lead paragraph, text directly in a ``<font>`` (or ``<span>``) before unclosed ``<p>``s in a table layout, was
   lost, and the site's name in the footer kept as the body's last line;
2. a readers' opinions table (one-cell rows under "آراء القراء (5)") made the page read as grid rows, the story's
   paragraphs glued in one line and every comment kept;
3. windows-1256 bytes declared in a ``<meta>`` but sent with Apache's default ``charset=ISO-8859-1`` were mojibake;
4. a printed full date ("الخميس 27 من أغسطس لعام 2015", or one under a headline no rule found) was stored as
   1 January of its year;
5. a one-segment generic ``<title>`` ("الأخبار", "تفاصيل الخبر") beat the headline the page shows;
6. an h1's kicker ``<span>`` was kept, and ``<br>`` or ``<small>`` inside it glued words;
7. Egyptian bylines "كتب - name" were stored as "كتب", and a byline printed as a line ("كتب: X" in a ``<font>``,
   ``div.meta``) was not read;
8. chrome lines kept in bodies: a date stamp, "المصدر: وكالات", a copyright / site-name footer, the headlines under a
   "related" label, a "تابعونا على" prompt.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import crawl_cli, reply, rows

from crawler.extraction.article import extract_article
from crawler.extraction.decode import decode_html

HOST = "127.0.0.137"  # no other test serves on it
URL = "http://legacy.example.ly/news/127.html"
HEADLINE = "اشتباكات عنيفة في ضواحي بنغازي وسقوط قتلى في صفوف الطرفين"
P = [
    "شهدت الضواحي الجنوبية لمدينة بنغازي صباح اليوم اشتباكات عنيفة بين قوات الجيش ومجموعات مسلحة متمركزة في منطقة "
    "سيدي فرج، استخدمت فيها الأسلحة الثقيلة والمتوسطة.",
    "وقال مصدر طبي في مستشفى الجلاء إن المستشفى استقبل منذ ساعات الصباح جثث سبعة قتلى وأكثر من ثلاثين جريحا، بينهم "
    "مدنيون أصيبوا بشظايا القذائف.",
    "وأفاد شهود عيان بأن طائرات عسكرية حلقت فوق معسكرات في منطقة القوارشة، فيما أغلقت الطرق المؤدية إلى وسط المدينة.",
    "من جهتها، دعت الحكومة المؤقتة في طرابلس جميع الأطراف إلى ضبط النفس ووقف إطلاق النار فورا.",
    "ويأتي هذا التصعيد بعد أشهر من الاغتيالات التي طالت ضباطا وناشطين في المدينة، دون أن تعلن أي جهة مسؤوليتها.",
]
SITE = "ليبيا المستقبل"
COMMENTS = [
    ("رمضان - أوباري", "الحقل في أرضنا ونحن لا نرى منه شيئا، لا طرق ولا مستشفيات ولا وظائف لأبناء المنطقة فلماذا يلوموننا؟"),
    ("ناصر", "إغلاق النفط جريمة في حق كل الليبيين، فالرواتب كلها تعتمد على هذه الإيرادات ومن يغلق الحقول يحاسب."),
    ("مواطنة", "المشكلة الحقيقية في توزيع الثروة بشكل عادل بين المناطق، ولو كانت هناك تنمية لما وصلنا إلى هذا."),
    ("محمود الطرابلسي", "كل مرة يغلقون الحقل ثم يفتحونه بعد دفع الأموال، وهكذا أصبح الإغلاق وسيلة للابتزاز في البلاد."),
    ("أبو بكر", "نطالب المؤسسة الوطنية للنفط بالشفافية في نشر أرقام الإنتاج والإيرادات وأين تذهب هذه الأموال بالضبط."),
]


def legacy(inner: str, title: str, head: str | None = None, charset: str = "utf-8") -> str:
    """A 2000s table-layout page: a menu row, the headline and date cell, ``inner``, the site's name as footer."""
    head = head if head is not None else f'<font size="5"><b>{HEADLINE}</b></font><br><font size="1">الأحد 18 أيار 2014</font>'
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><title>{title}</title>'
            f'</head><body dir="rtl"><table width="100%"><tr><td><a href="/">{SITE}</a> | '
            f'<a href="/sec.php?id=1">أخبار ليبيا</a></td></tr></table><table width="100%"><tr><td>{head}</td></tr>'
            f'<tr><td>{inner}</td></tr></table><p align="center"><font size="1">{SITE}</font></p></body></html>')


def modern(h1: str, title: str, og: str = "", date: str = "الأحد 18 مايو 2014", inner: str = "") -> str:
    """A 2010s page: a nav, the h1, a date line, the story's <p>s in a div, a footer."""
    meta = f'<meta property="og:title" content="{og}">' if og else ""
    inner = inner or "".join(f"<p>{p}</p>" for p in P)
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>'
            f'<body><div class="nav"><a href="/">{SITE}</a> <a href="/libya">أخبار ليبيا</a></div>{h1}'
            f'<div class="date">{date}</div><div class="article-body">{inner}</div><footer>{SITE}</footer></body></html>')


def read(html: str | bytes, url: str = URL, **kwargs):
    article = extract_article(html, url, **kwargs)
    assert not hasattr(article, "reason"), article
    return article


@pytest.mark.parametrize("wrapper", ["font", "span"])
def test_lead_paragraph_in_an_inline_wrapper_before_unclosed_paragraphs_is_kept(wrapper: str) -> None:
    inner = f'<{wrapper} face="Tahoma" size="2">{P[0]}<p>{P[1]}<p>{P[2]}<p>{P[3]}<p>{P[4]}</{wrapper}>'
    article = read(legacy(inner, f"{SITE} :: {HEADLINE}"))
    assert article.paragraphs == tuple(P)  # the lead first, no headline/date line, no site-name footer


def test_readers_opinions_table_stays_out_and_paragraphs_stay_apart() -> None:
    rows_ = "".join(f'<tr><td class="ra2y_name"><b>{a}</b></td></tr><tr><td class="ra2y_txt">{t}</td></tr>'
                    for a, t in COMMENTS)
    html = (f'<html><head><meta charset="utf-8"><title>الجنوب الليبي - تفاصيل الخبر</title></head><body dir="rtl">'
            f'<table width="100%"><tr><td><a href="/">الجنوب الليبي</a> | <a href="/cat.php?c=1">أخبار</a></td></tr>'
            f'</table><table width="760"><tr><td><font size="4" color="#8B0000"><b>{HEADLINE}</b></font><br>'
            f'<font size="1">الاثنين 10 ديسمبر 2018 | بقلم: عمر الحضيري</font><br><br>'
            f'<font size="2">{"<br><br>".join(P[:3])}</font></td></tr></table>'
            f'<table width="760" class="ra2y"><tr><td><b>آراء القراء (5)</b></td></tr>{rows_}</table></body></html>')
    article = read(html, "http://south.example.ly/news/126.html")
    assert article.paragraphs == tuple(P[:3])
    assert article.title == HEADLINE
    assert article.author == "عمر الحضيري"
    assert article.published == "2018-12-10"


def test_windows_1256_page_under_apaches_latin1_header_is_read_in_its_meta_charset() -> None:
    page = legacy("<br><br>".join(P), f"{SITE} :: {HEADLINE}", charset="windows-1256").encode("windows-1256")
    assert decode_html(page, "text/html; charset=ISO-8859-1") == page.decode("windows-1256")
    article = read(page, http_charset="ISO-8859-1")
    assert article.title == HEADLINE and article.language == "ar"
    assert article.paragraphs[0] == P[0]
    # a Latin page whose stale <meta> names windows-1256 keeps the header's charset: no Arabic letters in it
    latin = "<html><head><meta charset=windows-1256><title>Caf\xe9</title></head><body>d\xe9j\xe0 vu</body></html>"
    assert decode_html(latin.encode("cp1252"), "text/html; charset=ISO-8859-1") == latin
    # and another header keeps its rank (WHATWG): a page sent as windows-1251 is read in it
    cyrillic = "<html><head><meta charset=windows-1256></head><body>Привет</body></html>".encode("cp1251")
    assert "Привет" in decode_html(cyrillic, "text/html; charset=windows-1251")


def test_a_printed_full_date_beats_htmldates_first_of_january() -> None:
    article = read(modern(f"<h1>{HEADLINE}</h1>", f"{HEADLINE} - {SITE}", date="الخميس 27 من أغسطس لعام 2015"))
    assert article.published == "2015-08-27"
    # under a headline no rule finds (the <title> names only the page kind), the one day of that year printed
    from crawler.extraction.dates import find_published

    html = legacy("<br><br>".join(P), "تفاصيل الخبر")
    assert find_published(html, URL, headline="تفاصيل الخبر") == ("2014-05-18", "text")


@pytest.mark.parametrize("page", [
    modern(f"<h1>{HEADLINE}</h1>", "الأخبار"),
    legacy("<br><br>".join(P), "تفاصيل الخبر"),
    modern(f'<table><tr><td class="title">{HEADLINE}</td></tr></table>', "الرئيسية"),
], ids=["h1", "big-font", "td-title"])
def test_a_one_segment_generic_title_gives_way_to_the_shown_headline(page: str) -> None:
    assert read(page).title == HEADLINE


@pytest.mark.parametrize("h1", [
    f'<h1><span class="kicker">ليبيا</span> {HEADLINE}</h1>',
    "<h1>اشتباكات عنيفة في ضواحي بنغازي<br>وسقوط قتلى في صفوف الطرفين</h1>",
    f"<h1>{HEADLINE}<small>مصادر طبية: سبعة قتلى وثلاثون جريحا</small></h1>",
], ids=["kicker", "br", "small"])
def test_headline_without_kicker_and_with_its_lines_spaced(h1: str) -> None:
    assert read(modern(h1, HEADLINE, og=HEADLINE)).title == HEADLINE


@pytest.mark.parametrize("byline", [
    '<div class="writer">كتب - محمد عبد الرحيم</div>',
    '<div class="writer">كتبت - محمد عبد الرحيم</div>',
    '<div class="writer">كتب – محمد عبد الرحيم</div>',
    '<div class="writer">كتب ـ محمد عبد الرحيم</div>',
    '<font size="1" color="#666666">كتب: محمد عبد الرحيم &nbsp;&nbsp; نشر بتاريخ: 18 أيار 2014 - 11:45</font>',
    '<div class="meta">بقلم: محمد عبد الرحيم - 12 جانفي 2015</div>',
    '<div class="info"><span>بواسطة: محمد عبد الرحيم</span> <span>نُشر في 30 يوليو 2021</span></div>',
    '<div class="entry-meta">كتب: محمد عبد الرحيم | 2 يوليو 2022</div>',
], ids=["dash", "feminine", "en-dash", "tatweel", "font", "meta", "info", "entry-meta"])
def test_printed_bylines_name_the_author(byline: str) -> None:
    article = read(modern(f"<h1>{HEADLINE}</h1>{byline}", f"{HEADLINE} - {SITE}"))
    assert article.author == "محمد عبد الرحيم"
    assert not any("محمد عبد الرحيم" in p for p in article.paragraphs)


def test_a_role_or_prose_after_a_byline_word_is_no_author() -> None:
    byline = '<div class="meta">فريق التحرير | 4 أبريل 2019</div>'
    assert read(modern(f"<h1>{HEADLINE}</h1>{byline}", f"{HEADLINE} - {SITE}")).author is None
    prose = "<p>كتب الرئيس رسالة إلى المجلس يطلب فيها عقد جلسة طارئة لبحث الأوضاع الأمنية في المدينة.</p>"
    assert read(modern(f"<h1>{HEADLINE}</h1>", f"{HEADLINE} - {SITE}", inner=prose + "".join(
        f"<p>{p}</p>" for p in P))).author is None


@pytest.mark.parametrize("before, after", [
    ("<p>الخميس 27 أغسطس 2015 - المصدر: وكالات</p>", f"<p>{SITE} - كل الحقوق محفوظة</p>"),
    ("<p>الأربعاء ٢٣ ديسمبر ٢٠٢٠ - ١٤:٠٥</p>", "<p>للمزيد من الأخبار تابعونا على صفحتنا في فيسبوك وتويتر</p>"),
], ids=["source-and-copyright", "stamp-and-prompt"])
def test_chrome_lines_round_the_story_are_cut(before: str, after: str) -> None:
    inner = before + "".join(f"<p>{p}</p>" for p in P) + after
    assert read(modern(f"<h1>{HEADLINE}</h1>", f"{HEADLINE} - {SITE}", inner=inner)).paragraphs == tuple(P)


def test_headlines_under_a_related_label_in_a_br_run_are_cut() -> None:
    inner = ("<br><br>".join(P[:3]) + "<br><br><b>مواضيع ذات صلة:</b><br><a href='/news/9011.html'>مقتل ضابط في "
             "انفجار سيارة مفخخة وسط درنة</a><br><a href='/news/9012.html'>مجلس النواب يدعو إلى حوار وطني شامل في "
             "غدامس</a><br><br>" + "<br><br>".join(P[3:]))
    assert read(legacy(inner, f"{SITE} :: {HEADLINE}")).paragraphs == tuple(P)


def test_a_date_in_a_sentence_opening_the_story_stays() -> None:
    first = "الأحد 18 مايو 2014 - أعلنت وزارة الصحة في الحكومة المؤقتة ارتفاع عدد القتلى إلى سبعة في بنغازي."
    inner = "".join(f"<p>{p}</p>" for p in (first, *P))
    assert read(modern(f"<h1>{HEADLINE}</h1>", f"{HEADLINE} - {SITE}", inner=inner)).paragraphs[0] == first


@contextmanager
def serving(pages: dict[str, tuple[str, bytes]]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            kind, body = pages.get(self.path, ("text/plain", b""))
            reply(self, 200 if self.path in pages else 404, kind, body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_crawl_stores_a_windows_1256_page_sent_as_iso_8859_1_in_arabic(tmp_path: Path) -> None:
    page = legacy("<br><br>".join(P), f"{SITE} :: {HEADLINE}", charset="windows-1256").encode("windows-1256")
    pages = {
        "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
        "/list.html": ("text/html; charset=utf-8", '<html><body><a href="/news/103.html">خبر</a></body></html>'.encode()),
        "/news/103.html": ("text/html; charset=ISO-8859-1", page),
    }
    with serving(pages) as base:
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(f'[[outlet]]\nname = "legacy"\nstart_urls = ["{base}/list.html"]\n'
                         "article_urls = ['/news/\\d+\\.html$']\nrobots_sitemaps = false\ntopic_filter = false\n"
                         "max_depth = 1\n", encoding="utf-8")
        result = crawl_cli(seeds, tmp_path / "data", "-s", "EXTRACT_WORKERS=1")
    assert result.returncode == 0, result.stderr[-2000:]
    found = rows(tmp_path / "data", "select title, language, text from articles")
    assert [(r["title"], r["language"]) for r in found] == [(HEADLINE, "ar")], result.stderr[-2000:]
    assert found[0]["text"].split("\n")[0] == P[0]
