"""A gallery post of <figure><img><figcaption> items: its body is its captions, one a line, without headline, byline,
credits or counters (README, Extraction); and a reading that trafilatura's baseline fallback ran together into one
line (an <article>'s whole text) keeps its blocks apart. Real pages through extract_article, the extraction entry
point: trafilatura deletes every <figure> before reading, and its balanced mode then read the page's <article> as one
line (headline, byline, captions and "1 / 5" counters), so each test here failed before
crawler/extraction/gallery.py and crawler.extraction.reading._with_block_lines."""

from __future__ import annotations

import pytest

from crawler.extraction.article import extract_article

URL = "http://127.36.8.1/gallery/tripoli"
TITLE = "بالصور: آثار الاشتباكات في طرابلس ونزوح العائلات من الأحياء الجنوبية"
AUTHOR = "سالم بن عمر"
CAPTIONS = [
    "آليات عسكرية تابعة لقوات حكومة الوحدة الوطنية تنتشر على الطريق الساحلي غرب طرابلس صباح اليوم",
    "عائلات نازحة من ترهونة تصل إلى مركز إيواء مؤقت أقامه الهلال الأحمر الليبي في بني وليد",
    "آثار القصف على واجهة مبنى سكني في حي أبو سليم بعد ليلة من الاشتباكات العنيفة بين الكتائب",
    "عناصر من جهاز الردع يقيمون نقطة تفتيش عند مدخل مطار معيتيقة الدولي المغلق منذ يومين",
    "مواطنون يصطفون أمام محطة وقود في مصراتة وسط نقص حاد في الإمدادات بسبب إغلاق الطرق",
]
INTRO = ("شهدت العاصمة الليبية طرابلس ليلة عنيفة من الاشتباكات المسلحة بين كتائب متنافسة، خلفت أضرارا واسعة في "
         "الأحياء الجنوبية ودفعت مئات العائلات إلى النزوح نحو المدن المجاورة، وفق ما أفاد به شهود عيان.")
PARAS = [
    "أعلن المبعوث الأممي إلى ليبيا استقالته من منصبه بعد أقل من عامين على تعيينه، مرجعا قراره إلى غياب الإرادة "
    "السياسية لدى القادة الليبيين وتمسكهم بمصالحهم الضيقة على حساب إجراء الانتخابات.",
    "وقال في مؤتمر صحفي عقب إحاطته أمام مجلس الأمن الدولي إن الأطراف الرئيسية رفضت المشاركة في الحوار الذي دعت "
    "إليه البعثة، وإن المؤسسات المنقسمة في طرابلس وبنغازي تعمل على تأجيل الانتخابات.",
    "وعبرت دول غربية عن أسفها لاستقالته، ودعت الأطراف الليبية إلى الانخراط بجدية في العملية السياسية، فيما رحب "
    "مسؤولون في شرق البلاد بالخطوة واعتبروا أن البعثة فشلت في مهمتها.",
]


def page(inner: str, *, after: str = "", title: str = TITLE) -> str:
    """A story page: headline and byline (author, date) above ``inner``, all in one <article>; ``after`` below it."""
    return f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2024-05-12T12:00:00+02:00"></head><body>
