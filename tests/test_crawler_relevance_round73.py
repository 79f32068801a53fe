"""Round 73 of the relevance judge (from the errors round 72 and the reader made on holdout290-301 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data).

* Gaddafi-era history told in war words: gunmen and mercenaries ("مسلحين", "مرتزقة") are as old as the older war
  (``timeless``, round 64), so they no longer keep a story dated before 2011 from being history, and in one so framed
  they weigh as that war's; so do Saadi and Saif al-Islam Gaddafi by name. A season dates an event as a month does
  ("صيف 2003", ``history._DATES``), and a wire dateline may carry a tag after its source ("لندن - «الشرق الأوسط»
  (خاص)", ``sentences.DATELINE``), so the lead that dates the story is read.
* The split told through one doubled institution's paperwork: a title's dual led by a preposition ("برئيسين",
  "بقائمتين") and the genitive dual of a noun whose plural is broken ("مجلسين", "رئيسين") are round 61's doubling
  (``camps.title_duals``); a sound plural's "ين" ("موظفين") is none.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 72.
"""

from __future__ import annotations

from archive.corpus.arabic import tokens
from crawler.relevance.camps import title_duals
from crawler.relevance.history import dated_past
from crawler.relevance.judge import Lexicon, judge
from crawler.relevance.sentences import lead_words

#: A dissident shot by two gunmen in Rome in 1985, remembered by his daughter: Gaddafi-era history.
ROME_1985 = (
    "أربعون عاماً على اغتيال معارض ليبي في روما.. ابنته تطلب فتح أرشيف الشرطة الإيطالية",
    "روما - «الحياة»\nفي صباح التاسع من يونيو 1985 أطلق مسلحان النار على المعارض الليبي عز الدين الحضيري أمام "
    "مقهى قرب محطة تيرميني فأردياه قتيلاً، في واحدة من عمليات تصفية المعارضين في الخارج.\nوقالت ابنته إنها "
    "تراسل وزارة الداخلية الإيطالية منذ سنوات: «أدين أحد المسلحين وقضى سنوات في السجن، لكن الأسئلة عن من أرسله "
    "بقيت بلا جواب».\nوشهدت عواصم أوروبية عدة في تلك السنوات عمليات اغتيال مماثلة استهدفت ليبيين معارضين، "
    "وطردت بعض الحكومات دبلوماسيين من المكاتب الشعبية الليبية.",
)

#: A book on a mercenary plot of 1977 against the Libyan regime: history, mercenaries and gunmen of that time.
MERCENARY_PLOT = (
    "كتاب جديد يروي خطة مرتزقة لقلب نظام القذافي عام 1977",
    "القاهرة - «الأهرام»\nصدر في القاهرة كتاب يروي تفاصيل خطة أعدها مرتزقة أوروبيون عام 1977 لقلب نظام العقيد "
    "معمر القذافي، بدءاً من شراء سفينة في مالطا وتجنيد مسلحين سابقين في جيوش أفريقية، وانتهاء بإحباطها قبل أن "
    "تبحر.\nويعتمد المؤلف على وثائق رفعت عنها السرية ومقابلات مع ضباط سابقين، ويقول إن المرتزقة كانوا ينوون "
    "اقتحام سجن في طرابلس وتحرير معتقلين سياسيين.\nويقع الكتاب في 300 صفحة ويصدر بالإنجليزية الشهر المقبل.",
)

#: Saif al-Islam Gaddafi's painting exhibition in London in the summer of 2002: Gaddafi-era culture.
SAIF_EXHIBITION = (
    "لوحات سيف الإسلام القذافي في لندن.. ذكريات معرض أثار الجدل",
    "لندن - «الشرق الأوسط» (خاص)\nفي صيف 2002 افتتح سيف الإسلام القذافي معرضاً للوحاته في قاعة بوسط لندن، "
    "ضم أعمالاً عن الصحراء والخيول، وحضره دبلوماسيون ورجال أعمال بريطانيون.\nويروي منظم سابق للمعرض أن "
    "الحراسة كانت مشددة وأن الصحف البريطانية انقسمت بين من رأى فيه انفتاحاً ومن رآه دعاية للنظام.\nوانتقل "
    "المعرض لاحقاً إلى باريس وبرلين.",
)

#: A 1980s chapter whose story is today's war: veterans of the Islamic Legion fought as mercenaries in 2019.
LEGION_TODAY = (
    "من «الفيلق الإسلامي» عام 1981 إلى جبهات طرابلس.. مرتزقة الأمس يعودون",
    "نيامي - «فرانس برس»\nأسس نظام القذافي «الفيلق الإسلامي» عام 1981 من مقاتلين جندهم في دول الساحل.\nوفي "
    "عام 2019 عاد بعض قدامى الفيلق مرتزقة يقاتلون في صفوف قوات حفتر خلال الهجوم على طرابلس، بحسب تقرير "
    "لفريق خبراء الأمم المتحدة، الذي قال إن مسلحين تشاديين وسودانيين شاركوا في المعارك جنوب العاصمة.",
)

