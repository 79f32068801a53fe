"""Old and unusual Arabic layouts stop 37's black-box probe left misread, each on a small page through
``extract_article`` (or the date code):

1. an ``<ol>``'s items lost their numbers in the text ("- " as a bulleted list's);
2. a dateline whose day is an ordinal word ("الأحد الثامن عشر من أيار 2014") was not read: the page was dated
   1 January of the year, or by another date it prints; the same words in a sentence of the story stay no date;
3. a live blog whose updates are ``<article>``s after its headline and intro read its first update before the intro,
   and one whose updates' headings link to their own pages was refused as a listing of teasers.
"""

from __future__ import annotations

import pytest

from crawler.extraction.article import extract_article
from crawler.extraction.dates import find_published

URL = "http://legacy.example.ly/news/118.html"
HEADLINE = "أبرز بنود الاتفاق العسكري الموقع في جنيف"
INTRO = ("وقعت اللجنة العسكرية المشتركة في جنيف اتفاقا دائما لوقف إطلاق النار في جميع أنحاء ليبيا، تضمن البنود الرئيسية"
         " التالية:")
ITEMS = ["وقف فوري ودائم لإطلاق النار في جميع المناطق الليبية.",
         "خروج جميع المرتزقة والمقاتلين الأجانب من الأراضي الليبية خلال ثلاثة أشهر.",
         "عودة جميع الوحدات العسكرية إلى معسكراتها وانسحاب القوات من خطوط التماس."]
OUTRO = "ورحبت بعثة الأمم المتحدة بالاتفاق ووصفته بأنه لحظة تاريخية، داعية الطرفين إلى الالتزام الكامل بتنفيذه."
STORY = [
    "شهدت الضواحي الجنوبية لمدينة بنغازي صباح اليوم اشتباكات عنيفة بين قوات الجيش ومجموعات مسلحة متمركزة في منطقة "
    "سيدي فرج، استخدمت فيها الأسلحة الثقيلة والمتوسطة.",
    "وقال مصدر طبي في مستشفى الجلاء إن المستشفى استقبل منذ ساعات الصباح جثث سبعة قتلى وأكثر من ثلاثين جريحا، بينهم "
    "مدنيون أصيبوا بشظايا القذائف.",
    "وأفاد شهود عيان بأن طائرات عسكرية حلقت فوق معسكرات في منطقة القوارشة، فيما أغلقت الطرق المؤدية إلى وسط المدينة.",
]
STORY_HEADLINE = "اشتباكات عنيفة في ضواحي بنغازي وسقوط قتلى في صفوف الطرفين"


def read(html: str, url: str = URL):
    article = extract_article(html, url)
    assert not hasattr(article, "reason"), article
    return article


def list_page(items: str) -> str:
    """A 2020 story page: headline, byline and date, an intro, a list, a closing paragraph."""
    return (f'<!DOCTYPE html><html dir="rtl"><head><meta charset="utf-8"><title>{HEADLINE} | ليبيا 24</title></head>'
            f'<body><div class="hdr"><a href="/">ليبيا 24</a></div><article><h1>{HEADLINE}</h1>'
            f'<p class="byline">كتب: سهام الكيلاني - الجمعة 23 أكتوبر 2020</p><p>{INTRO}</p>{items}<p>{OUTRO}</p>'
            f'</article></body></html>')


def listed(article) -> list[str]:
    return [p for p in article.paragraphs if p not in (INTRO, OUTRO) and "سهام" not in p]


# --- 1. ordered lists --------------------------------------------------------------------------------------------

def test_an_ordered_lists_items_keep_their_numbers() -> None:
    article = read(list_page("<ol>" + "".join(f"<li>{x}</li>" for x in ITEMS) + "</ol>"))
    assert listed(article) == [f"{n}. {x}" for n, x in enumerate(ITEMS, start=1)]
    assert article.paragraphs[0] == INTRO and article.paragraphs[-1] == OUTRO