<header class="site"><a href="/">الموقع</a></header><article><h1>{title}</h1>
<div class="byline"><span class="author-name">{AUTHOR}</span> - <time datetime="2024-05-12T12:00:00+02:00">2024-05-12</time></div>
{inner}</article>{after}</body></html>"""


def body(html: str) -> tuple[str, ...]:
    result = extract_article(html, URL)
    assert hasattr(result, "paragraphs"), result
    return result.paragraphs


def figures(item) -> str:
    return "".join(item(n, caption) for n, caption in enumerate(CAPTIONS))


# The galleries of several CMSs, as their templates print them (credits and counters where they print them)
GALLERIES = {
    # the black-box probe: a counter beside each caption in the figure
    "probe": '<div class="post-body">' + figures(lambda n, c: f'<figure><img src="/img/{n}.jpg" alt=""><figcaption>{c}'
                                                 f'</figcaption><span class="counter">{n + 1} / 5</span></figure>')
             + "</div>",
    "bare figures": figures(lambda n, c: f'<figure><img src="/img/{n}.jpg"><figcaption>{c}</figcaption></figure>'),
    # WordPress's gallery block before 5.9: a list of figures, "link to media file"
    "wordpress blocks-gallery-grid": '<figure class="wp-block-gallery columns-3 is-cropped"><ul class="blocks-gallery-grid">'
    + figures(lambda n, c: f'<li class="blocks-gallery-item"><figure><a href="/wp-content/uploads/{n}.jpg">'
              f'<img src="/wp-content/uploads/{n}-300x200.jpg"></a><figcaption class="blocks-gallery-item__caption">'
              f'{c}</figcaption></figure></li>') + "</ul></figure>",
    # WordPress since 5.9: image blocks nested in the gallery block
    "wordpress wp-block-image": '<div class="entry-content"><figure class="wp-block-gallery has-nested-images '
    'columns-default is-cropped">' + figures(lambda n, c: f'<figure class="wp-block-image size-large">'
                                                          f'<img src="/u/{n}.jpg"><figcaption class="wp-element-caption">'
                                                          f'{c}</figcaption></figure>') + "</figure></div>",
    # Drupal's media field, its figures marked as captions themselves, a credit in a span of its own
    "drupal": '<div class="field field--name-field-gallery field__items">' + figures(
        lambda n, c: f'<div class="field__item"><figure role="group" class="caption caption-img"><img src="/f/{n}.jpg">'
                     f'<figcaption>{c} <span>تصوير: محمد علي</span></figcaption></figure></div>') + "</div>",
    # Arc XP's gallery: caption and credit spans, a counter in the caption
    "arc": figures(lambda n, c: f'<figure class="c-media-item"><div class="image-wrapper"><img src="/r/{n}.jpg"></div>'
                                f'<figcaption class="c-media-item__fig-caption"><span class="c-media-item__caption">{c}'
                                f'</span> <em>{n + 1} / 5</em> <span class="c-media-item__credit">تصوير: رويترز</span>'
                                f'</figcaption></figure>'),
    # a credit on a line of its own inside the caption
    "credit after a break": figures(lambda n, c: f'<figure><img src="/img/{n}.jpg"><figcaption>{c}<br>'
                                                 f'تصوير: أحمد سالم</figcaption></figure>'),
}


@pytest.mark.parametrize("gallery", GALLERIES.values(), ids=GALLERIES.keys())
def test_a_gallery_post_is_its_captions_one_a_line(gallery):
    assert body(page(gallery)) == tuple(CAPTIONS)


def test_a_gallery_with_an_intro_paragraph_keeps_it_before_the_captions():
    items = figures(lambda n, c: f'<figure><img src="/img/{n}.jpg"><figcaption>{c}</figcaption>'
                                 f'<span class="counter">{n + 1} / 5</span></figure>')
    assert body(page(f"<p>{INTRO}</p>{items}")) == (INTRO, *CAPTIONS)


def test_a_gallery_of_short_captions_read_by_the_fallback_keeps_one_a_line():
    """Three short captions: too little text for trafilatura's own reading, so its baseline reads the <article>."""
    short = [caption[:40] for caption in CAPTIONS[:3]]
    items = "".join(f'<figure><img src="/img/{n}.jpg"><figcaption>{c}</figcaption><span>{n + 1} / 3</span></figure>'
                    for n, c in enumerate(short))
    assert body(page(items)) == tuple(short)


def test_a_short_story_read_by_the_fallback_keeps_its_paragraphs_apart():
    """Two short paragraphs in an <article>: trafilatura's baseline read headline, byline and both as one line."""
    first, second = PARAS[0][:90].strip(), PARAS[1][:80].strip()
    assert body(page(f"<p>{first}</p><p>{second}</p>")) == (first, second)


def test_a_short_story_with_two_figures_keeps_its_paragraphs_and_no_caption():
    """A story's own pictures: their captions are not its body, nor glued to its paragraphs."""
    first, second = PARAS[0][:90].strip(), PARAS[1][:80].strip()
    caption = "صورة أرشيفية لمقر البعثة الأممية في طرابلس"
    figure = f'<figure class="wp-block-image"><img src="/a.jpg"><figcaption>{caption} (رويترز)</figcaption></figure>'
    paragraphs = body(page(f"{figure}<p>{first}</p>{figure.replace('/a.jpg', '/b.jpg')}<p>{second}</p>"))
    assert paragraphs == (first, second)


def test_a_story_with_teaser_cards_does_not_take_in_their_figcaptions():
    """Teaser cards (a link round a figure whose figcaption is another story's headline and summary) that outweigh a
    short story are no gallery (Zyte's phys.org page); the story is read as one paragraph a line."""
    first, second = PARAS[0][:90].strip(), PARAS[1][:80].strip()
    cards = "".join(f'<a href="/news/{n}"><figure><img src="/t/{n}.jpg"><figcaption>{c}</figcaption></figure></a>'
                    for n, c in enumerate(CAPTIONS))
    assert body(page(f"<p>{first}</p><p>{second}</p>", after=f'<div class="more">{cards}</div>')) == (first, second)
