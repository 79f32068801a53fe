"""The extraction worker's job for one fetched page, so the crawl process only fetches, archives and stores.

Runs in the pipeline's process pool (crawler.pipelines): the page's bytes decoded, extraction, then the relevance
judgement, the story shingles and LSH keys (MinHash), the search-index text and the seed-format text. The lexicon is
loaded once per worker, in the pool's initializer. No scrapy imports.

The crawl process hands the pool the page as it came (the response body Scrapy holds anyway, plus its Content-Type)
rather than a decoded ``str``: a decoded Arabic page is a second, larger copy of the body (UCS-2: 2 bytes per
character, markup included), and the crawl process kept one per page waiting in the scraper and the pipeline
(issue 10, tree RSS). Decoding a page costs the worker well under 1 % of its extraction.
"""

from __future__ import annotations

import logging
import pickle
import signal
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from archive.corpus import stories
from archive.corpus import textfiles as textexport
from archive.corpus.arabic import tokens
from archive.corpus.search import index_words
from archive.records import ExtractedArticle, ExtractionFailure, Relevance
from crawler.capture.memory import fix_mmap_threshold
from crawler.relevance.judge import Lexicon, judge, load_lexicon
from crawler.scheduling.orphans import die_with_fork_server, die_with_parent

logger = logging.getLogger(__name__)

_LEXICON: Lexicon | None = None  # the worker's lexicon, loaded by init_worker
_TIMEOUT = 0.0  # seconds a page may take (EXTRACT_TIMEOUT), set by init_worker; 0: no limit


class _Overtime(BaseException):
    """Raised in the worker's main thread by SIGALRM when a page has taken longer than EXTRACT_TIMEOUT; a
    BaseException, as KeyboardInterrupt is, so that no ``except Exception`` on the way (extract_article's, a
    library's) takes it for the page's own error and goes on."""


def _overtime(signum: int, frame: Any) -> None:
    raise _Overtime


@dataclass(frozen=True)
class Prepared:
    """The article's judgement and derived forms, computed in the worker."""

    relevance: Relevance
    # archive.corpus.stories.ordered_shingles of the body, as 8-byte values: a tuple of Python ints took five times
    # the memory in the crawl process's queue of writes and the writer's (issue 10, tree RSS)
    shingles: array[int]
    story_keys: tuple[int, ...]  # its LSH band keys (stories.lsh_keys)
    search_text: str  # archive.corpus.search.index_text
    rendered: str  # the seed-format text file (archive.corpus.textfiles.render)

    # Pickled as one sealed blob, opened on first use: the crawl process only passes a worker's Prepared on to the
    # writer, and unpickling it there (30 KB of UTF-8 decoded into strings) to pickle it again (encoded) was
    # two-thirds of its hand-over of an article (issue 10). A sealed Prepared is pickled on as the bytes it came as.
    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        sealed = self.__dict__.get("_sealed")  # received sealed and not opened: passed on as it came
        if sealed is None:
            sealed = pickle.dumps(tuple(getattr(self, f.name) for f in fields(self)), pickle.HIGHEST_PROTOCOL)
        return _unseal_later, (sealed,)

    def __getattr__(self, name: str) -> Any:
        """A field of a Prepared still sealed: every field, unpickled once (called only for a missing attribute)."""
        if name not in _FIELDS:
            raise AttributeError(name)
        with _OPENING:  # another thread may be opening it: its fields are there once it lets go
            sealed = self.__dict__.pop("_sealed", None)  # the blob is not kept beside what it held
            if sealed is not None:
                for field_name, value in zip(_FIELDS, pickle.loads(sealed)):
                    object.__setattr__(self, field_name, value)
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None


_FIELDS = tuple(f.name for f in fields(Prepared))
_OPENING = threading.Lock()


def _unseal_later(sealed: bytes) -> Prepared:
    """A Prepared from its pickled blob, its fields left sealed until one is read (``Prepared.__reduce__``)."""
    prepared = object.__new__(Prepared)
    object.__setattr__(prepared, "_sealed", sealed)
    return prepared


