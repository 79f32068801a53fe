"""Round 54 of the relevance judge (from holdout174-177's errors, development data since their first judgement).

* The split told as a contest with no institution noun: both camps named (a seat or a government) and one calling the
  other's act void or unrecognised counts one camp-marked institution's worth (round 50's mechanism 31 asked for a
  ministry, registry or fund beside a camp).
* "Void" is a refusal: "باطلة", "منعدم", "لاغية" (one word, never with the article: "الباطل" is falsehood).

Every probe was written for this round (none is a holdout article); each fails on round 53.
"""

from __future__ import annotations

import pytest

from archive.corpus.arabic import tokens
from crawler.relevance.camps import camp_split, refusal
from crawler.relevance.judge import Lexicon
from tests.helpers import check_probe


@pytest.mark.parametrize(
    ("sentence", "refused"),
    [
        ("وقالت طرابلس إن القوائم باطلة ولا يعتد بها.", True),
        ("واعتبرت الحكومة المكلفة القرار منعدما.", True),
        ("ورأى المجلس أن الاتفاق أصبح لاغيا.", True),
        ("قال الخطيب إن الحق يعلو ولا يعلى عليه وإن الباطل زاهق.", False),  # falsehood, not an act called void
    ],
)
def test_an_act_called_void_is_a_refusal(sentence: str, refused: bool) -> None:
    assert refusal(tokens(sentence)) is refused


def test_both_camps_and_a_refusal_count_without_an_institution_noun() -> None:
    title = "قائمتان للمعتمرين.. الحكومة المكلفة تعتمد كشوف الشرق وطرابلس تعتبرها باطلة"
    text = "اعتمدت الحكومة المكلفة من مجلس النواب كشوف المعتمرين من المنطقة الشرقية، فيما قالت طرابلس إنها باطلة."
    assert camp_split(tokens(title), tokens(text), title, text) == 1
    one_camp = "اعتمدت الحكومة المكلفة من مجلس النواب كشوف المعتمرين، وقال معترضون إنها باطلة."
    assert camp_split([], tokens(one_camp), "", one_camp) == 0


MENDED = {
    "two lists of pilgrims": (
        "each government issuing its own list and the other calling it void is the split in paperwork, in a wire brief",
        "قائمتان للحجاج.. الحكومة المكلفة تعتمد كشوفا للمنطقة الشرقية وطرابلس تعتبرها «باطلة»",
        "بنغازي (وكالات) - اعتمدت الحكومة المكلفة من مجلس النواب أمس كشوفا بأسماء 4200 حاج من المنطقة الشرقية، "
        "وكلفت لجنة في البيضاء بتسليم التأشيرات.\n"
        "وردت طرابلس بأن الكشوف «باطلة»، وأن قائمة واحدة ستسلم إلى السلطات السعودية.",
        True,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round54_mended(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])
