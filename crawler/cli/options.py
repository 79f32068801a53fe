"""What the command-line modules share: click options defined once (--data, --seeds, -s) and ``-s`` parsing."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.config.bundled import SEEDS

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

seeds_option = click.option("--seeds", type=click.Path(path_type=Path), default=SEEDS, show_default="seeds/",
                            help="Outlet config: a TOML file or a folder of TOML files.")
data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"),
                           show_default=True, help="Data folder: catalogue.db, warc/, text/, logs/.")
set_option = click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE",
                          help="Override a setting (repeatable).")


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` options as a dict; a value without ``=`` is a usage error with an example."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write NAME=VALUE, e.g. -s CRAWL_CONTACT_URL=https://example.org",
                                     param_hint="-s")
        out[key.strip()] = value
    return out
