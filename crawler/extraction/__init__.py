"""Extraction: title, body, date and language of one article page (trafilatura and our stages)."""
