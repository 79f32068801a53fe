"""Round 37 of the relevance judge (issue 13): the fixes from a read-only review of round 36 (36 probes written for it,
/work/notes/review36 on the lead's machine) and the recall side of holdout74-77's first-judgement errors.

* A dense story (rounds 33-36) must be led by a name that is no speaker (Libya's ministry condemning a war elsewhere)
  nor a seat in a first sentence that names a speaker, and must name a Libyan scene outside its dateline: a wire
  agency's "طرابلس - وال" on Gaza, Iran or a Thai-Cambodian clash leads nothing.
* The warring parties ("الطرفين المتحاربين", "الأطراف المتحاربة") are spellings of the parties to the conflict.
* A road, gate or crossing held by armed groups ("تسيطر عليها مجموعات مسلحة") counts as the war economy's words do:
  only in a sentence that names an armed actor.
* "طرابلس المركز" (the municipality of central Tripoli) is Libya's, unambiguous.
* The World Wars' remnants ("مخلفات الحرب العالمية الثانية") name the World War, not the war's remnants.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe, labelled_row, matched_names, term_weight

# the review's probes: id -> (why, title, body, relevant)
REVIEW = {
    "a01": (
        "Gaza strikes reported by Libya's news agency from Benghazi; Gaza named once, the rest by camp names",
        "عشرات الشهداء في قصف على مخيمي جباليا والنصيرات",
        "بنغازي - وال:\nاستشهد أكثر من أربعين فلسطينيا وأصيب العشرات، فجر اليوم الثلاثاء، في سلسلة غارات جوية عنيفة استهدفت منازل مأهولة في مخيمي جباليا والنصيرات.\nوقالت مصادر طبية إن معظم الضحايا من الأطفال والنساء، وإن فرق الدفاع المدني لا تزال تبحث عن مفقودين تحت الأنقاض وسط نقص حاد في المعدات والوقود.\nوأضافت المصادر أن مستشفى كمال عدوان ومستشفى العودة استقبلا عشرات الجرحى في حالة خطرة، في ظل انهيار شبه كامل للمنظومة الصحية.\nوفي مدينة غزة، تواصل القصف المدفعي على أحياء الشجاعية والزيتون، فيما توغلت آليات الاحتلال في محيط دوار الكويت وسط إطلاق نار كثيف.\nوحذرت وكالة غوث وتشغيل اللاجئين من أن المجاعة باتت وشيكة في الشمال، مؤكدة أن شاحنات المساعدات لم تدخل منذ أسبوعين.\nوارتفعت حصيلة الشهداء منذ بدء العدوان إلى أكثر من ثلاثة وأربعين ألفا، إضافة إلى أكثر من مئة ألف جريح، بحسب وزارة الصحة.\nوتواصل الجمعيات الخيرية في ليبيا حملات جمع التبرعات للنازحين، فيما تنتظر قوافل المساعدات على الجانب المصري منذ أيام.",
        False,
    ),
    "a03": (
        "Thailand-Cambodia border war: the first sentence is the Libyan foreign ministry's concern; neither country listed",
        "مقتل 14 شخصا في اشتباكات حدودية بين تايلاند وكمبوديا",
        "أعربت وزارة الخارجية الليبية في طرابلس عن قلقها البالغ من تصاعد المواجهات المسلحة على الحدود بين تايلاند وكمبوديا، داعية الطرفين إلى ضبط النفس.\nوقتل 14 شخصا على الأقل، معظمهم من المدنيين، في اشتباكات اندلعت صباح الخميس قرب معبد برياه فيهير المتنازع عليه، واستخدمت فيها المدفعية الثقيلة وراجمات الصواريخ.\nوقال الجيش التايلاندي إن القوات الكمبودية أطلقت قذائف صاروخية على قرى حدودية، ما أدى إلى مقتل مدنيين بينهم طفل، فيما ردت المقاتلات التايلاندية بغارات جوية على مواقع عسكرية داخل الأراضي الكمبودية.\nواتهمت بنوم بنه الجيش التايلاندي بالبدء بإطلاق النار، مؤكدة أنها تدافع عن سيادتها.\nوأعلنت السلطات في الجانبين إجلاء عشرات الآلاف من السكان من القرى الحدودية إلى ملاجئ مؤقتة، فيما دعا مجلس الأمن إلى اجتماع طارئ لبحث التصعيد.\nوتعد هذه المواجهات الأعنف بين البلدين منذ أكثر من عقد، حين خاضا معارك متقطعة حول المعبد أسفرت عن سقوط قتلى من الجانبين، قبل أن تحكم محكمة العدل الدولية بتبعيته لكمبوديا.\nودعت الوزارة أفراد الجالية الليبية في البلدين إلى الابتعاد عن المناطق الحدودية والتواصل مع السفارة عند الضرورة.",
        False,
    ),
    "a12": (
        "Gaza strikes from Libya's agency in Benghazi, Gaza never named (camps, 'the Strip', 'the occupation'): no theatre at all",
        "عشرات الشهداء في غارات على مخيم جباليا شمال القطاع",
        "بنغازي - وال:\nاستشهد أكثر من خمسين شخصا وأصيب العشرات، فجر اليوم الأربعاء، في غارات جوية عنيفة استهدفت مربعا سكنيا في مخيم جباليا شمال القطاع.\nوقالت مصادر طبية إن معظم الضحايا من الأطفال والنساء، وإن فرق الدفاع المدني انتشلت جثامين عائلات بأكملها من تحت الأنقاض، فيما لا يزال عشرات في عداد المفقودين.\nوأضافت المصادر أن مستشفى كمال عدوان استقبل عشرات الجرحى في حالة خطرة، في ظل نقص حاد في الأدوية والوقود، وأن الطواقم الطبية اضطرت إلى إجراء عمليات جراحية دون تخدير.\nوفي وسط القطاع، تواصل القصف المدفعي على مخيمي النصيرات والبريج، فيما توغلت آليات الاحتلال شرق دير البلح وسط إطلاق نار كثيف من الطائرات المسيرة.\nوحذرت وكالة غوث وتشغيل اللاجئين من أن المجاعة باتت وشيكة، مؤكدة أن شاحنات المساعدات لم تدخل الشمال منذ أسابيع، وأن مراكز الإيواء التابعة لها تعرضت للقصف مرات عدة.\nوارتفعت حصيلة الشهداء منذ بدء العدوان إلى أكثر من أربعين ألفا، إضافة إلى أكثر من تسعين ألف جريح، بحسب وزارة الصحة.\nوتواصل الجمعيات الخيرية في ليبيا حملات جمع التبرعات للنازحين، فيما تنتظر قوافل المساعدات على الجانب المصري منذ أيام.",
        False,
    ),
    "d01": (
        "Short Ain Zara front report, 'كما في حلب' once: the rule's intended case",
        "قذائف عشوائية على أحياء جنوب العاصمة",
        "طرابلس - أ ف ب:\nسقطت قذائف عشوائية، مساء الثلاثاء، على منازل في منطقة عين زارة، ما أدى إلى مقتل امرأة وإصابة ثلاثة أطفال بجروح.\nوقال سكان إن القصف تجدد بعد ساعات من هدوء حذر، وإن الاشتباكات بالأسلحة الثقيلة تواصلت طوال الليل قرب محور الخلاطات.\nوقالت إحدى الساكنات وهي تحمل حقائبها إن الحي صار يشبه أحياء حلب المدمرة، وإن عائلتها لم تعد تحتمل البقاء.\nونزحت عشرات الأسر نحو وسط المدينة، فيما أعلنت فرق الإسعاف أنها عجزت عن الوصول إلى بعض المصابين بسبب كثافة النيران.\nوقال مسعف إن سيارة إسعاف تعرضت لإطلاق نار قرب المستشفى الميداني، وإن الطاقم اضطر إلى ترك المصابين ساعات قبل أن يعود إليهم عند توقف القصف.\nوأغلقت المدارس في المنطقة أبوابها منذ أسبوعين، فيما تحولت بعض المدارس في وسط المدينة إلى مراكز إيواء للنازحين.",
        True,
    ),
}

# written for this round: armed groups' control beside an armed actor, and a market's "control" beside none
CONTROL = (
    "شاحنات الوقود عالقة عند بوابات الجنوب",
    "سبها - وال\nقالت شركة البريقة لتسويق النفط إن عشرات الشاحنات محتجزة عند بوابات تسيطر عليها مجموعات مسلحة على "
    "الطريق بين الشويرف وسبها، وإن سائقيها يدفعون أموالا للعبور.\nوارتفع سعر البنزين في سبها إلى خمسة دنانير.",
)
MARKET = (
    "شركة ليبية تسيطر على سوق الإسمنت في الجنوب",
    "سبها - وال\nقالت شركة ليبية إنها باتت تسيطر على نصف سوق الإسمنت في الجنوب، بعد افتتاح مصنعها الجديد قرب سبها.\n"
    "وأضافت أن المصنع يشغل مئتي عامل، وأن الأسعار تراجعت في المدن الجنوبية.",
)


@pytest.mark.parametrize("probe", sorted(REVIEW))
def test_review_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, REVIEW[probe])


def test_control_counts_only_beside_an_armed_actor(lexicon: Lexicon) -> None:
    assert term_weight(judge(*CONTROL, lexicon), "تسيطر عليها") > 0
    market = judge(*MARKET, lexicon)
    assert not market.relevant
    assert "تسيطر عليها" not in matched_names(market) or term_weight(market, "تسيطر عليها") == 0


def test_warring_parties_and_central_tripoli(lexicon: Lexicon) -> None:
    title, body = labelled_row("holdout75.jsonl", "h75-23")
    assert "طرفي الصراع" in matched_names(judge(title, body, lexicon))
    zoo = judge(*labelled_row("holdout77.jsonl", "h77-13"), lexicon)
    assert "العاصمة طرابلس" in matched_names(zoo) and zoo.relevant


def test_world_war_remnants_name_the_world_war(lexicon: Lexicon) -> None:
    result = judge(
        "انفجار لغم من مخلفات الحرب العالمية الثانية في طبرق", "طبرق - وال\nانفجر لغم قديم.", lexicon
    )
    assert "الحرب العالمية الثانية" in matched_names(result)


@pytest.mark.parametrize(
    ("split", "row_id"),
    [("holdout61.jsonl", "h61-31"), ("holdout75.jsonl", "h75-23"), ("holdout77.jsonl", "h77-13")],
)
def test_the_blind_misses_this_round_mends(lexicon: Lexicon, split: str, row_id: str) -> None:
    assert judge(*labelled_row(split, row_id), lexicon).relevant
