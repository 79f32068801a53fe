"""Round 36 of the relevance judge (issue 13): the fixes from a read-only review of round 35 (49 probes written for
it, /work/notes/review35 on the lead's machine; three regressions, none now), and two more foreign wars.

* A dense story (rounds 33-34) stays dense when its only other theatre is an aside: named once in the body, never in
  its title, dateline or first sentence ("like the siege of Sarajevo", travellers recalling Kabul's airport).
* The bare "طالبان" is no Taliban: it is also the dual "two students".
* Fencing's "سلاح السيف" is gone: a spelling matches across punctuation, and "السلاح.. سيف الإسلام" read as fencing.
* The World Wars and Gaddafi's war in Chad (the Aouzou strip, the "Toyota war") are other wars than the one since 2011.

The probes are the review's (label by the reviewer, before the fixes were written).
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, matched_names

# id -> (why, title, body, relevant)
PROBES = {
    "r09": (
        "thin front report naming one suburb (the dense rule's kind) with a resident's Sarajevo comparison",
        "قذائف على حي سكني وسقوط جرحى مع تجدد المعارك",
        "طرابلس - مراسلنا\nسقطت قذائف هاون على منازل في منطقة خلة الفرجان مساء الخميس، ما أدى إلى إصابة ستة مدنيين بينهم امرأتان، بحسب جهاز الإسعاف والطوارئ.\nوقال سكان إن القصف بدأ بعد الغروب واستمر ساعتين، وإن شظايا أصابت خزانات المياه وألحقت أضرارا بسيارات متوقفة.\nوقال أحد السكان إن الحي يعيش منذ أسابيع ما يشبه حصار سراييفو، إذ يمنع القناصة الحركة في الشوارع ليلا.\nوأفاد مسعفون بأن سيارات الإسعاف تأخرت في الوصول إلى المصابين بسبب كثافة النيران على الطريق الرئيسي، وأن مستشفى ميدانيا قريبا يعاني نقصا في الأدوية.\nوأعلنت البلدية فتح مدرستين لإيواء العائلات النازحة، مطالبة بهدنة إنسانية تسمح بإجلاء العالقين وإدخال المساعدات.\nوتتواصل المعارك على محاور القتال منذ أسابيع، وسط تبادل الاتهامات بين الطرفين بخرق التهدئة.\nوقالت إحدى الساكنات إنها غادرت منزلها مع أطفالها ولا تعرف متى تستطيع العودة.",
        True,
    ),
    "r10": (
        "thin Mitiga shelling report naming the airport once; travellers recall Kabul airport",
        "ذعر في صالة المغادرة مع سقوط قذائف على مدرج المطار",
        "طرابلس - رويترز\nعلقت سلطات الطيران المدني الرحلات في مطار معيتيقة مساء الأحد بعد سقوط قذائف على المدرج، في ثالث تعليق خلال شهر.\nوقال مسافرون إن مئات الأشخاص تدافعوا نحو البوابات هربا من أصوات الانفجارات، في مشاهد ذكرت بعضهم بما جرى في مطار كابول.\nوقال مسؤول في المطار إن قذائف الهاون أصابت طائرة مدنية متوقفة وألحقت أضرارا بصالة الركاب، من دون وقوع إصابات.\nوتدور اشتباكات متقطعة في محيط المطار منذ أيام، بينما تتبادل الأطراف المسلحة الاتهامات بالمسؤولية عن القصف.\nوقال أحد المسافرين إنه ينتظر منذ يومين مع أطفاله، وإن شركات الطيران لم تقدم أي بديل، بينما يضطر المرضى المتجهون للعلاج في الخارج إلى السفر برا.\nودعت البعثة الأممية إلى وقف فوري للقصف العشوائي الذي يطال المنشآت المدنية.\nوقال موظفون في المطار إن حركة المسافرين توقفت بالكامل حتى إشعار آخر.",
        True,
    ),
    "r11": (
        "thin report: two students ('طالبان', nominative dual) killed by a shell; the lead sentence names no Libyan place",
        "مقتل طالبين جامعيين بقذيفة عشوائية وتعليق الدراسة",
        "طرابلس - مراسلنا\nقتل طالبان جامعيان وأصيب ثالث بجروح خطيرة جراء سقوط قذيفة عشوائية قرب كلية الهندسة مساء أمس، بحسب ما أعلن جهاز الإسعاف والطوارئ.\nوقال زملاء للضحيتين إنهما كانا عائدين من قاعة الامتحانات عندما دوى الانفجار، وإن الطلاب فروا مذعورين إلى داخل المباني.\nوأضاف الجهاز أن فرق الإسعاف نقلت الجريح إلى المستشفى، حيث يخضع لعملية جراحية، في حين تضررت سيارات ومبان مجاورة.\nوتشهد محاور القتال في عين زارة منذ أيام قصفا متبادلا بصواريخ غراد وقذائف الهاون، وسط اتهامات متبادلة بين الطرفين باستهداف الأحياء السكنية.\nوأعلنت إدارة الجامعة تعليق الدراسة والامتحانات حتى إشعار آخر، داعية الطلاب إلى البقاء في منازلهم.\nوطالبت منظمات حقوقية بتحقيق مستقل في استهداف المدنيين، معتبرة أن القصف العشوائي للأحياء السكنية قد يرقى إلى جرائم حرب.\nوقال أحد أساتذة الكلية إن الطلاب يعيشون حالة من الخوف منذ أسابيع، وإن كثيرا منهم توقفوا عن الحضور.",
        True,
    ),
    "p01": (
        "Taliban take Kandahar (2021); Libya twice as a comparison of state collapse",
        "طالبان تسيطر على قندهار وتقترب من كابول",
        "كابول - وكالات\nسيطرت حركة طالبان على مدينة قندهار ثاني كبرى مدن أفغانستان بعد معارك عنيفة مع القوات الحكومية استمرت أياما، وفق ما أكده مسؤولون محليون.\nوقال سكان إن مقاتلي الحركة انتشروا في شوارع المدينة وسيطروا على مقر الحاكم والسجن المركزي، فيما انسحبت القوات الحكومية إلى المطار.\nوتأتي هذه التطورات بعد سقوط هرات وغزني، ما يضع العاصمة كابول أمام خطر حصار وشيك مع استكمال انسحاب القوات الأمريكية.\nويحذر محللون من أن انهيار الدولة الأفغانية قد يفتح الباب أمام حرب أهلية طويلة وفوضى أمنية على غرار ما شهدته ليبيا بعد سقوط نظام القذافي عام 2011، حين تقاسمت الميليشيات السيطرة على المدن.\nوقال دبلوماسي غربي إن المجتمع الدولي لم يتعلم من تجربتي العراق وليبيا، حيث أدى غياب خطة لما بعد التدخل إلى فراغ تملؤه الجماعات المسلحة.\nودعت الأمم المتحدة إلى وقف فوري لإطلاق النار وحماية المدنيين الذين نزح منهم عشرات الآلاف.",
        False,
    ),
    "s05": (
        "analysis title 'بين المال والسلاح.. سيف الإسلام': 'السلاح' + 'سيف' read as fencing's sabre",
        "بين المال والسلاح.. سيف الإسلام القذافي يعود إلى المشهد الليبي",
        "تحليل - مراسلنا\nيعود اسم سيف الإسلام القذافي إلى واجهة المشهد الليبي مع اقتراب الموعد الانتخابي، بعد سنوات من الغياب قضى جزءا منها محتجزا لدى كتيبة أبو بكر الصديق في الزنتان.\nويرى محللون أن نجل الزعيم الراحل يراهن على قاعدة من أنصار النظام السابق في الجنوب وبعض القبائل، وعلى علاقات مع موسكو التي تنتشر قوات فاغنر المرتبطة بها في وسط البلاد.\nغير أن ترشحه يواجه عقبات، أبرزها مذكرة التوقيف الصادرة عن المحكمة الجنائية الدولية بحقه، وحكم الإعدام الغيابي الصادر عن محكمة في طرابلس عام 2015.\nوتتوعد مجموعات مسلحة في مصراتة والزاوية بمنع عودته، فيما يقول مقربون منه إنه يطرح نفسه مرشحا للمصالحة الوطنية بعد عقد من الحرب والانقسام.\nويخشى دبلوماسيون أن يؤدي ترشحه إلى تفجير الخلاف بين معسكري الشرق والغرب وعرقلة الانتخابات.",
        True,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_review_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_an_aside_leaves_a_front_report_dense(lexicon: Lexicon) -> None:
    # the Sarajevo comparison is the report's only other theatre, once, deep in the body
    _, title, body, _ = PROBES["r09"]
    result = judge(title, body, lexicon)
    assert "البوسنة" in matched_names(result) and result.relevant
    # named in the title, the same theatre is no aside: the story is no longer read as dense
    assert judge(title + " كما في سراييفو", body, lexicon).score < result.score


def test_two_students_are_no_taliban_and_saif_is_no_sabre(lexicon: Lexicon) -> None:
    assert "أفغانستان" not in matched_names(judge(*PROBES["r11"][1:3], lexicon))
    names = matched_names(judge(*PROBES["s05"][1:3], lexicon))
    assert "المبارزة" not in names and "سيف الإسلام القذافي" in names


def test_other_wars_of_the_past_are_foreign(lexicon: Lexicon) -> None:
    foreign = {t.term for t in lexicon.terms if t.category == "foreign"}
    assert {"الحرب العالمية الثانية", "شريط أوزو"} <= foreign
