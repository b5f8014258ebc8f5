"""Gateway settings (env prefix GATEWAY_) and the dev defaults read from platform.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import Field, model_validator

from kit.settings import ServiceSettings, config

PLATFORM_FILE = "platform.toml"


class Settings(ServiceSettings):
    model_config = config("GATEWAY_")

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8000
    upstreams: dict[str, str] = Field(default_factory=dict, description="service name → base URL")
    routes: dict[str, str] = Field(default_factory=dict, description="public path prefix → service name")
    upstream_timeout_seconds: float = Field(default=10, gt=0)
    upstream_connections_per_host: int = Field(default=256, ge=1)
    max_body_bytes: int = Field(default=1_048_576, ge=0)
    openapi_cache_seconds: float = Field(default=30, ge=0)
    platform_file: Path | None = None

    @model_validator(mode="after")
    def _routes_name_upstreams(self) -> Settings:
        unknown = sorted({service for service in self.routes.values() if service not in self.upstreams})
        if unknown:
            raise ValueError(f"routes name services without an upstream URL: {unknown}")
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
