"""Signed notifications from providers: verified, logged, deduplicated, applied once."""
