"""A listing that prints its newest story in full is no article; an article with linked headings around it still is."""

from __future__ import annotations

import pytest

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.extraction.article import extract_article

URL = "https://news.example/articles/latest/"
STORY = ("اشتباكات بين كتائب مسلحة في إجدابيا", [
    "سادت هدنة هشة مدينة إجدابيا بعد يومين من اشتباكات بين كتائب مسلحة متنافسة على السيطرة على بوابات المدينة "
    "ومخازن السلاح فيها، وفق ما أفاد به سكان محليون ومصادر أمنية في المدينة.",
    "وقال عميد بلدية إجدابيا إن وساطة من أعيان القبائل أفضت إلى وقف إطلاق النار وتبادل الجثامين والأسرى بين "
    "الطرفين، وإن الحياة بدأت تعود تدريجياً إلى الأسواق والمدارس.",
    "وحذر ناشطون من أن الهدنة قد لا تصمد طويلاً في غياب سلطة موحدة قادرة على نزع سلاح الكتائب وضبط الأمن."])
OTHERS = "".join(f'<li><a href="/articles/{n}/">عنوان خبر آخر رقم {n} في القائمة</a></li>' for n in range(1, 9))


def _page(title: str, before: str, after: str = "", head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in STORY[1])
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>{head}'
            f'</head><body>{before}{body}{after}</body></html>').encode()


def _extract(page: bytes, url: str = URL) -> ExtractedArticle | ExtractionFailure:
    return extract_article(page, url)


def test_a_latest_page_printing_its_lead_story_is_a_listing():
    page = _page("آخر الأخبار | الوسط", f'<h1>آخر الأخبار</h1><div class="lead"><h2><a href="/articles/44/">{STORY[0]}'
                 f'</a></h2>', f'<ul class="more">{OTHERS}</ul>')
    result = _extract(page)
    assert isinstance(result, ExtractionFailure) and result.reason == "not-article", result
    assert "https://news.example/articles/44/" in result.detail


def test_a_blog_front_page_with_a_whole_post_under_a_linked_title_is_a_listing():
    page = _page("مدونة الصحراء", f'<div class="post"><h2 class="entry-title"><a href="https://www.news.example/2019/'
                 f'04/post/" rel="bookmark">{STORY[0]}</a></h2><span class="date">11 أبريل 2019</span>',
                 f'</div><div class="older">{OTHERS}</div>')
    assert isinstance(_extract(page, "https://news.example/"), ExtractionFailure)


@pytest.mark.parametrize("before", [
    f'<h1><a href="{URL}">{STORY[0]}</a></h1>',  # the headline is a permalink to the page itself
    f'<h1><a href="/articles/latest/#top">{STORY[0]}</a></h1>',
    f'<h1>{STORY[0]}</h1>',
])
def test_an_article_whose_headline_links_to_itself_is_an_article(before):
    result = _extract(_page(f"{STORY[0]} | الوسط", before))
    assert isinstance(result, ExtractedArticle) and result.title == STORY[0], result


def test_an_article_reached_under_another_url_whose_headline_links_to_its_permalink_is_an_article():
    """A session or tracking URL, or an old address: the headline is still the page's own, in its <title>."""
    page = _page(f"{STORY[0]} - الوسط", f'<h1 class="entry-title"><a href="/articles/44/">{STORY[0]}</a></h1>',
                 head='<link rel="canonical" href="https://news.example/articles/44/">')
    result = _extract(page, "https://news.example/index.php?id=44&sid=0a1b2c3d4e5f")
    assert isinstance(result, ExtractedArticle) and result.title == STORY[0], result


@pytest.mark.parametrize("before", [
    '<h2><a href="/sections/politics/">سياسة</a></h2>',  # a linked section name: no headline
    # a teaser of another story above an article whose headline is no heading element
    f'<div class="teaser"><h3><a href="/articles/7/">عنوان خبر آخر عن الانتخابات البلدية في مصراتة</a></h3></div>'
    f'<div class="headline">{STORY[0]}</div><div class="date">2019-04-11</div>',
    # a linked heading far above the story, prose between them
    '<h3><a href="/articles/7/">عنوان خبر آخر عن الانتخابات البلدية في مصراتة</a></h3><div class="intro">'
    + "مقدمة طويلة عن الوضع في المدينة " * 12 + "</div>",
])
def test_an_article_with_linked_headings_that_are_not_its_own_stays_an_article(before):
    result = _extract(_page(f"{STORY[0]} | الوسط", before))
    assert isinstance(result, ExtractedArticle), result
    assert result.paragraphs[-1] == STORY[1][-1]


