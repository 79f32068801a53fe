"""Round 50 of the relevance judge: the split told through its institutions alone (holdout122, 134, 138).

* Camp-marked institutions (crawler/relevance/camps.py, [scoring] camp_weight): an institution noun (ministry,
  authority, registry, fund, consulate...) marked with a camp within its sentence (a seat of a rival authority, or a
  government named by its camp), of both camps, or of one camp beside a refusal of its papers ("لا تعترف", "غير
  معتمدة"), in a story where Libya is anchored, turns the split signal on and counts as conflict evidence.
  A consulate or embassy in a Libyan seat is a foreign state's (no camp); a company's head office is no camp.

Every probe here was written for this round (none is a holdout article); each probe in MENDED fails on round 49's
rule (camp_weight = 0), the guards pass on both.
"""

from __future__ import annotations

import dataclasses

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

# probes whose verdict round 49 got wrong: id -> (why, title, body, relevant)
MENDED = {
    "two-justice-ministries": (
        "a registrar licensed by the eastern justice ministry, his contracts refused by the Tripoli one",
        "عقود زواج بترخيصين.. أسر في سرت تنتظر قيد أطفالها",
        "سرت - خاص\nاكتشف زوجان أن عقد زواجهما لا يصلح لقيد طفلهما، لأن المأذون يحمل ترخيصا صادرا عن وزارة العدل "
        "في الحكومة المكلفة من مجلس النواب، لا عن وزارة العدل في حكومة الوحدة الوطنية. وقال مصدر في إدارة التوثيق "
        "بطرابلس إن العقود لا تقيد مباشرة في السجل، وإن على الأسر رفع دعوى إثبات أمام المحاكم في ليبيا.",
        True,
    ),
    "consul-stamps-refused": (
        "pensions stalled: a consul appointed by the eastern foreign ministry, his stamps not recognised in Tripoli",
        "متقاعدون ليبيون بلا معاشات.. أختام القنصلية غير معتمدة",
        "الإسكندرية - خاص\nتوقف صندوق الضمان الاجتماعي في طرابلس عن تحويل معاشات متقاعدين ليبيين، لأن النماذج "
        "المصدقة من القنصلية غير معتمدة لديه، إذ عين رئيس البعثة بقرار من وزارة الخارجية في الحكومة المكلفة من "
        "مجلس النواب. وقال متقاعد إنه أرسل النموذج ثلاث مرات دون جدوى.",
        True,
    ),
    "two-standards-bodies": (
        "importers pay twice: a standards authority in Benghazi and the Tripoli one, certificates of each refused",
        "شهادة مطابقة لكل جهة.. المستوردون يدفعون الرسوم مرتين",
        "بنغازي - خاص\nيقول مستوردون في ليبيا إنهم يدفعون رسوم الفحص مرتين، لأن الهيئة العامة للمواصفات التي "
        "أنشأتها الحكومة المؤقتة في بنغازي لا تقبل شهادات الإدارة العامة للمواصفات في طرابلس، والعكس. وتؤخر "
        "الإجراءات تخليص البضائع أسبوعين، إذ تقول مصلحة الجمارك في طرابلس إنها لا تعترف بشهادات الهيئة.",
        True,
    ),
}

# precision probes: one ministry's ordinary work, a Tripoli decision with no rival, other countries' doubled bodies
GUARDS = {
    "one-ministry-ordinary": (
        "the health ministry in Tripoli opens a clinic: one camp-marked institution, nothing refused",
        "وزارة الصحة تفتتح عيادة جديدة في تاجوراء",
        "طرابلس - خاص\nافتتحت وزارة الصحة في طرابلس عيادة جديدة في تاجوراء، تضم أقساما للأطفال والنساء، وقال "
        "مدير العيادة إنها ستخدم نحو 20 ألف مواطن ليبي.",
        False,
    ),
    "tripoli-decision-no-rival": (
        "a Tripoli ministry's decision on school hours, Benghazi named as a city: no rival institution",
        "وزارة التعليم تعدل مواعيد الدراسة في رمضان",
        "طرابلس - خاص\nقررت وزارة التعليم في حكومة الوحدة الوطنية تعديل مواعيد الدوام المدرسي خلال شهر رمضان في "
        "جميع المدارس الليبية، من طرابلس إلى بنغازي وسبها، وقالت إن الدراسة تبدأ في العاشرة صباحا.",
        False,
    ),
    "ministry-non-recognition-foreign": (
        "Libya's foreign ministry does not recognise a certificate from a foreign university: no camp named",
        "وزارة التعليم العالي لا تعترف بشهادات جامعة أجنبية",
        "طرابلس - خاص\nأعلنت وزارة التعليم العالي الليبية أنها لا تعترف بالشهادات الصادرة عن جامعة خاصة في دولة "
        "مجاورة، ودعت الطلاب الليبيين إلى التحقق من اعتماد الجامعات قبل التسجيل.",
        False,
    ),
    "egyptian-consulate-benghazi": (
        "Egyptians queue at their consulate in Benghazi and embassy in Tripoli to vote: foreign missions",
        "طوابير أمام القنصلية المصرية في بنغازي",
        "بنغازي - خاص\nتوافد مئات المصريين المقيمين في ليبيا على القنصلية المصرية العامة في بنغازي والسفارة المصرية "
        "في طرابلس للإدلاء بأصواتهم في الانتخابات، وقالت القنصلية إن التصويت يستمر ثلاثة أيام.",
        False,
    ),
    "bank-head-offices": (
        "two commercial banks merge, one headquartered in Benghazi, the other in Tripoli: a company's seat is no camp",
        "مصرفان ليبيان يوقعان مذكرة اندماج",
        "طرابلس - خاص\nوقع مصرف الواحة ومقره الرئيسي في بنغازي ومصرف المتوسط ومقره الرئيسي في طرابلس مذكرة تفاهم "
        "للاندماج في مصرف واحد برأسمال 500 مليون دينار ليبي، بحسب بيان مشترك.",
        False,
    ),
    "iraq-kurdistan-baghdad": (
        "Iraq: the Kurdistan region's ministry and Baghdad's refuse each other's papers: no Libya",
        "وزارة المالية في أربيل: بغداد لا تعترف بقوائم رواتب الإقليم",
        "أربيل - خاص\nقالت وزارة المالية في حكومة إقليم كردستان إن وزارة المالية الاتحادية في بغداد لا تعترف بقوائم "
        "رواتب موظفي الإقليم، وترفض الوثائق الصادرة عن أربيل، فيما تتواصل المفاوضات بين الجانبين.",
        False,
    ),
    "lebanon-ministries": (
        "Lebanon: the ministry in Tripoli (Lebanon's) and Beirut's, papers not recognised: no Libya",
        "وزارة الداخلية في بيروت لا تعترف بمعاملات مكتب طرابلس",
        "بيروت - خاص\nقالت وزارة الداخلية اللبنانية في بيروت إن معاملات مصلحة تسجيل السيارات في طرابلس غير معتمدة "
        "حتى استكمال ربطها بالنظام الإلكتروني، ودعت المواطنين في الشمال اللبناني إلى مراجعة الوزارة.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round50_mends(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round50_mends_fail_on_round49(lexicon: Lexicon, probe: str) -> None:
    """camp_weight = 0 is round 49's rule: each mended probe is wrong there."""
    # the rule alone, without the learned reader (stop 34), which lifts one of these probes either way
    off = dataclasses.replace(lexicon, reader=None, scoring=dataclasses.replace(lexicon.scoring, camp_weight=0))
    *_, title, body, relevant = MENDED[probe]
    assert judge(title, body, off).relevant is not relevant


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round50_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])
