"""crawler.capture.walls: a subscription or log-in wall in the place of a stored story is told from an edit."""

from __future__ import annotations

import pytest

from crawler.capture.walls import wall_notice

TITLE = "تقرير خاص: شبكات تهريب الوقود عبر الحدود الليبية التونسية"
STORY = "\n".join([
    "قالت مصادر محلية في طرابلس إن شبكات التهريب توسعت خلال الأشهر الماضية عبر معبر رأس اجدير.",
    "وأضافت المصادر أن كميات كبيرة من الوقود المدعوم تهرب يوميا إلى الجانب التونسي.",
    "ودعت المؤسسة الوطنية للنفط إلى تشديد الرقابة على محطات الوقود في المدن الحدودية.",
])
LEAD = STORY.split("\n")[0]


@pytest.mark.parametrize("text", [
    "هذا المحتوى متاح للمشتركين فقط. اشترك الآن لمتابعة قراءة التقرير الكامل.",  # the whole body a box
    f"{LEAD}\nلإكمال القراءة، سجّل الدخول أو اشترك في خدمتنا الرقمية.",  # a metered wall: the lead, then a box
    f"{LEAD}\nالمقال حصري للمشتركين",
    "This article is available only to subscribers. Already a subscriber? Log in to continue reading.",
    "Cet article est réservé aux abonnés.",
])
def test_a_wall_in_the_place_of_the_story(text: str) -> None:
    assert wall_notice(TITLE, text, TITLE, STORY)


@pytest.mark.parametrize("title, text", [
    (TITLE, f"{LEAD}\nتصحيح: حذفت فقرتان من نسخة سابقة من هذا الخبر لعدم دقتهما."),  # a correction cutting the story
    (TITLE, f"{STORY}\nاشترك الآن في نشرتنا البريدية."),  # the whole story is still there: an edit (or padding)
    (TITLE, "أعلنت شركة ليبيانا عن باقة جديدة للمشتركين تشمل مكالمات مجانية."),  # subscribers as news, no prompt
    ("عنوان آخر تماما", "هذا المحتوى متاح للمشتركين فقط."),  # another headline: not this story behind a wall
    (TITLE, LEAD + "\n" + "هذا المحتوى متاح للمشتركين فقط. " + "كلمة " * 90),  # past a box's length: a story
])
def test_an_edit_or_another_page_is_no_wall(title: str, text: str) -> None:
    assert wall_notice(title, text, TITLE, STORY) is None


def test_nothing_stored_is_no_wall() -> None:
    assert wall_notice(TITLE, "هذا المحتوى متاح للمشتركين فقط.", TITLE, "") is None
