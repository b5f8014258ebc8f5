"""Bilingual receipts, one per successful payment, with a receipt number."""
