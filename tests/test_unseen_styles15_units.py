"""Unit tests of unseen styles round 15 (tests/altsites15): Nuxt 2's and Nuxt 3's app states read without running
them (crawler/extraction/js_state.py, read by crawler/extraction/state_body.py) and a live page's entries read with
their times (crawler/extraction/live_entries.py)."""

from __future__ import annotations

import json
import math
import re

import pytest
from altsites15.content import LIVE_PAGES, NUXT_STORIES
from altsites15.live import LiveSite
from altsites15.nuxt import NuxtSite, flatten, uneval
from lxml import html as lh

from crawler.extraction.article import extract_article
from crawler.extraction.js_state import read_js_state, unflatten
from crawler.extraction.live_entries import entries_as_blocks
from crawler.extraction.state_body import state_bodies

BASE = "http://news.example.ly"

# -- js_state: devalue 2's uneval (Nuxt 2) ---------------------------------------------------------------------


def test_a_nuxt2_state_gets_its_arguments_in_place_of_its_parameters():
    source = ('(function(a,b,c,d){a.self=a;a["the list"]=[b,1];return {layout:"default",data:[{article:{title:b,'
              'body:"\\u003Cp\\u003Eنص\\u003C\\u002Fp\\u003E",hidden:c,gone:void 0,n:-1.5e2,on:!0,off:!1,when:new '
              'Date(1557640800000),holes:[1,,2],shared:a,"quoted key":d,7:"seven"}}]}}({},"عنوان الخبر",false,null))')
    state = read_js_state(source)
    article = state["data"][0]["article"]
    assert article["title"] == "عنوان الخبر" and article["body"] == "<p>نص</p>"
    assert article["hidden"] is False and article["gone"] is None and article["quoted key"] is None
    assert article["n"] == -150.0 and article["on"] is True and article["off"] is False
    assert article["when"] == 1557640800000 and article["holes"] == [1, None, 2] and article["7"] == "seven"
    assert article["shared"]["the list"] == ["عنوان الخبر", 1] and article["shared"]["self"] is article["shared"]


def test_a_quoted_string_is_never_taken_for_a_parameter():
    """chompjs' trap: a parameter ``a`` and the string "a" are two things."""
    assert read_js_state('(function(a){return {x:a,y:"a"}})("value")') == {"x": "value", "y": "a"}


def test_javascript_string_escapes():
    assert read_js_state("{a:'it\\'s \\x41\\u0042\\u{1F600}',b:\"tab\\there\"}") == {"a": "it's AB\U0001F600",
                                                                                   "b": "tab\there"}


@pytest.mark.parametrize("source", [
    "fetch('/api')",  # a call
    "{a:b}",  # a name outside any function: nothing is looked up
    "{a:1};alert(1)",  # a second statement
    "(function(a){alert(a);return {}}(1))",  # a statement devalue never writes
    "{a:1+1}",  # an expression
    "[" * 300 + "]" * 300,  # deeper than any state
    "(function(a){return {x:a}}(window.secret))",  # an argument that is no literal
])
def test_anything_but_a_literal_is_refused(source):
    with pytest.raises(ValueError):
        read_js_state(source)


def test_a_state_written_as_the_fixture_writes_it_reads_back():
    state = {"a": [{"t": "س", "u": None, "v": False}, {"t": "س", "u": None, "v": True}], "k": "x/y<z>"}
    assert read_js_state(uneval(state)) == state


# -- js_state: devalue's stringify (Nuxt 3) ----------------------------------------------------------------------


def test_a_nuxt3_payload_is_rebuilt_from_its_indexes():
    values = [["ShallowReactive", 1], {"data": 2, "when": 7, "nothing": -1, "nan": -3, "bag": 8, "set": 9},
              ["ShallowReactive", 3], {"article-1": 4}, {"title": 5, "self": 4, "tags": 10}, "عنوان", "unused",
              ["Date", "2019-05-12T06:00:00.000Z"], ["null", "k", 5], ["Set", 5, 6], [5, -2]]
    state = unflatten(values)
    article = state["data"]["article-1"]
    assert article["title"] == "عنوان" and article["self"] is article and article["tags"] == ["عنوان", None]
    assert state["when"] == "2019-05-12T06:00:00.000Z" and state["nothing"] is None and math.isnan(state["nan"])
    assert state["bag"] == {"k": "عنوان"} and state["set"] == ["عنوان", "unused"]


