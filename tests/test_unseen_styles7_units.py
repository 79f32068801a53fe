"""Unit tests for the rules the unseen styles of tests/altsites7 needed: a "continuous reading" page's appended stories
cut from its body (crawler/extraction/stream.py), and a gallery's or pager's counter line dropped
(crawler/extraction/postfilter.py)."""

from __future__ import annotations

import copy

import lxml.html
import pytest

from crawler.extraction.article import extract_article
from crawler.extraction.postfilter import filter_paragraphs
from crawler.extraction.stream import prune_appended_stories, story_blocks

URL = "https://news.example/middle-east/1256644-story"

STORIES = {
    "own": (
        "انفجار سيارة مفخخة يستهدف موكبا أمميا في بنغازي",
        [
            "قتل ثلاثة أشخاص بينهم موظفان في الأمم المتحدة في انفجار سيارة مفخخة استهدف موكبا تابعا للبعثة الأممية "
            "قرب مركز تجاري في مدينة بنغازي شرقي ليبيا.",
            "وقالت البعثة الأممية في بيان إن الانفجار وقع أثناء مرور سيارات تقل موظفين أمميين، وإن طواقمها تعمل مع "
            "السلطات المحلية لتأمين الجرحى.",
            "ولم تعلن أي جهة مسؤوليتها عن التفجير، فيما فرضت الأجهزة الأمنية طوقا حول المكان وأغلقت الطرق المؤدية "
            "إليه.",
        ],
    ),
    "next1": (
        "الهلال يضم مهاجما برازيليا قبل انطلاق الدوري",
        [
            "أعلن نادي الهلال تعاقده مع مهاجم برازيلي لمدة ثلاثة مواسم، في صفقة وصفتها إدارة النادي بأنها الأبرز في "
            "فترة الانتقالات الصيفية.",
            "وخضع اللاعب للفحص الطبي في الرياض صباح الخميس، قبل أن يوقع العقد بحضور رئيس النادي ومدير الكرة.",
        ],
    ),
    "next2": (
        "أسعار النفط ترتفع مع تراجع المخزونات الأمريكية",
        [
            "ارتفعت أسعار النفط في تعاملات الأربعاء بعد أن أظهرت بيانات رسمية تراجع مخزونات الخام في الولايات "
            "المتحدة بأكثر من توقعات المحللين.",
            "وصعد خام برنت القياسي بنسبة تجاوزت اثنين في المئة ليتداول فوق مستوى سبعة وستين دولارا للبرميل.",
        ],
    ),
}


def _block(key: str, *, level: str = "h1", microdata: bool = True, tag: str = "article") -> str:
    title, paras = STORIES[key]
    scope = ' itemscope itemtype="https://schema.org/NewsArticle"' if microdata else ""
    return (
        f'<{tag} class="article" data-url="/x/{key}"{scope}><{level}>{title}</{level}>'
        f'<time datetime="2019-08-10T17:45:00+04:00">10 أغسطس 2019</time>'
        f'<div class="share-bar"><a href="https://www.facebook.com/sharer">فيسبوك</a></div>'
        f'<div class="rich-text">{"".join(f"<p>{p}</p>" for p in paras)}</div></{tag}>'
    )


def _page(
    *,
    title: str | None = None,
    first: str = "own",
    head_extra: str = "",
    before: str = "",
    level: str = "h1",
    microdata: bool = True,
    tag: str = "article",
    canonical: str = URL,
) -> str:
    title = STORIES[first][0] if title is None else title
    others = [k for k in STORIES if k != first]
    return (
        f'<html lang="ar" dir="rtl"><head><title>{title} | مدار</title><meta property="og:title" content="{title}">'
        f'<link rel="canonical" href="{canonical}">{head_extra}</head><body><header><a href="/">مدار</a></header>'
        f'<main>{before}<div class="stream">{_block(first, microdata=microdata)}'
        + "".join(_block(k, level=level, microdata=microdata, tag=tag) for k in others)
        + '<div class="loader">جار تحميل القصة التالية...</div></div></main><footer>جميع الحقوق محفوظة</footer>'
        "</body></html>"
    )


