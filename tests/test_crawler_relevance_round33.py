"""Round 33 of the relevance judge (issue 13), developed on holdout60-65's first-judgement errors (round 32 judged
them once: P 0.963, R 0.972 over 216 articles).

* Dense stories (``dense_conflict``, ``dense_libya`` in ``[scoring]``; crawler/relevance/passage.py combined_score): a
  story whose conflict evidence is at least twice ``conflict_min`` and that names no other theatre needs three
  quarters of ``libya_min``: a report from the front names its city once or twice. Never in a passage's window, never
  beside foreign evidence.
* A smuggling or trafficking network is a criminal gang (category crime): its kidnappings and torture of migrants count
  for nothing unless an armed actor is named.
* An offer to mediate frames a title as a welcome does (category statement_welcome), and a seat of government leading a
  title addressed to another theatre is its speaker (crawler/relevance/judge.py _seat_speaks): "Tripoli offers to
  mediate between Algeria and Mali" is Libya speaking; "Tobruk condemns the shelling of Tripoli" keeps its scene.
"""

from __future__ import annotations

import dataclasses

import pytest

from archive.corpus.arabic import tokens
from crawler.relevance.judge import Lexicon, _seat_speaks, judge
from crawler.relevance.match import match
from crawler.relevance.passage import combined_score
from tests.helpers import check_probe, labelled_row, term_weight

