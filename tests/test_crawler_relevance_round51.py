"""Round 51 of the relevance judge: round 50's camp marks read as written (holdout143, holdout146).

* A camp named by a phrase is matched on normalised words with its clitic: round 50 compared the raw spelling
  "المؤقته" with the normalised "الموقته" and the bare "الحكومه" with "بالحكومه", so "وزارة الصحة بالحكومة المؤقتة",
  "التابعة للحكومة المؤقتة" and "بحكومة الوحدة" marked no camp at all.
* Non-recognition in more everyday words: "غير مختصة", "غير مخولة", "لن تعتمد", "لا يعتمد", "عدم اعتمادها", "عدم
  الاعتراف", and each with a leading "و" ("ولن تعتمد").
* A committee a government formed ("لجنة ... التابعة للحكومة المؤقتة") is an institution.

Every probe here was written for this round (none is a holdout article). The unit tests of ``camp_marks`` and
``refusal`` fail on round 50's code; the end-to-end probes check the verdicts.
"""

from __future__ import annotations

import pytest

from archive.corpus.arabic import tokens
from crawler.relevance.camps import camp_marks, refusal
from crawler.relevance.judge import Lexicon
from tests.helpers import check_probe


@pytest.mark.parametrize(
    ("sentence", "marks"),
    [
        ("قالت وزارة الصحة بالحكومة المؤقتة إن العقود سليمة.", ["east"]),
        ("قالت وزارة الصحة في الحكومة المؤقتة إن العقود سليمة.", ["east"]),
        ("أعلنت هيئة الرقابة التابعة للحكومة المؤقتة نتائجها.", ["east"]),
        ("قررت وزارة الاقتصاد بحكومة الوحدة الوطنية رفع الرسوم.", ["west"]),
        ("قالت وزارة التعليم بالحكومة المكلفة من مجلس النواب إن الامتحان في موعده.", ["east"]),
        ("أصدرت لجنة أزمة الوقود التابعة للحكومة المؤقتة تعليماتها.", ["east"]),
        ("قالت وزارة الصحة المصرية إن الحكومة المؤقتة في ليبيا طلبت أطباء.", []),  # a foreign ministry
        ("وقع الوزير اتفاقا مع الحكومة المؤقتة أمس.", []),  # no institution noun
    ],
)
def test_a_camp_is_read_in_its_normalised_spelling_and_with_its_clitic(
    sentence: str, marks: list[str]
) -> None:
    assert camp_marks(sentence) == marks


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("وقالت الشركة إن الفواتير لن تعتمد في حساباتها", True),
        ("وقالت الشركة إن الكميات لن تدخل في حساباتها ولن تُعتمد فواتيرها", True),
        ("صادرة عن جهة غير مختصة بحسب الصندوق", True),
        ("وحذرت من جهات غير مخولة بالتوزيع", True),
        ("أعلنت الوزارة عدم اعتمادها للطبعة الجديدة", True),
        ("ودعت إلى عدم الاعتراف بالقرار", True),
        ("ولا يعترف الصندوق بالقرارات", True),
        ("اعتمدت الوزارة الطبعة الجديدة للكتاب", False),
        ("قالت الوزارة إن القرار لا يزال قيد الدراسة", False),
    ],
)
def test_non_recognition_in_everyday_words(text: str, refused: bool) -> None:
    assert refusal(tokens(text)) is refused


# probes: id -> (why, title, body, relevant)
MENDED = {
    "pensions-two-funds": (
        "a pension fund's eastern branch follows the interim government's social affairs ministry, Tripoli's head "
        "office calls its decisions those of an authority not competent",
        "متقاعدو درنة بلا زيادة.. صندوق الضمان في طرابلس: قرارات الفرع غير نافذة",
        "درنة - خاص\nلم يتسلم نحو ثلاثة آلاف متقاعد في درنة الزيادة التي أقرها صندوق الضمان الاجتماعي في طرابلس "
        "مطلع العام، لأن فرع الصندوق في المدينة يتبع وزارة الشؤون الاجتماعية بالحكومة المؤقتة ويصرف من ميزانيتها. "
        "وقال مسؤول في الإدارة العامة للصندوق إن قرارات التقاعد التي يصدرها الفرع صادرة عن جهة غير مختصة، وإن "
        "الإدارة لن تعتمد ملفاتها قبل مراجعتها. وقال متقاعد إنه راجع الفرع خمس مرات دون جدوى، ودعا أعيان درنة "
        "الإدارتين إلى توحيد كشوف المستحقين في ليبيا.",
        True,
    ),
}

GUARDS = {
    "both-ministries-congratulate": (
        "a Libyan swimmer's medal, congratulated by the sports ministries of both governments: no contest",
        "ذهبية ليبية في السباحة بالبطولة العربية",
        "القاهرة - خاص\nأحرز سباح المنتخب الليبي الميدالية الذهبية في سباق 200 متر حرة بالبطولة العربية للسباحة "
        "في القاهرة، بزمن قياسي جديد للبطولة. وقال مدرب المنتخب إن السباح تدرب ستة أشهر في نادي الاتحاد بطرابلس. "
        "وهنأت وزارة الرياضة بحكومة الوحدة الوطنية السباح في بيان، كما هنأه اتحاد السباحة الليبي، ويعود الفريق "
        "إلى ليبيا الأسبوع المقبل بعد المشاركة في سباقات التتابع.",
        False,
    ),
    "tunisia-ministry-not-competent": (
        "Tunisia's ministry calls a regional office not competent: no Libya",
        "وزارة التربية التونسية: مكتب صفاقس غير مختص بإصدار الشهادات",
        "تونس - خاص\nقالت وزارة التربية التونسية إن المندوبية الجهوية في صفاقس غير مختصة بإصدار شهادات النجاح، "
        "وإن الوزارة لن تعتمد الشهادات الصادرة عنها قبل مراجعتها، ودعت الأولياء إلى مراجعة الإدارة المركزية.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round51_mends(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round51_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])
