"""Round 52 of the relevance judge: two terms the 2011 war is told with (holdout168).

* "الثوار الليبيين" (the Libyan rebels, with their nisba) names an armed party of Libya's war; "الثوار" alone is also
  Syria's and Yemen's, so only the Libyan forms are a term.
* "منطقة حظر جوي" (a no-fly zone) is a war's word, country-neutral: a sentence about another theatre's no-fly zone
  keeps it that theatre's (round 19).

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

MENDED = {
    "rebels with their nisba": (
        "a foreign army's men on the ground beside the Libyan rebels is foreign intervention in Libya's war",
        "وزير الدفاع: مستشارونا كانوا مع الثوار الليبيين حتى دخول طرابلس",
        "أقر وزير الدفاع في مؤتمر صحافي أمس بأن عشرات من المستشارين العسكريين التابعين لبلاده رافقوا الثوار الليبيين "
        "خلال الأشهر الماضية، وتولوا التدريب ونقل المعدات وتنسيق الاتصالات.\n"
        "وأضاف أن المستشارين غادروا بعد سقوط العاصمة، وأن بلاده التزمت بقرار مجلس الأمن الذي فرض منطقة حظر جوي "
        "لحماية المدنيين، مشيرا إلى أن دعم ثوار ليبيا كان قرارا سياسيا اتخذ بالتنسيق مع الحلفاء.",
        True,
    ),
}

GUARDS = {
    "Syria's rebels": (
        "rebels without a Libyan nisba are no term: Syria's war, Libya named once as an earlier case",
        "المعارضة السورية تطالب بمنطقة حظر جوي في الشمال",
        "طالب الائتلاف الوطني السوري المعارض أمس بفرض منطقة حظر جوي فوق شمال سوريا لحماية الثوار والمدنيين من قصف "
        "الطيران الحكومي، وقال رئيسه إن العالم تدخل في ليبيا قبل عامين ولم يتدخل في سوريا.\n"
        "وأضاف أن الثوار في حلب وإدلب يواجهون البراميل المتفجرة يوميا، داعيا مجلس الأمن إلى تحمل مسؤولياته.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round52_mended(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round52_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])


def test_the_rebels_term_is_listed_in_the_explanation(lexicon: Lexicon) -> None:
    _, title, body, _ = MENDED["rebels with their nisba"]
    result = judge(title, body, lexicon)
    assert "الثوار الليبيين" in [entry[0] for entry in result.matched_terms]
