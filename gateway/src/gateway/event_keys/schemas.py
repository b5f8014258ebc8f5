from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

EXAMPLE_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "kid": "traffic-2026-10",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    "use": "sig",
    "alg": "EdDSA",
}
PUBLISHED_JWK = {
    **EXAMPLE_JWK,
    "producer": "traffic-authority",
    "types": ["traffic.vehicle.registered.v1"],
    "revoked": False,
}
Status = Literal["active", "retired", "revoked"]


class KeyIn(BaseModel):
    """One public key (a JWK), or the URL of the integrator's JWKS; not both."""

    model_config = ConfigDict(extra="forbid")

    jwk: dict[str, Any] | None = Field(
        default=None,
        description="An Ed25519 public JWK (RFC 8037: kty OKP, crv Ed25519, x, kid). Never the private part `d`.",
        examples=[EXAMPLE_JWK],
    )
    jwks_url: HttpUrl | None = Field(
        default=None,
        description="Where the integrator publishes its JWKS (https): fetched now, and again when an event "
        "names a key not seen yet (at most once a minute). Keys gone from it are retired.",
        examples=["https://keys.traffic.gov.eg/shubbak/jwks.json"],
    )


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kid: str = Field(examples=["traffic-2026-10"])
    status: Status = Field(
        description="`active` signs events; `retired` (gone from the JWKS URL) signs nothing new, but what it "
        "signed still verifies; `revoked`: nothing it signed verifies any more."
    )
    jwk: dict[str, Any] = Field(
        description="The key as the platform publishes it: its `producer` is the integrator's event source, its "
        "`types` the event types it may sign (the integrator's publish: scopes).",
        examples=[PUBLISHED_JWK],
    )
    jwks_url: str | None = Field(description="Where it was fetched from; null: uploaded.")
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str | None


class StaffKeyOut(KeyOut):
    client_id: str = Field(description="The integrator's client id.", examples=["int_4f1c2a9b7d3e5f60a1b2"])
    integrator_name: str = Field(examples=["Traffic authority"])
    revoked_by: str | None = Field(description="`integrator:<client id>`, `staff:<id>` or `jwks:<url>`.")


class KeysRegistered(BaseModel):
    items: list[KeyOut] = Field(description="The keys registered (or, for a JWKS URL, every key it lists).")


class KeyPage(BaseModel):
    items: list[KeyOut]
    next_cursor: str | None


class StaffKeyPage(BaseModel):
    items: list[StaffKeyOut]
    next_cursor: str | None


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, examples=["the signing host was compromised"])


class EventKeySet(BaseModel):
    """A JWKS (RFC 7517) with the platform's members on each key."""

    keys: list[dict[str, Any]] = Field(examples=[[PUBLISHED_JWK]])
