"""Two more outlet styles for end-to-end tests: a client-rendered single-page app whose story pages are shells (the
story whole only in their JSON-LD articleBody), and a metered-paywall newspaper (Google's paywall markup, Arabic-Indic
digits in its URLs)."""

from .server import serve_alt_sites8

__all__ = ["serve_alt_sites8"]
