"""What the command-line modules share: click options defined once (--data, --seeds, -s) and ``-s`` parsing."""

from __future__ import annotations

import os
from pathlib import Path

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}



def path_given(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """The option's path; an empty one (``--data "$DATA"`` with the variable unset) is refused: read as the current
    folder, it made a crawl write its catalogue, WARCs and text files wherever it was started (stop 41's probe)."""
    if value == "":
        raise click.BadParameter("is empty (an unset variable?): give a path, or . for the current folder")
    return Path(value)


# seeds/ of the current folder, as the README says: no seeds/ here is an error that names the package's example outlets
# (crawler/config/outlets.py _files); before stop 37 the installed package's real outlets were used without a word
seeds_option = click.option("--seeds", type=click.Path(), default="seeds", show_default="seeds/", callback=path_given,
                            help="Outlet config: a TOML file or a folder of TOML files.")
data_option = click.option("--data", "data_dir", type=click.Path(), default="data", callback=path_given,
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
        if not key.strip():
            raise click.BadParameter(f"{item!r}: the setting's name is missing; write NAME=VALUE, e.g. -s "
                                     "DOWNLOAD_DELAY=2", param_hint="-s")
        out[key.strip()] = value
    return out


def check_writable_data(data_dir: Path, *, writes_catalogue: bool = True) -> None:
    """Refuse a ``--data`` a crawl cannot write, before anything starts: a file, a path under a file, a read-only
    folder or catalogue (README "Limits and safety": the commands that write say the folder is read-only).

    ``writes_catalogue`` False (a scale-out worker, which writes only WARC files and reads the catalogue): a
    read-only ``catalogue.db`` is no fault, a read-only ``warc/`` is."""
    path = Path(data_dir)
    if path.exists() and not path.is_dir():
        raise click.BadParameter(f"{path} is a file, not a folder: give --data a folder (made when missing)",
                                 param_hint="--data")
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise click.BadParameter(f"{existing} is a file, so {path} cannot be a folder: give --data a folder",
                                 param_hint="--data")
    catalogue, warc = path / "catalogue.db", path / "warc"
    if not writes_catalogue:
        if not os.access(existing, os.W_OK | os.X_OK) or (warc.is_dir() and not os.access(warc, os.W_OK | os.X_OK)):
            raise click.ClickException(
                f"the data folder {path} is read-only{'' if existing == path else f' ({existing} is)'}: a worker "
                "writes its WARC files in its warc/. Give --data a writable folder")
        if warc.exists() and not warc.is_dir():
            raise click.BadParameter(f"{warc} is a file: a worker writes its WARC files in that folder; move the "
                                     "file away", param_hint="--data")
        return
    if not os.access(existing, os.W_OK | os.X_OK) or (catalogue.exists() and not os.access(catalogue, os.W_OK)):
        raise click.ClickException(
            f"the data folder {path} is read-only{'' if existing == path else f' ({existing} is)'}: a crawl writes "
            "its catalogue, WARC and text files there. Give --data a writable folder; status, index --out, export, "
            "check and serve read a read-only archive")


def check_crawl_sets(sets: tuple[str, ...], *, data_dir: Path, seeds: Path, outlets: tuple[str, ...] = (),
                     trigger: str = "cli") -> dict[str, str]:
    """``-s`` values parsed and checked as a crawl would read them (crawler.config.checks), before anything runs: the
    crawls ``schedule`` starts, and a ``recrawl``, fail here with one message rather than each time they run.
    Unknown names are a warning. Returns the parsed values."""
    from crawler.config.checks import check_crawl_settings
    from crawler.runner import crawl_settings, warn_unknown

    overrides = parse_sets(sets)
    settings = crawl_settings(data_dir=data_dir, seeds=seeds, outlets=outlets, trigger=trigger, overrides=overrides)
    check_crawl_settings(settings, overrides)
    warn_unknown(overrides)
    return overrides
