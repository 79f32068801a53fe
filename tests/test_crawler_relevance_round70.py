"""Round 70 of the relevance judge (from the errors round 69 and the reader made on holdout282-285 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data). Lexicon only.

* Gaddafi-era diplomacy told in the words of sanctions and weapons: the renunciation of the weapons of mass
  destruction programmes (2003) is the era before the war. The programmes and their renunciation ("برامج أسلحة
  الدمار الشامل", "التخلي عن ...") are an era term (never the bare weapons, which today's war's chemical shells share), so in the title or
  first sentence it frames the story as history unless an armed actor or a body of today's war is named.

Every probe was written for this round (none is a holdout article); the new-behaviour test fails on round 69's
lexicon.
"""

from __future__ import annotations

from crawler.relevance.judge import Lexicon, judge

#: Tripoli hands its nuclear centrifuges over to Washington's inspectors in 2004: the era before the war.
CENTRIFUGES_2004 = (
    "ليبيا تسلم واشنطن معدات برنامج أسلحة الدمار الشامل وتطالب برفع العقوبات",
    "طرابلس - «وكالات»\nسلمت ليبيا أمس الدفعة الأخيرة من معدات برنامج أسلحة الدمار الشامل إلى مفتشين أميركيين "
    "وبريطانيين، ونقلت طائرة شحن أجهزة الطرد المركزي إلى قاعدة في ولاية تينيسي.\nوقال وزير الخارجية الليبي إن "
    "بلاده وفت بالتزاماتها وتنتظر رفع العقوبات الأميركية وإعادة فتح السفارات، فيما رحب مجلس الأمن بالخطوة.",
)

#: Chemical shells left from the war found by a Tripoli-based unit near Sirte: today's war, whatever the WMD words.
SIRTE_SHELLS = (
    "العثور على قذائف كيميائية من بقايا أسلحة الدمار الشامل قرب سرت",
    "سرت - «الوسط»\nعثرت وحدة الهندسة العسكرية التابعة لقوات حكومة الوحدة الوطنية على قذائف محشوة بغاز الخردل "
    "من بقايا أسلحة الدمار الشامل في مخزن دمرته الاشتباكات مع تنظيم داعش جنوب سرت.\nوقال آمر الوحدة إن "
    "المنطقة ما زالت مزروعة بالألغام التي خلفتها المعارك عام 2016، وإن فرقا دولية ستتولى نقل القذائف.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_gaddafi_era_weapons_diplomacy_is_history(lexicon: Lexicon) -> None:
    assert _terms(CENTRIFUGES_2004, lexicon)["برامج أسلحة الدمار الشامل"] == ("foreign", 2.0)
    assert not judge(*CENTRIFUGES_2004, lexicon).relevant


def test_todays_chemical_shells_stay_relevant(lexicon: Lexicon) -> None:
    assert judge(*SIRTE_SHELLS, lexicon).relevant
    assert "برامج أسلحة الدمار الشامل" not in _terms(SIRTE_SHELLS, lexicon)
