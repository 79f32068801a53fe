"""Round 68 of the relevance judge (from the errors round 67 and the reader made on holdout274-277 and those the rule
still makes on every older labelled set and SaudiNewsNet's dev part; all development data). Lexicon only.

* A convict tried abroad who joined, tried to join or trained in a camp of IS in Libya: the phrase ("التحق بـ«داعش»
  في ليبيا", "تدرب في معسكر لـ«داعش» بليبيا") is the weak "trained in Libya" term, so it no longer lends "IS in Libya"
  (an armed actor of Libya's) to his trial; the plural of the relevant stories ("التحقوا بتنظيم داعش في ليبيا") is
  left alone.
* The terrorism courts of the neighbours and of Europe (Tunis's chamber specialised in terrorism cases, Jordan's State
  Security Court, a German Higher Regional Court) and Egypt's Farafra oasis name the scene abroad.
* The elections of 24 December named by their date are the political process, even told through the election
  commission's procedure; bare "24 ديسمبر" (Libya's independence day) stays unmatched.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 67's
lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: A Tunisian sentenced in Düsseldorf who trained in an IS camp in Libya: Germany's trial.
DUSSELDORF = (
    "السجن ست سنوات لتونسي في دوسلدورف تدرب في معسكر لـ«داعش» بليبيا",
    "برلين - «وكالات»\nقضت محكمة الولاية العليا في دوسلدورف بسجن شاب تونسي ست سنوات بعد إدانته بالانتماء إلى "
    "منظمة إرهابية أجنبية.\nوقالت النيابة إن المتهم سافر عام 2015 إلى معسكر للتنظيم في ليبيا وتلقى هناك تدريبا "
    "على استخدام الأسلحة، قبل أن يدخل ألمانيا بجواز سفر مزور ويستقر في مدينة نويس.\nوأضافت أن الشرطة عثرت في "
    "هاتفه على رسائل تتحدث عن استهداف محطة قطارات، فيما قال محاميه إنه سيطعن في الحكم.",
)

#: Jordan's State Security Court sentences a young man who tried to join IS in Libya: Jordan's trial.
AMMAN = (
    "«أمن الدولة» تسجن شابا أربع سنوات بعد محاولته الالتحاق بـ«داعش» في ليبيا",
    "عمان - «الرأي»\nأصدرت محكمة أمن الدولة حكما بالسجن أربع سنوات على شاب في الرابعة والعشرين بتهمة محاولة "
    "الالتحاق بتنظيم إرهابي، بعد أن أوقفته الأجهزة الأمنية في مطار الملكة علياء وهو يستعد للسفر عبر إسطنبول.\n"
    "وبحسب قرار الاتهام، تواصل المتهم عبر تطبيقات مشفرة مع عناصر من التنظيم قبل أن يقرر الالتحاق بـ«داعش» في "
    "ليبيا، وحاول إقناع اثنين من أقاربه بمرافقته.",
)

#: Tunisians who joined IS in Libya, killed in an air strike on a Sabratha camp: Libya's war.
SABRATHA_STRIKE = (
    "مقتل عشرات التونسيين الذين التحقوا بتنظيم داعش في ليبيا في غارة على معسكر بصبراتة",
    "تونس - «الصباح»\nقالت مصادر أمنية إن عشرات الشبان التونسيين الذين التحقوا بتنظيم داعش في ليبيا قتلوا في "
    "غارة جوية استهدفت معسكرا للتنظيم في ضواحي صبراتة غرب طرابلس.\nوأضافت المصادر أن المعسكر كان يستخدم لتدريب "
    "المقاتلين قبل إرسالهم إلى سرت، فيما أعلن المجلس البلدي لصبراتة حالة الطوارئ وطالب المجلس الرئاسي بإرسال "
    "قوات لتأمين المدينة.",
)

#: Tunis's terrorism chamber sentences returnees who trained in a camp near Sabratha: Tunisia's trial.
TUNIS_CHAMBER = (
    "سجن ثمانية عائدين تدربوا في معسكر قرب صبراتة",
    "تونس - «الشروق»\nقضت الدائرة الجنائية المختصة بالنظر في قضايا الإرهاب بالمحكمة الابتدائية بتونس بسجن ثمانية "
    "متهمين مددا تتراوح بين ست سنوات وعشرين سنة، بعد إدانتهم بالانضمام إلى تنظيم إرهابي.\nوقالت هيئة الدفاع إن "
    "موكليها عادوا من ليبيا عبر معبر رأس اجدير، وإن اعترافاتهم عن التدرب في معسكر قرب صبراتة انتزعت تحت الضغط.",
)

#: An Egyptian militant of the Farafra attack, handed over from eastern Libya, sentenced in Cairo: Egypt's story.
FARAFRA = (
    "الإعدام لقيادي في «أنصار بيت المقدس» أدين بهجوم كمين الفرافرة",
    "القاهرة - «الأهرام»\nقضت المحكمة العسكرية بالإعدام على قيادي سابق في جماعة «أنصار بيت المقدس» أدين "
    "بالمشاركة في الهجوم على كمين الفرافرة في الصحراء الغربية، وفي استهداف حافلات للشرطة في العريش.\nوقالت "
    "المحكمة إن المتهم أدار خلية نقلت السلاح من الواحات إلى شمال سيناء، قبل أن يفر إلى درنة في ليبيا حيث قبض "
    "عليه وسلم إلى القاهرة.\nوأعلن الدفاع أنه سيطعن في الحكم أمام محكمة الطعون العسكرية.",
)

#: A Libyan court tries IS fighters captured in Sirte: Libya's war told through its court.
SIRTE_COURT = (
    "محكمة مصراتة تبدأ محاكمة 40 من مقاتلي «داعش» أسروا في معارك سرت",
    "مصراتة - «الوسط»\nبدأت محكمة استئناف مصراتة النظر في قضية 40 متهما من مقاتلي تنظيم داعش الذين أسرتهم قوات "
    "البنيان المرصوص خلال معارك تحرير سرت.\nوطالب محامو الدفاع بنقل المتهمين الأجانب إلى سجون بلدانهم، فيما قالت "
    "النيابة إن التحقيقات كشفت عن صلات للتنظيم بخلايا في الجنوب الليبي.",
)

#: The election commission's procedure for the 24 December vote: the political process.
COMMISSION = (
    "المفوضية تمدد تسليم بطاقات الناخبين قبل انتخابات 24 ديسمبر",
    "طرابلس - «وال»\nأعلنت المفوضية الوطنية العليا للانتخابات تمديد فترة تسليم بطاقات الناخبين الليبيين أسبوعا إضافيا، "
    "بعد أن بلغت نسبة الاستلام 58 في المئة من المسجلين.\nوقال رئيس المفوضية عماد السايح إن مراكز التوزيع ستفتح أبوابها يوم "
    "الجمعة، وإن البطاقة شرط للتصويت في الاقتراع المحدد.",
)

#: Independence day, 24 December: a national celebration, no conflict.
INDEPENDENCE = (
    "احتفالات في بنغازي وطرابلس بذكرى الاستقلال في 24 ديسمبر",
    "بنغازي - «الوسط»\nاحتفلت مدن ليبية عدة بذكرى إعلان الاستقلال في 24 ديسمبر 1951، وأقيمت عروض فنية ومعارض "
    "للصور القديمة في ساحات بنغازي وطرابلس.\nوقال منظمو الاحتفال إن الهدف تعريف الأجيال الجديدة بتاريخ المملكة "
    "ودستورها الأول.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_a_convict_abroad_who_trained_with_is_in_libya(lexicon: Lexicon) -> None:
    for story in (DUSSELDORF, AMMAN):
        assert not judge(*story, lexicon).relevant
        terms = _terms(story, lexicon)
        assert "ولاية طرابلس" not in terms  # no "IS in Libya" lent to a trial abroad
        assert terms["تدرب في ليبيا"][0] == "libya_place"
        assert terms["المختصة بقضايا الإرهاب"][0] == "foreign"


def test_the_fighters_of_is_in_libya_stay_relevant(lexicon: Lexicon) -> None:
    assert judge(*SABRATHA_STRIKE, lexicon).relevant
    assert _terms(SABRATHA_STRIKE, lexicon)["ولاية طرابلس"][0] == "libya_armed"
    assert judge(*SIRTE_COURT, lexicon).relevant


def test_a_neighbours_terrorism_court_and_the_farafra_attack(lexicon: Lexicon) -> None:
    assert _terms(TUNIS_CHAMBER, lexicon)["المختصة بقضايا الإرهاب"] == ("foreign", 2.0)
    assert not judge(*TUNIS_CHAMBER, lexicon).relevant
    assert _terms(FARAFRA, lexicon)["الفرافرة"] == ("foreign", 3.0)
    assert not judge(*FARAFRA, lexicon).relevant


def test_the_24_december_elections_told_through_the_commission(lexicon: Lexicon) -> None:
    assert judge(*COMMISSION, lexicon).relevant
    assert _terms(COMMISSION, lexicon)["انتخابات 24 ديسمبر"] == ("political_conflict", 1.5)
    assert "انتخابات 24 ديسمبر" not in _terms(INDEPENDENCE, lexicon)
    assert not judge(*INDEPENDENCE, lexicon).relevant
