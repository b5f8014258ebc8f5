from pydantic import Field, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("CATALOG_")

    service_name: str = "catalog-svc"
    db_schema: str = "catalog"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/catalog"
    host: str = "127.0.0.1"
    port: int = 8002

    quote_key_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "quote-key-secret")
    """Encrypts the quote-signing private keys at rest (PKCS#8, AES-256)."""
    quote_ttl_seconds: int = Field(default=1800, ge=60, le=24 * 3600)
    """How long a signed quote locks the price (the payment contract says 30 minutes)."""
    retired_key_published_seconds: int = Field(default=24 * 3600, ge=3600)
    """How long a rotated-out key stays in the JWKS (must outlive every quote it signed)."""
    cache_max_age_seconds: int = Field(default=60, ge=0, le=3600)
    """Cache-Control max-age of public catalogue reads."""
