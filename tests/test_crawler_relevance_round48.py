"""Round 48 of the relevance judge: the first-judgement errors of holdout126-129 (P 0.969, R 0.861, 12 errors).

* Detention beside a ruler (mechanism 30): a detention told as an abuse counts beside one EXECUTIVE body of the split
  (a government or the General Command, whose security bodies detain), not only beside an armed actor or two bodies;
  a parliament passing a law holds no one.
* The two governments beside an armed actor (mechanism 9): with no body named, "الحكومتين" in a Libya story that
  names an armed actor are the split's two sides; a dispute word of each side acting alone ("خطة منفصلة"), and
  "متنازعة" (contending formations).
* Names: constructs of Sirte and Zawiya ("محكمة سرت", "مدينة الزاوية"); Gaza's hospitals; Baalbek; bare "إيريني";
  "مجلس الوزراء في طرابلس" (the Tripoli government); Salame and Mitri, UN envoys and Lebanese ministers, speakers whom
  Lebanon's names shadow.

Every probe here was written for this round (none is a holdout article); each probe in MENDED fails on round 47's
rule, the guards pass on both.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon, judge
from tests.helpers import check_probe

# probes whose verdict round 47 got wrong: id -> (why, title, body, relevant)
MENDED = {
    "sirte-court": (
        "Sirte's court declares the Islamic State's abductees dead: Sirte is its only Libyan name, in a construct",
        "محكمة سرت تعتبر عشرين مفقودا في حكم المتوفين",
        "سرت - خاص\nأصدرت محكمة سرت أحكاما باعتبار عشرين رجلا اختطفهم تنظيم داعش إبان سيطرته على المدينة في حكم "
        "المتوفين.\nوقالت الأسر إن المعارك انتهت قبل سنوات ولم يظهر لهم أثر.",
        True,
    ),
    "zawiya-court": (
        "gunmen storm Zawiya's court to free a defendant: Zawiya and Tripoli, both ambiguous, and a construct",
        "مسلحون يقتحمون محكمة الزاوية",
        "الزاوية - خاص\nاقتحم مسلحون قاعة في محكمة الزاوية وأخرجوا متهما بقوة السلاح.\nوأحيلت القضايا إلى محاكم "
        "طرابلس بعد اشتباكات متكررة في المدينة.",
        True,
    ),
    "irini-title": (
        "Irini's commander on the arms embargo on Libya: the operation's bare name in the title",
        "قائد إيريني: دول ترفض تفتيش سفنها",
        "بروكسل - وكالات\nقال قائد العملية الأوروبية إن مراقبة حظر الأسلحة المفروض على ليبيا تبقى ناقصة، وإن "
        "السفن المتجهة إلى مصراتة تفلت من التفتيش.",
        True,
    ),
    "tripoli-cabinet": (
        "the House and the cabinet in Tripoli name rival heads of one authority: two bodies, the split's dispute words",
        "رئيسان لهيئة المفقودين بعد الخلاف",
        "طرابلس - خاص\nأصدر مجلس النواب قرارا بتكليف رئيس جديد لهيئة المفقودين ونقل مقرها إلى بنغازي، فيما رد "
        "مجلس الوزراء في طرابلس بأن رئيسها الحالي مستمر.\nوقال موظفون إن الخلاف أوجد إدارتين للهيئة، وإن "
        "الانقسام السياسي وصل إلى آخر مؤسسة تعمل للجميع.",
        True,
    ),
    "detention-ruler": (
        "an academic held by Benghazi's internal security, the eastern government named: detention beside a ruler",
        "فريق أممي: احتجاز أكاديمي في بنغازي تعسفي",
        "جنيف - خاص\nاعتبر فريق أممي أن احتجاز أستاذ جامعي ليبي في بنغازي احتجاز تعسفي، بعد اعتقاله على يد عناصر "
        "بزي مدني دون تهمة.\nولم يصدر تعليق من الحكومة المكلفة من مجلس النواب.",
        True,
    ),
    "pair-armed": (
        "armed formations levy the south's gas convoys and the council blames the two governments: the split's sides",
        "أسطوانة الغاز بمئة دينار في أوباري",
        "أوباري - خاص\nتوقفت قوافل الغاز عند نقاط تفتيش تتقاسمها تشكيلات مسلحة متنازعة تفرض إتاوات على الشاحنات.\n"
        "وحمل المجلس البلدي الحكومتين المسؤولية، قائلا إن كل طرف يرمي الأزمة على الآخر.",
        True,
    ),
    "separate-plan": (
        "the two governments' separate relief plans for a flooded Derna: a dispute word beside two bodies",
        "خطة منفصلة لإغاثة درنة",
        "سرت - خاص\nأرسلت حكومة الوحدة الوطنية طائرات إغاثة إلى بنغازي، فيما أعلنت الحكومة المكلفة من مجلس "
        "النواب خطة منفصلة.\nوتجاوز عدد القتلى الآلاف بعد انهيار السدين.",
        True,
    ),
    "gaza-hospital": (
        "Libya's foreign ministry on the mass graves at a Gaza hospital: the hospital names the other theatre",
        "الخارجية الليبية تطالب بتحقيق في المقابر الجماعية بمجمع الشفاء الطبي",
        "طرابلس - وال\nطالبت وزارة الخارجية الليبية بتحقيق دولي مستقل في المقابر الجماعية التي عثر عليها في مجمع "
        "الشفاء الطبي، معتبرة أنها دليل على جرائم حرب.",
        False,
    ),
    "salame-lebanon": (
        "Salame takes Lebanon's culture ministry: Libya only in his past UN post, Lebanon shadows him",
        "غسان سلامة يتسلم وزارة الثقافة: ترميم ما أصابته الغارات في بعلبك أولوية",
        "بيروت - خاص\nتسلم غسان سلامة وزارة الثقافة في لبنان، وقال إن المواقع الأثرية تضررت خلال الحرب الأخيرة.\n"
        "وسبق أن شغل منصب المبعوث الأممي إلى ليبيا.",
        False,
    ),
    "mitri-lebanon": (
        "Tarek Mitri as a Lebanese minister in Beirut: no Libya story",
        "طارق متري: الحوار الوطني اللبناني لا يحتمل التأجيل",
        "بيروت - خاص\nقال نائب رئيس الحكومة اللبنانية طارق متري إن الحوار يجب أن يشمل الجميع بعد الحرب، مذكرا "
        "بعمله السابق مبعوثا إلى ليبيا.",
        False,
    ),
}

# precision guards, right on both rules: the same institutions in ordinary news, other countries, look-alikes
GUARDS = {
    "house-law-detention": (
        "the House passes a cybercrime law that rights groups fear: a parliament detains no one",
        "مجلس النواب الليبي يقر قانون الجرائم الإلكترونية",
        "بنغازي - خاص\nأقر مجلس النواب الليبي قانون مكافحة الجرائم الإلكترونية، وقالت منظمات حقوقية إنه يهدد حرية "
        "التعبير ويتيح احتجاز المدونين.",
        False,
    ),
    "gnu-police-theft": (
        "the unity government's police hold thieves: a ruler and a detention, no conflict word that counts alone",
        "الشرطة تحتجز لصوص سيارات في طرابلس",
        "طرابلس - خاص\nأعلنت وزارة الداخلية بحكومة الوحدة الوطنية احتجاز ثلاثة لصوص سيارات دون تهمة رسمية حتى "
        "الآن، وإحالتهم إلى النيابة.",
        False,
    ),
    "egypt-detention": (
        "a detention by Egypt's security in Cairo's al-Zawiya al-Hamra: another country's police",
        "احتجاز ناشط في الزاوية الحمراء",
        "القاهرة - خاص\nاحتجزت قوات الأمن المصرية ناشطا في حي الزاوية الحمراء بالقاهرة دون تهمة، وقالت أسرته إن "
        "عناصر بزي مدني اقتادوه من منزله.",
        False,
    ),
    "sirte-verb": (
        "'سرت' as the verb 'spread': rumours spread in a town, no Sirte",
        "سرت شائعات عن إغلاق السوق",
        "عمّان - خاص\nسرت شائعات في المدينة عن إغلاق السوق المركزي، ونفت البلدية ذلك.",
        False,
    ),
    "pair-abroad-smugglers": (
        "the Libyan and Tunisian governments and armed smugglers at the border: a pair of two countries",
        "الحكومتان الليبية والتونسية تبحثان أمن المعابر",
        "تونس - خاص\nبحثت الحكومتان الليبية والتونسية تأمين معبر رأس اجدير بعد ضبط مهربين مسلحين، واتفقتا على "
        "تسيير دوريات مشتركة.",
        False,
    ),
    "separate-plan-one-body": (
        "the unity government's separate plan for schools: one body, ordinary news",
        "خطة منفصلة لصيانة المدارس في طرابلس",
        "طرابلس - خاص\nأعلنت حكومة الوحدة الوطنية خطة منفصلة لصيانة المدارس قبل العام الدراسي، بتكلفة مئة مليون "
        "دينار.",
        False,
    ),
    "derna-relief-one-government": (
        "the unity government's relief for Derna's flood: one government, no split, no fighting",
        "طائرات إغاثة إلى درنة",
        "طرابلس - خاص\nأرسلت حكومة الوحدة الوطنية طائرات محملة بفرق إنقاذ إلى درنة، وقال الهلال الأحمر إن عدد "
        "القتلى تجاوز الآلاف بعد انهيار السدين.",
        False,
    ),
    "yemen-two-governments": (
        "Yemen's two governments and armed groups: no Libya",
        "الحكومتان في عدن وصنعاء تتبادلان الاتهامات",
        "عدن - خاص\nتبادلت الحكومتان في عدن وصنعاء الاتهامات بعد هجوم مسلحين على قافلة غاز.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round48_mends(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round48_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])


def test_a_detention_counts_beside_a_ruler_not_a_parliament(lexicon: Lexicon) -> None:
    """The same detention counts beside the eastern government and stays silent beside the House alone."""
    body = "بنغازي - خاص\nاحتجز جهاز أمني مدونا دون تهمة في ظل الاختفاء القسري."
    ruler = judge("احتجاز مدون لدى الحكومة المكلفة من مجلس النواب", body, lexicon)
    assert any(t[0] == "احتجاز" and t[2] > 0 for t in ruler.matched_terms)
    house = judge("احتجاز مدون ومجلس النواب الليبي يناقش", body, lexicon)
    assert any(t[0] == "احتجاز" and t[2] == 0.0 for t in house.matched_terms)
