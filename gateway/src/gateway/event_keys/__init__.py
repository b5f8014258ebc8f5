"""Integrators' event-signing keys: each ministry registers the Ed25519 public keys it signs its
events with (a JWK uploaded, or a JWKS URL the gateway fetches), and revokes them; the platform
never holds an integrator's private key. `POST /v1/events` accepts only events signed by one of the
publisher's keys, and every consumer verifies them against `/.well-known/integrator-event-keys.json`."""
