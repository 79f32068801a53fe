"""The reading room: the Datasette app, its plugin, pages, templates and WARC replay."""
