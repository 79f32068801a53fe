"""Round 23 of the relevance judge (issue 13) and its review: crime, a lone body of the split, and Libya speaking of
other theatres.

Each rule is shown on a short synthetic article and on its contrast, the same story told as Libya's conflict; the
review's counter-examples (stories an earlier form of the rules got wrong) are kept as tests:

* a kidnapping told as a crime (a criminal gang named, no armed actor) is no conflict story (``Term.crime``);
* a body of the split named alone (no second body, no fighting word) is evidence of Libya, not of its conflict;
* a body named in a sentence of another theatre is that theatre's look-alike (Yemen's "accord government");
* in a statement titled about another theatre, a seat of government named only beside that theatre is the speaker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def _weight(result, term: str) -> float:
    return next(entry[2] for entry in result.matched_terms if entry[0] == term)


GANG_TITLE = "الشرطة تحرر طالبا مخطوفا في الزاوية وتقبض على أفراد عصابة طالبوا بفدية"
GANG = "\n".join([
    "الزاوية - وال",
    "أعلنت مديرية أمن الزاوية غرب ليبيا تحرير طالب جامعي خطف قبل أيام من أمام منزله، والقبض على ثلاثة من أفراد العصابة التي "
    "طالبت أسرته بفدية قدرها مئتا ألف دينار.",
    "وقال المتحدث باسم المديرية إن فريق التحريات تتبع مكالمات الخاطفين حتى منزل مهجور على أطراف المدينة، حيث وجد "
    "الطالب مقيدا، وإن المتهمين من أصحاب السوابق في قضايا السرقة.",
    "وأحيل المتهمون إلى النيابة العامة، فيما دعت المديرية المواطنين إلى الإبلاغ عن أي حالة خطف وعدم دفع أي مبلغ.",
])


def test_a_kidnapping_told_as_a_gangs_crime_is_no_conflict_story(lexicon: Lexicon) -> None:
    result = judge(GANG_TITLE, GANG, lexicon)
    assert not result.relevant, result
    assert result.libya_score >= lexicon.scoring.libya_min  # Libya is named enough: the conflict is what is missing
    assert _weight(result, "اختطاف") == 0.0 and _weight(result, "الخاطفين") == 0.0  # listed, with weight 0
    assert any(entry[1] == "crime" for entry in result.matched_terms)  # the evidence names the gang


def test_the_same_kidnapping_by_armed_men_stays_the_conflicts(lexicon: Lexicon) -> None:
    # armed men named beside the gang: an armed actor makes the kidnapping the conflict's again
    body = GANG.replace("خطف قبل أيام من أمام منزله", "خطفه مسلحون ملثمون قبل أيام من أمام منزله")
    body = body.replace("أفراد العصابة", "أفراد العصابة المسلحة ومسلحين يتبعون ميليشيا محلية")
    result = judge("مسلحون يخطفون طالبا في الزاوية ومطالب بفدية", body, lexicon)
    assert result.relevant, result
    assert _weight(result, "اختطاف") > 0


def test_a_kidnapping_without_a_gang_still_counts_alone(lexicon: Lexicon) -> None:
    # round 22's promise kept: a foreigner kidnapped in Libya, told with nothing else, is the conflict's
    body = "\n".join([
        "روما - أ ف ب",
        "أعلنت وزارة الخارجية الإيطالية أن اثنين من مواطنيها خطفا في جنوب ليبيا، وأن خلية الأزمة تتابع القضية.",
        "وقالت الوزارة إن الخاطفين لم يتصلوا بعد، وإنها على تواصل مع السلطات الليبية في طرابلس وسبها.",
    ])
    assert judge("خطف إيطاليين اثنين في جنوب ليبيا", body, lexicon).relevant


FLOOD_TITLE = "حكومة الوفاق تعلن درنة منطقة منكوبة بعد سيول جارفة"
FLOOD = "\n".join([
    "طرابلس - وال",
    "أعلنت حكومة الوفاق الوطني مدينة درنة منطقة منكوبة بعد سيول جارفة غمرت أحياء المدينة وشردت مئات الأسر.",
    "وقال عميد البلدية إن المياه قطعت الطرق إلى البيضاء وطبرق، وناشد المنظمات الإنسانية إرسال الخيام والأغطية.",
    "وأرسلت حكومة الوفاق فرق إنقاذ ومولدات كهربائية، فيما أقام الهلال الأحمر نقاط توزيع في المدارس.",
])


def test_a_lone_body_of_the_split_is_libya_not_its_conflict(lexicon: Lexicon) -> None:
    result = judge(FLOOD_TITLE, FLOOD, lexicon)
    assert not result.relevant, result
    assert result.conflict_score == 0.0


def test_the_same_body_beside_fighting_is_the_conflicts(lexicon: Lexicon) -> None:
    body = FLOOD + "\nوتزامنت السيول مع اشتباكات مسلحة بين قوات حكومة الوفاق ومسلحين قرب المدينة أوقعت قتلى."
    result = judge("اشتباكات قرب درنة وحكومة الوفاق تعلن المدينة منطقة منكوبة", body, lexicon)
    assert result.relevant, result


YEMEN = "\n".join([
    "صنعاء - واس",
    "أدت حكومة الوفاق الوطني اليمنية اليمين الدستورية أمام نائب الرئيس اليمني، تنفيذا للمبادرة الخليجية.",
    "وقال رئيس الحكومة في اليمن إن أولوياته إنهاء الانقسام في صفوف الجيش وإعادة الأمن إلى صنعاء.",
    "ورحب مجلس التعاون بتشكيل الحكومة، مؤكدا دعمه لوحدة اليمن واستقراره.",
])


def test_a_body_named_in_another_theatres_sentences_is_that_theatres(lexicon: Lexicon) -> None:
    result = judge("حكومة الوفاق الوطني تؤدي اليمين أمام نائب الرئيس اليمني", YEMEN, lexicon)
    assert not result.relevant, result
    moved = [entry for entry in result.matched_terms if entry[1] == "elsewhere"]
    assert moved and "حكومة الوفاق" in moved[0][0]


def test_the_same_body_in_libyan_sentences_keeps_its_weight(lexicon: Lexicon) -> None:
    body = "\n".join([
        "طرابلس - وال",
        "تسلمت حكومة الوفاق الوطني مقارها في طرابلس، فيما رفض مجلس النواب في طبرق منحها الثقة.",
        "وقال المجلس الرئاسي إن إنهاء الانقسام وتوحيد المؤسسات أولوية، ودعا الأطراف إلى تجنب التصعيد.",
        "وشهدت العاصمة تحشيدات عسكرية لمجموعات مسلحة رافضة للحكومة قرب مطار معيتيقة.",
    ])
    result = judge("حكومة الوفاق تتسلم مقارها في طرابلس وسط تحشيدات مسلحة", body, lexicon)
    assert result.relevant, result
    assert not [entry for entry in result.matched_terms if entry[1] == "elsewhere"]


WELCOME = "\n".join([
    "طرابلس - وكالات",
    "رحبت وزارة الخارجية في حكومة الوحدة الوطنية الليبية برفع العقوبات عن سوريا، معتبرة القرار خطوة نحو تعافي "
    "الاقتصاد السوري.",
    "وأكدت الوزارة دعم ليبيا لوحدة سوريا وسيادتها، داعية إلى تهيئة الظروف لعودة النازحين السوريين.",
    "وكانت طرابلس قد أعادت فتح خطوط التواصل مع دمشق خلال الأشهر الماضية.",
])


def test_libya_named_only_beside_the_other_theatre_is_the_speaker(lexicon: Lexicon) -> None:
    assert not judge("ليبيا ترحب برفع العقوبات عن سوريا", WELCOME, lexicon).relevant


def test_a_welcome_that_names_a_libyan_scene_of_its_own_is_libyas(lexicon: Lexicon) -> None:
    # the same welcome, then a sentence of Libya's own: sanctions on its militias in Tripoli
    body = WELCOME + "\nوطالبت الوزارة بفرض عقوبات مماثلة على قادة الميليشيات المسلحة في طرابلس وترهونة."
    result = judge("ليبيا ترحب برفع العقوبات عن سوريا وتطالب بعقوبات على ميليشيات طرابلس", body, lexicon)
    assert result.relevant, result


def test_an_officials_outlaw_gang_is_an_armed_actor(lexicon: Lexicon) -> None:
    # the review of round 23: officials call militia kidnappers "an outlaw gang"; the kidnapping stays the conflict's
    body = "\n".join([
        "طرابلس - وال",
        "أعلن مصرف ليبيا المركزي اختطاف مدير إدارة تقنية المعلومات من أمام منزله في طرابلس على يد عصابة خارجة عن "
        "القانون.",
        "وقال المحافظ إن الاختطاف يأتي ضمن حملة ضغط لإجباره على ترك منصبه، محملا الحكومة المسؤولية عن سلامة موظفيه.",
        "وأعلن المصرف تعليق أعماله حتى إطلاق سراح المختطف، فيما دعا المجلس الرئاسي إلى تحقيق عاجل.",
    ])
    assert judge("اختطاف مدير إدارة بمصرف ليبيا المركزي في طرابلس", body, lexicon).relevant


def test_a_crime_word_the_gang_rule_silenced_backs_nothing(lexicon: Lexicon) -> None:
    # the review: the zeroed kidnapping words no longer back the government's conflict weight (a lone body again)
    body = "\n".join([
        "طرابلس - وال",
        "أعلنت وزارة الداخلية بحكومة الوفاق الوطني تحرير طفل خطف من أمام مدرسته في تاجوراء، والقبض على أفراد "
        "العصابة التي طالبت أسرته بفدية.",
        "وقالت الوزارة إن التحريات قادت إلى مكان احتجاز الطفل في مزرعة بالضواحي.",
        "وأكدت حكومة الوفاق أن الخاطفين أحيلوا إلى النيابة.",
    ])
    result = judge("حكومة الوفاق تعلن تحرير طفل مخطوف والقبض على عصابة طالبت بفدية", body, lexicon)
    assert not result.relevant, result
    assert any(entry[1] == "lone body" for entry in result.matched_terms)


def test_displaced_by_a_flood_back_no_body(lexicon: Lexicon) -> None:
    # the review: "النازحين" (displaced) is shared with floods (alone = false), so it backs no lone body
    body = FLOOD.replace("وشردت مئات الأسر", "وتسببت في نزوح مئات الأسر") + "\nوناشد المجلس البلدي إيواء النازحين."
    assert not judge(FLOOD_TITLE, body, lexicon).relevant


def test_a_town_beside_the_other_theatre_stays_a_scene(lexicon: Lexicon) -> None:
    # the review: Chadian rebels attack al-Qatrun; the town named beside Chad is Libya's scene, not its speaker
    body = "\n".join([
        "طرابلس - وال",
        "أدان المجلس الرئاسي الهجوم الذي شنته مجموعات من المعارضة التشادية المسلحة على بلدة القطرون فجر اليوم، ما "
        "أسفر عن مقتل ثلاثة من أفراد الكتيبة المكلفة بحمايتها.",
        "ودعا المجلس إلى طرد المقاتلين التشاديين من الجنوب الليبي، مؤكدا أن أم الأرانب والقطرون لن تكونا ممرا "
        "للمرتزقة.",
    ])
    assert judge("المجلس الرئاسي يدين هجوم المعارضة التشادية في الجنوب", body, lexicon).relevant


def test_a_neighbours_call_about_fighting_in_libya_is_libyas(lexicon: Lexicon) -> None:
    # the review: a title naming only Algeria; the body's one Libya sentence carries fighting the others go on about
    body = "\n".join([
        "الجزائر - واج",
        "دعت وزارة الخارجية الجزائرية إلى وقف فوري لإطلاق النار في غدامس بعد أيام من الاشتباكات بين قوات حفتر وقوات "
        "الوفاق.",
        "وقالت الوزارة إن استمرار القتال وتدفق الأسلحة يهدد أمن دول الجوار ويفتح الباب أمام عودة الجماعات الإرهابية.",
        "وأكدت أن الحل لن يكون عسكريا، داعية الأطراف إلى العودة للحوار السياسي تحت رعاية الأمم المتحدة.",
        "وكانت المعارك قد أجبرت مئات العائلات على النزوح نحو الحدود، وسط مخاوف من أزمة إنسانية.",
    ])
    assert judge("الجزائر تدعو إلى وقف فوري للقتال على حدودها الشرقية", body, lexicon).relevant


def _lexicon_file(tmp_path: Path, category_extra: str, term_extra: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        "[category.conflict]\n"
        f'feeds = ["conflict"]\n{category_extra}\n'
        f'terms = [{{ term = "اختطاف", weight = 1.5{term_extra} }}, {{ term = "مسلحين", weight = 2 }}]\n',
        encoding="utf-8",
    )
    return path


def test_the_crime_armed_and_seat_keys_are_read_and_checked(tmp_path: Path) -> None:
    loaded = load_lexicon(_lexicon_file(tmp_path, "armed = true", ", crime = true, armed = false, seat = true"))
    kidnap, armed_men = loaded.terms
    assert kidnap.crime and kidnap.seat and not kidnap.armed  # a term's own key beats its category's default
    assert armed_men.armed and not armed_men.crime and not armed_men.seat
    with pytest.raises(ConfigError, match=r"category\.conflict\.armed.*true or false"):
        load_lexicon(_lexicon_file(tmp_path, 'armed = "yes"', ""))
    for key in ("crime", "armed", "seat"):
        with pytest.raises(ConfigError, match=rf"{key}.*true or false"):
            load_lexicon(_lexicon_file(tmp_path, "", f', {key} = "yes"'))


def test_a_lone_body_carries_no_conflict_in_a_passage_window_either(lexicon: Lexicon) -> None:
    # the review of round 23: the passage signal judged a window with the body's full conflict weight
    from crawler.relevance.passage import _judge_window

    index = {term.term: i for i, term in enumerate(lexicon.terms)}
    gna, tripoli, displaced = index["حكومة الوفاق"], index["العاصمة طرابلس"], index["النازحين"]
    window = [{gna: 3, tripoli: 1}, {gna: 2, displaced: 1}]
    weights = {gna: 2.5, tripoli: 3.0, displaced: 1.0}
    counted = _judge_window(window, lexicon.terms, weights, lexicon.scoring)
    assert counted is not None  # two conflict terms: the body and the displaced
    assert _judge_window(window, lexicon.terms, weights, lexicon.scoring, frozenset({gna})) is None  # one is left
