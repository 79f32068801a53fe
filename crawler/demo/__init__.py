"""Bundled sample outlet sites served on loopback, for ``newsarchive demo`` and the end-to-end tests.

Stdlib only (http.server and threads, no scrapy), so the sites can run inside the pytest process::

    from crawler.demo import serve_demo_sites

    with serve_demo_sites() as sites:
        seeds = sites.write_seeds(tmp_path / "demo.toml")
        ...  # crawl them

What a perfect crawl of them finds (the tests' oracle) lives with the tests, in tests/demo_oracle.py.
"""

from __future__ import annotations

from crawler.demo.content import DemoArticle, DemoOutlet, load_articles
from crawler.demo.server import DemoSites, seeds_toml, serve_demo_sites

__all__ = ["DemoArticle", "DemoOutlet", "DemoSites", "load_articles", "seeds_toml", "serve_demo_sites"]
