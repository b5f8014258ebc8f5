from pydantic import Field, SecretStr

from kit.evidence import CitingSettings
from kit.settings import DEV_SECRET_PREFIX, config


class Settings(CitingSettings):
    model_config = config("NOTARY_")

    service_name: str = "notary-svc"
    db_schema: str = "notary"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/notary"
    host: str = "127.0.0.1"
    port: int = 8003

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc, for the locked fee quote of each order (`POST /internal/quotes`, with NOTARY_INTERNAL_TOKEN)."""
    identity_url: str = "http://127.0.0.1:8001"
    """identity-svc, for the civil registry (`GET /internal/registry/persons/{national_id}`)."""
    identity_internal_token: SecretStr = SecretStr(DEV_SECRET_PREFIX + "internal-token")
    """identity's service-to-service token (identity's IDENTITY_INTERNAL_TOKEN)."""
    document_signing_key: SecretStr = SecretStr(DEV_SECRET_PREFIX + "document-signing-key")
    """Ed25519 private key of issued documents: 32 raw bytes, base64url. The development
    default derives a fixed key from this text (refused in production)."""

    majority_age: int = Field(default=21, ge=18, le=25)
    """Full legal capacity under the Egyptian Civil Code (art. 44): 21 Gregorian years."""
    max_agents: int = Field(default=5, ge=1, le=20)
    max_conditions: int = Field(default=10, ge=0, le=50)
    max_condition_length: int = Field(default=500, ge=20, le=500)
    max_validity_years: int = Field(default=10, ge=1, le=50)
    open_requests_per_citizen: int = Field(default=20, ge=1, le=1000)
    """Unfinished powers of attorney (or certificate requests) a citizen may have at once."""
