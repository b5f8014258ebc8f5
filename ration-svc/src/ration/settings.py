from pydantic import Field, SecretStr

from kit.evidence import CitingSettings
from kit.settings import DEV_SECRET_PREFIX, config


class Settings(CitingSettings):
    model_config = config("RATION_")

    service_name: str = "ration-svc"
    db_schema: str = "ration"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/ration"
    host: str = "127.0.0.1"
    port: int = 8004
    tick_seconds: float = Field(
        default=30.0, gt=0, description="How often due rule sets and expired overrides are handled."
    )
    import_max_bytes: int = Field(default=2 * 1024**3, gt=0, description="Largest bulk file accepted over the API.")

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc, for the locked fee quote of each card-service order (`POST /internal/quotes`, with
    RATION_INTERNAL_TOKEN)."""
    catalog_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    catalog_attempts: int = Field(
        default=3, ge=1, le=5, description="Tries of one quote when catalog-svc is unreachable or answers 5xx."
    )

    identity_url: str = "http://127.0.0.1:8001"
    """identity-svc, for the civil registry (`GET /internal/registry/persons/{national_id}`)."""
    identity_internal_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "internal-token")
    """identity's service-to-service token (identity's IDENTITY_INTERNAL_TOKEN)."""
    identity_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    identity_attempts: int = Field(
        default=3, ge=1, le=5, description="Tries of one registry look-up when identity-svc is unreachable or 5xx."
    )
    member_requests_open_per_card: int = Field(
        default=10, ge=1, le=100, description="Unfinished member requests (newborns, removals) a card may have."
    )
