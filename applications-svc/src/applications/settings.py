from pydantic import Field, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("APPLICATIONS_")

    service_name: str = "applications-svc"
    db_schema: str = "applications"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/applications"
    host: str = "127.0.0.1"
    port: int = 8007

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc: a service's tariff at publication (`GET /v1/services/{code}`) and each
    application's locked fee quote (`POST /internal/quotes`, with APPLICATIONS_INTERNAL_TOKEN)."""
    identity_url: str = "http://127.0.0.1:8001"
    """identity-svc, for the civil registry (`GET /internal/registry/persons/{national_id}`)."""
    identity_internal_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "internal-token")
    """identity's service-to-service token (identity's IDENTITY_INTERNAL_TOKEN)."""
    document_signing_key: SecretStr = SecretStr(DEV_SECRET_PREFIX + "application-document-key")
    """Ed25519 private key of issued documents: 32 raw bytes, base64url. The development
    default derives a fixed key from this text (refused in production)."""

    open_applications_per_citizen: int = Field(default=20, ge=1, le=1000)
    """Unfinished applications (draft, awaiting payment) a citizen may have at once."""
    sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    """How often applications past their service-level time are escalated."""
    max_definition_bytes: int = Field(default=200_000, ge=10_000, le=2_000_000)
    """The largest definition accepted (its JSON)."""
