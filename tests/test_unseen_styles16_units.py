"""Unit tests of round sixteen's fixes (tests/altsites16): challenge pages told whatever their vendor or language,
a challenged URL left pending for the next crawl, and a bot check's cookie-and-self-refresh passed."""

from __future__ import annotations

import pytest
from altsites16.consent import GATE, OVERLAY
from helpers import portal_session

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.capture.config import ArchiveConfig
from crawler.capture.ingest import ingest
from crawler.extraction.article import extract_article
from crawler.extraction.challenge import challenge_in, scripted_challenge
from crawler.fetch.refresh import gate_refresh
from crawler.relevance.judge import load_lexicon

URL = "http://news.example/news/10475.html"
# nginx's "testcookie" module as free hosts run it: no word of any vendor, only a script and a <noscript> line
TESTCOOKIE = """<html><body><script type="text/javascript" src="/aes.js" ></script><script>function toNumbers(d){var e=[];
d.replace(/(..)/g,function(d){e.push(parseInt(d,16))});return e}function toHex(){for(var d=[],d=1==arguments.length&&
arguments[0].constructor==Array?arguments[0]:arguments,e="",f=0;f<d.length;f++)e+=(16>d[f]?"0":"")+d[f].toString(16);
return e.toLowerCase()}var a=toNumbers("f655ba9d09a112d4968c63579db590b4"),b=toNumbers("98344c2eee86c3994890592585b49f80"),
c=toNumbers("1a9a4b3a0b41e1a0c7c4a1d1b2c3d4e5");document.cookie="__test="+toHex(slowAES.decrypt(c,2,a,b))+
"; expires=Thu, 31-Dec-37 23:55:55 GMT; path=/"; location.href="http://news.example/news/10475.html?i=1";</script>
<noscript>This site requires Javascript to work, please enable Javascript in your browser or use a browser with
Javascript support</noscript></body></html>"""
# a hosting panel's page in Arabic only, titled with the site's name, long enough to pass for a brief
PANEL = """<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>بوابة الجنوب</title></head><body>
<h2>جاري التحقق من متصفحك...</h2><p>يقوم نظام الحماية بالتحقق من اتصالك قبل السماح لك بالدخول إلى الموقع، وستتم إعادة
توجيهك تلقائيا إلى الصفحة المطلوبة خلال ثوان قليلة. يرجى عدم تحديث الصفحة أو إغلاقها حتى انتهاء عملية التحقق.</p></body></html>"""
SUCURI = """<html><title>You are being redirected...</title><noscript>Javascript is required. Please enable javascript
before you are allowed to see this page.</noscript><script>var s={},u,c,U,r,i,l=0,a,e=eval,w=String.fromCharCode,
sucuri_cloudproxy_js='',S='cz0nMScuc2xpY2UoMCwxKTs=';e(r);document.cookie='sucuri_cloudproxy_uuid_7b2e1f9c3='+s+
';path=/;max-age=86400'; location.reload();</script></html>"""
PARAS = ("سقطت عدة قذائف مدفعية مساء السبت على أحياء سكنية في منطقة أبوسليم جنوب العاصمة الليبية طرابلس، ما أدى إلى "
         "إصابة أربعة مدنيين.", "وتبادل طرفا القتال الاتهامات بالمسؤولية عن القصف.")
# a brief whose page has a cookie banner that reloads on "accept": an article, not a challenge
BRIEF = f"""<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>قصف على أبوسليم - بوابة الجنوب</title>
<meta property="og:type" content="article"></head><body><nav><a href="/">الرئيسية</a> <a href="/libya/">ليبيا</a>
<a href="/south/">الجنوب</a> <a href="/economy/">اقتصاد</a></nav><article><h1>قصف على أبوسليم</h1>
<time datetime="2019-05-12T13:40:00+02:00">12 مايو 2019</time><p>{PARAS[0]}</p><p>{PARAS[1]}</p></article>
<div id="cookie-bar">نستخدم ملفات تعريف الارتباط. <button onclick="document.cookie='ok=1;path=/';location.reload()">
موافق</button></div><script>function accept(){{document.cookie='ok=1;path=/';location.reload();}}</script>
<footer>جميع الحقوق محفوظة لبوابة الجنوب 2019. من نحن. اتصل بنا. سياسة الخصوصية. أعلن معنا.</footer></body></html>"""


@pytest.mark.parametrize(("page", "why"), [(TESTCOOKIE, "a script sets a cookie and reloads"),
                                           (PANEL, "marker 'التحقق من متصفحك'"),
                                           (SUCURI, "marker 'sucuri_cloudproxy'")])
