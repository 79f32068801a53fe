"""The text corpus: seed-format files, versions, stories, the search index, Arabic normalisation."""
