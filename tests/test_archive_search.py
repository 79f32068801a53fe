"""The Arabic-aware search index and query: forms, FTS5 expressions that are always valid, and real FTS5 matches."""

from __future__ import annotations

import re
import sqlite3

import pytest

from archive.corpus.arabic import stem_set, tokens
from archive.corpus.search import (
    STOPWORDS,
    fts_query,
    highlight_html,
    index_text,
    query_forms,
    query_terms,
    snippet_html,
    title_similarity,
)


@pytest.fixture
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(title, text, search_text, "
                 "tokenize='unicode61 remove_diacritics 2')")
    docs = [
        ("اشتباكات في طرابلس", "أعلنت الحكومة الليبية وقف إطلاق النار في العاصمة."),
        ("الأمم المتحدة تدعو إلى هدنة", "دعت بعثة الأمم المتحدة للدعم في ليبيا إلى التهدئة."),
        ("بلدية مصراتة", "أعلن المجلس البلدي لمصراتة عن خطة جديدة لدى البلدية."),
        ("رياضة", "الأهلي يحسم الديربي لديه فرصة كبيرة."),
    ]
    for i, (title, text) in enumerate(docs, 1):
        conn.execute("insert into f (rowid, title, text, search_text) values (?, ?, ?, ?)",
                     [i, title, text, index_text(title, text)])
    return conn


def _match(conn: sqlite3.Connection, query: str) -> set[int]:
    expr = fts_query(query)
    return {r[0] for r in conn.execute("select rowid from f where f match ?", [expr])} if expr else set()


@pytest.mark.parametrize(("query", "expected"), [
    ("والحكومة", {1}),  # clitic و on a word the text writes with ال
    ("حكومه", {1}),  # ه for ة, no article
    ("بالحكومة", {1}),
    ("الحُكُومَة", {1}),  # tashkeel
    ("الحـكـومـة", {1}),  # tatweel
    ("الامم", {2}),  # no hamza
    ("لليبيا", {2}),
    ("مصراته", {3}),
    ("بلدية", {3}),  # not every article holding لديه
    ("طرابلس OR مصراتة", {1, 3}),
    ("طرابلس -الحكومة", set()),
    ('"الأمم المتحدة"', {2}),
    ("ليبي*", {1, 2}),
    ("", set()),
])
def test_query_matches_through_real_fts5(fts: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert _match(fts, query) == expected


@pytest.mark.parametrize("query", [
    'NOT', 'OR OR', '"', '""', '"unbalanced', '(', ')', 'a AND', '-', '*', 'NEAR(a b)', 'title:x', '^x', "؟،؛",
    "col : x", "a OR NOT b", "-a -b", "AND x",
])
def test_no_input_makes_an_fts_syntax_error(fts: sqlite3.Connection, query: str) -> None:
    expr = fts_query(query)
    if expr:
        fts.execute("select rowid from f where f match ?", [expr]).fetchall()


def test_query_forms_strip_proclitics_not_function_words() -> None:
    assert query_forms("والحكومه") == ["والحكومه", "الحكومه", "حكومه"]
    assert query_forms("بلديه") == ["بلديه"]  # لديه is a stopword
    assert "لديه" in STOPWORDS
    assert query_forms("طرابلس") == ["طرابلس"]


def test_index_text_holds_normalised_words_and_stems() -> None:
    terms = index_text("الأُمم", "وبالحكومة").split()
    assert "الامم" in terms and "امم" in terms
    assert "حكومه" in terms and "الحكومه" in terms


def test_negation_only_query_searches_nothing() -> None:
    assert fts_query("-ليبيا") == ""


@pytest.mark.parametrize(("a", "b", "low", "high"), [
    ("ميليشيات مصراتة تبدأ بالانسحاب من معارك طرابلس", "ميليشيات مصراتة تبدأ الانسحاب من معارك العاصمة طرابلس",
     0.7, 1.0),
    ("غارات جوية تستهدف قاعدة الوطية", "المصرف المركزي يعلن توحيد سعر صرف الدينار", 0.0, 0.0),
    ("", "x", 0.0, 0.0),
])
def test_title_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= title_similarity(a, b) <= high


# -- highlighting ------------------------------------------------------------------------

def test_highlight_marks_the_words_the_query_matched_as_written() -> None:
    html = highlight_html("دعت بعثة الأمم المتحدة وبالحكومة الليبية <b>", "الامم المتحده حكومه")
    assert html == ("دعت بعثة <mark>الأمم</mark> <mark>المتحدة</mark> <mark>وبالحكومة</mark> الليبية &lt;b&gt;")


def test_highlight_leaves_excluded_words_and_near_misses_alone() -> None:
    html = highlight_html("طرابلس وبنغازي والحكومتين", "بنغازي -طرابلس والحكومة")
    assert html == "طرابلس <mark>وبنغازي</mark> والحكومتين"  # -word is not a hit; الحكومتين is not الحكومة


def test_highlight_agrees_with_the_index() -> None:
    """A word is marked exactly when one of its index forms is one of the query's forms (what MATCH tested)."""
    terms = query_terms("والجيش")
    for word in ["الجيش", "للجيش", "وبالجيش", "جيش", "الجيوش", "جيشا"]:
        expected = any(stem_set(t) & terms.forms for t in tokens(word))
        assert terms.hits(word) is expected, word
    assert terms.hits("للجيش") and not terms.hits("الجيوش")


def test_prefix_query_highlights_every_completion() -> None:
    assert highlight_html("حكومة حكومات محكمة", "حكوم*") == "<mark>حكومة</mark> <mark>حكومات</mark> محكمة"


def test_snippet_is_the_passage_with_most_hits() -> None:
    text = " ".join(["كلمة"] * 100) + " قصف مدفعي على طرابلس وقصف جوي على طرابلس " + " ".join(["نهاية"] * 100)
    html = snippet_html(text, "طرابلس قصف", words=20)
    assert html.startswith("… ") and html.endswith(" …")
    assert html.count("<mark>") == 4
    assert len(re.sub(r"<[^>]+>", "", html).split()) == 22  # 20 words and the two ellipses


def test_snippet_of_a_short_text_is_all_of_it() -> None:
    assert snippet_html("اشتباكات في طرابلس", "طرابلس") == "اشتباكات في <mark>طرابلس</mark>"
