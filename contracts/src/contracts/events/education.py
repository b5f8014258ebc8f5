"""Ministry of Education events: school fees per student."""

from typing import Literal

from pydantic import Field

from contracts.base import Event
from contracts.fields import NationalId, Piastres, UtcDatetime

SchoolType = Literal["public", "experimental", "private", "international", "azhar"]


class FeesReported(Event, subject="education.fees.reported.v1", aggregate="student_national_id"):
    """A school reported a student's annual fees for an academic year."""

    student_national_id: NationalId = Field(description="The student.")
    guardian_national_id: NationalId = Field(description="The guardian who pays the fees.")
    school_id: str = Field(min_length=1, max_length=50, description="Ministry code of the school.")
    school_type: SchoolType = Field(description="Kind of school.")
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{4}$", description="Academic year, e.g. 2024/2025.")
    annual_fees_piastres: Piastres = Field(description="Annual fees, in piastres.")
    reported_at: UtcDatetime = Field(description="When the fees were reported.")
