"""The crawl's DNS resolver (Scrapy's TWISTED_DNS_RESOLVER): drops every address the crawl may not connect to."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.resolver import CachingHostnameResolver
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer, provider

from crawler.fetch.guards import policy_from_settings
from crawler.fetch.safety import AddressPolicy

logger = logging.getLogger(__name__)


@provider(IResolutionReceiver)
class _CheckedReceiver:
    """Passes on only the addresses the policy allows, so a refused address is never connected to."""

    def __init__(self, receiver: Any, host: str, resolver: GuardedResolver):
        self.receiver, self.host, self.resolver = receiver, host, resolver

    def resolutionBegan(self, resolution: Any) -> None:
        """Pass on the start of a resolution."""
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        """Pass on an allowed address; note and drop a refused one."""
        reason = self.resolver.policy.refusal(self.host, getattr(address, "host", None))
        if reason is None:
            self.receiver.addressResolved(address)
            return
        logger.warning("refused to connect: %s", reason)
        self.resolver.refused[self.host.lower()] = reason

    def resolutionComplete(self) -> None:
        """Pass on the end of a resolution."""
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching resolver (IPv4 and IPv6) that drops every address the crawl may not connect to.

    Checking here, in the resolver the connection uses, means the address checked is the address connected
    to: a host that resolves to a public address for a check and a private one for the fetch (DNS rebinding)
    cannot slip through. IP-literal hosts pass through here too.
    """

    def __init__(self, reactor: Any, cache_size: int, policy: AddressPolicy):
        super().__init__(reactor, cache_size)
        self.policy = policy
        self.refused: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        """Scrapy entry point (``crawler`` is the CrawlerProcess: only its settings are read)."""
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache, policy_from_settings(settings))

    def resolveHostName(self, resolutionReceiver: Any, hostName: str, portNumber: int = 0,
                        addressTypes: Any = None, transportSemantics: str = "TCP") -> Any:
        """Resolve as Scrapy does, passing on only allowed addresses."""
        return super().resolveHostName(_CheckedReceiver(resolutionReceiver, hostName, self), hostName,
                                       portNumber, addressTypes, transportSemantics)


def installed_resolver() -> GuardedResolver | None:
    """The crawl's GuardedResolver, when it is the reactor's name resolver."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, GuardedResolver) else None
