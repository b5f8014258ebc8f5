"""Settings from the environment: one prefix per service (IDENTITY_, CATALOG_, ...).

`NATS_URL`, `ENVIRONMENT` and `PUBLIC_URL` without a prefix are honoured as platform-wide
defaults, so one variable points every service at the same NATS.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.envelope import DEFAULT_PUBLIC_URL

DEV_SECRET_PREFIX = "dev-only-"


def config(prefix: str) -> SettingsConfigDict:
    """The model_config for a service's settings class."""
    return SettingsConfigDict(env_prefix=prefix, extra="ignore", frozen=True)


class EventSigningKey(BaseModel):
    """One of the service's Ed25519 event signing keys: its id and its 32-byte seed, base64url."""

    kid: str = Field(min_length=1, max_length=200)
    seed: SecretStr


class ServiceSettings(BaseSettings):
    """What every service needs. Subclass it and set `model_config = config("NAME_")`."""

    model_config = config("SERVICE_")

    service_name: str = "service"
    environment: Literal["development", "test", "production"] = Field(
        default_factory=lambda: os.environ.get("ENVIRONMENT", "development")  # type: ignore[arg-type]
    )
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/postgres"
    db_schema: str = "public"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0, description="wait for a free connection, then 503")
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    db_command_timeout_seconds: float | None = Field(
        default=None, gt=0, description="one statement at most this long (None: no limit; bulk jobs run long)"
    )
    nats_url: str = Field(default_factory=lambda: os.environ.get("NATS_URL", "nats://127.0.0.1:54222"))
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    public_url: str = Field(
        default_factory=lambda: os.environ.get("PUBLIC_URL", DEFAULT_PUBLIC_URL),
        description="the platform's gateway as its callers reach it (events' `dataschema` points there)",
    )
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter: Literal["none", "console", "otlp"] = Field(
        default_factory=lambda: os.environ.get("OTEL_TRACES_EXPORTER", "none")  # type: ignore[arg-type]
    )
    jwks_url: str | None = None
    jwt_issuer: str = "shubbak-identity"
    jwt_audience: str = "shubbak"
    integrator_jwks_url: str | None = None
    """The gateway's keys for integrators' tokens; unset, integrators' tokens are refused."""
    integrator_issuer: str = "shubbak-gateway"
    run_relay: bool = True
    run_consumers: bool = True
    bus_max_deliver: int = Field(default=5, ge=1, le=100)
    bus_backoff_seconds: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    bus_ack_wait_seconds: float = Field(
        default=15.0,
        ge=1,
        le=600,
        description="a message a crashed consumer held is redelivered after this; live handlers report progress",
    )
    internal_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "internal-token")
    event_signing_keys: list[EventSigningKey] = Field(
        default_factory=list,
        description=(
            "the service's event signing keys, JSON [{kid, seed}]: the first signs, the others stay published "
            "(rotation); unset outside production, a development key derived from the service name signs"
        ),
    )
    event_keys_urls: list[str] = Field(
        default_factory=list,
        description="the JWKS of every producer whose events this service trusts (services' and the gateway's)",
    )
    event_keys_refresh_seconds: float = Field(
        default=1.0, ge=0, le=300, description="at most one refetch of the producers' keys this often (unknown key id)"
    )
    event_keys_max_age_seconds: float = Field(
        default=300.0, gt=0, description="the producers' keys are refetched at least this often (revocations)"
    )
    event_keys_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    event_trust_development_keys: bool | None = Field(
        default=None,
        description="trust every producer's development key (default: outside production only; never in production)",
    )

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> ServiceSettings:
        if self.environment != "production":
            return self
        for name, value in self:
            if isinstance(value, SecretStr) and value.get_secret_value().startswith(DEV_SECRET_PREFIX):
                raise ValueError(f"{name} still has its development default; set it for production")
        if not self.event_signing_keys:
            raise ValueError(
                "event_signing_keys is unset: production signs with keys of its own, never the development one"
            )
        if self.event_trust_development_keys:
            raise ValueError("event_trust_development_keys: production never trusts development keys")
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def trusts_development_keys(self) -> bool:
        if self.event_trust_development_keys is not None:
            return self.event_trust_development_keys
        return self.environment != "production"
