"""Domain errors of newsarchive; the CLI turns them into user messages."""

from __future__ import annotations


class NewsArchiveError(Exception):
    """Base class of every error newsarchive raises on purpose."""


class ConfigError(NewsArchiveError):
    """A configuration file is wrong; the message names the file, the outlet, the key and the fix."""

    def __init__(self, path: object, message: str, *, outlet: str | None = None, key: str | None = None):
        where = str(path)
        if outlet:
            where += f", outlet {outlet!r}"
        if key:
            where += f", key {key!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.outlet = outlet
        self.key = key


class ConfigErrors(ConfigError):
    """Several configuration errors, reported together; ``errors`` holds each one."""

    def __init__(self, errors: list[ConfigError]):
        NewsArchiveError.__init__(self, f"{len(errors)} problems in the outlet configuration:\n"
                                  + "\n".join(f"  {e}" for e in errors))
        self.errors = errors
        self.path, self.outlet, self.key = errors[0].path, errors[0].outlet, errors[0].key


class ArchiveIntegrityError(NewsArchiveError):
    """A WARC file or catalogue pointer is not what it should be."""


class ExportError(NewsArchiveError):
    """An export cannot be made as asked (bad filter, unknown outlet, unknown format)."""
