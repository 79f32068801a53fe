"""Discovery: feeds, sitemaps, robots.txt sitemap lines, listing links and URL canonicalisation."""
