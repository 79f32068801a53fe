"""crawler.extraction.titles: the headline chosen does not depend on the process's string hash seed.

Each extraction worker is a fresh process with its own PYTHONHASHSEED; a title that follows it changes between
crawls of an unchanged page, and a changed title is a new version of the article.
"""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import ROOT

from crawler.extraction.titles import title_variants

# two prominent texts of one length, each a segment of <title>: which one visible_headline met first was up to
# the order of a set of strings
EXTRACT = """
from crawler.extraction.article import extract_article
p = "<p>" + "The talks in Geneva resumed on Monday after a pause of three weeks, officials said. " * 4 + "</p>"
html = ("<html><head><title>Desert Notes » Blog Archive » Talks Resume</title></head><body>"
        "<div id='header'><h1>Desert Notes</h1></div><div class='post'><h2>Talks Resume</h2>" + p * 6 +
        "</div></body></html>")
print(extract_article(html, "https://blog.example.org/2013/02/08/talks-resume/").title)
"""


def test_the_variants_of_a_title_come_longest_first_then_in_title_order():
    assert title_variants("Desert Notes » Blog Archive » Talks Resume")[-3:] == [
        "Desert Notes", "Blog Archive", "Talks Resume"]


def test_a_page_gets_one_title_whatever_the_hash_seed():
    titles = set()
    for seed in range(8):
        proc = subprocess.run([sys.executable, "-c", EXTRACT], capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)})
        titles.add(proc.stdout.strip())
    assert len(titles) == 1, titles