@pytest.mark.parametrize("values", [[], {"a": 1}, [{"a": 99}], ["text", {"a": "x"}]])
def test_what_is_no_flattened_array_is_refused(values):
    if values == ["text", {"a": "x"}]:  # a root that is a plain string: a value, not an error
        assert unflatten(values) == "text"
        return
    with pytest.raises(ValueError):
        unflatten(values)


def test_the_fixture_flattening_rebuilds():
    state = {"data": {"x": [{"t": "a"}, {"t": "a"}]}, "n": None}
    assert unflatten(json.loads(flatten(state))) == state


# -- state_body on Nuxt shells -----------------------------------------------------------------------------------


@pytest.mark.parametrize("app", [2, 3])
def test_a_nuxt_shell_is_read_from_its_state(app):
    """Without js_state the body was the standfirst (the excerpt and "...") and the related cards' nothing."""
    site = NuxtSite(BASE)
    for story in (s for s in NUXT_STORIES if s["app"] == app):
        got = extract_article(site.story(story).body, BASE + site.path(story))
        assert got.paragraphs == tuple(story["paras"]), story["id"]
        assert got.title == story["title"]


def test_a_footer_blob_is_no_body_and_a_list_of_blocks_under_its_own_name_is():
    """FAZ on Nuxt 3 keeps the story as ``body: {bodyElements: [...]}`` and an ad box's HTML as ``articleFooter``: the
    story is the blocks, never the footer (the first draft of round 15 took the ad box)."""
    title = "اشتباكات بين اللواء 444 وقوة الردع في طرابلس تغلق مطار معيتيقة"
    story = NUXT_STORIES[3]["paras"]
    blocks = [{"bodyElementType": "adTile"}, *({"bodyElementType": "paragraph", "content": p} for p in story)]
    ad = "<div>عرض خاص</div>" + "<p>" + "اشترك الآن في خدمة الأخبار العاجلة واحصل على شهر مجاني كامل " * 6 + "</p>"
    payload = flatten({"data": {"a": {"title": title, "articleFooter": [{"content": ad}], "body": {"bodyElements": blocks}}}})
    page = lh.fromstring(f'<html><head><meta property="og:title" content="{title}"></head><body><h1>{title}</h1>'
                         f'<script type="application/json" id="__NUXT_DATA__">{payload}</script></body></html>')
    bodies = list(state_bodies(page))
    assert bodies and bodies[0].split("\n")[:len(story)] == story


# -- live entries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [p for p in LIVE_PAGES if p["kind"] == "live"], ids=lambda p: str(p["id"]))
def test_a_live_page_keeps_each_entry_heading_and_paragraphs_apart(page):
    """Without live_entries trafilatura read each entry as one "- " bullet line, its heading run into its text."""
    site = LiveSite(BASE)
    got = extract_article(site.live(page).body, BASE + site.path(page))
    assert got.paragraphs == site.body(page)


def _entries(markup: str) -> int:
    page = lh.fromstring(f"<html><body><h1>عنوان الصفحة</h1>{markup}</body></html>")
    return entries_as_blocks(page, BASE + "/live/1/day")


PROSE = "تجددت الاشتباكات بالأسلحة المتوسطة في محور عين زارة مع ساعات الليل، وقال سكان إن أصوات الانفجارات سمعت."


