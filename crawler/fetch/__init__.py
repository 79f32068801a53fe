"""Fetching politely and safely: address checks, crawl limits, Retry-After."""
