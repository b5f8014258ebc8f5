"""Catalog's signed quotes: the only source of the amount a payment charges."""
