"""Printed times of day and their zones (stop 39): the dateline parser (crawler/extraction/date_times.py), its place in
find_published, an outlet's ``timezone`` (crawler/config, crawler/capture/clock.py), the ``published_time`` column
(migration m019) and its trailing export field, and the reading room's cell."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from archive.catalogue import schema
from archive.catalogue.db import Catalogue
from archive.errors import NewsArchiveError
from archive.export.corpus import COLUMNS, export_corpus
from archive.records import ExtractedArticle, Relevance
from crawler.config.outlets import Outlet, load_outlets
from crawler.extraction.dates import find_published

DAY = date(2019, 4, 4)
URL = "http://x.ly/a/1"
TRIPOLI = ZoneInfo("Africa/Tripoli")
REL = Relevance(True, 3.0, 2.0, 1.0, (("طرابلس", "place", 1.0, 2),))


def _time(line: str) -> tuple[int, int, object] | None:
    # imported here: on a checkout before stop 39 each test fails on its own, not the whole file
    from crawler.extraction.date_times import time_beside

    found = time_beside(line, DAY)
    return None if found is None else (found.hour, found.minute, found.zone)


# --- the parser ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("2019/04/04 - 18:40 (توقيت غرينتش)", (18, 40, UTC)),
    ("الخميس 4 أبريل 2019 الساعة 10:35 ص", (10, 35, None)),
    ("4 أبريل 2019 - 10:35 م", (22, 35, None)),
    ("04/04/2019 | 06:12 م GMT", (18, 12, UTC)),
    ("٤ أبريل ٢٠١٩ - ١٤:٣٠ بتوقيت طرابلس", (14, 30, TRIPOLI)),
    ("4 أبريل 2019، 14:30 بتوقيت ليبيا", (14, 30, TRIPOLI)),
    ("2019-04-04 18:40 +02:00", (18, 40, timezone(timedelta(hours=2)))),
    ("4 أبريل 2019 الساعة 14:30", (14, 30, None)),
    ("04/04/2019 11:05 صباحاً", (11, 5, None)),
    ("4 أبريل 2019 - 12:10 مساءً", (12, 10, None)),
    ("4 أبريل 2019 - 12:10 ص", (0, 10, None)),
    ("4 أبريل 2019 - 1:15 ظهرا", (13, 15, None)),
    ("10:35 ص - 04/04/2019", (10, 35, None)),  # the time before the date
    ("18:40 | الخميس 4 أبريل 2019", (18, 40, None)),
    ("نشر في 4 أبريل 2019م 09:05", (9, 5, None)),  # the Gregorian era mark
    ("4 أبريل 2019 - 18:40 GMT+2", (18, 40, timezone(timedelta(hours=2)))),
])
def test_a_time_beside_the_date_is_read(line: str, expected: tuple) -> None:
    assert _time(line) == expected


@pytest.mark.parametrize("line", [
    "4 أبريل 2019 وقال إن الاجتماع عقد الساعة 14:30",  # an event the story tells, not the dateline's time
    "4 أبريل 2019 - 25:10",  # no hour of the day
    "4 أبريل 2019 - 14:30 ص",  # a morning mark on an afternoon hour: no clock we can read
    "4 أبريل 2019 - النتيجة 2:1",  # a score, after words
    "5 أبريل 2019 - 18:40",  # beside another day
    "4 أبريل 2019",
])
def test_no_time_where_none_stands_beside_the_date(line: str) -> None:
    assert _time(line) is None


def _page(dateline: str, *, head: str = "", body: str = "") -> str:
    return (f"<html><head><title>اجتماع أمني في طرابلس لبحث الأوضاع</title>{head}</head><body><article>"
            f"<h1>اجتماع أمني في طرابلس لبحث الأوضاع</h1>{dateline}"
            f"<p>{body or 'وقال مسؤول أمني إن الاجتماع بحث الأوضاع في العاصمة وسبل تعزيز الأمن فيها.'}</p>"
            "</article></body></html>")


FETCHED = datetime(2019, 4, 6, tzinfo=UTC)


def test_find_published_gives_the_instant_of_a_time_printed_with_its_zone() -> None:
    html = _page('<div class="meta">نشر في 4 أبريل 2019 - 18:40 بتوقيت طرابلس</div>')
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04T18:40:00+02:00", "text")
    html = _page('<div class="date">2019/04/04 - 18:40 (توقيت غرينتش)</div>')
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04T18:40:00+00:00", "text")


def test_find_published_gives_a_local_time_where_no_zone_is_printed() -> None:
    html = _page('<div class="meta">الخميس ٤ أبريل ٢٠١٩ الساعة ١٠:٣٥ ص</div>')
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04T10:35", "text")
    assert find_published(html, URL, FETCHED) == ("2019-04-04", "text")  # the day alone, unless asked


def test_a_time_in_the_next_block_is_an_event_not_the_dateline() -> None:
    html = _page("<div>4 أبريل 2019</div>", body="14:30 بدأ الاجتماع في طرابلس بحضور الوزراء وكبار المسؤولين.")
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04", "text")


def test_a_date_only_json_ld_takes_the_time_its_dateline_prints_that_day() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-04-04"}</script>'
    html = _page('<div class="meta">4 أبريل 2019 - 18:40</div>', head=ld)
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04T18:40", "json-ld")
    # a dateline a day off the JSON-LD day: the printed day, as before (a UTC date), with the time printed beside it
    html = _page('<div class="meta">3 أبريل 2019 - 18:40</div>', head=ld)
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-03T18:40", "text")
    # two days off: JSON-LD's day, with no time (the dateline's is another day's)
    html = _page('<div class="meta">2 أبريل 2019 - 18:40</div>', head=ld)
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04", "json-ld")


def test_a_json_ld_instant_keeps_todays_rule_for_the_day() -> None:
    # JSON-LD's instant is the 4th in UTC; the dateline prints the 5th at 01:30 (Tripoli): the printed day wins, as
    # before, and now with its time
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-04-04T23:30:00Z"}</script>'
    html = _page('<div class="meta">5 أبريل 2019 - 01:30</div>', head=ld)
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-05T01:30", "text")
    # an instant that agrees with the printed day stays the instant, offset and all
    ld = ld.replace("2019-04-04T23:30:00Z", "2019-04-05T01:30:00+02:00")
    html = _page('<div class="meta">5 أبريل 2019 - 01:30</div>', head=ld)
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-05T01:30:00+02:00", "json-ld")


def test_a_k2_date_above_the_headline_keeps_its_time() -> None:
    html = ("<html><head><title>اجتماع أمني في طرابلس لبحث الأوضاع</title></head><body><div class='itemHeader'>"
            "<span class='itemDateCreated'>الخميس, 04 نيسان 2019 18:40</span>"
            "<h2 class='itemTitle'>اجتماع أمني في طرابلس لبحث الأوضاع</h2></div>"
            "<div class='itemBody'><p>" + "وقال مسؤول أمني إن الاجتماع بحث الأوضاع في العاصمة وسبل تعزيز الأمن. " * 12
            + "</p></div></body></html>")
    assert find_published(html, URL, FETCHED, local_times=True) == ("2019-04-04T18:40", "text")


# --- the outlet's zone and the catalogue ---------------------------------------------------------------------

def _article(published: str | None) -> ExtractedArticle:
    return ExtractedArticle(url="https://o.example/a/1", title="اشتباكات في طرابلس",
                            paragraphs=("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس.",), published=published)


def test_an_outlet_zone_makes_a_printed_time_an_instant_with_that_days_offset() -> None:
    from crawler.capture.clock import zoned

    assert zoned(_article("2019-04-04T18:40"), "Africa/Tripoli")[0].published == "2019-04-04T18:40:00+02:00"
    # Cairo keeps summer time: the offset is that day's
    assert zoned(_article("2023-07-04T18:40"), "Africa/Cairo")[0].published == "2023-07-04T18:40:00+03:00"
    assert zoned(_article("2023-01-04T18:40"), "Africa/Cairo")[0].published == "2023-01-04T18:40:00+02:00"


def test_without_a_zone_the_day_stays_published_and_the_time_goes_apart() -> None:
    from crawler.capture.clock import dated, zoned

    article, clock = zoned(_article("2019-04-04T18:40"))
    assert (article.published, clock) == ("2019-04-04", "18:40")
    for value in ("2019-04-04", "2019-04-04T18:40:00+02:00", None):  # a day, an instant: as they are
        assert zoned(_article(value), "Africa/Tripoli") == (_article(value), None)
    # the listing's date still dates an undated page
    assert dated(_article(None), "", "2019-04-03")[0].published == "2019-04-03"


def _seeds(tmp_path: Path, zone_line: str) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(f'[[outlet]]\nname = "wasat"\nstart_urls = ["https://alwasat.ly/"]\n{zone_line}\n',
                    encoding="utf-8")
    return path


def test_the_timezone_key_is_read_and_checked(tmp_path: Path) -> None:
    assert load_outlets(_seeds(tmp_path, 'timezone = "Africa/Tripoli"'))[0].timezone == "Africa/Tripoli"
    for bad in ('"Libya/Tripoli"', '"../../etc/passwd"', "2"):
        with pytest.raises(NewsArchiveError) as info:
            load_outlets(_seeds(tmp_path, f"timezone = {bad}"))
        message = str(info.value)
        assert "outlets.toml" in message and "timezone" in message, message
        if bad != "2":
            assert 'timezone = "Africa/Tripoli"' in message, message  # the fix


def test_an_outlet_without_timezone_digests_as_before() -> None:
    outlet = Outlet(name="wasat", start_urls=("https://alwasat.ly/",))
    before = repr(tuple((f.name, getattr(outlet, f.name)) for f in dataclasses.fields(outlet)
                        if f.name not in ("source", "timezone")))
    assert outlet.digest() == "sha256:" + hashlib.sha256(before.encode()).hexdigest()[:16]
    assert dataclasses.replace(outlet, timezone="Africa/Tripoli").digest() != outlet.digest()


def test_an_existing_catalogue_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.db"
    old = sqlite_utils.Database(path)
    schema.migrations.apply(old, stop_before="m019_published_time")
    old["outlets"].insert({"name": "o"})
    old["articles"].insert({"id": "a" * 16, "url": "https://o.example/a/1", "outlet": "o", "title": "t",
                            "text": "x", "published": "2019-04-04", "first_seen": "2019-04-05T00:00:00+00:00"})
    old.close()
    cat = Catalogue(path)
    try:
        assert "published_time" in cat.db["articles"].columns_dict
        row = cat.db.execute("select published, published_time, day from articles_view").fetchone()
        assert row == ("2019-04-04", None, "2019-04-04")
    finally:
        cat.close()


def test_published_time_is_stored_and_exported_as_the_trailing_field(tmp_path: Path) -> None:
    cat = Catalogue(tmp_path / "catalogue.db")
    try:
        cat.upsert_outlets([{"name": "o", "display_name": "O"}])
        _, row = cat.save_article(outlet="o", canonical_url="https://o.example/a/1", article=_article("2019-04-04"),
                                  relevance=REL, capture_id=None, fetched_at="2019-04-05T00:00:00+00:00",
                                  published_time="18:40")
        assert (row["published"], row["published_time"]) == ("2019-04-04", "18:40")
        export_corpus(cat.db, tmp_path / "out.jsonl", "jsonl")
        export_corpus(cat.db, tmp_path / "out.csv", "csv")
    finally:
        cat.close()
    assert [c for c, _ in COLUMNS].index("published_time") == 25  # its place since stop 39; stop 40 added two after
    line = json.loads((tmp_path / "out.jsonl").read_text("utf-8").splitlines()[0])
    assert list(line).index("published_time") == 25 and line["published_time"] == "18:40"
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header, first = next(reader), next(reader)
    assert header.index("published_time") == 25 and first[25] == "18:40"


def test_the_reading_room_shows_the_time_beside_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.web import plugin

    monkeypatch.setattr(plugin, "_is_catalogue", lambda *_: True)  # the cell's rule, without a Datasette
    row = {"published": "2019-04-04", "published_time": "18:40", "id": "a" * 16}
    cell = plugin.render_cell(row, "2019-04-04", "published", "articles", "catalogue", None)
    plain = plugin.render_cell({**row, "published_time": None}, "2019-04-04", "published", "articles", "catalogue",
                               None)
    assert cell is not None and "2019-04-04 18:40" in str(cell)
    assert plain is None or "18:40" not in str(plain)
