"""Tests of crawler.extraction.postfilter: paragraph-level boilerplate that survives extraction."""

from __future__ import annotations

import pytest

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
