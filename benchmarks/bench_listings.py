"""Listings read as articles (issue 13): where crawler.extraction.listing's two rules fire on real article pages.

    python benchmarks/bench_listings.py            # every HTML page of ../shared/corpora, a few minutes
    python benchmarks/bench_listings.py --limit 300

Every page of the shared corpora that ``extract_article`` reads as an article is a real article page (news, blogs,
the extraction benchmarks' pages), so any page either rule calls a listing is a misfire. The rules are judged twice:
as the extraction applies them (only on pages without article markup) and on every article page, markup ignored,
which is how they would do on an outlet that marks nothing. Pages are read by path from ``../shared/corpora``
(skipped with a message when absent); the URL given to extraction is the page's canonical link or og:url when it has
an absolute one, else a stand-in, so relative links resolve to the page's own site. No network.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extraction.article import _canonical, _parse_flat, extract_article  # noqa: E402
from crawler.extraction.decode import decode_html  # noqa: E402
from crawler.extraction.listing import listing_reason  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
URL_RE = re.compile(rb'<link[^>]+rel=["\']canonical["\'][^>]+href=["\'](https?://[^"\']+)'
                    rb'|property=["\']og:url["\'][^>]+content=["\'](https?://[^"\']+)')
STAND_IN = "http://corpus.example/page/{n}.html"


def pages(limit: int) -> list[Path]:
    """Every (gzipped) HTML file under the corpora, in a fixed order."""
    files = sorted(p for p in CORPORA.rglob("*") if p.is_file() and re.search(r"\.html?(\.gz)?$", p.name))
    return files[:limit] if limit else files


def main() -> int:
    """Run both views on every page; print the misfires and the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (default: all)")
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"skipped: shared corpora not found at {CORPORA}")
        return 0
    articles = refused = misfires = 0
    start = time.process_time()
    for n, path in enumerate(pages(args.limit)):
        data = path.read_bytes()
        data = gzip.decompress(data) if path.name.endswith(".gz") else data
        found = URL_RE.search(data[:200_000])
        url = (found.group(1) or found.group(2)).decode("utf-8", "replace") if found else STAND_IN.format(n=n)
        result = extract_article(data, url)
        if getattr(result, "reason", "") == "not-article" and "listing" in getattr(result, "detail", ""):
            refused += 1
            print(f"refused as a listing: {path.relative_to(CORPORA)} ({result.detail})")
            continue
        if not hasattr(result, "paragraphs"):
            continue
        articles += 1
        root, _ = _parse_flat(decode_html(data, None))
        why = listing_reason(root, url, result.title, _canonical(root, url), result.paragraphs) if root is not None else None
        if why:
            misfires += 1
            print(f"would misfire without the markup check: {path.relative_to(CORPORA)} ({why})")
    print(f"{articles + refused} article pages: {refused} refused as listings by extraction; "
          f"{misfires} of the {articles} others called listings when markup is ignored "
          f"({time.process_time() - start:.0f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
