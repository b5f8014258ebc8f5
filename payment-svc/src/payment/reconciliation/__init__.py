"""Reconciliation of a provider's settlement file (CSV) against the captures and the ledger."""
