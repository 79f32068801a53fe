"""The crawler: Scrapy project, pipeline stages and the newsarchive command line."""
