"""Two more outlet styles for end-to-end tests: a Libyan news site on Next.js whose story pages are shells (the story
only in ``__NEXT_DATA__``'s page props, the feed's links without the slug) and a Libyan newsletter outlet on Ghost 5
(Casper, Koenig cards, members-only previews, ``/page/2/`` named only by ``<link rel="next">``, AMP views, a sitemap
index of four sitemaps, dates printed with Arabic-Indic digits)."""

from .server import serve_alt_sites13

__all__ = ["serve_alt_sites13"]
