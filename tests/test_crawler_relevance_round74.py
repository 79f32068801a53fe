"""Round 74 of the relevance judge (from the errors round 73 and the reader left on holdout290-305 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). The lexicon only.

* Libya as another country's warning: "a second Libya", "another Libya", "repeating the Libyan scenario" (idiom "ليبيا
  ثانية") takes the word Libya, as "سوق ليبيا" does, so a neighbour's crisis told with Libya as its warning names no
  Libya; "التجربة الليبية" alone is left (Libya's own stories use it).
* Niger's north, not Libya's towns: the Djado plateau and mountains ("هضبة جادو", "جبال جادو", its gold mines) are
  Niger's (foreign), no longer the Nafusa's Jadu; Niger's capital and northern towns (Niamey, Agadez, Arlit, Dirkou,
  Bilma, Kawar: term "نيامي", weight 2) weigh above the country's name, and "أغاديز", "أرليت", "ديركو", "بلما",
  "كاوار" are matched at all. Libya's own Jadu, and Libya's war told from Agadez, stay relevant.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 73.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Sudan's crisis with Libya as the warning: an Egyptian minister on Khartoum.
SUDAN_SECOND_LIBYA = (
    "وزير الخارجية المصري: لن نقبل أن يصبح السودان «ليبيا ثانية» تتنازعها الميليشيات",
    "القاهرة - «الأهرام»\nقال وزير الخارجية المصري إن بلاده «لن تقبل أن يصبح السودان ليبيا ثانية تتنازعها "
    "الميليشيات والمرتزقة والتدخلات الأجنبية»، داعياً طرفي القتال في الخرطوم إلى العودة إلى طاولة التفاوض.\n"
    "وأضاف أن «تكرار السيناريو الليبي على حدودنا الجنوبية خط أحمر»، مؤكداً أن القاهرة تنسق مع الرياض وواشنطن "
    "لتثبيت هدنة إنسانية في دارفور وكردفان.\nوتطرق الوزير إلى ملف سد النهضة، قائلاً إن المفاوضات متوقفة.",
)

#: Libya's own conflict, an analysis that reads "the Libyan experience" of Libya itself: still relevant.
LIBYAN_EXPERIENCE_AT_HOME = (
    "اشتباكات طرابلس تعيد السؤال: لماذا فشل دمج الميليشيات في ليبيا؟",
    "طرابلس - «الوسط»\nتجددت الاشتباكات المسلحة بين ميليشيات متنافسة في أحياء طرابلس الجنوبية، وسقط قتلى "
    "وجرحى بين المدنيين قبل أن يعلن المجلس الرئاسي وقفاً لإطلاق النار.\nويقول باحثون إن التجربة الليبية منذ "
    "2011 تثبت أن دمج الكتائب المسلحة في الجيش والشرطة لم يتم إلا على الورق، وإن كل حكومة في طرابلس اعتمدت على "
    "ميليشيات تحميها.\nوطالبت البعثة الأممية الأطراف الليبية بضبط النفس والعودة إلى الحوار.",
)

#: Niger's own insurgency on the Djado plateau, near the Libyan border: Niger's war.
DJADO_MINERS = (
    "مسلحون يهاجمون مخيماً لعمال مناجم الذهب في هضبة جادو شمال النيجر قرب الحدود الليبية",
    "نيامي - «رويترز»\nقال الجيش النيجري إن مسلحين مجهولين هاجموا فجر السبت مخيماً لعمال التنقيب عن الذهب في "
    "هضبة جادو بإقليم أغاديز، ما أسفر عن مقتل سبعة عمال وجرح آخرين، قبل أن يفروا نحو الحدود الليبية.\nوأضاف "
    "بيان الجيش أن تعزيزات أرسلت من ديركو وبلما لتمشيط المنطقة، وأن المهاجمين استولوا على أسلحة وسيارات.\n"
    "وتشهد جبال جادو منذ سنوات اشتباكات بين جماعات مسلحة تتنافس على مواقع الذهب وطرق التهريب نحو الجنوب "
    "الليبي.",
)

#: Libya's own Jadu in the Nafusa mountains: still relevant.
JADU_NAFUSA = (
    "اشتباكات مسلحة قرب جادو في الجبل الغربي.. والمجلس البلدي يطالب بتدخل المجلس الرئاسي",
    "جادو - «بوابة الوسط»\nاندلعت اشتباكات مسلحة بين كتيبتين متنافستين على الطريق الرابط بين جادو والزنتان "
    "في الجبل الغربي، استخدمت فيها أسلحة متوسطة، وأسفرت عن قتيلين وعدد من الجرحى.\nوطالب المجلس البلدي جادو "
    "المجلس الرئاسي وحكومة الوحدة الوطنية بالتدخل لوقف القتال، فيما أعلنت وزارة الدفاع إرسال قوة لفض "
    "الاشتباك.",
)

#: Libya's war told from Agadez: Nigeriens fleeing the fighting in Sebha and Murzuq reach home. Still relevant.
AGADEZ_FLEEING_SEBHA = (
    "أغاديز تستقبل مئات النيجريين الفارين من معارك سبها ومرزق",
    "أغاديز - «فرانس برس»\nوصل مئات العمال النيجريين إلى أغاديز خلال الأيام الماضية قادمين من سبها ومرزق، "
    "بعد أن اشتدت المعارك بين قوات حفتر ومجموعات مسلحة من التبو في الجنوب الليبي.\nوروى العائدون أن "
    "القصف العشوائي أصاب أحياء في سبها، وأن مسلحين استولوا على أموالهم عند بوابات أقامتها الكتائب على الطريق "
    "إلى الحدود.\nوقالت منظمة الهجرة إن مركز العبور في المدينة يفيض بالعائدين.",
)


def test_libya_as_another_countrys_warning_names_no_libya(lexicon: Lexicon) -> None:
    result = judge(*SUDAN_SECOND_LIBYA, lexicon)
    assert not result.relevant, result.score
    terms = {term: category for term, category, *_ in result.matched_terms}
    assert terms.get("ليبيا ثانية") == "idiom"
    assert "ليبيا" not in terms


def test_the_libyan_experience_of_libya_itself_stays_relevant(lexicon: Lexicon) -> None:
    result = judge(*LIBYAN_EXPERIENCE_AT_HOME, lexicon)
    assert result.relevant, result.score


def test_the_djado_plateau_is_nigers_north(lexicon: Lexicon) -> None:
    result = judge(*DJADO_MINERS, lexicon)
    assert not result.relevant, result.score
    terms = {term: category for term, category, *_ in result.matched_terms}
    assert terms.get("هضبة جادو") == "foreign" and terms.get("نيامي") == "foreign"
    assert "جادو" not in terms  # the plateau and the mountains take the name


def test_libyas_jadu_and_libyas_war_told_from_agadez_stay_relevant(lexicon: Lexicon) -> None:
    for story in (JADU_NAFUSA, AGADEZ_FLEEING_SEBHA):
        result = judge(*story, lexicon)
        assert result.relevant, (story[0], result.score)
