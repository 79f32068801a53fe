"""Unit tests for the rule the unseen styles of tests/altsites8 needed: the story read from the page's own JSON-LD
``articleBody`` where the HTML is a client-rendered shell or stops at a paywall, never from a teaser or a summary
(crawler/extraction/jsonld_body.py)."""

from __future__ import annotations

import json
import time

import lxml.html
import pytest

from crawler.extraction.article import extract_article
from crawler.extraction.jsonld_body import split_article_body, with_article_body

URL = "https://paper.example/akhbar/4817/"
TITLE = "مؤتمر برلين يلزم الدول المتدخلة في ليبيا باحترام حظر السلاح"
STORY = [
    "تعهدت الدول المشاركة في مؤتمر برلين حول ليبيا، في بيانها الختامي، باحترام قرار مجلس الأمن الخاص بحظر توريد "
    "الأسلحة إلى ليبيا، والامتناع عن أي تدخل في النزاع المسلح أو في شؤونها الداخلية.",
    "ونص البيان على تشكيل لجنة عسكرية مشتركة من خمسة ضباط عن كل طرف، تتولى وضع آليات مراقبة الهدنة وسحب الأسلحة "
    "الثقيلة من محيط العاصمة طرابلس.",
    "وقالت المستشارة الألمانية في مؤتمر صحفي إن جميع المشاركين اتفقوا على أنه لا حل عسكريا للأزمة، مضيفة أن "
    "الطرفين حضرا إلى برلين لكنهما لم يلتقيا.",
    "وأكد الأمين العام للأمم المتحدة أن المنظمة ستتابع تنفيذ مخرجات المؤتمر عبر لجنة متابعة دولية تجتمع شهريا، "
    "محذرا من أن أي خرق لحظر السلاح سيعرض مرتكبيه لعقوبات.",
    "في المقابل، شكك محللون ليبيون في قدرة المجتمع الدولي على فرض الالتزام بالتعهدات، مشيرين إلى أن شحنات السلاح "
    "استمرت في الوصول إلى الطرفين خلال الهدنة.",
    "وكانت موسكو قد استضافت قبل أيام جولة محادثات غير مباشرة بين الطرفين، انتهت دون التوقيع على اتفاق وقف إطلاق "
    "النار.",
]
PROMPT = (
    "هذا المقال متاح للمشتركين فقط. اشترك الآن لتحصل على وصول غير محدود إلى كل مقالاتنا وتحقيقاتنا الحصرية "
    "مقابل خمسة دنانير شهريا."
)


def _ld(body: str, **more) -> str:
    item = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "datePublished": "2020-01-19T10:05:00+02:00",
        "articleBody": body,
        **more,
    }
    return f'<script type="application/ld+json">{json.dumps(item, ensure_ascii=False)}</script>'


def _paywalled(body: str, shown: int = 2) -> str:
    """A metered page: two paragraphs, the subscribe box, Google's paywall markup with ``body`` as articleBody."""
    paras = "".join(f"<p>{p}</p>" for p in STORY[:shown])
    ld = _ld(
        body,
        isAccessibleForFree=False,
        hasPart={"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"},
    )
    return (
        f"<html><head><title>{TITLE} - الصحيفة</title>{ld}</head><body><article><h1>{TITLE}</h1>"
        f'<div class="entry-content">{paras}<div class="paywall"><div class="offer-box">'
        f"<h3>اشترك لمتابعة القراءة</h3><p>{PROMPT}</p><a href='/subscribe/'>اشترك الآن</a></div></div></div>"
        "</article></body></html>"
    )


def _shell(body: str, footer: str = "", lead: str = STORY[0]) -> str:
    """A client-rendered shell: header, a noscript ``lead``, an empty root, ``footer``, the JSON-LD."""
    return (
        f'<html><head><title>{TITLE} | البوابة</title><meta property="og:type" content="article">{_ld(body)}</head>'
        f'<body><header><a href="/">البوابة</a></header><noscript><h1>{TITLE}</h1><p>{lead}</p></noscript>'
        f'<div id="root"></div><div class="about">{footer}</div>'
        '<script type="application/json">{"menu": ["ليبيا", "العالم"]}</script></body></html>'
    )


