"""Exports: CDXJ index, WACZ package, the corpus as JSONL/CSV/Parquet."""
