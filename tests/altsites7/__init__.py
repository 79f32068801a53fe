"""Two more outlet styles for end-to-end tests: a pan-Arab site with "continuous reading" (the next stories' full text
under each story) and JSON listings, and a mobile-split newspaper (www and m. hosts)."""

from .server import serve_alt_sites7

__all__ = ["serve_alt_sites7"]
