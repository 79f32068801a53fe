"""Two more outlet styles for end-to-end tests: a satellite TV channel's news site and a regional portal on a
shared-hosting CMS."""

from .server import serve_alt_sites5

__all__ = ["serve_alt_sites5"]
