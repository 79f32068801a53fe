"""A unique ORDER BY for Datasette's main table query (``crawler/web/paging.py`` says why it is needed).

The SQL knowledge lives here, as all the project's SQL does; the web adapter passes the names already escaped the way
Datasette escapes them, so this module needs nothing of Datasette's.
"""

from __future__ import annotations

import re

# Datasette 0.65's main table query; the ORDER BY is one column (a comma means a tie-breaker is there already).
_MAIN_SQL = re.compile(
    r"^(?P<head>select .+? from (?P<table>\S+) (?:where .+? )?)(?:order by (?P<order>[^,()]+?) )?"
    r"(?P<tail>limit \d+(?: offset \d+)?)$", re.S)


def is_main_query(sql: str) -> bool:
    """Whether ``sql`` has the shape of Datasette's main table query."""
    return _MAIN_SQL.match(sql) is not None


def tie_broken(sql: str, table_sql: str, keys_sql: list[str]) -> str:
    """``sql`` with ``keys_sql`` as the last ``ORDER BY`` terms when it is Datasette's main query of ``table_sql``.

    ``table_sql`` and ``keys_sql`` are escaped as Datasette escapes them (``rowid`` as it is).
    """
    match = _MAIN_SQL.match(sql)
    if match is None or match.group("table") != table_sql or not keys_sql:
        return sql
    order = match.group("order")
    key_sql = ", ".join(keys_sql)
    if order is None:
        if " order by " in match.group("head"):
            return sql  # ordered by several terms already (a later page: Datasette's own tie-breaker)
        return f"{match.group('head')}order by {key_sql} {match.group('tail')}"
    if [order.removesuffix(" desc")] == keys_sql:
        return sql  # sorted by the key itself: unique already
    return f"{match.group('head')}order by {order}, {key_sql} {match.group('tail')}"
