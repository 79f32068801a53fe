"""The crawler: Scrapy project, pipeline stages and the newsarchive command line."""

__version__ = "0.1.0"
