"""Connect to Redis and run each call with wait-and-retry while Redis is refused, unreachable or restarting."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
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


class RedisUnavailable(NewsArchiveError):
    """Redis stayed unreachable for longer than the caller agreed to wait."""


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

    def call(self, what: str, fn: Callable[[redis.Redis], T]) -> T:
        """Run ``fn(client)``; while Redis is unreachable, log and wait (doubling up to retry_max) and try again.

        Args:
            what: a few words for the log line ("take work", "publish results").
            fn: one atomic Redis operation.

        Returns:
            what ``fn`` returns.

        Raises:
            RedisUnavailable: Redis stayed away past ``give_up_after`` seconds.
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
                if limit is not None:
                    if waited >= limit:
                        raise RedisUnavailable(f"Redis at {self.where} unreachable for {waited:.1f} s "
                                               f"({what}: {exc}); gave up") from exc
                    pause = min(delay, limit - waited)  # a last try at the limit itself
                logger.warning("Redis at %s unreachable (%s: %s); next try in %.1f s",
                               self.where, what, exc, pause)
                self._sleep(pause)
                delay = min(delay * 2, self.config.retry_max)
                continue
            if failures:
                logger.warning("Redis at %s is back after %d failed tries (%s)", self.where, failures, what)
            return result

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
