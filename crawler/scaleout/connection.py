"""Connect to Redis and run each call with wait-and-retry while Redis is refused, unreachable or restarting."""

from __future__ import annotations

import logging
import math
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from archive.errors import NewsArchiveError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What "Redis is not there right now" looks like: refused or reset connections, timeouts, and a restarted server
# still loading its append-only file (BusyLoadingError is a ConnectionError subclass).
RETRYABLE: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError)
# seconds a worker (and its child crawl) asked to stop still waits for a Redis that is full or unreachable, in all;
# then it gives up, says what it could not publish, and exits (README "Running on several machines")
STOP_WAIT = 30.0
PAUSE_SLICE = 0.5  # seconds: a wait between tries looks this often whether its process was asked to stop


class RedisUnavailable(NewsArchiveError):
    """Redis stayed unreachable for longer than the caller agreed to wait."""


class RedisOutOfMemory(RedisUnavailable):
    """Redis refuses writes: it is at its ``maxmemory`` with the ``noeviction`` policy (raised only where the caller
    asked not to wait, ``call(..., wait_oom=False)``)."""


@dataclass(frozen=True)
class RedisConfig:
    """Where Redis is and how long to wait for it.

    ``give_up_after`` None means wait for ever (a worker or coordinator outlives a Redis restart);
    a number of seconds makes the call raise :class:`RedisUnavailable` after that long.
    """

    url: str
    retry_first: float = 0.5  # seconds before the first retry; doubled each time
    retry_max: float = 30.0  # seconds between retries at most
    give_up_after: float | None = None
    socket_timeout: float = 10.0  # seconds a command may take; blocking reads pass their own shorter block

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in {"redis", "rediss", "unix"}:
            raise ValueError(f"not a Redis URL (redis://, rediss:// or unix://): {self.url!r}")
        db = parts.path.strip("/")
        if parts.scheme != "unix" and db and not db.isdigit():
            # redis-py ignores a path it cannot read as a number and uses database 0 in silence (a probe, stop 37)
            raise ValueError(f"{db!r} in {redact(self.url)} is no database number: write redis://HOST:PORT/N, N a "
                             "number from 0 (Redis has 16 by default, 0-15)")
        if not 0 < self.retry_first <= self.retry_max:
            raise ValueError("retry_first must be > 0 and <= retry_max")
        if self.give_up_after is not None and self.give_up_after < 0:
            raise ValueError("give_up_after must be >= 0 or None")


