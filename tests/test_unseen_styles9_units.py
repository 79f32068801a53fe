"""The rules tests/test_e2e_altsites9.py needed, pinned on small pages: Cloudflare's obfuscated addresses decoded, a
soft 404 told by its headline, a pull-quote read once, a story's notes kept whatever their back-links, and an article
whose redirect the duplicate filter dropped (a retired story sent to the home page) settled."""

from __future__ import annotations

import json
from types import SimpleNamespace

import lxml.html
import pytest
from scrapy import Request

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.extraction.article import extract_article
from crawler.extraction.boilerplate import drop_pull_quotes
from crawler.extraction.cfemail import decode_cfemail, reveal_cfemails
from crawler.extraction.notfound import not_found_notice
from crawler.extraction.precision import drop_back_links

BASE = "http://news.example.ly"
PARAS = [
    "تجددت الاشتباكات العنيفة صباح الأحد في محيط مطار طرابلس الدولي المغلق جنوب العاصمة، بين قوات حكومة الوفاق "
    "الوطني والقوات التابعة للقيادة العامة، في اليوم الرابع للهجوم على المدينة.",
    "وقال شهود عيان إن الرتل دخل المدينة من دون مقاومة تذكر بعد مفاوضات مع أعيانها. وأضافوا أن عشرات الآليات "
    "المسلحة عبرت البوابة الشمالية للمدينة باتجاه منطقة العزيزية.",
    "وأفادت وزارة الصحة بأن حصيلة القتلى منذ بدء المعارك ارتفعت إلى واحد وعشرين قتيلا بينهم مدنيون، إضافة إلى "
    "سبعة وعشرين جريحا، فيما لم تلق الدعوة إلى هدنة إنسانية استجابة من الطرفين.",
]


def cf_code(address: str, key: int) -> str:
    """``data-cfemail`` as Cloudflare writes it: a key byte, then the address's UTF-8 bytes XOR-ed with it, in hex."""
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode())


