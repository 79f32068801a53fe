"""Stop 42's probe of the text corpus: invisible marks in a headline (extraction, then the seed-format file)."""

from __future__ import annotations

import unicodedata

import pytest

from archive.corpus.history import Snapshot, changed_fields
from archive.corpus.textfiles import render
from archive.records import ExtractedArticle
from crawler.extraction.article import extract_article

LEAD = ("طرابلس - تواصلت المعارك بين قوات الجيش الوطني الليبي بقيادة حفتر وقوات حكومة الوفاق في محاور جنوب "
        "طرابلس لليوم العاشر على التوالي وسط نزوح الآلاف من السكان.")
SECOND = "وقال شهود إن القصف طال أحياء سكنية في أبو سليم وعين زارة، وإن المستشفيات الميدانية امتلأت بالجرحى."


def page(headline: str) -> str:
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{headline}</title></head>'
            f"<body><nav>الرئيسية | ليبيا</nav><article><h1>{headline}</h1><p>{LEAD}</p><p>{SECOND}</p></article>"
            "<footer>جميع الحقوق محفوظة</footer></body></html>")


@pytest.mark.parametrize("mark", ["\u00ad", "\u061c", "\u2060", "\u2063"])
def test_an_invisible_mark_in_the_headline_leaves_neither_the_title_nor_a_doubled_headline(mark: str) -> None:
    # before stop 42 the soft hyphen, the Arabic letter mark and the word joiner stayed in the title while the body's
    # extraction dropped them: the headline atop the body no longer equalled the title, and the text file printed it
    # twice (title line, then again as the first paragraph), with an invisible character in the first
    headline = f"قوات الوفاق {mark}تصد هجوما على طرابلس"
    got = extract_article(page(headline), "http://127.0.0.42/news/1")
    assert isinstance(got, ExtractedArticle), got
    assert got.title == "قوات الوفاق تصد هجوما على طرابلس"
    assert got.paragraphs == (LEAD, SECOND)
    text = render(got.title, got.paragraphs)
    assert not [c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]


def test_the_letter_mark_is_no_new_version() -> None:
    # the re-crawl of a page stored before the fix (its title with U+061C) is the same version, not an edit
    before = Snapshot("قوات الوفاق \u061cتصد هجوما", LEAD + "\n" + SECOND, None)
    after = Snapshot("قوات الوفاق تصد هجوما", LEAD + "\n" + SECOND.replace("،", "\u061c،"), None)
    assert changed_fields(before, after) == []


SHORT = ("ترهونة - أعلنت قوات حكومة الوفاق السيطرة على مدينة ترهونة جنوب شرق طرابلس بعد انسحاب قوات حفتر منها.",
         "وقال الناطق باسم عملية بركان الغضب إن القوات تلاحق الفلول.")


@pytest.mark.parametrize("stamp", [
    'نُشر في <time datetime="2020-06-05">5 يونيو 2020</time> - آخر تحديث منذ 5 ساعات',
    "نشرت بتاريخ الجمعة 5 يونيو 2020 | آخر تحديث منذ 40 دقيقة",
    "تاريخ النشر <span>05/06/2020</span> - التحديث: منذ ساعتين",
])
def test_a_publication_stamp_under_the_headline_is_no_paragraph_of_a_short_story(stamp: str) -> None:
    # before stop 42 a stamp with more than three words besides its date ("نشر", "آخر تحديث", "منذ ساعة") stayed as
    # the first paragraph of a short story's text file: page chrome in the corpus
    html = ('<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الوفاق تسيطر على ترهونة | '
            'بوابة</title></head><body><header><nav><a href="/">الرئيسية</a> | <a href="/s/libya">ليبيا</a></nav>'
            '</header><main><article><h1>الوفاق تسيطر على ترهونة</h1>'
            f'<div class="meta">{stamp}</div><div class="share">شارك: فيسبوك تويتر واتساب</div>'
            f'<div class="content"><p>{SHORT[0]}</p><p>{SHORT[1]}</p></div></article></main>'
            "<footer>جميع الحقوق محفوظة © 2020</footer></body></html>")
    got = extract_article(html, "http://127.0.0.42/news/3")
    assert isinstance(got, ExtractedArticle), got
    assert got.paragraphs == SHORT


def test_a_short_sentence_with_a_date_stays() -> None:
    from crawler.extraction.chrome_lines import is_date_stamp

    assert not is_date_stamp("قتل 5 في طرابلس يوم 17 أبريل 2019")
    assert not is_date_stamp("نشر الجيش قواته في طرابلس 17 أبريل 2019")


def test_a_publication_stamp_stored_before_the_fix_makes_no_new_version() -> None:
    # a text stored before stop 42 opens with the stamp extraction now cuts; its loss at the next re-check, or its
    # "منذ ساعة" turning "منذ ساعتين", is no edit of the story
    body = "\n".join(SHORT)
    stored = Snapshot("الوفاق تسيطر على ترهونة", "نشر في 5 يونيو 2020 - آخر تحديث: منذ ساعة\n" + body, None)
    assert changed_fields(stored, Snapshot(stored.title, body, None)) == []
    later = Snapshot(stored.title, "نشر في 5 يونيو 2020 - آخر تحديث: منذ ساعتين\n" + body, None)
    assert changed_fields(stored, later) == []
    # a short line of the story that opens with the verb is content: its edit is a version
    troops = Snapshot(stored.title, "نشرت القوات 200 جندي في ترهونة\n" + body, None)
    assert changed_fields(troops, Snapshot(stored.title, "نشرت القوات 300 جندي في ترهونة\n" + body, None)) == ["text"]
