"""Round 31 of the relevance judge (issue 13), developed on the review of rounds 28-30 (its probes, below).

Each change keeps a real story of the conflict and leaves out its look-alike:

* round 30's reactions (crawler/relevance/frame.py) and "a framed title's conflict words are the other theatre's" apply
  only under a title that names the other theatre: a Libyan condemnation comparing its shelling with Sudan's war keeps
  its towns; Libya's aid convoy for Gaza stays a reaction;
* a theatre before the welcome word is the speaker only as the title's first name ("the Gaza ceasefire meets a wide
  Libyan welcome" fronts its addressee; "Algeria welcomes ..." still speaks);
* a party for a death sentence (crawler/relevance/party.py): the war's crime (``party``: a truck bomb, the bombing
  case, killing the protesters) and the events of February 2011; a murder over an inheritance stays ordinary justice;
* Berlin's donors' conference is an idiom, not the Libya conference;
* ``venue = true`` only on an ambiguous Libya name (ConfigError otherwise); the term checks live in
  crawler/relevance/terms_config.py and the sentence pass in crawler/relevance/sentences.py (moves: no score changed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from crawler.relevance.sentences import sentence_hits


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


# the reviewer's probes of rounds 28-30 (/work/notes/review30/probes.jsonl): id -> (title, body)
PROBES = {
    # f1 (label 1): Libya's own shelling; one comparison with Sudan's war makes Misrata/Tarhuna 'reaction' towns
    "f1": (
        "المجلس الرئاسي يدين القصف العشوائي ويدعو لوقف فوري لإطلاق النار",
        "طرابلس - وال\nأدان المجلس الرئاسي القصف العشوائي الذي استهدف الأحياء السكنية جنوبي العاصمة ليلة الأحد، وأسفر عن مقتل أربعة مدنيين.\nودعا المجلس جميع الأطراف إلى وقف فوري لإطلاق النار.\nوحذر من أن استمرار القتال قد يجر البلاد إلى حرب أهلية مدمرة كالتي يشهدها السودان.\nوكان المجلس قد أرسل وفدا من أعيان مصراتة إلى ترهونة الأسبوع الماضي للوساطة.",
    ),
    # f2 (label 1): IS attack on HNEC in Tripoli; Iraq sentence tells the other war, Tripoli only in a quiet senten
    "f2": (
        "الجامعة العربية تدين الهجوم الإرهابي على مقر المفوضية العليا للانتخابات",
        "القاهرة - أ ش أ\nأدانت جامعة الدول العربية الهجوم الإرهابي الذي استهدف مقر المفوضية الوطنية العليا للانتخابات وأسفر عن مقتل 14 شخصا.\nوأكد الأمين العام تضامن الجامعة مع الشعب الليبي وحكومة الوفاق الوطني في طرابلس.\nوكانت الجامعة قد أدانت الأسبوع الماضي تفجيرا مماثلا في العراق تبناه تنظيم داعش.",
    ),
    # f6 (label 1): UNSMIL condemns clashes; towns only in a three-place dateline and a quiet meeting sentence
    "f6": (
        "البعثة الأممية تدين الاشتباكات وتدعو إلى حماية المدنيين",
        "طرابلس - بنغازي - الوسط\nأدانت بعثة الأمم المتحدة للدعم في ليبيا الاشتباكات المسلحة التي اندلعت الليلة الماضية وأسفرت عن سقوط ضحايا مدنيين.\nودعت البعثة جميع الأطراف إلى احترام القانون الإنساني الدولي وحماية المدنيين.\nوأعربت عن قلقها من تكرار سيناريو الحرب في السودان إذا لم تتوقف المواجهات.\nوعقدت نائبة المبعوث اجتماعا في بنغازي مع قادة عسكريين.",
    ),
    # f5 (label 0): Libya reacting to Gaza (round 30's target)
    "f5": (
        "ليبيا تدين العدوان الإسرائيلي على غزة وترسل قافلة مساعدات",
        "طرابلس - وال\nأدانت وزارة الخارجية بحكومة الوحدة الوطنية العدوان الإسرائيلي المتواصل على قطاع غزة الذي أسفر عن استشهاد المئات.\nوانطلقت من مصراتة قافلة مساعدات طبية وغذائية باتجاه معبر رفح.\nوقال الهلال الأحمر الليبي في بنغازي إنه جهز 20 شاحنة إضافية.\nونظم مواطنون وقفة تضامنية في ميدان الشهداء بطرابلس.",
    ),
    # w4 (label 0): Gaza named BEFORE the welcome noun (the addressee fronted as subject): not framed by round 28's
    "w4": (
        "وقف إطلاق النار في غزة يلقى ترحيبا ليبيا واسعا",
        "طرابلس - وال\nلقي إعلان وقف إطلاق النار في قطاع غزة ترحيبا واسعا في ليبيا على المستويين الرسمي والشعبي.\nورحب المجلس الرئاسي وحكومة الوحدة الوطنية بالاتفاق، مؤكدين دعم ليبيا الكامل للشعب الفلسطيني.\nوخرج مواطنون في ميدان الشهداء بطرابلس احتفالا بوقف الحرب التي أودت بحياة آلاف الفلسطينيين.",
    ),
    # w1 (label 1): neighbour speaks after the verb (adjective 'جزائري'); the addressee is Tripoli's ceasefire
    "w1": (
        "ترحيب جزائري بإعلان وقف إطلاق النار في طرابلس",
        "الجزائر - واج\nرحبت الجزائر بإعلان وقف إطلاق النار في العاصمة الليبية طرابلس بعد أسبوع من الاشتباكات العنيفة بين مجموعات مسلحة.\nودعت الخارجية الجزائرية الأطراف الليبية إلى الالتزام بالهدنة وتغليب لغة الحوار.\nوكانت الاشتباكات قد أسفرت عن مقتل 32 شخصا بينهم مدنيون، وفق وزارة الصحة في حكومة الوحدة الوطنية.",
    ),
    # w8 (label 1): neighbour speaker first (round 28's intended case)
    "w8": (
        "الجزائر ترحب بنتائج ملتقى الحوار السياسي الليبي في تونس",
        "الجزائر - واج\nرحبت الجزائر بنتائج ملتقى الحوار السياسي الليبي الذي اختتم أعماله في تونس باختيار سلطة تنفيذية موحدة.\nودعت الخارجية الجزائرية الأطراف الليبية إلى دعم السلطة الجديدة والالتزام بوقف إطلاق النار.\nوأكدت استعداد الجزائر لمرافقة المسار الانتخابي.",
    ),
    # d2 (label 1): 2011 protester killings trial, no 'Gaddafi'/'regime' word in the verdict sentence
    "d2": (
        "أحكام بالإعدام بحق 45 متهما في قضية قتل متظاهري جنزور عام 2011",
        "طرابلس - وال\nأصدرت محكمة جنايات طرابلس أحكاما بالإعدام بحق 45 متهما في قضية قتل متظاهرين في منطقة جنزور خلال أحداث فبراير 2011.\nوقضت المحكمة بالسجن عشر سنوات لعشرين متهما آخرين.\nوقال محامو الدفاع إنهم سيطعنون في الأحكام أمام المحكمة العليا.",
    ),
    # d3 (label 1): Zliten truck bomb trial; 'متهمين' only
    "d3": (
        "محكمة مصراتة تحكم بإعدام 9 متهمين في قضية تفجير زليتن",
        "مصراتة - الوسط\nقضت محكمة جنايات مصراتة بإعدام تسعة متهمين في قضية تفجير مركز تدريب الشرطة في زليتن عام 2016.\nوأسفر التفجير الانتحاري بشاحنة مفخخة عن مقتل أكثر من 60 متدربا.\nوقضت المحكمة ببراءة أربعة متهمين.",
    ),
    # d5 (label 0): ordinary murder (round 29 look-alike, weapon words)
    "d5": (
        "الإعدام رميا بالرصاص لقاتل شقيقه في بنغازي",
        "بنغازي - الوسط\nقضت محكمة جنايات بنغازي بالإعدام رميا بالرصاص على شاب أدين بقتل شقيقه بسلاح ناري إثر خلاف على الميراث.\nوكان المتهم قد أطلق النار على شقيقه في منزل العائلة بمنطقة الليثي.\nوقالت النيابة إن المتهم اعترف بجريمته.",
    ),
    # d6 (label 0): robbery gang: 'عصابة مسلحة' is an armed actor and opens the gate
    "d6": (
        "الإعدام لأفراد عصابة مسلحة خطفت وقتلت سائق أجرة في طرابلس",
        "طرابلس - وال\nقضت محكمة جنايات طرابلس بإعدام ثلاثة من أفراد عصابة مسلحة أدينوا بخطف سائق أجرة وقتله بهدف سرقة سيارته.\nوقالت النيابة العامة إن المتهمين استدرجوا الضحية إلى منطقة نائية في تاجوراء.\nوقد ضبطت الأجهزة الأمنية السيارة المسروقة في مدينة الزاوية.",
    ),
    # v3 (label 0): 'مؤتمر برلين' is the Libya conference's name; a Syria donors' conference
    "v3": (
        "مؤتمر برلين للمانحين يجمع 6 مليارات يورو لدعم اللاجئين السوريين",
        "برلين - د ب أ\nجمع مؤتمر برلين للمانحين تعهدات بقيمة ستة مليارات يورو لدعم اللاجئين السوريين في دول الجوار.\nوقالت وزيرة الخارجية الألمانية إن الحرب في سوريا خلفت أكبر أزمة لجوء في العالم.\nوشاركت في المؤتمر وفود من أكثر من 50 دولة.",
    ),
    # v1 (label 1): Bouznika talks without the talks' name; bodies named
    "v1": (
        "وفدا مجلسي النواب والدولة يتفقان في بوزنيقة على معايير المناصب السيادية",
        "الرباط - وكالات\nاتفق وفدا مجلس النواب والمجلس الأعلى للدولة في ختام جولة مشاورات في بوزنيقة على معايير تولي المناصب السيادية.\nوتشمل المناصب محافظ مصرف ليبيا المركزي ورئيس ديوان المحاسبة والنائب العام.\nوشكر الوفدان المملكة المغربية على استضافة الجولة.",
    ),
}


def _judge(lexicon: Lexicon, key: str):
    return judge(*PROBES[key], lexicon)


@pytest.mark.parametrize("key", ["f1", "f2", "f6"])
def test_a_libyan_statement_comparing_another_war_keeps_its_scenes(lexicon: Lexicon, key: str) -> None:
    result = _judge(lexicon, key)
    assert result.relevant, result.matched_terms


def test_a_reaction_titled_about_another_theatre_stays_out(lexicon: Lexicon) -> None:
    assert not _judge(lexicon, "f5").relevant


def test_a_fronted_addressee_is_no_speaker(lexicon: Lexicon) -> None:
    assert not _judge(lexicon, "w4").relevant
    # a neighbour named first, before its welcome, still speaks about Libya
    assert _judge(lexicon, "w1").relevant
    assert _judge(lexicon, "w8").relevant


@pytest.mark.parametrize("key", ["d2", "d3"])
def test_a_death_sentence_for_the_wars_crime_counts(lexicon: Lexicon, key: str) -> None:
    result = _judge(lexicon, key)
    assert result.relevant, result.matched_terms
    assert {e[0]: e[2] for e in result.matched_terms}["حكم الإعدام"] > 0


@pytest.mark.parametrize("key", ["d5", "d6"])
def test_ordinary_death_sentences_stay_out(lexicon: Lexicon, key: str) -> None:
    assert not _judge(lexicon, key).relevant


def test_party_terms_are_flagged(lexicon: Lexicon) -> None:
    party = {t.term for t in lexicon.terms if t.party}
    assert {"عبوة ناسفة", "قتل المتظاهرين", "قضية تفجير"} <= party


def test_berlin_donors_conference_is_no_libya_conference(lexicon: Lexicon) -> None:
    result = _judge(lexicon, "v3")
    assert not result.relevant
    assert "مؤتمر برلين" not in {e[0] for e in result.matched_terms}
    assert judge("ميركل تدعو إلى تنفيذ مخرجات مؤتمر برلين حول ليبيا", "", lexicon).libya_score > 0
    assert _judge(lexicon, "v1").relevant


def test_sentence_hits_leave_the_dateline_out(lexicon: Lexicon) -> None:
    hits = list(sentence_hits("طرابلس - وال\nاشتباكات في الزاوية.", lexicon.index))
    names = [{lexicon.terms[i].term for i in h} for h in hits]
    assert names == [{"اشتباكات", "الزاوية"}]


def test_venue_must_be_an_ambiguous_libya_name(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.toml"
    bad.write_text(
        '[category.foreign]\nfeeds = ["foreign"]\nterms = [{ term = "الرباط", weight = 2, venue = true }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="venue") as caught:
        load_lexicon(bad)
    assert "ambiguous = true" in str(caught.value) and str(bad) in str(caught.value)
    good = tmp_path / "good.toml"
    good.write_text(
        '[category.libya_place]\nfeeds = ["libya"]\n'
        'terms = [{ term = "بوزنيقة", weight = 2, ambiguous = true, venue = true }]\n',
        encoding="utf-8",
    )
    assert load_lexicon(good).terms[0].venue
