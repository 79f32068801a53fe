"""Capture: the crawl session, the write operations it queues for its writer thread (group commits), storing each article."""
