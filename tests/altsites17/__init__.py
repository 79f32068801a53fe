"""Two more outlet styles for end-to-end tests: a news agency that publishes each report in Arabic, English and
French (hreflang alternates, cross-language canonicals, wrong ``<html lang>``, a feed per language) and a news site
whose story pages carry the next stories inline ("infinite article") with long "read also" teasers."""

from .server import serve_alt_sites17

__all__ = ["serve_alt_sites17"]