def redact(url: str) -> str:
    """The URL without its password, fit for a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


class RedisLink:
    """A Redis client plus the one place that waits and retries when Redis is away.

    redis-py's own retry is switched off (``Retry(NoBackoff(), 0)``) so that every retry passes through
    :meth:`call`, which logs what failed, where, and when the next try is; scrapy-redis has no such wait and a
    worker dies with Redis (rmax/scrapy-redis#108). Each call given to :meth:`call` must be one atomic Redis
    write (a single command, a MULTI/EXEC transaction or a Lua script), so a retry never leaves half a write,
    and idempotent or deduplicated downstream, because a reply lost after the server applied it is retried.
    """

    def __init__(self, config: RedisConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self.where = redact(config.url)
        self.client = redis.Redis.from_url(
            config.url, decode_responses=True, socket_timeout=config.socket_timeout,
            socket_connect_timeout=min(config.socket_timeout, 5.0), retry=Retry(NoBackoff(), 0),
            health_check_interval=15)
        self._sleep = sleep
        # time.monotonic() after which a call that fails raises instead of waiting (``stop_waiting``): a worker asked
        # to stop must not wait for ever on a Redis that is full or gone (a probe, stop 39)
        self.deadline: float | None = None
        self.stop_file: Path | None = None  # once it exists, ``stop_waiting(STOP_WAIT)`` (a worker's child crawl)
        self._stop_wait = 0.0

    def stop_waiting(self, seconds: float) -> None:
        """From now on, wait at most ``seconds`` in all for Redis: a call still failing then raises RedisUnavailable
        (RedisOutOfMemory) at once. Safe in a signal handler (one assignment)."""
        if self.deadline is None:
            self._stop_wait = seconds
            self.deadline = time.monotonic() + seconds

    def _gave_up(self, waited: float) -> str:
        """How a call that raises instead of waiting on says why."""
        if self._given_up():
            return f"; gave up {self._stop_wait:g} s after this process was asked to stop"
        return f"; gave up after {waited:.1f} s"

    def _given_up(self) -> bool:
        """True once the stop deadline has passed (a stop file seen starts it)."""
        if self.deadline is None and self.stop_file is not None and self.stop_file.exists():
            self.stop_waiting(STOP_WAIT)
        return self.deadline is not None and time.monotonic() >= self.deadline

    def _pause(self, seconds: float) -> None:
        """Sleep ``seconds`` between tries, in slices, ending early once the stop deadline has passed."""
        slices = max(1, math.ceil(seconds / PAUSE_SLICE))
        for _ in range(slices):
            if self._given_up():
                return
            self._sleep(seconds / slices)

    def call(self, what: str, fn: Callable[[redis.Redis], T], *, wait_oom: bool = True) -> T:
        """Run ``fn(client)``; while Redis is unreachable, or out of memory, log and wait (doubling up to retry_max)
        and try again.

        Redis at ``maxmemory`` with ``noeviction`` refuses every write that may grow it (OutOfMemoryError, a
        ResponseError): that was a 72-line traceback, a coordinator's crawl recorded failed and a worker dead (a
        black-box probe, stop 39). It is Redis unwritable for a while, like Redis away: nothing of the refused write
        was applied (a MULTI/EXEC is refused whole, EXECABORT; a script is refused at its first write), so a retry
        leaves nothing by halves.

        Args:
            what: a few words for the log line ("take work", "publish results").
            fn: one atomic Redis operation.
            wait_oom: False: raise RedisOutOfMemory at once instead of waiting while Redis is out of memory (a
                coordinator starting a crawl; a heartbeat that must not hold up the reads that free memory).

        Returns:
            what ``fn`` returns.

        Raises:
            RedisUnavailable: Redis stayed away (or out of memory) past ``give_up_after`` seconds.
            RedisOutOfMemory: out of memory, and ``wait_oom`` is False.
        """
        delay = self.config.retry_first
        started = time.monotonic()
        failures = 0
        while True:
            try:
                result = fn(self.client)
            except redis.AuthenticationError as exc:
                # a ConnectionError to redis-py, but no wait brings the right password: it was retried for ever,
                # every 30 s, with no word of the fix (a black-box probe, stop 35)
                raise RedisUnavailable(
                    f"Redis at {self.where} refused the credentials ({what}: {exc}): give its password in the URL, "
                    "redis://:PASSWORD@HOST:PORT/DB (or redis://USER:PASSWORD@... for an ACL user)") from exc
            except redis.exceptions.OutOfMemoryError as exc:  # a ResponseError: before that clause
                if not wait_oom:
                    raise RedisOutOfMemory(self.out_of_memory(what, exc, "")) from None
                failures += 1
                waited = time.monotonic() - started
                limit = self.config.give_up_after
                if (limit is not None and waited >= limit) or self._given_up():
                    raise RedisOutOfMemory(self.out_of_memory(what, exc, self._gave_up(waited))) from None
                pause = delay if limit is None else min(delay, limit - waited)
                logger.warning("%s", self.out_of_memory(what, exc, f"; waiting, next try in {pause:.1f} s"))
                self._pause(pause)
                delay = min(delay * 2, self.config.retry_max)
                continue
            except redis.ResponseError as exc:
                if "DB index is out of range" not in str(exc):
                    raise
                raise RedisUnavailable(
                    f"Redis at {self.where} has no database {urlsplit(self.config.url).path.strip('/')} ({exc}): use "
                    "one of its databases, redis://HOST:PORT/N with N from 0 to 15 (its `databases` setting, 16 by "
                    "default)") from None
            except redis.exceptions.InvalidResponse as exc:
                raise RedisUnavailable(f"{self.where} does not answer as Redis does ({exc}): give --redis the address "
                                       "of a redis-server (port 6379 by default)") from None
            except RETRYABLE as exc:
                failures += 1
                waited = time.monotonic() - started
                limit = self.config.give_up_after
                pause = delay
                if (limit is not None and waited >= limit) or self._given_up():
                    raise RedisUnavailable(f"Redis at {self.where} unreachable ({what}: {exc})"
                                           f"{self._gave_up(waited)}") from exc
                if limit is not None:
                    pause = min(delay, limit - waited)  # a last try at the limit itself
                logger.warning("Redis at %s unreachable (%s: %s); next try in %.1f s",
                               self.where, what, exc, pause)
                self._pause(pause)
                delay = min(delay * 2, self.config.retry_max)
                continue
            if failures:
                logger.warning("Redis at %s is back after %d failed tries (%s)", self.where, failures, what)
            return result

    def out_of_memory(self, what: str, exc: Exception, then: str) -> str:
        """The one line that says Redis refused a write for want of memory, its limit and the fix."""
        try:
            memory = self.client.info("memory")
            limit = f"maxmemory {memory.get('maxmemory_human') or memory.get('maxmemory')}, policy " \
                    f"{memory.get('maxmemory_policy', '?')}, used {memory.get('used_memory_human', '?')}"
        except redis.RedisError:  # INFO refused (renamed by the operator) or the connection gone: say less
            limit = "maxmemory reached"
        return f"Redis at {self.where} is out of memory ({limit}): free memory or raise maxmemory{then} ({what}: {exc})"

    def check_block(self, block: float) -> int:
        """``block`` seconds as milliseconds for a blocking read, refused if the socket would time out first
        (the timeout would read as "Redis unreachable" and be retried for ever)."""
        if not 0 <= block < self.config.socket_timeout - 1:
            raise ValueError(f"block must be >= 0 and under socket_timeout - 1 ({self.config.socket_timeout} s)")
        return int(block * 1000)

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def connect(url: str, **options: float | None) -> RedisLink:
    """A :class:`RedisLink` to ``url`` that has answered PING (waiting and retrying as configured).

    Raises:
        RedisUnavailable: the address answers, but not as Redis (an HTTP or SSH server), or the database number is
            one the server lacks, or it refuses the password; or Redis stayed away past ``give_up_after``.
    """
    config = RedisConfig(url, **options)  # type: ignore[arg-type]
    _not_redis(config)
    link = RedisLink(config)
    link.call("ping", lambda r: r.ping())
    return link


# The first byte of every RESP2/RESP3 reply (https://redis.io/docs/latest/develop/reference/protocol-spec/)
_RESP = frozenset(b"+-:$*_,#!=(%~>|")


def _not_redis(config: RedisConfig) -> None:
    """Raise RedisUnavailable when something other than Redis answers at the URL's host and port.

    redis-py reads an HTTP server's reply as "Connection closed by server", which the retry loop took for a Redis
    away for a while: it waited for ever, "unreachable" (a black-box probe, stop 37). An inline PING is answered
    by any Redis (+PONG, or -NOAUTH / -DENIED); anything else that answers is not Redis. A refused or silent port
    says nothing here: the usual wait handles it. TLS (rediss://) and unix sockets are not looked at.
    """
    parts = urlsplit(config.url)
    if parts.scheme != "redis":
        return
    host, port = parts.hostname or "localhost", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=2.0) as sock:
            sock.sendall(b"PING\r\n")
            reply = sock.recv(200)
    except OSError:
        return
    if reply and reply[0] not in _RESP:
        said = reply.decode("latin-1").splitlines()[0][:80] if reply.strip() else repr(reply[:20])
        raise RedisUnavailable(f"{host}:{port} is not a Redis server: it answered {said!r} to a PING; give --redis "
                               "the address of a redis-server (port 6379 by default), redis://HOST:PORT/DB")
