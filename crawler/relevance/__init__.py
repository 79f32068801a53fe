"""Relevance: the transparent lexicon judge of Libya-conflict relevance."""
