"""Two more outlet styles for end-to-end tests: a Libyan news blog on Blogger/Blogspot (2011-2016, a widget-heavy
layout, mobile and comment variants, label and search pages, Atom, RSS and summary feeds, a sitemap index of pages)
and a Libyan municipal outlet on Joomla with K2 (SEF and ``option=com_k2`` item addresses, items split by
``{pagebreak}``, print views, extra fields, K2's dates)."""

from .server import serve_alt_sites11

__all__ = ["serve_alt_sites11"]