def story(body: str, *, title: str = "اشتباكات عنيفة جنوب طرابلس", head: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | الموقع</title>
<meta property="og:type" content="article">{head}</head><body>
<nav><a href="/">الرئيسية</a> <a href="/news/libya/">ليبيا</a></nav>
<article><h1>{title}</h1><div class="content">{body}</div></article>
<footer>جميع الحقوق محفوظة</footer></body></html>"""


def extracted(html: str, url: str = f"{BASE}/news/1") -> ExtractedArticle:
    result = extract_article(html, url)
    assert isinstance(result, ExtractedArticle), result
    return result


# -- Cloudflare's email obfuscation --------------------------------------------------------------------------------


def test_a_cfemail_code_decodes_to_its_address():
    # a published example (the key 0xee), and a UTF-8 address
    assert decode_cfemail("ee96988b948a8fae808f988b9cc08d8183") == "xvezda@naver.com"
    assert decode_cfemail(cf_code("تحرير@مثال.ليبيا", 0x5A)) == "تحرير@مثال.ليبيا"


@pytest.mark.parametrize("code", ["", "ee", "zz1234", "ee969", cf_code("no address here", 0x21),
                                  cf_code("a b@c.d", 0x21), "21" + "e1" * 3])
def test_a_value_that_is_no_obfuscated_address_is_left(code):
    assert decode_cfemail(code) is None


def test_both_markups_of_an_obfuscated_address_show_the_address_in_place():
    code = cf_code("press@noc.ly", 0x42)
    root = lxml.html.fromstring(
        f'<div><p>عبر <a href="/cdn-cgi/l/email-protection#{code}"><span class="__cf_email__" data-cfemail="{code}">'
        f"[email&#160;protected]</span></a> يوميا.</p><p>أو <a href=\"/cdn-cgi/l/email-protection\" "
        f'class="__cf_email__" data-cfemail="{code}">[email&#160;protected]</a>.</p>'
        '<p><span data-cfemail="nothex">[email&#160;protected]</span></p></div>'
    )
    assert reveal_cfemails(root, lxml.html.tostring(root, encoding="unicode")) == 2
    assert [p.text_content() for p in root.iter("p")] == [
        "عبر press@noc.ly يوميا.", "أو press@noc.ly.", "[email\xa0protected]"]


def test_a_page_without_the_attribute_is_not_searched():
    root = lxml.html.fromstring('<p><span data-cfemail="x">y</span></p>')
    assert reveal_cfemails(root, "<p>a page</p>") == 0


def test_the_body_holds_the_address_a_reader_sees():
    code = cf_code("salem.ferjani@alwaha-news.ly", 0x33)
    contact = (f'للتواصل مع المحرر: <a href="/cdn-cgi/l/email-protection" class="__cf_email__" '
               f'data-cfemail="{code}">[email&#160;protected]</a>')
    article = extracted(story("".join(f"<p>{p}</p>" for p in [*PARAS, contact])))
    assert article.paragraphs[-1] == "للتواصل مع المحرر: salem.ferjani@alwaha-news.ly"
    assert "protected" not in " ".join(article.paragraphs)


# -- soft 404s -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headline", [
    "الصفحة غير موجودة", "404 - الصفحة غير موجودة", "عذراً، هذا الخبر لم يعد متاحاً", "هذا المقال غير متوفر",
    "عذرا، لم يتم العثور على الصفحة المطلوبة", "المقال المطلوب محذوف", "خطأ 404", "Page not found",
    "Oops! That page can’t be found.", "Sorry, this article is no longer available",
    "The page you were looking for doesn't exist", "Page introuvable", "404",
])
def test_a_not_found_notice_is_told_by_its_headline(headline):
    assert not_found_notice(headline)


@pytest.mark.parametrize("headline", [
    "الأمم المتحدة: المساعدات لم تعد متاحة في طرابلس", "هذا الخبر غير موجود في بيانات الوزارة، يقول المتحدث",
    "Jobs report not found credible by economists", "اشتباكات عنيفة جنوب طرابلس", "",
    "The page not found: a history of the 404 error in " + "web culture " * 8,
])
def test_a_headline_that_only_quotes_such_words_is_a_story(headline):
    assert not not_found_notice(headline)


def test_a_removed_story_in_the_story_template_is_a_soft_404_not_a_short_article():
    """The template keeps og:type article and an h1: it passed as a short article before."""
    html = story("<p>ربما حُذف هذا الخبر أو نُقل إلى رابط آخر بقرار من هيئة التحرير. يمكنك متابعة آخر الأخبار.</p>",
                 title="عذراً، هذا الخبر لم يعد متاحاً")
    result = extract_article(html, f"{BASE}/news/libya/50202")
    assert isinstance(result, ExtractionFailure) and result.reason == "soft-404", result


def test_a_not_found_page_over_the_latest_teasers_is_a_soft_404():
    teasers = "".join(f'<div class="card"><h3><a href="/news/{n}">خبر {n}</a></h3><p>{p}</p></div>'
                      for n, p in enumerate(PARAS))
    html = story(f"<p>عذراً، لم نتمكن من العثور على الصفحة التي تبحث عنها.</p>{teasers}", title="الصفحة غير موجودة")
    result = extract_article(html, f"{BASE}/news/libya/5021")
    assert isinstance(result, ExtractionFailure) and result.reason == "soft-404", result


def test_a_story_about_an_unavailable_thing_is_extracted():
    article = extracted(story("".join(f"<p>{p}</p>" for p in PARAS),
                              title="الأمم المتحدة: المساعدات لم تعد متاحة في طرابلس"))
    assert article.paragraphs == tuple(PARAS)


# -- pull-quotes ---------------------------------------------------------------------------------------------------


def test_a_pull_quote_repeating_a_sentence_of_the_story_is_read_once():
    pull = '<blockquote class="pullquote"><p>«وقال شهود عيان إن الرتل دخل المدينة من دون مقاومة تذكر بعد مفاوضات مع أعيانها.»</p></blockquote>'
    body = f"<p>{PARAS[0]}</p><p>{PARAS[1]}</p>{pull}<p>{PARAS[2]}</p>"
    assert extracted(story(body)).paragraphs == tuple(PARAS)


def test_a_wordpress_pullquote_block_goes_whole_and_a_quote_the_story_does_not_repeat_stays():
    statement = "نرفض أي تدخل عسكري أجنبي في ليبيا ونطالب بوقف فوري لإطلاق النار"
    root = lxml.html.fromstring(
        f"<div><p>{PARAS[0]}</p><p>{PARAS[1]}</p>"
        '<figure class="wp-block-pullquote"><blockquote><p>تجددت الاشتباكات العنيفة صباح الأحد في محيط مطار طرابلس'
        "</p><cite>الموقع</cite></blockquote></figure>"
        f"<blockquote><p>{statement}</p></blockquote><aside>{statement}</aside><p>{PARAS[2]}</p></div>"
    )
    quotes = [e for e in root.iter() if e.tag in ("blockquote", "aside") or "quote" in (e.get("class") or "")]
    # the figure goes with the inner blockquote (its cite names the site, not the story); the statement, printed
    # twice by the page but never in the story's paragraphs, is a quote of the story
    assert drop_pull_quotes(root, quotes) == 1
    assert root.find(".//figure") is None and len(root.findall(".//blockquote")) == 1


def test_a_quote_that_only_the_pages_json_ld_repeats_stays():
    """A JSON-LD articleBody holds every quote of the story: a script's text is no repeat."""
    statement = "نرفض أي تدخل عسكري أجنبي في ليبيا ونطالب بوقف فوري لإطلاق النار"
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join([*PARAS, statement])}, ensure_ascii=False)
    html = story(f"<p>{PARAS[0]}</p><blockquote><p>{statement}</p></blockquote><p>{PARAS[1]}</p>",
                 head=f'<script type="application/ld+json">{ld}</script>')
    root = lxml.html.document_fromstring(html)
    assert drop_pull_quotes(root, list(root.iter("blockquote"))) == 0
    assert statement in extracted(html).paragraphs


