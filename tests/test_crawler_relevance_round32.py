"""Round 32 of the relevance judge (issue 13), developed on holdout54-57's first-judgement errors.

Each change keeps a real story of the conflict and leaves out its look-alike:

* Libya's envoy at a forum (category statement_envoy, feeds "envoy"; crawler/relevance/judge.py _envoy_abroad) frames a
  title as a statement where another theatre is named after it and the title names no other Libya name and no armed
  actor: the envoy on Gaza, Ukraine or Palestinian prisoners is Libya speaking; the envoy on the mercenaries in Libya,
  the ceasefire in Libya or the embargo on Libya, or on Syrian and Russian mercenaries, keeps Libya's conflict;
* Derna's Shura Council of Islamic Youth is a Shura council of the war (its Islamic court's execution in a stadium is
  no sport story);
* arbitrary detention in the adverb's word order ("المحتجزين تعسفيا") and forced confessions are spellings of the
  rights abuses (enforced disappearance, arbitrary detention); the Houthis' forced confessions in Sanaa stay Yemen's.
"""

from __future__ import annotations

import pytest

from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from tests.helpers import labelled_row, matched_names, term_weight


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


# the round's probes (id -> (title, body)); label in RELEVANT / NOT_RELEVANT
PROBES = {
    # e1: the envoy on the mercenaries in Libya (round 24's case)
    "e1": (
        "مندوب ليبيا لدى الأمم المتحدة يطالب بخروج المرتزقة والقوات الأجنبية من ليبيا",
        "نيويورك - وال\nطالب مندوب ليبيا الدائم لدى الأمم المتحدة، في كلمته أمام مجلس الأمن، بخروج جميع المرتزقة والمقاتلين الأجانب والقوات الأجنبية من الأراضي الليبية دون تأخير، محذرا من أن وجودهم يهدد اتفاق وقف إطلاق النار الموقع في جنيف.\nوقال المندوب إن آلاف المرتزقة ما زالوا منتشرين في قاعدة الجفرة وسرت وفي الجنوب الليبي، وإن عناصر من مجموعة فاغنر تتحرك بين المواقع العسكرية رغم تعهدات الأطراف.\nودعا المجلس إلى دعم عمل اللجنة العسكرية المشتركة 5+5 وتنفيذ خطة العمل التي أقرتها لسحب المقاتلين الأجانب بشكل متزامن ومتدرج، مشددا على أن استمرار الانقسام المؤسسي يغذي التدخلات الخارجية.\nوأضاف أن الشعب الليبي عانى سنوات من الحرب والاشتباكات وأنه يتطلع إلى انتخابات تنهي المراحل الانتقالية.",
    ),
    # e2: the envoy on the ceasefire in Libya
    "e2": (
        "مندوب ليبيا في مجلس الأمن: وقف إطلاق النار في ليبيا هش والخروقات تتكرر",
        "نيويورك - وال\nقال مندوب ليبيا في مجلس الأمن إن اتفاق وقف إطلاق النار في ليبيا ما زال هشا، مشيرا إلى خروقات متكررة على خطوط التماس قرب سرت والجفرة خلال الأسابيع الماضية.\nوأوضح المندوب أن تحشيدات عسكرية رصدت غرب سرت، وأن الاشتباكات المتقطعة بين مجموعات مسلحة في طرابلس تعيد المخاوف من انهيار الهدنة.\nودعا المجلس إلى الضغط على الأطراف الداعمة للحرب، وإلى دعم اللجنة العسكرية المشتركة في مهمتها، محذرا من أن استمرار الانقسام بين الحكومتين يضعف أي مسار سياسي.\nوختم بأن الليبيين يريدون السلام والانتخابات لا العودة إلى المعارك.",
    ),
    # e3: the envoy on the arms embargo on Libya
    "e3": (
        "المندوب الليبي: حظر السلاح على ليبيا يخرق يوميا والسفن تصل إلى الموانئ",
        "نيويورك - وال\nأكد المندوب الليبي لدى الأمم المتحدة أن حظر السلاح المفروض على ليبيا يخرق يوميا، وأن شحنات الأسلحة والذخائر تصل إلى الموانئ والقواعد الجوية لصالح أطراف النزاع.\nوقال إن تقارير فريق الخبراء وثقت رحلات شحن عسكري إلى قاعدة الخادم وقاعدة الوطية، وطالب مجلس الأمن بمحاسبة الدول التي تنتهك الحظر.\nوأشار إلى أن تدفق السلاح يطيل أمد الصراع ويهدد المدنيين في طرابلس وسرت، داعيا إلى تفعيل العقوبات على المعرقلين.",
    ),
    # e4: the envoy on Syrian and Russian mercenaries: an armed actor keeps it Libya's
    "e4": (
        "مندوب ليبيا أمام مجلس الأمن: على المرتزقة السوريين والروس المغادرة فورا",
        "نيويورك - وال\nطالب مندوب ليبيا أمام مجلس الأمن بمغادرة المرتزقة السوريين والروس الأراضي الليبية فورا، مؤكدا أن وجودهم في قاعدة الجفرة وحول سرت يهدد وقف إطلاق النار.\nوقال إن المقاتلين الأجانب جلبوا إلى ليبيا خلال الحرب على طرابلس، وإن بقاءهم يكرس الانقسام ويمنع توحيد المؤسسة العسكرية.\nودعا إلى دعم اللجنة العسكرية المشتركة 5+5 في تنفيذ خطة سحب المرتزقة والقوات الأجنبية.",
    ),
    # e5: the envoy at the Arab League condemning the war on Gaza
    "e5": (
        "المندوب الليبي في الجامعة العربية يدين العدوان الإسرائيلي على غزة",
        "القاهرة - وال\nأدان المندوب الليبي لدى جامعة الدول العربية العدوان الإسرائيلي المتواصل على قطاع غزة، خلال اجتماع طارئ لمجلس الجامعة على مستوى المندوبين الدائمين.\nوقال إن القصف الذي يستهدف المنازل والمستشفيات والمدارس في القطاع يرقى إلى جرائم حرب، داعيا إلى وقف فوري لإطلاق النار وفتح المعابر أمام المساعدات الإنسانية.\nوجدد موقف ليبيا الداعم لحق الشعب الفلسطيني في إقامة دولته المستقلة، مطالبا المجتمع الدولي بتحمل مسؤولياته.\nوشارك في الاجتماع مندوبو الدول الأعضاء الذين أكدوا رفضهم لتهجير سكان غزة.",
    ),
    # e6: Libya's delegation at the Human Rights Council on Sudan's war crimes
    "e6": (
        "وفد ليبيا في مجلس حقوق الإنسان يطالب بالمحاسبة على جرائم الحرب في السودان",
        "جنيف - وال\nطالب وفد ليبيا المشارك في أعمال مجلس حقوق الإنسان بمحاسبة مرتكبي جرائم الحرب في السودان، خلال الحوار التفاعلي حول تقرير بعثة تقصي الحقائق.\nوقال رئيس الوفد إن الهجمات على المدنيين في الفاشر ودارفور والخرطوم، وحصار المدن وقصف الأسواق، تستوجب تحقيقا دوليا مستقلا، داعيا طرفي القتال إلى وقف إطلاق النار.\nوأكد أن ليبيا تستقبل آلاف اللاجئين السودانيين وتقدم لهم الرعاية رغم الضغوط، مطالبا بدعم دولي لدول الجوار.",
    ),
    # e7: the envoy warning Libya could become a proxy war like Syria's
    "e7": (
        "مندوب ليبيا في مجلس الأمن يحذر من تحول ليبيا إلى ساحة صراع دولي كما في سوريا",
        "نيويورك - وال\nحذر مندوب ليبيا في مجلس الأمن من تحول ليبيا إلى ساحة صراع بالوكالة بين القوى الدولية، كما حدث في سوريا، في ظل استمرار تدفق السلاح والمرتزقة.\nوقال إن الهجوم على طرابلس خلف مئات القتلى وآلاف النازحين، وإن قوات حفتر تواصل قصف الأحياء السكنية جنوب العاصمة بدعم خارجي.\nودعا المجلس إلى فرض وقف لإطلاق النار وتسمية الدول التي تنتهك حظر السلاح.",
    ),
    # e8: Libya's representative at the UN on Ukraine
    "e8": (
        "ممثل ليبيا في الأمم المتحدة: ما يجري في أوكرانيا عدوان يجب أن يتوقف",
        "نيويورك - وال\nقال ممثل ليبيا الدائم لدى الأمم المتحدة إن ما يجري في أوكرانيا عدوان على دولة ذات سيادة يجب أن يتوقف فورا، وذلك خلال جلسة الجمعية العامة الطارئة.\nوأضاف أن قصف المدن الأوكرانية ونزوح الملايين مأساة إنسانية، داعيا روسيا إلى سحب قواتها والعودة إلى طاولة المفاوضات.\nوصوتت ليبيا لصالح القرار الذي حظي بتأييد 141 دولة.",
    ),
    # e9: the envoy on Tripoli's clashes, Gaza named in the title
    "e9": (
        "مندوب ليبيا: لا مقارنة بين غزة وليبيا لكن الاشتباكات في طرابلس تهدد المدنيين",
        "نيويورك - وال\nقال مندوب ليبيا لدى الأمم المتحدة إن الاشتباكات المسلحة التي شهدتها طرابلس الأسبوع الماضي بين جهاز دعم الاستقرار واللواء 444 أودت بحياة مدنيين وأغلقت مطار معيتيقة، داعيا إلى محاسبة المسؤولين عنها.\nوأضاف أن المجموعات المسلحة في العاصمة يجب أن تخضع لسلطة الدولة، وأن استمرار الانقسام يغذي الصراع.\nوأشار في ختام كلمته إلى تضامن ليبيا مع الشعب الفلسطيني في غزة.",
    ),
    # e10: Libya at the General Assembly on Sudan's war
    "e10": (
        "ليبيا أمام الجمعية العامة: الحرب في السودان كارثة إنسانية تتطلب تحركا عاجلا",
        "نيويورك - وال\nدعت ليبيا أمام الجمعية العامة للأمم المتحدة إلى تحرك دولي عاجل لوقف الحرب في السودان، التي وصفها مندوبها بأنها كارثة إنسانية.\nوقال المندوب إن المعارك بين الجيش وقوات الدعم السريع في الخرطوم والفاشر خلفت آلاف القتلى وملايين النازحين، داعيا إلى هدنة إنسانية وفتح الممرات.\nوأشار إلى أن قوافل الإغاثة الليبية تتجه إلى الحدود عبر الكفرة.",
    ),
    # e11: the Houthis' forced confessions in Sanaa
    "e11": (
        "الحوثيون يبثون «اعترافات» لموظفين أمميين محتجزين في صنعاء",
        "صنعاء - وكالات\nبثت قناة تابعة لجماعة الحوثي مقاطع مصورة لما وصفتها باعترافات موظفين في وكالات أممية ومنظمات دولية محتجزين لديها منذ أشهر، بتهمة التجسس لصالح الولايات المتحدة وإسرائيل.\nوقالت منظمات حقوقية يمنية ودولية إن الاعترافات القسرية انتزعت تحت الإكراه، وإن المحتجزين تعسفيا حرموا من مقابلة محامين أو ذويهم، داعية إلى الإفراج الفوري عنهم.\nوأدان المبعوث الأممي إلى اليمن بث المقاطع، معتبرا أنه ينتهك حقوق المحتجزين ويعرض حياتهم للخطر، فيما طالبت الحكومة اليمنية المجتمع الدولي بالضغط على الجماعة.\nوكانت الجماعة قد احتجزت عشرات العاملين في المجال الإنساني في صنعاء والحديدة خلال العام الماضي.",
    ),
    # e12: Derna's Shura Council of Islamic Youth pledging to IS
    "e12": (
        "«مجلس شورى شباب الإسلام» يستعرض مسلحيه في درنة ويعلن مبايعة «داعش»",
        "درنة - خاص\nاستعرض عناصر مسلحون تابعون لما يعرف بمجلس شورى شباب الإسلام في درنة عشرات السيارات المسلحة في شوارع المدينة، معلنين مبايعة تنظيم داعش وإعلان المدينة ولاية تابعة له.\nوجاب الموكب شوارع المدينة وسط رفع الرايات السوداء، فيما أغلقت المحال التجارية أبوابها وسط مخاوف السكان.\nوقال ناشطون إن الجماعة تفرض سيطرتها على المدينة منذ أشهر بعد موجة اغتيالات طالت ضباطا وقضاة، في ظل غياب أي وجود للحكومة المؤقتة أو الأجهزة الأمنية.",
    ),
    # e13: a cup final in Derna's stadium
    "e13": (
        "ملعب درنة يستضيف نهائي كأس ليبيا بعد اكتمال أعمال الصيانة",
        "درنة - وال\nأعلن الاتحاد الليبي لكرة القدم أن ملعب درنة سيستضيف المباراة النهائية لكأس ليبيا بين فريقي الأهلي بنغازي والاتحاد، بعد اكتمال أعمال الصيانة وتركيب الإنارة الجديدة والعشب الصناعي.\nوقال رئيس اللجنة المنظمة إن الملعب يتسع لعشرين ألف مشجع، وإن الترتيبات الأمنية والتنظيمية اكتملت بالتنسيق مع مديرية الأمن.\nوأبدى مدربا الفريقين استعدادهما للمباراة، فيما ينتظر أن يحضرها عدد من المسؤولين.",
    ),
}
RELEVANT = ("e1", "e2", "e3", "e4", "e7", "e9", "e12")
NOT_RELEVANT = ("e5", "e6", "e8", "e10", "e11", "e13")


