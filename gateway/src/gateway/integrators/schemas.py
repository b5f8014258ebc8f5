from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TokenResponse(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str = Field(description="The granted scopes, space-separated.")


class JWK(BaseModel):
    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class JWKS(BaseModel):
    keys: list[JWK]
