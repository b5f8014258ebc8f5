"""Civil status registry events (births, deaths, marriages, divorces, addresses)."""

from datetime import date
from uuid import UUID

from pydantic import Field

from contracts.base import Event
from contracts.fields import ArabicText, GovernorateCode, Name, NationalId, Sex, UtcDatetime


class BirthRegistered(Event, subject="civil.birth.registered.v1", aggregate="child_national_id"):
    """A birth was registered and the child was given a national ID."""

    child_national_id: NationalId = Field(description="National ID issued to the child.")
    first_name_ar: Name = Field(description="The child's first name in Arabic.")
    full_name_ar: Name = Field(description="The child's full name (with father's line), Arabic.")
    full_name_latin: Name | None = Field(
        default=None, description="The full name in Latin script, when transliterated."
    )
    birth_date: date = Field(description="Date of birth.")
    sex: Sex = Field(description="Sex as registered.")
    governorate: GovernorateCode = Field(description="Governorate of birth (88 = abroad).")
    father_national_id: NationalId | None = Field(
        default=None, description="The father's national ID, when registered."
    )
    mother_national_id: NationalId = Field(description="The mother's national ID.")
    registered_at: UtcDatetime = Field(description="When the birth was registered.")


class DeathRegistered(Event, subject="civil.death.registered.v1", aggregate="national_id"):
    """A death was registered in the civil registry."""

    national_id: NationalId = Field(description="National ID of the deceased.")
    date_of_death: date = Field(description="Date of death.")
    governorate: GovernorateCode = Field(description="Governorate where the death was registered.")
    registered_at: UtcDatetime = Field(description="When the death was registered.")


class MarriageRegistered(Event, subject="civil.marriage.registered.v1", aggregate="marriage_id"):
    """A marriage contract was registered."""

    marriage_id: UUID = Field(description="Civil registry id of the marriage.")
    husband_national_id: NationalId = Field(description="The husband's national ID.")
    wife_national_id: NationalId = Field(description="The wife's national ID.")
    marriage_date: date = Field(description="Date of the marriage contract.")
    governorate: GovernorateCode = Field(description="Governorate where it was registered.")
    registered_at: UtcDatetime = Field(description="When the marriage was registered.")


class DivorceRegistered(Event, subject="civil.divorce.registered.v1", aggregate="marriage_id"):
    """A divorce was registered, ending a registered marriage."""

    marriage_id: UUID = Field(description="Civil registry id of the marriage that ended.")
    husband_national_id: NationalId = Field(description="The (former) husband's national ID.")
    wife_national_id: NationalId = Field(description="The (former) wife's national ID.")
    divorce_date: date = Field(description="Date of the divorce.")
    governorate: GovernorateCode = Field(description="Governorate where it was registered.")
    registered_at: UtcDatetime = Field(description="When the divorce was registered.")


class AddressChanged(Event, subject="civil.address.changed.v1", aggregate="national_id"):
    """A citizen's registered residence address changed."""

    national_id: NationalId = Field(description="The citizen whose address changed.")
    governorate: GovernorateCode = Field(description="Governorate of the new address.")
    district_ar: ArabicText = Field(description="District (qism/markaz) of the new address.")
    address_ar: ArabicText = Field(description="The new address line, Arabic.")
    changed_at: UtcDatetime = Field(description="When the change took effect in the registry.")