TRENDING = (
    '<section class="trending">'
    + "".join(
        f'<article class="card"><a href="/x/{n}"><h3>عنوان قصة رائجة رقم {n} في الشريط العلوي</h3></a></article>'
        for n in range(4)
    )
    + "</section>"
)


def _body(html: str, url: str = URL) -> tuple[str, ...]:
    result = extract_article(html, url)
    return getattr(result, "paragraphs", ())


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"level": "h2"},  # the stream template prints the next stories' headlines as h2
        {"before": TRENDING},  # a strip of <article> cards before the story: trafilatura's first <article>
        {"microdata": False},
        {"tag": "div", "level": "h2"},  # the next stories in <div>s marked as NewsArticle items
    ],
)
def test_the_stories_appended_below_the_story_are_no_part_of_its_body(variant):
    assert _body(_page(**variant)) == tuple(STORIES["own"][1])


def test_the_pages_own_story_is_found_by_its_microdata_url_when_its_titles_differ():
    """An SEO title unlike the headline: the block whose data-url or mainEntityOfPage names the page is the story."""
    html = _page(title="عاجل: تفاصيل جديدة").replace('data-url="/x/own"', f'data-url="{URL}"')
    root = lxml.html.fromstring(html)
    page = copy.deepcopy(root)
    assert prune_appended_stories(page, root, URL) == 2
    assert [b.get("data-url") for b in page.iter("article")] == [URL]


def test_the_stream_is_kept_whole_when_no_block_is_the_pages_own():
    """A live blog's updates, a blog's front page: no block carries the page's title or URL, nothing is cut."""
    html = _page(title="تغطية مباشرة لتطورات الأحداث في ليبيا")
    root = lxml.html.fromstring(html)
    assert prune_appended_stories(copy.deepcopy(root), root, "https://news.example/live/1") == 0


def test_a_story_printed_twice_is_left_to_the_repeat_filter():
    """Two blocks with the page's headline (an AMP or print copy beside the story): neither is cut here."""
    html = _page().replace(_block("next1"), _block("own"))
    root = lxml.html.fromstring(html)
    assert prune_appended_stories(copy.deepcopy(root), root, URL) == 0


def test_teaser_cards_are_no_story_blocks():
    """A card (a linked headline and a line of summary, no prose) is no story block."""
    cards = "".join(
        f'<article class="card"><h2><a href="/x/{n}">عنوان قصة رائجة رقم {n}</a></h2><p>سطر من الملخص.</p></article>'
        for n in range(4)
    )
    root = lxml.html.fromstring(f"<html><body>{cards}{_block('own')}{_block('next1')}</body></html>")
    assert [b.get("data-url") for b in story_blocks(root)] == ["/x/own", "/x/next1"]


@pytest.mark.parametrize(
    "line", ["1 / 3", "2/10", "(1/3)", "صورة 1 من 3", "الصفحة 2 من 5", "Page 2 of 5", "١ / ٣"]
)
def test_a_gallery_or_pager_counter_line_is_dropped(line):
    story = "وقالت البعثة الأممية في بيان إن الانفجار وقع أثناء مرور سيارات تقل موظفين أمميين في حي الهواري."
    assert filter_paragraphs((story, line, story + " ")) == (story, story + " ")


@pytest.mark.parametrize(
    "line", ["3 - 1", "2019", "قتل 1 من 3 مصابين في الحادث", "1 of 3 patients recovered"]
)
def test_lines_with_a_number_in_a_sentence_or_a_score_are_kept(line):
    assert filter_paragraphs((line,)) == (line,)


LIVE_PROSE = (
    "The armed groups agreed to withdraw from the southern districts of the capital, the mission said, after three "
    "days of talks that ended late on Sunday night with a signed statement that both sides would keep to the line "
    "agreed in Geneva."
)