def _body(html: str, url: str = URL) -> list[str]:
    result = extract_article(html, url)
    assert hasattr(result, "paragraphs"), result
    return list(result.paragraphs)


@pytest.mark.parametrize("sep", ["\n\n", "\n", "\r\n", "\n\n\n"])
def test_a_paywalled_page_reads_the_whole_story_from_its_article_body(sep):
    """Two paragraphs and a subscribe box in the HTML, the whole story in articleBody: the story, no prompt."""
    assert _body(_paywalled(sep.join(STORY))) == STORY


@pytest.mark.parametrize("sep", ["\n\n", "\n", ""])
def test_a_shell_reads_the_whole_story_from_its_article_body(sep):
    """Only the noscript lead in the HTML: the story, split as its articleBody gives it."""
    assert _body(_shell(sep.join(STORY))) == STORY


def test_a_shell_whose_html_reading_is_chrome_reads_the_article_body():
    """A shell whose header or footer text makes the HTML reading (none of it in the articleBody, whose opening the
    noscript prints): the articleBody, the chrome left."""
    about = (
        "البوابة منصة إخبارية رقمية مستقلة تأسست عام 2016، تغطي على مدار الساعة شؤون ليبيا ودول الساحل والصحراء "
        "بشبكة من المراسلين في طرابلس وبنغازي وسبها، وتلتزم بميثاق الشرف الصحفي وبالتحقق من كل خبر قبل نشره، "
        "وتنشر تقاريرها باللغتين العربية والإنجليزية."
    )
    root = lxml.html.fromstring(_shell("\n".join(STORY), footer=f"<p>{about}</p>"))
    assert list(with_article_body(root, (about,))) == STORY
    # the same reading, but no page text holds the articleBody's opening: another story's, left alone
    other = lxml.html.fromstring(_shell("\n".join(STORY), lead="يرجى تفعيل جافا سكريبت لقراءة الخبر"))
    assert with_article_body(other, (about,)) == (about,)


def test_a_teaser_article_body_never_replaces_the_whole_page():
    """An articleBody cut short with an ellipsis, or a summary shorter than the HTML's story, leaves it alone."""
    html = _paywalled(STORY[0][:160] + "...", shown=len(STORY)).replace("اشترك", "")
    assert _body(html)[: len(STORY)] == STORY
    summary = (
        "وزراء خارجية الدول المشاركة يتعهدون في برلين باحترام حظر السلاح ودعم وقف دائم لإطلاق النار في ليبيا"
    )
    root = lxml.html.fromstring(_paywalled(summary + ".", shown=len(STORY)))
    assert with_article_body(root, tuple(STORY)) == tuple(STORY)


def test_an_article_body_repeating_the_html_story_leaves_it_alone():
    """An articleBody that holds the story twice (a CMS's bug) is longer, but the HTML already holds its sentences."""
    root = lxml.html.fromstring(_paywalled(" ".join(STORY) + " " + " ".join(STORY), shown=len(STORY)))
    assert with_article_body(root, tuple(STORY)) == tuple(STORY)


def test_a_body_that_is_the_article_body_without_its_breaks_takes_its_breaks():
    """trafilatura's baseline reads articleBody as one paragraph: the same words, now one paragraph a line."""
    root = lxml.html.fromstring(_shell("\n\n".join(STORY)))
    assert with_article_body(root, (" ".join(STORY),)) == tuple(STORY)


