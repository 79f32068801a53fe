"""Two more unseen outlet sites (Joomla-style portal, Blogger-style news blog) for end-to-end tests; see server.py."""

from .server import ADDRESSES, AltSites2, serve_alt_sites2

__all__ = ["ADDRESSES", "AltSites2", "serve_alt_sites2"]
