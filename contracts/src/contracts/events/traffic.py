"""Traffic department events: vehicle ownership."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import GovernorateCode, NationalId, UtcDatetime

VehicleType = Literal["private_car", "taxi", "motorcycle", "truck", "bus", "other"]

_PLATE = "Plate number as printed (Arabic letters and digits)."


class VehicleRegistered(Event, subject="traffic.vehicle.registered.v1", aggregate="vehicle_id"):
    """A vehicle was registered (licensed) to an owner."""

    vehicle_id: UUID = Field(description="Traffic department id of the vehicle.")
    plate_number: str = Field(min_length=1, max_length=20, description=_PLATE)
    owner_national_id: NationalId = Field(description="The registered owner.")
    vehicle_type: VehicleType = Field(description="Kind of vehicle.")
    make: str = Field(min_length=1, max_length=100, description="Manufacturer, e.g. Hyundai.")
    model: str = Field(min_length=1, max_length=100, description="Model name, e.g. Elantra.")
    model_year: int = Field(ge=1900, le=2100, description="Model year.")
    engine_cc: int | None = Field(default=None, gt=0, description="Engine displacement in cc.")
    governorate: GovernorateCode = Field(description="Governorate of the licensing unit.")
    registered_at: UtcDatetime = Field(description="When it was registered.")


class VehicleTransferred(Event, subject="traffic.vehicle.transferred.v1", aggregate="vehicle_id"):
    """A vehicle's ownership was transferred to another citizen."""

    vehicle_id: UUID = Field(description="Traffic department id of the vehicle.")
    plate_number: str = Field(min_length=1, max_length=20, description=_PLATE)
    from_national_id: NationalId = Field(description="The previous owner.")
    to_national_id: NationalId = Field(description="The new owner.")
    transferred_at: UtcDatetime = Field(description="When the transfer was recorded.")
