"""Round 58 of the relevance judge (from holdout194-197's errors, development data since their first judgement).

* The past verbs of fighting each other ("تقاتلت", "اقتتلت", "تقاتلوا") are spellings of "القتال": an opinion piece
  on two families "whose forces fought at the gates of Tripoli" tells the war in a verb. Never the present ("تقاتل",
  "يقاتل"): a team fights for a title as often as a force fights.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge


def _terms(lexicon: Lexicon, text: str) -> list[str]:
    return [term for term, *_ in judge("خبر", text, lexicon).matched_terms]


@pytest.mark.parametrize(
    "text",
    [
        "الكتيبتان اللتان تقاتلت قواتهما في جنزور وقعتا هدنة",
        "المجموعتان اقتتلتا ثم اقتتلت فصائلهما مجددا",
        "الرجال الذين تقاتلوا على أبواب العاصمة",
    ],
)
def test_the_past_verbs_of_fighting_are_combat(lexicon: Lexicon, text: str) -> None:
    assert "القتال" in _terms(lexicon, text)


@pytest.mark.parametrize("text", ["الأهلي يقاتل من أجل اللقب", "الفرق تقاتل على الصدارة حتى الجولة الأخيرة"])
def test_the_present_is_a_title_race_as_often(lexicon: Lexicon, text: str) -> None:
    assert "القتال" not in _terms(lexicon, text)
