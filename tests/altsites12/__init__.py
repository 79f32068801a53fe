"""Two more outlet styles for end-to-end tests: a Libyan news portal on Drupal 7 (node and alias addresses, Views
listings paged with ``?page=N``, taxonomy terms and their feeds, ``/rss.xml``, RDFa dates, galleries and files) and a
Libyan outlet's Telegram channel read through t.me's web preview (``/s/<channel>`` paged with ``?before=``, message
pages that keep the text in ``og:description``, albums, forwarded and edited messages)."""

from .server import serve_alt_sites12

__all__ = ["serve_alt_sites12"]
