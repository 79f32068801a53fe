"""Capture: the crawl session (WARC writer, catalogue connection) and storing each article."""
