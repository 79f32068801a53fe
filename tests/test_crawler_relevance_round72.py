"""Round 72 of the relevance judge (from the errors round 71 and the reader made on holdout290-293 and those the rule
still makes on every older labelled set and SaudiNewsNet; all development data).

* A trial abroad whose defendants' past runs through Libya: another state's court, prosecution or security service
  (``court = true`` on a foreign term: the terrorism chambers of Tunisia, Mauritania and Morocco, Egypt's State Security
  courts and National Security Sector, the courts of cassation, Morocco's judicial investigation bureau, Iraq's central
  criminal court) as the subject of the title or first sentence frames the story as history does
  (``crawler.relevance.frame.tried_abroad``): its country-neutral conflict words count at statement_factor, unless a
  Libyan name of the conflict (an armed group of Libya's, a process of its war) or two bodies of the split are named.
* One man back from "IS Libya" ("عائد من «داعش ليبيا»") is round 68's weak "تدرب في ليبيا", as one who joined it is.
* Libya's state on another country's events, two pieces that let the statement frame hold: a statement "issued from its
  seat in Benghazi" ("صادر عن مقره في بنغازي", an idiom) names where the speaker sits, no scene; the noun Palestine
  ("فلسطين", "دولة فلسطين") is the Gaza theatre's spelling as its adjective was, so Palestine's embassy in Tripoli
  names the other theatre beside the seat.

Every probe was written for this round (none is a holdout article); each new-behaviour test fails on round 71.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.relevance.judge import Lexicon, judge, load_lexicon

#: Tunis's terrorism chamber sentences a returnee from Syria who first trained in a camp in western Libya.
TUNIS_RETURNEE = (
    "السجن 12 عاما لعائد من بؤر التوتر تدرب في معسكر بالغرب الليبي قبل سفره إلى سوريا",
    "تونس - «الشروق»\nقضت الدائرة الجنائية المختصة بالنظر في قضايا الإرهاب بالمحكمة الابتدائية بتونس أمس بسجن شاب "
    "من ولاية سيدي بوزيد اثني عشر عاما بتهمة الانضمام إلى تنظيم إرهابي.\nوبحسب ملف القضية، عبر المتهم الحدود "
    "خلسة عام 2015 وقضى شهرين في معسكر للتدريب على الأسلحة في الغرب الليبي، ثم سافر إلى سوريا حيث انضم إلى "
    "«داعش» وشارك في معارك ريف حلب قبل أن يسلم نفسه ويرحل إلى تونس.\nوطلب الدفاع التخفيف لصغر سن منوبه.",
)

#: Iraq's central criminal court sentences a Libyan for fighting with the Islamic State in Mosul.
BAGHDAD_LIBYAN = (
    "محكمة عراقية تقضي بسجن ليبي 20 عاما بتهمة القتال مع «داعش» في الموصل",
    "بغداد - «وكالات»\nأصدرت المحكمة الجنائية المركزية في بغداد حكما بالسجن عشرين عاما على متهم يحمل الجنسية "
    "الليبية بعد إدانته بالانتماء إلى تنظيم «داعش» والقتال في صفوفه ضد القوات العراقية في الموصل.\nوقالت "
    "السلطات إن المدان دخل العراق من سوريا عام 2014 وعمل في كتيبة تابعة للتنظيم، فيما قالت وزارة الخارجية "
    "الليبية إن سفارتها في بغداد تتابع القضية وتوفر له محاميا.",
)

#: Morocco's judicial investigation bureau arrests a returnee from "IS Libya"; the Salé chamber for terrorism cases.
SALE_RETURNEE = (
    "المكتب المركزي للأبحاث القضائية يوقف عائدا من «داعش ليبيا» في طنجة",
    "الرباط - «هسبريس»\nأوقف المكتب المركزي للأبحاث القضائية أمس شابا في طنجة يشتبه في التحاقه بتنظيم إرهابي خارج "
    "المملكة، قبل أن يحال على غرفة الجنايات المكلفة بقضايا الإرهاب بسلا.\nوأفاد بلاغ للمكتب بأن الموقوف سافر إلى "
    "ليبيا عام 2015 حيث أمضى عاما في معسكر للتنظيم قرب سرت، ثم عاد عبر الجزائر، وأنه كان على تواصل مع عناصر "
    "متطرفة تخطط لهجمات بالأسلحة والعبوات الناسفة داخل المغرب.",
)

#: A Libyan militia commander tried in Tunis for kidnapping Tunisian diplomats in Tripoli: Libya's war.
TUNIS_MILITIA = (
    "القطب القضائي لمكافحة الإرهاب يحاكم قياديا في «قوة الردع» بتهمة خطف دبلوماسيين تونسيين في طرابلس",
    "تونس - «الصباح»\nمثل أمام القطب القضائي لمكافحة الإرهاب أمس قيادي في «قوة الردع» الليبية أوقف في جربة، "
    "بتهمة المشاركة في خطف موظفين في القنصلية التونسية بطرابلس عام 2015 للمطالبة بإطلاق عناصر من الميليشيات "
    "الليبية معتقلين في تونس.\nوقالت النيابة إن الخطف جرى خلال اشتباكات بين الميليشيات في العاصمة الليبية، وإن "
    "المختطفين احتجزوا أسابيع في مقر للكتيبة.",
)

#: A Misrata court tries Islamic State fighters captured in Sirte: Libya's own trial, no foreign court.
MISRATA_IS_TRIAL = (
    "محكمة استئناف مصراتة تحاكم 20 من عناصر «داعش» أسروا في معارك سرت",
    "مصراتة - «الوسط»\nبدأت محكمة استئناف مصراتة أمس محاكمة عشرين متهما من عناصر تنظيم «داعش» أسرتهم قوات "
    "البنيان المرصوص خلال المعارك في سرت عام 2016، بينهم تونسيون ومصريون.\nوقالت النيابة إن المتهمين شاركوا في "
    "هجمات بسيارات مفخخة واشتباكات أوقعت عشرات القتلى في صفوف القوات.",
)


def _terms(story: tuple[str, str], lexicon: Lexicon) -> dict[str, tuple[str, float]]:
    return {term: (category, weight) for term, category, weight, _ in judge(*story, lexicon).matched_terms}


def test_a_court_abroad_frames_a_trial_whose_libyan_chapter_is_the_past(lexicon: Lexicon) -> None:
    for story in (TUNIS_RETURNEE, BAGHDAD_LIBYAN):
        assert not judge(*story, lexicon).relevant, story[0]
    assert _terms(TUNIS_RETURNEE, lexicon)["المختصة بقضايا الإرهاب"] == ("foreign", 2.0)
    assert _terms(BAGHDAD_LIBYAN, lexicon)["المكتب المركزي للأبحاث القضائية"] == ("foreign", 2.0)
    # the frame: IS, a country-neutral armed word, counts at statement_factor
    assert _terms(BAGHDAD_LIBYAN, lexicon)["داعش"] == ("conflict", 0.5)


def test_a_returnee_from_is_libya_is_a_convicts_biography(lexicon: Lexicon) -> None:
    terms = _terms(SALE_RETURNEE, lexicon)
    assert terms["تدرب في ليبيا"][0] == "libya_place"
    assert "ولاية طرابلس" not in terms
    assert not judge(*SALE_RETURNEE, lexicon).relevant


def test_libyas_armed_groups_tried_abroad_and_libyan_trials_stay_relevant(lexicon: Lexicon) -> None:
    assert _terms(TUNIS_MILITIA, lexicon)["المختصة بقضايا الإرهاب"] == ("foreign", 2.0)
    for story in (TUNIS_MILITIA, MISRATA_IS_TRIAL):
        assert judge(*story, lexicon).relevant, story[0]
    assert _terms(MISRATA_IS_TRIAL, lexicon)["داعش"] == ("conflict", 2.0)


def test_court_marks_only_another_states_term(lexicon: Lexicon, tmp_path: Path) -> None:
    courts = {t.term for t in lexicon.terms if t.court}
    assert {"المختصة بقضايا الإرهاب", "قطاع الأمن الوطني", "محكمة التمييز"} <= courts
    assert all("foreign" in t.feeds for t in lexicon.terms if t.court)
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[category.libya_place]\nfeeds = ["libya"]\nterms = [\n  { term = "محكمة", weight = 1, court = true },\n]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="court marks another state"):
        load_lexicon(path)


#: Libya's foreign ministry condemns a raid in Jenin; Palestine's embassy in Tripoli thanks it: Palestine's event.
JENIN_STATEMENT = (
    "الخارجية الليبية تدين اقتحام جنين وتدعو مجلس الأمن إلى التحرك",
    "طرابلس - «وال»\nأدانت وزارة الخارجية والتعاون الدولي بحكومة الوحدة الوطنية اقتحام قوات الاحتلال مخيم جنين "
    "وقتل عدد من الشبان، ودعت مجلس الأمن إلى حماية المدنيين.\nوأكدت الوزارة في بيانها تضامن ليبيا الكامل مع "
    "الشعب الفلسطيني.\nوثمنت سفارة دولة فلسطين في طرابلس الموقف الليبي في بيان مقتضب.\nكما أصدرت الحكومة "
    "المكلفة من مجلس النواب بيانا مماثلا.",
)

#: The House mourns a leader assassinated abroad in a statement issued from its seat in Benghazi: the speaker's seat.
HOUSE_MOURNS = (
    "ليبيا تدين اغتيال قيادي فلسطيني في بيروت",
    "طرابلس - «الوسط»\nأدانت وزارة الخارجية بحكومة الوحدة الوطنية اغتيال قيادي في حركة حماس بغارة على الضاحية "
    "الجنوبية لبيروت، محذرة من توسيع الحرب في المنطقة.\nونعى مجلس النواب في بيان صادر عن مقره في بنغازي "
    "القيادي، ووصف اغتياله بالجريمة التي تضاف إلى جرائم الاحتلال في غزة.",
)

#: The House, in a statement issued from its seat in Benghazi, rejects the Presidential Council's decree: the split.
HOUSE_REJECTS = (
    "مجلس النواب يرفض مرسوم المجلس الرئاسي ويعتبره منعدما",
    "بنغازي - «وكالات»\nرفض مجلس النواب، في بيان صادر عن مقره في بنغازي، مرسوم المجلس الرئاسي بتعليق عمل "
    "المفوضية، واعتبره منعدما وتجاوزا لصلاحياته.\nوحذر البيان حكومة الوحدة الوطنية من تنفيذ المرسوم، فيما "
    "قال المجلس الأعلى للدولة إن الخلاف يعمق الانقسام بين المؤسسات.",
)

#: Palestinians wounded by a shell in Tripoli's clashes; Palestine's embassy follows them: Libya's war.
TRIPOLI_SHELL = (
    "إصابة ثلاثة فلسطينيين بقذيفة عشوائية خلال اشتباكات في طرابلس",
    "طرابلس - «الوسط»\nأصيب ثلاثة فلسطينيين بقذيفة عشوائية سقطت على منزلهم في حي أبوسليم خلال اشتباكات بين "
    "مجموعات مسلحة في طرابلس ليلة أمس.\nوقالت سفارة دولة فلسطين في طرابلس إنها تتابع حالتهم، فيما دعت البعثة "
    "الأممية إلى وقف القتال فورا.",
)


def test_palestine_and_a_seat_the_house_speaks_from_name_no_libyan_scene(lexicon: Lexicon) -> None:
    assert _terms(JENIN_STATEMENT, lexicon)["غزة"][0] == "foreign"
    assert "صادر عن مقره في بنغازي" in _terms(HOUSE_MOURNS, lexicon)
    assert "بنغازي" not in _terms(HOUSE_MOURNS, lexicon)
    for story in (JENIN_STATEMENT, HOUSE_MOURNS):
        assert not judge(*story, lexicon).relevant, story[0]


def test_the_split_from_the_houses_seat_and_palestinians_in_tripolis_clashes_stay_relevant(lexicon: Lexicon) -> None:
    for story in (HOUSE_REJECTS, TRIPOLI_SHELL):
        assert judge(*story, lexicon).relevant, story[0]