def test_a_headline_linking_to_another_site_is_a_source_not_a_listing():
    page = _page("آخر الأخبار | الوسط", f'<h2><a href="https://agency.example/story/9">{STORY[0]}</a></h2>',
                 f'<ul>{OTHERS}</ul>')
    assert isinstance(_extract(page), ExtractedArticle)


def test_one_linked_story_with_nothing_else_listed_is_an_article():
    """Without other headlines the page cannot be told from an article reached under an address its headline lacks."""
    page = _page("آخر الأخبار | الوسط", f'<div><h2><a href="/articles/44/">{STORY[0]}</a></h2>')
    assert isinstance(_extract(page), ExtractedArticle)


def test_a_lead_story_whose_headline_sits_in_a_header_with_its_dateline_is_a_listing():
    page = _page("الأخبار | الوسط", f'<h1>الأخبار</h1><article><header><h2><a href="/articles/44/">{STORY[0]}</a></h2>'
                 f'<time datetime="2019-04-11">11 أبريل 2019</time></header>', f'</article><ul>{OTHERS}</ul>')
    assert isinstance(_extract(page), ExtractionFailure)


@pytest.mark.parametrize("box", [
    # a line linking the same article in another language, in a block of its own above the story's block
    '<div class="article-title"><h3><a href="/articles/44-tr/">Bu yazının Türkçe’sini buradan okuyabilirsiniz</a>'
    '</h3></div><div class="story">',
    # a video box: a linked headline and its summary, above the story's first paragraph
    '<div class="story"><div class="caption"><h4><a href="/video/6325757991112">لماذا يتصاعد التهديد في الجنوب الليبي '
    'الآن</a></h4><p>محلل سياسي يناقش تصاعد التوتر في الجنوب الليبي وما ينبغي على الحكومة فعله لتهدئة الأوضاع بين '
    'الأطراف المتنازعة في المنطقة، في مقابلة مع البرنامج الصباحي.</p></div>',
])
def test_a_linked_box_above_an_articles_story_leaves_it_an_article(box):
    page = _page(f"{STORY[0]} | الوسط", f'<h1>{STORY[0]}</h1>{box}', f'</div><ul>{OTHERS}</ul>')
    result = _extract(page, "https://news.example/articles/44/")
    assert isinstance(result, ExtractedArticle), result


SUMMARY = ("قالت مصادر محلية إن الاجتماع الذي عقد اليوم في المدينة رقم {n} ناقش ملفات الخدمات والأمن والكهرباء والمياه "
           "وسط حضور واسع من الأعيان.")


def _teaser(n: int, shape: str) -> str:
    headline = f"عنوان الخبر رقم {n} عن الاجتماع في المدينة"
    if shape == "heading":
        return f'<div class="item"><h3><a href="/news/{n}/">{headline}</a></h3><p>{SUMMARY.format(n=n)}</p></div>'
    if shape == "item":
        return f'<li><a href="/news/{n}/">{headline}</a><p>{SUMMARY.format(n=n)}</p></li>'
    return (f'<div class="card"><a class="title" href="/news/{n}/">{headline}</a><div class="sum">{SUMMARY.format(n=n)}'
            f'</div><a href="/news/{n}/">اقرأ المزيد</a></div>')


@pytest.mark.parametrize("shape", ["heading", "item", "card"])
@pytest.mark.parametrize("url", ["https://news.example/news/politics/", "https://news.example/news/politics/?page=3",
                                 "https://news.example/archive/2019/04/11/"])
def test_a_section_or_archive_page_of_teasers_is_a_listing(shape, url):
    """Headline links with summaries under them, on article-shaped URLs too: the summaries are no story."""
    items = "".join(_teaser(n, shape) for n in range(1, 13))
    page = (f'<html lang="ar"><head><meta charset="utf-8"><title>سياسة | الوسط</title></head><body><h1>سياسة</h1>'
            f'{"<ul>" + items + "</ul>" if shape == "item" else items}<a href="?page=2">التالي</a></body></html>')
    result = _extract(page.encode(), url)
    assert isinstance(result, ExtractionFailure) and result.reason == "not-article", result
    assert "% of its text is the summaries of 1" in result.detail  # 10 to 12 of the 12, as extraction keeps them


def test_an_article_with_a_few_related_teasers_stays_an_article():
    related = "".join(_teaser(n, "heading") for n in range(1, 4))
    result = _extract(_page(f"{STORY[0]} | الوسط", f"<h1>{STORY[0]}</h1>", related), "https://news.example/news/44/")
    assert isinstance(result, ExtractedArticle), result


def test_a_page_marked_as_an_article_is_not_second_guessed():
    items = "".join(_teaser(n, "heading") for n in range(1, 13))
    page = (f'<html lang="ar"><head><meta charset="utf-8"><meta property="og:type" content="article"><title>سياسة'
            f'</title></head><body><h1>سياسة</h1>{items}</body></html>')
    assert isinstance(_extract(page.encode(), "https://news.example/news/politics/"), ExtractedArticle)


