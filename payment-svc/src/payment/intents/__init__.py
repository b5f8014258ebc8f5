"""Payment intents: one order, one locked quote, one method; the state machine."""
