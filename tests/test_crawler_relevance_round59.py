"""Round 59 of the relevance judge (from holdout198-201's errors, development data since their first judgement).

* The 2024 crisis named by its trigger, "the change of the central bank's management" ("تغيير إدارة المصرف المركزي"),
  is a spelling of "الإدارة الجديدة للمصرف المركزي" beside "أزمة المصرف المركزي".
* "The offensive on Tripoli" ("الهجوم على طرابلس", "هجومها على طرابلس", "الحرب على طرابلس") names the 2019-2020 war: a
  Libyan armed term.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge


def _terms(lexicon: Lexicon, title: str, text: str) -> dict[str, str]:
    return {term: category for term, category, *_ in judge(title, text, lexicon).matched_terms}


@pytest.mark.parametrize(
    ("text", "term", "category"),
    [
        ("تعطلت المنظومات منذ تغيير إدارة المصرف المركزي في أغسطس", "الإدارة الجديدة للمصرف المركزي", "libya_political"),
        ("ترهونة قاعدة خلفية لقوات القيادة العامة في هجومها على طرابلس", "الهجوم على طرابلس", "libya_armed"),
        ("أغلقت المدارس مع بداية الحرب على طرابلس", "الهجوم على طرابلس", "libya_armed"),
    ],
)
def test_the_crisis_and_the_offensive_by_their_names(lexicon: Lexicon, text: str, term: str, category: str) -> None:
    assert _terms(lexicon, "خبر", text).get(term) == category


def test_a_bank_elsewhere_changing_its_board_is_no_such_name(lexicon: Lexicon) -> None:
    terms = _terms(lexicon, "خبر", "قرر مجلس إدارة البنك التجاري تغيير إدارة الفرع الرئيسي في عمان")
    assert "الإدارة الجديدة للمصرف المركزي" not in terms
