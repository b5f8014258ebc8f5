from pydantic import Field

from kit.settings import ServiceSettings, config


class Settings(ServiceSettings):
    model_config = config("OFFICE_ROUTING_")

    service_name: str = "office-routing-svc"
    db_schema: str = "office_routing"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/office_routing"
    host: str = "127.0.0.1"
    port: int = 8006

    booking_lead_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    """The earliest slot offered starts at least this long after the request (travel time)."""
    booking_horizon_days: int = Field(default=30, ge=1, le=180)
    """How far ahead appointments are offered."""
    spread_window_minutes: int = Field(default=60, ge=0, le=24 * 60)
    """Offices whose earliest free slot is this close to the earliest one count as near-equal:
    the least loaded of them gets the booking."""
    no_show_grace_minutes: int = Field(default=15, ge=0, le=240)
    """A clerk may record a no-show this long after the slot started."""
    waiting_sweep_seconds: float = Field(default=60.0, gt=0)
    """How often orders that found no free slot are tried again."""
