"""What evidence-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from evidence.archive.service import RetentionPolicy
from evidence.bundles.keys import Kept
from evidence.bundles.service import Exporter
from evidence.keys import TimestampingKeys, load
from evidence.settings import Settings
from kit.runtime import Runtime
from kit.service import BatchContext, Context


@dataclass(frozen=True)
class Resources:
    keys: TimestampingKeys
    """The archive's timestamping keys (the active one seals; all are published)."""
    exporter: Exporter
    retention: RetentionPolicy
    kept: Kept
    """The producers' keys this process has stored (`evidence.bundles.keys`)."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    settings = runtime.settings
    keys = load(settings.timestamping_keys.get_secret_value())
    exporter = Exporter(
        keys=keys,
        trust=runtime.trust,
        max_events=settings.export_max_events,
        seal_max_events=settings.seal_max_events,
    )
    retention = RetentionPolicy(default_days=settings.retention_days, by_type=dict(settings.retention_by_type))
    return Resources(keys=keys, exporter=exporter, retention=retention, kept=Kept())


ServiceContext = Context[Settings, Resources]
BatchCtx = BatchContext[Settings, Resources]
