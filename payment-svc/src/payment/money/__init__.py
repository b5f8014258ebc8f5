"""The money invariant: money captured = fees kept for orders fulfilled or in progress + refunds
issued, nothing in between (auditors' report, and a metric)."""