# the round's probes (id -> (title, body)), written for this round; label in RELEVANT
PROBES = {
    # d1: a short report from the front: the city named twice, the government once, dense war words
    "d1": (
        "إجلاء تلاميذ مدرسة بعد سقوط قذائف على فنائها",
        "طرابلس - مراسلنا\nأخلت وزارة التعليم بحكومة الوفاق مدرسة ابتدائية في حي صلاح الدين بعد سقوط قذائف عشوائية على فنائها صباح الأحد، ما أدى إلى إصابة حارس المدرسة بجروح.\nوقال مدير المدرسة إن أصوات الانفجارات والاشتباكات لم تتوقف منذ الفجر، وإن الأهالي هرعوا لأخذ أبنائهم وسط القصف المتبادل على محاور القتال القريبة.\nوأضاف أن المدرسة كانت تستقبل أسرا نازحة من مناطق المواجهات، وأن عددا منها غادر إلى أحياء أخرى بعد تجدد المعارك.\nوأعلنت فرق الإسعاف نقل ثلاثة جرحى إلى المستشفى، فيما تواصلت الاشتباكات حتى المساء في الضواحي الجنوبية لطرابلس.\nوقالت معلمة في المدرسة إن التلاميذ باتوا يعرفون أنواع الأسلحة من أصواتها، وإن كثيرا منهم يعاني من الكوابيس والخوف من الخروج، مطالبة بتوفير دعم نفسي عاجل للأطفال وإيجاد مقر بديل آمن يستكمل فيه الصغار عامهم الدراسي بعيدا عن خطوط النار.\nوأوضح أحد أولياء الأمور أن ابنته البالغة من العمر تسع سنوات رفضت العودة إلى الصف منذ أسبوعين، وأن الأسرة تفكر في نقلها إلى مدرسة أخرى إذا توفرت وسيلة نقل آمنة، مضيفا أن الطريق إلى المدرسة يمر قرب مواقع تمركز مسلحة وأن أصحاب الحافلات يرفضون المجازفة، وأن أسرا كثيرة في الحي تواجه الخيار نفسه مع اقتراب موعد الامتحانات النهائية.",
    ),
    # c1: a smuggling network's camp in Libya, no armed actor named
    "c1": (
        "شهادات ناجين: مهربون عذبوا مهاجرين في مخزن قرب الكفرة لابتزاز ذويهم",
        "الخرطوم - أ ف ب\nروى مهاجرون سودانيون وإريتريون عادوا من ليبيا أن شبكة تهريب احتجزتهم أسابيع في مخزن قرب الكفرة، وأن المهربين عذبوهم بالضرب والصعق الكهربائي وصوروا التعذيب لإرسال المقاطع إلى ذويهم طلبا للفدية.\nوقال أحد الناجين إن الخاطفين كانوا يطلبون ثلاثة آلاف دولار عن كل شخص، وإن من عجزت أسرته عن الدفع بيع إلى مهرب آخر.\nوطالبت منظمات حقوقية بملاحقة شبكات التهريب التي تنقل المهاجرين من القرن الأفريقي عبر الصحراء إلى السواحل الليبية.",
    ),
    # c2: the same abuses in a detention centre run by an armed group
    "c2": (
        "شهادات ناجين: كتيبة مسلحة عذبت مهاجرين في مركز احتجاز بالزاوية لابتزاز ذويهم",
        "تونس - أ ف ب\nروى مهاجرون عادوا من ليبيا أن كتيبة مسلحة تسيطر على مركز احتجاز في الزاوية احتجزتهم أشهرا، وأن عناصرها عذبوهم بالضرب والصعق الكهربائي وصوروا التعذيب لإرسال المقاطع إلى ذويهم طلبا للفدية.\nوقال أحد الناجين إن المسلحين كانوا يطلبون ثلاثة آلاف دولار عن كل شخص، وإن المركز يتبع اسميا لوزارة الداخلية لكن الكتيبة تديره منذ اشتباكات العام الماضي.\nوطالبت البعثة الأممية للدعم في ليبيا بإغلاق مراكز الاحتجاز التي تديرها المجموعات المسلحة ومحاسبة المسؤولين عن الانتهاكات.",
    ),
    # s1: Tripoli offers to mediate in Sudan's war
    "s1": (
        "طرابلس تعرض الوساطة بين طرفي الحرب في السودان وتدعو إلى هدنة فورية",
        "طرابلس - وال\nأعلنت وزارة الخارجية في حكومة الوحدة الوطنية استعدادها لاستضافة محادثات بين الجيش السوداني وقوات الدعم السريع، داعية إلى هدنة فورية تتيح إيصال المساعدات إلى المدنيين في الفاشر والخرطوم.\nوقالت الوزارة في بيان إن ليبيا تتابع بقلق بالغ استمرار المعارك والقصف في السودان، وما يخلفه من قتلى ونازحين.\nوأضاف البيان أن ليبيا، بحكم الجوار، مستعدة لتقديم كل دعم لجهود التهدئة.",
    ),
    # s2: Tobruk condemns the shelling of Tripoli: Tripoli, after the word, is a scene
    "s2": (
        "طبرق تدين قصف طرابلس وتطالب بوقف فوري لإطلاق النار",
        "طبرق - وال\nأدان مجلس النواب في طبرق القصف الذي استهدف أحياء سكنية في طرابلس ليل الأحد وأوقع قتلى وجرحى بين المدنيين، مطالبا بوقف فوري لإطلاق النار بين المجموعات المسلحة المتقاتلة في العاصمة.\nودعا المجلس البعثة الأممية إلى التحقيق في الاشتباكات وتحديد المسؤولين عنها، محذرا من أن استمرار القتال يهدد المسار السياسي.",
    ),
    # s3: Algeria offers to mediate between the Libyan parties: no other theatre addressed
    "s3": (
        "الجزائر تعرض الوساطة بين الأطراف الليبية بعد اشتباكات طرابلس",
        "الجزائر - واج\nأعلنت الجزائر استعدادها للوساطة بين الأطراف الليبية المتنازعة، بعد الاشتباكات المسلحة التي شهدتها طرابلس بين مجموعات مسلحة موالية لحكومة الوحدة الوطنية وأخرى معارضة لها، وأسفرت عن قتلى وجرحى.\nوقال وزير الخارجية الجزائري إن بلاده تدعو المجلس الرئاسي ومجلس النواب إلى حوار يفضي إلى انتخابات، محذرا من أن عودة القتال تهدد أمن دول الجوار.",
    ),
}
RELEVANT = {"d1", "c2", "s2", "s3"}


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_probe_verdicts(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, (*PROBES[probe], probe in RELEVANT))


