"""Two more outlet styles for end-to-end tests: a Libyan news site behind a bot-protection layer (JavaScript, cookie
and Retry-After challenges in Arabic and English) and an Arab news site behind a cookie-consent overlay and an
age/region gate, with a print view of every story."""

from .server import serve_alt_sites16

__all__ = ["serve_alt_sites16"]
