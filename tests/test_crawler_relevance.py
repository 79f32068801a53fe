"""Tests of crawler.relevance.judge: the lexicon file and the matcher (clitics, suffixes, spelling safeguards, inflections).

The scoring rule is tested in test_crawler_relevance_rule.py, whole stories in test_crawler_relevance_stories.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archive.corpus.arabic import tokens
from archive.errors import ConfigError
from crawler.config.bundled import LEXICON
from crawler.relevance.judge import Lexicon, judge, load_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON)


def test_default_lexicon_loads_with_every_category(lexicon: Lexicon) -> None:
    categories = {t.category for t in lexicon.terms}
    assert {
        "libya_place",
        "libya_actor",
        "libya_armed",
        "libya_political",
        "conflict",
        "political_conflict",
        "foreign",
        "sport",
        "dispute",
    } <= categories
    assert len(lexicon.terms) > 150
    assert all(0 < t.weight <= 10 and t.forms for t in lexicon.terms)


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("وقعت اشتباكات وبطرابلس قتلى في ليبيا", "طرابلس"),
        ("طرد الجيش الميليشيات من ليبيا", "ميليشيات"),
        ("ضاق الناس بالميليشيات في ليبيا", "ميليشيات"),
        ("انتشرت المليشيات في ليبيا", "ميليشيات"),
        ("قصف للميليشيات في ليبيا", "ميليشيات"),
        ("أعلن الجيشُ الوطنيُّ الليبيُّ تقدّمَه", "الجيش الوطني الليبي"),
        ("مواجهات وللجيش الوطني الليبي تعزيزات", "الجيش الوطني الليبي"),
        ("Fighting near Tripoli between Haftar's forces and militias", "قوات حفتر"),
    ],
)
def test_matching_strips_clitics_and_folds_spelling(body: str, term: str, lexicon: Lexicon) -> None:
    verdict = judge("", body, lexicon)
    assert term in {t for t, *_ in verdict.matched_terms}


def test_longest_term_wins_and_consumes_its_words(lexicon: Lexicon) -> None:
    verdict = judge("", "قال المتحدث باسم الجيش الوطني الليبي", lexicon)
    assert [t for t, *_ in verdict.matched_terms] == ["الجيش الوطني الليبي"]


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("اشتباكات في الزاوية غرب العاصمة طرابلس", "العاصمة طرابلس"),
        ("أغلق معبر رأس اجدير", "رأس اجدير"),
        ("تمت عملية تبادل المحتجزين بين المدينتين", "تبادل الأسرى"),
        ("رفض البرلمان القرار", "مجلس النواب"),
    ],
)
def test_round4_spellings_match(body: str, term: str, lexicon: Lexicon) -> None:
    assert term in {t for t, *_ in judge("", body, lexicon).matched_terms}


# --- round 5: short spellings, exact terms, municipalities and tribes, Libya's neighbours --------------


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("خالص التعزية والمواساة لأسرة الفقيد", "صنعاء"),  # تعزية (condolence) is not تعز (Taiz)
        ("وقال عدنان إن الاجتماع انتهى", "صنعاء"),  # عدنان (a name) is not عدن (Aden)
        ("احتفلت المدرسة بمرور الخمسين عاما على تأسيسها", "الخمس"),  # fifty is not Khoms
        ("أقيم السباق على حلبة المدينة", "دمشق"),  # حلبة (a track) is not حلب (Aleppo)
        ("نشرت الوزارة نشرتها الدورية عن الأسعار", "الدوري"),  # periodic is not the league
        ("أوقفت الدورية الأمنية سيارة مشبوهة", "الدوري"),  # a patrol is not the league
        ("عاد المنفيين إلى ديارهم", "المنفي"),  # the exiles are not Menfi
    ],
)
def test_short_or_exact_spellings_do_not_match_through_a_suffix(
    body: str, term: str, lexicon: Lexicon
) -> None:
    assert term not in {t for t, *_ in judge("", body, lexicon).matched_terms}


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("سقطت قذائف على أحياء بتعز", "صنعاء"),  # proclitics are still stripped from short spellings
        ("وصل الوفد إلى عدن", "صنعاء"),
        ("قصفها الطيران ليلا في ليبيا", "قصف"),  # and attached pronouns other than ه
        ("أعلن الحوثيون خطفهم ثلاثة", "اختطاف"),
        ("عاد الهدوء إلى الخمس بعد أيام", "الخمس"),
        ("تصدر الأهلي الدوري الممتاز", "الدوري"),
        ("توقف والدوري لم يحسم", "الدوري"),
        ("ميليشياتها تنتشر في المدينة", "ميليشيات"),  # spellings of 4+ letters still shed suffixes
    ],
)
def test_short_and_exact_spellings_still_match_their_own_words(
    body: str, term: str, lexicon: Lexicon
) -> None:
    assert term in {t for t, *_ in judge("", body, lexicon).matched_terms}


def test_suffix_min_letters_zero_restores_suffix_stripping_for_every_spelling(lexicon: Lexicon) -> None:
    loose = Lexicon(lexicon.terms, replace(lexicon.scoring, suffix_min_letters=0), lexicon.source)
    assert "صنعاء" in {t for t, *_ in judge("", "خالص التعزية لأسرة الفقيد", loose).matched_terms}
    # exact = true holds whatever the setting
    assert "الدوري" not in {t for t, *_ in judge("", "الدورية الأمنية", loose).matched_terms}


def test_the_libyan_border_is_weak_evidence_of_a_libya_story(lexicon: Lexicon) -> None:
    verdict = judge("", "حجز أسلحة قرب الحدود الليبية", lexicon)
    weights = {t: w for t, _, w, _ in verdict.matched_terms}
    assert weights["الحدود الليبية"] == pytest.approx(1.0)
    assert "ليبي" not in weights  # the longest match consumed the adjective


def test_trained_in_libya_is_weak_and_does_not_anchor_ambiguous_names(lexicon: Lexicon) -> None:
    verdict = judge("", "قال إن منفذ الهجوم على سوسة تدرب في ليبيا", lexicon)
    weights = {t: w for t, _, w, _ in verdict.matched_terms}
    assert "ليبيا" not in weights  # consumed by the longest match
    assert weights["تدرب في ليبيا"] < 1.0 and weights["سوسة"] < 1.0  # neither anchors the other


def test_cairo_declaration_is_no_libya_term(lexicon: Lexicon) -> None:
    verdict = judge("", "وقع البلدان إعلان القاهرة", lexicon)
    assert verdict.matched_terms == ()


@pytest.mark.parametrize(
    ("town", "term"),
    [
        ("العجيلات", "العجيلات"),
        ("ككلة", "ككلة"),
        ("الأصابعة", "الأصابعة"),
        ("تازربو", "تازربو"),
        ("صرمان", "صرمان"),
        ("تاورغاء", "تاورغاء"),
        ("أوجلة", "أوجلة"),
        ("قمينس", "قمينس"),
        ("وادي الشاطئ", "براك الشاطئ"),
        ("قبيلة ورفلة", "ورفلة"),
        ("أبناء القذاذفة", "القذاذفة"),
    ],
)
def test_municipalities_and_tribes_are_unambiguous_libya_places(
    town: str, term: str, lexicon: Lexicon
) -> None:
    matched = {t.term: t for t in lexicon.terms}
    assert matched[term].category == "libya_place" and not matched[term].ambiguous
    verdict = judge("", f"وصلت القافلة إلى {town} صباح اليوم", lexicon)
    assert term in {t for t, *_ in verdict.matched_terms}


@pytest.mark.parametrize("term", ["التبو", "الطوارق", "أولاد سليمان", "سوسة", "شحات", "براك", "القبة"])
def test_names_shared_with_neighbours_or_common_words_are_ambiguous(term: str, lexicon: Lexicon) -> None:
    assert {t.term: t for t in lexicon.terms}[term].ambiguous


@pytest.mark.parametrize("word", ["بالمائة", "الجميل", "الشقيقة", "القلعة", "الشاطئ", "أدري", "المغاربة"])
def test_everyday_words_shared_with_small_towns_are_left_out(word: str, lexicon: Lexicon) -> None:
    verdict = judge("", f"قال إن {word} في الخبر", lexicon)
    assert not [t for t, cat, *_ in verdict.matched_terms if cat == "libya_place"]


# --- bad lexicon files -------------------------------------------------------------------------------

GOOD_CATEGORY = '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3 } ]\n'


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ("[category.places\n", None, "not valid TOML"),
        ("title = 1\n" + GOOD_CATEGORY, "'title'", "unknown top-level key"),
        ("[scoring]\nlibya_mn = 3\n" + GOOD_CATEGORY, "'scoring.libya_mn'", "unknown setting"),
        ("[scoring]\nfocus_min = 2\n" + GOOD_CATEGORY, "'scoring'", "between 0 and 1"),
        ("[scoring]\ncount_cap = -1\n" + GOOD_CATEGORY, "'scoring'", "non-negative"),
        ("[scoring]\nanchor_ambiguous_min = 2.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        ("[scoring]\nsplit_bodies_min = 1.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        ("[scoring]\ninflect_min_letters = 2.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, body = " " } ]\n',
            "body'",
            "non-empty name",
        ),
        (
            '[category.words]\nfeeds = ["dispute", "conflict"]\nterms = [ { term = "رفض", weight = 1 } ]\n',
            "'category.words.feeds'",
            "feeds nothing else",
        ),
        ("[scoring]\n", "'category'", "add [category.<name>]"),
        ('[category.places]\nfeeds = ["libya"]\n', "'category.places.terms'", "non-empty list"),
        (
            '[category.places]\nfeeds = ["mars"]\nterms = [ { term = "ليبيا", weight = 3 } ]\n',
            "'category.places.feeds'",
            "drawn from",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { weight = 3 } ]\n',
            "'category.places.terms[0].term'",
            "add term =",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = -1 } ]\n',
            "weight'",
            "(0, 10]",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = "3" } ]\n',
            "weight'",
            "(0, 10]",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, variants = "ليبيه" } ]\n',
            "variants'",
            "list of non-empty strings",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, colour = 1 } ]\n',
            "colour'",
            "unknown key",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, ambiguous = "yes" } ]\n',
            "ambiguous'",
            "true or false",
        ),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "ليبيا", weight = 3, exact = 1 } ]\n',
            "exact'",
            "true or false",
        ),
        ("[scoring]\nsuffix_min_letters = 3.5\n" + GOOD_CATEGORY, "'scoring'", "whole number"),
        (
            '[category.places]\nfeeds = ["libya"]\nterms = [ { term = "...", weight = 3 } ]\n',
            "(...)'",
            "no letters",
        ),
        (
            GOOD_CATEGORY
            + '[category.more]\nfeeds = ["libya"]\nterms = [ { term = "ليبيأ", weight = 1 } ]\n',
            "'category.more.terms[0] (ليبيأ)'",
            "already a spelling of ليبيا",
        ),
    ],
)
def test_bad_lexicon_names_file_key_and_fix(tmp_path: Path, text: str, key: str | None, fix: str) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)
    message = str(info.value)
    assert str(path) in message
    if key:
        assert key in message
    assert fix in message


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the lexicon"):
        load_lexicon(tmp_path / "nope.toml")


def test_minimal_lexicon_works(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        GOOD_CATEGORY + '[category.war]\nfeeds = ["conflict"]\nterms = [ { term = "قصف", weight = 3 } ]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    verdict = judge("قصف في ليبيا", "", lexicon)
    assert verdict.relevant
    assert {t for t, *_ in verdict.matched_terms} == {"قصف", "ليبيا"}


# --- round 7: inflected forms of vocabulary (crawler/relevance/match.py) -----------------------------------


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("قضت المحكمة بإعدام ثمانية من المسؤولين", "حكم الإعدام"),  # the article is optional, "ب" kept
        ("أربعة إيطاليين مخطوفون في ليبيا", "الخاطفين"),  # nominative of the listed "مخطوفين"
        ("أفرج عن المخطوفات الثلاث", "الخاطفين"),  # the feminine plural of the participle
        ("هاجم مقاتلو التنظيم المدينة", "مقاتلين"),  # the construct nominative
        ("أحكمت القوة سيطرتها على المطار", "سيطرة"),  # taa marbuta before a pronoun
        ("زرع المسلحون عبوات ناسفة على الطريق", "عبوة ناسفة"),  # a feminine noun's plural, inside a phrase
        ("خاضت الكتيبة قتالا عنيفا", "القتال"),  # indefinite accusative of an article-less alternate
        ("قال إن المجلس سيرفض القرار", "رفض"),  # the future prefix on an imperfect verb
    ],
)
def test_vocabulary_matches_its_inflected_forms(body: str, term: str, lexicon: Lexicon) -> None:
    assert term in {t for t, *_ in judge("", body, lexicon).matched_terms}
    plain = replace(lexicon, scoring=replace(lexicon.scoring, inflect_min_letters=0))
    assert term not in {t for t, *_ in judge("", body, plain).matched_terms}  # the inflection did it


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("وبخلاف ذلك لم يصدر أي بيان", "الخلاف"),  # exact: the article stays ("بخلاف" = apart from)
        ("استعرضت القوات المسلحة قدراتها", "مسلحين"),  # gunmen are no country's armed forces
        ("في مواجهة التحديات الاقتصادية", "مواجهات"),  # no plural -> singular: "facing" is not "clashes"
        ("ننظر إلى الأمر من زاوية أخرى", "الزاوية"),  # names keep their article: a corner is not Zawiya
        ("قال سيدي إبراهيم إن الموسم جيد", "تدين"),  # "سيدين" (future of "يدين") never sheds "ين"
        ("نشرت الوزارة نشرتها الدورية", "الدوري"),
    ],
)
def test_inflections_keep_the_safeguards(body: str, term: str, lexicon: Lexicon) -> None:
    assert term not in {t for t, *_ in judge("", body, lexicon).matched_terms}


def test_alternates_of_names_and_vocabulary() -> None:
    from crawler.relevance.match import alternates

    assert alternates("الزاويه", vocabulary=False, loose=True, min_letters=3) == {"الزاويه"}
    vocab = alternates("بالاعدام", vocabulary=True, loose=True, min_letters=3)
    assert {"بالاعدام", "باعدام"} <= vocab and "اعدام" not in vocab  # the author's "ب" is kept
    assert {"مخطوفون", "مخطوفي", "مخطوفات"} <= alternates("مخطوفين", True, True, 3)
    assert "مخطوفه" not in alternates("مخطوفين", True, True, 3)
    assert alternates("مخطوفين", True, True, 0) == {"مخطوفين"}
    assert alternates("قصف", True, False, 3) == {"قصف"}  # short: no ending exchanged


def test_a_terms_own_spelling_beats_another_terms_inflection(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        GOOD_CATEGORY + '[category.war]\nfeeds = ["conflict"]\nterms = [\n'
        '  { term = "مخطوفين", weight = 1 },\n  { term = "مخطوفون", weight = 2 },\n]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    found = {t: n for t, _, _, n in judge("", "مخطوفون ثم مخطوفين ثم مخطوفي", lexicon).matched_terms}
    # each word goes to the term that spells it; the construct form, spelled by neither, to the first listed
    assert found == {"مخطوفون": 1, "مخطوفين": 2}


def cold_lexicon() -> Lexicon:
    """The bundled lexicon with a phrase index of its own, its caches empty (load_lexicon gives the lexicon it read
    before, once per content in a process, index and caches included)."""
    read = load_lexicon(LEXICON)
    return Lexicon(read.terms, read.scoring, read.source, read.reader)


def test_the_matchers_word_cache_never_changes_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    # PhraseIndex.starts keeps what each distinct word can begin (issue 10): a fresh lexicon, the same lexicon
    # after other texts filled its cache, and one whose cache is renewed every few words judge alike
    from crawler.relevance import match

    texts = [
        ("اشتباكات في طرابلس", "قال المتحدث باسم الجيش الوطني الليبي إن قوات حكومة الوحدة الوطنية قصفت مواقع"),
        ("", "اشتباكات في الزاوية غرب العاصمة طرابلس ورفض البرلمان القرار وأغلق معبر رأس اجدير"),
        ("حلبة", "تعزية في عدنان الخمسين ومخطوفون ثم مخطوفين ثم مخطوفي بالإعدام في حكومتين"),
    ]
    fresh = [judge(t, b, cold_lexicon()) for t, b in texts]
    warm = cold_lexicon()
    for t, b in reversed(texts):
        judge(t, b, warm)
    assert [judge(t, b, warm) for t, b in texts] == fresh
    monkeypatch.setattr(match, "_STARTS_MAX", 3)
    assert [judge(t, b, cold_lexicon()) for t, b in texts] == fresh
    assert fresh[0].relevant and fresh[0].matched_terms  # the texts do match lexicon forms
    # PhraseIndex.pair keeps what each distinct word pair matches (issue 10): renewed at every pair, the same verdicts
    monkeypatch.setattr(match, "_PAIRS_MAX", 1)
    assert [judge(t, b, cold_lexicon()) for t, b in texts] == fresh


def test_the_matchers_pair_cache_is_bounded_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.relevance import match

    lexicon = load_lexicon(LEXICON)
    words = tokens("قوات حكومة الوحدة الوطنية و قوات الجيش الوطني الليبي و حكومة الوحدة الوطنية")
    counts: dict[int, int] = {}
    match.match(words, lexicon.index, counts)
    # the government and the army, by their multi-word names, three times in all
    assert sum(c for i, c in counts.items() if len(lexicon.terms[i].forms[0]) > 1) == 3
    pairs = dict(lexicon.index._pairs)
    assert ("حكومه", "الوحده") in pairs  # a word that begins longer forms, and the word after it
    match.match(words, lexicon.index, again := {})
    assert again == counts and all(lexicon.index._pairs[k] is v for k, v in pairs.items())  # reused, not remade
    monkeypatch.setattr(match, "_PAIRS_MAX", 2)
    fresh = cold_lexicon()
    match.match(words, fresh.index, bounded := {})
    assert bounded == counts and len(fresh.index._pairs) <= 2
