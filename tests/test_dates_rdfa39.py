"""A node's date in RDFa on any element (Drupal), read as a meta tag is (stop 39, unseen styles round 12).

Drupal 7 prints a node's date only as ``<span property="dc:date dc:created" content="...">`` around its "submitted"
line, whose text is month first ("05/04/2019" is 4 May): the text was read day first, 5 April.
"""

from __future__ import annotations

import datetime as dt

import lxml.html

from crawler.extraction.date_markup import meta
from crawler.extraction.dates import find_published

DRUPAL7 = """<html><head><title>عنوان الخبر</title></head><body><div id="node-4540" class="node">
<h1>عنوان الخبر</h1>
<div class="meta submitted"><span property="dc:date dc:created" content="2019-05-04T14:30:00+02:00"
 datatype="xsd:dateTime">أرسلت بواسطة محرر الأخبار في السبت, 05/04/2019 - 14:30</span></div>
<div class="field-name-body"><p>نص الخبر الأول في الفقرة الأولى من الخبر، وهو نص طويل بما يكفي.</p></div>
<div class="comment"><span property="dc:date dc:created" content="2019-06-01T10:00:00+02:00">تعليق</span></div>
</div></body></html>"""


def _days(html: str) -> list[dt.date]:
    return [found.day for found in meta(lxml.html.fromstring(html))]


def test_drupal_7s_dc_date_span_is_the_nodes_date_not_its_comments():
    assert _days(DRUPAL7)[0] == dt.date(2019, 5, 4)
    published, source = find_published(DRUPAL7, "http://drupal.example/ar/news/x")
    assert published.startswith("2019-05-04") and source == "meta"


def test_drupal_8s_schema_date_created():
    html = '<html><body><article><span property="schema:dateCreated" content="2021-03-02T08:00:00+00:00">x</span>'
    assert _days(html + "</article></body></html>") == [dt.date(2021, 3, 2)]


def test_a_modified_or_unknown_property_is_no_publication_date():
    html = ('<html><body><span property="dc:modified" content="2020-01-01T00:00:00+00:00"></span>'
            '<span property="og:image" content="2020-02-02"></span></body></html>')
    assert _days(html) == []