@pytest.mark.parametrize(("ol", "markers"), [
    ('<ol start="4">', ["4. ", "5. ", "6. "]),
    ('<ol type="a">', ["a. ", "b. ", "c. "]),
    ('<ol type="I">', ["I. ", "II. ", "III. "]),
    ("<ol reversed>", ["3. ", "2. ", "1. "]),
    ('<ol style="list-style-type: arabic-indic">', ["١. ", "٢. ", "٣. "]),  # as the page prints them
    ('<ol style="list-style: none">', ["- ", "- ", "- "]),  # the page prints no numbers: as a bulleted list
], ids=["start", "alpha", "roman", "reversed", "arabic-indic", "none"])
def test_an_ordered_list_is_numbered_as_the_page_prints_it(ol: str, markers: list[str]) -> None:
    article = read(list_page(ol + "".join(f"<li>{x}</li>" for x in ITEMS) + "</ol>"))
    assert listed(article) == [m + x for m, x in zip(markers, ITEMS, strict=True)]


def test_an_items_value_and_a_bold_start_keep_the_numbering() -> None:
    html = list_page(f"<ol><li><b>{ITEMS[0][:4]}</b>{ITEMS[0][4:]}</li><li value='7'>{ITEMS[1]}</li>"
                     f"<li>{ITEMS[2]}</li></ol>")
    assert listed(read(html)) == [f"1. {ITEMS[0]}", f"7. {ITEMS[1]}", f"8. {ITEMS[2]}"]


def test_an_unordered_list_keeps_its_dashes() -> None:
    article = read(list_page("<ul>" + "".join(f"<li>{x}</li>" for x in ITEMS) + "</ul>"))
    assert listed(article) == [f"- {x}" for x in ITEMS]


def test_an_english_ordered_list_keeps_trafilaturas_dashes() -> None:
    # the English benchmark sets' gold is the text content, without list markers (crawler.extraction.ordered_lists)
    steps = ["Fill the canner with water and set it to simmer while the jars warm.",
             "Core, peel and cube the pears, then put them in a pot with the lemon juice.",
             "Boil until the jam is thick enough to stick to the spoon, then fill the jars."]
    html = ("<html><head><title>Spiced honey pear jam, a recipe for the autumn</title></head><body><article>"
            "<h1>Spiced honey pear jam, a recipe for the autumn</h1><p>" + "This jam keeps the taste of the autumn "
            "pears for the whole winter, and it is easy to make at home. " * 3 + "</p><ol>"
            + "".join(f"<li>{x}</li>" for x in steps) + "</ol></article></body></html>")
    article = read(html, "http://blog.example.com/2017/12/pear-jam/")
    assert [p for p in article.paragraphs if p[2:] in steps] == [f"- {x}" for x in steps]


# --- 2. ordinal datelines ------------------------------------------------------------------------------------------

def dated_page(date_line: str, body: list[str] = STORY) -> str:
    """A 2010s page: a nav, the h1, a date line, the story's <p>s, a footer; no date in its markup."""
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{STORY_HEADLINE}</title>'
            f'</head><body><div class="nav"><a href="/">ليبيا المستقبل</a></div><h1>{STORY_HEADLINE}</h1>'
            f'<div class="date">{date_line}</div><div class="article-body">'
            + "".join(f"<p>{p}</p>" for p in body) + "</div><footer>ليبيا المستقبل</footer></body></html>")


@pytest.mark.parametrize(("date_line", "day"), [
    ("الأحد الثامن عشر من أيار 2014", "2014-05-18"),  # Levantine
    ("الخميس الحادي والعشرين من فبراير 2019", "2019-02-21"),  # Egyptian / Gulf
    ("الجمعة الخامس من جويلية 2019", "2019-07-05"),  # Maghrebi
    ("19 رجب 1435 هـ الموافق الثامن عشر من مايو 2014 م", "2014-05-18"),  # after a Hijri date
    # a byline before it, a time after (since stop 39 read with the day: a local time, no zone printed)
    ("كتب: محمد علي - الحادي عشر من ماي 2014 - 14:05", "2014-05-11T14:05"),
    ("الثلاثاء الواحد والثلاثين من كانون الأول لعام 2013", "2013-12-31"),
], ids=["levantine", "egyptian", "maghrebi", "hijri-first", "byline-time", "cardinal-31"])
def test_an_ordinal_dateline_dates_the_page(date_line: str, day: str) -> None:
    article = read(dated_page(date_line))
    assert article.published == day


def test_an_ordinal_dateline_in_a_legacy_font_beats_htmldates_first_of_january() -> None:
    html = (f'<html><head><meta charset="utf-8"><title>تفاصيل الخبر</title></head><body dir="rtl">'
            f'<table width="100%"><tr><td><font size="5"><b>{STORY_HEADLINE}</b></font><br>'
            f'<font size="1">الأحد الثامن عشر من أيار 2014</font></td></tr><tr><td>{"<br><br>".join(STORY)}</td></tr>'
            f'</table></body></html>')
    assert find_published(html, URL, headline="تفاصيل الخبر") == ("2014-05-18", "text")


