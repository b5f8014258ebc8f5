"""Gateway settings (env prefix GATEWAY_) and the dev defaults read from platform.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, model_validator

from gateway.webhooks.targets import TargetPolicy, refuse_in_production
from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config

PLATFORM_FILE = "platform.toml"


class Rate(BaseModel):
    """A token bucket: `count` requests in a burst, refilled evenly over `seconds`."""

    count: int = Field(ge=1)
    seconds: float = Field(gt=0)


class PolicySpec(BaseModel):
    """Who may call a path prefix: `read` for GET/HEAD/OPTIONS, `write` for the rest.

    An access spec is `public` or alternatives joined by `|`: `citizen`, `staff`,
    `staff:<role>+<role>`, `integrator`, `integrator:<scope>+<scope>`.
    `sensitive` routes get the strict per-address and per-national-ID rate limits.
    """

    read: str
    write: str
    sensitive: bool = False


class Settings(ServiceSettings):
    model_config = config("GATEWAY_")

    service_name: str = "gateway"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/gateway"
    db_schema: str = "gateway"
    secrets_key: SecretStr = SecretStr(DEV_SECRET_PREFIX + "gateway-secrets-key")
    """Seals what the gateway must use again (integrator token-signing keys, webhook secrets)."""
    db_pool_size: int = Field(default=5, ge=1, le=200)
    host: str = "127.0.0.1"
    port: int = 8000
    upstreams: dict[str, str] = Field(default_factory=dict, description="service name → base URL")
    routes: dict[str, str] = Field(default_factory=dict, description="public path prefix → service name")
    upstream_timeout_seconds: float = Field(default=10, gt=0)
    upstream_connections_per_host: int = Field(default=256, ge=1)
    upstream_client: Literal["raw", "aiohttp"] = Field(
        default="raw",
        description="the gateway's own pooled HTTP/1.1 client (gateway.upstream; measured 1.2-1.45x aiohttp's "
        "throughput, bench case gateway_throughput), or aiohttp's",
    )
    upstream_idle_seconds: float = Field(
        default=30, gt=0, lt=75, description="idle upstream connections close before the services' keep-alive (75 s)"
    )
    max_body_bytes: int = Field(default=1_048_576, ge=0)
    openapi_cache_seconds: float = Field(default=30, ge=0)
    platform_file: Path | None = None
    # Edge protection.
    upstream_retries: int = Field(default=2, ge=0, le=5, description="idempotent methods, connection errors only")
    upstream_retry_backoff_seconds: float = Field(default=0.05, ge=0)
    breaker_failures: int = Field(default=5, ge=1, description="consecutive failures that open an upstream's circuit")
    breaker_open_seconds: float = Field(default=5.0, gt=0)
    # Load shedding (gateway.shedding), per upstream and per gateway process.
    shed_max_in_flight: int = Field(
        default=32, ge=0, description="requests in flight to one upstream at most (0: no shedding)"
    )
    shed_max_in_flight_by_upstream: dict[str, int] = Field(
        default_factory=dict, description="service name → its own bound (e.g. a service with many replicas)"
    )
    shed_max_wait_seconds: float = Field(default=0.25, ge=0, description="the longest wait for a slot, then 503")
    shed_max_queue: int = Field(default=64, ge=0, description="requests waiting for one upstream at most")
    rate_limits: bool = True
    rate_address: Rate = Rate(count=1200, seconds=60)
    rate_account: Rate = Rate(count=600, seconds=60)
    rate_sensitive_address: Rate = Rate(count=60, seconds=600)
    """Sensitive routes, per address without a token (per account with one)."""
    rate_sensitive_staff: Rate = Rate(count=120, seconds=600)
    """Sensitive routes, per staff member: a post office or call centre serving citizens one after another."""
    rate_sensitive_identity: Rate = Rate(count=10, seconds=600)
    """Sensitive routes, per national ID, mobile, citizen, session (refresh token family) or challenge."""
    rate_limit_max_keys: int = Field(default=200_000, ge=100)
    trusted_proxy_hops: int = Field(default=0, ge=0, description="proxies in front whose X-Forwarded-For is believed")
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="addresses or networks of the proxies believed when they call (web, for the citizens it serves)",
    )
    # Auth at the edge: None is the built-in table of gateway.policy; {} turns edge checks off.
    policies: dict[str, str | PolicySpec] | None = None
    # Idempotency-Key on POST.
    idempotency_ttl_seconds: int = Field(default=86_400, ge=60)
    idempotency_max_response_bytes: int = Field(default=1_048_576, ge=1024)
    # Browsers.
    cors_origins: list[str] = Field(default_factory=list, description="web frontends' origins, exactly")
    cors_max_age_seconds: int = Field(default=600, ge=0)
    hsts: bool = True
    # Integrators: OAuth2 client credentials, webhooks fed from the event streams.
    events: bool = Field(default=True, description="connect to NATS: consume events for webhooks, deliver them")
    integrator_issuer: str = "shubbak-gateway"
    integrator_token_seconds: int = Field(default=900, ge=60, le=86_400)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    webhook_retry_base_seconds: float = Field(default=5, gt=0, description="first retry; doubles per attempt")
    webhook_retry_max_seconds: float = Field(default=3600, gt=0, description="longest wait between attempts")
    webhook_retry_for_seconds: float = Field(default=86_400, gt=0, description="give a delivery up after this")
    webhook_disable_after_seconds: float = Field(
        default=86_400, ge=0, description="an endpoint failing without a success for this long is disabled"
    )
    webhook_disable_min_failures: int = Field(default=10, ge=1)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_concurrency: int = Field(default=32, ge=1, le=1000)
    webhook_max_per_integrator: int = Field(default=50, ge=1)
    event_keys_max_per_integrator: int = Field(default=10, ge=1, le=100, description="active signing keys at most")
    event_keys_fetch_timeout_seconds: float = Field(default=5, gt=0, description="fetching an integrator's JWKS URL")
    event_keys_refetch_seconds: float = Field(
        default=60, ge=0, description="a JWKS URL is fetched again for an unknown key at most this often"
    )
    webhook_allowed_networks: list[str] = Field(
        default_factory=list,
        description="networks webhooks may reach although not public: a ministry's range on the government "
        "network; loopback in development and tests only (gateway.webhooks.targets)",
    )
    webhook_blocked_networks: list[str] = Field(
        default_factory=list,
        description="never reached, even inside an allowed network: the cluster's pod and service ranges",
    )

    @model_validator(mode="after")
    def _webhook_networks(self) -> Settings:
        try:
            TargetPolicy.of(self.webhook_allowed_networks, self.webhook_blocked_networks)
        except ValueError as exc:
            raise ValueError(f"webhook networks: {exc}") from exc
        opened = refuse_in_production(self.webhook_allowed_networks)
        if opened and self.environment == "production":
            raise ValueError(f"webhook_allowed_networks may not open {opened} in production")
        return self

    @model_validator(mode="after")
    def _routes_name_upstreams(self) -> Settings:
        unknown = sorted({service for service in self.routes.values() if service not in self.upstreams})
        if unknown:
            raise ValueError(f"routes name services without an upstream URL: {unknown}")
        unknown = sorted(set(self.shed_max_in_flight_by_upstream) - set(self.upstreams))
        if unknown:
            raise ValueError(f"shed_max_in_flight_by_upstream names services without an upstream URL: {unknown}")
        for prefix in self.routes:
            if not prefix.startswith("/"):
                raise ValueError(f"route prefix must start with '/': {prefix!r}")
        return self


def routes_from_platform(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(upstreams, routes) for the services in platform.toml, on their development ports."""
    with path.open("rb") as f:
        platform = tomllib.load(f)
    upstreams: dict[str, str] = {}
    routes: dict[str, str] = {}
    for name, service in platform.get("services", {}).items():
        upstreams[name] = f"http://127.0.0.1:{int(service['port'])}"
        for prefix in service.get("routes", []):
            routes[prefix] = name
    return upstreams, routes


def load_settings() -> Settings:
    """Settings from the environment; without GATEWAY_ROUTES, the routes of platform.toml.

    GATEWAY_UPSTREAMS still overrides the development URLs, so production can set only those.
    """
    settings = Settings()
    if settings.routes:
        return settings
    platform = settings.platform_file or find_platform_file()
    if platform is None:
        return settings
    upstreams, routes = routes_from_platform(platform)
    return Settings(upstreams={**upstreams, **settings.upstreams}, routes=routes)


def find_platform_file() -> Path | None:
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if (folder / PLATFORM_FILE).is_file():
                return folder / PLATFORM_FILE
    return None
