"""Round 60 of the relevance judge (from holdout202-205's errors, development data since their first judgement).

* The 2024 crisis told as "the crisis over the central bank's management" ("الأزمة حول إدارة مصرف ليبيا المركزي",
  "أزمة إدارة المصرف المركزي") is a spelling of "الإدارة الجديدة للمصرف المركزي", as its trigger is (round 59).
* "The country divided between two governments" ("منقسمة بين حكومتين") is a spelling of the political division.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("تأخرت التحويلات منذ اندلاع الأزمة حول إدارة مصرف ليبيا المركزي", "الإدارة الجديدة للمصرف المركزي"),
        ("وتعطلت الاعتمادات مع أزمة إدارة المصرف المركزي", "الإدارة الجديدة للمصرف المركزي"),
        ("ولا تزال البلاد منقسمة بين حكومتين منذ 2022", "الانقسام السياسي"),
    ],
)
def test_the_crisis_and_the_division_by_their_words(lexicon: Lexicon, text: str, term: str) -> None:
    assert term in [name for name, *_ in judge("خبر", text, lexicon).matched_terms]


def test_a_school_divided_between_two_buildings_is_no_division(lexicon: Lexicon) -> None:
    terms = [name for name, *_ in judge("خبر", "المدرسة منقسمة بين مبنيين في الحي", lexicon).matched_terms]
    assert "الانقسام السياسي" not in terms
