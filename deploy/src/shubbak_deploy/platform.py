"""The services to deploy: platform.toml (names, packages, ports, prefixes, routes) joined
with deploy/services.toml (sizes, autoscaling, which services each one calls). The frontends
of platform.toml `[frontends]` (web: the portal and the console) are deployed like a service:
their own database (the browsers' sessions), secrets and probes; they call only the gateway and
take the public's traffic from the edge on a host name of their own."""

from __future__ import annotations

import ipaddress
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEPLOY_DIR = Path(__file__).resolve().parents[2]
REPO_ROOT = DEPLOY_DIR.parent
GATEWAY = "gateway"


@dataclass(frozen=True)
class Sizing:
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str
    min_replicas: int
    max_replicas: int
    target_cpu: int


@dataclass(frozen=True)
class Database:
    storage: str
    wal_storage: str
    cpu: str
    memory: str
    pool_size: int


@dataclass(frozen=True)
class Service:
    key: str  # as in platform.toml: "office_routing"
    folder: str
    package: str
    env_prefix: str
    port: int
    routes: tuple[str, ...]
    sizing: Sizing
    calls: tuple[str, ...]  # keys of the services whose API it calls
    database: Database | None  # every service has one; the gateway's holds idempotency keys
    env: tuple[tuple[str, str], ...] = ()  # platform.toml `[services.X.env]`: KEY → "{other}" template
    secrets: tuple[str, ...] = ()  # services.toml: settings read from Secrets (`NAME` or `NAME=secret/key`)
    frontend: bool = False  # platform.toml `[frontends]`: a client of the gateway, reached from the edge

    @property
    def name(self) -> str:
        """The Kubernetes name (DNS label): "office-routing"."""
        return self.key.replace("_", "-")

    @property
    def db_cluster(self) -> str:
        return f"{self.name}-db"

    @property
    def is_gateway(self) -> bool:
        return self.key == GATEWAY


@dataclass(frozen=True)
class Network:
    """services.toml `[network]`: where the edge proxies run, and what "public" excludes."""

    edge_namespace: str
    public_egress_except: tuple[str, ...]
    public_egress_ports: tuple[int, ...]

    def excepted(self, version: int) -> list[str]:
        """The excluded ranges of one IP version, as written (Python versions print some IPv6
        ranges differently: `::ffff:0:0/96` is `::ffff:0.0.0.0/96` on 3.13)."""
        return [cidr for cidr in self.public_egress_except if ipaddress.ip_network(cidr).version == version]


def load_network(deploy_dir: Path = DEPLOY_DIR) -> Network:
    spec = tomllib.loads((deploy_dir / "services.toml").read_text(encoding="utf-8")).get("network", {})
    network = Network(
        edge_namespace=str(spec["edge_namespace"]),
        public_egress_except=tuple(spec["public_egress_except"]),
        public_egress_ports=tuple(int(p) for p in spec["public_egress_ports"]),
    )
    for cidr in network.public_egress_except:
        ipaddress.ip_network(cidr)  # a typo fails here, not in the cluster
    return network


def load(root: Path = REPO_ROOT, deploy_dir: Path = DEPLOY_DIR) -> list[Service]:
    """Every service of platform.toml, then the gateway, then the frontends, in platform.toml's order."""
    platform = tomllib.loads((root / "platform.toml").read_text(encoding="utf-8"))
    spec = tomllib.loads((deploy_dir / "services.toml").read_text(encoding="utf-8"))
    defaults = spec["defaults"]
    unknown = sorted(set(spec.get("services", {})) - set(platform["services"]))
    unknown += sorted(set(spec.get("frontends", {})) - set(platform.get("frontends", {})))
    if unknown:
        raise ValueError(f"deploy/services.toml names services platform.toml does not have: {unknown}")
    services = [
        _service(key, entry, {**defaults, **spec.get("services", {}).get(key, {})}, gateway=False)
        for key, entry in platform["services"].items()
    ]
    gateway_spec = {**defaults, "calls": [s.key for s in services], **spec.get(GATEWAY, {})}
    services.append(_service(GATEWAY, platform[GATEWAY], gateway_spec, gateway=True))
    for key, entry in platform.get("frontends", {}).items():  # the gateway is all they call
        frontend_spec = {**defaults, "calls": [GATEWAY], **spec.get("frontends", {}).get(key, {})}
        services.append(_service(key, entry, frontend_spec, gateway=False, frontend=True))
    keys = {s.key for s in services}
    for service in services:
        missing = sorted(set(service.calls) - keys)
        if missing:
            raise ValueError(f"{service.key} calls unknown services {missing}")
    return services


def _service(
    key: str, entry: dict[str, Any], spec: dict[str, Any], *, gateway: bool, frontend: bool = False
) -> Service:
    sizing = Sizing(
        cpu_request=str(spec["cpu_request"]),
        cpu_limit=str(spec["cpu_limit"]),
        memory_request=str(spec["memory_request"]),
        memory_limit=str(spec["memory_limit"]),
        min_replicas=int(spec["min_replicas"]),
        max_replicas=int(spec["max_replicas"]),
        target_cpu=int(spec["target_cpu"]),
    )
    if not 1 <= sizing.min_replicas <= sizing.max_replicas:
        raise ValueError(f"{key}: need 1 <= min_replicas <= max_replicas")
    database = Database(
        storage=str(spec["db_storage"]),
        wal_storage=str(spec["db_wal_storage"]),
        cpu=str(spec["db_cpu"]),
        memory=str(spec["db_memory"]),
        pool_size=int(spec["db_pool_size"]),
    )
    return Service(
        key=key,
        folder=entry["folder"],
        package=entry["package"],
        env_prefix=entry["env_prefix"],
        port=int(entry["port"]),
        routes=tuple(entry.get("routes", ())),
        sizing=sizing,
        calls=tuple(dict.fromkeys([*spec["calls"], *_referenced(entry.get("env", {}))])),
        database=database,
        env=tuple(entry.get("env", {}).items()),
        secrets=tuple(spec.get("secrets", ())),
        frontend=frontend,
    )


def _referenced(env: dict[str, str]) -> list[str]:
    """Services named in env templates (`CATALOG_URL = "{catalog}"`): the service calls them."""
    return [field for template in env.values() for _, field, _, _ in string.Formatter().parse(template) if field]
