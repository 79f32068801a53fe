"""The SQLite catalogue: schema, transactions, articles, aliases, mentions."""
