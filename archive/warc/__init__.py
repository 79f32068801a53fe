"""WARC files: building, writing, reading and checking records."""
