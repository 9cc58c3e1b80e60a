"""Throttling: the shared counters' cache and the 429 answers of every limit and lockout."""