def test_an_ordinal_date_in_a_sentence_is_no_publication_date() -> None:
    from crawler.extraction.ordinal_dates import numeric_dateline

    sentence = "وفي الثامن عشر من أيار 2014 أعلن اللواء المتقاعد خليفة حفتر بدء عملية عسكرية واسعة في مدينة بنغازي."
    article = read(dated_page("", [sentence, *STORY]))
    assert article.published != "2014-05-18"
    short = "وقعت الحادثة في الثامن عشر من أيار 2014."
    assert numeric_dateline(short) == short  # a short sentence is not a dateline either
    for words in ("الأسبوع الأول من مارس 2014", "أول أمس", "الربع الثاني من عام 2014"):
        assert numeric_dateline(words) == words  # relative words and periods are no day


# --- 3. live blogs -------------------------------------------------------------------------------------------------

LIVE_TITLE = "تغطية مباشرة: التحركات العسكرية في محيط طرابلس"
LIVE_INTRO = "نتابع في هذه التغطية المباشرة آخر تطورات التحركات العسكرية في محيط العاصمة الليبية طرابلس لحظة بلحظة."
UPDATES = [
    ("18:40", "الوفاق تعلن النفير العام",
     "أعلنت حكومة الوفاق الوطني النفير العام ودعت جميع القوات التابعة لها إلى التصدي لأي هجوم على العاصمة."),
    ("17:15", "رتل عسكري يدخل غريان", "قالت مصادر محلية إن رتلا عسكريا تابعا للقيادة العامة دخل مدينة غريان دون مقاومة تذكر."),
    ("15:50", "غوتيريش يدعو إلى ضبط النفس",
     "أعرب الأمين العام للأمم المتحدة أنطونيو غوتيريش، الموجود في طرابلس، عن قلقه العميق من التحركات العسكرية."),
    ("14:20", "المسماري يعلن بدء العملية", "أعلن المتحدث باسم القيادة العامة أحمد المسماري بدء عملية عسكرية للسيطرة على غرب البلاد."),
]


def live_page(link: str, tag: str = "article") -> str:
    posts = "".join(f'<{tag} class="live-post"><time>{t}</time><h2><a href="{link.format(i)}">{h}</a></h2><p>{x}</p>'
                    f"</{tag}>" for i, (t, h, x) in enumerate(UPDATES))
    return (f'<!DOCTYPE html><html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>{LIVE_TITLE} - قناة ليبيا'
            f'</title></head><body><div class="hdr"><a href="/">قناة ليبيا</a></div><h1>{LIVE_TITLE}</h1>'
            f'<div class="meta">الخميس 4 أبريل 2019</div><p class="lead">{LIVE_INTRO}</p><div class="live">{posts}</div>'
            f'<footer><a href="/about">من نحن</a></footer></body></html>')


@pytest.mark.parametrize("link", ["#update-{}", "/live/116/update/{}.html"], ids=["fragment", "own-pages"])
def test_a_live_blogs_intro_comes_first_and_permalinked_updates_are_no_listing(link: str) -> None:
    article = read(live_page(link), "http://libya.example.ly/live/116.html")
    prose = [p for p in article.paragraphs if p == LIVE_INTRO or any(p == x for _, _, x in UPDATES)]
    assert prose == [LIVE_INTRO, *(x for _, _, x in UPDATES)]
    assert article.title == LIVE_TITLE and article.published == "2019-04-04"


def test_a_front_page_of_teasers_under_its_name_is_still_a_listing() -> None:
    teasers = "".join(f'<article><h2><a href="/news/{i}.html">{h} في العاصمة الليبية اليوم</a></h2><p>{x}</p></article>'
                      for i, (_, h, x) in enumerate(UPDATES))
    html = (f'<html><head><meta charset="utf-8"><title>قناة ليبيا</title></head><body><h1>قناة ليبيا</h1>'
            f'<p>{LIVE_INTRO}</p><div>{teasers}</div></body></html>')
    article = extract_article(html, "http://libya.example.ly/latest.html")
    assert getattr(article, "reason", None) == "not-article"
