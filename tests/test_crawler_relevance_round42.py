"""Round 42 of the relevance judge (issue 13): the split told through the institutions it doubled, and the world's
other peace processes (from the first-judgement errors of holdout106-109, judged once by round 41: P 0.939, R 0.861).

* An institution doubled by the split (a parallel administration, authority, body, board or oil corporation; two
  rival boards; institutions duplicated) is a pair term (``pair = true``, "إدارة موازية"): beside one body of the split
  it names the other side, as "the two governments" does, and the story's dispute words count.
* A de facto authority ("سلطة الأمر الواقع") is a rival authority's dispute word.
* Colombia and the FARC, Sri Lanka and the Tamil Tigers, Chechnya are other war theatres.
"""

from __future__ import annotations

import dataclasses

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, labelled_row, matched_names

# written for this round: id -> (why, title, body, relevant)
PROBES = {
    "registry": (
        "a parallel civil registry beside the eastern government: the split told without war words",
        "هيئة موازية للأحوال المدنية في بنغازي.. وطرابلس: قيود بلا ترميز معتمد",
        "بنغازي - الوسط:\nأنشأت الحكومة المكلفة من مجلس النواب هيئة موازية للأحوال المدنية مقرها بنغازي، بعد أن رفضت "
        "المصلحة في طرابلس ربط مكاتب الشرق بالمنظومة المركزية. وقالت المصلحة إن القيود التي تصدرها الهيئة الجديدة "
        "باطلة ولا تعترف بها، فيما اتهمت الهيئة طرابلس بعرقلة الخدمة عمدا منذ بداية الخلاف.\nوينتظر آلاف المواطنين "
        "في الشرق أرقامهم الوطنية، ما يعطل صرف منحة الأبناء والمرتبات وإصدار الجوازات، ويقول موظفون إن المواطن صار "
        "رهينة خلاف لا يد له فيه بين جهتين تصدر كل منهما تعليمات تناقض الأخرى.",
        True,
    ),
    "new_office": (
        "the same government opens a new registry office: one body, no doubling, no split",
        "افتتاح مكتب جديد للأحوال المدنية في بنغازي لتخفيف الزحام",
        "بنغازي - الوسط:\nافتتحت الحكومة المكلفة من مجلس النواب مكتبا جديدا للأحوال المدنية في حي السلماني ببنغازي، "
        "لتخفيف الزحام عن المكتب الرئيسي. وقال مدير المكتب إن الموظفين سيستقبلون المواطنين من الثامنة صباحا، وإن "
        "المنظومة الإلكترونية تتيح إصدار شهادات الميلاد والقيود العائلية خلال يوم واحد.\nورحب المواطنون بالخطوة، "
        "فيما طالب بعضهم بفتح مكاتب مماثلة في المرج والأبيار وتوكرة، ورفض آخرون رسوم الخدمة الجديدة.",
        False,
    ),
    "parallel_market": (
        "the parallel market of the dinar beside the unity government: no parallel institution",
        "الدينار يتراجع في السوق الموازية.. وحكومة الوحدة الوطنية ترفض رفع الدعم",
        "طرابلس - وكالات:\nتراجع سعر الدينار الليبي في السوق الموازية إلى 7.4 دنانير للدولار، فيما رفضت حكومة الوحدة "
        "الوطنية مقترحا برفع الدعم عن المحروقات، مؤكدة أن الخلاف مع الخبراء يتعلق بتوقيت الإصلاح لا بضرورته.\n"
        "وقال تجار في سوق المشير إن الطلب على الدولار ارتفع مع اقتراب موسم الحج، وإن المصارف التجارية لا تلبي "
        "حاجة المواطنين من العملة الصعبة، متوقعين مزيدا من الضغط على الدينار خلال الأسابيع المقبلة.",
        False,
    ),
    "houthis": (
        "a de facto authority in Yemen: another country's split",
        "سلطة الأمر الواقع في صنعاء تطبع عملة جديدة.. والحكومة في عدن: باطلة",
        "عدن - وكالات:\nأعلن البنك المركزي اليمني في عدن أن العملة المعدنية التي سكتها سلطة الأمر الواقع في صنعاء "
        "باطلة ولا تعترف بها الحكومة الشرعية، محذرا البنوك من التعامل بها. واتهم البنك جماعة الحوثي بتعميق الانقسام "
        "النقدي في البلاد، فيما قالت صنعاء إن الخطوة تهدف إلى استبدال الأوراق التالفة.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_a_doubled_institution_is_the_pair_beside_one_body(lexicon: Lexicon) -> None:
    _, title, body, _ = PROBES["registry"]
    names = matched_names(judge(title, body, lexicon))
    assert "إدارة موازية" in names  # "هيئة موازية"
    # without the doubling the same story names one body: its dispute words count for nothing. (Round 50's
    # camp-marked institutions read this story's registry "set up by the House-appointed government in Benghazi",
    # refused by Tripoli, as the split on their own: switched off here to test round 42's mechanism alone.)
    alone = dataclasses.replace(lexicon, scoring=dataclasses.replace(lexicon.scoring, camp_weight=0))
    # (round 57 reads "بين جهتين تصدر كل منهما تعليمات تناقض الأخرى", two bodies each contradicting the other, as the
    # doubling too: it goes as well)
    plain = judge(
        title.replace("موازية", "جديدة"),
        body.replace("هيئة موازية", "هيئة جديدة").replace("بين جهتين", "بين طرفين"),
        alone,
    )
    assert not plain.relevant


@pytest.mark.parametrize(
    ("split", "row_id", "relevant"),
    [
        ("holdout107.jsonl", "h107-07", True),
        ("holdout107.jsonl", "h107-31", True),
        ("holdout109.jsonl", "h109-26", True),
        ("holdout108.jsonl", "h108-27", False),
    ],
)
def test_the_blind_errors_this_round_mends(lexicon: Lexicon, split: str, row_id: str, relevant: bool) -> None:
    assert judge(*labelled_row(split, row_id), lexicon).relevant is relevant
