"""The seeds TOML that configures the running demo sites as outlets (see crawler/config/outlets.py for the keys)."""

from __future__ import annotations

from crawler.demo.content import DemoOutlet


def _toml_list(items: list[str], literal: bool = False) -> str:
    if literal:  # regexes: TOML literal strings keep backslashes as they are
        return "[" + ", ".join(f"'{i}'" for i in items) + "]"
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


_DISCOVERY = {  # key -> paths on the outlet's base URL
    "feed": {"start_urls": ("/",), "feeds": ("/feed/rss.xml", "/feed/atom.xml")},
    "sitemap": {"start_urls": ("/",), "sitemaps": ("/sitemap_index.xml",)},
    "legacy": {"start_urls": ("/index.php",)},
}
_PATTERNS = {  # key -> regexes
    "feed": {"article_urls": (r"/news/\d{4}/\d{2}/\d{2}/[^/?#]+$",), "follow_urls": (r"/section/[a-z-]+$",)},
    "sitemap": {"article_urls": (r"/[a-z-]+/article/\d+$",), "follow_urls": (r"/section/[a-z-]+$",)},
    "legacy": {"article_urls": (r"/article\.php\?id=\d+", r"/news_details\.php\?nid=\d+"),
               "follow_urls": (r"/section\.php\?cat=[a-z]+",)},
}


def seeds_toml(outlets: list[DemoOutlet]) -> str:
    """The seeds TOML text for ``outlets`` (download_delay 0, allowed_domains the bound IP)."""
    blocks = ["# The newsarchive demo sites (crawler/demo), served on loopback. Generated; do not edit.\n"]
    for o in outlets:
        b = o.base_url
        urls = _DISCOVERY[o.style]
        discovery = "".join(f"{key} = {_toml_list([b + p for p in paths])}\n" for key, paths in urls.items())
        discovery += "".join(f"{key} = {_toml_list(list(regexes), literal=True)}\n"
                             for key, regexes in _PATTERNS[o.style].items())
        blocks.append(f"""[[outlet]]
name = "{o.name}"
display_name = "{o.display_name}"
language = "ar"
homepage = "{b}/"
{discovery}allowed_domains = ["{o.host}"]
topic_filter = true
download_delay = 0
concurrency = 4
schedule = "1h"
notes = "demo site, style {o.style}"
""")
    return "\n".join(blocks)
