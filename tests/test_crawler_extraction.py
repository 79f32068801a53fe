"""Tests of crawler.extraction.article: real Arabic pages, legacy encodings, boilerplate boxes and failures as data."""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import pytest

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.extraction.article import detect_language, extract_article
from crawler.extraction.titles import strip_site_name

# ../shared beside the project (CI clones the project next to it)
SHARED = Path(__file__).resolve().parents[2] / "shared"

ARABIC = SHARED / "corpora" / "arabic-news-pages"
needs_corpus = pytest.mark.skipif(not ARABIC.exists(), reason=f"Arabic test corpus absent at {ARABIC}")

BODY = (
    "أعلنت حكومة الوحدة الوطنية في طرابلس اليوم عن اتفاق لوقف إطلاق النار في جنوب العاصمة بعد اشتباكات عنيفة "
    "استمرت ثلاثة أيام بين مجموعات مسلحة متنافسة."
)
BODY2 = "وقال المتحدث باسم الحكومة إن لجنة عسكرية مشتركة ستراقب تنفيذ الاتفاق على الأرض خلال الأسابيع المقبلة."
BODY3 = "وأكدت البعثة الأممية في ليبيا ترحيبها بالاتفاق ودعت جميع الأطراف إلى الالتزام به وحماية المدنيين."


