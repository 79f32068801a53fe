"""Round 64 of the relevance judge (from holdout226-229's errors, development data since their first judgement).

* An armed actor as old as the older war (term key ``timeless``: the Libyan army, a military region) does not keep a
  story dated before 2011 from being history; today's armed actors still do (round 41).

Every probe was written for this round (none is a holdout article).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.relevance.judge import Lexicon, judge
from crawler.relevance.lexicon import load_lexicon

#: A feature on the 1980 border fighting, the Libyan army named: history.
OLD = (
    "اشتباكات 1980 على الحدود.. صفحة منسية من حروب الجنوب",
    "نجامينا - في الثاني من مارس 1980 تقدمت وحدات من الجيش الليبي نحو الحدود الجنوبية، واندلعت اشتباكات عنيفة مع "
    "القوات التشادية قرب الواحات، وسقط قتلى من الطرفين في معارك استمرت أياما، قبل أن تنسحب القوات إلى مواقعها. "
    "ويروي قدامى المحاربين أن القصف المدفعي لم يتوقف ليلة واحدة، وأن الجرحى نقلوا إلى مستشفيات الكفرة.",
)


def test_the_libyan_army_in_a_story_dated_1980_is_history(lexicon: Lexicon) -> None:
    assert not judge(*OLD, lexicon).relevant
    # without the key, the army kept it from being history (round 63)
    terms = tuple(dataclasses.replace(t, timeless=False) for t in lexicon.terms)
    assert judge(*OLD, dataclasses.replace(lexicon, terms=terms)).relevant


def test_todays_armed_actors_still_keep_it_todays(lexicon: Lexicon) -> None:
    today = (OLD[0], OLD[1].replace("وحدات من الجيش الليبي", "وحدات من الجيش الليبي وكتيبة سبل السلام"))
    assert judge(*today, lexicon).relevant


def test_timeless_must_be_true_or_false(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.toml"
    bad.write_text('[category.libya_armed]\nfeeds = ["libya", "conflict"]\n'
                   'terms = [{ term = "الجيش الليبي", weight = 3, timeless = "yes" }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="timeless"):
        load_lexicon(bad)
