"""The rules of the crawl's HTTP/1.1 response parser: Scrapy's lenient one, bounded and with RFC 9112's status line
(no scrapy imports).

crawler.middlewares.handler.BoundedHTTPClientParser applies them; PooledHTTPDownloadHandler puts it in its connection
pool.
Three changes to Scrapy's parser (``_LenientHTTPClientParser``, Twisted's ``HTTPClientParser`` skipping header lines
with no colon):

* The header section is bounded. Twisted's HTTP client bounds each header line (16 KiB, LineReceiver.MAX_LENGTH:
  past it the connection is dropped without a word, a bare "ConnectionDone") but not how many there are: a server
  sending header lines for ever grew the crawl process by ~5 MB a second until DOWNLOAD_TIMEOUT, per connection.
  Neither Twisted nor Scrapy has a setting for it (DOWNLOAD_MAXSIZE counts the body); curl stops at 300 KB of response
  headers in all (MAX_HTTP_RESP_HEADER_SIZE, lib/http.h), which is what this does.
* The status line is RFC 9112's (section 4): ``HTTP/`` DIGIT ``.`` DIGIT, then a status code of exactly three ASCII
  digits. Twisted reads the code with ``int()``, which takes a sign, leading zeros, underscores and any number of
  digits: ``HTTP/1.1 20000000000000000000 OK`` was a capture whose status no SQLite INTEGER holds (OverflowError in the
  writer, the WARC record left without its catalogue row, ``newsarchive check`` failing after every crawl and
  ``check --repair`` raising), and ``-200`` a capture of status -200. curl refuses a code of more than three digits
  (curl/curl#7641), as ureq and okhttp do; no Twisted issue was found for it. Such an answer is a ``fetch-error`` naming the
  line, and is not archived (no HTTP answer came).
* A header line that begins with white space before any header (an obs-fold continuing nothing) is consumed, as RFC
  9112 2.2 allows: Scrapy's parser appended it to no header and raised ``AttributeError: 'NoneType' object has no
  attribute 'append'``, a ``fetch-error`` retried for three crawls, for a page every browser shows.

Scrapy swaps its own parser class the same way (``_LenientHTTP11ClientProtocol.request``), private in Scrapy 2.19: if
those classes go, the handler logs a warning and keeps Scrapy's parser.
"""

from __future__ import annotations

import re

MAX_HEADER_BYTES = 300 * 1024
# RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]; HTTP-version = "HTTP/" DIGIT "." DIGIT;
# status-code = 3DIGIT. The reason may be left out with its space, as Twisted allows ("cloudflare-nginx" sent
# "HTTP/1.1 200", says its comment), and the reason may follow a tab.
_STATUS_LINE = re.compile(rb"HTTP/[0-9]\.[0-9] [0-9]{3}(?:[ \t].*)?", re.DOTALL)


class BadResponseHead(ValueError):
    """A response whose head is refused: no HTTP/1.x status line (RFC 9112 4)."""


def head_line_verdict(line: bytes, partial_header: object, state: str) -> str | None:
    """What to do with one line of a response head (status line, header or continuation line, its CR kept): None
    to parse it, "" to consume it (white space before the first header, RFC 9112 2.2), else why the answer is
    refused once Twisted has parsed it (its own refusals, "non-integer status code", come first)."""
    line = line.removesuffix(b"\r")
    if state == "STATUS" and not _STATUS_LINE.fullmatch(line):
        return (f"the status line {line[:100]!r} is no HTTP/1.x status line (RFC 9112 4: HTTP/DIGIT.DIGIT and a "
                f"status code of three digits)")
    if line[:1] in (b" ", b"\t") and partial_header is None:
        return ""
    return None
