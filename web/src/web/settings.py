from pydantic import Field, IPvAnyNetwork, SecretStr

from kit.settings import DEV_SECRET_PREFIX, ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("WEB_")

    service_name: str = "web"
    db_schema: str = "web"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/web"
    host: str = "127.0.0.1"
    port: int = 8010

    gateway_url: str = "http://127.0.0.1:8000"
    """The public API (`/v1`): the only thing the portal and the console talk to."""
    gateway_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    trusted_proxy_hops: int = Field(default=0, ge=0)
    """Proxies always in front of web (the ingress): the visitor's address is taken from their
    X-Forwarded-For, and sent on to the gateway, which believes web (its `trusted_proxies`). Every
    limit then counts citizens, not web's pods."""
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    """More proxies believed when they are the peer (addresses or networks)."""
    cookie_secure: bool = True
    """The session cookie is `Secure` (HTTPS only); development over plain HTTP turns it off."""
    session_idle_minutes: int = Field(default=30, ge=5, le=24 * 60)
    """A session unused this long is signed out (the tokens it held are dropped)."""
    session_max_hours: int = Field(default=12, ge=1, le=72)
    """A session lasts at most this long, however busy."""
    session_pending_minutes: int = Field(default=15, ge=5, le=60)
    """A visitor who is not signed in gets a stored session only for a journey in progress (an
    enrolment or a sign-in waiting for its SMS code), and it lasts at most this long."""
    csrf_secret: SecretStr = SecretStr(DEV_SECRET_PREFIX + "web-csrf")
    """Signs the CSRF token of anonymous forms (an HMAC of the browser's random `shubbak_csrf`
    cookie): no stored session is needed to refuse a forged form. Refused in production as is."""
