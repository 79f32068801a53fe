"""Round 76 of the relevance judge (from the errors round 75 and the reader left on holdout310-313 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). The lexicon only.

* Armed groups inside a Libyan town told in short local news with no national name: bare "سبها" (also "insulted
  her") and "الخمس" (also "the five") are ambiguous and count at a quarter unless Libya is anchored. The town's
  institutions ("مدينة سبها", "مديرية أمن سبها", "مركز سبها الطبي", "سجن الخمس", "ميناء الخمس", ...) name only the
  town, so they are unambiguous Libya terms that anchor it, as round 48's "مدينة سرت" does.
* "طرابلس الغرب" (Tripoli of the West) is the name that tells Libya's Tripoli from Lebanon's: its own unambiguous term,
  no longer a variant of the ambiguous "طرابلس".
* An Egyptian criminal court's trial of a cell whose leader trained in Libya: Cairo's, Giza's and Alexandria's
  criminal courts ("محكمة جنايات القاهرة", ...) are variants of round 67's court term, so in the title or first
  sentence they frame the trial as abroad (round 72); a trial held in Libya stays Libya's conflict.

Look-alikes stay out: Sabha's university with no fighting, "the five" powers on Syria, Lebanon's Tripoli, Mecca's
Aziziya. Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 75.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Gunmen storm a checkpoint at Sabha's edge; the town's security directorate speaks; no national name.
SABHA_CHECKPOINT = (
    "مسلحون يهاجمون بوابة أمنية عند مدخل سبها الشمالي ويصيبون ثلاثة من عناصرها",
    "سبها - خاص\nأصيب ثلاثة من عناصر الأمن مساء الجمعة في هجوم نفذه مسلحون ملثمون على بوابة أمنية عند "
    "المدخل الشمالي لسبها، قبل أن يلوذوا بالفرار نحو الصحراء.\nوقالت مديرية أمن سبها إن المهاجمين أطلقوا "
    "النار من سيارة مسرعة، وإن الجرحى نقلوا إلى مركز سبها الطبي.\nوتعيش أحياء المدينة توتراً منذ أسابيع بسبب "
    "نزاع بين كتيبتين محليتين على إدارة البوابات.",
)

#: Sabha's university announces its exam timetable: the town, no conflict.
SABHA_EXAMS = (
    "جامعة سبها تعلن جدول امتحانات الفصل الربيعي",
    "سبها - خاص\nأعلنت جامعة سبها جدول امتحانات الفصل الدراسي الربيعي لكليات الطب والهندسة والعلوم، على أن "
    "تبدأ الامتحانات مطلع الشهر المقبل.\nودعا عميد شؤون الطلبة الطلاب إلى مراجعة أرقام الجلوس في لوحات الكليات.",
)

#: Gunmen attack a fuel depot at al-Khums's port; no national name.
KHUMS_PORT = (
    "مسلحون يقتحمون مستودع وقود في ميناء الخمس ويحتجزون حارسين",
    "الخمس - خاص\nاقتحم مسلحون فجر اليوم مستودعاً للوقود داخل ميناء الخمس، واحتجزوا حارسين ساعات قبل أن "
    "يطلقوا سراحهما، بعد تبادل لإطلاق النار مع دورية.\nوقالت مديرية أمن الخمس إن المهاجمين ينتمون إلى مجموعة "
    "مسلحة تطالب بحصة من توزيع الوقود في المنطقة.",
)

#: "The five" powers on Syria's war: no al-Khums.
THE_FIVE_ON_SYRIA = (
    "الدول الخمس دائمة العضوية تبحث وقف القتال في حلب",
    "نيويورك - وكالات\nعقدت الدول الخمس دائمة العضوية في مجلس الأمن اجتماعاً مغلقاً لبحث وقف القتال في حلب، "
    "حيث تتواصل الاشتباكات بين القوات الحكومية السورية والفصائل المسلحة.\nوقال دبلوماسي إن الخمس اختلفت على "
    "صيغة البيان بشأن الغارات على المدنيين.",
)

#: A dateline "Tripoli of the West" over gunmen abducting a municipal official in a town south of the capital.
TRIPOLI_WEST_ABDUCTION = (
    "مسلحون يخطفون رئيس المجلس المحلي في العزيزية",
    "طرابلس الغرب - خاص\nخطف مسلحون مجهولون رئيس المجلس المحلي في العزيزية أثناء عودته إلى منزله مساء أمس، "
    "واقتادوه إلى جهة مجهولة.\nوطالب أعيان المنطقة الأجهزة الأمنية بالتحرك للإفراج عنه.",
)

#: Lebanon's Tripoli: clashes between Bab al-Tabbaneh and Jabal Mohsen.
LEBANON_TRIPOLI = (
    "اشتباكات بين باب التبانة وجبل محسن في طرابلس",
    "بيروت - وكالات\nتجددت الاشتباكات المسلحة بين منطقتي باب التبانة وجبل محسن في طرابلس شمال لبنان، ما أسفر "
    "عن مقتل شخصين، وانتشر الجيش اللبناني في الشوارع.",
)

#: Mecca's Aziziya district: a fire in a pilgrims' building.
MECCA_AZIZIYA = (
    "إخماد حريق في مبنى لسكن الحجاج بحي العزيزية في مكة",
    "مكة المكرمة - واس\nأخمدت فرق الدفاع المدني حريقاً اندلع في مبنى لسكن الحجاج بحي العزيزية، وأخلت 200 حاج "
    "دون إصابات.\nوقال المتحدث إن الحريق نجم عن تماس كهربائي.",
)


#: Giza's criminal court sentences a cell whose leader trained in a camp near Derna: a trial abroad.
GIZA_CELL_TRIAL = (
    "أحكام بالسجن على 9 متهمين في قضية «خلية الهرم»",
    "قضت محكمة جنايات الجيزة اليوم بالسجن المؤبد لأربعة متهمين والمشدد عشر سنوات لخمسة آخرين في قضية «خلية "
    "الهرم»، لاتهامهم بالانضمام إلى جماعة إرهابية وحيازة أسلحة نارية ومتفجرات.\nوكشفت التحقيقات أن المتهم الأول "
    "تلقى تدريبات على صناعة العبوات الناسفة في معسكر قرب درنة بليبيا قبل عودته عبر الحدود الغربية.",
)

#: A court in Misrata sentences members of the Islamic State's Sirte cell: Libya's own conflict.
MISRATA_IS_TRIAL = (
    "محكمة استئناف مصراتة تصدر أحكاما بحق عناصر من «داعش» اعتقلوا في معارك سرت",
    "مصراتة - خاص\nأصدرت محكمة استئناف مصراتة أحكاماً بالإعدام والسجن على 20 عنصراً من تنظيم «داعش» اعتقلتهم "
    "قوات البنيان المرصوص خلال معارك تحرير سرت عام 2016.\nوقالت النيابة إن المدانين شاركوا في الهجمات على "
    "بوابات المدينة وفي إعدام أسرى.",
)


def _terms(result) -> set[str]:
    return {term for term, *_ in result.matched_terms}


def test_armed_attack_in_sabha_named_by_its_institutions_is_relevant(lexicon: Lexicon) -> None:
    result = judge(*SABHA_CHECKPOINT, lexicon)
    assert result.relevant, result.score
    assert "مدينة سبها" in _terms(result)  # the directorate and the medical centre, variants of the term


def test_sabhas_university_without_fighting_stays_out(lexicon: Lexicon) -> None:
    result = judge(*SABHA_EXAMS, lexicon)
    assert not result.relevant, result.score


def test_armed_attack_at_khums_port_is_relevant(lexicon: Lexicon) -> None:
    result = judge(*KHUMS_PORT, lexicon)
    assert result.relevant, result.score
    assert "مدينة الخمس" in _terms(result)


def test_the_five_powers_on_syria_stay_out(lexicon: Lexicon) -> None:
    result = judge(*THE_FIVE_ON_SYRIA, lexicon)
    assert not result.relevant, result.score
    assert "مدينة الخمس" not in _terms(result)


def test_tripoli_of_the_west_anchors_libya(lexicon: Lexicon) -> None:
    result = judge(*TRIPOLI_WEST_ABDUCTION, lexicon)
    assert result.relevant, result.score
    assert "طرابلس الغرب" in _terms(result)


def test_lebanons_tripoli_stays_out(lexicon: Lexicon) -> None:
    result = judge(*LEBANON_TRIPOLI, lexicon)
    assert not result.relevant, result.score


def test_meccas_aziziya_stays_out(lexicon: Lexicon) -> None:
    result = judge(*MECCA_AZIZIYA, lexicon)
    assert not result.relevant, result.score


def test_an_egyptian_criminal_courts_trial_of_a_cell_trained_in_libya_is_abroad(lexicon: Lexicon) -> None:
    result = judge(*GIZA_CELL_TRIAL, lexicon)
    assert not result.relevant, result.score
    assert "قطاع الأمن الوطني" in _terms(result)  # Giza's criminal court, a variant of the court term


def test_a_trial_in_libya_of_its_own_war_stays_relevant(lexicon: Lexicon) -> None:
    result = judge(*MISRATA_IS_TRIAL, lexicon)
    assert result.relevant, result.score