def test_an_old_page_whose_h1_links_to_its_own_address_elsewhere_is_an_article():
    """An h1 is the page's headline, even when it links to another address of the page and the <title> differs."""
    page = _page("الوسط | أخبار", f'<h1><a href="/articles/44/">{STORY[0]}</a></h1>', f"<ul>{OTHERS}</ul>")
    result = _extract(page, "https://news.example/index.php?id=44")
    assert isinstance(result, ExtractedArticle), result


def _own_headline_page(head: str, before: str) -> bytes:
    return _page(f"{STORY[0]} | الوسط", f"<h1>{STORY[0]}</h1>{before}", f"<ul>{OTHERS}</ul>", head=head)


@pytest.mark.parametrize("before", [
    # a series line or a background link between the article's own h1 and its first paragraph (the review)
    '<h3><a href="/series/libya-war-files/">ملفات الحرب الليبية، الحلقة الثالثة من خمس حلقات</a></h3>',
    '<h2><a href="/articles/12/">خلفية: محادثات وقف إطلاق النار التي لم تصمد</a></h2>',
])
def test_a_linked_heading_under_the_articles_own_h1_leaves_it_an_article(before):
    assert isinstance(_extract(_own_headline_page("", before), "https://news.example/articles/44/"), ExtractedArticle)


@pytest.mark.parametrize("url, href", [
    ("https://news.example/index.php?id=44&sid=0a1b2c3d4e5f", "/index.php?id=44"),  # a session token
    ("https://news.example/index.php?b=2&a=1", "/index.php?a=1&b=2"),  # the crawl's sorted query
    ("https://news.example/articles/44/?utm_source=rss", "/articles/44/"),  # tracking
    ("https://news.example/articles/44/index.html", "/articles/44/"),  # a default document
    ("https://news.example/%D8%AE%D8%A8%D8%B1/44", "/خبر/44"),  # an escaped Arabic slug
])
def test_a_headline_linking_to_the_page_under_another_spelling_is_its_permalink(url, href):
    """The page's <title> is the site's name, so only the address can tell the headline is the page's own."""
    page = _page("الوسط", f'<div><h2><a href="{href}">{STORY[0]}</a></h2>', f"</div><ul>{OTHERS}</ul>")
    assert isinstance(_extract(page, url), ExtractedArticle)


def test_a_headline_linking_to_the_pages_amp_version_is_its_permalink():
    page = _page("الوسط", f'<div><h2><a href="/amp/articles/44/">{STORY[0]}</a></h2>', f"</div><ul>{OTHERS}</ul>",
                 head='<link rel="amphtml" href="/amp/articles/44/">')
    assert isinstance(_extract(page, "https://news.example/articles/44/"), ExtractedArticle)


def test_a_malformed_link_is_no_parse_error():
    page = _page("آخر الأخبار | الوسط", f'<div><h2><a href="http://[link]">{STORY[0]}</a></h2>',
                 f'</div><ul>{OTHERS}<li><a href="//[::1/x">رابط معطوب في قائمة الأخبار الأخيرة</a></li></ul>')
    assert isinstance(_extract(page), ExtractedArticle)


LINKED_PARAGRAPHS = "".join(
    f'<p>{p} وتابع <a href="/tags/{n}/">المزيد من الأخبار عن هذا الموضوع هنا</a></p>'
    for n, p in enumerate(STORY[1] * 2))
READ_ALSO = "".join(f'<p>{p}</p><ul><li><a href="/articles/{n}/">اقرأ أيضا: عنوان خبر آخر عن المدينة رقم {n}</a></li></ul>'
                    for n, p in enumerate(STORY[1] * 2))


@pytest.mark.parametrize("body", [LINKED_PARAGRAPHS, READ_ALSO])
def test_an_article_with_links_among_its_paragraphs_is_no_run_of_teasers(body):
    page = (f'<html lang="ar"><head><meta charset="utf-8"><title>{STORY[0]}</title></head><body><h1>{STORY[0]}</h1>'
            f'{body}</body></html>')
    assert isinstance(_extract(page.encode(), "https://news.example/articles/44/"), ExtractedArticle)


def test_a_brief_with_a_box_of_related_teasers_is_an_article():
    related = "".join(_teaser(n, "heading") for n in range(1, 5))
    page = (f'<html lang="ar"><head><meta charset="utf-8"><title>{STORY[0]}</title></head><body><h1>{STORY[0]}</h1>'
            f'<p>{STORY[1][0]}</p><div class="related"><h2>أخبار ذات صلة</h2>{related}</div></body></html>')
    assert isinstance(_extract(page.encode(), "https://news.example/articles/44/"), ExtractedArticle)
