"""Two more outlet styles for end-to-end tests: a news portal behind Cloudflare (brotli and deflate, Vary: User-Agent,
email obfuscation, soft 404s) and a print daily's website (the date only in the URL and a Hijri dateline, an endless
calendar archive, tables, interviews, footnotes and pull-quotes in its stories)."""

from .server import serve_alt_sites9

__all__ = ["serve_alt_sites9"]
