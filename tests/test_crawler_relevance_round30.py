"""Round 30 of the relevance judge (issue 13), developed on holdout52-53's first-judgement errors.

Each change keeps a real story of the conflict and leaves out its look-alike:

* the venues of Libya's talks are foreign towns (``venue``): bare "بوزنيقة" and "الصخيرات" are ambiguous and never
  anchor other ambiguous names (a Moroccan party congress in Bouznika names Morocco's House and a national congress);
  the talks' names ("اجتماعات بوزنيقة", "اتفاق الصخيرات") stay unambiguous;
* in a statement titled about another theatre, a town named in a sentence of no theatre, armed actor or fighting is
  where Libya reacts (crawler/relevance/frame.py); a framed title's conflict words are the other theatre's and the
  bodies' conflict weight counts at statement_factor; a dateline may name two or three places;
* the central bank's split in the dual ("مصرفان مركزيان") is a dispute word.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import labelled_row as _row

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.frame import reaction_hits
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from crawler.relevance.passage import DATELINE


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def _term(lexicon: Lexicon, name: str) -> int:
    return next(i for i, t in enumerate(lexicon.terms) if t.term == name)


# counter-cases written for round 30 (title and body)

BOUZNIKA_TALKS = (
    "اختتام جولة جديدة من اجتماعات بوزنيقة بين وفدي مجلس النواب والمجلس الأعلى للدولة",
    "\n".join(
        [
            "بوزنيقة - «الوسط»",
            "اختتمت مساء الأحد جولة جديدة من اجتماعات بوزنيقة بين وفدي مجلس النواب والمجلس الأعلى للدولة، بالتوافق على معايير تولي المناصب السيادية.",
            "وقال البيان الختامي إن الطرفين اتفقا على توحيد المؤسسات المنقسمة وإنهاء المراحل الانتقالية، وعلى استئناف الحوار بعد التشاور مع المجلسين.",
            "وكان الخلاف على توزيع المناصب السيادية بين الأقاليم قد عطل المسار السياسي منذ أشهر، فيما تتنازع حكومتان الشرعية في البلاد.",
        ]
    ),
)

BOUZNIKA_BARE_TALKS = (
    "وفدا البرلمان والأعلى للدولة يتفقان في بوزنيقة على القوانين الانتخابية",
    "\n".join(
        [
            "الرباط - وكالات",
            "أعلن وفدا مجلس النواب والمجلس الأعلى للدولة في ليبيا، في ختام اجتماعاتهما في بوزنيقة المغربية، التوصل إلى توافق على القوانين الانتخابية.",
            "وأكد الوفدان أن الاتفاق يمهد لتشكيل حكومة موحدة تنهي الانقسام السياسي والمؤسساتي، وتقود البلاد إلى الانتخابات.",
            "ورفض المجلس الرئاسي أي خطوة أحادية قبل التصديق على القوانين.",
        ]
    ),
)

GENEVA_JMC = (
    "اللجنة العسكرية المشتركة 5+5 تستأنف محادثاتها في جنيف",
    "\n".join(
        [
            "جنيف - (أ ف ب)",
            "استأنفت اللجنة العسكرية المشتركة 5+5 الثلاثاء في جنيف محادثاتها برعاية البعثة الأممية، لبحث تثبيت وقف إطلاق النار في ليبيا.",
            "وتناقش اللجنة، التي تضم خمسة ضباط من كل طرف، خطة لانسحاب المرتزقة والمقاتلين الأجانب وفتح الطريق الساحلي بين سرت ومصراتة.",
            "وقالت المبعوثة الأممية إن الطرفين أحرزا تقدما في ملف تبادل المحتجزين ونزع الألغام من محيط سرت.",
        ]
    ),
)

GENEVA_SYRIA = (
    "انطلاق جولة جديدة من محادثات جنيف حول سوريا",
    "\n".join(
        [
            "جنيف - رويترز",
            "انطلقت في جنيف اليوم جولة جديدة من اجتماعات اللجنة الدستورية السورية برعاية المبعوث الأممي، بمشاركة وفدي الحكومة السورية والمعارضة.",
            "وقال المبعوث إن المحادثات ستركز على المبادئ الدستورية، داعيا إلى وقف إطلاق النار في إدلب وإطلاق سراح المعتقلين.",
            "وتعقد الاجتماعات في قصر الأمم الذي استضاف في سنوات سابقة محادثات مماثلة حول اليمن وليبيا.",
        ]
    ),
)

LIBYAN_CEASEFIRE_WELCOME = (
    "ترحيب ليبي واسع باتفاق وقف إطلاق النار في طرابلس",
    "\n".join(
        [
            "طرابلس - «الوسط»",
            "رحب المجلس الرئاسي وحكومة الوحدة الوطنية بالاتفاق الذي أنهى ثلاثة أيام من الاشتباكات بين جهاز دعم الاستقرار واللواء 444 في أحياء العاصمة طرابلس.",
            "ودعا رئيس المجلس الرئاسي محمد المنفي إلى سحب التشكيلات المسلحة من الأحياء السكنية، فيما أعلن مجلس النواب تشكيل لجنة لتقصي الحقائق حول سقوط قتلى مدنيين.",
            "ورحبت البعثة الأممية بالهدنة، داعية إلى محاسبة المسؤولين عن قصف الأحياء السكنية.",
        ]
    ),
)

TWO_CITY_CLASH = (
    "قتلى في اشتباكات بين مجموعات مسلحة غرب الزاوية",
    "\n".join(
        [
            "طرابلس - الزاوية - الوسط",
            "قتل ثلاثة أشخاص وأصيب سبعة آخرون في اشتباكات اندلعت فجر اليوم بين مجموعتين مسلحتين غرب مدينة الزاوية، استخدمت فيها الأسلحة الثقيلة.",
            "وقال شهود عيان إن القذائف سقطت على منازل المدنيين، فيما أغلقت الطريق الساحلي بين الزاوية وطرابلس.",
            "وطالب المجلس البلدي حكومة الوحدة الوطنية بالتدخل لوقف القتال.",
        ]
    ),
)

SKHIRAT_UNION_CONGRESS = (
    "الصخيرات تحتضن المؤتمر الوطني الثاني عشر للاتحاد المغربي للشغل",
    "\n".join(
        [
            "الصخيرات - «هسبريس»",
            "انطلقت الجمعة بالصخيرات أشغال المؤتمر الوطني الثاني عشر للاتحاد المغربي للشغل، بحضور أكثر من ألف مؤتمر من مختلف جهات المملكة.",
            "وقال الأمين العام للنقابة إن المؤتمر سيناقش الحوار الاجتماعي مع الحكومة وملف التقاعد، منتقدا رفض الحكومة الزيادة في الأجور.",
            "ويرتقب أن يصادق المؤتمرون على تعديلات القانون الأساسي، قبل انتخاب أعضاء المجلس الوطني، فيما يستعد مجلس النواب لمناقشة قانون الإضراب.",
        ]
    ),
)

BOUZNIKA_PARTY_CONGRESS = (
    "بوزنيقة تستضيف المؤتمر الوطني لحزب الأصالة والمعاصرة وسط خلافات داخلية",
    "\n".join(
        [
            "بوزنيقة - وكالات",
            "تستضيف بوزنيقة نهاية الأسبوع المؤتمر الوطني لحزب الأصالة والمعاصرة، في ظل خلافات بين تيارين يتنازعان قيادة الحزب.",
            "وقال قيادي في الحزب إن المؤتمر سيحسم الخلاف حول الأمانة العامة، رافضا اتهامات بعرقلة التحضيرات.",
            "ويشغل الحزب 87 مقعدا في مجلس النواب، ويشارك في الحكومة منذ انتخابات 2021.",
        ]
    ),
)

GAZA_WELCOME_AND_CLASH = (
    "ليبيا ترحب باتفاق غزة.. واشتباكات عنيفة في الزاوية",
    "\n".join(
        [
            "طرابلس - بنغازي - الوسط",
            "رحب المجلس الرئاسي بالتوصل إلى اتفاق وقف إطلاق النار في قطاع غزة، ودعا إلى إدخال المساعدات.",
            "وفي الأثناء اندلعت اشتباكات عنيفة بالأسلحة المتوسطة بين مجموعات مسلحة في مدينة الزاوية، أسفرت عن مقتل شخصين وإصابة آخرين.",
            "وطالب أعيان الزاوية حكومة الوحدة الوطنية بسحب التشكيلات المسلحة من المدينة وفرض وقف لإطلاق النار.",
        ]
    ),
)

TWO_CENTRAL_BANKS = (
    "تجار مصراتة: الاعتمادات متوقفة بسبب الخلاف بين المصرفين المركزيين",
    "\n".join(
        [
            "مصراتة - «الوسط»",
            "قال تجار في مصراتة إن فتح الاعتمادات المستندية توقف منذ أسابيع بسبب الخلاف بين المصرفين المركزيين في طرابلس والبيضاء.",
            "ويتبع المصرف الموازي في البيضاء الحكومة المؤقتة ومجلس النواب، ويرفض المصرف المركزي في طرابلس الاعتراف بالعملة التي طبعها.",
            "وحذر اقتصاديون من أن استمرار الانقسام السياسي سيضاعف أزمة السيولة.",
        ]
    ),
)

CENTRAL_BANK_SWAP = (
    "اتفاق لتبادل العملات بين البنكين المركزيين الليبي والتونسي",
    "\n".join(
        [
            "تونس - وات",
            "وقع البنكان المركزيان الليبي والتونسي اليوم اتفاقا لتبادل العملات بقيمة 500 مليون دولار، لتسهيل المبادلات التجارية عبر معبر رأس اجدير.",
            "وقال محافظ مصرف ليبيا المركزي إن الاتفاق سيخفف الضغط على الدينار الليبي ويدعم التجار في البلدين.",
            "وتأمل تونس أن يرفع الاتفاق حجم التبادل التجاري مع ليبيا إلى ملياري دولار.",
        ]
    ),
)

LEBANON_WELCOME_LIVE = (
    "مواقف ليبية مرحبة بوقف إطلاق النار في لبنان",
    "\n".join(
        [
            "طرابلس - بنغازي - الوسط",
            "توالت المواقف الليبية المرحبة بإعلان وقف إطلاق النار بين لبنان وإسرائيل بعد أسابيع من الغارات والقصف على الجنوب اللبناني.",
            "ورحب رئيس المجلس الرئاسي محمد المنفي بالاتفاق، فيما دعا رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة إلى دعم إعادة إعمار ما دمرته الحرب.",
            "وأعلن مجلس النواب تضامنه مع الشعب اللبناني، ودعا المجلس الأعلى للدولة إلى محاسبة مرتكبي الجرائم.",
            "وأعلنت الحكومة المكلفة من مجلس النواب تجهيز طائرة مساعدات تقلع من مطار بنينا في بنغازي، بينما يجهز الهلال الأحمر شحنات أدوية في مخازن مصراتة.",
            "وقالت وزارة الخارجية في طرابلس إنها تتابع أوضاع الجالية الليبية في بيروت.",
        ]
    ),
)


@pytest.mark.parametrize(
    ("name", "row_id", "relevant"),
    [
        ("holdout53.jsonl", "h53-31", False),  # a Moroccan party congress in Bouznika
        ("holdout52.jsonl", "h52-19", False),  # a live blog of Libya's welcome for the Gaza ceasefire
        ("holdout53.jsonl", "h53-07", True),  # Ben Guerdane's money changers and the two central banks
    ],
)
def test_holdout_errors_fixed(lexicon: Lexicon, name: str, row_id: str, relevant: bool) -> None:
    assert judge(*_row(name, row_id), lexicon).relevant is relevant


@pytest.mark.parametrize(
    "story", [BOUZNIKA_TALKS, BOUZNIKA_BARE_TALKS, GENEVA_JMC, LIBYAN_CEASEFIRE_WELCOME, TWO_CITY_CLASH]
)
def test_talks_and_libyan_stories_stay_relevant(lexicon: Lexicon, story: tuple[str, str]) -> None:
    assert judge(*story, lexicon).relevant


@pytest.mark.parametrize("story", [SKHIRAT_UNION_CONGRESS, BOUZNIKA_PARTY_CONGRESS, GENEVA_SYRIA])
def test_venues_alone_are_no_libya(lexicon: Lexicon, story: tuple[str, str]) -> None:
    assert not judge(*story, lexicon).relevant


def test_venue_is_ambiguous_and_anchors_nothing(lexicon: Lexicon) -> None:
    for name in ("بوزنيقة", "الصخيرات"):
        term = lexicon.terms[_term(lexicon, name)]
        assert term.ambiguous and term.venue
    # the talks' names are unambiguous spellings of the dialogue and the agreement
    talks = judge("استئناف اجتماعات بوزنيقة", "", lexicon).matched_terms
    assert talks[0][0] == "الحوار الليبي" and talks[0][2] == 2.5
    # venue + national congress + House: two ambiguous names that count, under anchor_ambiguous_min = 3
    result = judge(*BOUZNIKA_PARTY_CONGRESS, lexicon)
    assert {e[0]: e[2] for e in result.matched_terms}["بوزنيقة"] == pytest.approx(2.5 * 0.25)


def test_venue_flag_must_be_boolean(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.toml"
    bad.write_text(
        '[category.libya_political]\nfeeds = ["libya", "conflict"]\n'
        'terms = [{ term = "بوزنيقة", weight = 2, ambiguous = true, venue = "yes" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="venue"):
        load_lexicon(bad)


def test_welcome_live_blogs_of_other_wars_stay_out(lexicon: Lexicon) -> None:
    result = judge(*LEBANON_WELCOME_LIVE, lexicon)
    assert not result.relevant
    # the framed title's ceasefire is Lebanon's, and the bodies' conflict weight is scaled
    weights = {e[0]: e[2] for e in result.matched_terms}
    assert weights["الحكومة المكلفة من مجلس النواب"] == pytest.approx(3 * 0.25)


def test_a_clash_in_a_welcome_story_keeps_its_scene(lexicon: Lexicon) -> None:
    result = judge(*GAZA_WELCOME_AND_CLASH, lexicon)
    assert result.relevant
    assert {e[0]: e[2] for e in result.matched_terms}["اشتباكات"] == 3.0


def test_reaction_hits_are_quiet_sentences_only(lexicon: Lexicon) -> None:
    terms = lexicon.terms
    quiet = reaction_hits(LEBANON_WELCOME_LIVE[1], lexicon.index, terms)
    assert quiet.get(_term(lexicon, "بنغازي")) == 1 and quiet.get(_term(lexicon, "مصراتة")) == 1
    # the town of a clash is no reaction's
    assert _term(lexicon, "الزاوية") not in reaction_hits(GAZA_WELCOME_AND_CLASH[1], lexicon.index, terms)
    # no other war told: nothing is counted away
    assert reaction_hits(TWO_CITY_CLASH[1], lexicon.index, terms) == {}


def test_two_and_three_city_datelines() -> None:
    assert DATELINE.match("طرابلس - بنغازي - الوسط\nنص").group(0).strip() == "طرابلس - بنغازي - الوسط"
    assert DATELINE.match("القاهرة - طرابلس - بنغازي - رويترز:") is not None
    assert DATELINE.match("طرابلس - بنغازي - مصراتة - سرت - الوسط\n") is None
    assert DATELINE.match("في بنغازي (شرق ليبيا) قال مصدر:") is None


def test_two_central_banks_are_the_split_only_under_it(lexicon: Lexicon) -> None:
    assert judge(*TWO_CENTRAL_BANKS, lexicon).relevant
    result = judge(*CENTRAL_BANK_SWAP, lexicon)
    assert not result.relevant
    entry = next(e for e in result.matched_terms if e[0] == "مصرفان مركزيان")
    assert entry[1] == "dispute" and entry[2] == 0.0
