"""Integrity: the archive check and crash recovery."""