def test_dense_story_needs_less_libya_evidence(lexicon: Lexicon) -> None:
    # d1 has under libya_min of Libya evidence: the dense rule is what keeps it, and the setting switches it off
    on = judge(*PROBES["d1"], lexicon)
    assert on.libya_score < lexicon.scoring.libya_min
    assert on.conflict_score >= lexicon.scoring.dense_conflict * lexicon.scoring.conflict_min
    # the rule alone, without the learned reader (stop 34), which reads this front report as the war's either way
    off = dataclasses.replace(lexicon, reader=None, scoring=dataclasses.replace(lexicon.scoring, dense_conflict=0))
    assert not judge(*PROBES["d1"], off).relevant


def test_dense_rule_never_beside_another_theatre_nor_in_a_passage(lexicon: Lexicon) -> None:
    rule = lexicon.scoring
    groups = {"libya": 3.5, "conflict": 9.0, "dispute": 0.0, "foreign": 0.0, "offtopic": 0.0}
    assert combined_score(groups, rule)[0] == pytest.approx(3.5 / (rule.libya_min * rule.dense_libya))
    # a trace of another theatre: the usual libya_min
    assert combined_score({**groups, "foreign": 0.5}, rule)[0] == pytest.approx(3.5 / rule.libya_min)
    # not dense enough: the usual libya_min
    assert combined_score({**groups, "conflict": 7.0}, rule)[0] == pytest.approx(3.5 / rule.libya_min)
    # a passage's window (its own conflict_min) is never relaxed
    assert combined_score({**groups, "conflict": 20.0}, rule, conflict_min=8.0)[0] == pytest.approx(
        3.5 / rule.libya_min
    )


def test_smuggling_network_is_a_gang_unless_an_armed_actor_is_named(lexicon: Lexicon) -> None:
    gang = judge(*PROBES["c1"], lexicon)
    assert ("شبكة تهريب", "crime") in {(t[0], t[1]) for t in gang.matched_terms}
    assert term_weight(gang, "التعذيب") == 0.0 and term_weight(gang, "الخاطفين") == 0.0
    armed = judge(*PROBES["c2"], lexicon)
    assert term_weight(armed, "التعذيب") > 0


def _title_spans(lexicon: Lexicon, title: str) -> list[tuple[int, int]]:
    hits: dict[int, int] = {}
    spans: list[tuple[int, int]] = []
    match(tokens(title), lexicon.index, hits, spans)
    return spans


def test_a_seat_leading_a_title_addressed_abroad_is_its_speaker(lexicon: Lexicon) -> None:
    names = {t.term: i for i, t in enumerate(lexicon.terms)}
    assert _seat_speaks(_title_spans(lexicon, PROBES["s1"][0]), lexicon.terms) == {names["طرابلس"]}
    # no other theatre: Tripoli, after the condemnation, is the scene
    assert _seat_speaks(_title_spans(lexicon, PROBES["s2"][0]), lexicon.terms) == set()
    # the theatre leads (Algeria speaks) and no theatre follows the offer
    assert _seat_speaks(_title_spans(lexicon, PROBES["s3"][0]), lexicon.terms) == set()


@pytest.mark.parametrize(
    ("split", "row_id", "relevant"),
    [
        ("holdout62.jsonl", "h62-23", True),
        ("holdout63.jsonl", "h63-14", False),
        ("holdout64.jsonl", "h64-26", False),
    ],
)
def test_the_blind_errors_this_round_mends(lexicon: Lexicon, split: str, row_id: str, relevant: bool) -> None:
    assert judge(*labelled_row(split, row_id), lexicon).relevant is relevant
