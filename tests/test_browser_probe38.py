"""Nothing in the reading room is wider than the screen, measured in real headless Chromium (stop 37's probe: at
390 px article pages with events, /charts and the canned-query pages were 550-1,040 px wide; at 1280 px the
articles view cut its evidence chips at the right edge). One browser session for all the measurements."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from test_browser import CHROMIUM, CHROMIUM_FLAGS, server, sync_api  # noqa: F401  (server: the fixture)
from test_crawler_serve import DELETED_KEY, EDITED_KEY

from crawler.web.app import ASSETS

QUERIES = [name for name, q in yaml.safe_load((ASSETS / "metadata.yaml").read_text(encoding="utf-8"))
           ["databases"]["catalogue"]["queries"].items() if "sql" in q]
LONG = "https://old-portal-demo.example/news/" + "%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3" * 12  # no break point


@pytest.fixture(scope="module")
def measure(server: dict[str, Any]) -> Iterator[Any]:  # noqa: F811
    conn = sqlite3.connect(server["data_dir"] / "catalogue.db")
    with conn:  # events as a deletion and a return write them: a long status detail, a long address
        for kind, status in (("deleted", 404), ("returned", 200)):
            conn.execute("insert into article_events (article_id, kind, at, http_status, detail) values (?, ?, ?, ?, ?)",
                         [server["ids"][EDITED_KEY], kind, "2026-11-22T10:00:00+00:00", status, f"{kind} at {LONG}"])
    conn.close()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)

        def widths(width: int, paths: list[str], script: str) -> dict[str, Any]:
            page = browser.new_page(viewport={"width": width, "height": 900})
            out = {}
            for path in paths:
                page.goto(server["catalogue"] + path, wait_until="domcontentloaded")
                out[path] = page.evaluate(script)
            page.close()
            return out

        yield widths
        browser.close()


def test_nothing_is_wider_than_a_phone(measure: Any, server: dict[str, Any]) -> None:  # noqa: F811
    paths = [f"/article/{server['ids'][k]}" for k in (EDITED_KEY, DELETED_KEY)] + ["/charts", "/charts?relevant=1"]
    paths += [f"/catalogue/{q}" for q in QUERIES]
    found = measure(390, paths, "() => [document.documentElement.scrollWidth, innerWidth]")
    wide = {path: w for path, w in found.items() if w[0] > w[1]}
    assert not wide, f"wider than the 390 px screen: {wide}"


def test_evidence_chips_are_on_screen_at_1280(measure: Any) -> None:
    script = """() => [innerWidth - (innerWidth - document.documentElement.clientWidth),
        Math.max(...[...document.querySelectorAll('td.col-evidence .na-chips')].map(e => e.getBoundingClientRect().right)),
        document.querySelectorAll('td.col-evidence .na-chip').length]"""
    width, right, chips = measure(1280, ["/catalogue/articles_view"], script)["/catalogue/articles_view"]
    assert chips > 0 and right <= width, f"the evidence chips end at {right} px on a {width} px screen"
