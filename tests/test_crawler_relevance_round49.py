"""Round 49 of the relevance judge: the first-judgement errors of holdout130-137 (P 0.986 / 0.972, R 0.984 / 0.861).

* The split's dullest register (mechanism 8, dispute words): one body of the split declaring the other's act not
  binding ("لا يلزمنا"), its spending without basis ("بلا سند", "بلا غطاء تشريعي"), the other without standing ("لا
  تملك صفة"), or acting "دون التشاور" (unilaterally). Dispute words: counted only beside two bodies of the split.
* The statement frame (mechanism 14): "يعزي", a leader's condolence in the title (Dbeibah to Erdogan after Ankara).

Every probe here was written for this round (none is a holdout article); each probe in MENDED fails on round 48's
rule, the guards pass on both.
"""

from __future__ import annotations

import pytest

from crawler.relevance.judge import Lexicon
from tests.helpers import check_probe

# probes whose verdict round 48 got wrong: id -> (why, title, body, relevant)
MENDED = {
    "not-binding": (
        "two Presidential Council members call its budget arrangements not binding: the Council against the House",
        "عضوان بالمجلس الرئاسي: الترتيبات المالية لا تلزمنا",
        "طرابلس - خاص\nاعتمد المجلس الرئاسي الترتيبات المالية دون عرضها على مجلس النواب، وقال عضوان إن القرار "
        "لا يلزمنا، فيما طالب مصرف ليبيا المركزي بتوضيح.",
        True,
    ),
    "no-standing": (
        "the House's budget committee: the unity government has no standing to spend, spending without basis",
        "لجنة الميزانية بمجلس النواب: حكومة الوحدة الوطنية لا تملك صفة للصرف",
        "بنغازي - خاص\nقالت لجنة المالية بمجلس النواب إن حكومة الوحدة الوطنية لم تعد تملك صفة تخولها الصرف، وإن "
        "إنفاقها بلا سند، وطالبت مصرف ليبيا المركزي بوقف التحويلات.",
        True,
    ),
    "without-consultation": (
        "the High Council of State: the House's law was issued without consultation, not binding",
        "مجلس الدولة: قانون مجلس النواب صدر دون التشاور ولا يلزمنا",
        "طرابلس - خاص\nقال المجلس الأعلى للدولة إن القانون الذي أقره مجلس النواب الليبي صدر دون التشاور المنصوص "
        "عليه في الاتفاق السياسي.",
        True,
    ),
    "condolence-verb": (
        "Dbeibah sends condolences to Erdogan over an attack in Ankara: a statement about another country",
        "الدبيبة يعزي أردوغان في ضحايا الهجوم المسلح على أنقرة",
        "طرابلس - «وال»\nقدم رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة تعازيه في ضحايا الهجوم الذي نفذه مسلحون "
        "بعد تفجير عند بوابة المجمع، وأكد وقوف ليبيا إلى جانب تركيا في مواجهة الإرهاب.\nوقتلت قوات الأمن المهاجمين "
        "وشنت غارات على مواقع الحزب.",
        False,
    ),
}

# precision probes: the same bodies in ordinary business, other countries' rival bodies
GUARDS = {
    "house-ordinary-law": (
        "the House passes a tax law; the phrase 'without basis' is the tax on income without a contract",
        "مجلس النواب يقر قانون ضريبة الدخل",
        "بنغازي - خاص\nأقر مجلس النواب الليبي قانون ضريبة الدخل، الذي يلغي الإعفاءات الممنوحة بلا سند قانوني، "
        "ويحدد نسب الضريبة على الشركات والأفراد.",
        False,
    ),
    "audit-one-body": (
        "the Audit Bureau on one ministry's spending without basis: one government, no second body",
        "ديوان المحاسبة: صرف بلا سند في وزارة الصحة بحكومة الوحدة الوطنية",
        "طرابلس - خاص\nكشف تقرير ديوان المحاسبة في ليبيا أن وزارة الصحة صرفت 12 مليون دينار بلا سند، وأوصى "
        "بإحالة المسؤولين إلى النيابة، وقال إن العقود لا تلزم الوزارة.",
        False,
    ),
    "two-bodies-fair": (
        "Menfi and Dbeibah open a fair; 'not binding' of a price list, once in a longer story",
        "المنفي والدبيبة يفتتحان معرض طرابلس الدولي",
        "طرابلس - خاص\nافتتح رئيس المجلس الرئاسي محمد المنفي ورئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة معرض "
        "طرابلس الدولي بمشاركة مئات الشركات من ليبيا والخارج. وقال المنظمون إن قائمة الأسعار المعلنة استرشادية "
        "لا تلزم العارضين، وإن المعرض يستمر أسبوعا ويضم أجنحة للصناعات الغذائية والبناء والطاقة والاتصالات. "
        "وتجول المنفي والدبيبة في الأجنحة واستمعا إلى شرح عن المنتجات الليبية وخطط التصدير إلى دول الجوار. "
        "وأعلنت الغرفة التجارية أن المعرض سيشهد توقيع اتفاقات تعاون بين شركات ليبية وأجنبية، وأن الدورة المقبلة "
        "ستقام في بنغازي.",
        False,
    ),
    "minister-visit": (
        "the unity government's foreign minister visits Rome: one body, ordinary business",
        "وزيرة خارجية حكومة الوحدة الوطنية تزور روما",
        "طرابلس - خاص\nبحثت وزيرة الخارجية بحكومة الوحدة الوطنية في روما التعاون الاقتصادي بين ليبيا وإيطاليا "
        "دون التشاور مع أي جهة أخرى في ملف التأشيرات.",
        False,
    ),
    "arab-parliament": (
        "Libya at the Arab Parliament: a session on water security, no contest",
        "البرلمان العربي يناقش الأمن المائي بمشاركة ليبيا",
        "القاهرة - خاص\nشارك وفد مجلس النواب الليبي في جلسة البرلمان العربي حول الأمن المائي العربي، وقال إن "
        "توصيات الجلسة غير ملزمة ولا تلزمنا إلا بعد المصادقة.",
        False,
    ),
    "yemen-rival-bodies": (
        "Yemen's government calls the Transitional Council's decision not binding: another country's rival bodies",
        "الحكومة اليمنية: قرار المجلس الانتقالي الجنوبي لا يلزمنا",
        "عدن - خاص\nقالت الحكومة اليمنية إن قرار المجلس الانتقالي الجنوبي بشأن موارد عدن بلا سند قانوني ولا "
        "يلزمها، وإنه صدر دون التشاور مع مجلس القيادة الرئاسي.",
        False,
    ),
    "lebanon-parliament": (
        "Lebanon's parliament and cabinet: the House calls the cabinet's decree not binding, in Lebanon's Tripoli",
        "مجلس النواب اللبناني: مرسوم الحكومة لا يلزمنا",
        "بيروت - خاص\nقال نواب في مجلس النواب اللبناني إن مرسوم الحكومة بشأن موازنة بلدية طرابلس صدر دون التشاور "
        "ولا يلزمنا، وإن الإنفاق بلا سند.",
        False,
    ),
}


@pytest.mark.parametrize("probe", sorted(MENDED))
def test_round49_mends(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, MENDED[probe])


@pytest.mark.parametrize("probe", sorted(GUARDS))
def test_round49_guards(lexicon: Lexicon, probe: str) -> None:
    check_probe(lexicon, probe, GUARDS[probe])
