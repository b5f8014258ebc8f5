from pydantic import Field, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("EVIDENCE_")

    service_name: str = "evidence-svc"
    db_schema: str = "evidence"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/evidence"
    host: str = "127.0.0.1"
    port: int = 8008
    timestamping_keys: SecretStr = SecretStr(DEV_SECRET_PREFIX + "timestamping-keys")
    """The archive's timestamping keys: a JSON list of {"kid", "seed" (32 bytes, base64url)}; the
    first seals, the others stay published (rotation). Development derives one from this default;
    production refuses it."""
    seal_every_seconds: float = Field(default=10.0, gt=0, le=3600)
    """How often pending entries are sealed (an export seals what it needs at once)."""
    seal_max_events: int = Field(default=4096, ge=1, le=1_000_000)
    """The most entries in one sealed batch (one Merkle tree)."""
    retention_days: int = Field(default=3650, ge=1)
    """How long an archived event's content is kept unless `retention_by_type` says otherwise."""
    retention_by_type: dict[str, int] = Field(default_factory=dict)
    """Days by event type pattern (NATS wildcards), e.g. {"electricity.>": 1095}; the most specific
    (longest) matching pattern wins."""
    retention_every_seconds: float = Field(default=3600.0, gt=0)
    export_max_events: int = Field(default=200, ge=1, le=1000)
    """The most events in one bundle page."""