def test_split_article_body_cuts_at_glued_sentence_ends_only():
    """A full stop (after a closing quote too) run into a letter is a paragraph break; an initial, a domain name, a
    decimal and a stop followed by a space are not."""
    text = "قال المتحدث: «أعدنا فتح الأجواء».وأعلن المجلس أن الرحلات ستستأنف.ونقلت U.S. Army عن موقع alwasat.ly خبرا 3.5 مليون"
    assert split_article_body(text) == (
        "قال المتحدث: «أعدنا فتح الأجواء».",
        "وأعلن المجلس أن الرحلات ستستأنف.",
        "ونقلت U.S. Army عن موقع alwasat.ly خبرا 3.5 مليون",
    )
    assert split_article_body("First.Second one here?Third") == ("First.", "Second one here?", "Third")
    assert split_article_body("line one.\nline two.Not split") == ("line one.", "line two.Not split")


def test_split_article_body_reads_html_and_entities():
    """An articleBody written as HTML is split at its block tags; entities, escaped twice too, are decoded."""
    assert split_article_body("<p>One &quot;two&quot;</p><p>Three<br>Four</p>") == (
        'One "two"',
        "Three",
        "Four",
    )
    assert split_article_body("il&amp;ccedil;esinde yang&amp;#305;n\n\nSivas&amp;rsquo;ın") == (
        "ilçesinde yangın",
        "Sivas’ın",
    )


def test_a_page_with_the_whole_story_keeps_its_reading():
    """A free page whose HTML holds the whole story keeps it (its paragraphs as the HTML has them)."""
    html = _paywalled("\n".join(STORY), shown=len(STORY)).replace('<div class="paywall">', '<div class="x">')
    html = html.replace(PROMPT, "").replace("اشترك لمتابعة القراءة", "").replace("اشترك الآن", "")
    root = lxml.html.fromstring(html)
    assert with_article_body(root, tuple(STORY)) == tuple(STORY)


def test_split_article_body_reads_escaped_html_and_markdown():
    """An articleBody of escaped HTML, or in Markdown: its text alone (no tag names, link targets or marks)."""
    assert split_article_body(
        "&lt;p class=&quot;texto&quot;&gt;Uma solu&amp;ccedil;&amp;atilde;o&lt;/p&gt;"
    ) == ("Uma solução",)
    markdown = (
        '**Diese Hotels sind richtig.**\n\nAD hat [Unterkünfte](https://example.com/a-(b)){: target="_blank"} '
        "gesammelt.\n\n## Die schönsten\n\n![Pool](/photos/1.jpg)\n{: .dropcap}Ein Pool."
    )
    assert split_article_body(markdown) == (
        "Diese Hotels sind richtig.",
        "AD hat Unterkünfte gesammelt.",
        "Die schönsten",
        "Ein Pool.",
    )


def test_a_page_holding_sentences_far_into_the_article_body_keeps_its_reading():
    """An articleBody that adds text all along the story (its gallery's captions) while the HTML holds the story's
    paragraphs to its last one: the HTML's reading stands, shorter as it is."""
    captions = [
        f"صورة رقم {n} من المؤتمر الصحفي للمستشارة الألمانية والأمين العام في برلين اليوم." for n in range(6)
    ]
    with_captions = [x for pair in zip(STORY, captions, strict=True) for x in pair] + captions
    root = lxml.html.fromstring(_paywalled("\n".join(with_captions), shown=len(STORY)))
    assert with_article_body(root, tuple(STORY)) == tuple(STORY)


