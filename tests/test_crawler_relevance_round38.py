"""Round 38 of the relevance judge (issue 13), from holdout78-81's first-judgement misses (round 37 judged them once:
P 0.917, R 0.917): the split told by its doubling.

* "The two governments" (the dual "الحكومتين", "السلطتين"; ``pair = true``) beside one body of the split names its
  other side, so the split signal turns the story's dispute words into conflict evidence; named with no body of the
  split (a Libya-Tunisia trade story) it stays a word of no weight.
* A parallel board ("مجلس إدارة موازٍ") is a dispute word, as a parallel authority is.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import labelled_row, term_weight

# written for this round: the same dispute beside one body of the split, and a trade story with no body of it
SPLIT = (
    "خلاف على إيرادات الموانئ بين الحكومتين",
    "بنغازي - وال\nرفضت حكومة طبرق قرار وزارة المالية في طرابلس تحويل إيرادات موانئ الشرق إلى حساب موحد، في تصعيد "
    "جديد للخلاف بين الحكومتين على الموارد. واتهم متحدث باسم الحكومة الطرف الآخر بالاستيلاء على المال العام، فيما "
    "رفضت طرابلس ما وصفته بقرارات أحادية تعمق الانقسام.\nويتنازع الطرفان منذ أشهر على إدارة الموانئ والمنافذ.",
)
TRADE = (
    "الحكومتان الليبية والتونسية توقعان اتفاقا لتسهيل التجارة عبر رأس اجدير",
    "تونس - وات\nوقعت الحكومتان الليبية والتونسية اتفاقا لتسهيل حركة البضائع عبر معبر رأس اجدير، يقضي بتوحيد "
    "إجراءات الجمارك وتقليص مدة العبور. ورفض الجانبان فرض رسوم جديدة على الشاحنات، واتفقا على اجتماع للجنة "
    "المشتركة بعد ثلاثة أشهر لتقييم التنفيذ.",
)


def test_the_two_governments_beside_one_body_turn_the_split_on(lexicon: Lexicon) -> None:
    split = judge(*SPLIT, lexicon)
    assert split.relevant
    assert term_weight(split, "الحكومتين") > 0
    trade = judge(*TRADE, lexicon)
    assert not trade.relevant
    assert term_weight(trade, "الحكومتين") == 0


def test_pair_is_checked_at_load(lexicon: Lexicon) -> None:
    # round 42 added the institutions doubled by the split ("إدارة موازية"); every pair term is a dispute word
    pairs = [t for t in lexicon.terms if t.pair]
    assert {"الحكومتين", "إدارة موازية"} <= {t.term for t in pairs}
    assert all(t.feeds == ("dispute",) for t in pairs)


@pytest.mark.parametrize(("split", "row_id"), [("holdout79.jsonl", "h79-05"), ("holdout60.jsonl", "h60-18")])
def test_the_blind_misses_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert judge(*labelled_row(split, row_id), lexicon).relevant
