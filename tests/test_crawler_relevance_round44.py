"""Round 44 of the relevance judge (issue 13): the split told by the institutions it doubled, in the dual.

Rounds 42-43 read a parallel administration, body or board as the split's other side where the story places both
sides (a seat of each). The blind sets kept telling the split by its duals: two ministries of higher education and two
lists of students (h110-30), two boards for one airline (h98-33), a court stopping "an oil corporation in two forms"
(h107-19). Round 44 adds such duals to the placed pair term "إدارة موازية" (two ministries, two oil corporations, two
attachés, two different lists, "مجلسا إدارة"; round 45 dropped its "two bodies" and "two Libyan delegations"), never the construct "مجلسي
إدارة" of two companies' boards in a merger; "the two ministries" of Libya and another country are no side of the split
(``history.pair_abroad`` reads the ministries' dual too).
"""

from __future__ import annotations

import pytest

from crawler.relevance.history import pair_abroad
from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, labelled_row

# id -> (why, title, body, relevant)
PROBES = {
    "two_ministries": (
        "two ministries of education, one in each seat, issue rival exam results: the split in the dual",
        "نتيجتان لامتحان واحد.. وزارتان للتعليم في طرابلس والبيضاء تتبادلان الاتهامات",
        "طرابلس - الوسط:\nأعلنت وزارتان للتعليم، إحداهما في طرابلس والأخرى في البيضاء تابعة "
        "للحكومة المكلفة من مجلس النواب، نتيجتين مختلفتين لامتحانات الشهادة الثانوية، واتهمت كل منهما الأخرى بعرقلة "
        "اعتماد الشهادات. وقالت الوزارة في طرابلس إن النتائج الصادرة في البيضاء باطلة ولا تعترف بها، فيما رفضت "
        "البيضاء قرار طرابلس ووصفته بأنه تجاوز للصلاحيات.\nويخشى آلاف الطلاب أن ترفض الجامعات في الخارج شهاداتهم.",
        True,
    ),
    "merger": (
        "the review of round 42's p15, as written: two airlines' boards dissolved in a merger the House votes",
        "مجلس النواب الليبي يقر دمج الخطوط الليبية والأفريقية وسط خلاف على الأسطول",
        'بنغازي - وال\nصوت مجلس النواب الليبي في جلسته المنعقدة في بنغازي على قانون دمج شركتي الخطوط الجوية الليبية والخطوط الجوية الأفريقية في شركة وطنية واحدة، بعد نقاش استمر جلستين.\nوينص القانون على حل مجلسي إدارة الشركتين وتشكيل مجلس إدارة موحد خلال ستين يوما، ونقل العاملين والأصول إلى الشركة الجديدة.\nوقال المتحدث باسم المجلس عبد الله بليحق إن "الدمج يوقف نزيف الخسائر ويعيد بناء الأسطول"، مشيرا إلى أن الشركتين لا تملكان سوى عدد محدود من الطائرات الصالحة للطيران.\nورفض نواب عن الجنوب بعض مواد القانون، واتهموا إدارة الشركتين بإهمال الرحلات إلى سبها وأوباري، فيما بقي الخلاف قائما حول تقييم ديون الشركتين لدى الموردين الأجانب.\nوكانت الشركتان قد تعرضتا لخسائر كبيرة منذ 2014، بعد تدمير عدد من طائراتهما في مطار طرابلس، ويخضع الطيران الليبي لحظر دخول الأجواء الأوروبية منذ سنوات.',
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_two_ministries_of_two_countries_are_no_side() -> None:
    assert pair_abroad("", "اتفقت الوزارتان الليبية والتونسية على تبادل الخبرات.")
    assert not pair_abroad("", "تتنازع الوزارتان في طرابلس والبيضاء على الشهادات.")


@pytest.mark.parametrize(
    ("split", "row_id"),
    [("holdout110.jsonl", "h110-30"), ("holdout98.jsonl", "h98-33"), ("holdout107.jsonl", "h107-19")],
)
def test_the_blind_misses_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert judge(*labelled_row(split, row_id), lexicon).relevant
