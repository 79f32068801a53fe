"""Scheduling: the APScheduler service, re-crawls of one URL, crawl logs, child processes."""
