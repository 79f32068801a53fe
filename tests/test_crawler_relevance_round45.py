"""Round 45 of the relevance judge (issue 13): the fixes from a read-only review of round 44 (38 probes, 3 regressions,
all mended; the probes below are copied as the reviewers wrote them: /work/notes/review44/probes.jsonl, and review 42's
p11 from /work/notes/review42/probes.jsonl).

* The placed pair term ("إدارة موازية" and its duals) names the other side only where a seat of each side is named
  and one of them is in the title or in the sentence that names the doubling itself
  (``crawler.relevance.history.placed_sides``): Sudan's two ministries of health, in a story of Sudanese refugees in
  Kufra, Benghazi and Tripoli, place nothing.
* Two new bodies a law creates ("هيئتين") and two Libyan teams ("وفدان ليبيان") are no doubling: dropped.
* ``pair_abroad`` reads the duals of governments, authorities and ministries only (the institutions' and bodies'
  adjectives are seldom nationalities).
"""

from __future__ import annotations

import pytest

from archive.corpus.arabic import tokens
from crawler.relevance.history import dated_today, pair_abroad, placed_sides
from crawler.relevance.judge import Lexicon, judge
from crawler.relevance.match import match
from tests.helpers import check_probe

# the reviews' probes: id -> (why, title, body, relevant)
PROBES = {
    "q09": (
        "House of Representatives law creating two bodies (roads, housing); sessions in Benghazi; projects in Tripoli and Tobruk; members reject powers clause",
        "النواب يقر قانون إنشاء هيئتين للطرق والإسكان",
        "بنغازي - وال\nأقر مجلس النواب الليبي، في جلسته المنعقدة اليوم في بنغازي، قانونا بإنشاء هيئتين مستقلتين، الأولى للطرق والجسور والثانية للإسكان والمرافق، بدلا من جهاز تنفيذ مشروعات الإسكان.\nوقال المتحدث باسم المجلس إن القانون يمنح الهيئتين صلاحيات التعاقد المباشر على المشروعات التي تقل قيمتها عن عشرة ملايين دينار، مع إخضاعها لرقابة ديوان المحاسبة.\nورفض عدد من النواب المادة المتعلقة بتعيين رئيسي الهيئتين، معتبرين أنها تحتاج إلى معايير أوضح، كما اتهم نائب عن طبرق الجهاز السابق بإهمال مشروعات المنطقة الشرقية.\nوتشمل الخطة الأولى للهيئتين استكمال الطريق الساحلي بين طرابلس ومصراتة، وإنشاء ألفي وحدة سكنية في طبرق.\nومن المنتظر أن تحيل رئاسة المجلس القانون إلى الجهات التنفيذية خلال أسبوع، على أن تصدر اللائحة التنفيذية في غضون ثلاثة أشهر. وكان جهاز تنفيذ مشروعات الإسكان قد واجه انتقادات واسعة بسبب تعثر آلاف الوحدات السكنية المتعاقد عليها قبل 2011.",
        False,
    ),
    "q14": (
        "Sudan's two ministries of health (army's Port Sudan, RSF's Nyala) and Sudanese refugees in Kufra, Benghazi, Tripoli; GNU health ministry coordinates; Sudan's war, not Libya's",
        "ليبيا تبحث علاج اللاجئين السودانيين مع الصحة العالمية",
        'طرابلس - وكالات\nبحث وزير الصحة بحكومة الوحدة الوطنية مع ممثل منظمة الصحة العالمية، اليوم، ترتيبات علاج اللاجئين السودانيين الذين تجاوز عددهم 200 ألف في الكفرة وبنغازي وطرابلس.\nوقال الوزير إن المستشفيات الليبية تتحمل عبئا كبيرا، مشيرا إلى صعوبة التنسيق مع الجانب السوداني في ظل وجود وزارتين للصحة في السودان، واحدة تابعة للحكومة في بورتسودان والأخرى شكلتها قوات الدعم السريع في نيالا.\nورفض الوزير اتهامات منظمات حقوقية بترحيل لاجئين مرضى، مؤكدا أن "ليبيا لم تغلق أبوابها أمام أي مريض".\nوأضاف أن الخلاف بين الطرفين السودانيين حول اعتماد الشهادات الطبية يعرقل نقل الحالات الحرجة إلى الخارج.\nوتستقبل الكفرة يوميا عشرات الأسر الفارة من المعارك في دارفور.\nودعت منظمة الصحة العالمية المانحين إلى زيادة التمويل المخصص للاستجابة الصحية في جنوب شرق ليبيا، مشيرة إلى تسجيل حالات من الكوليرا والحصبة بين الوافدين الجدد، وإلى نقص الأدوية في مستشفى الكفرة العام.',
        False,
    ),
    "q18": (
        "Arab Cup for university sports: two Libyan delegations (men, women) in Cairo; Benghazi and Tripoli universities; the House's sports committee; dispute over travel funds",
        "وفدان ليبيان في البطولة العربية للجامعات",
        "القاهرة - خاص\nيشارك وفدان ليبيان، أحدهما للطلاب والآخر للطالبات، في البطولة العربية للألعاب الجامعية التي تنطلق في القاهرة الأسبوع المقبل بمشاركة 16 دولة.\nويضم الوفدان 60 رياضيا من جامعات طرابلس وبنغازي وعمر المختار في البيضاء، في ألعاب القوى والسباحة وكرة الطاولة.\nوقال رئيس الاتحاد الليبي للرياضة الجامعية إن لجنة الشباب والرياضة بمجلس النواب وعدت بتغطية جزء من تكاليف السفر، بعد خلاف مع الجامعات حول توزيع المصاريف.\nورفضت جامعة بنغازي في البداية تحمل تذاكر طلابها، واتهمت الاتحاد بتأخير إبلاغها بموعد البطولة، قبل أن يتم الاتفاق على تقاسم التكاليف.\nوكانت ليبيا قد أحرزت في النسخة الماضية من البطولة ثلاث ميداليات ذهبية في ألعاب القوى. وقال مدرب منتخب السباحة إن الاستعدادات جرت في مسبح المدينة الرياضية بطرابلس، رغم توقفه عدة أسابيع للصيانة، معربا عن أمله في تحقيق نتائج أفضل.",
        False,
    ),
    "r01": (
        "split: two health ministries (GNU Tripoli, Hammad al-Bayda) issue rival pharmacy licences; one body named",
        "صيدليات بترخيصين.. وزارتان للصحة تتنازعان الاعتراف",
        'بنغازي - خاص\nيجد أصحاب الصيدليات في ليبيا أنفسهم مطالبين بالحصول على ترخيصين، بعدما أصدرت وزارتان للصحة، إحداهما في طرابلس والأخرى في البيضاء، قرارات متعارضة بشأن تجديد التراخيص.\nوأعلنت الوزارة التابعة لحكومة أسامة حماد أن التراخيص الصادرة من طرابلس "لا يعتد بها" في المنطقة الشرقية، فيما ردت الوزارة في طرابلس بأن أي ترخيص لا يصدر عنها باطل.\nوقال صيدلي في بنغازي: "دفعت الرسوم مرتين، ومع ذلك لا أعرف أي ترخيص سيحميني من الإغلاق".\nويقول مستوردو الأدوية إن ازدواج الجهات الرقابية يعرقل دخول الشحنات عبر الموانئ، ويتهمون الطرفين بتحويل القطاع إلى ساحة للصراع على الصلاحيات.\nوتعمل في ليبيا نحو أربعة آلاف صيدلية، أغلبها في المدن الكبرى. ودعت نقابة الصيادلة الطرفين إلى الاتفاق على منظومة ترخيص واحدة، محذرة من أن استمرار الوضع سيدفع بعض الصيدليات إلى الإغلاق، ويشجع دخول أدوية مجهولة المصدر إلى السوق.',
        True,
    ),
    "r05": (
        "split: two Hajj lists sent to Saudi Arabia by rival authorities in Tripoli and Benghazi",
        "السعودية تتسلم قائمتين مختلفتين لحجاج ليبيا",
        "جدة - خاص\nتسلمت وزارة الحج والعمرة السعودية قائمتين مختلفتين لحجاج ليبيا لهذا الموسم، أرسلت الأولى هيئة الحج والعمرة في طرابلس، والثانية هيئة شكلتها الحكومة المكلفة من مجلس النواب في بنغازي.\nوقال مسؤول ليبي إن الحصة المخصصة لليبيا لا تكفي القائمتين معا، وإن آلاف المواطنين لا يعرفون أي قائمة ستعتمد.\nواتهمت الهيئة في طرابلس نظيرتها في بنغازي بمحاولة الاستيلاء على الحصة، فيما رفضت الأخيرة ذلك مؤكدة أنها تمثل حجاج المنطقة الشرقية والجنوب.\nويتكرر الخلاف منذ سنوات مع تنازع الطرفين على تمثيل ليبيا في الخارج.\nوقالت مصادر سعودية إن الوزارة ستعتمد في النهاية قائمة واحدة بالتنسيق مع السفارة الليبية في الرياض، وإن الحجاج الذين لا ترد أسماؤهم فيها لن تصدر لهم تأشيرات. ودعا مواطنون ليبيون الطرفين إلى إبعاد الشعائر الدينية عن الخلافات السياسية، والاتفاق على لجنة مشتركة لإدارة موسم الحج.",
        True,
    ),
    "p11": (
        "Presidential Council sports initiative: youth foundation, critics say parallel institution; no split",
        "المجلس الرئاسي يطلق مؤسسة للشباب والرياضة ووزارة الشباب تعترض",
        'طرابلس - الرائد\nأطلق المجلس الرئاسي مبادرة لإنشاء "المؤسسة الليبية لرعاية المواهب الشابة"، تتولى اكتشاف الموهوبين في الرياضة والفنون وتقديم منح دراسية لهم في الخارج.\nوقال عضو المجلس الرئاسي عبد الله اللافي خلال حفل الإطلاق إن "الشباب هم رأس مال ليبيا الحقيقي، والمؤسسة ستعمل في كل البلديات دون استثناء".\nغير أن وزارة الشباب أبدت اعتراضا على المبادرة، وقالت في بيان إن إنشاء مؤسسة موازية لبرامجها القائمة يشتت الموارد، واتهمت القائمين على المبادرة بعدم التنسيق معها، معتبرة أن رعاية الموهوبين من صلاحيات الوزارة.\nورد مكتب الإعلام بالمجلس الرئاسي بأن المؤسسة "مكملة لا بديلة"، وأن الخلاف سيحل بالحوار بين الجهتين.\nوتتضمن المرحلة الأولى من المبادرة مسابقة وطنية في كرة القدم والشطرنج والشعر، يتأهل الفائزون فيها إلى معسكرات تدريبية في طرابلس وبنغازي خلال الصيف.',
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_review_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, PROBES[probe])


def test_placed_sides_reads_the_title_and_the_doubling_sentence_only(lexicon: Lexicon) -> None:
    title_hits: dict[int, int] = {}
    match(tokens("خبر عن الصحة"), lexicon.index, title_hits)
    here = "قالت الوزارة إن وزارتين للتعليم في طرابلس والبيضاء أصدرتا نتيجتين.\nوزار الوفد بنغازي."
    assert placed_sides(title_hits, here, lexicon.index, lexicon.terms) == {"west", "east"}
    elsewhere = "يصعب التنسيق في ظل وجود وزارتين للصحة في السودان.\nووصل اللاجئون إلى بنغازي وطرابلس."
    assert placed_sides(title_hits, elsewhere, lexicon.index, lexicon.terms) == set()
    judged = judge("ليبيا تبحث علاج اللاجئين", "طرابلس - وكالات:\n" + elsewhere, lexicon)
    assert not judged.relevant


def test_the_final_review_of_stop_28(lexicon: Lexicon) -> None:
    # only adjectives of nationality make the dual another country's: east and west, lawful and parallel are the split
    assert pair_abroad("", "اتفقت الحكومتان الليبية والتونسية.")
    assert not pair_abroad("", "تتنازع الحكومتان الشرقية والغربية على الميزانية.")
    assert not pair_abroad("", "بين الحكومتين الشرعية والموازية.")
    # the Gregorian mark after a year
    assert dated_today("اندلعت اشتباكات عنيفة في عين زارة عام 2019م.", lexicon.index, lexicon.terms)
    # a seat named in the title places the story whatever the title names
    title_hits: dict[int, int] = {}
    match(tokens("وزارة التعليم في طرابلس ترفض النتائج"), lexicon.index, title_hits)
    body = "أصدرت وزارتين للتعليم نتيجتين مختلفتين.\nوقالت الوزارة في البيضاء إنها لن تتراجع."
    assert placed_sides(title_hits, body, lexicon.index, lexicon.terms) == {"west"}
