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
    limit_per_client: int = Field(default=30, ge=1, description="codes asked from one address (no staff token)")
    limit_per_staff: int = Field(
        default=300, ge=1, description="codes asked by one staff member for the citizens they serve (desk, call centre)"
    )
    otp_lock_seconds: int = Field(
        default=900, ge=1, description="after a challenge locks, no new code for that national ID and purpose"
    )
    min_enrolment_age: int = Field(default=18, ge=0)

    access_token_seconds: int = Field(default=600, ge=30)
    staff_token_seconds: int = Field(default=8 * 3600, ge=60)
    refresh_token_days: int = Field(default=30, ge=1)
    consent_access_minutes: int = Field(default=15, ge=1)
    # Staff sign-in: wrong passwords slow the guesser down with growing delays (nothing locks the
    # owner out): free failures per username at one address, per username from addresses it never
    # signed in from, and per address across usernames; then 1 s, 2 s, 4 s ... up to the maximum.
    staff_sign_in_window_seconds: int = Field(default=3600, ge=60)
    staff_sign_in_free_failures: int = Field(default=3, ge=1)
    staff_sign_in_free_failures_username: int = Field(default=5, ge=1)
    staff_sign_in_free_failures_address: int = Field(default=10, ge=1)
    staff_sign_in_first_delay_seconds: float = Field(default=1.0, gt=0)
    staff_sign_in_max_delay_seconds: float = Field(default=300.0, gt=0)
    staff_known_address_days: int = Field(default=90, ge=1, description="a usual address: signed in from it lately")

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc, for the names of services in SMS texts (`GET /v1/services/{code}`)."""
    catalog_timeout_seconds: float = Field(default=2.0, gt=0)

    sms_timeout_seconds: float = Field(default=3.0, gt=0)
    sms_provider_pause_seconds: float = Field(default=30.0, ge=0)
    """After a failure or timeout a provider is tried last for this long."""
    sms_dispatch_seconds: float = Field(default=1.0, gt=0)
    """How often queued notification SMS are looked for when the last look found none (a
    transaction each time: at 0.2 s it was most of an idle identity-svc's CPU, for a notice that
    reaches the phone seconds later anyway)."""
