"""One hostile round's outlet after its module's crawl: the catalogue's rows for that outlet's host (rounds 11-14)."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Crawled:
    """The outlet on ``host`` (a loopback address) after one crawl into ``data``."""

    sites: Any  # the round's running sites (tests/hostileN/site.py Sites)
    data: Path
    result: subprocess.CompletedProcess[str]
    host: str

    def query(self, sql: str, *args: object) -> list[tuple]:
        """Rows of a query on the catalogue."""
        with sqlite3.connect(self.data / "catalogue.db") as db:
            return db.execute(sql, args).fetchall()

    def failures(self) -> dict[str, tuple[str, str]]:
        """{path: (reason, detail)} of the outlet's failures."""
        return {re.sub(r"^https?://[^/]+", "", url): (reason, detail or "")
                for url, reason, detail in self.query("select url, reason, detail from failures where url like ?",
                                                      f"http://{self.host}:%")}

    def titles(self) -> dict[str, str]:
        """{path: title} of the outlet's articles."""
        return {re.sub(r"^https?://[^/]+", "", url): title
                for url, title in self.query("select url, title from articles where url like ?",
                                             f"http://{self.host}:%")}