def test_entries_in_articles_with_an_author_beside_the_time():
    """Reach plc's live blogs (the Mirror, CorkBeo): the time goes, as trafilatura takes it; the author's line stays."""
    entry = ('<div class="live-event-entry"><div class="entry-info"><time>{t}</time><mark>فريق التحرير</mark></div>'
             f'<div class="entry-content"><h3>عنوان</h3><p>{PROSE}</p></div></div>')
    page = lh.fromstring(f'<html><body><div class="entries">{entry.format(t="21:22")}{entry.format(t="20:03")}'
                         '</div></body></html>')
    assert entries_as_blocks(page, BASE) == 2
    firsts = [e[0] for e in page.find_class("live-event-entry")]
    assert [f[0].text for f in firsts] == ["فريق التحرير"] * 2 and not page.findall(".//time")


@pytest.mark.parametrize("markup", [
    # readers' comments: the author first, then the time
    "<ul>" + f'<li><b>سالم</b> <time>10:20</time><p>{PROSE}</p></li>' * 3 + "</ul>",
    # related cards: a time first, but the headline links to another story
    "<ul>" + f'<li><time>10:20</time><h3><a href="/news/9/other">خبر آخر</a></h3><p>{PROSE}</p></li>' * 3 + "</ul>",
    # one time-stamped block: a dateline, no run of entries
    f'<div><div class="meta"><time>12 مايو 2019</time></div><p>{PROSE}</p></div>',
    # entries with no prose: a list of times and links
    "<ul>" + '<li><time>10:20</time> <a href="/news/9">خبر</a></li>' * 3 + "</ul>",
])
def test_what_is_no_run_of_entries_is_left(markup):
    assert _entries(markup) == 0


# -- a live page with no JSON-LD, or no standfirst -------------------------------------------------------------


def _live_page(*, json_ld: bool = True, standfirst: bool = True, full_stamps: bool = False) -> tuple[str, dict]:
    site = LiveSite(BASE)
    page = next(p for p in LIVE_PAGES if p["id"] == 4512)
    html = site.live(page).body.decode()
    if not json_ld:
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    if not standfirst:
        html = re.sub(r'<p class="post-summary">.*?</p>', "", html)
    if full_stamps:  # each entry stamped with its day, as some pages print it
        html = re.sub(r'(<time datetime="2019-05-12T(\d\d:\d\d)[^"]*">)\d\d:\d\d(</time>)',
                      lambda m: f"{m.group(1)}الأحد 12 مايو 2019 - {m.group(2)}{m.group(3)}", html)
    return html, page


def test_a_live_page_without_json_ld_is_not_dated_by_its_newest_entry():
    """Its entries' <time datetime>s, newest first, are no publication date: before, the page was dated 16:55, the
    newest entry's time, and a re-crawl of the grown page would have moved its date (the coverage began at 08:00)."""
    html, page = _live_page(json_ld=False)
    got = extract_article(html, BASE + "/live/4512/tripoli-war-day-38")
    assert got.published[:10] == "2019-05-12" and "16:55" not in got.published


def test_a_page_without_standfirst_reads_its_entries_without_their_stamps():
    """With no standfirst and each entry stamped with its day in its <time>: the body is the entries, no stamp line
    (chrome_lines then has no lead stamp to cut)."""
    html, page = _live_page(standfirst=False, full_stamps=True)
    got = extract_article(html, BASE + "/live/4512/tripoli-war-day-38")
    assert not any("مايو 2019" in p for p in got.paragraphs)
    assert got.paragraphs == LiveSite(BASE).body(page)[1:]


@pytest.mark.parametrize("printed", ["<span>21 mins ago</span><span>11:48</span>", "منذ 3 ساعات",
                                     "الأحد 12 مايو 2019 - 16:55"])
def test_an_entry_time_leaves_no_line(printed):
    """Whatever the time prints (an age beside a clock, an age alone, a day and a clock), no line of it stays: an age
    would make each re-crawl a new version, and the clock is no text of the story."""
    entry = f'<div class="entry"><time datetime="2019-05-12T16:55:00+02:00">{printed}</time><p>{PROSE}</p></div>'
    page = lh.fromstring(f"<html><body><div>{entry}{entry}</div></body></html>")
    assert entries_as_blocks(page, BASE) == 2
    assert [e[0].text for e in page.find_class("entry")] == [PROSE, PROSE]