@contextmanager
def sigint_held() -> Iterator[None]:
    """SIGINT blocked on this thread for the block: a worker the pool starts inside it (the pool starts its workers
    at its first jobs) inherits the mask through fork and exec, so Ctrl-C cannot kill it before ``init_worker``
    runs. A SIGINT that comes meanwhile waits for the block's end: it is not lost."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def init_worker(parent_pid: int, lexicon: Path | Lexicon, timeout: float = 0.0, log_level: int | None = None,
                served: bool = False) -> None:
    """Pool initializer: Ctrl-C ignored, page-sized blocks freed go back to the OS (crawler.capture.memory), die with
    the crawl process ``parent_pid`` (``served``: through the fork server it started, crawler.capture.pool_start),
    log at the crawl's ``log_level`` (crawler.capture.child.crawl_log_level), load the lexicon once (or take it as
    the crawl process loaded it), and give each page at most ``timeout`` seconds (0: no limit)."""
    global _LEXICON, _TIMEOUT
    # a spawned worker had no log set-up of its own: Python's last resort printed its WARNINGs under -qq and
    # `scrapy crawl -L ERROR` too (before stop 38)
    if log_level is not None:
        from crawler.capture.child import setup_child_logging

        setup_child_logging(log_level)
    # Ctrl-C reaches the whole process group (a terminal sends it so): the crawl process decides (a first one drains
    # the crawl, a second stops it) and shuts the pool down. A worker that died of KeyboardInterrupt broke the pool:
    # a traceback per page in flight, and those pages lost to the crawl
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fix_mmap_threshold()
    if served:
        die_with_fork_server(parent_pid)
    else:
        die_with_parent(parent_pid)
    _LEXICON = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    _TIMEOUT = timeout


def prepare(article: ExtractedArticle, lexicon: Lexicon,
            params: stories.StoryParams = stories.DEFAULT_PARAMS) -> Prepared:
    """Judge an extracted article and compute what storing it needs."""
    # the body is normalised and split into words once, for relevance, shingles and the search index alike: each
    # did it on its own before, 0.9 ms of the worker's 3.5 ms per article here (issue 10); tokens(title + "\n" +
    # text), what index_text reads, is tokens(title) + tokens(text) (tests/test_capture_prepare.py)
    text = article.text
    title_words, body_words = tokens(article.title), tokens(text)
    shingles = stories.word_shingles(body_words, params.shingle_words)
    return Prepared(
        relevance=judge(article.title, text, lexicon, title_words=title_words, body_words=body_words),
        shingles=array("q", shingles), story_keys=tuple(stories.lsh_keys(shingles, params)),
        search_text=index_words(title_words + body_words),
        rendered=textexport.render(article.title, article.paragraphs))


def extract_page(body: bytes, content_type: str | None, url: str,
                 ready: bool = True) -> tuple[ExtractedArticle | ExtractionFailure, Prepared | None]:
    """The worker's job for one page: decode it as Scrapy would (crawler.extraction.decode), extract it and, for an
    article, prepare what storing it needs (unless not ``ready``: one part of an article split over pages)."""
    # imported here, not with the module: the writer process unpickles Prepared and must not pay for the extraction
    # stack (htmldate, lxml, urllib3: 12 MB of its RSS, issue 10)
    from crawler.extraction.article import extract_article
    from crawler.extraction.decode import decode_html

    # The limit is a timer signal: the pool runs each job in its worker's main thread, and Python's regex engine
    # and lxml's callers look for signals, so a runaway pattern is stopped where it runs. A pool cannot cancel a
    # running job (concurrent.futures), and killing the worker would take the other workers' jobs with the pool.
    timed = _TIMEOUT > 0 and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _overtime) if timed else None
    try:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
        result = extract_article(decode_html(body, content_type), url)
        if isinstance(result, ExtractionFailure) or _LEXICON is None or not ready:
            return result, None
        return result, prepare(result, _LEXICON)
    except _Overtime:
        logger.warning("%s: extraction gave up after %g s (EXTRACT_TIMEOUT)", url, _TIMEOUT)
        return ExtractionFailure(url, "extract-timeout", f"extraction took more than {_TIMEOUT:g} s "
                                 "(EXTRACT_TIMEOUT); the page is archived, its text was not read"), None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