def test_a_challenge_page_is_a_challenge_whatever_its_vendor_or_language(page, why):
    """Before: the panel's page was an article titled with the site's name, the other two ``no-text``."""
    result = extract_article(page, URL, http_charset="utf-8")
    assert isinstance(result, ExtractionFailure), result
    assert (result.reason, result.detail.split(" (")[0]) == ("challenge-page", why)


def test_a_consent_wall_or_age_gate_served_alone_is_no_article():
    """An Arabic consent platform's wall, or the age/region gate, answered for the page with nothing of the story:
    before, each was stored as an article (titled with the site's name, "تنبيه - ...")."""
    wall = f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>المرصد العربي</title></head><body>{OVERLAY}</body></html>'
    gate = GATE.format(site="المرصد العربي", back="/news/7745/")
    for page, why in ((wall, "marker 'نحترم خصوصيتك'"), (gate, "marker 'you are over 18'")):
        result = extract_article(page, URL, http_charset="utf-8")
        assert isinstance(result, ExtractionFailure) and (result.reason, result.detail) == ("consent-wall", why)


def test_a_brief_with_a_cookie_banner_that_reloads_is_an_article():
    result = extract_article(BRIEF, URL, http_charset="utf-8")
    assert isinstance(result, ExtractedArticle), result
    assert result.paragraphs == PARAS


def test_the_scripted_rule_needs_both_a_cookie_and_a_reload():
    import lxml.html

    assert scripted_challenge(lxml.html.fromstring(TESTCOOKIE))
    only_cookie = TESTCOOKIE.replace('location.href="http://news.example/news/10475.html?i=1";', "")
    assert scripted_challenge(lxml.html.fromstring(only_cookie)) is None
    assert scripted_challenge(lxml.html.fromstring(BRIEF)) is None


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, "http://portal.example")
    yield s
    s.close()


def test_a_challenged_url_stays_pending_for_the_next_crawl_and_then_gives_up(session):
    """Before: settled ``done`` as "extraction failed", so no later crawl asked for the story again."""
    lexicon = load_lexicon(ArchiveConfig.from_settings({}).lexicon)
    url = "http://portal.example/news/1"
    session.catalogue.add_frontier(url, "portal", "article", None)
    failure = ExtractionFailure(url, "challenge-page", "marker 'ddos-guard'")
    for attempt in (1, 2):
        assert ingest(session, lexicon, outlet_name="portal", url=url, capture_id=None, result=failure) == "failed"
        row = session.catalogue.db.execute("select status, attempts, reason from frontier where url = ?", [url]).fetchone()
        assert tuple(row) == ("pending", attempt, "challenge-page")
    ingest(session, lexicon, outlet_name="portal", url=url, capture_id=None, result=failure)
    assert session.catalogue.frontier_status(url) == "failed"  # three tries, as any transient refusal
    other = "http://portal.example/news/2"
    session.catalogue.add_frontier(other, "portal", "article", None)
    ingest(session, lexicon, outlet_name="portal", url=other, capture_id=None,
           result=ExtractionFailure(other, "no-text", "0 characters"))
    assert session.catalogue.frontier_status(other) == "done"  # a page with no text is no reason to come back


PAGE = "http://news.example/news/1.html"


@pytest.mark.parametrize(("html", "cookie_set", "want"), [
    ('<meta http-equiv="refresh" content="1">', True, (1.0, PAGE)),  # a bot check's reload with its new cookie
    ('<meta http-equiv="refresh" content="1">', False, None),  # a page that reloads itself: still the page
    ('<meta http-equiv="refresh" content="300">', False, None),
    ('<meta http-equiv="refresh" content="0;url=/a">', True, (0.0, "http://news.example/a")),
    ('<noscript><meta http-equiv="refresh" content="1"></noscript>', True, None),
    ("<p>no refresh</p>", True, None),
])
def test_a_self_refresh_is_followed_only_with_a_new_cookie(html, cookie_set, want):
    assert gate_refresh(f"<html><head>{html}</head></html>", PAGE, ("noscript",), cookie_set) == want


def test_a_feed_or_listing_answered_by_a_challenge_is_told_apart_from_an_empty_one():
    """The spider's reason for a feed, sitemap or start page that gave no links (before: ``empty-feed``, or nothing)."""
    assert challenge_in(SUCURI.encode()) == "marker 'sucuri_cloudproxy'"
    assert challenge_in(PANEL.encode("utf-8"), "text/html; charset=utf-8") == "marker 'التحقق من متصفحك'"
    assert challenge_in(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>') is None
    assert challenge_in(b"") is None and challenge_in(b"<html>" + b" " * 300_000 + b"</html>") is None