def test_a_crafted_article_body_costs_linear_time():
    """The review's 43 KB page: 30 words and 40,000 dots in articleBody took 8.9 s (a quadratic ellipsis search);
    runs of unclosed tags, Markdown brackets and attribute lists are bounded too."""
    story = (
        "<p>"
        + "The council met in Tripoli on Sunday to discuss the security situation in the city. " * 30
        + "</p>"
    )
    bodies = [
        " ".join(f"word{i}" for i in range(30)) + " " + "." * 40_000 + "x",
        "word " * 30 + "<p " * 15_000,
        "word " * 30 + "[a](" * 10_000,
        "word " * 30 + "{:" * 20_000,
        "word " * 30 + "<script>" * 5_000,
    ]
    extract_article(_paywalled("\n".join(STORY)), URL)  # the first reading imports trafilatura's modules

    def seconds(body: str) -> float:
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": "Council meets",
                "articleBody": body,
            }
        )
        html = (
            f"<html><head><title>Council meets</title><script type='application/ld+json'>{ld}</script></head>"
            f"<body><article><h1>Council meets</h1>{story}</article></body></html>"
        )
        started = time.process_time()  # CPU time: other processes' bursts do not stretch it
        extract_article(html, "https://example.com/news/council")
        return time.process_time() - started

    for body in bodies:
        # against an ordinary body of the same length read in the same moment, so a loaded machine slows both (the
        # quadratic search took 8.9 s where the ordinary body takes a few hundredths); in wall time a burst of load
        # from parallel test workers once hit the crafted body alone (2.5 s against 0.16 s)
        ordinary = seconds(("word " * (len(body) // 5 + 1))[: len(body)])
        assert seconds(body) < max(1.0, 10 * ordinary), body[-20:]


OWN = [
    "Clashes broke out in the southern districts of Tripoli on Saturday night, residents said, as armed groups "
    "exchanged fire near the airport road.",
    "The ministry said in a statement that talks between the two sides would resume next week in Geneva.",
    "Hospitals in the capital reported four wounded, and schools in the area were closed on Sunday while the army "
    "deployed in the streets.",
]
OIL = "\n".join(
    [OWN[1]]
    + [
        f"Paragraph {i} of the other story about the oil exports from the eastern ports, which rose sharply in the "
        "month of May according to the national company figures."
        for i in range(8)
    ]
)


def _page(items: list[dict], paragraphs: list[str], title: str = "Clashes in Tripoli", head: str = "") -> str:
    lds = "".join(f"<script type='application/ld+json'>{json.dumps(x)}</script>" for x in items)
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{head}{lds}</head><body><article><h1>{title}</h1>{paras}</article>"
        "<footer>Site</footer></body></html>"
    )


@pytest.mark.parametrize("with_own", [True, False])
def test_a_related_storys_article_body_is_never_read(with_own):
    """The page's own NewsArticle has no articleBody; a related one ("Oil exports rise", another URL) has one that
    shares a wire sentence with the page: the page keeps its own three paragraphs (before: its lead, then the oil
    story). Without the own object the related one is the only article object, but it names another page."""
    own = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Clashes in Tripoli"}
    other = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Oil exports rise",
        "url": "https://example.com/news/oil",
        "articleBody": OIL,
    }
    html = _page([own, other] if with_own else [other], OWN)
    assert _body(html, "https://example.com/news/clashes") == OWN


def test_an_article_body_in_another_script_than_the_html_story_is_not_read():
    """An Arabic page whose English articleBody is also its og:description keeps its Arabic story."""
    arabic = [
        "اندلعت اشتباكات في الأحياء الجنوبية من طرابلس ليل السبت، بحسب سكان، مع تبادل مجموعات مسلحة إطلاق النار "
        f"قرب طريق المطار وسط حالة من الذعر بين السكان المدنيين رقم {n}."
        for n in range(3)
    ]
    english = " ".join([OWN[0]] * 20)
    item = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "اشتباكات في طرابلس",
        "articleBody": english,
    }
    head = f"<meta property='og:description' content='{english[:300]}'>"
    assert _body(_page([item], arabic, title="اشتباكات في طرابلس", head=head)) == arabic


def test_split_article_body_drops_script_and_style_content():
    text = (
        "<p>A.</p><script>var ads = {slot: 1};</script><style>.x{color:red}</style><noscript>Enable JS</noscript>"
        "<template><p>T</p></template><p>B.</p><script>unclosed"
    )
    assert split_article_body(text) == ("A.", "B.")
