from pydantic import Field

from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("EVIDENCE_")

    service_name: str = "evidence-svc"
    db_schema: str = "evidence"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/evidence"
    host: str = "127.0.0.1"
    port: int = 8008
    max_open_bundles: int = Field(default=20, ge=1, le=1000)
    """How many open bundles a citizen may have at once."""
