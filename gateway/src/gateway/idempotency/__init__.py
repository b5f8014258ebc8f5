"""`Idempotency-Key` on POST: a replayed answer instead of a second effect."""
