"""The `newsarchive` command line: one click group, shared options, domain errors turned into messages."""
