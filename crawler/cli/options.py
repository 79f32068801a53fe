"""Small helpers shared by the command-line modules."""

from __future__ import annotations

import click


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