def _load(name: str) -> bytes:
    """Bytes of a page in the Arabic corpus."""
    path = ARABIC / name
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _page(body: str, title: str = "وقف إطلاق النار في طرابلس | بوابة الوسط", head: str = "") -> str:
    """A small article page around ``body``."""
    return (
        f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="بوابة الوسط">{head}</head><body>'
        '<nav><a href="/">الرئيسية</a> <a href="/libya">ليبيا</a></nav>'
        f"<article><h1>وقف إطلاق النار في طرابلس</h1>{body}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


@needs_corpus
def test_lbcgroup_matches_fundus_ground_truth() -> None:
    expected = json.loads(_load("expected/fundus_LBCGroup.json"))["V1"]
    url = next(i["url"] for i in json.loads(_load("index.json")) if i["outlet"] == "lbcgroup.tv")
    result = extract_article(_load("html/fundus_lbcgroup.tv_2026_01_08.html.gz"), url)
    assert isinstance(result, ExtractedArticle)
    # The page's h1 quotes its first phrase; fundus drops the quote marks.
    assert result.title.replace('"', "") == expected["title"]
    paragraphs = [p for s in expected["body"]["sections"] for p in s["paragraphs"]]
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in result.paragraphs
    assert result.language == "ar"
    assert result.published and result.published.startswith("2026-01-08")
    assert result.canonical_link and result.canonical_link.startswith("https://www.lbcgroup.tv/news/")


@needs_corpus
def test_cnn_arabic_body_and_title() -> None:
    expected = _load("expected/newspaper4k_arabic_article.txt").decode("utf-8")
    url = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    result = extract_article(_load("html/newspaper4k_arabic.cnn.com_2013_syria.html.gz"), url)
    assert isinstance(result, ExtractedArticle)
    assert result.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    text = " ".join(result.text.split())
    for line in expected.splitlines():
        if len(line.strip()) > 40:
            assert " ".join(line.split()) in text
    assert "CNN" not in result.title
    assert result.language == "ar"


@needs_corpus
@pytest.mark.parametrize(
    ("file", "language"),
    [
        ("html/htmldate_youm7.com_1691196862.html.gz", "ar"),
        ("html/htmldate_alyaum.com_1784190729.html.gz", "ar"),
        ("html/trafilatura_assabah.com.tn_article.html.gz", "ar"),
        ("html/htmldate_khabaronline.ir_1523806243.html.gz", "fa"),
    ],
)
def test_real_pages_yield_articles_without_site_name(file: str, language: str) -> None:
    item = next(i for i in json.loads(_load("index.json")) if i["file"] == file)
    result = extract_article(_load(file), item["url"])
    assert isinstance(result, ExtractedArticle), result
    assert result.language == language
    assert len(result.text) > 300
    assert all(p == " ".join(p.split()) and p for p in result.paragraphs)
    assert "|" not in result.title
    expected_title = item["ground_truth"].get("title") if isinstance(item["ground_truth"], dict) else None
    if expected_title:
        assert result.title == " ".join(expected_title.split())


def test_windows_1256_declared_only_in_meta() -> None:
    html = _page(f"<p>{BODY}</p><p>{BODY2}</p>").replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    )
    data = html.encode("windows-1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = extract_article(data, "https://alwasat.ly/news/libya/1")
    assert isinstance(result, ExtractedArticle)
    assert result.paragraphs == (BODY, BODY2)
    assert result.title == "وقف إطلاق النار في طرابلس"



def test_read_also_box_captions_and_share_bar_are_not_body() -> None:
    body = (
        f"<p>{BODY}</p>"
        '<div class="share-bar"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <span>شارك الخبر</span></div>'
        '<figure><img src="a.jpg"><figcaption>صورة أرشيفية لاشتباكات سابقة (رويترز)</figcaption></figure>'
        f"<p>{BODY2}</p>"
        '<p><strong>اقرأ أيضا:</strong> <a href="/news/2">الدبيبة يلتقي المبعوث الأممي في طرابلس</a></p>'
        '<div class="related"><h3>ذات صلة</h3><ul><li><a href="/x">خبر قديم عن الانتخابات</a></li></ul></div>'
        f"<p>{BODY3}</p>"
        '<div class="tags"><a href="/tag/1">طرابلس</a><a href="/tag/2">ليبيا</a></div>'
        '<div class="newsletter">اشترك في النشرة البريدية</div>'
    )
    result = extract_article(_page(body), "https://alwasat.ly/news/libya/2")
    assert isinstance(result, ExtractedArticle)
    assert result.paragraphs == (BODY, BODY2, BODY3)
    for junk in ("اقرأ أيضا", "الدبيبة يلتقي", "رويترز", "فيسبوك", "ذات صلة", "النشرة البريدية", "جميع الحقوق"):
        assert junk not in result.text


@pytest.mark.parametrize("marker", ["إقرأ أيضاً", "طالع أيضا", "شاهد أيضا", "Read also", "Read more"])
def test_read_also_variants(marker: str) -> None:
    body = f'<p>{BODY}</p><p>{marker}: <a href="/n/9">عنوان خبر آخر لا علاقة له</a></p><p>{BODY2}</p>'
    result = extract_article(_page(body), "https://example.ly/n/1")
    assert isinstance(result, ExtractedArticle)
    assert result.paragraphs == (BODY, BODY2)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("وقف إطلاق النار في طرابلس | الوسط", "وقف إطلاق النار في طرابلس"),
        ("الوسط - وقف إطلاق النار في طرابلس", "وقف إطلاق النار في طرابلس"),
        ("وقف إطلاق النار في طرابلس - بوابة الوسط", "وقف إطلاق النار في طرابلس"),
        ("بوابة الوسط » وقف إطلاق النار في طرابلس", "وقف إطلاق النار في طرابلس"),
        ("ليبيا - وقف إطلاق النار في طرابلس", "ليبيا - وقف إطلاق النار في طرابلس"),
    ],
)
def test_strip_site_name(title: str, expected: str) -> None:
    assert strip_site_name(title, ["بوابة الوسط", "الوسط", "alwasat"]) == expected


