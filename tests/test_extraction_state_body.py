"""A client-rendered story page's body from its app state (crawler/extraction/state_body.py, unseen styles round
13): a Next.js shell whose story is only in ``__NEXT_DATA__``, read as a JSON-LD articleBody is, and never a related
story's object, a teaser list, or a state whose story the HTML already holds."""

from __future__ import annotations

import json

import pytest

from crawler.extraction.article import extract_article
from crawler.extraction.jsonld_body import split_article_body
from crawler.extraction.state_body import state_bodies

URL = "https://news.example.ly/article/90412/clashes"
TITLE = "اشتباكات بين مجموعتين مسلحتين في الزاوية تغلق الطريق الساحلي"
STORY = [
    "اندلعت اشتباكات عنيفة مساء الأحد بين مجموعتين مسلحتين في مدينة الزاوية غرب طرابلس، استخدمت فيها الأسلحة "
    "المتوسطة والثقيلة، ما أدى إلى إغلاق الطريق الساحلي.",
    "وقال شهود عيان إن القذائف سقطت على منازل قرب مصفاة الزاوية، وإن عشرات العائلات اضطرت إلى مغادرة بيوتها.",
    "ودعا المجلس الرئاسي الأطراف المتقاتلة إلى وقف إطلاق النار فورا، وكلف رئاسة الأركان بنشر قوة فصل بين "
    "المجموعتين.",
]
RELATED = [
    ("لجنة 5+5 تبحث في تونس آلية إخراج المرتزقة والقوات الأجنبية",
     "اللجنة العسكرية المشتركة تستأنف اجتماعاتها برعاية أممية وسط ضغوط دولية لتنفيذ بنود اتفاق وقف إطلاق النار "
     "بين الأطراف الليبية في جنيف."),
    ("مصرف ليبيا المركزي يعلن خطة لخفض رسوم النقد الأجنبي",
     "أعلن مصرف ليبيا المركزي خطة على ثلاث مراحل لخفض الرسوم المفروضة على مبيعات النقد الأجنبي بهدف تقليص "
     "الفارق بين السعر الرسمي وسعر السوق."),
    ("افتتاح معرض طرابلس الدولي للكتاب بمشاركة 120 دار نشر",
     "دور نشر من عشرين دولة تشارك في الدورة الجديدة من المعرض بعد توقف دام سنوات طويلة بسبب الأوضاع الأمنية في "
     "العاصمة."),
]
CONTENT_HTML = (f"<p>{STORY[0]}</p><figure class=\"image\"><img src=\"/a.jpg\"><figcaption>آثار الاشتباكات على واجهة "
                f"مبنى في الزاوية</figcaption></figure><p>{STORY[1]}</p><p>{STORY[2]}</p>")


def shell(state: dict, *, script: str | None = None, body_html: str = "", title: str = TITLE) -> str:
    """A Next.js story page whose body component renders in the browser only: headline, related cards, the state."""
    cards = "".join(f'<article class="card"><a href="/article/{n}/x"><h3>{t}</h3></a><p>{e}</p></article>'
                    for n, (t, e) in enumerate(RELATED))
    data = json.dumps(state, ensure_ascii=False)
    blob = script.format(data=data) if script else f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | ليبيا 360</title>'
            f'<meta property="og:title" content="{title}"><meta property="og:type" content="article"></head><body>'
            f'<div id="__next"><header><nav><a href="/">الرئيسية</a></nav></header><main><article><h1>{title}</h1>'
            f'<div class="article-body">{body_html}</div></article><section class="related"><h2>أخبار ذات صلة</h2>'
            f"{cards}</section></main><footer>© 2023 ليبيا 360</footer></div>{blob}</body></html>")


def next_state(article: dict) -> dict:
    related = [{"title": t, "excerpt": e, "content": e} for t, e in RELATED]
    return {"props": {"pageProps": {"article": article, "related": related}}, "page": "/article/[id]"}


def test_a_shells_story_is_read_from_its_next_data():
    """Without state_body the body is the related stories' cards (and a distractor among them judged by them)."""
    page = shell(next_state({"id": 90412, "title": TITLE, "excerpt": "ملخص", "content": CONTENT_HTML}))
    got = extract_article(page, URL)
    assert got.paragraphs == tuple(STORY)


def test_a_caption_in_an_html_articlebody_is_no_paragraph():
    assert split_article_body(CONTENT_HTML) == tuple(STORY)


@pytest.mark.parametrize("script", [
    '<script>window.__INITIAL_STATE__ = {data};</script>',
    '<script type="application/json" id="app-state">{data}</script>',
])
def test_other_state_scripts_are_read(script):
    page = shell(next_state({"headline": TITLE, "body": CONTENT_HTML}), script=script)
    assert extract_article(page, URL).paragraphs == tuple(STORY)


def test_wordpress_rest_and_block_shapes_are_read():
    rest = {"title": {"rendered": TITLE}, "name": TITLE, "content": {"rendered": CONTENT_HTML, "protected": False}}
    blocks = {"title": TITLE, "blocks": [
        {"id": "a", "type": "paragraph", "data": {"text": STORY[0]}},
        {"id": "b", "type": "image", "data": {"caption": "آثار الاشتباكات على واجهة مبنى في الزاوية", "text": "x"}},
        {"id": "c", "type": "paragraph", "data": {"text": STORY[1]}},
        {"_type": "block", "children": [{"_type": "span", "text": STORY[2][:40]},
                                        {"_type": "span", "text": STORY[2][40:]}]},
    ]}
    for article in (rest, blocks):
        assert extract_article(shell(next_state(article)), URL).paragraphs == tuple(STORY), article


def test_a_related_storys_object_and_another_title_are_not_read():
    """The state holds only related stories (each titled with its own headline): nothing of them replaces the page."""
    state = next_state({"id": 1, "title": "عنوان قصة أخرى تماما عن موضوع مختلف", "content": CONTENT_HTML})
    assert list(state_bodies(extract_root(shell(state)))) == []


def test_a_page_whose_html_holds_the_story_keeps_its_reading():
    """An SSR page: the HTML holds the story (with a sentence the state's older revision lacks): its reading stands."""
    extra = "وأعلنت وزارة الصحة حالة الطوارئ في مستشفيات المدينة واستدعاء الأطقم الطبية كافة إلى أماكن عملها فورا."
    html_body = "".join(f"<p>{p}</p>" for p in [*STORY, extra])
    page = shell(next_state({"title": TITLE, "content": CONTENT_HTML}), body_html=html_body)
    assert extract_article(page, URL).paragraphs == (*STORY, extra)


def test_a_short_state_text_is_no_story():
    """An excerpt-long content field (a teaser) is never read as the story."""
    page = shell(next_state({"title": TITLE, "content": f"<p>{STORY[1]}</p>"}))
    assert list(state_bodies(extract_root(page))) == []


def extract_root(page: str):
    import lxml.html

    return lxml.html.document_fromstring(page)


def test_a_state_of_many_copies_of_the_story_costs_a_few():
    """A crafted state repeating the page's article object 5,000 times: at most MAX_BODIES of them are weighed."""
    import time

    from crawler.extraction.state_body import MAX_BODIES

    article = {"title": TITLE, "content": CONTENT_HTML}
    page = shell({"props": {"items": [article] * 5_000}})
    assert len(list(state_bodies(extract_root(page)))) == MAX_BODIES
    started = time.process_time()
    assert extract_article(page, URL).paragraphs == tuple(STORY)
    assert time.process_time() - started < 5
