"""Two more outlet styles for end-to-end tests: a Gulf news portal on a Bitrix-style CMS (SEF and ``ELEMENT_ID``
addresses, ``PAGEN_1`` paging that robots.txt forbids, a sitemap index, dates only in the Hijri calendar) and a southern
Libyan news site made with a hosted site builder (bodies as ``<div>``s of styled ``<span>``s with invisible characters,
tatweel and Arabic presentation forms; a gallery post of captions)."""

from .server import serve_alt_sites10

__all__ = ["serve_alt_sites10"]
