"""Round 29 of the relevance judge (issue 13), developed on holdout50-51's first-judgement errors.

Each change keeps a real story of the conflict and leaves out its look-alike:

* a death sentence (``beside_party``) counts only in the title or a sentence that names a party to the conflict: an
  armed actor, the former regime (``regime``) or a Libyan name of the conflict (crawler/relevance/party.py); a
  murder over an inheritance, a drug dealer or a robber sentenced to death is ordinary justice;
* the three regions' share of power and the partition of the country are dispute words (the split signal only), and
  bypassing the political agreement is a breach of it ("يخالف");
* areas or sites that an armed force controls ("مواقع تسيطر عليها") are "مناطق سيطرة" in the verb's form.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import labelled_row as _row
from helpers import term_weight as _weight

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


# counter-cases written for round 29 (title and body)

IS_MEMBER = (
    "جنايات مصراتة تقضي بإعدام عنصر في تنظيم «داعش» شارك في معارك سرت",
    "\n".join(
        [
            "مصراتة – «الوسط»",
            "",
            "قضت محكمة جنايات مصراتة، اليوم الأربعاء، بإعدام متهم رمياً بالرصاص بعد إدانته بالانتماء إلى تنظيم «داعش» والمشاركة في الهجوم على بوابة الثلاثين غرب سرت عام 2016، الذي قتل فيه عدد من عناصر قوات البنيان المرصوص.",
            "",
            "وبحسب حيثيات الحكم، اعترف المتهم بأنه تلقى تدريبات في معسكرات التنظيم بسرت، وشارك في زرع عبوات ناسفة على الطريق الساحلي.",
            "",
            "وقال محامي الدفاع إنه سيطعن في الحكم أمام المحكمة العليا، فيما رحبت أسر الضحايا بالحكم. ولا يزال عشرات من عناصر التنظيم محتجزين في سجون مصراتة بانتظار محاكمتهم.",
        ]
    ),
)

DRUG_DEALER = (
    "جنايات طرابلس تقضي بإعدام تاجر مخدرات قتل شريكه",
    "\n".join(
        [
            "طرابلس – «ليبيا الأحرار»",
            "",
            "قضت محكمة جنايات طرابلس بإعدام تاجر مخدرات رمياً بالرصاص بعد إدانته بقتل شريكه عمداً إثر خلاف على تقسيم أرباح صفقة حشيش في منطقة سوق الجمعة.",
            "",
            "وتعود وقائع القضية إلى العام الماضي، حين استدرج المتهم شريكه إلى مزرعة في ضواحي العاصمة وأطلق عليه النار من مسدس، ثم دفن الجثة. وكشفت تحريات مديرية أمن طرابلس ملابسات الجريمة بعد بلاغ من أسرة الضحية.",
            "",
            "وأحالت المحكمة باقي المتهمين في قضية الاتجار بالمخدرات إلى دائرة أخرى، فيما أعلن محامي الدفاع عزمه الطعن بالنقض. وتشير إحصاءات وزارة الداخلية إلى تزايد جرائم المخدرات في السنوات الأخيرة.",
        ]
    ),
)

SAUDI_COURT = (
    "المحكمة الجزائية في الرياض تقضي بإعدام مهرب مخدرات",
    "\n".join(
        [
            "الرياض – واس",
            "",
            "أصدرت المحكمة الجزائية المتخصصة في الرياض حكماً بالإعدام تعزيراً على مقيم أدين بتهريب كميات من الأقراص المخدرة عبر منفذ الحديثة، بعد أن ثبتت إدانته بالاشتراك مع آخرين في عصابة منظمة.",
            "",
            "وأوضح بيان لوزارة الداخلية أن الحكم صار نهائياً بعد تأييده من محكمة الاستئناف والمحكمة العليا، وأن المملكة ماضية في التصدي لجرائم المخدرات. وكانت السلطات قد ضبطت في القضية نفسها شحنة قادمة من الخارج.",
        ]
    ),
)

HMEIMIM = (
    "موسكو تفاوض دمشق على مستقبل قاعدتي حميميم وطرطوس",
    "\n".join(
        [
            "دمشق – وكالات",
            "",
            "قالت مصادر دبلوماسية إن وفداً روسياً وصل إلى دمشق لبحث مستقبل قاعدتي حميميم الجوية وطرطوس البحرية مع الإدارة السورية الجديدة، بعد أسابيع من سقوط نظام بشار الأسد.",
            "",
            "ورصدت مواقع تتبع الطيران رحلات مكثفة لطائرات الشحن العسكرية الروسية من حميميم، في حين أظهرت صور أقمار اصطناعية سحب أنظمة دفاع جوي من مواقع تسيطر عليها القوات الروسية في الساحل السوري.",
            "",
            "وقال مسؤولون في دمشق إن التفاوض مستمر وإن لا قرار نهائياً بعد، فيما أكدت موسكو رغبتها في الحفاظ على وجودها العسكري في سوريا.",
        ]
    ),
)

IRAQ_PLAN = (
    "رئيس البرلمان العراقي يطرح مبادرة لحكومة توافقية تنال ثقة مجلس النواب",
    "\n".join(
        [
            "بغداد – «الرياض»",
            "",
            "طرح رئيس مجلس النواب العراقي مبادرة من سبع نقاط قال إنها تهدف إلى إنهاء الانسداد السياسي، تقوم على تشكيل حكومة توافقية تنال ثقة البرلمان وتوزيع المناصب بين المكونات، وإجراء انتخابات مبكرة.",
            "",
            "ورحب الإطار التنسيقي بالمبادرة، بينما اعتبر التيار الصدري أنها محاولة لتجاوز الاتفاق السياسي وتقسيم البلاد على أساس طائفي. ويرى مراقبون أن المبادرة تعكس تبايناً داخل القوى الشيعية.",
        ]
    ),
)

REGIME_BRIGADES = (
    "الإعدام لثمانية من عناصر كتائب القذافي في قضية قتل متظاهرين عام 2011",
    "\n".join(
        [
            "طرابلس – «الوسط»",
            "",
            "قضت محكمة استئناف طرابلس بإعدام ثمانية متهمين كانوا ينتمون إلى كتائب أمنية تابعة لنظام معمر القذافي، بعد إدانتهم بقتل متظاهرين في سوق الجمعة خلال انتفاضة فبراير 2011.",
            "",
            "وقالت النيابة إن المتهمين أطلقوا النار على المحتجين بأوامر من قادتهم، فيما قال محامو الدفاع إن موكليهم كانوا ينفذون أوامر عسكرية. وانتقدت منظمات حقوقية الحكم، داعية إلى محاكمات عادلة لرموز النظام السابق.",
        ]
    ),
)

ROBBERY = (
    "جنايات بنغازي تقضي بإعدام متهم بقتل صائغ خلال عملية سطو",
    "\n".join(
        [
            "بنغازي – «الوسط»",
            "",
            "قضت محكمة جنايات بنغازي بإعدام شاب في العشرينات رمياً بالرصاص بعد إدانته بقتل صاحب محل ذهب في شارع عشرين خلال عملية سطو مسلح العام الماضي.",
            "",
            "وأفادت حيثيات الحكم بأن المتهم دخل المحل برفقة شريك له وهدد صاحبه ثم أطلق عليه النار وسرق مصوغات ذهبية. وقد ألقت مديرية أمن بنغازي القبض عليهما بعد أيام من الحادثة عبر كاميرات المراقبة.",
            "",
            "وقال محامي أسرة الضحية إن الحكم يبعث رسالة ردع، مشيراً إلى أن المدينة شهدت خلال سنوات الحرب انتشاراً للسلاح بين الشباب.",
        ]
    ),
)

BUDGET_REGIONS = (
    "المالية الليبية توزع مخصصات البلديات على الأقاليم الثلاثة",
    "\n".join(
        [
            "طرابلس – «بوابة الوسط»",
            "",
            "أعلنت وزارة المالية توزيع مخصصات الربع الأول من ميزانية البلديات على الأقاليم الثلاثة، برقة وطرابلس وفزان، بحسب عدد السكان ومعايير التنمية.",
            "",
            "وقال وكيل الوزارة إن الدفعة تشمل بنود النظافة العامة وصيانة الطرق والمدارس، وإن باقي المخصصات ستصرف بعد استكمال البلديات تقاريرها المالية. ودعت الوزارة عمداء البلديات إلى الالتزام بالإجراءات المالية المعتمدة.",
        ]
    ),
)

WAGNER_SITES = (
    "تقرير أممي: مرتزقة فاغنر يتمركزون في مواقع تسيطر عليها قوات حفتر قرب سرت والجفرة",
    "\n".join(
        [
            "نيويورك – «الوسط»",
            "",
            "قال تقرير فريق خبراء الأمم المتحدة المعني بليبيا إن مئات من عناصر مجموعة فاغنر الروسية لا يزالون يتمركزون في مواقع تسيطر عليها قوات القيادة العامة قرب سرت وقاعدة الجفرة، في انتهاك لاتفاق وقف إطلاق النار الموقع في جنيف.",
            "",
            "وأشار التقرير إلى رصد رحلات شحن عسكرية بين سوريا وقاعدة الخادم شرق بنغازي، داعياً إلى خروج المرتزقة والقوات الأجنبية من البلاد.",
        ]
    ),
)

VACCINE_REGIONS = (
    "الهلال الأحمر الليبي يطلق حملة تطعيم في الأقاليم الثلاثة",
    "\n".join(
        [
            "بنغازي – «الوسط»",
            "",
            "أطلقت جمعية الهلال الأحمر الليبي حملة تطعيم ضد الحصبة تشمل الأقاليم الثلاثة، بالتعاون مع المركز الوطني لمكافحة الأمراض ومنظمة الصحة العالمية.",
            "",
            "وقال مسؤول في الجمعية إن الحملة تستهدف أكثر من مليون طفل في المدن والقرى، وإن فرق المتطوعين ستزور المدارس ورياض الأطفال. ودعت الجمعية الأسر إلى التعاون مع الفرق الصحية.",
        ]
    ),
)

PARTITION = (
    "مجلس النواب والمجلس الرئاسي يتبادلان الاتهامات حول تقسيم البلاد",
    "\n".join(
        [
            "طبرق – طرابلس – «الوسط»",
            "",
            "اتهم رئيس مجلس النواب عقيلة صالح المجلس الرئاسي بالسعي إلى تجاوز الاتفاق السياسي وفرض أمر واقع، فيما رد المجلس الرئاسي بأن قرارات البرلمان الأخيرة تكرس تقسيم البلاد وتضرب وحدة المؤسسات.",
            "",
            "وقال عضو في المجلس الأعلى للدولة إن الخلاف بين المجلسين يعرقل التوافق على قاعدة دستورية للانتخابات، داعياً البعثة الأممية إلى التدخل.",
        ]
    ),
)

EGYPT_COURT = (
    "محكمة مصرية تقضي بإعدام ليبي أدين بتهريب مخدرات عبر السلوم",
    "\n".join(
        [
            "القاهرة – «الأهرام»",
            "",
            "قضت محكمة جنايات مطروح بإعدام مواطن ليبي شنقاً بعد إدانته بتهريب كميات كبيرة من الحشيش عبر منفذ السلوم البري، فيما عاقبت شريكين مصريين بالسجن المؤبد.",
            "",
            "وكانت أجهزة الأمن قد ضبطت المتهمين في سيارة نقل محملة بالمخدرات على الطريق الدولي. وأكدت وزارة الداخلية المصرية استمرار حملاتها لمكافحة التهريب على الحدود الغربية.",
        ]
    ),
)

ANSAR = (
    "جنايات بنغازي تقضي بإعدام قيادي في «أنصار الشريعة» بتهمة اغتيال ضباط",
    "\n".join(
        [
            "بنغازي – «الوسط»",
            "",
            "قضت محكمة جنايات بنغازي بإعدام قيادي في تنظيم أنصار الشريعة بعد إدانته بالتخطيط لاغتيال عدد من ضباط الجيش والشرطة في المدينة بين عامي 2013 و2014.",
            "",
            "وقالت النيابة العسكرية إن المتهم اعتقل خلال المعارك في منطقة قنفودة عام 2017، واعترف بالمشاركة في تفجير سيارات مفخخة. ورحبت القيادة العامة بالحكم.",
        ]
    ),
)


@pytest.mark.parametrize(
    ("name", "row_id"),
    [("holdout31.jsonl", "h31-34"), ("holdout28.jsonl", "h28-28"), ("holdout51.jsonl", "h51-14")],
)
def test_death_sentences_of_the_conflicts_parties_stay_relevant(
    lexicon: Lexicon, name: str, row_id: str
) -> None:
    # the Islamic State's members, the former regime's brigades, the Benghazi Shura council's leaders
    result = judge(*_row(name, row_id), lexicon)
    assert result.relevant and _weight(result, "حكم الإعدام") > 0


@pytest.mark.parametrize("story", [IS_MEMBER, REGIME_BRIGADES, ANSAR])
def test_a_death_sentence_beside_an_armed_actor_or_the_former_regime_counts(lexicon: Lexicon, story) -> None:
    result = judge(*story, lexicon)
    assert result.relevant and _weight(result, "حكم الإعدام") == 1.5


def test_a_murder_over_an_inheritance_is_no_conflict(lexicon: Lexicon) -> None:
    # h51-12: Misrata's criminal court, a man who shot his brother over farmland (2.04 under round 28)
    result = judge(*_row("holdout51.jsonl", "h51-12"), lexicon)
    assert not result.relevant and _weight(result, "حكم الإعدام") == 0.0


@pytest.mark.parametrize("story", [DRUG_DEALER, ROBBERY, EGYPT_COURT, SAUDI_COURT])
def test_ordinary_death_sentences_stay_out(lexicon: Lexicon, story) -> None:
    result = judge(*story, lexicon)
    assert not result.relevant and _weight(result, "حكم الإعدام") == 0.0


def test_a_war_word_in_another_sentence_does_not_open_the_gate(lexicon: Lexicon) -> None:
    # the robbery's last sentence recalls "the years of war": the sentence of the verdict names no party
    result = judge(*ROBBERY, lexicon)
    assert _weight(result, "حرب") > 0 and _weight(result, "حكم الإعدام") == 0.0


def test_the_three_regions_plan_is_the_split(lexicon: Lexicon) -> None:
    # h50-19: Aguila Saleh's plan for a Presidential Council of the three regions (0.82 under round 28)
    result = judge(*_row("holdout50.jsonl", "h50-19"), lexicon)
    assert result.relevant and _weight(result, "الأقاليم الثلاثة") == 1.0


def test_bodies_trading_accusations_of_partition_are_the_split(lexicon: Lexicon) -> None:
    result = judge(*PARTITION, lexicon)
    assert result.relevant and _weight(result, "الأقاليم الثلاثة") > 0


@pytest.mark.parametrize("story", [BUDGET_REGIONS, VACCINE_REGIONS, IRAQ_PLAN])
def test_the_three_regions_without_two_bodies_are_no_dispute(lexicon: Lexicon, story) -> None:
    result = judge(*story, lexicon)
    assert not result.relevant and _weight(result, "الأقاليم الثلاثة") == 0.0


@pytest.mark.parametrize("story", [WAGNER_SITES, _row("holdout51.jsonl", "h51-22")])
def test_sites_a_force_controls_in_libya_count(lexicon: Lexicon, story) -> None:
    # h51-22: Russia's aircraft from Hmeimim to al-Khadim and Maaten al-Sarra (0.92 under round 28)
    result = judge(*story, lexicon)
    assert result.relevant and _weight(result, "مناطق سيطرة") == 2.0


def test_russias_bases_in_syria_stay_syrias(lexicon: Lexicon) -> None:
    result = judge(*HMEIMIM, lexicon)
    assert not result.relevant


def _write(tmp_path: Path, categories: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[category.place]\nfeeds = ["libya"]\nterms = [{ term = "مصراتة", weight = 3 }]\n' + categories,
        encoding="utf-8",
    )
    return path


def test_beside_party_and_regime_load_and_must_be_true_or_false(tmp_path: Path) -> None:
    trial = '[category.trial]\nfeeds = ["conflict"]\nterms = [{ term = "حكم الإعدام", weight = 1.5, beside_party = true }]\n'
    terms = load_lexicon(_write(tmp_path, trial)).terms
    assert terms[1].beside_party and not terms[1].regime and not terms[0].beside_party
    with pytest.raises(ConfigError, match="regime"):
        load_lexicon(_write(tmp_path, trial.replace("beside_party = true", "regime = 1")))


def test_beside_party_must_mark_conflict_evidence(tmp_path: Path) -> None:
    trial = '[category.trial]\nfeeds = ["offtopic"]\nterms = [{ term = "حكم الإعدام", weight = 1.5, beside_party = true }]\n'
    with pytest.raises(ConfigError, match="beside_party") as err:
        load_lexicon(_write(tmp_path, trial))
    assert "category.trial.terms[0]" in str(err.value) and "conflict" in str(err.value)
