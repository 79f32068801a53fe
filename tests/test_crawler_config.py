"""Outlet configuration: loading, defaults and errors that name the file, the outlet and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config import load_outlets, parse_interval, select_outlets

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(tmp_path: Path, text: str, name: str = "outlets.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_outlet_gets_defaults(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "x"\nfeeds = ["https://x.example/rss"]\n')
    (outlet,) = load_outlets(path)
    assert outlet.name == "x" and outlet.display_name == "x"
    assert outlet.topic_filter is True and outlet.schedule == "1h"
    assert outlet.domains() == ("x.example",)
    assert outlet.owns("https://www.x.example/a") and not outlet.owns("https://evil.example/x.example")


def test_folder_loads_every_toml_but_the_lexicon(tmp_path):
    write(tmp_path, '[[outlet]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n', "a.toml")
    write(tmp_path, '[[outlet]]\nname = "b"\nsitemaps = ["https://b.example/s.xml"]\n', "b.toml")
    write(tmp_path, 'this is = "not an outlet file"\n', "lexicon.toml")
    assert [o.name for o in load_outlets(tmp_path)] == ["a", "b"]


@pytest.mark.parametrize("body, key, fragment", [
    ('name = "x"\nfeeds = ["https://x/rss"]\nfeedz = []', "feedz", "unknown key"),
    ('name = "x"\nfeeds = ["https://x/rss"]\narticle_urls = ["(unclosed"]', "article_urls", "bad regular expression"),
    ('name = "X Y"\nfeeds = ["https://x/rss"]', "name", "lower-case"),
    ('name = "x"\nfeeds = ["ftp://x/rss"]', "feeds", "not an http(s) URL"),
    ('name = "x"\nfeeds = "https://x/rss"\nschedule = "often"', "schedule", "cron"),
    ('name = "x"\ntopic_filter = "yes"\nfeeds = ["https://x/rss"]', "topic_filter", "must be a bool"),
    ('name = "x"', "start_urls", "nothing to crawl"),
])
def test_errors_name_file_outlet_and_key(tmp_path, body, key, fragment):
    path = write(tmp_path, "[[outlet]]\n" + body + "\n")
    with pytest.raises(ConfigError) as info:
        load_outlets(path)
    message = str(info.value)
    assert str(path) in message and f"key {key!r}" in message and fragment in message
    assert info.value.key == key


def test_duplicate_names_are_refused(tmp_path):
    write(tmp_path, '[[outlet]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n', "1.toml")
    write(tmp_path, '[[outlet]]\nname = "a"\nfeeds = ["https://b.example/rss"]\n', "2.toml")
    with pytest.raises(ConfigError, match="already used"):
        load_outlets(tmp_path)


def test_bad_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[[outlet]\nname=")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_outlets(path)
    assert str(path) in str(info.value)


def test_select_unknown_outlet_lists_known(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n')
    outlets = load_outlets(path)
    assert select_outlets(outlets, []) == outlets
    with pytest.raises(ConfigError, match="configured: a"):
        select_outlets(outlets, ["zz"])


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("*/5 * * * *", None)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


def test_article_and_follow_patterns(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "a"\nstart_urls = ["https://a.example/"]\n'
                 'article_urls = ["/news/\\\\d+"]\nfollow_urls = ["[?&]page=\\\\d+"]\ndeny_urls = ["/news/0"]\n')
    (outlet,) = load_outlets(path)
    assert outlet.is_article("https://a.example/news/12")
    assert not outlet.is_article("https://a.example/news/0")
    assert outlet.is_followed("https://a.example/section?page=2")


def test_every_seeds_file_loads():
    outlets = load_outlets(SEEDS)
    assert len(outlets) >= 8