@pytest.mark.parametrize("pid", RELEVANT)
def test_probe_relevant(lexicon: Lexicon, pid: str) -> None:
    result = judge(*PROBES[pid], lexicon)
    assert result.relevant, (pid, result.score, result.matched_terms[:6])


@pytest.mark.parametrize("pid", NOT_RELEVANT)
def test_probe_not_relevant(lexicon: Lexicon, pid: str) -> None:
    result = judge(*PROBES[pid], lexicon)
    assert not result.relevant, (pid, result.score, result.matched_terms[:6])


@pytest.mark.parametrize(
    ("name", "row_id"),
    [("holdout57.jsonl", "h57-18"), ("holdout49.jsonl", "h49-25"), ("holdout30.jsonl", "h30-02")],
)
def test_envoy_on_another_theatre_is_a_statement(lexicon: Lexicon, name: str, row_id: str) -> None:
    result = judge(*labelled_row(name, row_id), lexicon)
    assert not result.relevant, result.score
    # the envoy is Libya's name, at the weight of "ليبيا"
    assert term_weight(result, "مندوب ليبيا") == 3.0


def test_envoy_takes_libya_weight_without_the_frame(lexicon: Lexicon) -> None:
    # no theatre after the envoy: no frame, the conflict words keep their weight
    result = judge(*PROBES["e2"], lexicon)
    assert "مندوب ليبيا" in matched_names(result)
    assert term_weight(result, "وقف إطلاق النار") == 3.0


@pytest.mark.parametrize(("name", "row_id"), [("holdout57.jsonl", "h57-10"), ("holdout57.jsonl", "h57-14")])
def test_holdout57_misses_are_relevant(lexicon: Lexicon, name: str, row_id: str) -> None:
    result = judge(*labelled_row(name, row_id), lexicon)
    assert result.relevant, (result.score, result.matched_terms[:6])


def test_forced_confessions_are_rights_abuses(lexicon: Lexicon) -> None:
    result = judge(*labelled_row("holdout57.jsonl", "h57-14"), lexicon)
    assert term_weight(result, "الاختفاء القسري") == 2.0
    assert "مجلس شورى مجاهدي درنة" in matched_names(judge(*PROBES["e12"], lexicon))