def _sections_page(title: str, header_class: str, section: str, count: int) -> str:
    """A page whose header is its own ``<article>`` (the h1, a paragraph) and whose sections (a live blog's updates,
    an interview's answers) are sibling ``<article>``s, each an h2 and more than STORY_PROSE_CHARS of prose, with a
    fragment link ("#block-2", this page) and no URL of their own."""
    head = f"<article class='{header_class}'><h1>{title}</h1><p>{LIVE_PROSE}</p></article>"
    sections = "".join(
        f"<article class='entry' id='block-{i}'><h2><a href='#block-{i}'>{section} {i}: delegations meet</a></h2>"
        f"<p>{section} {i}. {LIVE_PROSE}</p></article>"
        for i in range(count)
    )
    return (
        f"<html><head><title>{title} | Site</title><meta property='og:title' content='{title}'></head>"
        f"<body><main>{head}<div class='feed'>{sections}</div></main></body></html>"
    )


@pytest.mark.parametrize(
    ("url", "header", "section", "count"),
    [
        ("https://example.com/live/ceasefire", "live-header", "Update", 5),
        ("https://example.com/news/interview", "intro", "Answer", 4),
    ],
)
def test_a_live_blogs_or_interviews_sections_naming_no_other_page_are_kept(url, header, section, count):
    """The review's live blog and Q&A: the header <article> is the page's own, its sibling sections carry no URL of
    another page, so none is cut (before, all 5 updates and 4 answers went)."""
    html = _sections_page("Live: ceasefire talks in Tripoli", header, section, count)
    root = lxml.html.fromstring(html)
    assert prune_appended_stories(copy.deepcopy(root), root, url) == 0
    body = _body(html, url)
    assert sum(p.startswith(f"{section} {i}. ") for i in range(count) for p in body) == count  # each block's prose
    # and, since stop 38, each block's heading, a link to the block itself (crawler/extraction/update_headings.py)
    assert sum(p == f"{section} {i}: delegations meet" for i in range(count) for p in body) == count


@pytest.mark.parametrize("form", ["headline", "related"])
def test_an_appended_story_is_cut_on_a_link_naming_it(form):
    """No data-url and no microdata: a link on the headline to another page, or (hoy.com's stream) a related list
    in the block whose first link is its own headline cut short with "...", is the evidence of another story."""
    html = _page(microdata=False)
    for key in ("next1", "next2"):
        title = STORIES[key][0]
        html = html.replace(f'data-url="/x/{key}"', "")
        if form == "headline":
            html = html.replace(f"<h1>{title}</h1>", f'<h1><a href="/x/{key}">{title}</a></h1>')
        else:
            related = f'<ul class="related"><li><a href="/x/{key}">{title[:30]}...</a></li></ul>'
            html = html.replace(f"<h1>{title}</h1>", f"<h1>{title}</h1>{related}")
    root = lxml.html.fromstring(html)
    assert prune_appended_stories(copy.deepcopy(root), root, URL) == 2
    assert _body(html) == tuple(STORIES["own"][1])


def test_a_card_whose_summary_is_inside_its_link_is_no_story_block():
    """handwerksblatt's cards: the whole card (picture, headline, 200-340 characters of summary) is one link: no
    prose outside links, no story block, never cut."""
    summary = (
        "Die Botschaft ist eindeutig: ein Plakat am Hauptbahnhof setzt ein klares Zeichen gegen Rassismus. "
        * 3
    )
    cards = "".join(
        f'<article class="news-container"><a href="/betrieb/{n}" class="news-blog"><section>'
        f"<h2>Meldung Nummer {n} aus dem Handwerk</h2><p>{summary}</p></section></a></article>"
        for n in range(3)
    )
    root = lxml.html.fromstring(f"<html><body>{_block('own')}{cards}</body></html>")
    assert [b.get("data-url") for b in story_blocks(root)] == ["/x/own"]
