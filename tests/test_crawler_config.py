"""Outlet configuration: loading, defaults and errors that name the file, the outlet and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from crawler.config.outlets import ConfigErrors, load_outlets, parse_interval, select_outlets

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
    ('name = "x"\nfeeds = ["https://x/rss"]\nmax_depth = 2.5', "max_depth", "must be an int"),
    ('name = "Portal Two"\nfeeds = ["https://x/rss"]', "name", "'Portal Two' is not a valid name"),
    ('name = "x"\nfeeds = ["https://x.example/rss"]\nallowed_domains = ["x.example:8081"]', "allowed_domains",
     "is not a host name"),
    ('name = "x"\nfeeds = ["https://x.example/rss"]\nallowed_domains = ["https://x.example"]', "allowed_domains",
     "e.g. 'x.example'"),
    ('name = "x"\nfeeds = ["https://x.example/rss"]\nallowed_domains = ["y.example"]', "allowed_domains",
     "'x.example', which allowed_domains ['y.example'] leave out"),
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


def test_every_error_is_reported_at_once_with_did_you_mean(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "a"\nfeedz = ["https://a.example/rss"]\nstart_urls = ["https://a.example/"]\n'
                           'article_urls = ["(unclosed"]\nconcurency = 3\n\n'
                           '[[outlet]]\nname = "b"\nfeeds = ["ftp://b.example/rss"]\ntopic_filter = "yes"\n')
    with pytest.raises(ConfigErrors) as info:
        load_outlets(path)
    errors = info.value.errors
    assert [(e.outlet, e.key) for e in errors] == [
        ("a", "concurency"), ("a", "feedz"), ("a", "article_urls"), ("b", "feeds"), ("b", "topic_filter")]
    message = str(info.value)
    assert message.startswith("5 problems in the outlet configuration")
    assert "unknown key 'feedz'; did you mean 'feeds'?" in message
    assert "unknown key 'concurency'; did you mean 'concurrency'?" in message
    assert message.count(str(path)) == 5
    assert isinstance(info.value, ConfigError) and info.value.key == "concurency"


def test_errors_across_files_are_collected_and_far_keys_list_the_known_ones(tmp_path):
    write(tmp_path, '[[outlet]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nwhatever = 1\n', "1.toml")
    write(tmp_path, '[[outlet]\nname = "b"\n', "2.toml")
    write(tmp_path, '[[outlets]]\nname = "c"\n', "3.toml")
    with pytest.raises(ConfigErrors) as info:
        load_outlets(tmp_path)
    message = str(info.value)
    assert len(info.value.errors) == 3
    assert "unknown key 'whatever'; known keys are" in message
    assert f"{tmp_path / '2.toml'}: not valid TOML" in message
    assert "unknown top-level key 'outlets'" in message and "did you mean 'outlet'?" in message


def test_cli_reports_all_config_errors_without_traceback(tmp_path):
    from click.testing import CliRunner

    from crawler.cli.main import cli

    path = write(tmp_path, '[[outlet]]\nname = "a"\nfeedz = ["https://a.example/rss"]\n'
                           'homepage = "https://a.example/"\nschedul = "1h"\ndownload_delay = -1\n'
                           '[[outlet]]\nname = "b"\nfeeds = ["https://b.example/rss"]\nconcurrency = 0\n')
    result = CliRunner().invoke(cli, ["crawl", "--seeds", str(path), "--data", str(tmp_path / "d")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "4 problems" in result.output and "did you mean 'schedule'?" in result.output
    assert "outlet 'b', key 'concurrency': must be at least 1" in result.output
    assert not (tmp_path / "d").exists()


def test_a_misspelt_source_key_is_one_error_not_two(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "x"\nfeedz = ["https://x.example/rss"]\n')
    with pytest.raises(ConfigError) as info:
        load_outlets(path)
    assert "did you mean 'feeds'" in str(info.value) and "nothing to crawl" not in str(info.value)


def test_allowed_domains_cover_subdomains_and_a_homepage_that_is_only_shown(tmp_path):
    path = write(tmp_path, '[[outlet]]\nname = "x"\nhomepage = "https://other.example/"\n'
                 'feeds = ["https://www.x.example/rss"]\nallowed_domains = ["x.example"]\n')
    (outlet,) = load_outlets(path)
    assert outlet.domains() == ("x.example",)
