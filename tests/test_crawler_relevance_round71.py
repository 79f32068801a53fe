"""Round 71 of the relevance judge (from the errors round 70 and the reader made on holdout286-289 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). Lexicon only.

* A convict or militant abroad who trained in a Libyan town named by the town ("تدرب في سرت", "التدرب في سرت",
  "تدرب في معسكرات صبراتة", "تدرب على السلاح في معسكر بصبراتة"; Sirte, Derna, Sabratha, Benghazi): the phrase is
  his biography, like the camp idiom of round 65 ("تدرب في معسكر", which feeds nothing), so the town in the title of
  a neighbour's trial or raid is no Libyan scene; the plural of the relevant spillover stories ("تدربوا في معسكرات
  صبراتة") is left alone.
* Courts and quarters that place such a story abroad: the court of cassation ("محكمة التمييز": Kuwait, Jordan,
  Lebanon, Iraq, the Gulf; Libya's highest court is the Supreme Court) and al-Qubba written with Lebanon's Tripoli
  ("القبة في طرابلس").
* The Tuareg veterans of Gaddafi's army back in Mali and Niger ("الطوارق الذين خدموا في الجيش الليبي", "كانت في صفوف
  الجيش الليبي": the past tense of a biography) are the weak "trained in Libya" term: the phrase no longer lends
  "الجيش الليبي", an armed actor of Libya's, to a neighbour's rebellion.
* A neighbour's transitional parliament named like Libya's 2011 council ("المجلس الوطني الانتقالي في تشاد", Mali's,
  Guinea's): written with its country, a foreign term takes the name.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 70's
lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Bahrain's court of cassation upholds a sentence on a man who trained in Derna: Bahrain's trial.
MANAMA_DERNA = (
    "التمييز تؤيد السجن 15 عاما لمتهم بالانضمام إلى تنظيم إرهابي والتدرب في درنة",
    "المنامة - «الوطن»\nأيدت محكمة التمييز أمس حكما بالسجن خمس عشرة سنة على متهم بالانضمام إلى جماعة إرهابية "
    "والتدرب على استخدام الأسلحة والمتفجرات، وقررت إسقاط جنسيته.\nوبحسب أوراق الدعوى، سافر المتهم إلى ليبيا عام "
    "2014 وأمضى هناك خمسة أشهر في مدينة درنة قبل أن يعود عبر القاهرة، حيث أوقفته الأجهزة الأمنية بعد رصد "
    "اتصالاته بعناصر من التنظيم.\nوقال محامي الدفاع إن موكله لم يشارك في أي قتال وإنه سافر للعمل.",
)

#: An Algerian army ambush kills a militant who had trained in Sabratha's camps: Algeria's own security.
KHENCHELA_SABRATHA = (
    "الجيش الجزائري يقضي على إرهابي في خنشلة.. المقتول تدرب في معسكرات صبراتة",
    "الجزائر - «الخبر»\nأعلنت وزارة الدفاع الوطني أمس أن مفرزة للجيش الوطني الشعبي قضت على إرهابي خطير في كمين "
    "نصبته بغابة في ولاية خنشلة، واسترجعت بندقية كلاشنيكوف وذخيرة.\nوأوضح البيان أن المقتول التحق بالجماعات "
    "الإرهابية عام 2013 وكان قد تسلل إلى ليبيا حيث تلقى تدريبا قبل أن يعود عبر الحدود الجنوبية، مشيرا إلى أن "
    "عمليات التمشيط متواصلة في المنطقة.",
)

#: Lebanon's military court sentences a man from al-Qubba in Tripoli (Lebanon) who trained in Sirte.
BEIRUT_QUBBA = (
    "المحكمة العسكرية تسجن شابا من القبة في طرابلس خمس سنوات.. «تدرب في سرت»",
    "بيروت - «النهار»\nحكمت المحكمة العسكرية في بيروت أمس بالسجن خمس سنوات على شاب من منطقة القبة في طرابلس "
    "بجرم الانتماء إلى تنظيم «داعش» والتدرب على السلاح.\nوكان المتهم قد سافر إلى ليبيا عبر تركيا عام 2015 "
    "وأمضى أشهرا في صفوف التنظيم قبل أن يعود إلى لبنان، حيث أوقفته مديرية المخابرات في الجيش اللبناني.",
)

#: Tunisians who trained in Sabratha's camps, killed in a strike there: Libya's war, whatever the training phrase.
SABRATHA_CAMP_STRIKE = (
    "غارة على معسكر لداعش في صبراتة تقتل عشرات التونسيين الذين تدربوا في معسكرات صبراتة",
    "صبراتة - «الوسط»\nقتل عشرات المقاتلين التونسيين في غارة جوية استهدفت فجر أمس معسكرا لتنظيم داعش في ضواحي "
    "صبراتة غرب طرابلس، بحسب المجلس البلدي للمدينة.\nوقال مسؤول أمني إن المقاتلين تدربوا في معسكرات صبراتة "
    "منذ أشهر استعدادا لشن هجمات، وإن اشتباكات اندلعت بعد الغارة بين عناصر التنظيم وقوات محلية في وسط المدينة.",
)

#: A Misrata court tries an IS commander captured in Sirte who trained there: Libya's own trial of its war.
MISRATA_TRIAL = (
    "محكمة مصراتة تبدأ محاكمة قيادي في داعش أسر في سرت بعد أن تدرب في سرت وقاتل قوات البنيان المرصوص",
    "مصراتة - «الأحرار»\nبدأت محكمة استئناف مصراتة أمس محاكمة قيادي في تنظيم داعش أسرته قوات عملية البنيان "
    "المرصوص خلال المعارك في الحي رقم 3 بمدينة سرت عام 2016.\nوقالت النيابة إن المتهم قاد هجمات بسيارات "
    "مفخخة على مواقع القوات في سرت، وإن الاشتباكات التي شارك فيها أوقعت عشرات القتلى.",
)

#: The House of Representatives meets in al-Qubba, the eastern town: Libya's al-Qubba, still Libya's.
QUBBA_HOUSE = (
    "مجلس النواب يعقد جلسته في القبة ويرفض قرار المجلس الرئاسي",
    "القبة - «بوابة الوسط»\nعقد مجلس النواب جلسة رسمية في مدينة القبة شرق ليبيا أمس، أعلن فيها رفضه قرار المجلس "
    "الرئاسي تجميد عمل الحكومة المكلفة من مجلس النواب، واعتبره منعدما.\nوقال الناطق باسم المجلس إن النواب "
    "طالبوا المجلس الأعلى للدولة بموقف واضح من الخطوة، فيما حذر نواب من تعميق الانقسام بين المؤسسات.",
)

#: Chad's transitional parliament extends the transition; rebels once based in southern Libya stay outside.
NDJAMENA_COUNCIL = (
    "المجلس الوطني الانتقالي في تشاد يمدد المرحلة الانتقالية ويرفض عودة المتمردين المسلحين",
    "نجامينا - «وكالات»\nصوت المجلس الوطني الانتقالي في تشاد أمس على تمديد المرحلة الانتقالية ثمانية عشر شهرا، "
    "ورفض إدراج الحركات المسلحة التي لم توقع اتفاق السلام في الحوار الوطني.\nوقال رئيس المجلس إن الفصائل التي "
    "كانت تتخذ من الجنوب الليبي قاعدة لها «لن تعود إلا بعد إلقاء السلاح»، فيما نددت المعارضة بالقرار ووصفته "
    "بأنه تمديد لحكم العسكريين.",
)

#: Libya's 2011 council, named alone, in Benghazi: still Libya's.
BENGHAZI_COUNCIL = (
    "المجلس الوطني الانتقالي يعلن من بنغازي تشكيل مكتب تنفيذي لإدارة المناطق المحررة",
    "بنغازي - «وكالات»\nأعلن المجلس الوطني الانتقالي أمس من بنغازي تشكيل مكتب تنفيذي لإدارة المناطق التي خرجت "
    "عن سيطرة قوات القذافي، فيما تواصلت المعارك على جبهة أجدابيا وقصفت كتائب القذافي أحياء في مصراتة.",
)

#: Niger's army recruits Tuareg returnees who once served in Gaddafi's army: Niger's own security.
AGADEZ_RETURNEES = (
    "النيجر تجند مئات الطوارق الذين خدموا في الجيش الليبي لحماية الحدود الشمالية",
    "نيامي - «وكالات»\nأعلنت وزارة الدفاع في النيجر تجنيد ستمائة شاب من الطوارق في كتائب جديدة لحراسة الحدود "
    "الشمالية في منطقة أغاديز، بينهم عشرات عادوا من ليبيا بأسلحتهم بعد سقوط القذافي.\nوقال الوزير إن الهدف هو "
    "منع الجماعات المسلحة من تجنيد الشباب العاطلين، وإن المجندين سيتلقون تدريبا على السلاح لمدة ستة أشهر، فيما "
    "حذر نواب من تكرار تمرد شمال مالي.",
)

#: Tuareg fighters of Ubari clash with Tebu fighters in Libya's south: Libya's war, veterans or not.
UBARI_CLASHES = (
    "اشتباكات في أوباري بين مقاتلين من الطوارق والتبو تخلف قتلى",
    "أوباري - «الوسط»\nاندلعت اشتباكات عنيفة أمس في أوباري جنوب ليبيا بين مسلحين من الطوارق والتبو، استخدمت "
    "فيها الأسلحة الثقيلة، ما أدى إلى مقتل سبعة أشخاص ونزوح عائلات.\nوقال عضو في المجلس البلدي إن بعض المقاتلين "
    "خدموا في الجيش الليبي قبل 2011، وإن الحكومة المؤقتة وحكومة الوفاق تتبادلان الاتهامات بتسليح الطرفين.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_training_in_a_named_libyan_town_is_a_convicts_biography(lexicon: Lexicon) -> None:
    for story in (MANAMA_DERNA, KHENCHELA_SABRATHA):
        terms = _terms(story, lexicon)
        assert terms["تدرب في معسكر"] == ("idiom", 1.0)
        assert not judge(*story, lexicon).relevant


def test_lebanons_qubba_and_the_court_of_cassation_place_the_trial_abroad(lexicon: Lexicon) -> None:
    assert _terms(BEIRUT_QUBBA, lexicon)["باب التبانة"] == ("foreign", 3.0)
    assert "القبة" not in _terms(BEIRUT_QUBBA, lexicon)
    assert not judge(*BEIRUT_QUBBA, lexicon).relevant
    assert _terms(MANAMA_DERNA, lexicon)["محكمة التمييز"] == ("foreign", 2.0)


def test_libyas_own_camps_trials_and_qubba_stay_relevant(lexicon: Lexicon) -> None:
    for story in (SABRATHA_CAMP_STRIKE, MISRATA_TRIAL, QUBBA_HOUSE):
        assert judge(*story, lexicon).relevant, story[0]
    assert "صبراتة" in _terms(SABRATHA_CAMP_STRIKE, lexicon)
    assert "القبة" in _terms(QUBBA_HOUSE, lexicon)


def test_a_neighbours_transitional_council_is_no_libyan_body(lexicon: Lexicon) -> None:
    terms = _terms(NDJAMENA_COUNCIL, lexicon)
    assert terms["المجلس الوطني الانتقالي في تشاد"] == ("foreign", 2.0)
    assert "المجلس الوطني الانتقالي" not in terms
    assert not judge(*NDJAMENA_COUNCIL, lexicon).relevant
    assert _terms(BENGHAZI_COUNCIL, lexicon)["المجلس الوطني الانتقالي"][0] == "libya_political"
    assert judge(*BENGHAZI_COUNCIL, lexicon).relevant


def test_tuareg_veterans_of_gaddafis_army_are_a_biography(lexicon: Lexicon) -> None:
    terms = _terms(AGADEZ_RETURNEES, lexicon)
    assert terms["تدرب في ليبيا"][0] == "libya_place"
    assert "الجيش الليبي" not in terms
    assert not judge(*AGADEZ_RETURNEES, lexicon).relevant
    assert judge(*UBARI_CLASHES, lexicon).relevant