def test_a_long_quote_block_is_never_taken_for_a_pull_quote():
    long = " ".join(PARAS)
    root = lxml.html.fromstring(f"<div><blockquote><p>{long}</p></blockquote><p>{long}</p><p>{long}</p>"
                                f"<p>{long}</p></div>")
    assert drop_pull_quotes(root, list(root.iter("blockquote"))) == 0


# -- notes with back-links -----------------------------------------------------------------------------------------

NOTES = ["بيان المتحدث باسم الأمين العام للأمم المتحدة، نيويورك، 4 أبريل 2019.",
         "جلسة مشاورات مغلقة لمجلس الأمن حول ليبيا، 5 أبريل 2019.",
         "تصريحات وزير الخارجية في حكومة الوفاق للصحفيين في طرابلس."]


def notes_page(back: str) -> str:
    marked = [f'{p}<sup><a href="#fn{n}" id="fnref{n}">[{n}]</a></sup>' for n, p in enumerate(PARAS, start=1)]
    items = "".join(f'<li id="fn{n}">{note} {back.format(n=n)}</li>' for n, note in enumerate(NOTES, start=1))
    return story("".join(f"<p>{p}</p>" for p in marked) + f'<div class="footnotes"><h4>الهوامش</h4><ol>{items}</ol></div>')


@pytest.mark.parametrize("back", ['<a href="#fnref{n}">↩</a>', '<a href="#fnref{n}" class="back">^</a>'])
def test_the_notes_of_a_story_are_kept_whatever_their_back_links(back):
    """trafilatura took a list whose every link is short for a menu: the notes went whole."""
    article = extracted(notes_page(back))
    # the notes are an Arabic <ol>: numbered as the page prints them (since stop 38, extraction/ordered_lists.py)
    assert article.paragraphs[-4:] == ("الهوامش", *(f"{n}. {note}" for n, note in enumerate(NOTES, start=1)))
    assert article.paragraphs[0] == f"{PARAS[0]}[1]"


def test_only_wordless_links_to_an_element_of_the_page_are_dropped():
    root = lxml.html.fromstring(
        '<div><p id="top">نص <a href="#fn1" id="r1">[1]</a></p><ol><li id="fn1">ملاحظة <a href="#r1">↩</a> '
        'بعده</li><li><a href="#">☰</a> <a href="#missing">↑</a> <a href="/page#top">↩</a> <a name="n2"></a>'
        '<a href="#n2">^</a></li></ol></div>'
    )
    anchors = {e.get("id") for e in root.iter() if e.get("id")} | {a.get("name") for a in root.iter("a") if a.get("name")}
    fragments = [a for a in root.iter("a") if (a.get("href") or "#")[0] == "#"]
    assert drop_back_links(fragments, anchors) == 2
    assert [a.get("href") for a in root.iter("a")] == ["#fn1", "#", "#missing", "/page#top", None]
    assert root.find(".//li").text_content() == "ملاحظة  بعده"  # the tail stays


def test_pruning_finds_the_back_links_in_its_own_walk():
    from crawler.extraction.boilerplate import prune_boilerplate

    page = lxml.html.document_fromstring(notes_page('<a href="#fnref{n}">↩</a>'))
    prune_boilerplate(page)
    assert not [a for a in page.iter("a") if a.text == "↩"] and len(page.findall(".//sup/a")) == len(PARAS)


# -- an article redirect the duplicate filter dropped ---------------------------------------------------------------


def spider_with(calls: list):
    from crawler.spiders.outlets import OutletSpider

    spider = OutletSpider()
    spider.__dict__["session"] = SimpleNamespace(
        record_failure=lambda *args: calls.append(("failure", *args)),
        settle=lambda url, status="done", reason=None: calls.append(("settle", url, status, reason)),
    )
    return spider


def redirected(target: str, *, kind: str = "article") -> Request:
    old = f"{BASE}/news/libya/50190"
    return Request(target, meta={"kind": kind, "outlet": "portal", "frontier_url": old, "redirect_urls": [old],
                                 "capture_id": 7})


def test_a_story_sent_to_the_home_page_is_settled_as_a_soft_404():
    """Every retired story redirects to "/", which the crawl fetched already: the duplicate filter drops the
    redirect, and nothing else settled the old URL, so every later crawl fetched it again."""
    calls: list = []
    spider_with(calls).request_dropped(redirected(f"{BASE}/"))
    old = f"{BASE}/news/libya/50190"
    assert calls[0][:5] == ("failure", "portal", old, "fetch", "soft-404") and calls[0][-1] == 7
    assert calls[1] == ("settle", old, "done", "soft-404")


def test_a_dropped_redirect_back_into_its_chain_is_settled_as_a_loop_and_others_are_left():
    calls: list = []
    spider = spider_with(calls)
    spider.request_dropped(redirected(f"{BASE}/news/libya/50190?x=1"))
    assert calls[-1] == ("settle", f"{BASE}/news/libya/50190", "done", "redirect-loop")
    calls.clear()
    spider.request_dropped(redirected(f"{BASE}/", kind="listing"))  # a listing's: not the frontier's business
    spider.request_dropped(Request(f"{BASE}/news/1", meta={"kind": "article", "frontier_url": f"{BASE}/news/1"}))
    assert calls == []
