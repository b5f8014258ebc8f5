from pydantic import Field, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("IDENTITY_")

    service_name: str = "identity-svc"
    db_schema: str = "identity"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/identity"
    host: str = "127.0.0.1"
    port: int = 8001

    otp_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "otp-secret")
    """Key of the HMAC under which OTPs (and throttled keys) are stored; never the code itself."""
    key_encryption_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "signing-key-encryption")
    """Encrypts the JWT signing keys at rest (AES-GCM)."""

    otp_ttl_seconds: int = Field(default=300, ge=30)
    otp_max_attempts: int = Field(default=5, ge=1)
    otp_resend_cooldown_seconds: int = Field(default=60, ge=0)
    otp_max_sends: int = Field(default=4, ge=1, description="first send plus resends, per challenge")
    limit_window_seconds: int = Field(default=3600, ge=1)
    limit_per_national_id: int = Field(default=5, ge=1)
    limit_per_mobile: int = Field(default=5, ge=1)
    limit_per_client: int = Field(default=30, ge=1)
    min_enrolment_age: int = Field(default=18, ge=0)

    access_token_seconds: int = Field(default=600, ge=30)
    staff_token_seconds: int = Field(default=8 * 3600, ge=60)
    refresh_token_days: int = Field(default=30, ge=1)
    consent_access_minutes: int = Field(default=15, ge=1)
    staff_max_failed_logins: int = Field(default=5, ge=1)

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc, for the names of services in SMS texts (`GET /v1/services/{code}`)."""
    catalog_timeout_seconds: float = Field(default=2.0, gt=0)

    sms_timeout_seconds: float = Field(default=3.0, gt=0)
    sms_provider_pause_seconds: float = Field(default=30.0, ge=0)
    """After a failure or timeout a provider is tried last for this long."""
