"""Scale-out on Redis: work queue with leases, cross-worker politeness, results channel, the worker and coordinator.

Plain modules on redis-py only (no scrapy or twisted); the CLI (crawler/cli/worker_commands.py) and the session
owner (crawler/extensions.py, for a worker's child crawl) wire them in. Design: docs/scaleout.md.
"""
