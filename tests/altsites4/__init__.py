"""Two more outlet styles for end-to-end tests: a state news agency and a static (Hugo) news blog on a CDN."""

from .server import serve_alt_sites4

__all__ = ["serve_alt_sites4"]
