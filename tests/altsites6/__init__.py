"""One more outlet style for end-to-end tests: an AMP-first news site whose canonical pages are thin and whose AMP
pages hold the story."""

from .server import serve_alt_sites6

__all__ = ["serve_alt_sites6"]
