"""Tests of crawler.extraction.postfilter: paragraph-level boilerplate that survives extraction."""

from __future__ import annotations

import pytest

from crawler.extraction import postfilter
from crawler.extraction.article import extract_article
from crawler.extraction.postfilter import drop_repeated_body, filter_paragraphs

PROSE = (
    "أعلنت حكومة الوحدة الوطنية في طرابلس اليوم عن اتفاق لوقف إطلاق النار في جنوب العاصمة بعد اشتباكات عنيفة.",
    "وقال المتحدث باسم الحكومة إن لجنة عسكرية مشتركة ستراقب تنفيذ الاتفاق على الأرض خلال الأسابيع المقبلة.",
    "وأكدت البعثة الأممية في ليبيا ترحيبها بالاتفاق ودعت جميع الأطراف إلى الالتزام به وحماية المدنيين.",
)


@pytest.mark.parametrize(
    "junk",
    [
        "اقرأ أيضا: الدبيبة يلتقي المبعوث الأممي", "إقرأ أيضاً: خبر آخر", "أخبار ذات صلة", "الصورة: أرشيفية",
        "تصوير: محمد علي", "تابعونا على فيسبوك", "Read more: Tripoli clashes resume", "Related: UN envoy visits",
        "Photo: Reuters", "© Getty Images", "Sign up for our daily newsletter", "Lea más: otra noticia",
        "Auch interessant:", "2019-11-19T08:57:40+01:00", "Leave a Reply", "Post a Comment",
        "뉴스 > 경제 > 기업·CEO", "Home > News > Middle East > Libya", "Accueil » Monde » Afrique",
        "الرئيسية › أخبار › ليبيا",
        "Your email address will not be published. Required fields are marked *",
        "You may use these HTML tags and attributes: " + " ".join(f'<{t} title="">' for t in ("a", "abbr", "b", "cite",
                                                                                             "code", "del", "em", "i", "q", "strike", "strong")),
    ],
)
def test_junk_lines_are_dropped(junk: str) -> None:
    assert filter_paragraphs((PROSE[0], junk, PROSE[1])) == (PROSE[0], PROSE[1])


@pytest.mark.parametrize(
    "kept",
    [
        "© 2019 Associated Press. All rights reserved. This material may not be published.",
        ("Related to the talks, the envoy said a second round would follow in Geneva next month, according to the "
         "statement released on Sunday by the mission and quoted by state media across the country."),
        "Sign up for a Hulu ad-free account for $11.99 a month",
        "Leave a comment below telling us which route you take to Tripoli, and we will pick a winner on Friday.",
        "Home > News",  # two items: a path, or a comparison, not a trail
        "Turnout > 60 % in Tripoli > 50 % in Benghazi > 40 % in the south, the commission said.",  # sentences
        "Oil output > 1.2 million barrels a day > the level before the blockade > the target",  # items too long
        ("الصورة التي نشرها المكتب الإعلامي للحكومة أظهرت حجم الدمار الذي لحق بالمباني السكنية في الحي بعد القصف "
         "الذي استمر ساعات طويلة خلال الليل وفق شهود عيان."),
    ],
)
def test_prose_that_looks_like_junk_is_kept(kept: str) -> None:
    assert filter_paragraphs((PROSE[0], kept, PROSE[1])) == (PROSE[0], kept, PROSE[1])


def test_byline_repeating_the_author_is_dropped() -> None:
    assert filter_paragraphs(("بقلم: أحمد المصراتي", *PROSE), author="أحمد المصراتي") == PROSE
    assert filter_paragraphs(("By James Whittaker - May 4, 2022", *PROSE), author="James Whittaker") == PROSE


def test_body_printed_twice_keeps_one_copy() -> None:
    assert drop_repeated_body(PROSE + ("الوسوم",) + PROSE) == PROSE + ("الوسوم",)


def test_short_repeated_runs_are_content() -> None:
    recipe = ("Pre-Workout Meal", "Eat 60–90 minutes before your workout", "Portion Fix: 1 Green")
    body = (PROSE[0] * 4, *recipe, PROSE[1] * 4, *recipe, PROSE[2] * 4)
    assert filter_paragraphs(body) == body



def test_a_breadcrumb_trail_read_as_the_first_paragraph_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # the layout of goose3's donga.com page: the trail, the headline and the dateline in one title block
    html = ("<html><head><meta charset='utf-8'><title>اتفاق لوقف إطلاق النار</title></head><body><div id='wrap'>"
            "<div class='article_title'><p class='location'>الرئيسية&nbsp;&gt;&nbsp;أخبار&nbsp;&gt;&nbsp;"
            "<strong>ليبيا</strong></p><h1>اتفاق لوقف إطلاق النار في جنوب طرابلس</h1>"
            "<p class='title_foot'>تاريخ النشر 2024-05-12</p></div>"
            f"<div class='article_txt'>{''.join(f'<p>{p}</p>' for p in PROSE * 2)}</div></div></body></html>")
    result = extract_article(html.encode("utf-8"), "http://tripoli.example/news/1")
    assert "الرئيسية" not in result.text and result.paragraphs[-1] == PROSE[2]
    monkeypatch.setattr(postfilter, "_is_breadcrumb", lambda paragraph: False)
    assert extract_article(html.encode("utf-8"), "http://tripoli.example/news/1").paragraphs[0] == (
        "الرئيسية > أخبار > ليبيا")  # what the rule takes out


@pytest.mark.parametrize(("line", "trail"), [
    ("Accueil » Monde » Afrique", True),
    ("뉴스 > 경제 > 기업·CEO", True),
    ("Home > News", False),  # two items: a pair, not a trail
    ("أعلن « الجيش » سيطرته « الكاملة » على المدينة", False),  # spaced quotation marks in a sentence
    ("قالت الحكومة > إن الوضع مستقر، > وإن المفاوضات مستمرة > في جنيف", False),  # an Arabic comma: prose
])
def test_what_reads_as_a_breadcrumb_trail(line: str, trail: bool) -> None:
    assert postfilter._is_breadcrumb(line) is trail
