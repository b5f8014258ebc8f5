"""Checks for what is not a Kubernetes object: the NATS Helm values and the OpenTelemetry
Collector configuration (no Helm or collector binary is needed to catch their usual mistakes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from shubbak_deploy.platform import DEPLOY_DIR, load

NATS_VALUES = DEPLOY_DIR / "nats" / "values.yaml"
COLLECTOR_CONFIG = DEPLOY_DIR / "base" / "otel" / "collector-config.yaml"
ENV_REFERENCE = re.compile(r"^<< \$([A-Z][A-Z0-9_]*) >>$")


def check_nats_values(path: Path = NATS_VALUES) -> list[str]:
    """A 3-node JetStream cluster on disks with fsync on every write, a NATS user for every
    service whose password comes from the Secret through the environment, no literal passwords."""
    values: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    config = values.get("config", {})
    problems = []
    cluster = config.get("cluster", {})
    if not cluster.get("enabled") or int(cluster.get("replicas", 0)) < 3:
        problems.append("config.cluster must be enabled with at least 3 replicas (streams are R3)")
    jetstream = config.get("jetstream", {})
    file_store = jetstream.get("fileStore", {})
    if not jetstream.get("enabled") or not file_store.get("enabled") or not file_store.get("pvc", {}).get("enabled"):
        problems.append("JetStream must be enabled with a file store on a persistent volume")
    if jetstream.get("merge", {}).get("sync_interval") != "always":
        problems.append("config.jetstream.merge.sync_interval must be 'always' (README: durability)")
    if not values.get("podDisruptionBudget", {}).get("enabled"):
        problems.append("podDisruptionBudget must be enabled")
    exporter = values.get("promExporter", {})
    if not exporter.get("enabled") or not exporter.get("podMonitor", {}).get("enabled"):
        problems.append("promExporter and its podMonitor must be enabled (NATS is watched like every workload)")
    env = values.get("container", {}).get("env", {})
    accounts = config.get("merge", {}).get("accounts", {})
    users = [u for account in accounts.values() for u in account.get("users", [])]
    for user in users:
        if "password" not in user:
            continue
        match = ENV_REFERENCE.match(str(user["password"]))
        if match is None:
            problems.append(f"user {user.get('user')}: password must be `<< $VAR >>`, never a literal")
            continue
        secret = env.get(match.group(1), {})
        if not isinstance(secret, dict) or "secretKeyRef" not in secret.get("valueFrom", {}):
            problems.append(f"user {user.get('user')}: ${match.group(1)} is not set from a Secret in container.env")
    service_users = {u.get("user") for u in accounts.get("SHUBBAK", {}).get("users", [])}
    if accounts.get("SHUBBAK", {}).get("jetstream") != "enabled":
        problems.append("account SHUBBAK must have JetStream enabled")
    for service in load():
        if service.database is not None and service.name not in service_users:
            problems.append(f"no NATS user for service {service.name} in account SHUBBAK")
    return problems


def check_collector(path: Path = COLLECTOR_CONFIG) -> list[str]:
    """Every pipeline names only defined components, and the services' OTLP port is received."""
    config: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    service = config.get("service", {})
    for extension in service.get("extensions", []):
        if extension not in config.get("extensions", {}):
            problems.append(f"service.extensions: {extension} is not defined")
    pipelines = service.get("pipelines", {})
    if "traces" not in pipelines:
        problems.append("no traces pipeline")
    for name, pipeline in pipelines.items():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                if component not in (config.get(section) or {}):
                    problems.append(f"pipeline {name}: {section[:-1]} {component} is not defined")
        if not pipeline.get("receivers") or not pipeline.get("exporters"):
            problems.append(f"pipeline {name}: needs a receiver and an exporter")
    http = config.get("receivers", {}).get("otlp", {}).get("protocols", {}).get("http", {})
    if not str(http.get("endpoint", "")).endswith(":4318"):
        problems.append("receivers.otlp.protocols.http must listen on :4318 (OTEL_EXPORTER_OTLP_ENDPOINT)")
    return problems
