"""Two more outlet styles for end-to-end tests: a 2008-2014 windows-1256 portal and a 2020s Next.js-like site."""

from .server import serve_alt_sites3

__all__ = ["serve_alt_sites3"]
