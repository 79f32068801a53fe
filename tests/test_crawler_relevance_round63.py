"""Round 63 of the relevance judge (from holdout222-225's and holdout219's errors, development data since their first
judgement).

* One camp's institution in a story where a sentence names that camp's government acting in a seat of the other camp
  (the unity government's ministry licensing pharmacies in Benghazi) tells the split as a camp's institution does
  beside the other camp's (round 50): one institution's worth (``camps.acting_across``). A sentence that names both
  governments is no act across.

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

from archive.corpus.arabic import tokens
from crawler.relevance.camps import acting_across, camp_split


def test_one_governments_act_in_the_other_camps_seat() -> None:
    assert acting_across("طرابلس - «الوسط»\nأصدرت وزارة الصحة بحكومة الوحدة تراخيص لعشرين صيدلية في بنغازي والبيضاء.")
    # its own seat is no act across
    assert not acting_across("طرابلس - «الوسط»\nأصدرت وزارة الصحة بحكومة الوحدة تراخيص لعشرين صيدلية في طرابلس.")
    # both governments in one sentence are both, not one acting across
    assert not acting_across(
        "طرابلس - «الوسط»\nاتفقت حكومة الوحدة والحكومة المؤقتة على فتح الطريق بين طرابلس وبنغازي."
    )
    # a seat in the dateline is where the report was filed
    assert not acting_across("بنغازي - «الوسط»\nأصدرت وزارة الصحة بحكومة الوحدة تراخيص لعشرين صيدلية.")


def test_a_camps_institution_acting_across_counts_as_the_split() -> None:
    text = (
        "طرابلس - «الوسط»\nأصدر وزير التعليم في حكومة الوحدة قرارا بتكليف رئيس جديد لجامعة بنغازي، وطالب إدارة "
        "الجامعة بتسليم المهام خلال أسبوعين."
    )
    home = text.replace("جامعة بنغازي", "جامعة طرابلس").replace("الجامعة بتسليم", "الجامعة في طرابلس بتسليم")
    title = "تكليف رئيس جديد للجامعة"
    assert camp_split(tokens(title), tokens(text), title, text) >= 1
    assert camp_split(tokens(title), tokens(home), title, home) == 0
