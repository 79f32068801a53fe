"""Storage for newsarchive: WARC files, the SQLite catalogue and the text corpus (no scrapy, no trafilatura)."""