#: Saif al-Islam's candidacy rejected in 2021, told with his years before 2011: today's conflict.
SAIF_CANDIDACY = (
    "مفوضية الانتخابات تستبعد سيف الإسلام القذافي.. وأنصاره يغلقون محكمة سبها",
    "طرابلس - «الوسط»\nاستبعدت المفوضية الوطنية العليا للانتخابات سيف الإسلام القذافي من القائمة الأولية "
    "للمترشحين للرئاسة، استناداً إلى حكم صادر بحقه عام 2015.\nوأغلق مسلحون من أنصاره محكمة سبها لمنع النظر "
    "في طعنه، فيما قالت حكومة الوحدة الوطنية إن الانتخابات مهددة، وحذر مجلس النواب من الطعن في قوانينه.",
)

#: The Islamic Call Society with two heads, one named by each government: the split in paperwork.
CALL_SOCIETY_TWO_HEADS = (
    "جمعية الدعوة الإسلامية برئيسين.. وقرارات متعارضة لأئمة المساجد",
    "بنغازي - «الوسط»\nتلقى أئمة مساجد في أجدابيا وسرت قرارين خلال أسبوع، أحدهما من جمعية الدعوة "
    "الإسلامية في طرابلس والآخر من الرئيس الذي سمته الحكومة المكلفة من مجلس النواب للجمعية في بنغازي.",
)

#: Two bar councils each publish the year's admission list: the split in one profession's paperwork.
BAR_TWO_COUNCILS = (
    "محامون جدد بين مجلسين للمحاماة.. اسم في قائمة طرابلس وحدها",
    "طرابلس - «بوابة الوسط»\nنشر المجلس الأعلى للمحاماة في طرابلس قائمة المقبولين للقيد هذا العام، وبعد يومين "
    "نشر المجلس الذي انتخب في بنغازي قائمة أخرى تختلف عنها في عشرات الأسماء.\nوقال محام شاب من البيضاء إن اسمه "
    "ورد في قائمة بنغازي وحدها، وإن المحاكم في طرابلس لا تقبل بطاقته.",
)

#: Employees of Tripoli and Benghazi trained in archiving: a sound plural, no doubled institution.
CLERKS_TRAINED = (
    "تدريب موظفين من طرابلس وبنغازي على الأرشفة الإلكترونية",
    "طرابلس - «وال»\nاختتمت في طرابلس دورة لتدريب موظفين من بلديات طرابلس وبنغازي ومصراتة على أنظمة الأرشفة "
    "الإلكترونية، بإشراف خبراء من منظمة دولية.\nوقال المدرب إن الموظف بات قادراً على حفظ ملفات البلدية رقمياً.",
)

#: Tunisia's two chambers open their session: another country's two councils.
TUNIS_TWO_CHAMBERS = (
    "افتتاح الدورة البرلمانية في تونس بجلسة مشتركة لمجلسين",
    "تونس - «الصباح»\nافتتح مجلس نواب الشعب والمجلس الوطني للجهات والأقاليم الدورة البرلمانية بجلسة مشتركة "
    "في باردو، ألقى فيها رئيس المجلس كلمة عن أولويات التشريع.\nوحضر الجلسة أعضاء الحكومة ودبلوماسيون، بينهم "
    "سفير ليبيا في تونس.",
)


def test_gunmen_and_mercenaries_of_a_story_dated_before_2011_are_history(lexicon: Lexicon) -> None:
    for story in (ROME_1985, MERCENARY_PLOT):
        result = judge(*story, lexicon)
        assert not result.relevant, (story[0], result.score)
    weights = {term: weight for term, _, weight, _ in judge(*MERCENARY_PLOT, lexicon).matched_terms}
    assert weights["مرتزقة"] < 3.0 and weights["مسلحين"] < 2.0  # the older war's, at statement_factor


def test_a_regime_son_dated_by_a_season_under_a_tagged_dateline_is_history(lexicon: Lexicon) -> None:
    assert lead_words(SAIF_EXHIBITION[1])[:3] == ["في", "صيف", "2002"]
    assert dated_past(tokens("في صيف 2002 افتتح المعرض"))
    result = judge(*SAIF_EXHIBITION, lexicon)
    assert not result.relevant, result.score


def test_todays_war_beside_an_older_date_stays_relevant(lexicon: Lexicon) -> None:
    for story in (LEGION_TODAY, SAIF_CANDIDACY):
        result = judge(*story, lexicon)
        assert result.relevant, (story[0], result.score)


def test_a_title_dual_after_a_preposition_or_in_the_genitive_is_the_doubling(lexicon: Lexicon) -> None:
    # (normalised: ئ -> ي)
    assert title_duals(tokens("جمعية الدعوة برئيسين"), tokens("سمت الحكومة رئيسا للجمعية")) == ["برييسين"]
    assert title_duals(tokens("محامون بين مجلسين"), tokens("نشر المجلس الأعلى قائمة")) == ["مجلسين"]
    for story in (CALL_SOCIETY_TWO_HEADS, BAR_TWO_COUNCILS):
        result = judge(*story, lexicon)
        assert result.relevant, (story[0], result.score)
        assert "camp-marked institutions" in {term for term, *_ in result.matched_terms}


def test_a_sound_plural_or_another_countrys_two_chambers_is_no_doubling(lexicon: Lexicon) -> None:
    assert title_duals(tokens("تدريب موظفين من طرابلس"), tokens("بات الموظف قادرا")) == []
    for story in (CLERKS_TRAINED, TUNIS_TWO_CHAMBERS):
        result = judge(*story, lexicon)
        assert not result.relevant, (story[0], result.score)
