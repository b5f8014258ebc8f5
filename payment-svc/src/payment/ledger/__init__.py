"""The double-entry ledger: every capture, refund and settlement as balanced, append-only entries."""
