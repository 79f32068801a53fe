"""An article page that prints no headline gets its lead's first sentence as its title (stop 39, a newcomer's probe:
it was stored with an empty title, a text file whose first line was blank and a reading-room link with no text)."""

from __future__ import annotations

from crawler.extraction.article import extract_article
from crawler.extraction.untitled import LIMIT, lead_title

LEAD = ("طرابلس - أعلنت حكومة الوحدة الوطنية اليوم الأحد عن اتفاق لوقف إطلاق النار في جنوب العاصمة بعد ثلاثة أيام من "
        "الاشتباكات. وقال المتحدث باسم الحكومة إن الاتفاق يشمل انسحاب الوحدات المسلحة من الأحياء السكنية.")
BODY = ["وأضاف أن لجنة عسكرية مشتركة ستراقب تنفيذ الاتفاق خلال الأسبوعين المقبلين، وأن خطوط التماس ستفتح للمدنيين.",
        "وكانت الاشتباكات قد أسفرت عن سقوط عدد من القتلى والجرحى ونزوح مئات العائلات من منطقة عين زارة."]


def test_a_page_with_no_headline_is_titled_by_its_lead():
    html = f'<html lang="ar"><body><div class="story">{"".join(f"<p>{p}</p>" for p in [LEAD, *BODY])}</div></body></html>'
    article = extract_article(html, "http://outlet.example/news/77")
    assert article.title == LEAD.split(". ")[0] + "."
    assert article.paragraphs[0] == LEAD  # the lead stays in the body


def test_a_long_sentence_is_cut_at_a_word():
    title = lead_title(["كلمة " * 100])
    assert len(title) <= LIMIT + 1 and title.endswith("…") and not title[:-1].endswith(" ")


def test_a_page_with_a_headline_keeps_it():
    html = (f'<html lang="ar"><head><title>وقف إطلاق النار في جنوب طرابلس</title></head><body><h1>وقف إطلاق النار في '
            f'جنوب طرابلس</h1>{"".join(f"<p>{p}</p>" for p in [LEAD, *BODY])}</body></html>')
    assert extract_article(html, "http://outlet.example/news/78").title == "وقف إطلاق النار في جنوب طرابلس"
