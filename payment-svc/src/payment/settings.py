from pydantic import Field, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config

PROVIDERS = ("card", "wallet", "post_office", "cash_network")


class Settings(ServiceSettings):
    model_config = config("PAYMENT_")

    service_name: str = "payment-svc"
    db_schema: str = "payment"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/payment"
    host: str = "127.0.0.1"
    port: int = 8005

    catalog_url: str = "http://127.0.0.1:8002"
    """catalog-svc, for services' names on receipts (`GET /v1/services/{code}`)."""
    quote_jwks_url: str = "http://127.0.0.1:8002/.well-known/quote-keys.json"
    quote_issuer: str = "shubbak-catalog"
    quote_audience: str = "shubbak-payment"

    # One HMAC secret per provider for its signed notifications (production must set each).
    card_notification_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "card-acquirer")
    wallet_notification_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "mobile-wallet")
    post_office_notification_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "post-office")
    cash_network_notification_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "cash-network")
    notification_window_seconds: int = Field(default=300, ge=10, le=3600)

    # How long an intent waits for its payment, per method.
    card_ttl_minutes: int = Field(default=30, ge=1)
    wallet_ttl_minutes: int = Field(default=15, ge=1)
    post_office_ttl_minutes: int = Field(default=48 * 60, ge=1)
    cash_network_ttl_minutes: int = Field(default=48 * 60, ge=1)
    expiry_sweep_seconds: float = Field(default=30.0, gt=0)

    # The owning service's answer to a succeeded payment (applied or refused), and its sweep.
    answer_service_seconds: float = Field(default=900.0, gt=0)
    """The service time: an owner that has not answered a payment by then is asked again (with
    growing gaps), and until it answers the money counts as held without its service."""
    answer_reask_max_seconds: float = Field(default=3600.0, gt=0)
    """The longest gap between two askings."""
    answer_deadline_seconds: float = Field(default=2 * 24 * 3600.0, gt=0)
    """The `answer_by` of an announcement: past it an owner refuses, and payment-svc refunds a
    payment still unanswered after `answer_grace_seconds` more."""
    answer_grace_seconds: float = Field(default=600.0, ge=0)
    answer_sweep_seconds: float = Field(default=30.0, gt=0)

    # The development providers (never mounted in production).
    sandbox_callback_url: str | None = None
    """Where the sandbox posts its notifications (default: this service itself)."""
    public_base_url: str = "http://127.0.0.1:8000"
    """The gateway, for links shown to citizens (the sandbox's card checkout page)."""
    sandbox_delay_seconds: float = Field(default=0.2, ge=0)

    def notification_secret(self, provider: str) -> bytes:
        secret: SecretStr = getattr(self, f"{provider}_notification_secret")
        return secret.get_secret_value().encode()

    def ttl_minutes(self, method: str) -> int:
        return int(getattr(self, f"{method}_ttl_minutes"))

    @property
    def callback_url(self) -> str:
        return self.sandbox_callback_url or f"http://{self.host}:{self.port}"
