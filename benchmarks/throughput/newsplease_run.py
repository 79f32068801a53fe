"""Arm 6, news-please on the mirror, run by the Python of news-please's own virtualenv.

Run as ``/opt/newsplease-venv/bin/python benchmarks/throughput/newsplease_run.py URLS_FILE OUT_JSON BATCH``.
``NewsPlease.from_urls`` fetches a batch with one thread per URL, then extracts it in a process pool on all cores;
images are not fetched (they are not in the mirror, and no arm fetches them). Imports only news-please and stdlib.
"""

from __future__ import annotations

import json
import sys

from newsplease import NewsPlease


def main(argv):
    """Fetch and extract every URL in batches; write how many pages gave an article body."""
    with open(argv[0]) as f:
        urls = f.read().split()
    batch = int(argv[2])
    articles = empty = 0
    for start in range(0, len(urls), batch):
        # request_args must be given: from_urls reads its "timeout" (news-please 1.6.16 fails every page without it).
        results = NewsPlease.from_urls(urls[start:start + batch], request_args={"timeout": 60}, fetch_images=False)
        for article in results.values():
            if article is not None and getattr(article, "maintext", None):
                articles += 1
            else:
                empty += 1
    with open(argv[1], "w") as f:
        json.dump({"pages": articles, "empty": empty}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
