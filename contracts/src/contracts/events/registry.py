"""Commercial registry events: companies as the registry authority records them."""

from typing import Literal

from pydantic import Field

from contracts.base import Event
from contracts.fields import GovernorateCode, NationalId, Piastres, UtcDatetime

LegalForm = Literal["sole_proprietorship", "partnership", "llc", "joint_stock", "one_person_company"]


class CompanyRegistered(Event, subject="registry.company.registered.v1", aggregate="registry_number"):
    """A company was entered in (or updated in) the commercial register."""

    registry_number: str = Field(pattern=r"^[0-9]{1,12}$", description="Commercial register number.")
    name_ar: str = Field(min_length=1, max_length=300, description="The trade name as registered.")
    legal_form: LegalForm
    owner_national_ids: tuple[NationalId, ...] = Field(
        min_length=1, max_length=50, description="Owners and partners with authority to sign."
    )
    capital_piastres: Piastres = Field(description="Paid-up capital, in piastres.")
    activity_ar: str = Field(min_length=1, max_length=500, description="The registered activity.")
    governorate: GovernorateCode = Field(description="Governorate of the registry office.")
    status: Literal["active", "struck_off"] = Field(description="Whether the company is active.")
    registered_at: UtcDatetime = Field(description="When the entry was made or last changed.")