def test_title_without_h1_drops_site_name() -> None:
    page = _page(f"<p>{BODY}</p><p>{BODY2}</p>", title="الوسط - اتفاق جديد في الجنوب").replace(
        "<h1>وقف إطلاق النار في طرابلس</h1>", ""
    )
    result = extract_article(page, "https://alwasat.ly/news/libya/3")
    assert isinstance(result, ExtractedArticle)
    assert result.title == "اتفاق جديد في الجنوب"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
         "challenge-page"),
        ('<html><head><title>Before you continue to Google</title></head><body><form>Accept all</form></body></html>',
         "consent-wall"),
        ("", "no-text"),
        ("<html><body></body></html>", "no-text"),
        (b"%PDF-1.4 binary", "not-html"),
        ("just some words without any markup", "not-html"),
        ("<html><body><p>قصير</p></body></html>", "no-text"),
    ],
)
def test_failures_are_data(html: str | bytes, reason: str) -> None:
    result = extract_article(html, "https://example.ly/a/1")
    assert isinstance(result, ExtractionFailure)
    assert result.reason == reason


def test_a_nul_in_the_title_of_markup_bytes_is_read_as_the_crawl_reads_it() -> None:
    # `newsarchive extract` hands the file's bytes over: one NUL in <title> is a broken page, not a binary file
    page = _page(f"<p>{BODY} {BODY2}</p>").replace("<title>", "<title>\x00").encode()
    result = extract_article(page, "https://alwasat.ly/news/libya/14")
    assert not isinstance(result, ExtractionFailure), result
    assert "\x00" not in result.title and result.text
    blob = b"\x00\x01\x02 a binary blob <p>with markup later</p>" + page
    assert extract_article(blob, "https://alwasat.ly/x.bin").reason == "not-html"


@pytest.mark.parametrize(("paragraphs", "blocked"), [(1, True), (12, False)])
def test_a_challenge_marker_in_the_markup_blocks_only_a_page_with_little_text(paragraphs: int, blocked: bool) -> None:
    body = "".join(f"<p>{BODY} {BODY2}</p>" for _ in range(paragraphs))
    page = _page(body, head='<script src="https://www.google.com/recaptcha/api.js"></script>').replace(
        "</article>", '<div class="g-recaptcha" data-sitekey="x"></div></article>')
    result = extract_article(page, "https://alwasat.ly/news/libya/13")
    assert isinstance(result, ExtractionFailure) is blocked
    assert (result.reason == "challenge-page") if blocked else result.paragraphs[0].startswith(BODY[:20])


def test_home_page_is_not_article() -> None:
    teasers = "".join(f'<div><h3><a href="/news/{i}">عنوان الخبر رقم {i} عن ليبيا</a></h3><p>{BODY}</p></div>'
                      for i in range(8))
    html = f"<html lang='ar'><head><title>بوابة الوسط</title></head><body>{teasers}</body></html>"
    result = extract_article(html, "https://alwasat.ly/")
    assert isinstance(result, ExtractionFailure)
    assert result.reason == "not-article"


def test_results_pickle_and_canonical_is_absolute() -> None:
    head = '<link rel="canonical" href="/news/libya/4">'
    result = extract_article(_page(f"<p>{BODY}</p><p>{BODY2}</p>", head=head), "https://alwasat.ly/news/libya/4?x=1")
    assert isinstance(result, ExtractedArticle)
    assert result.canonical_link == "https://alwasat.ly/news/libya/4"
    assert pickle.loads(pickle.dumps(result)) == result
    assert pickle.loads(pickle.dumps(extract_article)) is extract_article


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [(BODY, None, "ar"), (BODY, "en", "ar"), ("این یک خبر فارسی است که گزارش می‌دهد", None, "fa"),
     ("The ceasefire in Tripoli holds", None, "en"), ("Le cessez-le-feu tient à Tripoli", "fr-FR", "fr")],
)
def test_detect_language(text: str, declared: str | None, expected: str) -> None:
    assert detect_language(text, declared) == expected


