"""Scale-out on Redis: work queue with leases, cross-worker politeness, shared dedup, results channel.

Plain modules on redis-py only (no scrapy or twisted); the Scrapy adapters and the CLI wire them in
(docs/scaleout.md).
"""
