"""The search index: a contentless FTS5 table that SQL triggers keep in step with ``articles`` (m010).

The index holds each article's title and its index text (``archive.corpus.search.index_text``: the normalised
words and their clitic-stripped forms), and nothing else: no copy of the body, no stored index text. FTS5 needs
the values a row was indexed with to remove it, so the triggers compute them again from the article's title and
body with the SQL function ``search_index_text(title, text)``, which every connection that writes articles
registers (``register``; ``archive.catalogue.db.Catalogue`` does). A connection without it fails loudly ("no
such function") instead of corrupting the index. Readers need nothing: a search reads the index alone.

SQLite 3.43's ``contentless_delete=1`` would make the recomputation unnecessary, but Debian bookworm's Python
links SQLite 3.40. If ``index_text`` ever changes what it produces, the articles indexed before the change must
be indexed again (``reindex`` in a new migration), or their old entries could not be removed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from archive.corpus.search import index_text

logger = logging.getLogger(__name__)

FUNCTION = "search_index_text"

CREATE_SQL = ("create virtual table articles_fts using fts5(title, search_text, content='', "
              "tokenize='unicode61 remove_diacritics 2')")
TRIGGERS_SQL = (
    """create trigger articles_ai after insert on articles begin
      insert into articles_fts (rowid, title, search_text)
        values (new.rowid, new.title, search_index_text(new.title, new.text));
    end""",
    """create trigger articles_ad after delete on articles begin
      insert into articles_fts (articles_fts, rowid, title, search_text)
        values ('delete', old.rowid, old.title, search_index_text(old.title, old.text));
    end""",
    # only when the indexed words can have changed: last_seen, story_id, seq ... leave the index alone (m009)
    """create trigger articles_au after update of title, text on articles
      when old.title is not new.title or old.text is not new.text begin
      insert into articles_fts (articles_fts, rowid, title, search_text)
        values ('delete', old.rowid, old.title, search_index_text(old.title, old.text));
      insert into articles_fts (rowid, title, search_text)
        values (new.rowid, new.title, search_index_text(new.title, new.text));
    end""",
)


def register(conn: sqlite3.Connection, precomputed: dict[tuple[str, str], str] | None = None) -> None:
    """Register ``search_index_text`` on a connection that writes articles.

    ``precomputed``: index texts an extraction worker already made (crawler.capture.prepare), by (title, text);
    the trigger takes one from there (once) instead of computing it again on the writer.
    """
    store = precomputed if precomputed is not None else {}
    conn.create_function(FUNCTION, 2, _indexer(store), deterministic=True)


def _indexer(store: dict[tuple[str, str], str]) -> Callable[[str | None, str | None], str]:
    def search_index_text(title: str | None, text: str | None) -> str:
        key = (title or "", text or "")
        found = store.pop(key, None)
        return found if found is not None else index_text(*key)

    return search_index_text


def reindex(conn: sqlite3.Connection) -> None:
    """Build the index again from every article's title and body (after a change to ``index_text``)."""
    conn.execute("insert into articles_fts (articles_fts) values ('delete-all')")
    conn.execute("insert into articles_fts (rowid, title, search_text) "
                 "select rowid, title, search_index_text(title, text) from articles")