def test_script_counts_by_utf8_first_byte_are_counts_by_character() -> None:
    """Each code point (alone, and among others of every script) counts for the script its regular expression says."""
    from crawler.extraction.language import SCRIPTS, _script_counts

    def by_pattern(sample: str) -> dict[str, int]:
        return {script: len(pattern.findall(sample)) for script, pattern in SCRIPTS.items()}

    for code in [*range(0xD800), *range(0xE000, 0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        sample = f"a{chr(code)}{chr(code)}"
        assert _script_counts(sample) == by_pattern(sample), hex(code)
    mixed = "".join(map(chr, range(0x20, 0x10000, 7)))  # the count by character, for a sample of mixed ranges
    assert _script_counts(mixed) == by_pattern(mixed)
    assert list(_script_counts(BODY)) == list(SCRIPTS)  # the order max() breaks ties in


LEGACY_SITE = "جريدة البلاد"
LEGACY_TEMPLATE = """<html dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256"><title>{title}</title></head>
<body><table width="760" cellpadding="0" cellspacing="0" align="center">
<tr><td colspan="2"><a href="/default.asp?sid=7f3a"><img src="/img/top.gif" alt="{site}"></a></td></tr>
<tr><td colspan="2"><font size="2"><a href="/default.asp">الرئيسية</a> | <a href="/cat.asp?id=1">محليات</a> |
<a href="/cat.asp?id=2">رياضة</a></font></td></tr>
<tr><td width="560" valign="top"><table width="100%" cellpadding="5">
<tr><td><font size="1"><a href="/default.asp">الرئيسية</a> &gt; محليات</font></td></tr>
<tr><td>{headline}</td></tr>
<tr><td><font size="1" color="#808080">طرابلس - خاص</font></td></tr>
<tr><td><font face="Tahoma" size="2">{body}</font></td></tr></table></td>
<td width="200" valign="top" bgcolor="#EEEEEE"><table width="100%"><tr><td><b>الأكثر قراءة</b></td></tr>
<tr><td><a href="/news.asp?id=5">انطلاق الموسم الكروي الجديد في بنغازي</a></td></tr>
<tr><td><a href="/news.asp?id=6">افتتاح معرض الكتاب في مصراتة</a></td></tr></table></td></tr>
<tr><td colspan="2" align="center"><font size="1">جميع الحقوق محفوظة © {site}</font></td></tr>
</table></body></html>"""


@pytest.mark.parametrize(
    "headline",
    [
        '<font size="4" color="#990000"><b>{}</b></font>',
        '<font size="+2">{}</font>',
        '<b>{}</b>',
        '<div class="title">{}</div>',
    ],
)
@pytest.mark.parametrize("title", ["{site} :: {headline}", "{headline} - {site}", "{site} » {headline}"])
def test_legacy_table_layout_page(headline: str, title: str) -> None:
    text = "وقف إطلاق النار في طرابلس"
    page = LEGACY_TEMPLATE.format(
        title=title.format(site=LEGACY_SITE, headline=text), site=LEGACY_SITE, headline=headline.format(text),
        body=f"{BODY}<br><br>\r\n{BODY2}<br><br>\r\n{BODY3}",
    )
    result = extract_article(page.encode("windows-1256"), "http://albilad.example/news.asp?id=12")
    assert isinstance(result, ExtractedArticle), result
    assert result.title == text
    assert result.paragraphs == (BODY, BODY2, BODY3)
    assert "|" not in result.text and "الأكثر قراءة" not in result.text


def test_data_table_inside_article_is_kept_as_table() -> None:
    rows = "".join(f"<tr><td>{city}</td><td>{n}</td><td>{m}</td></tr>"
                   for city, n, m in [("طرابلس", 12, 30), ("بنغازي", 7, 18), ("سبها", 3, 9), ("مصراتة", 5, 11)])
    table = f"<table><thead><tr><th>المدينة</th><th>القتلى</th><th>الجرحى</th></tr></thead><tbody>{rows}</tbody></table>"
    result = extract_article(_page(f"<p>{BODY}</p>{table}<p>{BODY2}</p>"), "https://alwasat.ly/news/libya/7")
    assert isinstance(result, ExtractedArticle)
    assert BODY in result.paragraphs and BODY2 in result.paragraphs
    assert any("بنغازي" in p and "|" in p for p in result.paragraphs)


@pytest.mark.parametrize("separator", ["|", "-", "–", "—", "::", "»", "«", "·", ":", "/", "\\", "‹", "›"])
@pytest.mark.parametrize("site_first", [True, False])
def test_strip_site_name_every_separator(separator: str, site_first: bool) -> None:
    headline = "اشتباكات عنيفة جنوب طرابلس"
    title = f"صحيفة الساحل {separator} {headline}" if site_first else f"{headline} {separator} صحيفة الساحل"
    assert strip_site_name(title, ["صحيفة الساحل"]) == headline


@pytest.mark.parametrize("separator", ["|", " - ", " :: ", " » ", " / ", " \\ ", " › "])
def test_title_site_name_found_on_the_page_without_metadata(separator: str) -> None:
    headline = "اتفاق جديد على تبادل الأسرى في الجنوب"
    page = (f"<html><head><title>صحيفة الساحل{separator}{headline}</title></head><body>"
            '<table width="100%"><tr><td><a href="/index.php?PHPSESSID=ab12"><img src="/i/l.gif" alt="صحيفة الساحل">'
            f'</a></td></tr><tr><td><font size="4"><b>{headline}</b></font><br><br>{BODY}<br><br>{BODY2}'
            "</td></tr></table></body></html>")
    result = extract_article(page, "http://127.0.0.9/article.php?id=3")
    assert isinstance(result, ExtractedArticle)
    assert result.title == headline
    assert result.paragraphs == (BODY, BODY2)


def test_subheadline_inside_body_is_not_taken_for_the_title() -> None:
    page = _page(f"<p>{BODY}</p><h2>ردود الفعل الدولية</h2><p>{BODY2}</p>", title="وقف إطلاق النار في طرابلس - الوسط")
    result = extract_article(page, "https://alwasat.ly/news/libya/8")
    assert isinstance(result, ExtractedArticle)
    assert result.title == "وقف إطلاق النار في طرابلس"
    assert result.paragraphs[0] == BODY


DEV = SHARED / "corpora" / "extraction-dev"
DEEP_PARAGRAPHS = tuple(
    f"الفقرة {n}: {BODY} وأضاف المصدر أن الوضع في الحي رقم {n} بقي متوترا حتى ساعات المساء." for n in range(14)
)


def _deep_page(depth: int, paragraphs: tuple[str, ...]) -> str:
    """An article page whose body sits ``depth`` <div>s deep (hostile or broken markup)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html lang="ar"><head><title>وقف إطلاق النار في طرابلس</title></head><body>{"<div>" * depth}'
            f"<h1>وقف إطلاق النار في طرابلس</h1>{body}{'</div>' * depth}</body></html>")


@pytest.mark.parametrize("depth", [200, 300, 5000])
def test_deeply_nested_article_is_extracted(depth: int) -> None:
    assert sum(map(len, DEEP_PARAGRAPHS)) > 3100
    result = extract_article(_deep_page(depth, DEEP_PARAGRAPHS), "https://alwasat.ly/news/libya/9")
    assert isinstance(result, ExtractedArticle), result
    assert result.paragraphs == DEEP_PARAGRAPHS
    assert result.title == "وقف إطلاق النار في طرابلس"


def test_deep_page_without_enough_text_says_too_deep() -> None:
    result = extract_article(_deep_page(5000, ("قصير.",)), "https://alwasat.ly/news/libya/10")
    assert isinstance(result, ExtractionFailure)
    assert result.reason == "too-deep"
    assert "5003 deep" in result.detail and "255" in result.detail  # html, body, 5000 divs, p


SHORT_STORY = "أعلن المجلس البلدي في سبها إعادة فتح الطريق الساحلي بعد إغلاقه ثلاثة أيام بسبب الاشتباكات المسلحة في المدينة."


@pytest.mark.parametrize(
    ("head", "dated", "kept"),
    [
        ('<meta property="og:type" content="article">', False, True),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "فتح الطريق"}</script>', False, True),
        ("", True, True),  # an h1 headline and a date
        ("", False, False),  # nothing says it is an article: too short to keep
        ('<meta property="og:type" content="website">', False, False),
    ],
)
def test_short_story_is_kept_when_the_page_is_an_article(head: str, dated: bool, kept: bool) -> None:
    assert 100 < len(SHORT_STORY) < 120
    date = '<time datetime="2024-03-01T10:00:00+02:00">1 مارس 2024</time>' if dated else ""
    page = (f'<html lang="ar"><head><title>فتح الطريق الساحلي</title>{head}</head><body>'
            '<nav><a href="/">الرئيسية</a> <a href="/libya">ليبيا</a></nav><h1>فتح الطريق الساحلي</h1>'
            f"{date}<article><p>{SHORT_STORY}</p></article><footer>جميع الحقوق محفوظة</footer></body></html>")
    result = extract_article(page, "https://alwasat.ly/news/libya/11")
    if kept:
        assert isinstance(result, ExtractedArticle), result
        assert result.paragraphs == (SHORT_STORY,)
    else:
        assert isinstance(result, ExtractionFailure) and result.reason == "no-text"


STORY_EN = (
    "The city council of Misrata voted on Monday to reopen the coastal road that has been closed for three weeks.",
    "Residents had complained that the closure doubled travel times to Tripoli and cut farmers off from markets.",
    "The council said engineers had cleared the unexploded ordnance found near the bridge over the wadi.",
    "Traffic police expect the first lorries on Wednesday, once the barriers near the port have been taken down.",
)


@pytest.mark.parametrize("klass", ["caption", "wp-caption-text", "photo-caption", "Photo-CAPTION"])
def test_caption_containers_that_hold_the_story_are_kept(klass: str) -> None:
    body = "".join(f'<img src="/{i}.jpg"><div class="{klass}"><p>{p}</p></div>' for i, p in enumerate(STORY_EN))
    page = ("<html><head><title>Coastal road reopens | Misrata Daily</title></head><body>"
            '<div class="menu"><a href="/">Home</a> <a href="/news">News</a></div>'
            f'<div class="post"><h1>Coastal road reopens</h1>{body}</div>'
            '<div class="sidebar"><h3>Most read</h3><ul><li><a href="/1">Story one</a></li></ul></div></body></html>')
    result = extract_article(page, "http://misrata.example/news/1")
    assert isinstance(result, ExtractedArticle)
    assert result.paragraphs == STORY_EN


def test_a_short_caption_beside_the_story_is_still_pruned() -> None:
    caption = "صورة أرشيفية لدورية أمنية في طرابلس"
    result = extract_article(_page(f'<p>{BODY}</p><div class="caption">{caption}</div><p>{BODY2}</p><p>{BODY3}</p>'),
                             "https://alwasat.ly/news/libya/12")
    assert isinstance(result, ExtractedArticle)
    assert result.paragraphs == (BODY, BODY2, BODY3)


@pytest.mark.skipif(not DEV.exists(), reason=f"extraction-dev corpus absent at {DEV}")
@pytest.mark.parametrize("page", ["dragnet-train/R550", "dragnet-train/R556"])
def test_layout_normalisation_is_dropped_where_it_loses_text(page: str) -> None:
    """Real pages where unwrapping the layout made trafilatura read one cell: the untouched reading wins."""
    import re
    from collections import Counter

    set_name, page_id = page.split("/")
    gold = Counter(re.findall(r"\w+", (DEV / set_name / "gold" / f"{page_id}.txt").read_text(errors="replace").lower()))
    data = gzip.decompress((DEV / set_name / "html" / f"{page_id}.html.gz").read_bytes())
    result = extract_article(data, f"http://{set_name}.example/{page_id}.html")
    assert isinstance(result, ExtractedArticle)
    ours = Counter(re.findall(r"\w+", result.text.lower()))
    assert sum((gold & ours).values()) / sum(gold.values()) >= 0.95


def test_lost_prose_counts_sentences_not_links_or_labels() -> None:
    from collections import Counter

    from crawler.extraction.body import lost_prose, tokens

    story = "The council voted on Monday to reopen the coastal road near the port."
    teaser = "Ten things to see in Misrata this summer before the heat"
    reference = (f"| Home | Weather | {story} |", f"| {teaser} |", "| Most read |")
    total = sum(tokens(reference).values())
    assert lost_prose((story,), reference, tokens([teaser])) == 0.0  # a teaser link and short labels may go
    assert lost_prose((story,), reference, Counter()) == pytest.approx(11 / total)  # an unlinked sentence may not
    assert lost_prose((), reference, Counter()) == pytest.approx(24 / total)
    assert lost_prose(("anything",), (), Counter()) == 0.0


STORY_CELLS = (
    "The council of Misrata voted on Monday to reopen the coastal road closed for three weeks.",
    "Residents said the closure doubled travel times to Tripoli and cut the farmers off from markets.",
    "Engineers cleared the unexploded ordnance found near the bridge over the wadi last week.",
    "Traffic police expect the first lorries on Wednesday once the barriers near the port are gone.",
)
STORY_RUN = (
    "The mayor thanked the volunteers who worked at night to repair the damaged culverts.",
    "A second road to the airport stays closed until the inspection of its two bridges ends.",
    "The transport ministry promised money for new lighting along the most dangerous stretch.",
    "Shop owners near the checkpoint hope that trade returns before the holidays begin.",
)


def test_layout_normalisation_that_loses_cells_keeps_trafilaturas_reading() -> None:
    """Unwrapping a one-row layout table leaves trafilatura's precise reading with the other block only."""
    cells = "".join(f"<td><font size=2>{sentence}</font></td>" for sentence in STORY_CELLS)
    page = (f"<html><head><title>Coastal road reopens</title></head><body><table border=0><tr>{cells}</tr></table>"
            f"<table><tr><td><div>{'<br><br>'.join(STORY_RUN)}</div></td></tr></table></body></html>")
    result = extract_article(page, "http://misrata.example/news/2")
    assert isinstance(result, ExtractedArticle), result
    for sentence in STORY_CELLS + STORY_RUN:
        assert sentence in result.text


def test_trafilatura_title_is_asked_only_when_the_page_has_none() -> None:
    import lxml.html

    from crawler.extraction.titles import find_title

    asked: list[bool] = []

    def fallback() -> str:
        asked.append(True)
        return "From trafilatura"

    titled = lxml.html.document_fromstring("<html><head><title>Coastal road reopens</title></head>"
                                           "<body><h1>Coastal road reopens</h1><p>Text.</p></body></html>")
    assert find_title(titled, "http://misrata.example/news/3", fallback=fallback) == "Coastal road reopens"
    assert not asked
    bare = lxml.html.document_fromstring("<html><body><p>Text without any heading at all.</p></body></html>")
    assert find_title(bare, "http://misrata.example/news/4", fallback=fallback) == "From trafilatura"
    assert asked


def test_collapsed_text_len_is_exact_below_the_limit_and_at_least_the_limit_above() -> None:
    import lxml.html

    from crawler.extraction.challenge import _collapsed_text_len

    def page(body: str) -> lxml.html.HtmlElement:
        return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")

    def exact(root: lxml.html.HtmlElement) -> int:
        return len(" ".join(root.text_content().split()))

    short = page("<p>Just a   moment</p>" + "<div> \n </div>" * 500)  # mostly whitespace, many text nodes
    assert _collapsed_text_len(short, 1500) == exact(short) == len("Just a moment")
    long = page("<p>word </p>" * 2000)
    assert exact(long) >= _collapsed_text_len(long, 1500) >= 1500
    edge = page("x" * 1499)
    assert _collapsed_text_len(edge, 1500) == 1499
