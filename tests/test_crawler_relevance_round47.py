"""Round 47 of the relevance judge: the first-judgement errors of holdout122-125 (P 0.984, R 0.861, 11 errors).

* A detention told as an abuse (category detention: "احتجاز", "دون تهمة", "حرية التعبير") needs company (alone =
  false, mechanism 11) and a camp (``Term.beside_camp``, mechanism 30): it counts only in a story that names an armed
  actor or two bodies of the split; police everywhere detain, migrants' centres and a cybercrime law name neither.
* The split's institutions in plain words, dispute words (counted only beside two bodies of the split): parallel
  spending ("الإنفاق الموازي"), duplication ("الازدواج"), conflicting decisions ("قرارات متعارضة"), nullity ("لا يعتد
  به"), rejection's participle ("مرفوضة"); "مجلسي النواب والدولة" names both chambers at once (body house, pair).
* Names: "قوة حماية درنة", "غرب ليبيا" (a region, a scene, as "الغرب الليبي"); fencing's épée ("سلاح السيف", exact).

Every probe here was written for this round (none is a holdout article); each probe in MENDED fails on round 46's
rule, the guards pass on both.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

# probes whose verdict round 46 got wrong: id -> (why, title, body, relevant)
MENDED = {
    "nullity": (
        "the High Council of State calls the House's appointment of an audit chief null: the split, no war words",
        "المجلس الأعلى للدولة: تسمية النواب رئيسا لديوان المحاسبة لا يعتد بها",
        "طرابلس - خاص\nقال المجلس الأعلى للدولة إن تسمية مجلس النواب رئيسا جديدا لديوان المحاسبة في جلسة ببنغازي "
        "إجراء لا يعتد به، وإن الديوان سيواصل عمله برئاسته الحالية.\nوقال موظفون في الديوان إنهم تلقوا مراسلتين "
        "من جهتين مختلفتين خلال أسبوع.",
        True,
    ),
    "parallel-spending": (
        "the central bank warns both governments over parallel spending: the split's economy",
        "المصرف المركزي يحذر من الإنفاق الموازي ويطالب بميزانية واحدة",
        "طرابلس - خاص\nحذر مصرف ليبيا المركزي من استمرار الإنفاق الموازي لحكومة الوحدة الوطنية والحكومة المكلفة "
        "من مجلس النواب، وقال إن الدين العام ارتفع بسبب الميزانية الموازية في بنغازي.\nوطالب المصرف الحكومتين "
        "بالاتفاق على ميزانية واحدة قبل نهاية العام.",
        True,
    ),
    "two-chambers": (
        "southern mayors ask both chambers to end the duplication of municipal appointments: the dual is two bodies",
        "عمداء بلديات الجنوب يطالبون مجلسي النواب والدولة بإنهاء الازدواج",
        "سبها - خاص\nطالب عمداء بلديات الجنوب الليبي مجلسي النواب والدولة بإنهاء ازدواج التكليفات في المجالس "
        "البلدية، بعد أن أصدرت الحكومتان قرارات متعارضة بتكليف عميدين لبلدية واحدة.\nوقال العمداء إن الخدمات "
        "توقفت في عدة بلديات منذ أشهر.",
        True,
    ),
    "detention-camp": (
        "a blogger held without charge by a security body of the General Command: detention beside an armed actor",
        "احتجاز مدون في بنغازي دون تهمة",
        "بنغازي - خاص\nقالت أسرة المدون إن عناصر بزي مدني من جهاز أمني تابع للقيادة العامة اقتادوه من منزله بعد "
        "منشور انتقد فيه الانقسام، ولم يسمح لمحام بزيارته.\nوطالبت منظمات حقوقية بالإفراج عنه، محذرة من التضييق "
        "على حرية التعبير.",
        True,
    ),
    "derna-force": (
        "a family back in Derna after years away: the Derna Protection Force is an armed group of the 2018 battle",
        "عائلة نزحت أيام قوة حماية درنة تعود إلى بيتها",
        "درنة - خاص\nعادت عائلة العبيدي إلى بيتها في حي المغار بدرنة، بعد أن غادرته عام 2018 حين تحصنت قوة حماية "
        "درنة في أزقة المدينة القديمة.\nوقال رب الأسرة إن البيت فقد سقفه، وإن الترميم استغرق عاما.",
        True,
    ),
    "west-libya": (
        "a report on detention centres run by armed groups in western Libya: the region is the scene",
        "منظمة حقوقية: انتهاكات في مراكز احتجاز تديرها ميليشيات",
        "جنيف - خاص\nقالت منظمة حقوقية إن مراكز احتجاز تديرها ميليشيات في غرب ليبيا تشهد التعذيب والاختفاء "
        "القسري.\nوطالبت المنظمة بمحاسبة قادة المجموعات المسلحة، فيما رفضت حكومة الوحدة الوطنية التقرير.",
        True,
    ),
    "epee": (
        "a Libyan fencer's bronze: the épée is a weapon of fencing, not of the war",
        "برونزية ليبية في سلاح السيف ببطولة أفريقيا للمبارزة",
        "القاهرة - خاص\nأحرز المبارز الليبي علي الفرجاني الميدالية البرونزية في منافسات سلاح السيف، بعد سلسلة "
        "هجمات في الدور ربع النهائي.\nوقال إن الأسلحة الثلاثة تحتاج إلى مدربين في طرابلس وبنغازي.",
        False,
    ),
}

# precision guards, right on both rules: look-alikes of the new words
GUARDS = {
    "lebanon-duplication": (
        "Lebanon's rival bodies: duplication and conflicting decisions in Beirut, no Libya",
        "مجلس النواب اللبناني يرفض الازدواج في صلاحيات الحكومة",
        "بيروت - خاص\nرفض مجلس النواب في لبنان ما وصفه بازدواج الصلاحيات بين الحكومة ورئاسة الجمهورية، بعد قرارات "
        "متعارضة بشأن تعيين حاكم لمصرف لبنان.\nوقال نواب إن التجاذبات تعطل عمل المؤسسات.",
        False,
    ),
    "sudan-parallel-spending": (
        "Sudan's two governments spend in parallel; Libya named once as a trade route",
        "السودان: الإنفاق الموازي لحكومتي بورتسودان ونيالا يهدد الجنيه",
        "الخرطوم - خاص\nحذر اقتصاديون في السودان من الإنفاق الموازي للحكومتين في بورتسودان ونيالا، وقالوا إن قوات "
        "الدعم السريع تفرض رسوما على الشاحنات القادمة من ليبيا.\nوقال مسؤول إن الميزانية الموازية بلا رقابة.",
        False,
    ),
    "egypt-detention": (
        "a blogger held without charge in Egypt: no Libya",
        "احتجاز مدون في القاهرة دون تهمة بسبب منشور",
        "القاهرة - خاص\nقالت أسرة مدون مصري إن عناصر بزي مدني اقتادوه من منزله بعد منشور عن الأسعار، ولم توجه إليه "
        "تهمة.\nوطالبت منظمات حقوقية بالإفراج عنه احتراما لحرية التعبير.",
        False,
    ),
    "libyan-court": (
        "a Libyan court remands a car thief: ordinary justice, no camp",
        "محكمة جنوب طرابلس تقرر احتجاز متهم بسرقة السيارات",
        "طرابلس - خاص\nقررت محكمة جنوب طرابلس احتجاز متهم بسرقة سيارات في منطقة السواني على ذمة التحقيق، بعد أن "
        "ضبطته مديرية الأمن.\nوقال محاميه إن موكله ينفي التهمة، وإن الجلسة أجلت إلى الشهر المقبل.",
        False,
    ),
    "migrants-centre": (
        "the IOM on migrants in Libya's detention centres: migration, no armed actor, no split",
        "الهجرة الدولية: آلاف المهاجرين في مراكز احتجاز بليبيا",
        "طرابلس - خاص\nقالت المنظمة الدولية للهجرة إن أكثر من أربعة آلاف مهاجر محتجزون في مراكز احتجاز في ليبيا، "
        "وإنها وثقت انتهاكات في بعضها.\nودعت المنظمة إلى بدائل للاحتجاز وإلى تسريع العودة الطوعية.",
        False,
    ),
    "gang-detention": (
        "police hold a kidnapping gang after a shootout in Zawiya: a crime story, its detention and gunfire silent",
        "احتجاز أفراد عصابة خطف في الزاوية بعد تبادل لإطلاق النار",
        "الزاوية - خاص\nأعلنت مديرية أمن الزاوية احتجاز أفراد عصابة متخصصة في الخطف وطلب الفدية، بعد تبادل لإطلاق "
        "النار أصيب فيه شرطي.\nوأحيل المتهمون إلى النيابة العامة.",
        False,
    ),
    "double-taxation": (
        "Libya and Tunisia against double taxation: an idiom, not the split's duplication",
        "ليبيا وتونس توقعان اتفاقية لتجنب الازدواج الضريبي",
        "تونس - خاص\nوقعت الحكومتان الليبية والتونسية اتفاقية لتجنب الازدواج الضريبي وتشجيع الاستثمار المتبادل.\n"
        "وقال وزير المالية إن الاتفاقية ترفض أي ازدواجية في الرسوم على الشركات.",
        False,
    ),
    "sudan-detention-statement": (
        "Libya condemns the RSF's detention of journalists: Libya speaking of another war",
        "ليبيا تدين احتجاز صحفيين لدى قوات الدعم السريع في الفاشر",
        "طرابلس - خاص\nأدانت وزارة الخارجية احتجاز صحفيين لدى قوات الدعم السريع في الفاشر دون تهمة، ودعت إلى "
        "الإفراج عنهم ووقف القتال في السودان.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round47_mends(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round47_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])


def test_a_detention_counts_only_beside_a_camp(lexicon: Lexicon) -> None:
    """The same detention is silent with no armed actor and no split, and counts beside an armed actor."""
    body = "بنغازي - خاص\nاحتجز جهاز أمني مدونا دون تهمة بعد منشور عن الانقسام السياسي."
    alone = judge("احتجاز مدون في بنغازي", body, lexicon)
    assert ("احتجاز", "detention", 0.0, 2) in alone.matched_terms
    armed = judge("احتجاز مدون في بنغازي لدى كتيبة مسلحة", body, lexicon)
    assert any(t[0] == "احتجاز" and t[2] == 1.5 for t in armed.matched_terms)


def test_the_two_chambers_dual_is_two_bodies(lexicon: Lexicon) -> None:
    """ "مجلسي النواب والدولة" alone turns the split signal on: its dispute words count."""
    result = judge(
        "دعوة مجلسي النواب والدولة إلى إنهاء الازدواج", "طرابلس - خاص\nدعا عمداء في ليبيا إلى ذلك.", lexicon
    )
    assert any(t[0] == "الازدواج" and t[2] > 0 for t in result.matched_terms)
