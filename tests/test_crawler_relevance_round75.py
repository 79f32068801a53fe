"""Round 75 of the relevance judge (from the errors round 74 and the reader left on holdout306-309 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). The lexicon only.

* Libya's state backing another country's unity: "ليبيا تدعم وحدة السودان", "ندعم وحدة ...", "تأييدها" (category
  statement_support, feeds welcome) frames a title as a welcome does, only where another theatre is its addressee and
  no Libyan scene is named; a neighbour backing Libya's unity against the fighting in Tripoli stays Libya's conflict.
* Militants abroad with a Libyan past, told by a police force or an army rather than a court: European police forces
  (Italy's, Britain's, France's, Spain's, Belgium's, the Netherlands') and Nigeria's army are ``court`` terms, so named
  in the title or first sentence they frame the story as round 72's courts do (``frame.tried_abroad``); a foreign
  police arrest of a Libyan armed group's commander for Libya's war stays relevant.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 74.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: A neighbour backs Libya's unity against the fighting in Tripoli: Libya's own conflict.
ALGERIA_BACKS_LIBYAS_UNITY = (
    "الجزائر تؤكد دعمها لوحدة ليبيا وترفض التدخل العسكري في طرابلس",
    "الجزائر - «الخبر»\nأكد وزير الخارجية الجزائري دعم بلاده لوحدة ليبيا وسيادتها، ورفضها أي تدخل عسكري "
    "أجنبي في النزاع الدائر حول طرابلس بين قوات حفتر وقوات حكومة الوفاق.\nودعا الوزير الأطراف الليبية إلى "
    "وقف إطلاق النار والعودة إلى المسار السياسي برعاية الأمم المتحدة، محذراً من تدفق السلاح والمرتزقة.",
)

#: French police hold a Moroccan who trained in a camp near Derna: the arrest abroad of a militant with a Libyan past.
PARIS_ARREST_DERNA_CAMP = (
    "الشرطة الفرنسية تعتقل مغربياً في ليون للاشتباه في التخطيط لهجوم.. والادعاء: تدرب في معسكر قرب درنة",
    "باريس - (أ ف ب)\nأعلنت الشرطة الفرنسية اعتقال شاب مغربي في مدينة ليون للاشتباه في تخطيطه لهجوم "
    "بسكين على كنيسة خلال عيد الميلاد، بعد مراقبة استمرت أسابيع.\nوقال مصدر في التحقيق إن الموقوف تدرب في "
    "معسكر قرب درنة الليبية عام 2015 قبل عودته إلى أوروبا عبر تركيا، وإنه كان على تواصل مع عناصر من «داعش».\n"
    "وأكد وزير الداخلية الفرنسي أن الأجهزة أحبطت ثلاث مخططات إرهابية منذ مطلع العام.",
)

#: Italian police arrest a Libyan prison commander wanted by the ICC for the torture of detainees in Tripoli: Libya's war.
TURIN_ARREST_ICC = (
    "الشرطة الإيطالية تعتقل قائداً في «جهاز الردع» بطرابلس بموجب مذكرة من الجنائية الدولية",
    "روما - «آكي»\nاعتقلت الشرطة الإيطالية في تورينو قائداً في «جهاز الردع» المسؤول عن سجن معيتيقة في "
    "طرابلس، بموجب مذكرة توقيف من المحكمة الجنائية الدولية تتهمه بتعذيب المحتجزين وقتلهم خلال سنوات النزاع "
    "المسلح في ليبيا.\nوقالت المحكمة إن الجرائم ارتكبت بحق معتقلين من الكتائب المسلحة المنافسة ومهاجرين.",
)

#: Libya's presidential council backs Sudan's unity before an envoy of Khartoum: Libya speaking on Sudan's war.
SUDAN_UNITY = (
    "المنفي لمبعوث مجلس السيادة السوداني: ليبيا تدعم وحدة السودان وجيشه الوطني",
    "طرابلس - «وال»\nاستقبل رئيس المجلس الرئاسي محمد المنفي في طرابلس مبعوث رئيس مجلس السيادة السوداني، "
    "الذي سلمه رسالة حول تطورات الحرب بين الجيش السوداني وقوات الدعم السريع في دارفور وكردفان.\nوأكد المنفي "
    "أن ليبيا تدعم وحدة السودان ومؤسساته وتدعو إلى وقف إطلاق النار وفتح ممرات آمنة للمدنيين.\nوقال المبعوث إن الخرطوم تقدر موقف ليبيا وتتطلع إلى تنسيق "
    "أمني على الحدود المشتركة.",
)


def test_libya_backing_another_countrys_unity_is_a_statement(lexicon: Lexicon) -> None:
    result = judge(*SUDAN_UNITY, lexicon)
    assert not result.relevant, result.score
    terms = {term: category for term, category, *_ in result.matched_terms}
    assert terms.get("تدعم وحدة") == "statement_support"


def test_a_neighbour_backing_libyas_unity_stays_relevant(lexicon: Lexicon) -> None:
    result = judge(*ALGERIA_BACKS_LIBYAS_UNITY, lexicon)
    assert result.relevant, result.score


def test_a_police_arrest_abroad_of_a_militant_trained_in_libya_is_his_past(lexicon: Lexicon) -> None:
    result = judge(*PARIS_ARREST_DERNA_CAMP, lexicon)
    assert not result.relevant, result.score
    terms = {term: category for term, category, *_ in result.matched_terms}
    assert terms.get("الشرطة الإيطالية") == "foreign"  # the French police, a variant of the term


def test_a_police_arrest_abroad_of_a_libyan_armed_groups_commander_stays_relevant(lexicon: Lexicon) -> None:
    result = judge(*TURIN_ARREST_ICC, lexicon)
    assert result.relevant, result.score
