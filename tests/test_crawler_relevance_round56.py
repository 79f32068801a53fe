"""Round 56 of the relevance judge (from holdout186-189's errors, development data since their first judgement).

* "The struggle over" ("الصراع على") is the dispute word "تنازع" / "النزاع على" in other words: the struggle over the
  central bank's management, counted only beside two bodies of the split ("الصراع على السلطة" stays the longer
  conflict term of the political division).

Every probe was written for this round (none is a holdout article); the mended one fails on round 55.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon
from tests.helpers import check_probe

MENDED = {
    "the struggle over the central bank": (
        "a market story of the 2024 central-bank crisis that names the Council's decree and the House's refusal",
        "طوابير أمام المصارف في مصراتة مع استمرار أزمة السيولة",
        "مصراتة - وكالات\n"
        "اصطف مئات المواطنين أمام فروع المصارف التجارية في مصراتة منذ ساعات الفجر، بعد أن خفضت المصارف سقف السحب "
        "النقدي بسبب الصراع على إدارة مصرف ليبيا المركزي.\n"
        "وقال موظف في أحد الفروع إن التحويلات من المصرف المركزي متوقفة منذ قرار المجلس الرئاسي تغيير المحافظ، وهو "
        "القرار الذي رفضه مجلس النواب، فيما ردت الحكومة المكلفة منه بإعلان وقف إنتاج النفط وتصديره.\n"
        "وارتفع سعر الدولار في السوق الموازية إلى مستوى قياسي خلال الأسبوع.",
        True,
    ),
}

KEPT = {
    "another country's struggle": (
        "the struggle over power elsewhere, no body of Libya's split named: that country's story",
        "الصراع على السلطة في الخرطوم يعطل صرف الرواتب",
        "الخرطوم - وكالات\n"
        "قال موظفون في الخرطوم إن الصراع على إدارة البنك المركزي بين الحكومة وقوى المعارضة عطل صرف رواتب شهرين، "
        "فيما أعلن وزير المالية أن الخزينة ستصرف جزءا منها الأسبوع المقبل.",
        False,
    ),
    "a title race": (
        "the struggle for the league title in Libya is sport, whatever city it names",
        "الأهلي طرابلس يواصل الصراع على اللقب بفوز على الاتحاد",
        "طرابلس - وال\n"
        "واصل فريق الأهلي طرابلس الصراع على لقب الدوري الليبي الممتاز بفوزه على الاتحاد بهدفين مقابل هدف في ملعب "
        "طرابلس الدولي، ليرفع رصيده إلى 40 نقطة في صدارة المجموعة الأولى.\n"
        "وسجل هدفي الأهلي مهاجمه في الشوط الثاني، فيما قلص الاتحاد الفارق في الدقائق الأخيرة.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round56_mended(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(KEPT))
def test_round56_kept(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, KEPT[probe])
